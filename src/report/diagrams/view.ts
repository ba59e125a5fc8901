// What a data-flow diagram shows: components collapsed per namespace and per node pool, focus on one zone, flows aggregated.
import { plural } from '../../text/plural.js';
import { byCodeUnit } from '../../model/order.js';
import type { AuthnState, Component, Flow, Model, TlsState, TrustZone } from '../../model/types.js';

export interface ViewOptions {
  /** Draw every workload, Service and node instead of collapsing them per namespace and per pool. */
  readonly detail?: boolean;
  /** Show only this zone (id or name) and the components its flows reach. */
  readonly zone?: string;
  /** Above this many namespaces, namespaces collapse into their parent zone (default 40). */
  readonly maxNamespaces?: number;
  /**
   * Draw network reachability (what NetworkPolicy allows between workloads) next to the data flows. Off by default:
   * in a cluster without policies every namespace reaches every other, which buries the data flows.
   */
  readonly reachability?: boolean;
}

export interface ViewZone {
  readonly id: string;
  readonly name: string;
  readonly kind: TrustZone['kind'];
  readonly parent?: string;
}

export type NodeShape = 'box' | 'cylinder' | 'ellipse' | 'component' | 'folder';

export interface ViewNode {
  /** Stable key: a component id or a `group:` key. */
  readonly key: string;
  /** Lines of the label; cluster-supplied text, escaped by each renderer. */
  readonly lines: readonly string[];
  readonly zone: string;
  readonly shape: NodeShape;
  readonly emphasis: boolean;
}

export interface ViewEdge {
  readonly from: string;
  readonly to: string;
  /** `https/6443`, up to three protocol/port pairs. */
  readonly label: string;
  readonly tls: TlsState;
  readonly authn: AuthnState;
  /** Crosses a trust-zone boundary. */
  readonly boundary: boolean;
  /** Crosses a top-level zone boundary (the audit's zones). */
  readonly topLevel: boolean;
  readonly count: number;
  /** A local socket (kubelet → container runtime): no network, so TLS does not apply. */
  readonly local: boolean;
  /** Declared NetworkPolicy blocks it. */
  readonly blocked: boolean;
  /** Network reachability (what policy allows), not an observed data flow. */
  readonly reach: boolean;
}

export interface View {
  readonly zones: readonly ViewZone[];
  readonly nodes: readonly ViewNode[];
  readonly edges: readonly ViewEdge[];
  /** What was collapsed or focused, said in the legend. */
  readonly notes: readonly string[];
}

/** Worst first: a single plaintext flow makes an aggregated edge red. */
const TLS_ORDER: readonly TlsState[] = ['none', 'unverified', 'unknown', 'verified', 'mutual'];
const AUTHN_ORDER: readonly AuthnState[] = ['none', 'anonymous', 'unknown', 'token', 'certificate'];

export function worstTls(a: TlsState, b: TlsState): TlsState {
  return TLS_ORDER.indexOf(a) <= TLS_ORDER.indexOf(b) ? a : b;
}

export function worstAuthn(a: AuthnState, b: AuthnState): AuthnState {
  return AUTHN_ORDER.indexOf(a) <= AUTHN_ORDER.indexOf(b) ? a : b;
}

export { REACH_PURPOSE };

export function findZone(model: Model, ref: string): TrustZone | undefined {
  const lower = ref.toLowerCase();
  return (
    model.zones.find((z) => z.id === ref) ??
    model.zones.find((z) => z.name === ref) ??
    model.zones.find((z) => z.id.toLowerCase() === lower || z.name.toLowerCase() === lower)
  );
}

function shapeOf(c: Component): NodeShape {
  switch (c.kind.type) {
    case 'control-plane':
      return c.kind.process === 'etcd' ? 'cylinder' : 'box';
    case 'node-agent':
      return 'component';
    case 'external':
      return 'ellipse';
    default:
      return 'box';
  }
}

function componentLines(c: Component): string[] {
  switch (c.kind.type) {
    case 'workload':
      return [c.name, `${c.kind.owner}${c.kind.roles.length > 0 ? ` · ${c.kind.roles.join(', ')}` : ''}`];
    case 'service':
      return [c.name, `Service ${c.kind.serviceType}`];
    case 'ingress':
      return [c.name, 'Ingress'];
    case 'gateway':
      return [c.name, 'Gateway'];
    case 'control-plane':
      return c.kind.managed && !c.kind.observed ? [c.name, 'managed'] : [c.name];
    default:
      return [c.name];
  }
}

const PLURAL: Readonly<Record<Component['kind']['type'], string>> = {
  workload: 'workloads',
  'node-agent': 'nodes',
  service: 'services',
  ingress: 'ingresses',
  gateway: 'gateways',
  'namespace-workloads': 'namespace groups',
  mesh: 'service meshes',
  'control-plane': 'control-plane components',
  external: 'external actors',
};

const SINGULAR: Readonly<Record<string, string>> = Object.fromEntries(
  Object.values(PLURAL).map((p) => [
    p,
    p === 'ingresses'
      ? 'ingress'
      : p === 'service meshes'
        ? 'service mesh'
        : p.replace(/s$/, '').replace(/ groups$/, ' group'),
  ]),
);

/** Builds the diagram view of a model. Linear in components and flows. */
export function buildView(model: Model, options: ViewOptions = {}): View {
  const zones = new Map(model.zones.map((z) => [z.id, z]));
  const parentOf = (id: string): string | undefined => zones.get(id)?.parent;
  const chain = (id: string): string[] => {
    const out: string[] = [];
    let cur: string | undefined = id;
    while (cur !== undefined && !out.includes(cur)) {
      out.push(cur);
      cur = parentOf(cur);
    }
    return out;
  };
  const top = (id: string): string => chain(id).at(-1) ?? id;
  const notes: string[] = [];
  const detail = options.detail === true;
  const nsZones = model.zones.filter((z) => z.kind === 'namespace');
  const foldNamespaces = !detail && nsZones.length > (options.maxNamespaces ?? 40);
  const hidden = new Set<string>();
  if (!detail) for (const z of model.zones) if (z.kind === 'node') hidden.add(z.id);
  if (foldNamespaces) {
    for (const z of nsZones) hidden.add(z.id);
    notes.push(`${plural(nsZones.length, 'namespace')} folded into their parent zone (--detail draws each)`);
  }
  const visibleZone = (id: string): string => chain(id).find((z) => !hidden.has(z)) ?? id;

  // Focus: components inside the zone, and the peers of their flows.
  let keep: Set<string> | undefined;
  if (options.zone !== undefined) {
    const focus = findZone(model, options.zone);
    if (focus === undefined)
      return { zones: [], nodes: [], edges: [], notes: [`zone '${options.zone}' not found`] };
    const inside = new Set(model.components.filter((c) => chain(c.zone).includes(focus.id)).map((c) => c.id));
    keep = new Set(inside);
    for (const f of model.flows) {
      if (options.reachability !== true && f.purpose === REACH_PURPOSE) continue;
      if (inside.has(f.from)) keep.add(f.to);
      if (inside.has(f.to)) keep.add(f.from);
    }
    notes.push(`focused on zone ${focus.name}`);
  }

  const groupOf = (c: Component): { key: string; zone: string; label: string } | undefined => {
    if (detail) return undefined;
    const z = zones.get(c.zone);
    if (z === undefined) return undefined;
    const t = c.kind.type;
    if (
      t === 'workload' ||
      t === 'service' ||
      t === 'ingress' ||
      t === 'gateway' ||
      t === 'namespace-workloads'
    ) {
      if (z.kind !== 'namespace') return undefined;
      if (foldNamespaces) {
        const vz = visibleZone(c.zone);
        return { key: `group:${vz}:namespaces`, zone: vz, label: 'namespaces' };
      }
      return { key: `group:${z.id}`, zone: z.id, label: z.name };
    }
    if (t === 'node-agent') {
      const vz = visibleZone(c.zone);
      return { key: `group:${vz}:${c.kind.agent}`, zone: vz, label: c.kind.agent };
    }
    return undefined;
  };

  const nodes = new Map<string, ViewNode>();
  const groupCounts = new Map<
    string,
    { label: string; zone: string; counts: Map<string, number>; namespaces: Set<string> }
  >();
  const nodeOf = new Map<string, string>();
  const showReach = options.reachability === true;
  for (const c of model.components) {
    if (keep !== undefined && !keep.has(c.id)) continue;
    if (!showReach && c.kind.type === 'namespace-workloads') continue;
    const g = groupOf(c);
    if (g === undefined) {
      nodes.set(c.id, {
        key: c.id,
        lines: componentLines(c),
        zone: visibleZone(c.zone),
        shape: shapeOf(c),
        emphasis: c.id === 'kube-apiserver',
      });
      nodeOf.set(c.id, c.id);
      continue;
    }
    nodeOf.set(c.id, g.key);
    const entry = groupCounts.get(g.key) ?? {
      label: g.label,
      zone: g.zone,
      counts: new Map<string, number>(),
      namespaces: new Set<string>(),
    };
    const what = PLURAL[c.kind.type];
    entry.counts.set(what, (entry.counts.get(what) ?? 0) + 1);
    if ('namespace' in c.kind) entry.namespaces.add(c.kind.namespace);
    groupCounts.set(g.key, entry);
  }
  for (const [key, g] of groupCounts) {
    const counts = [...g.counts.entries()].sort().map(([k, n]) => `${n} ${n === 1 ? (SINGULAR[k] ?? k) : k}`);
    const isAgent = g.counts.has('nodes');
    const lines = isAgent
      ? [
          g.label === 'container-runtime' ? 'container runtime' : g.label,
          `× ${plural(g.counts.get('nodes') ?? 0, 'node')}`,
        ]
      : g.label === 'namespaces'
        ? [plural(g.namespaces.size, 'namespace'), counts.join(', ')]
        : [g.label, counts.join(', ')];
    nodes.set(key, { key, lines, zone: g.zone, shape: isAgent ? 'component' : 'folder', emphasis: false });
  }

  const compZone = new Map(model.components.map((c) => [c.id, c.zone]));
  const edges = new Map<
    string,
    {
      local: boolean;
      blocked: boolean;
      reach: boolean;
      from: string;
      to: string;
      labels: Set<string>;
      tls: TlsState;
      authn: AuthnState;
      boundary: boolean;
      topLevel: boolean;
      count: number;
    }
  >();
  for (const f of model.flows) {
    if (!showReach && f.purpose === REACH_PURPOSE) continue;
    const from = nodeOf.get(f.from);
    const to = nodeOf.get(f.to);
    if (from === undefined || to === undefined || from === to) continue;
    const fz = compZone.get(f.from) ?? '';
    const tz = compZone.get(f.to) ?? '';
    const local = f.socket !== undefined;
    const blocked = f.policy === 'blocked';
    const reach = f.purpose === REACH_PURPOSE;
    const key = `${from}\u0000${to}\u0000${blocked ? 'blocked' : reach ? 'reach' : ''}`;
    const label = flowLabel(f);
    const e = edges.get(key);
    const count = f.count ?? 1;
    if (e === undefined) {
      edges.set(key, {
        local,
        blocked,
        reach,
        from,
        to,
        labels: new Set([label]),
        tls: f.tls,
        authn: f.authn,
        boundary: fz !== tz,
        topLevel: top(fz) !== top(tz),
        count,
      });
    } else {
      e.labels.add(label);
      e.tls = worstTls(e.tls, f.tls);
      e.authn = worstAuthn(e.authn, f.authn);
      e.boundary ||= fz !== tz;
      e.topLevel ||= top(fz) !== top(tz);
      e.count += count;
    }
  }

  // External addresses only reachability named are noise without its edges.
  const connected = new Set([...edges.values()].flatMap((e) => [e.from, e.to]));
  for (const key of [...nodes.keys()])
    if (key.startsWith('external:address:') && !connected.has(key)) nodes.delete(key);

  const usedZones = new Set<string>();
  for (const n of nodes.values()) for (const z of chain(n.zone)) usedZones.add(z);
  const viewZones: ViewZone[] = model.zones
    .filter((z) => usedZones.has(z.id) && !hidden.has(z.id))
    .map((z) => {
      const p = z.parent === undefined ? undefined : visibleZone(z.parent);
      return { id: z.id, name: z.name, kind: z.kind, ...(p === undefined ? {} : { parent: p }) };
    })
    .sort((a, b) => byCodeUnit(a.id, b.id));
  if (!detail && model.zones.some((z) => z.kind === 'node'))
    notes.push('workloads collapsed per namespace, node agents per pool (--detail draws each)');
  if (!showReach && model.reachability.state === 'computed')
    notes.push('network reachability between workloads not drawn (--reachability draws it)');

  return {
    zones: viewZones,
    nodes: [...nodes.values()].sort((a, b) => byCodeUnit(a.key, b.key)),
    edges: [...edges.values()]
      .map((e) => {
        const labels = [...e.labels].sort();
        const shown = labels.length > 3 ? [...labels.slice(0, 3), '…'] : labels;
        return {
          from: e.from,
          to: e.to,
          label: `${shown.join(', ')}${e.count > 1 ? ` ×${e.count}` : ''}`,
          tls: e.tls,
          authn: e.authn,
          boundary: e.boundary,
          topLevel: e.topLevel,
          count: e.count,
          local: e.local,
          blocked: e.blocked,
          reach: e.reach,
        };
      })
      .sort((a, b) => byCodeUnit(a.from, b.from) || byCodeUnit(a.to, b.to)),
    notes,
  };
}

/** The purpose the model gives reachability flows (src/model/reachability-flows.ts). */
const REACH_PURPOSE = 'allowed by network policy';

function flowLabel(f: Flow): string {
  if (f.purpose === REACH_PURPOSE) return 'reachable';
  const where = f.port !== undefined ? `/${f.port}` : f.socket !== undefined ? ' (socket)' : '';
  return `${f.protocol}${where}`;
}
