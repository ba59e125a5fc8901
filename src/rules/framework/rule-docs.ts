// Rule documentation generated from meta: docs/rules/<id>.md, the docs/rules/README.md index, and `ktm rules ID`.
import { ruleSeverity, type AnyRule, type RuleMeta } from './define-rule.js';
import { SEVERITY_MATRIX } from './severity.js';
import { EXCEPTION_ANNOTATION } from './exceptions.js';

const GENERATED =
  "<!-- Generated from the rule's meta by `npm run docs:rules`; edit the rule, not this file. -->";

function para(s: string): string {
  return s.trim();
}

/** The Markdown page of one rule. */
export function renderRuleDoc(meta: RuleMeta): string {
  const out: string[] = [];
  out.push(`# ${meta.id}: ${meta.title}`, '', GENERATED, '');
  out.push('| | |', '|---|---|');
  out.push(`| Tier | ${meta.tier} |`);
  out.push(`| Severity | ${ruleSeverity(meta)} (likelihood ${meta.likelihood} × impact ${meta.impact}) |`);
  out.push(`| Trust zone | ${meta.zone} |`);
  out.push(`| STRIDE | ${meta.stride.join(', ')} |`);
  out.push(`| Sources | ${meta.sources.join(', ')} |`);
  out.push(`| Aliases | ${meta.aliases.length === 0 ? '—' : meta.aliases.join(', ')} |`);
  if (meta.attack !== undefined && meta.attack.length > 0)
    out.push(`| Attack edges | ${meta.attack.join(', ')} |`);
  out.push('', para(meta.description), '');
  const variants = Object.entries(meta.variants ?? {});
  if (variants.length > 0) {
    out.push('## Variants', '', '| Variant | What | Severity |', '|---|---|---|');
    for (const [name, v] of variants) out.push(`| \`${name}\` | ${v.title} | ${ruleSeverity(meta, name)} |`);
    out.push('');
  }
  out.push('## Detection', '', para(meta.detection), '');
  out.push('## Inputs', '', ...inputLines(meta.inputs), '');
  out.push('## False positives', '', para(meta.falsePositives), '');
  out.push('## Remediation', '', `**Short term.** ${para(meta.remediation.shortTerm)}`, '');
  out.push(`**Long term.** ${para(meta.remediation.longTerm)}`, '');
  out.push('## Messages', '');
  for (const [id, text] of Object.entries(meta.messages))
    out.push(`- \`${id}\`: ${text.replace(/\|/g, '\\|')}`);
  out.push('');
  out.push('## Accepting the risk', '');
  out.push(
    `Annotate the object: \`${EXCEPTION_ANNOTATION}: "${meta.id}${variants.length > 0 ? `#${variants[0]![0]}` : ''}: why this is accepted"\`, ` +
      `or list it in an exceptions file (\`ktm assess --exceptions FILE\`) with \`rule: ${meta.id}\`, a subject pattern, ` +
      'a justification, an owner and an expiry date. See [the framework](_framework.md#exceptions).',
    '',
  );
  out.push('## References', '');
  for (const r of meta.references) out.push(`- <${r}>`);
  out.push('');
  return out.join('\n');
}

/** The index page: every rule with tier, severity and zone, and the severity matrix. */
export function renderRuleIndex(rules: readonly AnyRule[]): string {
  const out: string[] = ['# Rules', '', GENERATED, ''];
  out.push(
    'Every rule decides, per subject, **fail** or **unverifiable** (a pass is the absence of both). ' +
      'Severity is likelihood × impact through the matrix below (OWASP Risk Rating Methodology); ' +
      'zone criticality may raise it. How rules are written and tested: [the framework](_framework.md).',
    '',
  );
  out.push('| Rule | Tier | Severity | Zone | Title |', '|---|---|---|---|---|');
  const sorted = [...rules].sort(
    (a, b) =>
      ['seed', 'core', 'extended'].indexOf(a.meta.tier) - ['seed', 'core', 'extended'].indexOf(b.meta.tier) ||
      a.meta.id.localeCompare(b.meta.id),
  );
  for (const r of sorted)
    out.push(
      `| [${r.meta.id}](${r.meta.id}.md) | ${r.meta.tier} | ${ruleSeverity(r.meta)} | ${r.meta.zone} | ${r.meta.title} |`,
    );
  out.push(
    '',
    '## Severity matrix',
    '',
    '| impact \\ likelihood | low | medium | high |',
    '|---|---|---|---|',
  );
  for (const impact of ['high', 'medium', 'low'] as const) {
    const row = SEVERITY_MATRIX[impact];
    out.push(`| ${impact} | ${row.low} | ${row.medium} | ${row.high} |`);
  }
  out.push('');
  return out.join('\n');
}

/** Every generated file: path relative to docs/rules → content. */
export function generatedRuleDocs(rules: readonly AnyRule[]): Map<string, string> {
  const files = new Map<string, string>();
  files.set('README.md', renderRuleIndex(rules));
  for (const r of rules) files.set(`${r.meta.id}.md`, renderRuleDoc(r.meta));
  return files;
}

/** What the rule reads, for its doc: when any of it was not read the rule is unverifiable, never a pass. */
function inputLines(inputs: RuleMeta['inputs']): string[] {
  const list = (xs: readonly string[]): string => xs.map((x) => `\`${x}\``).join(', ');
  const out: string[] = [];
  if (inputs.kinds.length > 0) out.push(`- Resource kinds: ${list([...new Set(inputs.kinds)].sort())}`);
  if ((inputs.absence ?? []).length > 0)
    out.push(
      `- Kinds whose absence it reports (a failure becomes unverifiable when one was not read): ${list(inputs.absence ?? [])}`,
    );
  if ((inputs.settings ?? []).length > 0) out.push(`- Component settings: ${list(inputs.settings ?? [])}`);
  if ((inputs.nodeFiles ?? []).length > 0)
    out.push(`- Node files, when a flag names one: ${list(inputs.nodeFiles ?? [])}`);
  out.push(
    '',
    'When one of these was not read (forbidden, failed, not in the manifests given) the rule reports unverifiable, naming what is missing; it never passes.',
  );
  return out;
}
