// The shared rule tester (ESLint's RuleTester for ktm): runs one rule on its pass/fail fixtures and checks its contract.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/collect/load.js';
import { deriveSettings } from '../../src/collect/settings/derive-settings.js';
import { Inventory } from '../../src/collect/inventory.js';
import type { AnyRule } from '../../src/rules/framework/define-rule.js';
import { refToString, type Ref } from '../../src/types.js';
import { runRules, type RuleRun } from '../../src/rules/framework/run-rules.js';

export const FIXTURES_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/rules');

/**
 * One fixture: `test/fixtures/rules/<rule-id>/<expect>.<scenario>.yaml`, or a folder `<expect>.<scenario>/`
 * holding manifests (`*.yaml`, `*.json` at its top level) and optionally `node-files/<node>/` trees (each read
 * as --node-files). `<expect>` is `pass` (no finding of the rule), `fail` (at least one fail), or
 * `unverifiable` (at least one unverifiable, no fail). A manifest may pin details with comment lines:
 * `# expect-variant: <variant>` (a finding of that variant, repeatable) and
 * `# expect-message: <text>` (a finding whose message contains the text).
 * Every fail and unverifiable fixture states the complete set of results it expects, one line each, as ESLint's
 * `errors` array and regolibrary's `expected.json` do: `# expect: <status> <rule>[#<variant>] <subject>`
 * (subject as Kind/name or Kind/namespace/name). A result the fixture does not list fails the test.
 */
export interface Fixture {
  readonly rule: string;
  readonly name: string;
  readonly expect: 'pass' | 'fail' | 'unverifiable';
  readonly manifests: readonly string[];
  readonly nodeFiles: readonly string[];
  readonly variants: readonly string[];
  readonly messages: readonly string[];
  /** The exact results expected: `<status> <rule>[#<variant>] <subject>`, sorted. */
  readonly exact: readonly string[];
}

/** One result as a fixture states it. */
export function resultLine(f: { status: string; rule: string; variant?: string; subject: Ref }): string {
  return `${f.status} ${f.rule}${f.variant === undefined ? '' : `#${f.variant}`} ${refToString(f.subject)}`;
}

const FIXTURE_NAME = /^(pass|fail|unverifiable)\.([a-z0-9][a-z0-9-]*)(\.ya?ml|\.json)?$/;

export function fixturesOf(ruleId: string): Fixture[] {
  const dir = path.join(FIXTURES_ROOT, ruleId);
  if (!existsSync(dir)) return [];
  const out: Fixture[] = [];
  for (const entry of readdirSync(dir).sort()) {
    const m = FIXTURE_NAME.exec(entry);
    if (m === null) continue;
    const full = path.join(dir, entry);
    const isDir = statSync(full).isDirectory();
    if (isDir === (m[3] !== undefined)) continue; // a folder has no extension, a file must have one
    const manifests = isDir
      ? readdirSync(full)
          .filter((f) => /\.(ya?ml|json)$/.test(f))
          .sort()
          .map((f) => path.join(full, f))
      : [full];
    const nodeRoot = path.join(full, 'node-files');
    const nodeFiles =
      isDir && existsSync(nodeRoot)
        ? readdirSync(nodeRoot)
            .sort()
            .map((n) => path.join(nodeRoot, n))
        : [];
    const text = manifests.map((f) => readFileSync(f, 'utf8')).join('\n');
    const pinned = (key: string): string[] =>
      [...text.matchAll(new RegExp(`^#\\s*${key}:\\s*(.+?)\\s*$`, 'gm'))].map((x) => x[1]!);
    out.push({
      rule: ruleId,
      name: entry,
      expect: m[1] as Fixture['expect'],
      manifests,
      nodeFiles,
      variants: pinned('expect-variant'),
      messages: pinned('expect-message'),
      exact: pinned('expect').sort(),
    });
  }
  return out;
}

/** The inventory with its objects, node files and settings in reverse order. */
export function reordered(inv: Inventory): Inventory {
  return new Inventory({
    cluster: inv.cluster,
    items: [...inv.items].reverse(),
    coverage: inv.coverage,
    diagnostics: inv.diagnostics,
    nodeFiles: [...inv.nodeFiles].reverse(),
    settings: [...inv.settings].reverse(),
  });
}

/** Freezes every object reachable from the inventory's items and node files, so a mutating rule throws. */
export function deepFreeze<T>(value: T, seen = new Set<unknown>()): T {
  if (value === null || typeof value !== 'object' || seen.has(value)) return value;
  seen.add(value);
  for (const key of Reflect.ownKeys(value)) deepFreeze((value as Record<PropertyKey, unknown>)[key], seen);
  return Object.freeze(value);
}

function snapshot(inv: Inventory): string {
  return JSON.stringify({
    items: inv.items,
    nodeFiles: inv.nodeFiles,
    settings: inv.settings.map((s) => ({ c: s.component, n: s.node, e: s.explicit() })),
  });
}

/** A fixture is a whole cluster: a kind with no document in it counts as read, with none (--complete). */
export async function loadFixture(f: Fixture): Promise<Inventory> {
  return loadInventory({ kind: 'paths', paths: f.manifests, complete: true }, { nodeFiles: f.nodeFiles });
}

/**
 * The inventory as a run would see it had the rule's declared inputs not been readable: its kinds forbidden
 * (no objects, coverage forbidden) and, for a rule that reads component settings, no settings collected.
 */
export function withoutInputs(rule: AnyRule, inv: Inventory): Inventory {
  const inputs = rule.meta.inputs;
  const kinds = new Set([...inputs.kinds, ...(inputs.absence ?? [])]);
  return new Inventory({
    cluster: inv.cluster,
    items: inv.items.filter((it) => !kinds.has(it.object.kind)),
    coverage: {
      ...inv.coverage,
      resources: inv.coverage.resources.map((r) =>
        kinds.has(r.kind)
          ? { ...r, state: 'forbidden', count: 0, reason: 'forbidden by the rule tester' }
          : r,
      ),
    },
    diagnostics: inv.diagnostics,
    nodeFiles: (inputs.settings ?? []).length > 0 ? [] : inv.nodeFiles,
    settings: inv.settings.filter((s) => !(inputs.settings ?? []).includes(s.component)),
  });
}

/** The forbidden-input case: on every fixture, with the rule's inputs unreadable, the rule never passes. */
export async function checkForbiddenInputs(rule: AnyRule, f: Fixture): Promise<string[]> {
  const inv = withoutInputs(rule, await loadFixture(f));
  const run = runRules(inv, [rule], { now: new Date('2026-01-01T00:00:00Z') });
  const result = run.rules.results.find((r) => r.rule === rule.meta.id);
  const problems: string[] = [];
  if (result?.status === 'pass') problems.push(`${f.name}: passes with its inputs forbidden`);
  return problems;
}

/** Runs the rule on one fixture and returns the contract violations found (empty when the fixture holds). */
export async function checkFixture(rule: AnyRule, f: Fixture): Promise<{ problems: string[]; run: RuleRun }> {
  return checkInventory(rule, await loadFixture(f), f);
}

/** The tester's checks on an inventory already loaded (the tester's own tests build inventories directly). */
export function checkInventory(
  rule: AnyRule,
  inv: Inventory,
  f: Pick<Fixture, 'expect' | 'variants' | 'messages'> & { readonly exact?: readonly string[] },
): { problems: string[]; run: RuleRun } {
  const problems: string[] = [];
  deepFreeze(inv.items);
  deepFreeze(inv.nodeFiles);
  const before = snapshot(inv);
  const now = new Date('2026-01-01T00:00:00Z');
  const run = runRules(inv, [rule], { now });
  if (snapshot(inv) !== before) problems.push('the rule mutated its input');
  for (const d of run.diagnostics)
    if (d.where === `rule ${rule.meta.id}`) problems.push(`the rule broke its contract: ${d.message}`);
  const again = runRules(inv, [rule], { now });
  if (JSON.stringify(again.findings) !== JSON.stringify(run.findings))
    problems.push('results are not deterministic');
  // The same objects in another order give the same results, byte for byte.
  const shuffled = runRules(reordered(inv), [rule], { now });
  if (JSON.stringify(shuffled.findings) !== JSON.stringify(run.findings))
    problems.push('results depend on the order of the input');

  const mine = run.findings.filter((x) => x.rule === rule.meta.id);
  const fails = mine.filter((x) => x.status === 'fail');
  const unverifiable = mine.filter((x) => x.status === 'unverifiable');
  const list = mine.map((x) => `${x.id} [${x.status}] ${x.message}`).join('\n  ');
  if (f.expect === 'pass' && mine.length > 0) problems.push(`pass fixture has findings:\n  ${list}`);
  if (f.expect === 'fail' && fails.length === 0)
    problems.push(`fail fixture has no failing finding:\n  ${list}`);
  if (f.expect === 'unverifiable' && (unverifiable.length === 0 || fails.length > 0))
    problems.push(`unverifiable fixture should have only unverifiable results:\n  ${list}`);
  if (f.expect !== 'pass') {
    const got = mine.map(resultLine).sort();
    if (f.exact === undefined || f.exact.length === 0)
      problems.push(
        `the fixture states no exact set (# expect: lines); the rule gave:\n  ${got.join('\n  ')}`,
      );
    else if (JSON.stringify(got) !== JSON.stringify(f.exact))
      problems.push(
        `results differ from the fixture's exact set:\n  expected:\n    ${f.exact.join('\n    ')}\n  got:\n    ${got.join('\n    ')}`,
      );
  }
  for (const v of f.variants)
    if (!mine.some((x) => x.variant === v)) problems.push(`no finding of variant '${v}':\n  ${list}`);
  for (const m of f.messages)
    if (!mine.some((x) => x.message.includes(m))) problems.push(`no finding whose message contains '${m}'`);
  for (const x of mine) {
    if (x.message.includes('{{')) problems.push(`${x.id}: message has an unfilled placeholder`);
    if (x.status === 'fail' && x.evidence.length === 0) problems.push(`${x.id}: a failure without evidence`);
    if (x.status === 'unverifiable' && (x.missing ?? '').trim() === '')
      problems.push(`${x.id}: unverifiable without saying what is missing`);
  }
  return { problems, run };
}

/**
 * Whether component settings are derived from mirror pods yet. While src/collect/settings/derive-settings.ts
 * is the foundation's stub (it returns no settings), fixtures that need settings cannot hold; they are
 * skipped with that reason instead of failing, and run as soon as the implementation lands.
 */
export const SETTINGS_AVAILABLE =
  deriveSettings({
    items: [
      {
        object: {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: {
            name: 'kube-apiserver-probe',
            namespace: 'kube-system',
            labels: { component: 'kube-apiserver', tier: 'control-plane' },
            annotations: { 'kubernetes.io/config.mirror': 'x', 'kubernetes.io/config.source': 'file' },
          },
          spec: {
            nodeName: 'probe',
            containers: [{ name: 'kube-apiserver', command: ['kube-apiserver', '--secure-port=6443'] }],
          },
        },
        source: { file: 'probe.yaml', line: 1 },
      },
    ],
    nodeFiles: [],
  }).length > 0;

/** Registers one vitest case per fixture of the rule. */
export function testRule(rule: AnyRule, options: { readonly needsSettings?: boolean } = {}): void {
  describe(`rule ${rule.meta.id}`, () => {
    const fixtures = fixturesOf(rule.meta.id);
    it('has at least one pass and one fail fixture', () => {
      expect(fixtures.some((f) => f.expect === 'pass')).toBe(true);
      expect(fixtures.some((f) => f.expect === 'fail')).toBe(true);
    });
    const skip = options.needsSettings === true && !SETTINGS_AVAILABLE;
    for (const f of fixtures) {
      // Skipped only while the settings derivation is a stub (see SETTINGS_AVAILABLE).
      it.skipIf(skip && f.expect !== 'unverifiable')(f.name, async () => {
        const { problems } = await checkFixture(rule, f);
        expect(problems).toEqual([]);
      });
    }
    const declared = rule.meta.inputs.kinds.length + (rule.meta.inputs.settings ?? []).length;
    it('declares what it reads', () => expect(declared).toBeGreaterThan(0));
    const passing = fixtures.filter((f) => f.expect === 'pass');
    it.skipIf(passing.length === 0)('never passes when its inputs are forbidden', async () => {
      const problems = (await Promise.all(passing.map((f) => checkForbiddenInputs(rule, f)))).flat();
      expect(problems).toEqual([]);
    });
  });
}
