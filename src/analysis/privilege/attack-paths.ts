// Shortest attack paths from entry points to crown jewels: one multi-source 0-1 BFS per jewel class over in-edges.
import type { Evidence } from '../../types.js';
import { EXPAND, ZONES, vertexLabel, type AttackStep, type VertexRef } from './attack-graph.js';
import {
  JEWEL_CLASSES,
  refOfVertex,
  type EntryKind,
  type JewelClass,
  type PrivilegeGraph,
} from './build-graph.js';

export interface PathStep {
  readonly type: AttackStep;
  readonly from: VertexRef;
  readonly to: VertexRef;
  /** Hubs the step went through ("every pod of namespace X"), collapsed into this step. */
  readonly via?: readonly VertexRef[];
  readonly evidence: readonly Evidence[];
  readonly control: string;
  readonly assumption?: string;
}

export interface AttackPath {
  readonly entry: VertexRef;
  readonly entryKind: EntryKind | 'given';
  /** The jewel class, or `target` for --to. */
  readonly jewel: JewelClass | 'target';
  readonly target: VertexRef;
  readonly steps: readonly PathStep[];
  /** Indices into the graph's edges of every edge the path follows (hub membership included). */
  readonly edgeIds: readonly number[];
}

export interface PathQuery {
  /** Start vertices (default: the graph's entry points). */
  readonly from?: readonly number[];
  /** Target vertices (default: every crown jewel, by class). */
  readonly to?: readonly number[];
  /** Most paths returned (default 50). */
  readonly limit?: number;
  /** Longest path searched, in attack steps (default 16). */
  readonly maxSteps?: number;
}

export interface PathResult {
  readonly paths: readonly AttackPath[];
  /** Paths found before the limit cut the list. */
  readonly total: number;
}

/**
 * Distances to the nearest target and the first edge of a shortest path, for every vertex. EXPAND edges
 * (hub membership) cost 0, attack steps 1. Linear in vertices and edges.
 */
export function distancesTo(
  pg: PrivilegeGraph,
  targets: readonly number[],
  maxSteps: number,
): { dist: Int32Array; next: Int32Array } {
  const g = pg.graph;
  const n = g.vertices.length;
  const dist = new Int32Array(n).fill(-1);
  const next = new Int32Array(n).fill(-1);
  let frontier: number[] = [];
  for (const t of targets) {
    if (dist[t] === 0) continue;
    dist[t] = 0;
    frontier.push(t);
  }
  for (let level = 0; frontier.length > 0 && level <= maxSteps; level++) {
    const nextFrontier: number[] = [];
    for (let i = 0; i < frontier.length; i++) {
      const v = frontier[i]!;
      if (dist[v] !== level) continue;
      for (let eid = g.firstIn(v); eid !== -1; eid = g.nextIn(eid)) {
        const u = g.edgeFrom(eid);
        const w = g.edgeType(eid) === EXPAND ? 0 : 1;
        const d = level + w;
        if (dist[u] !== -1 && dist[u]! <= d) continue;
        dist[u] = d;
        next[u] = eid;
        if (w === 0) frontier.push(u);
        else nextFrontier.push(u);
      }
    }
    frontier = nextFrontier;
  }
  return { dist, next };
}

function edgesOf(pg: PrivilegeGraph, start: number, next: Int32Array): number[] {
  const ids: number[] = [];
  let v = start;
  for (let guard = 0; guard < 10_000 && next[v] !== -1; guard++) {
    ids.push(next[v]!);
    v = pg.graph.edgeTo(next[v]!);
  }
  return ids;
}

function walk(pg: PrivilegeGraph, start: number, next: Int32Array): PathStep[] {
  const g = pg.graph;
  const steps: PathStep[] = [];
  let v = start;
  let pending:
    | {
        type: AttackStep;
        from: number;
        evidence: Evidence[];
        control: string;
        assumption?: string;
        via: VertexRef[];
      }
    | undefined;
  const flush = (to: number): void => {
    if (pending === undefined) return;
    steps.push({
      type: pending.type,
      from: refOfVertex(pg, pending.from),
      to: refOfVertex(pg, to),
      ...(pending.via.length > 0 ? { via: pending.via } : {}),
      evidence: pending.evidence,
      control: pending.control,
      ...(pending.assumption !== undefined ? { assumption: pending.assumption } : {}),
    });
    pending = undefined;
  };
  for (let guard = 0; guard < 10_000; guard++) {
    const eid = next[v]!;
    if (eid === -1) break;
    const e = g.edgeAt(eid);
    if (e.type === EXPAND) {
      if (pending !== undefined) {
        pending.via.push(refOfVertex(pg, v));
        pending.evidence = [...pending.evidence, ...e.evidence].slice(0, 8);
      }
    } else {
      flush(v);
      pending = {
        type: e.type,
        from: e.from,
        evidence: [...e.evidence],
        control: e.control,
        ...(e.assumption !== undefined ? { assumption: e.assumption } : {}),
        via: [],
      };
    }
    v = e.to;
  }
  flush(v);
  return steps;
}

const ENTRY_RANK: Record<EntryKind | 'given', number> = { internet: 0, given: 1, pod: 2, identity: 3 };

/** Shortest paths, one per (entry, jewel class) pair (or per entry for --to), worst first, bounded. */
export function findAttackPaths(pg: PrivilegeGraph, q: PathQuery = {}): PathResult {
  const limit = q.limit ?? 50;
  const maxSteps = q.maxSteps ?? 16;
  const g = pg.graph;
  const entries: { vertex: number; kind: EntryKind | 'given' }[] =
    q.from !== undefined ? q.from.map((vertex) => ({ vertex, kind: 'given' as const })) : [...pg.entries];
  const classes: { jewel: JewelClass | 'target'; targets: readonly number[] }[] =
    q.to !== undefined
      ? [{ jewel: 'target', targets: q.to }]
      : JEWEL_CLASSES.map((j) => ({ jewel: j, targets: pg.jewels.get(j) ?? [] }));
  const found: (AttackPath & { rank: number[] })[] = [];
  classes.forEach(({ jewel, targets }, ci) => {
    if (targets.length === 0) return;
    const targetSet = new Set(targets);
    const { dist, next } = distancesTo(pg, targets, maxSteps);
    for (const entry of entries) {
      const d = dist[entry.vertex]!;
      if (d <= 0 || targetSet.has(entry.vertex)) continue;
      const steps = walk(pg, entry.vertex, next);
      if (steps.length === 0) continue;
      // An identity whose route starts by holding a group's rights is reported once, from the group.
      if (
        q.from === undefined &&
        entry.kind === 'identity' &&
        steps[0]!.type === 'PERMISSION_DISCOVER' &&
        steps[0]!.to.kind === 'Group'
      )
        continue;
      // A route through cluster-admin rights to a lesser jewel is already reported as the cluster-admin path.
      if (
        jewel !== 'cluster-admin' &&
        q.to === undefined &&
        steps.slice(0, -1).some((s) => s.to.kind === 'PermissionSet' && s.to.name === 'cluster-admin')
      )
        continue;
      const edgeIds = edgesOf(pg, entry.vertex, next);
      const end = edgeIds.length === 0 ? entry.vertex : g.edgeTo(edgeIds[edgeIds.length - 1]!);
      found.push({
        entry: refOfVertex(pg, entry.vertex),
        entryKind: entry.kind,
        jewel,
        target: refOfVertex(pg, end),
        steps,
        edgeIds,
        rank: [ENTRY_RANK[entry.kind], ci, steps.length],
      });
    }
  });
  found.sort((a, b) => {
    for (let i = 0; i < 3; i++) if (a.rank[i] !== b.rank[i]) return a.rank[i]! - b.rank[i]!;
    return vertexLabel(a.entry).localeCompare(vertexLabel(b.entry));
  });
  return { paths: found.slice(0, limit).map(({ rank: _rank, ...p }) => p), total: found.length };
}

/**
 * Resolve `--from/--to`: a zone name (Internet, Container, Worker, Master Data, Master Components, API Server) or a
 * reference `Kind/name` or `Kind/namespace/name` (kind case-insensitive). Undefined when nothing matches.
 */
export function resolveSelector(pg: PrivilegeGraph, sel: string): number[] | undefined {
  const g = pg.graph;
  const zone = ZONES.find((z) => z.toLowerCase() === sel.trim().toLowerCase());
  if (zone !== undefined) {
    switch (zone) {
      case 'Internet':
      case 'Master Data': {
        const id = g.find({ kind: 'Zone', name: zone });
        return id === undefined ? undefined : [id];
      }
      case 'Container':
        return g.vertices.filter((v) => v.kind === 'Container').map((v) => v.id);
      case 'Worker': {
        const cp = new Set(pg.jewels.get('control-plane-node') ?? []);
        const workers = g.vertices
          .filter((v) => v.kind === 'Node' && !v.hub && !cp.has(v.id))
          .map((v) => v.id);
        // Without any Node read (manifests), the "any node" vertex is where escapes lead.
        const any = g.find({ kind: 'Node', name: '*' });
        return workers.length === 0 && any !== undefined ? [any] : workers;
      }
      case 'Master Components':
        return [...(pg.jewels.get('control-plane-node') ?? [])];
      case 'API Server':
        return [...(pg.jewels.get('cluster-admin') ?? [])];
    }
  }
  const parts = sel.split('/');
  if (parts.length < 2 || parts.length > 3) return undefined;
  const kind = g.vertices.find((v) => v.kind.toLowerCase() === parts[0]!.toLowerCase())?.kind;
  if (kind === undefined) return undefined;
  const id =
    parts.length === 2
      ? g.find({ kind, name: parts[1]! })
      : g.find({ kind, namespace: parts[1]!, name: parts[2]! });
  return id === undefined ? undefined : [id];
}
