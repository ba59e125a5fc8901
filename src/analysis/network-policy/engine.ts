// The reachability engine: pods folded into equivalence classes, selectors indexed once, connections evaluated per class pair through the tiers ANP → NetworkPolicy → BANP → allow.
import {
  ALL,
  EMPTY,
  allPorts,
  intersect,
  isEmpty,
  portRange,
  subtract,
  union,
  type ConnSet,
} from './conn-set.js';
import type { ContainerPort } from './endpoints.js';
import { rangeWithin, type IpRange } from './ip-ranges.js';
import { LabelIndex, matches, selectorKeys, type Labels, type Selector } from './label-selector.js';
import type { CompiledPolicy, Peer, PodPeer, PortSpec, Rule } from './policies.js';

/** One pod as the engine sees it. */
export interface EngineEndpoint {
  readonly namespace: string;
  readonly labels: Labels;
  readonly ports: readonly ContainerPort[];
  readonly hostNetwork?: boolean;
}

/** Pods every selector in the cluster treats alike: same namespace, same labels on the keys selectors read, same ports. */
export interface EndpointClass {
  readonly id: number;
  readonly namespace: string;
  /** Only the label keys some selector reads. */
  readonly labels: Labels;
  readonly ports: readonly ContainerPort[];
  readonly hostNetwork: boolean;
  readonly size: number;
}

/** A source or destination: a class of pods, or a range of addresses outside the cluster. */
export type Node =
  { readonly kind: 'class'; readonly id: number } | { readonly kind: 'ip'; readonly range: IpRange };

interface Applied {
  admin: CompiledPolicy[];
  np: CompiledPolicy[];
  baseline: CompiledPolicy[];
}

export interface EngineInput {
  readonly endpoints: readonly EngineEndpoint[];
  readonly namespaceLabels: (ns: string) => Labels;
  readonly policies: readonly CompiledPolicy[];
  /** Selectors outside policies whose label keys must survive class folding (Services' selectors). */
  readonly extraSelectors?: readonly Selector[];
  /**
   * Policies whose selectors shape the classes without being applied (an unrestricted engine built beside the
   * real one keeps the same classes, so class ids are shared).
   */
  readonly foldingPolicies?: readonly CompiledPolicy[];
  /**
   * Whether podSelector/namespaceSelector can select hostNetwork pods. The API leaves it undefined; most
   * plugins cannot tell such pods from their node and ignore them (they are neither isolated nor matched
   * as peers): https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-and-hostnetwork-pods.
   * Default true, as netpol-analyzer evaluates them.
   */
  readonly hostNetworkSelectable?: boolean;
}

function sortPorts(ports: readonly ContainerPort[]): ContainerPort[] {
  return [...ports].sort(
    (a, b) =>
      a.port - b.port || a.protocol.localeCompare(b.protocol) || (a.name ?? '').localeCompare(b.name ?? ''),
  );
}

function podPeers(rules: readonly Rule[] | undefined): PodPeer[] {
  const out: PodPeer[] = [];
  for (const r of rules ?? [])
    if (r.peers !== 'all') for (const p of r.peers) if (p.kind === 'pods') out.push(p);
  return out;
}

export class PolicyEngine {
  readonly classes: EndpointClass[] = [];
  /** Endpoint index → class id. */
  readonly classOfEndpoint: Int32Array;
  private readonly ingress: Applied[] = [];
  private readonly egress: Applied[] = [];
  private readonly classesByNs = new Map<string, number[]>();
  private readonly nsNames: string[];
  private readonly nsIndex: LabelIndex;
  private readonly classIndex: LabelIndex;
  private readonly peerSets = new Map<string, Set<number>>();
  private readonly staticPorts = new WeakMap<Rule, ConnSet>();
  private readonly hostNetworkSelectable: boolean;

  constructor(input: EngineInput) {
    this.hostNetworkSelectable = input.hostNetworkSelectable ?? true;
    const keys = new Set<string>();
    const addKeys = (sel: Selector | undefined): void => {
      if (sel !== undefined) for (const k of selectorKeys(sel)) keys.add(k);
    };
    for (const p of [...input.policies, ...(input.foldingPolicies ?? [])]) {
      addKeys(p.subject.podSelector);
      for (const peer of [...podPeers(p.ingress), ...podPeers(p.egress)]) addKeys(peer.podSelector);
    }
    for (const s of input.extraSelectors ?? []) addKeys(s);
    const sortedKeys = [...keys].sort();

    const byKey = new Map<string, number>();
    const sizes: number[] = [];
    this.classOfEndpoint = new Int32Array(input.endpoints.length);
    // Folding 150,000 pods: the key is built by string concatenation over the few label keys selectors read,
    // and ports arrays shared between pods (the endpoint reader interns them) are keyed once.
    const portKeys = new WeakMap<readonly ContainerPort[], string>();
    input.endpoints.forEach((e, i) => {
      let lk = '';
      for (const k of sortedKeys) {
        const v = Object.prototype.hasOwnProperty.call(e.labels, k) ? e.labels[k] : undefined;
        if (v !== undefined) lk += `${k}\u0001${v}\u0002`;
      }
      let pk = portKeys.get(e.ports);
      if (pk === undefined) {
        pk = sortPorts(e.ports)
          .map((p) => `${p.port}/${p.protocol}/${p.name ?? ''}`)
          .join(',');
        portKeys.set(e.ports, pk);
      }
      const host = e.hostNetwork === true;
      const key = `${e.namespace}\u0000${lk}\u0000${pk}${host ? '\u0000host' : ''}`;
      let id = byKey.get(key);
      if (id === undefined) {
        id = this.classes.length;
        byKey.set(key, id);
        const labels: Record<string, string> = {};
        for (const k of sortedKeys) {
          const v = Object.prototype.hasOwnProperty.call(e.labels, k) ? e.labels[k] : undefined;
          if (v !== undefined) labels[k] = v;
        }
        this.classes.push({
          id,
          namespace: e.namespace,
          labels,
          ports: sortPorts(e.ports),
          hostNetwork: host,
          size: 0,
        });
        sizes.push(0);
        const list = this.classesByNs.get(e.namespace);
        if (list === undefined) this.classesByNs.set(e.namespace, [id]);
        else list.push(id);
      }
      sizes[id]!++;
      this.classOfEndpoint[i] = id;
    });
    this.classes = this.classes.map((c) => ({ ...c, size: sizes[c.id]! }));

    const nsSet = new Set<string>(this.classesByNs.keys());
    this.nsNames = [...nsSet].sort();
    this.nsIndex = new LabelIndex(this.nsNames.map((n) => input.namespaceLabels(n)));
    this.classIndex = new LabelIndex(this.classes.map((c) => c.labels));

    for (let i = 0; i < this.classes.length; i++) {
      this.ingress.push({ admin: [], np: [], baseline: [] });
      this.egress.push({ admin: [], np: [], baseline: [] });
    }
    for (const p of input.policies) {
      const subjects = this.select(p.subject);
      const bucket = p.tier === 'admin' ? 'admin' : p.tier === 'baseline' ? 'baseline' : 'np';
      for (const id of subjects) {
        if (p.ingress !== undefined) this.ingress[id]![bucket].push(p);
        if (p.egress !== undefined) this.egress[id]![bucket].push(p);
      }
    }
    // ANPs apply in priority order; equal priorities are undefined by the API, ktm orders them by name to stay deterministic.
    const byPriority = (a: CompiledPolicy, b: CompiledPolicy): number =>
      a.priority - b.priority || a.ref.name.localeCompare(b.ref.name);
    for (const a of [...this.ingress, ...this.egress]) a.admin.sort(byPriority);
  }

  /** Class ids a pod peer (or a policy subject) names. Computed once per distinct selector pair. */
  select(peer: PodPeer): Set<number> {
    const key = `${peer.namespaceName ?? ''}\u0001${peer.namespaceSelector?.key ?? ''}\u0001${peer.podSelector?.key ?? '*'}`;
    const cached = this.peerSets.get(key);
    if (cached !== undefined) return cached;
    const namespaces =
      peer.namespaceName !== undefined
        ? [peer.namespaceName]
        : peer.namespaceSelector === undefined
          ? this.nsNames
          : this.nsIndex.select(peer.namespaceSelector).map((i) => this.nsNames[i]!);
    const out = new Set<number>();
    const pod = peer.podSelector;
    if (pod === undefined || pod.requirements.length === 0) {
      for (const ns of namespaces) for (const id of this.classesByNs.get(ns) ?? []) out.add(id);
    } else if (pod.requirements.some((r) => r.operator === 'In') && namespaces.length > 1) {
      const nsOk = new Set(namespaces);
      for (const id of this.classIndex.select(pod)) if (nsOk.has(this.classes[id]!.namespace)) out.add(id);
    } else {
      for (const ns of namespaces)
        for (const id of this.classesByNs.get(ns) ?? [])
          if (matches(pod, this.classes[id]!.labels)) out.add(id);
    }
    if (!this.hostNetworkSelectable) for (const id of out) if (this.classes[id]!.hostNetwork) out.delete(id);
    this.peerSets.set(key, out);
    return out;
  }

  private peerMatches(peer: Peer, node: Node): boolean {
    switch (peer.kind) {
      case 'pods':
        return node.kind === 'class' && this.select(peer).has(node.id);
      case 'ip':
        // ipBlock selects addresses outside the cluster; pods are never matched by it (as netpol-analyzer does;
        // the API leaves pod IPs in ipBlocks implementation-defined).
        return node.kind === 'ip' && rangeWithin(node.range, peer.ranges);
      case 'nodes':
        return false;
    }
  }

  private ruleMatches(rule: Rule, node: Node): boolean {
    return rule.peers === 'all' || rule.peers.some((p) => this.peerMatches(p, node));
  }

  /** The connections a rule's ports clause names, named ports resolved on the destination pod. */
  private rulePorts(rule: Rule, dst: Node): ConnSet {
    if (rule.ports === 'all') return ALL;
    const cached = this.staticPorts.get(rule);
    if (cached !== undefined) return cached;
    let out: ConnSet = EMPTY;
    let named = false;
    for (const spec of rule.ports) {
      out = union(out, this.portSpec(spec, dst));
      if (spec.kind === 'named') named = true;
    }
    if (!named) this.staticPorts.set(rule, out);
    return out;
  }

  private portSpec(spec: PortSpec, dst: Node): ConnSet {
    switch (spec.kind) {
      case 'range':
        return portRange(spec.protocol, spec.start, spec.end);
      case 'all':
        return allPorts(spec.protocol);
      case 'named': {
        // A named port means the destination pod's containerPort of that name (and, for NetworkPolicy, that
        // protocol); an address outside the cluster has no named ports.
        if (dst.kind !== 'class') return EMPTY;
        const cp = this.classes[dst.id]!.ports.find(
          (p) => p.name === spec.name && (spec.protocol === undefined || p.protocol === spec.protocol),
        );
        return cp === undefined ? EMPTY : portRange(cp.protocol, cp.port, cp.port);
      }
    }
  }

  /** One direction at one pod: ANPs by priority (Allow/Deny/Pass), then NetworkPolicy if it isolates, else BANP, else allow. */
  private evaluate(applied: Applied, dir: 'ingress' | 'egress', peer: Node, dst: Node): ConnSet {
    let allowed: ConnSet = EMPTY;
    let undecided: ConnSet = ALL;
    let passed: ConnSet = EMPTY;
    for (const p of applied.admin) {
      for (const rule of p[dir] ?? []) {
        if (!this.ruleMatches(rule, peer)) continue;
        const c = intersect(this.rulePorts(rule, dst), undecided);
        if (isEmpty(c)) continue;
        if (rule.action === 'Allow') allowed = union(allowed, c);
        else if (rule.action === 'Pass') passed = union(passed, c);
        undecided = subtract(undecided, c);
        if (isEmpty(undecided)) return this.afterAdmin(applied, dir, peer, dst, allowed, passed);
      }
    }
    return this.afterAdmin(applied, dir, peer, dst, allowed, union(passed, undecided));
  }

  private afterAdmin(
    applied: Applied,
    dir: 'ingress' | 'egress',
    peer: Node,
    dst: Node,
    allowed: ConnSet,
    rest0: ConnSet,
  ): ConnSet {
    if (isEmpty(rest0)) return allowed;
    if (applied.np.length > 0) {
      // Isolated in this direction: only what some NetworkPolicy rule allows.
      let np: ConnSet = EMPTY;
      for (const p of applied.np)
        for (const rule of p[dir] ?? [])
          if (this.ruleMatches(rule, peer)) np = union(np, this.rulePorts(rule, dst));
      return union(allowed, intersect(rest0, np));
    }
    let rest = rest0;
    let out = allowed;
    for (const p of applied.baseline)
      for (const rule of p[dir] ?? []) {
        if (!this.ruleMatches(rule, peer)) continue;
        const c = intersect(this.rulePorts(rule, dst), rest);
        if (isEmpty(c)) continue;
        if (rule.action === 'Allow') out = union(out, c);
        rest = subtract(rest, c);
        if (isEmpty(rest)) return out;
      }
    return union(out, rest);
  }

  /** Connections allowed from `src` to `dst` (egress at the source and ingress at the destination). */
  allowed(src: Node, dst: Node): ConnSet {
    const eg = src.kind === 'class' ? this.evaluate(this.egress[src.id]!, 'egress', dst, dst) : ALL;
    if (isEmpty(eg)) return EMPTY;
    const ig = dst.kind === 'class' ? this.evaluate(this.ingress[dst.id]!, 'ingress', src, dst) : ALL;
    return intersect(eg, ig);
  }

  /** Whether any policy of the tier applies to the class in the direction (NetworkPolicy: the pod is isolated). */
  covered(id: number, dir: 'ingress' | 'egress', tier: 'admin' | 'np' | 'baseline'): boolean {
    return (dir === 'ingress' ? this.ingress : this.egress)[id]![tier].length > 0;
  }

  /** Policies applying to the class in one direction, in evaluation order. */
  appliedPolicies(id: number, dir: 'ingress' | 'egress'): CompiledPolicy[] {
    const a = (dir === 'ingress' ? this.ingress : this.egress)[id]!;
    return [...a.admin, ...a.np, ...a.baseline];
  }
}
