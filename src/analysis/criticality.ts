// Zone criticality: confidentiality, integrity and availability ratings for every zone and component, with reasons.
//
// The method's "determine criticality" step (2019 audit, Rapid Risk Assessment): start from the audit's own
// classifications (kube-apiserver and etcd Critical, kubelet and container runtime High, kube-proxy Medium,
// kube-scheduler Moderate = Medium) and let what ktm observes raise them: data and credentials held, blast radius
// from the cascade, reach from the privilege graph, Internet exposure and placement. Ratings only rise, never fall.
import { plural } from '../text/plural.js';
import type { Inventory } from '../collect/inventory.js';
import { groupWorkloads } from '../model/workloads.js';
import type { Component, Model, TrustZone } from '../model/types.js';
import type { Finding } from '../rules/finding.js';
import { SEVERITIES, severityRank, type Evidence, type Ref, type Severity } from '../types.js';
import { cascadeOrUndefined, type CascadeResult } from './cascade.js';
import type { Placement } from './placement.js';
import { EXPAND, vertexLabel } from './privilege/attack-graph.js';
import { distancesTo } from './privilege/attack-paths.js';
import { JEWEL_CLASSES, type JewelClass, type PrivilegeGraph } from './privilege/build-graph.js';

export const LEVELS = ['Low', 'Medium', 'High', 'Critical'] as const;
export type Level = (typeof LEVELS)[number];
export const DIMENSIONS = ['confidentiality', 'integrity', 'availability'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** The vocabulary of reasons (docs/criticality.md explains each). */
export const REASON_KINDS = [
  'audit-classification',
  'data-held',
  'credentials-held',
  'cluster-admin-identity',
  'blast-radius',
  'privilege-reach',
  'internet-exposure',
  'single-point-of-failure',
  'escape-colocation',
  'contains',
] as const;
export type ReasonKind = (typeof REASON_KINDS)[number];

export interface RatingReason {
  readonly kind: ReasonKind;
  /** The level this reason alone supports. */
  readonly level: Level;
  /** In words, with the names of the objects (cluster-supplied: renderers escape them). */
  readonly text: string;
  readonly evidence: readonly Evidence[];
}

export interface DimensionRating {
  readonly level: Level;
  /** Every reason at or above Medium, highest first; empty when nothing raised the dimension above Low. */
  readonly reasons: readonly RatingReason[];
}

export interface CriticalityRating {
  /** Zone id or component id. */
  readonly id: string;
  readonly name: string;
  readonly subject: 'zone' | 'component';
  readonly confidentiality: DimensionRating;
  readonly integrity: DimensionRating;
  readonly availability: DimensionRating;
}

export interface Criticality {
  /** One per zone, in the model's zone order. */
  readonly zones: readonly CriticalityRating[];
  /** One per component, in the model's component order. */
  readonly components: readonly CriticalityRating[];
  /** What was bounded or could not be seen. */
  readonly limits: readonly string[];
}

export interface CriticalityInput {
  readonly inventory: Inventory;
  readonly model: Model;
  readonly privilege: PrivilegeGraph;
  readonly placement: Placement;
  /** Rule findings: credentials exposed in environment variables, arguments or logs count as credentials held. */
  readonly findings?: readonly Finding[];
  /**
   * The cascade of a target (zone or component id), undefined for a target the model does not know:
   * Analyses.cascade shares them with every other consumer. Without it they are computed here.
   */
  readonly cascadeOf?: (target: string) => CascadeResult | undefined;
  /** Most cascades computed (default 400): each is linear in flows. */
  readonly maxCascades?: number;
}

const CREDENTIAL_RULES = new Set(['credentials-in-environment', 'credentials-in-logs']);

/** Flows plus components times cascades computed, by default: about ten seconds of cascades at any scale. */
const CASCADE_WORK_BUDGET = 3_000_000;

export function levelRank(l: Level): number {
  return LEVELS.indexOf(l);
}

function maxLevel(a: Level, b: Level): Level {
  return levelRank(a) >= levelRank(b) ? a : b;
}

/** Highest level of a rating over the three dimensions. */
export function highestLevel(r: CriticalityRating): Level {
  return maxLevel(maxLevel(r.confidentiality.level, r.integrity.level), r.availability.level);
}

type Draft = Record<Dimension, RatingReason[]>;

const newDraft = (): Draft => ({ confidentiality: [], integrity: [], availability: [] });

function add(d: Draft, dims: readonly Dimension[], reason: RatingReason): void {
  for (const dim of dims) d[dim].push(reason);
}

const ALL: readonly Dimension[] = DIMENSIONS;

function finish(id: string, name: string, subject: 'zone' | 'component', d: Draft): CriticalityRating {
  const dim = (reasons: RatingReason[]): DimensionRating => {
    const kept = reasons
      .filter((r) => r.level !== 'Low')
      .sort((a, b) => levelRank(b.level) - levelRank(a.level) || a.text.localeCompare(b.text));
    const dedup = kept.filter((r, i) => kept.findIndex((o) => o.text === r.text) === i);
    return { level: dedup[0]?.level ?? 'Low', reasons: dedup };
  };
  return {
    id,
    name,
    subject,
    confidentiality: dim(d.confidentiality),
    integrity: dim(d.integrity),
    availability: dim(d.availability),
  };
}

/** The audit's classification per component (security-audit-2019 RRA notes); Moderate is rated Medium. */
const AUDIT_CLASS: Readonly<Record<string, { level: Level; note: string }>> = {
  'kube-apiserver': { level: 'Critical', note: 'the audit classified kube-apiserver Critical' },
  etcd: {
    level: 'Critical',
    note: 'the audit classified etcd Critical: access to it is root on the cluster',
  },
  kubelet: { level: 'High', note: 'the audit classified the kubelet High' },
  'container-runtime': { level: 'High', note: 'the audit classified the container runtime High' },
  'kube-scheduler': { level: 'Medium', note: 'the audit classified kube-scheduler Moderate (rated Medium)' },
  'kube-proxy': { level: 'Medium', note: 'the audit classified kube-proxy Medium' },
};

function auditKey(c: Component): string | undefined {
  if (c.kind.type === 'control-plane') return c.kind.process;
  if (c.kind.type === 'node-agent') return c.kind.agent;
  return undefined;
}

const JEWEL_WORDS: Record<JewelClass, { text: string; dims: readonly Dimension[]; level: Level }> = {
  'cluster-admin': { text: 'cluster-admin rights', dims: ['confidentiality', 'integrity'], level: 'High' },
  'etcd-data': { text: 'the etcd data', dims: ['confidentiality', 'integrity'], level: 'High' },
  'control-plane-node': { text: 'a control-plane node', dims: ['integrity'], level: 'High' },
  'kube-system-credentials': { text: 'kube-system credentials', dims: ['confidentiality'], level: 'High' },
};

interface Reach {
  readonly dist: Int32Array;
  readonly next: Int32Array;
}

function chainText(pg: PrivilegeGraph, start: number, next: Int32Array): string {
  const g = pg.graph;
  const parts: string[] = [vertexLabel(g.vertices[start]!)];
  let v = start;
  for (let guard = 0; guard < 64 && next[v] !== -1; guard++) {
    const e = g.edgeAt(next[v]!);
    v = e.to;
    if (e.type !== EXPAND) parts.push(`—${e.type}→ ${vertexLabel(g.vertices[v]!)}`);
  }
  return parts.join(' ');
}

function chainEvidence(pg: PrivilegeGraph, start: number, next: Int32Array): Evidence[] {
  const g = pg.graph;
  const out: Evidence[] = [];
  let v = start;
  for (let guard = 0; guard < 64 && next[v] !== -1 && out.length < 6; guard++) {
    const e = g.edgeAt(next[v]!);
    v = e.to;
    if (e.type !== EXPAND && e.evidence[0] !== undefined) out.push(e.evidence[0]);
  }
  return out;
}

/** Reasons for "a compromise of these vertices reaches a crown jewel", shortest first. */
function reachReasons(
  pg: PrivilegeGraph,
  reach: ReadonlyMap<JewelClass, Reach>,
  starts: readonly number[],
  what: string,
): { dims: readonly Dimension[]; reason: RatingReason }[] {
  const out: { dims: readonly Dimension[]; reason: RatingReason }[] = [];
  for (const jewel of JEWEL_CLASSES) {
    const r = reach.get(jewel);
    if (r === undefined || starts.length === 0) continue;
    let best = -1;
    let bestD = Number.MAX_SAFE_INTEGER;
    for (const s of starts) {
      const d = r.dist[s]!;
      if (d > 0 && (d < bestD || (d === bestD && s < best))) {
        best = s;
        bestD = d;
      }
    }
    if (best === -1) continue;
    const w = JEWEL_WORDS[jewel];
    out.push({
      dims: w.dims,
      reason: {
        kind: 'privilege-reach',
        level: w.level,
        text: `a compromise of ${what} reaches ${w.text} in ${plural(bestD, 'step')}: ${chainText(pg, best, r.next)}`,
        evidence: chainEvidence(pg, best, r.next),
      },
    });
  }
  return out;
}

function zoneAncestors(model: Model): Map<string, string[]> {
  const byId = new Map(model.zones.map((z) => [z.id, z]));
  const out = new Map<string, string[]>();
  for (const z of model.zones) {
    const chain: string[] = [];
    let p = z.parent;
    for (let guard = 0; p !== undefined && guard < 64; guard++) {
      chain.push(p);
      p = byId.get(p)?.parent;
    }
    out.set(z.id, chain);
  }
  return out;
}

function cascadeReason(
  target: string,
  c: CascadeResult,
  insideZone: ReadonlySet<string>,
  names: ReadonlyMap<string, string>,
): RatingReason | undefined {
  const fails = c.fails.filter((e) => !insideZone.has(e.component));
  const degraded = c.degraded.filter((e) => !insideZone.has(e.component));
  const apiDown = fails.some((e) => e.component === 'kube-apiserver');
  const blocksAll = c.blockedWrites.some((w) => w.includes('every namespace'));
  if (fails.length === 0 && degraded.length === 0 && c.blockedWrites.length === 0) return undefined;
  const level: Level =
    apiDown || blocksAll ? 'Critical' : fails.length > 0 ? 'High' : degraded.length > 0 ? 'Medium' : 'Medium';
  const list = (es: typeof fails): string => {
    const shown = es.slice(0, 5).map((e) => names.get(e.component) ?? e.component);
    return es.length > 5 ? `${shown.join(', ')} and ${String(es.length - 5)} more` : shown.join(', ');
  };
  const parts: string[] = [];
  if (fails.length > 0) parts.push(`${String(fails.length)} fail (${list(fails)})`);
  if (degraded.length > 0) parts.push(`${String(degraded.length)} degrade (${list(degraded)})`);
  if (c.blockedWrites.length > 0) parts.push(`writes blocked: ${c.blockedWrites.join('; ')}`);
  return {
    kind: 'blast-radius',
    level,
    text: `if ${target} stops, outside it ${parts.join('; ')}`,
    evidence: [],
  };
}

/** Rate every zone and component. Pure and deterministic; cascades bounded by `maxCascades`. */
export function rateCriticality(input: CriticalityInput): Criticality {
  const { inventory: inv, model, privilege: pg, placement } = input;
  const limits: string[] = [];
  const g = pg.graph;
  const names = new Map(model.components.map((c) => [c.id, c.name]));
  const byId = new Map(model.components.map((c) => [c.id, c]));
  const ancestors = zoneAncestors(model);
  // Components inside each zone, nested zones included: one pass over components.
  const insideOf = new Map<string, string[]>();
  for (const c of model.components)
    for (const z of [c.zone, ...(ancestors.get(c.zone) ?? [])])
      (insideOf.get(z) ?? insideOf.set(z, []).get(z)!).push(c.id);

  // Reach: one breadth-first search per jewel class over in-edges, shared by every zone and component.
  const reach = new Map<JewelClass, Reach>();
  for (const j of JEWEL_CLASSES) {
    const t = pg.jewels.get(j) ?? [];
    if (t.length > 0) reach.set(j, distancesTo(pg, t, 16));
  }
  const adminReach = reach.get('cluster-admin');

  // Vertices per namespace and per pod, for reach and credentials.
  // Pod and container vertices by namespace and pod name (nested maps: no key string per vertex).
  const podVertices = new Map<string, Map<string, number[]>>();
  const nsVertices = new Map<string, number[]>();
  const saVertices = new Map<string, number[]>();
  for (const v of g.vertices) {
    if (v.hub || v.namespace === undefined) continue;
    if (v.kind === 'Pod' || v.kind === 'Container' || v.kind === 'ServiceAccount') {
      (nsVertices.get(v.namespace) ?? nsVertices.set(v.namespace, []).get(v.namespace)!).push(v.id);
    }
    if (v.kind === 'ServiceAccount')
      (saVertices.get(v.namespace) ?? saVertices.set(v.namespace, []).get(v.namespace)!).push(v.id);
    if (v.kind === 'Pod' || v.kind === 'Container') {
      const pod = v.kind === 'Container' ? v.name.split('/')[0]! : v.name;
      const inNs = podVertices.get(v.namespace) ?? podVertices.set(v.namespace, new Map()).get(v.namespace)!;
      (inNs.get(pod) ?? inNs.set(pod, []).get(pod)!).push(v.id);
    }
  }
  const nodeVertex = new Map<string, number>();
  for (const v of g.vertices) if (v.kind === 'Node' && !v.hub) nodeVertex.set(v.name, v.id);

  // Cluster-admin-equivalent identities: one PERMISSION_DISCOVER step from cluster-admin rights.
  const adminIdentities = new Map<string, { name: string; evidence: readonly Evidence[] }[]>();
  if (adminReach !== undefined) {
    for (const [ns, ids] of saVertices) {
      for (const id of ids) {
        const e = adminReach.next[id]! >= 0 ? g.edgeAt(adminReach.next[id]!) : undefined;
        if (adminReach.dist[id] === 1 && e?.type === 'PERMISSION_DISCOVER')
          (adminIdentities.get(ns) ?? adminIdentities.set(ns, []).get(ns)!).push({
            name: g.vertices[id]!.name,
            evidence: e.evidence,
          });
      }
    }
  }

  // Secrets per namespace (metadata only: names, never values).
  const secretsByNs = new Map<string, { total: number; tokens: string[] }>();
  for (const s of inv.ofKind('Secret')) {
    const ns = s.object.metadata.namespace ?? '';
    const e = secretsByNs.get(ns) ?? secretsByNs.set(ns, { total: 0, tokens: [] }).get(ns)!;
    e.total++;
    if ((s.object as { type?: string }).type === 'kubernetes.io/service-account-token')
      e.tokens.push(s.object.metadata.name);
  }

  // Workloads and their pods; placement facts per workload.
  const workloadPods = new Map<string, { namespace: string; names: string[] }>();
  for (const w of groupWorkloads(inv))
    workloadPods.set(w.id, {
      namespace: w.namespace,
      names: w.pods.map((p) => p.object.metadata?.name ?? ''),
    });
  const wPlacement = new Map(placement.workloads.map((w) => [w.id, w]));
  const escapeOnCp = new Map<string, string[]>();
  const escapeNeighbours = new Map<string, Set<string>>();
  for (const col of placement.colocations) {
    if (col.controlPlane && col.neighbours.some((n) => /\/Pod\/(etcd|kube-apiserver)-/.test(n))) {
      (escapeOnCp.get(col.workload) ?? escapeOnCp.set(col.workload, []).get(col.workload)!).push(col.node);
    }
    for (const n of col.neighbours)
      (escapeNeighbours.get(n) ?? escapeNeighbours.set(n, new Set()).get(n)!).add(col.workload);
  }
  const escapeCapable = new Set(placement.colocations.map((c) => c.workload));

  // Internet exposure: flows from the Internet zone's members.
  const internetMembers = new Set(model.components.filter((c) => c.zone === 'internet').map((c) => c.id));
  const exposedBy = new Map<string, string[]>();
  for (const f of model.flows) {
    if (!internetMembers.has(f.from) || f.from === 'external:administrators') continue;
    if (f.from.startsWith('external:address:') && f.purpose.includes('network policy')) continue;
    (exposedBy.get(f.to) ?? exposedBy.set(f.to, []).get(f.to)!).push(
      `${f.protocol}${f.port === undefined ? '' : `/${String(f.port)}`} (TLS ${f.tls})`,
    );
  }

  // Cascades, bounded: each one is a pass over every flow and component, so the number computed shrinks as the
  // cluster grows (a work budget), and the most consequential targets go first.
  const size = model.flows.length + model.components.length;
  const maxCascades =
    input.maxCascades ?? Math.max(8, Math.min(400, Math.floor(CASCADE_WORK_BUDGET / Math.max(1, size))));
  const ROLE_ORDER = [
    'admission-webhook',
    'cluster-dns',
    'ingress-controller',
    'gateway-controller',
    'aggregated-api',
  ];
  const roleRank = (c: Component): number =>
    c.kind.type === 'workload'
      ? Math.min(...c.kind.roles.map((r) => ROLE_ORDER.indexOf(r)).filter((i) => i >= 0), 99)
      : 99;
  const roleWorkloads = model.components
    .filter((c) => c.kind.type === 'workload' && c.kind.roles.length > 0)
    .sort((a, b) => roleRank(a) - roleRank(b) || a.id.localeCompare(b.id));
  const roleNamespaces = new Set(roleWorkloads.map((c) => c.zone));
  const zonesOfKind = (k: string): string[] =>
    model.zones.filter((z) => z.kind === k && z.id !== 'internet').map((z) => z.id);
  const namespaceZones = zonesOfKind('namespace');
  const cascadeTargets = [
    ...zonesOfKind('top'),
    ...zonesOfKind('node-pool'),
    ...model.components
      .filter((c) => c.kind.type === 'control-plane' && c.kind.process !== 'kube-apiserver')
      .map((c) => c.id),
    ...roleWorkloads.map((c) => c.id),
    ...namespaceZones.filter((z) => roleNamespaces.has(z)),
    ...namespaceZones.filter((z) => !roleNamespaces.has(z)),
  ];
  const cascades = new Map<string, CascadeResult>();
  let computed = 0;
  let skipped = 0;
  for (const t of cascadeTargets) {
    if (computed >= maxCascades) {
      skipped++;
      continue;
    }
    computed++;
    const r = (input.cascadeOf ?? ((x: string) => cascadeOrUndefined(model, inv, x)))(t);
    // An unresolvable target has no blast radius to report.
    if (r !== undefined) cascades.set(t, r);
  }
  const cascadeOf = (target: string): CascadeResult | undefined => cascades.get(target);

  const controlPlaneNodes = new Set(placement.nodes.filter((n) => n.controlPlane).map((n) => n.name));

  // ---- components ----
  const compRatings = new Map<string, CriticalityRating>();
  const componentDrafts = new Map<string, Draft>();
  for (const c of model.components) {
    const d = newDraft();
    const key = auditKey(c);
    const audit = key === undefined ? undefined : AUDIT_CLASS[key];
    if (audit !== undefined)
      add(d, ALL, { kind: 'audit-classification', level: audit.level, text: audit.note, evidence: [] });
    const ev: Evidence[] = c.refs.slice(0, 1).map((ref) => ({ ref }));
    if (c.kind.type === 'control-plane') {
      if (c.kind.process === 'etcd')
        add(d, ['confidentiality', 'integrity'], {
          kind: 'data-held',
          level: 'Critical',
          text: 'etcd holds every Secret and service-account token of the cluster and the whole cluster state',
          evidence: ev,
        });
      if (c.kind.process === 'kube-apiserver')
        add(d, ['confidentiality', 'integrity'], {
          kind: 'credentials-held',
          level: 'Critical',
          text: 'kube-apiserver holds the etcd client certificate and the service-account signing key, and serves every Secret',
          evidence: ev,
        });
      if (c.kind.process === 'kube-controller-manager' || c.kind.process === 'cloud-controller-manager')
        add(d, ['confidentiality', 'integrity'], {
          kind: 'credentials-held',
          level: 'High',
          text: `${c.name} reconciles the cluster with broad rights (kube-controller-manager holds the service-account private key)`,
          evidence: ev,
        });
    }
    if (c.kind.type === 'node-agent' && c.kind.agent === 'kubelet') {
      const node = c.nodes[0];
      const cpNode = node !== undefined && controlPlaneNodes.has(node);
      if (cpNode)
        add(d, ['confidentiality', 'integrity'], {
          kind: 'credentials-held',
          level: 'Critical',
          text: `the kubelet on control-plane node ${node} runs the static pods of the control plane and can read their certificates and etcd's data`,
          evidence: ev,
        });
    }
    if (c.kind.type === 'workload') {
      const pods = workloadPods.get(c.id);
      const inNs = pods === undefined ? undefined : podVertices.get(pods.namespace);
      const starts =
        pods === undefined || inNs === undefined ? [] : pods.names.flatMap((p) => inNs.get(p) ?? []);
      for (const r of reachReasons(pg, reach, starts, `${c.name}'s pods`)) add(d, r.dims, r.reason);
      const wp = wPlacement.get(c.id);
      if (wp?.singleNode === true)
        add(d, ['availability'], {
          kind: 'single-point-of-failure',
          level: 'High',
          text: `all ${String(wp.pods)} replicas of ${c.name} run on one node (${wp.nodes.join(', ')})`,
          evidence: [{ ref: wp.ref, path: 'spec.replicas', value: String(wp.replicas) }],
        });
      const cp = escapeOnCp.get(c.id);
      if (cp !== undefined)
        add(d, ['confidentiality', 'integrity'], {
          kind: 'escape-colocation',
          level: 'High',
          text: `${c.name} can escape to its node and runs on control-plane node ${[...new Set(cp)].join(', ')} next to etcd and kube-apiserver`,
          evidence: [{ ref: c.refs[0] ?? { kind: 'Workload', name: c.name } }],
        });
      const neigh = escapeNeighbours.get(c.id);
      if (neigh !== undefined && !escapeCapable.has(c.id))
        add(d, ['confidentiality'], {
          kind: 'escape-colocation',
          level: 'Medium',
          text: `${c.name} shares nodes with escape-capable ${[...neigh].sort().slice(0, 3).join(', ')}${neigh.size > 3 ? ` and ${String(neigh.size - 3)} more` : ''}`,
          evidence: [],
        });
      if (c.kind.roles.length > 0) {
        const cas = cascadeOf(c.id);
        const r = cas === undefined ? undefined : cascadeReason(c.name, cas, new Set([c.id]), names);
        if (r !== undefined) add(d, ['availability'], r);
      }
    }
    if (c.kind.type === 'control-plane' || (c.kind.type === 'node-agent' && c.kind.agent !== 'kube-proxy')) {
      if (c.kind.type === 'control-plane' && c.kind.process !== 'kube-apiserver') {
        const cas = cascadeOf(c.id);
        const r = cas === undefined ? undefined : cascadeReason(c.name, cas, new Set([c.id]), names);
        if (r !== undefined) add(d, ['availability'], r);
      }
    }
    if (c.kind.type === 'control-plane' && c.kind.process === 'kube-apiserver')
      add(d, ['availability'], {
        kind: 'blast-radius',
        level: 'Critical',
        text: 'every controller, kubelet, scheduler and client works through kube-apiserver: if it stops, nothing can be changed or recovered',
        evidence: ev,
      });
    const exposure = exposedBy.get(c.id);
    if (exposure !== undefined) {
      const plain = exposure.some((e) => e.includes('TLS none'));
      add(d, plain ? ['confidentiality', 'integrity', 'availability'] : ['integrity', 'availability'], {
        kind: 'internet-exposure',
        level: plain ? 'High' : 'Medium',
        text: `reachable from the Internet: ${[...new Set(exposure)].sort().join(', ')}`,
        evidence: c.refs.slice(0, 1).map((ref) => ({ ref })),
      });
    }
    componentDrafts.set(c.id, d);
  }

  // Services and ingresses inherit exposure to the workloads they front: rate the flow's target workloads too.
  for (const f of model.flows) {
    const from = componentDrafts.get(f.from);
    const to = componentDrafts.get(f.to);
    if (from === undefined || to === undefined) continue;
    const fc = byId.get(f.from);
    if (fc === undefined || (fc.kind.type !== 'service' && fc.kind.type !== 'ingress')) continue;
    const exp = from.integrity.find((r) => r.kind === 'internet-exposure');
    if (exp !== undefined && !to.integrity.some((r) => r.kind === 'internet-exposure'))
      add(to, ['integrity', 'availability'], {
        ...exp,
        level: 'Medium',
        text: `reachable from the Internet through ${fc.name}`,
      });
  }
  for (const c of model.components)
    compRatings.set(c.id, finish(c.id, c.name, 'component', componentDrafts.get(c.id)!));

  // ---- zones ----
  // Findings that show credentials lying in the open (TOB-K8S-001, TOB-K8S-005): the zone holds them.
  const exposedCredentials = new Map<string, Finding[]>();
  for (const f of input.findings ?? []) {
    if (f.status !== 'fail' || !CREDENTIAL_RULES.has(f.rule)) continue;
    const z = zoneOfSubject(model, f.subject);
    if (z !== undefined) (exposedCredentials.get(z) ?? exposedCredentials.set(z, []).get(z)!).push(f);
  }
  const zoneDrafts = new Map<string, Draft>();
  const cascadeKinds = new Set(['top', 'node-pool', 'namespace']);
  const cascadeZones = model.zones.filter((z) => cascadeKinds.has(z.kind) && z.id !== 'internet');
  for (const z of model.zones) {
    const d = newDraft();
    const inside = insideOf.get(z.id) ?? [];
    if (z.kind === 'namespace') {
      const ns = z.name;
      const sec = secretsByNs.get(ns);
      if (sec !== undefined && sec.total > 0)
        add(d, ['confidentiality'], {
          kind: 'data-held',
          level: ns === 'kube-system' ? 'High' : 'Medium',
          text: `namespace ${ns} holds ${plural(sec.total, 'Secret')}${sec.tokens.length > 0 ? `, among them legacy service-account token Secrets ${sec.tokens.sort().join(', ')}` : ''}`,
          evidence: [{ ref: { kind: 'Namespace', name: ns } }],
        });
      const sas = (saVertices.get(ns) ?? []).length;
      if (sas > 0 && ns === 'kube-system')
        add(d, ['confidentiality', 'integrity'], {
          kind: 'credentials-held',
          level: 'High',
          text: `kube-system's ${String(sas)} service accounts are the controllers' and add-ons' identities`,
          evidence: [],
        });
      const admins = adminIdentities.get(ns);
      if (admins !== undefined)
        add(d, ['confidentiality', 'integrity'], {
          kind: 'cluster-admin-identity',
          level: 'Critical',
          text: `cluster-admin-equivalent identities live in ${ns}: ${admins
            .map((a) => `ServiceAccount ${a.name}`)
            .sort()
            .join(', ')}`,
          evidence: admins.flatMap((a) => a.evidence.slice(0, 2)),
        });
      for (const r of reachReasons(
        pg,
        reach,
        nsVertices.get(ns) ?? [],
        `namespace ${ns}'s pods or identities`,
      ))
        add(d, r.dims, r.reason);
    }
    if (z.kind === 'node') {
      const v = nodeVertex.get(z.name);
      if (v !== undefined)
        for (const r of reachReasons(pg, reach, [v], `node ${z.name}`)) add(d, r.dims, r.reason);
    }
    if (z.id === 'master-data')
      add(d, ['confidentiality', 'integrity'], {
        kind: 'data-held',
        level: 'Critical',
        text: 'Master Data is etcd: it holds every Secret, every service-account token and the whole cluster state',
        evidence: model.components
          .filter((c) => c.zone === z.id)
          .flatMap((c) => c.refs.slice(0, 1).map((ref) => ({ ref }))),
      });
    const inbound = z.boundaryFlows.filter((b) => b.direction === 'inbound' && b.peerZone === 'internet');
    const exposing = inbound.filter(
      (b) => !b.flow.startsWith('external:administrators') && !b.flow.startsWith('external:address:'),
    );
    if (exposing.length > 0 && z.id !== 'internet') {
      const plain = exposing.some((b) => b.controls.includes('tls:none'));
      add(d, plain ? ALL : ['integrity', 'availability'], {
        kind: 'internet-exposure',
        level: plain ? 'High' : 'Medium',
        text: `${plural(exposing.length, 'boundary flow')} from the Internet${plain ? ', some without TLS' : ''}: ${exposing
          .map((b) => b.flow)
          .slice(0, 4)
          .join(', ')}`,
        evidence: [],
      });
    }
    // Placement: workloads of the zone whose replicas all sit on one node.
    for (const id of inside) {
      const wp = wPlacement.get(id);
      if (wp?.singleNode === true)
        add(d, ['availability'], {
          kind: 'single-point-of-failure',
          level: 'High',
          text: `all ${String(wp.pods)} replicas of ${names.get(id) ?? id} run on one node (${wp.nodes.join(', ')})`,
          evidence: [{ ref: wp.ref, path: 'spec.replicas', value: String(wp.replicas) }],
        });
      const cp = escapeOnCp.get(id);
      if (cp !== undefined && z.kind !== 'top')
        add(d, ['confidentiality', 'integrity'], {
          kind: 'escape-colocation',
          level: 'High',
          text: `${names.get(id) ?? id} can escape to its node and runs on control-plane node ${[...new Set(cp)].join(', ')} next to etcd and kube-apiserver`,
          evidence: [],
        });
    }
    if (z.kind === 'node-pool' || z.kind === 'node') {
      const nodes = z.placement;
      if (nodes.length === 1 && controlPlaneNodes.has(nodes[0]!) && placement.controlPlaneNodes === 1)
        add(d, ['availability'], {
          kind: 'single-point-of-failure',
          level: 'Critical',
          text: `${nodes[0]!} is the only control-plane node: the whole control plane stops with it`,
          evidence: [{ ref: { kind: 'Node', name: nodes[0]! } }],
        });
    }
    const exposed = exposedCredentials.get(z.id);
    if (exposed !== undefined)
      add(d, ['confidentiality'], {
        kind: 'credentials-held',
        level: 'Medium',
        text: `credentials are exposed in the zone (${[...new Set(exposed.map((f) => f.id))].sort().slice(0, 3).join(', ')}${exposed.length > 3 ? ` and ${String(exposed.length - 3)} more` : ''})`,
        evidence: exposed.flatMap((f) => f.evidence.slice(0, 1)).slice(0, 4),
      });
    zoneDrafts.set(z.id, d);
  }
  for (const z of cascadeZones) {
    const cas = cascadeOf(z.id);
    if (cas === undefined) continue;
    const inside = new Set(cas.stopped);
    const r = cascadeReason(z.name, cas, inside, names);
    if (r !== undefined) add(zoneDrafts.get(z.id)!, ['availability'], r);
  }
  if (skipped > 0)
    limits.push(
      `blast radius computed for ${String(maxCascades)} zones and components only (top-level zones, node pools, control plane, webhooks/DNS/ingress first); ${String(skipped)} more were not stopped in the cascade (raise maxCascades)`,
    );

  // Roll up: a zone is at least as critical as its most critical member and child (innermost first).
  const depth = (z: TrustZone): number => (ancestors.get(z.id) ?? []).length;
  const order = [...model.zones].sort((a, b) => depth(b) - depth(a) || a.id.localeCompare(b.id));
  const zoneRatings = new Map<string, CriticalityRating>();
  for (const z of order) {
    const d = zoneDrafts.get(z.id)!;
    const parts: CriticalityRating[] = [
      ...z.members.map((m) => compRatings.get(m)).filter((r): r is CriticalityRating => r !== undefined),
      ...z.children.map((ch) => zoneRatings.get(ch)).filter((r): r is CriticalityRating => r !== undefined),
    ];
    for (const dim of DIMENSIONS) {
      let best: CriticalityRating | undefined;
      for (const p of parts)
        if (best === undefined || levelRank(p[dim].level) > levelRank(best[dim].level)) best = p;
      if (best !== undefined && best[dim].level !== 'Low') {
        const why = best[dim].reasons.find((r) => r.kind !== 'contains') ?? best[dim].reasons[0];
        d[dim].push({
          kind: 'contains',
          level: best[dim].level,
          text: `contains ${best.subject === 'zone' ? 'zone ' : ''}${best.name} rated ${best[dim].level}${why === undefined ? '' : ` (${why.text})`}`,
          evidence: why?.evidence.slice(0, 2) ?? [],
        });
      }
    }
    zoneRatings.set(z.id, finish(z.id, z.name, 'zone', d));
  }
  return {
    zones: model.zones.map((z) => zoneRatings.get(z.id)!),
    components: model.components.map((c) => compRatings.get(c.id)!),
    limits,
  };
}

// ---- severity raise ----

export interface SeverityRaise {
  readonly from: Severity;
  /** Zone id and name whose Critical rating raised it, and the dimension rated Critical. */
  readonly zone: string;
  readonly zoneName: string;
  readonly dimension: Dimension;
  readonly reason: string;
}

/** A finding, possibly raised, with why. */
export type RaisedFinding = Finding & { readonly severityRaise?: SeverityRaise };

/** Where a finding's subject lies: the innermost zone of the component it names, its namespace or node. */
interface SubjectZones {
  /** Component refs to their zone (the first component naming a ref wins). */
  readonly byRef: ReadonlyMap<string, string>;
  /** Node and namespace zones by name (the first such zone wins). */
  readonly nodeZones: ReadonlyMap<string, string>;
  readonly namespaceZones: ReadonlyMap<string, string>;
}

const subjectZones = new WeakMap<Model, SubjectZones>();

function refKey(r: Ref): string {
  return `${r.kind}\u0000${r.namespace ?? ''}\u0000${r.name}`;
}

function subjectZonesOf(model: Model): SubjectZones {
  const known = subjectZones.get(model);
  if (known !== undefined) return known;
  const byRef = new Map<string, string>();
  for (const c of model.components)
    for (const r of c.refs) if (!byRef.has(refKey(r))) byRef.set(refKey(r), c.zone);
  const nodeZones = new Map<string, string>();
  const namespaceZones = new Map<string, string>();
  for (const z of model.zones) {
    const byName = z.kind === 'node' ? nodeZones : z.kind === 'namespace' ? namespaceZones : undefined;
    if (byName !== undefined && !byName.has(z.name)) byName.set(z.name, z.id);
  }
  const index = { byRef, nodeZones, namespaceZones };
  subjectZones.set(model, index);
  return index;
}

export function zoneOfSubject(model: Model, subject: Ref): string | undefined {
  const { byRef, nodeZones, namespaceZones } = subjectZonesOf(model);
  const direct = byRef.get(refKey(subject));
  if (direct !== undefined) return direct;
  if (subject.kind === 'Node') {
    const z = nodeZones.get(subject.name);
    if (z !== undefined) return z;
  }
  if (subject.kind === 'Namespace') {
    const z = namespaceZones.get(subject.name);
    if (z !== undefined) return z;
  }
  if (subject.namespace !== undefined) return namespaceZones.get(subject.namespace);
  return undefined;
}

const zoneRatingIndexes = new WeakMap<Criticality, ReadonlyMap<string, CriticalityRating>>();

/** A zone's rating by id (the first with that id), indexed once per criticality: every finding looks one up. */
function zoneRating(criticality: Criticality, id: string): CriticalityRating | undefined {
  let index = zoneRatingIndexes.get(criticality);
  if (index === undefined) {
    const byId = new Map<string, CriticalityRating>();
    for (const z of criticality.zones) if (!byId.has(z.id)) byId.set(z.id, z);
    index = byId;
    zoneRatingIndexes.set(criticality, index);
  }
  return index.get(id);
}

/**
 * Raise a finding's severity one level (capped at critical, never lowered) when its subject lies in a zone rated
 * Critical in any dimension; the raise records the zone and the dimension's first reason.
 */
export function raiseForCriticality(finding: Finding, model: Model, criticality: Criticality): RaisedFinding {
  const zoneId = zoneOfSubject(model, finding.subject);
  if (zoneId === undefined) return finding;
  const rating = zoneRating(criticality, zoneId);
  if (rating === undefined) return finding;
  const dim = DIMENSIONS.find((d) => rating[d].level === 'Critical');
  if (dim === undefined) return finding;
  const rank = severityRank(finding.severity);
  const to = SEVERITIES[Math.min(rank + 1, SEVERITIES.length - 1)]!;
  if (to === finding.severity) return finding;
  const first = rating[dim].reasons[0];
  return {
    ...finding,
    severity: to,
    severityRaise: {
      from: finding.severity,
      zone: zoneId,
      zoneName: rating.name,
      dimension: dim,
      reason: `zone ${rating.name} is rated Critical for ${dim}${first === undefined ? '' : `: ${first.text}`}`,
    },
  };
}
