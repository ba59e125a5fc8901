// Test helpers for the privilege graph: load a fixture through the manifest reader, build inventories in code, query edges.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadInventory } from '../../../src/collect/load.js';
import { Inventory, type KubeObject } from '../../../src/collect/inventory.js';
import { buildPrivilegeGraph, type PrivilegeGraph } from '../../../src/analysis/privilege/build-graph.js';
import { vertexLabel, type EdgeType } from '../../../src/analysis/privilege/attack-graph.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const FIXTURES = path.join(here, '..', '..', 'fixtures', 'privilege');

export async function graphOf(file: string): Promise<PrivilegeGraph> {
  const inv = await loadInventory({ kind: 'paths', paths: [path.join(FIXTURES, file)] });
  return buildPrivilegeGraph(inv);
}

export function inventoryOf(objects: readonly KubeObject[]): Inventory {
  return new Inventory({
    cluster: { name: 'test' },
    items: objects.map((object, i) => ({ object, source: { file: 'in-code.yaml', line: i + 1 } })),
    coverage: { mode: 'manifests', resources: [], facts: [] },
  });
}

/** Edges as `TYPE from -> to` strings (vertex labels), sorted; the edges of held rights (PermissionSet vertices: cluster-admin, namespace-admin) left out. */
export function edgeStrings(pg: PrivilegeGraph, type?: EdgeType): string[] {
  const g = pg.graph;
  return g.edges
    .filter((e) => type === undefined || e.type === type)
    .filter((e) => g.vertices[e.from]!.kind !== 'PermissionSet')
    .map((e) => `${e.type} ${vertexLabel(g.vertices[e.from]!)} -> ${vertexLabel(g.vertices[e.to]!)}`)
    .sort();
}

export function hasEdge(pg: PrivilegeGraph, type: EdgeType, from: string, to: string): boolean {
  return edgeStrings(pg, type).includes(`${type} ${from} -> ${to}`);
}

/** Whether `to` is reachable from `from` (any number of steps). */
export function reaches(pg: PrivilegeGraph, from: string, to: string): boolean {
  const g = pg.graph;
  const start = g.vertices.find((v) => vertexLabel(v) === from);
  const goal = g.vertices.find((v) => vertexLabel(v) === to);
  if (start === undefined || goal === undefined) return false;
  const seen = new Uint8Array(g.vertices.length);
  const queue = [start.id];
  seen[start.id] = 1;
  while (queue.length > 0) {
    const v = queue.shift()!;
    if (v === goal.id) return true;
    for (let eid = g.firstOut(v); eid !== -1; eid = g.nextOut(eid)) {
      const u = g.edgeTo(eid);
      if (seen[u] === 0) {
        seen[u] = 1;
        queue.push(u);
      }
    }
  }
  return false;
}

type Rule = {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
};

export const k = {
  sa: (namespace: string, name: string): KubeObject => ({
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name, namespace },
  }),
  role: (namespace: string, name: string, rules: Rule[]): KubeObject => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name, namespace },
    rules,
  }),
  clusterRole: (
    name: string,
    rules: Rule[],
    extra: { labels?: Record<string, string>; aggregationRule?: unknown } = {},
  ): KubeObject => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name, ...(extra.labels ? { labels: extra.labels } : {}) },
    rules,
    ...(extra.aggregationRule !== undefined ? { aggregationRule: extra.aggregationRule } : {}),
  }),
  roleBinding: (
    namespace: string,
    name: string,
    roleKind: 'Role' | 'ClusterRole',
    role: string,
    subjects: unknown[],
  ): KubeObject => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name, namespace },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: roleKind, name: role },
    subjects,
  }),
  clusterRoleBinding: (name: string, role: string, subjects: unknown[]): KubeObject => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
    subjects,
  }),
  saSubject: (namespace: string, name: string) => ({ kind: 'ServiceAccount', namespace, name }),
  user: (name: string) => ({ kind: 'User', apiGroup: 'rbac.authorization.k8s.io', name }),
  group: (name: string) => ({ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name }),
};
