// Renders attack paths as a terminal table, JSON (attackGraph.edges[] and paths[]) or Graphviz DOT; every cluster string escaped.
import { plural } from '../../text/plural.js';
import { escapeDot, escapeTerminal } from '../../text/escape.js';
import type { Evidence } from '../../types.js';
import { vertexLabel, type VertexRef } from './attack-graph.js';
import { refOfVertex, type PrivilegeGraph } from './build-graph.js';
import type { PathResult } from './attack-paths.js';

export const PATH_FORMATS = ['table', 'json', 'dot'] as const;
export type PathFormat = (typeof PATH_FORMATS)[number];

const JEWEL_TITLES: Record<string, string> = {
  'cluster-admin': 'cluster-admin-equivalent rights',
  'etcd-data': 'etcd data',
  'control-plane-node': 'a control-plane node',
  'kube-system-credentials': 'kube-system credentials',
  target: 'the target',
};

function t(s: string): string {
  return escapeTerminal(s, 300);
}

/** A vertex as a reader should understand it: hubs say what they stand for. */
function label(v: VertexRef): string {
  const base = t(vertexLabel(v));
  if (v.kind === 'Namespace') return `${base} (a new pod of the attacker's choosing)`;
  if (v.kind === 'Kubelet') return `${base} (the kubelet API)`;
  return base;
}

function evidenceText(e: Evidence): string {
  const ref = vertexLabel({
    kind: e.ref.kind as VertexRef['kind'],
    ...(e.ref.namespace !== undefined ? { namespace: e.ref.namespace } : {}),
    name: e.ref.name,
  });
  const at = e.source ? ` (${e.source.file}${e.source.line !== undefined ? `:${e.source.line}` : ''})` : '';
  return `${ref}${e.path ? ` ${e.path}` : ''}${e.value !== undefined ? ` = ${e.value}` : ''}${at}`;
}

export function renderPathsTable(pg: PrivilegeGraph, r: PathResult): string {
  const lines: string[] = [];
  if (r.paths.length === 0) lines.push('No attack path from the entry points to the crown jewels.');
  else
    lines.push(
      `Attack paths: ${r.total} found${r.total > r.paths.length ? `, showing the ${r.paths.length} worst` : ''} (Internet first, then by crown jewel, shortest first)`,
    );
  r.paths.forEach((p, i) => {
    lines.push('');
    lines.push(
      `${i + 1}. ${t(vertexLabel(p.entry))} → ${JEWEL_TITLES[p.jewel] ?? p.jewel} (${t(vertexLabel(p.target))}), ${plural(p.steps.length, 'step')}`,
    );
    p.steps.forEach((s, j) => {
      const via = s.via && s.via.length > 0 ? ` (via ${s.via.map((v) => t(vertexLabel(v))).join(', ')})` : '';
      lines.push(`   ${j + 1}) ${label(s.from)} --${s.type}--> ${label(s.to)}${via}`);
      for (const e of s.evidence.slice(0, 4)) lines.push(`        evidence: ${t(evidenceText(e))}`);
      if (s.assumption !== undefined) lines.push(`        assumes:  ${t(s.assumption)}`);
      lines.push(`        cut by:   ${t(s.control)}`);
    });
  });
  if (pg.limits.length > 0) {
    lines.push('');
    lines.push('Limits of this analysis:');
    for (const l of pg.limits) lines.push(`  - ${t(l)}`);
  }
  let edgeCount = 0;
  for (let id = 0; id < pg.graph.edgeCount; id++) if (pg.graph.edgeType(id) !== 'EXPAND') edgeCount++;
  lines.push('');
  lines.push(
    `Graph: ${plural(pg.graph.vertices.length, 'vertex', 'vertices')}, ${plural(edgeCount, 'attack edge')}, ${plural(pg.entries.length, 'entry point')}.`,
  );
  return `${lines.join('\n')}\n`;
}

/** One edge as the JSON documents show it. */
function edgeJson(pg: PrivilegeGraph, id: number): unknown {
  const g = pg.graph;
  const assumption = g.edgeAssumption(id);
  return {
    type: g.edgeType(id),
    from: refOfVertex(pg, g.edgeFrom(id)),
    to: refOfVertex(pg, g.edgeTo(id)),
    evidence: g.edgeEvidence(id),
    control: g.edgeControl(id),
    ...(assumption !== undefined ? { assumption } : {}),
  };
}

/** JSON: the attack graph's edges (hub membership edges included, type EXPAND) and the paths. */
export function pathsToJson(pg: PrivilegeGraph, r: PathResult, edges: 'all' | 'paths' = 'all'): unknown {
  const onPaths = new Set<number>();
  if (edges === 'paths') for (const p of r.paths) for (const id of p.edgeIds) onPaths.add(id);
  const list: unknown[] = [];
  for (let id = 0; id < pg.graph.edgeCount; id++)
    if (edges === 'all' || onPaths.has(id)) list.push(edgeJson(pg, id));
  return {
    schemaVersion: 1,
    attackGraph: {
      vertices: pg.graph.vertices.length,
      edges: list,
      entryPoints: pg.entries.map((e) => ({ kind: e.kind, vertex: refOfVertex(pg, e.vertex) })),
      crownJewels: Object.fromEntries(
        [...pg.jewels].map(([k, v]) => [k, v.map((id) => refOfVertex(pg, id))]),
      ),
    },
    paths: r.paths.map(({ edgeIds: _ids, ...p }) => p),
    total: r.total,
    limits: pg.limits,
    diagnostics: pg.rbac.diagnostics,
  };
}

export function renderPathsJson(pg: PrivilegeGraph, r: PathResult, edges: 'all' | 'paths' = 'all'): string {
  return [...renderPathsJsonChunks(pg, r, edges)].join('');
}

/**
 * The same document in pieces, one edge per line, so a graph of millions of edges is written without
 * building one string larger than Node can hold.
 */
export function* renderPathsJsonChunks(
  pg: PrivilegeGraph,
  r: PathResult,
  edges: 'all' | 'paths' = 'all',
): Generator<string> {
  const onPaths = new Set<number>();
  if (edges === 'paths') for (const p of r.paths) for (const id of p.edgeIds) onPaths.add(id);
  yield `{\n  "schemaVersion": 1,\n  "attackGraph": {\n    "vertices": ${pg.graph.vertices.length},\n    "edges": [`;
  let first = true;
  let batch: string[] = [];
  for (let id = 0; id < pg.graph.edgeCount; id++) {
    if (edges === 'paths' && !onPaths.has(id)) continue;
    batch.push(`${first ? '' : ','}\n      ${JSON.stringify(edgeJson(pg, id))}`);
    first = false;
    if (batch.length >= 1000) {
      yield batch.join('');
      batch = [];
    }
  }
  if (batch.length > 0) yield batch.join('');
  const rest = {
    entryPoints: pg.entries.map((e) => ({ kind: e.kind, vertex: refOfVertex(pg, e.vertex) })),
    crownJewels: Object.fromEntries([...pg.jewels].map(([k, v]) => [k, v.map((id) => refOfVertex(pg, id))])),
  };
  yield `\n    ],\n    "entryPoints": ${JSON.stringify(rest.entryPoints)},\n    "crownJewels": ${JSON.stringify(rest.crownJewels)}\n  },\n`;
  const tail = {
    paths: r.paths.map(({ edgeIds: _ids, ...p }) => p),
    total: r.total,
    limits: pg.limits,
    diagnostics: pg.rbac.diagnostics,
  };
  const body = JSON.stringify(tail, null, 2);
  yield `${body.slice(body.indexOf('\n') + 1)}\n`;
}

/** DOT of the paths shown (the whole graph is too large to draw). */
export function renderPathsDot(r: PathResult): string {
  const ids = new Map<string, string>();
  const node = (v: VertexRef): string => {
    const key = vertexLabel(v);
    let id = ids.get(key);
    if (id === undefined) {
      id = `n${ids.size}`;
      ids.set(key, id);
    }
    return id;
  };
  const edges = new Set<string>();
  for (const p of r.paths)
    for (const s of p.steps) edges.add(`  ${node(s.from)} -> ${node(s.to)} [label="${escapeDot(s.type)}"];`);
  const lines = ['digraph attack_paths {', '  rankdir=LR;', '  node [shape=box, fontname="Helvetica"];'];
  for (const [label, id] of ids) lines.push(`  ${id} [label="${escapeDot(label)}"];`);
  lines.push(...[...edges].sort());
  lines.push('}');
  return `${lines.join('\n')}\n`;
}
