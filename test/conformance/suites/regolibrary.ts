// Runs ktm's rules on every case of ../shared/corpora/regolibrary and compares with the source's expected verdicts.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { packageRoot } from '../../../src/collect/demo.js';
import { loadInventory } from '../../../src/collect/load.js';
import type { Inventory } from '../../../src/collect/inventory.js';
import { runRules } from '../../../src/rules/framework/run-rules.js';
import type { Finding } from '../../../src/rules/finding.js';
import { RULES } from '../../../src/rules/registry.js';
import type { Ref } from '../../../src/types.js';
import type { CaseResult, Suite } from '../suite.js';

const caseSchema = z.object({
  rule: z.string(),
  case: z.string(),
  expect: z.enum(['fail', 'pass']),
  objects: z.array(z.object({ kind: z.string(), name: z.string(), namespace: z.string().nullish() })),
});
type Case = z.infer<typeof caseSchema>;
type Expected = Case['objects'][number];

const mapSchema = z.object({
  rules: z.record(
    z.string(),
    z.object({
      ktm: z.array(z.object({ rule: z.string(), variants: z.array(z.string()).optional() })),
      note: z.string().optional(),
    }),
  ),
  /** Cases where ktm deliberately answers differently, with the reason: counted as disagreements, never hidden. */
  disagreements: z.array(z.object({ rule: z.string(), case: z.string(), reason: z.string() })),
});
export type RegolibraryMap = z.infer<typeof mapSchema>;

export function readMap(): RegolibraryMap {
  const file = path.join(packageRoot(), 'test', 'conformance', 'regolibrary-map.json');
  return mapSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
}

/** Problems with the map itself: a ktm rule or variant it names that does not exist. */
export function mapProblems(map: RegolibraryMap): string[] {
  const out: string[] = [];
  for (const [source, entry] of Object.entries(map.rules))
    for (const m of entry.ktm) {
      const rule = RULES.find((r) => r.meta.id === m.rule);
      if (rule === undefined) {
        out.push(`${source}: ktm rule ${m.rule} is not registered`);
        continue;
      }
      for (const v of m.variants ?? [])
        if (rule.meta.variants?.[v] === undefined) out.push(`${source}: ${m.rule} has no variant ${v}`);
    }
  return out;
}

/** The workload that owns a pod template: the object itself, then its controllers through ownerReferences. */
function ownerChain(inv: Inventory, ref: Ref): Ref[] {
  const out: Ref[] = [ref];
  let cur = ref;
  for (let depth = 0; depth < 4; depth++) {
    const item = inv.get(cur.kind, cur.namespace, cur.name);
    const owner = item?.object.metadata.ownerReferences?.find((o) => o.controller === true);
    if (owner === undefined) break;
    cur = {
      kind: owner.kind,
      name: owner.name,
      ...(cur.namespace === undefined ? {} : { namespace: cur.namespace }),
    };
    out.push(cur);
  }
  return out;
}

function sameObject(ref: Ref, e: Expected): boolean {
  return (
    ref.kind === e.kind &&
    ref.name === e.name &&
    (e.namespace === null ||
      e.namespace === undefined ||
      ref.namespace === undefined ||
      ref.namespace === e.namespace)
  );
}

function mapped(f: Finding, ktm: RegolibraryMap['rules'][string]['ktm']): boolean {
  return (
    f.status === 'fail' &&
    ktm.some(
      (m) =>
        m.rule === f.rule &&
        (m.variants === undefined || (f.variant !== undefined && m.variants.includes(f.variant))),
    )
  );
}

function describe(f: Finding): string {
  const s = f.subject;
  return `${f.rule}${f.variant === undefined ? '' : `#${f.variant}`} on ${s.kind}/${s.namespace === undefined ? '' : `${s.namespace}/`}${s.name}`;
}

/** An empty folder for the cases without input, made on first use and removed when the suite ends. */
let empty: string | undefined;
function emptyDir(): string {
  empty ??= mkdtempSync(path.join(tmpdir(), 'ktm-regolibrary-empty-'));
  return empty;
}

async function runCase(dir: string, c: Case, map: RegolibraryMap): Promise<CaseResult> {
  const name = `${c.case} (${c.expect})`;
  const entry = map.rules[c.rule];
  const disagreement = map.disagreements.find((d) => d.rule === c.rule && d.case === c.case)?.reason;
  const dis = disagreement === undefined ? {} : { disagreement };
  if (entry === undefined) return { name, ok: false, detail: `no mapping for source rule ${c.rule}`, ...dis };
  const input = path.join(dir, c.rule, c.case, 'input');
  // A few cases ship only expected.json (the source's input lived elsewhere): they run on an empty input.
  const hasInput = existsSync(input);
  const inv = await loadInventory({ kind: 'paths', paths: [hasInput ? input : emptyDir()], complete: true });
  const rules = RULES.filter((r) => entry.ktm.some((m) => m.rule === r.meta.id));
  const run = runRules(inv, rules, { now: new Date('2026-01-01T00:00:00Z') });
  const relevant = run.findings.filter((f) => mapped(f, entry.ktm));
  // A pass case names no objects: every object of its input is one the source expects not to flag.
  const objects: Expected[] =
    c.objects.length > 0
      ? c.objects
      : inv.items.map((i) => ({
          kind: i.object.kind,
          name: i.object.metadata.name,
          namespace: i.object.metadata.namespace ?? null,
        }));
  const onObjects = relevant.filter((f) =>
    ownerChain(inv, f.subject).some((r) => objects.some((e) => sameObject(r, e))),
  );
  const errors = run.diagnostics
    .filter((d) => d.where.startsWith('rule '))
    .map((d) => `${d.where}: ${d.message}`);
  const seen = run.findings.map((f) => `${describe(f)} [${f.status}]`);
  const missingRules = entry.ktm.filter((m) => !RULES.some((r) => r.meta.id === m.rule)).map((m) => m.rule);
  const ok = c.expect === 'fail' ? onObjects.length > 0 : onObjects.length === 0;
  const detail = [
    ...(hasInput ? [] : ['the case has no input folder: run on an empty input']),
    ...(missingRules.length > 0 ? [`ktm rule(s) not registered yet: ${missingRules.join(', ')}`] : []),
    `expected ${c.expect} on ${objects.map((o) => `${o.kind}/${o.name}`).join(', ') || '(no objects)'}`,
    `ktm findings: ${seen.join('; ') || 'none'}`,
    ...errors,
    ...(ok && disagreement !== undefined
      ? ['listed as a disagreement, but ktm agrees: remove the entry']
      : []),
  ].join('\n');
  return { name, ok, detail, ...dis };
}

export const regolibrarySuite: Suite = {
  name: 'regolibrary',
  corpus: 'regolibrary',
  async run(dir) {
    const map = readMap();
    const cases = z.array(caseSchema).parse(JSON.parse(readFileSync(path.join(dir, 'cases.json'), 'utf8')));
    const groups = new Map<string, CaseResult[]>();
    const problems = mapProblems(map);
    if (problems.length > 0)
      groups.set(
        '(mapping)',
        problems.map((p) => ({ name: p, ok: false })),
      );
    try {
      for (const c of cases) {
        const list = groups.get(c.rule) ?? [];
        list.push(await runCase(dir, c, map));
        groups.set(c.rule, list);
      }
    } finally {
      if (empty !== undefined) rmSync(empty, { recursive: true, force: true });
      empty = undefined;
    }
    return {
      suite: 'regolibrary',
      groups: [...groups.entries()]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, cs]) => ({ name, cases: cs })),
      bar: 0.95,
    };
  },
};
