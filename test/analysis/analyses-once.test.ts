// One analysis pass: one `assess` (and one `ktm rra`) computes each analysis once, whoever asks for it.
//
// The analysis modules are wrapped so every call is counted, including calls that bypass the Analyses object
// (a rule building its own model, a reporter rating criticality again): those are what made answers disagree.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type * as MDeriveModel from '../../src/model/derive-model.js';
import type * as MNetworkPlugin from '../../src/analysis/network-plugin.js';
import type * as MReachability from '../../src/analysis/network-policy/reachability.js';
import type * as MEndpoints from '../../src/analysis/network-policy/endpoints.js';
import type * as MRbacIndex from '../../src/analysis/privilege/rbac-index.js';
import type * as MBuildGraph from '../../src/analysis/privilege/build-graph.js';
import type * as MAttackPaths from '../../src/analysis/privilege/attack-paths.js';
import type * as MPlacement from '../../src/analysis/placement.js';
import type * as MCriticality from '../../src/analysis/criticality.js';
import type * as MCascade from '../../src/analysis/cascade.js';

const calls = new Map<string, number>();
function count(name: string): void {
  calls.set(name, (calls.get(name) ?? 0) + 1);
}
function counted<A extends unknown[], R>(name: string, fn: (...args: A) => R, key?: (...args: A) => string) {
  return (...args: A): R => {
    count(key === undefined ? name : `${name}:${key(...args)}`);
    return fn(...args);
  };
}

vi.mock('../../src/model/derive-model.js', async (importOriginal) => {
  const m = await importOriginal<typeof MDeriveModel>();
  return { ...m, deriveModel: counted('model', m.deriveModel) };
});
vi.mock('../../src/analysis/network-plugin.js', async (importOriginal) => {
  const m = await importOriginal<typeof MNetworkPlugin>();
  return { ...m, detectNetworkPlugin: counted('network-plugin', m.detectNetworkPlugin) };
});
vi.mock('../../src/analysis/network-policy/reachability.js', async (importOriginal) => {
  const m = await importOriginal<typeof MReachability>();
  return { ...m, computeReachability: counted('reachability', m.computeReachability) };
});
vi.mock('../../src/analysis/network-policy/endpoints.js', async (importOriginal) => {
  const m = await importOriginal<typeof MEndpoints>();
  return { ...m, collectEndpoints: counted('endpoints', m.collectEndpoints) };
});
vi.mock('../../src/analysis/privilege/rbac-index.js', async (importOriginal) => {
  const m = await importOriginal<typeof MRbacIndex>();
  return { ...m, buildRbacIndex: counted('rbac-index', m.buildRbacIndex) };
});
vi.mock('../../src/analysis/privilege/build-graph.js', async (importOriginal) => {
  const m = await importOriginal<typeof MBuildGraph>();
  return { ...m, buildPrivilegeGraph: counted('privilege-graph', m.buildPrivilegeGraph) };
});
vi.mock('../../src/analysis/privilege/attack-paths.js', async (importOriginal) => {
  const m = await importOriginal<typeof MAttackPaths>();
  // Point queries (from one vertex to another, as assumptions ask) are not the attack-path analysis.
  const find: typeof m.findAttackPaths = (pg, q) => {
    if (q?.from === undefined && q?.to === undefined) count('attack-paths');
    return m.findAttackPaths(pg, q);
  };
  return { ...m, findAttackPaths: find };
});
vi.mock('../../src/analysis/placement.js', async (importOriginal) => {
  const m = await importOriginal<typeof MPlacement>();
  return { ...m, analysePlacement: counted('placement', m.analysePlacement) };
});
vi.mock('../../src/analysis/criticality.js', async (importOriginal) => {
  const m = await importOriginal<typeof MCriticality>();
  return { ...m, rateCriticality: counted('criticality', m.rateCriticality) };
});
vi.mock('../../src/analysis/cascade.js', async (importOriginal) => {
  const m = await importOriginal<typeof MCascade>();
  return {
    ...m,
    computeCascade: counted('cascade', m.computeCascade, (_model, _inv, t) => t),
    cascadeOrUndefined: counted('cascade', m.cascadeOrUndefined, (_model, _inv, t) => t),
  };
});

const { assess } = await import('../../src/assess.js');
const { loadInventory } = await import('../../src/collect/load.js');
const { runKtm } = await import('../helpers/capture-io.js');

const ONCE = [
  'model',
  'network-plugin',
  'reachability',
  'endpoints',
  'rbac-index',
  'privilege-graph',
  'attack-paths',
  'placement',
  'criticality',
];

function repeated(): string[] {
  return [...calls.entries()].filter(([, n]) => n > 1).map(([k, n]) => `${k} ×${n}`);
}

describe('one analysis pass', () => {
  beforeEach(() => calls.clear());

  it('assess --demo computes each analysis exactly once and each cascade target at most once', async () => {
    const inv = await loadInventory({ kind: 'demo' });
    calls.clear();
    const a = assess(inv);
    expect(a.findings.length).toBeGreaterThan(0);
    for (const name of ONCE) expect(calls.get(name), name).toBe(1);
    expect([...calls.keys()].filter((k) => k.startsWith('cascade:')).length).toBeGreaterThan(0);
    expect(repeated()).toEqual([]);
  }, 120_000);

  it('ktm rra --demo rates criticality once and agrees with ktm assess on every severity', async () => {
    const rra = await runKtm(['rra', 'etcd', '--demo']);
    expect(rra.code).toBe(0);
    for (const name of ONCE) expect(calls.get(name), name).toBe(1);
    expect(repeated()).toEqual([]);

    const json = await runKtm(['assess', '--demo', '-o', 'json']);
    const findings = (JSON.parse(json.stdout) as { findings: { id: string; severity: string }[] }).findings;
    const bySeverity = new Map(findings.map((f) => [f.id, f.severity]));
    // Every finding the RRA lists (`- **High** id: …`, capitalised) has the severity assess gives it.
    const listed = [...rra.stdout.matchAll(/^\s*- \*\*(\w+)\*\* (\S+@\S+):\s/gm)].map(
      (m) => [m[2]!, m[1]!] as const,
    );
    expect(listed.length).toBeGreaterThan(3);
    for (const [id, severity] of listed)
      expect(`${id} ${severity.toLowerCase()}`).toBe(`${id} ${bySeverity.get(id)}`);
  }, 120_000);
});
