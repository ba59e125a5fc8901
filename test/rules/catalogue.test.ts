// The catalogue test: every rule registered, documented and with fixtures; no id collisions; every concern has a rule.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { RULES } from '../../src/rules/registry.js';
import { RESOURCE_TYPES } from '../../src/collect/resource-types.js';
import { generatedRuleDocs } from '../../src/rules/framework/rule-docs.js';
import { TIERS, ZONES } from '../../src/rules/framework/define-rule.js';
import type { AnyRule } from '../../src/rules/framework/define-rule.js';
import { fixturesOf } from './rule-tester.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SHARED_CONCERNS = path.resolve(ROOT, '../shared/catalogue/concerns.yaml');
const CONCERNS_COPY = path.join(ROOT, 'test/rules/catalogue-concerns.json');

/**
 * Concerns whose rule is not written yet. The test fails for any other concern without a rule, and for a
 * pending concern that has one (remove it from here when its rule lands).
 */
const PENDING: readonly string[] = [
  // seed and core, workload / RBAC / network (the workload engineer's part)
  // extended (the criticality issue)
];

interface Concern {
  readonly id: string;
  readonly tier: string;
  readonly title: string;
}

function concerns(): Concern[] {
  const copy = JSON.parse(readFileSync(CONCERNS_COPY, 'utf8')) as Concern[];
  return copy;
}

/** Rule modules under src/rules/<area>/ (every folder but framework). */
function ruleFiles(): string[] {
  const dir = path.join(ROOT, 'src/rules');
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== 'framework')
    .flatMap((d) =>
      readdirSync(path.join(dir, d.name))
        .filter((f) => f.endsWith('.ts'))
        .map((f) => path.join(dir, d.name, f)),
    )
    .sort();
}

describe('rule catalogue', () => {
  const byId = new Map(RULES.map((r) => [r.meta.id, r]));

  it('gives every rule a unique id and unique aliases', () => {
    const seen = new Map<string, string>();
    const clashes: string[] = [];
    for (const r of RULES) {
      for (const name of [r.meta.id, ...r.meta.aliases]) {
        const key = name.toLowerCase();
        const other = seen.get(key);
        if (other !== undefined) clashes.push(`${name}: ${other} and ${r.meta.id}`);
        seen.set(key, r.meta.id);
      }
    }
    expect(clashes).toEqual([]);
  });

  it('keeps every rule in its own file, named for its id, and registers every rule file', async () => {
    const problems: string[] = [];
    for (const file of ruleFiles()) {
      const mod = (await import(pathToFileURL(file).href)) as { default?: AnyRule };
      const id = path.basename(file, '.ts');
      // A module without a default export is a helper shared by an area's rules (prefer a subfolder for those).
      if (mod.default === undefined) continue;
      if (mod.default.meta.id !== id)
        problems.push(`${file}: id ${mod.default.meta.id} differs from file name`);
      else if (!RULES.includes(mod.default)) problems.push(`${file}: not in src/rules/registry.ts`);
    }
    const files = new Set(ruleFiles().map((f) => path.basename(f, '.ts')));
    for (const r of RULES)
      if (!files.has(r.meta.id)) problems.push(`${r.meta.id}: no file src/rules/<area>/${r.meta.id}.ts`);
    expect(problems).toEqual([]);
  });

  it('fills every rule meta field the docs and reports need', () => {
    const problems: string[] = [];
    for (const r of RULES) {
      const m = r.meta;
      if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(m.id)) problems.push(`${m.id}: id is not kebab-case`);
      if (!TIERS.includes(m.tier)) problems.push(`${m.id}: tier`);
      if (!ZONES.includes(m.zone)) problems.push(`${m.id}: zone`);
      for (const [k, v] of Object.entries({
        title: m.title,
        description: m.description,
        detection: m.detection,
        falsePositives: m.falsePositives,
        shortTerm: m.remediation.shortTerm,
        longTerm: m.remediation.longTerm,
      }))
        if (v.trim().length < 10) problems.push(`${m.id}: ${k} is empty`);
      if (m.references.length === 0) problems.push(`${m.id}: no references`);
      if (m.stride.length === 0) problems.push(`${m.id}: no STRIDE category`);
      if (Object.keys(m.messages).length === 0) problems.push(`${m.id}: no messages`);
      if (
        m.sources.some((s) => /^TOB-K8S-0\d\d$/.test(s)) &&
        !m.references.some((u) => u.includes('kubernetes/kubernetes/issues/'))
      )
        problems.push(`${m.id}: a TOB-K8S finding without its kubernetes/kubernetes tracking issue`);
    }
    expect(problems).toEqual([]);
  });

  it('declares only kinds ktm reads (a kind it never lists would make the rule unverifiable for ever)', () => {
    const listed = new Set(RESOURCE_TYPES.map((rt) => rt.kind));
    const unknown = RULES.flatMap((r) =>
      [...r.meta.inputs.kinds, ...(r.meta.inputs.absence ?? [])]
        .filter((k) => !listed.has(k))
        .map((k) => `${r.meta.id}: ${k}`),
    );
    expect(unknown).toEqual([]);
  });

  it('has at least one pass and one fail fixture per rule', () => {
    const missing = RULES.filter((r) => {
      const f = fixturesOf(r.meta.id);
      return !f.some((x) => x.expect === 'pass') || !f.some((x) => x.expect === 'fail');
    }).map((r) => r.meta.id);
    expect(missing).toEqual([]);
  });

  it('has committed docs identical to the generated ones (run `npm run docs:rules`)', () => {
    const dir = path.join(ROOT, 'docs/rules');
    const expected = generatedRuleDocs(RULES);
    const problems: string[] = [];
    for (const [name, content] of expected) {
      const file = path.join(dir, name);
      if (!existsSync(file)) problems.push(`docs/rules/${name} missing`);
      else if (readFileSync(file, 'utf8') !== content) problems.push(`docs/rules/${name} differs`);
    }
    if (existsSync(dir))
      for (const name of readdirSync(dir))
        if (name.endsWith('.md') && !name.startsWith('_') && !expected.has(name))
          problems.push(`docs/rules/${name} is stale (no such rule)`);
    expect(problems).toEqual([]);
  });

  it('keeps the copy of the concern ids in step with ../shared/catalogue when it is there', (ctx) => {
    if (!existsSync(SHARED_CONCERNS)) {
      ctx.skip(); // ../shared is not part of a fresh clone; the committed copy stands in for it
      return;
    }
    const shared = (parse(readFileSync(SHARED_CONCERNS, 'utf8')) as Concern[]).map((c) => ({
      id: c.id,
      tier: c.tier,
      title: c.title,
    }));
    expect(concerns()).toEqual(shared);
  });

  it('has a rule for every concern in the catalogue, except the explicit pending list', () => {
    const ids = concerns().map((c) => c.id);
    const uncovered = ids.filter((id) => !byId.has(id) && !PENDING.includes(id));
    const stalePending = PENDING.filter((id) => byId.has(id));
    const unknownPending = PENDING.filter((id) => !ids.includes(id));
    expect({ uncovered, stalePending, unknownPending }).toEqual({
      uncovered: [],
      stalePending: [],
      unknownPending: [],
    });
  });

  it("gives each rule of a catalogue concern the catalogue's tier", () => {
    const wrong = concerns()
      .filter((c) => byId.has(c.id) && byId.get(c.id)!.meta.tier !== c.tier)
      .map((c) => c.id);
    expect(wrong).toEqual([]);
  });
});
