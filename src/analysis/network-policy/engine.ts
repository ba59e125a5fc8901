// The reachability engine: pods folded into equivalence classes, selectors indexed once, connections evaluated per class pair through the tiers ANP → NetworkPolicy (with Calico's tiers or Cilium's allow/deny) → BANP → allow.
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
import { rangeWithin, rangesOverlap, type IpRange } from './ip-ranges.js';
import { KUBERNETES_POLICY_ORDER } from './calico-policies.js';
import {
  LabelIndex,
  matches,
  selectorKeys,
  selectsAll,
  type Labels,
  type Selector,
} from './label-selector.js';
import {
  policySelectors,
  type CalicoPlacement,
  type CompiledPolicy,
  type Peer,
  type PodPeer,
  type PortSpec,
  type Rule,
} from './policies.js';

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
  /** Cilium policies selecting the class (their Allow and Deny rules). */
  cilium: CompiledPolicy[];
  /** Calico policies selecting the class; with them, the class's NetworkPolicies join Calico's default tier. */
  calico: CompiledPolicy[];
  /** Calico evaluation order (calico + np), built once policies are attached. */
  chain?: { readonly policy: CompiledPolicy; readonly at: CalicoPlacement }[];
}

/** One direction at one pod, against one peer, for connections to `dst`. */
interface Step {
  readonly applied: Applied;
  readonly dir: 'ingress' | 'egress';
  readonly peer: Node;
  readonly dst: Node;
}

/** A match that depends on what ktm cannot see (an FQDN, an L7 rule, which node a host-network pod is on). */
type Match = 'yes' | 'no' | 'maybe';

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
  /**
   * How rules ktm cannot decide are taken. 'lower' (default): an undecidable Allow or Pass does not match and an
   * undecidable Deny does, so every connection allowed is certainly allowed. 'upper': the other way round, so every
   * connection that may be allowed is. The difference is what the policies leave undecidable.
   */
  readonly bound?: 'lower' | 'upper';
  /** Order of Calico's default tier, where Kubernetes NetworkPolicies sit (from its Tier object). */
  readonly defaultTierOrder?: number;
}

function sortPorts(ports: readonly ContainerPort[]): ContainerPort[] {
  return [...ports].sort(
    (a, b) =>
      a.port - b.port || a.protocol.localeCompare(b.protocol) || (a.name ?? '').localeCompare(b.name ?? ''),
  );
}

/** Calico order: tiers by order then name, policies by order then name (https://docs.tigera.io/calico/latest/reference/resources/tier). */
function byPlacement(
  a: { policy: CompiledPolicy; at: CalicoPlacement },
  b: { policy: CompiledPolicy; at: CalicoPlacement },
): number {
  const num = (x: number, y: number): number => (x === y ? 0 : x < y ? -1 : 1);
  return (
    num(a.at.tierOrder, b.at.tierOrder) ||
    a.at.tier.localeCompare(b.at.tier) ||
    num(a.at.order, b.at.order) ||
    a.policy.ref.name.localeCompare(b.policy.ref.name) ||
    (a.policy.ref.namespace ?? '').localeCompare(b.policy.ref.namespace ?? '')
  );
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
  private readonly upper: boolean;

  constructor(input: EngineInput) {
    this.hostNetworkSelectable = input.hostNetworkSelectable ?? true;
    this.upper = input.bound === 'upper';
    const keys = new Set<string>();
    const addKeys = (sel: Selector | undefined): void => {
      if (sel !== undefined) for (const k of selectorKeys(sel)) keys.add(k);
    };
    for (const p of [...input.policies, ...(input.foldingPolicies ?? [])]) {
      for (const sel of policySelectors(p)) addKeys(sel);
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
      this.ingress.push({ admin: [], np: [], baseline: [], cilium: [], calico: [] });
      this.egress.push({ admin: [], np: [], baseline: [], cilium: [], calico: [] });
    }
    for (const p of input.policies) {
      const subjects = this.select(p.subject);
      const bucket =
        p.tier === 'admin'
          ? 'admin'
          : p.tier === 'baseline'
            ? 'baseline'
            : p.tier === 'cilium'
              ? 'cilium'
              : p.tier === 'calico'
                ? 'calico'
                : 'np';
      for (const id of subjects) {
        if (p.ingress !== undefined) this.ingress[id]![bucket].push(p);
        if (p.egress !== undefined) this.egress[id]![bucket].push(p);
      }
    }
    // ANPs apply in priority order; equal priorities are undefined by the API, ktm orders them by name to stay deterministic.
    const byPriority = (a: CompiledPolicy, b: CompiledPolicy): number =>
      a.priority - b.priority || a.ref.name.localeCompare(b.ref.name);
    // Calico files Kubernetes NetworkPolicies in its default tier with order 1000
    // (https://docs.tigera.io/calico/latest/network-policy/policy-tiers/tiered-policy#the-default-tier).
    const npPlacement: CalicoPlacement = {
      tier: 'default',
      tierOrder: input.defaultTierOrder ?? Number.POSITIVE_INFINITY,
      order: KUBERNETES_POLICY_ORDER,
      defaultAction: 'Deny',
    };
    for (const a of [...this.ingress, ...this.egress]) {
      a.admin.sort(byPriority);
      if (a.calico.length > 0)
        a.chain = [
          ...a.calico.map((policy) => ({ policy, at: policy.calico! })),
          ...a.np.map((policy) => ({ policy, at: npPlacement })),
        ].sort(byPlacement);
    }
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
    if (pod === undefined || selectsAll(pod)) {
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

  private peerMatches(peer: Peer, node: Node): Match {
    const yes = (b: boolean): Match => (b ? 'yes' : 'no');
    switch (peer.kind) {
      case 'pods':
        return yes(node.kind === 'class' && this.select(peer).has(node.id));
      case 'ip':
        // ipBlock selects addresses outside the cluster; pods are never matched by it (as netpol-analyzer does;
        // the API leaves pod IPs in ipBlocks implementation-defined).
        return yes(node.kind === 'ip' && rangeWithin(node.range, peer.ranges));
      case 'nodes':
        return 'no';
      case 'undecidable':
        return peer.scope === 'any' || node.kind === 'ip' ? 'maybe' : 'no';
      case 'entity':
        return this.entityMatches(peer.entity, node);
      case 'calico': {
        // Every field given must match; a pod's own address is taken to lie outside every nets/notNets CIDR.
        if (node.kind === 'class') {
          if (peer.nets !== undefined) return 'no';
          if (peer.pods !== undefined && !this.select(peer.pods).has(node.id)) return 'no';
          if (peer.notSelector !== undefined && matches(peer.notSelector, this.classes[node.id]!.labels))
            return 'no';
          return 'yes';
        }
        if (peer.pods !== undefined) return 'no';
        if (peer.nets !== undefined && !rangeWithin(node.range, peer.nets)) return 'no';
        if (peer.notNets !== undefined && rangesOverlap(node.range, peer.notNets)) return 'no';
        return 'yes';
      }
    }
  }

  /** Cilium entities (https://docs.cilium.io/en/stable/security/policy/language/#entities-based) among ktm's peers. */
  private entityMatches(entity: string, node: Node): Match {
    const host = node.kind === 'class' && this.classes[node.id]!.hostNetwork;
    switch (entity) {
      case 'all':
        return 'yes';
      case 'world':
        return node.kind === 'ip' ? 'yes' : 'no';
      case 'world-ipv4':
      case 'world-ipv6':
        return node.kind === 'ip' && node.range.family === (entity === 'world-ipv4' ? 4 : 6) ? 'yes' : 'no';
      case 'cluster':
        return node.kind === 'class' ? 'yes' : 'no';
      case 'host':
      case 'remote-node':
        // A host-network pod has its node's identity: `host` on its own node, `remote-node` elsewhere.
        return host ? 'maybe' : 'no';
      case 'kube-apiserver':
        return host && this.classes[node.id]!.namespace === 'kube-system' ? 'maybe' : 'no';
      default:
        // health, init, unmanaged, ingress (Cilium's own proxy), none: no workload or external range.
        return 'no';
    }
  }

  /** Whether a rule applies to a peer, an undecidable one taken as the bound says. */
  private ruleMatches(rule: Rule, node: Node): boolean {
    const decide = this.upper ? rule.action !== 'Deny' : rule.action === 'Deny';
    if (rule.undecidable !== undefined && !decide) return false;
    let m: Match = 'no';
    if (rule.peers === 'all') m = 'yes';
    else
      for (const p of rule.peers) {
        const x = this.peerMatches(p, node);
        if (x === 'yes') {
          m = 'yes';
          break;
        }
        if (x === 'maybe') m = 'maybe';
      }
    if (m === 'maybe') return decide;
    return m === 'yes';
  }

  /** The connections a rule's ports clause names, named ports resolved on the destination pod. */
  private rulePorts(rule: Rule, dst: Node): ConnSet {
    if (rule.ports === 'all' && rule.exceptPorts === undefined) return ALL;
    const cached = this.staticPorts.get(rule);
    if (cached !== undefined) return cached;
    let out: ConnSet = rule.ports === 'all' ? ALL : EMPTY;
    let named = false;
    for (const spec of rule.ports === 'all' ? [] : rule.ports) {
      out = union(out, this.portSpec(spec, dst));
      if (spec.kind === 'named') named = true;
    }
    for (const spec of rule.exceptPorts ?? []) {
      out = subtract(out, this.portSpec(spec, dst));
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
        if (isEmpty(undecided)) return this.afterAdmin({ applied, dir, peer, dst }, allowed, passed);
      }
    }
    return this.afterAdmin({ applied, dir, peer, dst }, allowed, union(passed, undecided));
  }

  private afterAdmin(at: Step, allowed: ConnSet, rest0: ConnSet): ConnSet {
    const { applied, dir, peer, dst } = at;
    if (isEmpty(rest0)) return allowed;
    if (applied.chain !== undefined) return this.calicoTiers(at, allowed, rest0);
    if (applied.cilium.length > 0) return this.cilium(at, allowed, rest0);
    if (applied.np.length > 0) {
      // Isolated in this direction: only what some NetworkPolicy rule allows.
      let np: ConnSet = EMPTY;
      for (const p of applied.np)
        for (const rule of p[dir] ?? [])
          if (this.ruleMatches(rule, peer)) np = union(np, this.rulePorts(rule, dst));
      return union(allowed, intersect(rest0, np));
    }
    return this.baseline(at, allowed, rest0);
  }

  /** BANP over what no earlier tier decided; what it leaves is allowed. */
  private baseline(at: Step, allowed: ConnSet, rest0: ConnSet): ConnSet {
    const { applied, dir, peer, dst } = at;
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

  /**
   * Calico: tiers in order, policies in order within a tier, rules in order; the first Allow or Deny decides, Pass
   * goes to the next tier, and what a tier that applies leaves undecided is denied (or passed, with defaultAction
   * Pass). Kubernetes NetworkPolicies sit in the default tier with order 1000. What passes every tier goes to the
   * BANP, then is allowed (https://docs.tigera.io/calico/latest/reference/resources/tier#how-policy-is-evaluated).
   */
  private calicoTiers(at: Step, allowed0: ConnSet, rest0: ConnSet): ConnSet {
    const { applied, dir, peer, dst } = at;
    const chain = applied.chain!;
    let allowed = allowed0;
    let undecided = rest0;
    let passed: ConnSet = EMPTY;
    for (let i = 0; i < chain.length; i++) {
      const { policy, at } = chain[i]!;
      for (const rule of policy[dir] ?? []) {
        if (isEmpty(undecided)) break;
        if (!this.ruleMatches(rule, peer)) continue;
        const c = intersect(this.rulePorts(rule, dst), undecided);
        if (isEmpty(c)) continue;
        if (rule.action === 'Allow') allowed = union(allowed, c);
        else if (rule.action === 'Pass') passed = union(passed, c);
        undecided = subtract(undecided, c);
      }
      const next = chain[i + 1];
      if (next === undefined || next.at.tier !== at.tier) {
        // End of the tier: what no policy of it acted on is denied, unless the tier passes it on.
        undecided = at.defaultAction === 'Pass' ? union(passed, undecided) : passed;
        passed = EMPTY;
        if (isEmpty(undecided)) return allowed;
      }
    }
    return this.baseline(at, allowed, undecided);
  }

  /**
   * Cilium: NetworkPolicy, CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy rules are one set. An endpoint
   * that some policy puts in default deny gets only what an allow rule allows; deny rules win over every allow
   * (https://docs.cilium.io/en/stable/security/policy/deny/).
   */
  private cilium(at: Step, allowed: ConnSet, rest: ConnSet): ConnSet {
    const { applied, dir, peer, dst } = at;
    let allow: ConnSet = EMPTY;
    let deny: ConnSet = EMPTY;
    for (const p of [...applied.np, ...applied.cilium])
      for (const rule of p[dir] ?? []) {
        if (!this.ruleMatches(rule, peer)) continue;
        if (rule.action === 'Deny') deny = union(deny, this.rulePorts(rule, dst));
        else allow = union(allow, this.rulePorts(rule, dst));
      }
    const isolated = applied.np.length > 0 || applied.cilium.some((p) => p.defaultDeny?.[dir] === true);
    const open = isolated ? union(allowed, intersect(rest, allow)) : this.baseline(at, allowed, rest);
    return subtract(open, deny);
  }

  /** Connections allowed from `src` to `dst` (egress at the source and ingress at the destination). */
  allowed(src: Node, dst: Node): ConnSet {
    const eg = src.kind === 'class' ? this.evaluate(this.egress[src.id]!, 'egress', dst, dst) : ALL;
    if (isEmpty(eg)) return EMPTY;
    const ig = dst.kind === 'class' ? this.evaluate(this.ingress[dst.id]!, 'ingress', src, dst) : ALL;
    return intersect(eg, ig);
  }

  /** Whether any policy of the tier applies to the class in the direction (NetworkPolicy: the pod is isolated). */
  covered(
    id: number,
    dir: 'ingress' | 'egress',
    tier: 'admin' | 'np' | 'baseline' | 'cilium' | 'calico',
  ): boolean {
    return (dir === 'ingress' ? this.ingress : this.egress)[id]![tier].length > 0;
  }

  /**
   * Whether the class's pods accept (ingress) or send (egress) only what policies allow: a NetworkPolicy selects
   * them, a Cilium policy puts them in default deny, or a Calico policy selects them (end-of-tier deny).
   */
  isolated(id: number, dir: 'ingress' | 'egress'): boolean {
    const a = (dir === 'ingress' ? this.ingress : this.egress)[id]!;
    return a.np.length > 0 || a.calico.length > 0 || a.cilium.some((p) => p.defaultDeny?.[dir] === true);
  }

  /** Policies applying to the class in one direction, in evaluation order. */
  appliedPolicies(id: number, dir: 'ingress' | 'egress'): CompiledPolicy[] {
    const a = (dir === 'ingress' ? this.ingress : this.egress)[id]!;
    return [...a.admin, ...(a.chain?.map((c) => c.policy) ?? [...a.np, ...a.cilium]), ...a.baseline];
  }
}
