// Renderers for the store's answers: the list of saved assessments, the diff of two, a triage decision.
import type { AssessmentDiff, FindingChange, NamedChange } from '../store/diff.js';
import { diffIsEmpty } from '../store/diff.js';
import type { StoredAssessment } from '../store/assessment-store.js';
import { escapeMarkdown as md, escapeTerminal as t } from './escape.js';

export const HISTORY_FORMATS = ['table', 'json'] as const;
export type HistoryFormat = (typeof HISTORY_FORMATS)[number];
export const DIFF_FORMATS = ['table', 'json', 'md'] as const;
export type DiffFormat = (typeof DIFF_FORMATS)[number];

function columns(rows: readonly (readonly string[])[]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((row) =>
      row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  '),
    )
    .join('\n');
}

const count = (summary: Readonly<Record<string, number>>, key: string): string => String(summary[key] ?? 0);

export function renderHistory(list: readonly StoredAssessment[], format: HistoryFormat): string {
  if (format === 'json') return `${JSON.stringify(list, null, 2)}\n`;
  if (list.length === 0) return 'No saved assessments.\n';
  return `${columns([
    ['ID', 'CLUSTER', 'WHEN', 'KTM', 'FINDINGS', 'CRIT', 'HIGH', 'MED', 'LOW', 'UNVERIFIABLE'],
    ...list.map((a) => [
      String(a.id),
      t(a.cluster, 60),
      a.createdAt.replace('T', ' ').slice(0, 19),
      t(a.toolVersion, 20),
      String(a.findings),
      count(a.summary, 'critical'),
      count(a.summary, 'high'),
      count(a.summary, 'medium'),
      count(a.summary, 'low'),
      count(a.summary, 'unverifiable'),
    ]),
  ])}\n`;
}

export interface DiffHeader {
  readonly before: StoredAssessment;
  readonly after: StoredAssessment;
}

function tableSection<T>(out: string[], title: string, items: readonly T[], line: (x: T) => string): void {
  if (items.length === 0) return;
  out.push(`${title} (${String(items.length)}):`);
  for (const x of items.slice(0, 200)) out.push(`  ${line(x)}`);
  if (items.length > 200) out.push(`  … ${String(items.length - 200)} more (see -o json)`);
}

const findingLine = (f: FindingChange): string => `${f.severity.padEnd(8)} ${t(f.id, 160)}`;
const namedLine = (c: NamedChange): string => t(c.id, 160);

export function renderDiff(d: AssessmentDiff, header: DiffHeader, format: DiffFormat): string {
  const { before, after } = header;
  if (format === 'json')
    return `${JSON.stringify({ before: before.id, after: after.id, cluster: after.cluster, ...d }, null, 2)}\n`;
  if (format === 'md') return renderDiffMarkdown(d, header);
  const out = [
    `Assessment #${String(before.id)} (${before.createdAt}) → #${String(after.id)} (${after.createdAt}), cluster ${t(after.cluster)}`,
  ];
  if (diffIsEmpty(d)) return `${out[0] ?? ''}\nNo changes.\n`;
  tableSection(out, 'New findings', d.findings.new, findingLine);
  tableSection(out, 'Resolved findings', d.findings.resolved, findingLine);
  tableSection(
    out,
    'Changed findings',
    d.findings.changed,
    (c) => `${t(c.id, 160)}: ${c.before} → ${c.after}`,
  );
  tableSection(out, 'Components added', d.components.added, namedLine);
  tableSection(out, 'Components removed', d.components.removed, namedLine);
  tableSection(out, 'Flows added', d.flows.added, namedLine);
  tableSection(out, 'Flows removed', d.flows.removed, namedLine);
  tableSection(
    out,
    'Zone criticality changed',
    d.criticality,
    (c) => `${t(c.name, 80)} ${c.dimension}: ${c.before} → ${c.after}`,
  );
  tableSection(out, 'Assumptions flipped', d.assumptions, (c) => `${t(c.id, 80)}: ${c.before} → ${c.after}`);
  tableSection(out, 'Drift appeared', d.drift.appeared, (c) => t(c.text, 160));
  tableSection(out, 'Drift gone', d.drift.gone, (c) => t(c.text, 160));
  return `${out.join('\n')}\n`;
}

function mdSection<T>(out: string[], title: string, items: readonly T[], line: (x: T) => string): void {
  if (items.length === 0) return;
  out.push('', `## ${title} (${String(items.length)})`, '');
  for (const x of items) out.push(`- ${line(x)}`);
}

function renderDiffMarkdown(d: AssessmentDiff, { before, after }: DiffHeader): string {
  const out = [
    `# ktm diff: ${md(after.cluster)}`,
    '',
    `Assessment #${String(before.id)} (${before.createdAt}) → #${String(after.id)} (${after.createdAt})`,
  ];
  if (diffIsEmpty(d)) return `${out.join('\n')}\n\nNo changes.\n`;
  const f = (x: FindingChange): string => `**${x.severity}** ${md(x.id)}: ${md(x.message)}`;
  mdSection(out, 'New findings', d.findings.new, f);
  mdSection(out, 'Resolved findings', d.findings.resolved, f);
  mdSection(out, 'Changed findings', d.findings.changed, (c) => `${md(c.id)}: ${c.before} → ${c.after}`);
  mdSection(out, 'Components added', d.components.added, (c) => md(c.id));
  mdSection(out, 'Components removed', d.components.removed, (c) => md(c.id));
  mdSection(out, 'Flows added', d.flows.added, (c) => md(c.id));
  mdSection(out, 'Flows removed', d.flows.removed, (c) => md(c.id));
  mdSection(
    out,
    'Zone criticality changed',
    d.criticality,
    (c) => `${md(c.name)} ${c.dimension}: ${c.before} → ${c.after}`,
  );
  mdSection(out, 'Assumptions flipped', d.assumptions, (c) => `${md(c.text)}: ${c.before} → ${c.after}`);
  mdSection(out, 'Drift appeared', d.drift.appeared, (c) => md(c.text));
  mdSection(out, 'Drift gone', d.drift.gone, (c) => md(c.text));
  return `${out.join('\n')}\n`;
}
