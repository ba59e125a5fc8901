// Network reachability between workloads and external address ranges, declared (as the policies say) and effective (as the network plugin enforces them).
import type { Diagnostic } from '../../errors.js';
import type { Inventory } from '../../collect/inventory.js';
import type { Ref } from '../../types.js';
import { detectNetworkPlugin, type NetworkPluginInfo } from '../network-plugin.js';
import { ALL, EMPTY, intersect, isEmpty, subtract, union, type ConnSet } from './conn-set.js';
import {
  collectEndpoints,
  namespaceLabels,
  workloadKey,
  type Endpoint,
  type EndpointSet,
  type WorkloadRef,
} from './endpoints.js';
import { PolicyEngine, type EngineInput, type Node } from './engine.js';
import { CALICO_NAMESPACE_NAME, identityLabels, isIdentityKey } from './identity-labels.js';
import { selectorKeys, type Labels } from './label-selector.js';
import { pluginPolicies, type InertPluginPolicy, type PolicyPlugin } from './plugin-policies.js';
import { INGRESS_CONTROLLER_NAMESPACE, ingressExposure, serviceSelectors } from './ingress-controller.js';
import { formatRange, parseCidr, partition, universe, type IpRange } from './ip-ranges.js';
import {
  compileAdminPolicy,
  compileNetworkPolicy,
  policySelectors,
  referencedRanges,
  type CompiledPolicy,
  type Rule,
} from './policies.js';
import type { Enforcement } from '../network-plugin.js';

export type ReachPeer =
  | { readonly kind: 'workload'; readonly workload: WorkloadRef }
  | { readonly kind: 'external'; readonly range: IpRange }
  | { readonly kind: 'ingress-controller' };

export interface Connection {
  readonly src: ReachPeer;
  readonly dst: ReachPeer;
  /** Connections certainly allowed (may be empty when all of them are undecidable). */
  readonly conns: ConnSet;
  /**
   * Connections whose fate depends on what ktm cannot decide (L7 or FQDN rules, Services, the node a host-network
   * pod runs on): allowed or denied by the plugin at run time. Absent when there are none.
   */
  readonly undecidable?: ConnSet;
}

export type ReachView = 'declared' | 'effective';

/** netpol-analyzer's name of a peer: `ns/name[Kind]`, `a.b.c.d-e.f.g.h[External]`, `{ingress-controller}`. */
export function peerName(p: ReachPeer): string {
  switch (p.kind) {
    case 'workload':
      return workloadKey(p.workload);
    case 'external':
      return `${formatRange(p.range)}[External]`;
    case 'ingress-controller':
      return '{ingress-controller}';
  }
}

interface WorkloadEntry {
  readonly ref: WorkloadRef;
  readonly classes: number[];
  readonly endpoints: number[];
}

export interface PolicySummary {
  readonly ref: Ref;
  readonly tier: CompiledPolicy['tier'];
  /** Pods (or pod templates) the policy applies to. */
  readonly subjects: number;
}

/** Analyses already computed for the inventory (src/analysis/analyses.ts shares them). */
export interface ReachabilityOptions {
  readonly plugin?: NetworkPluginInfo;
  readonly endpoints?: EndpointSet;
}

/**
 * The reachability of one inventory. Construction is the expensive part (classes, selector indexes, policy
 * application); `allowed` and `connections` evaluate on demand and cache per class pair.
 */
export class Reachability {
  readonly diagnostics: Diagnostic[] = [];
  readonly plugin: NetworkPluginInfo;
  /** True when the plugin is known not to enforce NetworkPolicy: the declared policies are inert. */
  readonly inert: boolean;
  readonly policies: readonly PolicySummary[];
  readonly workloads: readonly WorkloadRef[];
  /** Address ranges outside the cluster as sources (split by ingress ipBlocks) and as destinations (egress ipBlocks, ANP networks). */
  readonly externalSources: readonly IpRange[];
  readonly externalDestinations: readonly IpRange[];
  readonly classCount: number;
  readonly endpointCount: number;
  private readonly engine: PolicyEngine;
  private readonly engines = new Map<string, PolicyEngine>();
  private readonly input: EngineInput;
  /** Some pod uses hostNetwork: the effective view then lets policies ignore it (see PolicyEngine). */
  readonly hasHostNetworkPods: boolean;
  /** Cilium or Calico policies for a plugin the cluster does not run: they change nothing. */
  readonly inertPluginPolicies: readonly InertPluginPolicy[];
  /** Per plugin whose policy kinds are present: whether it runs ('unknown' when detection cannot tell). */
  readonly pluginRuns: ReadonlyMap<PolicyPlugin, Enforcement>;
  /** Some rule's outcome cannot be decided (L7, FQDN, Services...): connections then carry `undecidable`. */
  readonly hasUndecidable: boolean;
  /** Why, one line per kind of undecidable rule, sorted. */
  readonly undecidableReasons: readonly string[];
  private readonly byKey = new Map<string, WorkloadEntry>();
  private readonly entries: WorkloadEntry[];
  private readonly ingressClass: number | undefined;
  private readonly ingressPorts = new Map<string, ConnSet>();
  private readonly cache = new Map<string, ConnSet>();

  constructor(inv: Inventory, options: ReachabilityOptions = {}) {
    this.plugin = options.plugin ?? detectNetworkPlugin(inv);
    this.inert = this.plugin.enforces === 'no';
    const policies: CompiledPolicy[] = [];
    for (const it of inv.ofKind('NetworkPolicy')) {
      const p = compileNetworkPolicy(it.object, this.diagnostics);
      if (p !== undefined) policies.push(p);
    }
    for (const kind of ['AdminNetworkPolicy', 'BaselineAdminNetworkPolicy'])
      for (const it of inv.ofKind(kind)) {
        const p = compileAdminPolicy(it.object, this.diagnostics);
        if (p !== undefined) policies.push(p);
      }
    const plugins = pluginPolicies(inv, this.plugin, this.diagnostics);
    policies.push(...plugins.active);
    this.inertPluginPolicies = plugins.inert;
    this.pluginRuns = plugins.runs;
    const reasons = new Set<string>();
    for (const p of policies)
      for (const r of [...(p.ingress ?? []), ...(p.egress ?? [])]) undecidableOf(r, reasons);
    this.undecidableReasons = [...reasons].sort();
    this.hasUndecidable = reasons.size > 0;
    const set = options.endpoints ?? collectEndpoints(inv);
    const endpoints: Endpoint[] = [...set.endpoints];
    const exposure = ingressExposure(inv, endpoints);
    // Plugin selectors may name a pod's namespace, service account or namespace labels: those labels are added
    // to the pods, only for the keys some selector reads.
    const identityKeys = new Set<string>();
    for (const p of plugins.active)
      for (const sel of policySelectors(p))
        for (const k of selectorKeys(sel)) if (isIdentityKey(k)) identityKeys.add(k);
    const calico = plugins.active.some((p) => p.tier === 'calico');
    const nsLabels = (ns: string): Labels => {
      const l = namespaceLabels(set, ns);
      return calico ? { ...l, [CALICO_NAMESPACE_NAME]: ns } : l;
    };
    const withIdentity = (e: Endpoint): Endpoint =>
      identityKeys.size === 0
        ? e
        : {
            ...e,
            labels: {
              ...e.labels,
              ...identityLabels(
                identityKeys,
                e.namespace,
                namespaceLabels(set, e.namespace),
                e.serviceAccount,
              ),
            },
          };
    // The ingress controller is a stand-in pod in a namespace of its own, with no labels (as netpol-analyzer models it).
    const withController = exposure.size > 0 && endpoints.length > 0;
    const labelled = endpoints.map(withIdentity);
    const engineEndpoints = withController
      ? [...labelled, { namespace: INGRESS_CONTROLLER_NAMESPACE, labels: {}, ports: [] }]
      : labelled;
    this.input = {
      endpoints: engineEndpoints,
      namespaceLabels: nsLabels,
      extraSelectors: serviceSelectors(inv),
      policies,
      defaultTierOrder: plugins.defaultTierOrder,
    };
    this.engine = new PolicyEngine(this.input);
    this.engines.set('declared|lower', this.engine);
    this.hasHostNetworkPods = endpoints.some((e) => e.hostNetwork);
    this.classCount = this.engine.classes.length;
    this.endpointCount = endpoints.length;
    this.ingressClass = withController ? this.engine.classOfEndpoint[endpoints.length] : undefined;

    const byKey = new Map<string, WorkloadEntry>();
    endpoints.forEach((e, i) => {
      const key = workloadKey(e.workload);
      let w = byKey.get(key);
      if (w === undefined) {
        w = { ref: e.workload, classes: [], endpoints: [] };
        byKey.set(key, w);
      }
      const c = this.engine.classOfEndpoint[i]!;
      if (!w.classes.includes(c)) w.classes.push(c);
      w.endpoints.push(i);
      const ex = exposure.get(i);
      if (ex !== undefined) this.ingressPorts.set(key, union(this.ingressPorts.get(key) ?? EMPTY, ex));
    });
    this.entries = [...byKey.entries()]
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .map(([, w]) => w);
    for (const w of this.entries)
      if (w.classes.length > 1)
        this.diagnostics.push({
          severity: 'info',
          where: workloadKey(w.ref),
          message: `pods of one workload carry different labels or ports (${w.classes.length} classes); its connections are the union of theirs`,
        });
    this.workloads = this.entries.map((w) => w.ref);
    for (const w of this.entries) this.byKey.set(workloadKey(w.ref), w);

    const v4 = [universe(4)];
    const withV6 = (blocks: IpRange[]): IpRange[] =>
      blocks.some((b) => b.family === 6) ? [...v4, universe(6)] : v4;
    const inBlocks = referencedRanges(policies, 'ingress');
    const outBlocks = referencedRanges(policies, 'egress');
    this.externalSources = partition(withV6(inBlocks), inBlocks);
    this.externalDestinations = partition(withV6(outBlocks), outBlocks);
    this.policies = policies.map((p) => ({ ref: p.ref, tier: p.tier, subjects: this.countSubjects(p) }));
  }

  private countSubjects(p: CompiledPolicy): number {
    let n = 0;
    for (const id of this.engine.select(p.subject)) n += this.engine.classes[id]!.size;
    return n;
  }

  /**
   * The engine of a view and bound, built on first use. Effective view: unrestricted when the plugin enforces
   * nothing; otherwise hostNetwork pods escape pod selectors (most plugins cannot tell them from their node).
   * Upper bound: undecidable rules taken the permissive way (see EngineInput.bound).
   */
  private engineFor(view: ReachView, bound: 'lower' | 'upper' = 'lower'): PolicyEngine {
    const open = view === 'effective' && this.inert;
    const hostAware = view === 'effective' && !open && this.hasHostNetworkPods;
    const b = open || !this.hasUndecidable ? 'lower' : bound;
    const key = `${open ? 'open' : hostAware ? 'host' : 'declared'}|${b}`;
    let e = this.engines.get(key);
    if (e === undefined) {
      e = new PolicyEngine(
        open
          ? { ...this.input, policies: [], foldingPolicies: this.input.policies }
          : { ...this.input, ...(hostAware ? { hostNetworkSelectable: false } : {}), bound: b },
      );
      this.engines.set(key, e);
    }
    return e;
  }

  private nodeAllowed(view: ReachView, src: Node, dst: Node, bound: 'lower' | 'upper' = 'lower'): ConnSet {
    if (src.kind !== 'class' || dst.kind !== 'class') return this.engineFor(view, bound).allowed(src, dst);
    const key = `${view}|${bound}|${src.id}|${dst.id}`;
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    const c = this.engineFor(view, bound).allowed(src, dst);
    // Bounded: queries repeat on hot pairs, but a whole-cluster sweep must not keep every pair.
    if (this.cache.size >= 1_000_000) this.cache.clear();
    this.cache.set(key, c);
    return c;
  }

  private entryOf(ref: WorkloadRef): WorkloadEntry | undefined {
    return this.byKey.get(workloadKey(ref));
  }

  private nodesOf(p: ReachPeer): Node[] {
    switch (p.kind) {
      case 'external':
        return [{ kind: 'ip', range: p.range }];
      case 'ingress-controller':
        return this.ingressClass === undefined ? [] : [{ kind: 'class', id: this.ingressClass }];
      case 'workload':
        return (this.entryOf(p.workload)?.classes ?? []).map((id) => ({ kind: 'class', id }));
    }
  }

  /**
   * Connections from one peer to another (the union over the classes of their pods). 'lower' (default): those
   * certainly allowed; 'upper': those that may be allowed (undecidable rules taken the permissive way).
   */
  allowed(
    src: ReachPeer,
    dst: ReachPeer,
    view: ReachView = 'effective',
    bound: 'lower' | 'upper' = 'lower',
  ): ConnSet {
    let out: ConnSet = EMPTY;
    for (const s of this.nodesOf(src))
      for (const d of this.nodesOf(dst)) out = union(out, this.nodeAllowed(view, s, d, bound));
    if (src.kind === 'ingress-controller' && dst.kind === 'workload')
      out = intersect(out, this.ingressPorts.get(workloadKey(dst.workload)) ?? EMPTY);
    return out;
  }

  /** Connections between two peers that the policies leave undecidable (the upper bound minus the lower). */
  undecidable(src: ReachPeer, dst: ReachPeer, view: ReachView = 'effective'): ConnSet {
    if (!this.hasUndecidable) return EMPTY;
    return subtract(this.allowed(src, dst, view, 'upper'), this.allowed(src, dst, view, 'lower'));
  }

  /**
   * Every allowed connection between distinct peers, as netpol-analyzer lists them: workload ↔ workload,
   * external → workload, workload → external, {ingress-controller} → workload. Sorted by source then destination.
   */
  connections(view: ReachView = 'effective'): Connection[] {
    const out: Connection[] = [];
    if (this.entries.length === 0) return out;
    const engine = this.engineFor(view);
    const upper = this.hasUndecidable ? this.engineFor(view, 'upper') : undefined;
    const wl = this.entries.map((e) => ({
      peer: { kind: 'workload', workload: e.ref } as const,
      nodes: e.classes.map((id): Node => ({ kind: 'class', id })),
    }));
    const pairUnion = (en: PolicyEngine, ss: readonly Node[], ds: readonly Node[]): ConnSet => {
      let c: ConnSet = EMPTY;
      for (const s of ss) for (const d of ds) c = union(c, en.allowed(s, d));
      return c;
    };
    const add = (
      src: ReachPeer,
      dst: ReachPeer,
      ss: readonly Node[],
      ds: readonly Node[],
      mask?: ConnSet,
    ): void => {
      const m = (c: ConnSet): ConnSet => (mask === undefined ? c : intersect(mask, c));
      const conns = m(pairUnion(engine, ss, ds));
      const maybe = upper === undefined ? EMPTY : subtract(m(pairUnion(upper, ss, ds)), conns);
      if (isEmpty(conns) && isEmpty(maybe)) return;
      out.push({ src, dst, conns, ...(isEmpty(maybe) ? {} : { undecidable: maybe }) });
    };
    for (const r of this.externalSources) {
      const n: Node = { kind: 'ip', range: r };
      for (const d of wl) add({ kind: 'external', range: r }, d.peer, [n], d.nodes);
    }
    for (const s of wl) {
      for (const d of wl) if (s !== d) add(s.peer, d.peer, s.nodes, d.nodes);
      for (const r of this.externalDestinations)
        add(s.peer, { kind: 'external', range: r }, s.nodes, [{ kind: 'ip', range: r }]);
    }
    if (this.ingressClass !== undefined) {
      const ic: Node = { kind: 'class', id: this.ingressClass };
      for (const d of wl) {
        const ports = this.ingressPorts.get(workloadKey(d.peer.workload));
        if (ports === undefined || isEmpty(ports)) continue;
        add({ kind: 'ingress-controller' }, d.peer, [ic], d.nodes, ports);
      }
    }
    return out;
  }

  /**
   * Connections from a workload to one address or CIDR outside the cluster (e.g. the cloud metadata service,
   * 169.254.169.254/32), whether or not a policy names it. Undefined when the CIDR does not parse.
   */
  allowedToAddress(ref: WorkloadRef, cidr: string, view: ReachView = 'effective'): ConnSet | undefined {
    const range = parseCidr(cidr);
    if (range === undefined) return undefined;
    return this.allowed({ kind: 'workload', workload: ref }, { kind: 'external', range }, view);
  }

  /** Connections from a workload to an address that rules ktm cannot decide (FQDN, L7) may allow. */
  undecidableToAddress(ref: WorkloadRef, cidr: string, view: ReachView = 'effective'): ConnSet {
    const range = parseCidr(cidr);
    if (range === undefined) return EMPTY;
    return this.undecidable({ kind: 'workload', workload: ref }, { kind: 'external', range }, view);
  }

  /**
   * How NetworkPolicy isolates a namespace's workloads in one direction (declared view): 'all' of them,
   * 'some', or 'none'; 'empty' when the namespace has no workloads. A default deny shows as 'all'.
   */
  namespaceIsolation(namespace: string, dir: 'ingress' | 'egress'): 'all' | 'some' | 'none' | 'empty' {
    const ws = this.entries.filter((e) => e.ref.namespace === namespace);
    if (ws.length === 0) return 'empty';
    const n = ws.filter((w) => this.isolated(w.ref, dir)).length;
    return n === ws.length ? 'all' : n === 0 ? 'none' : 'some';
  }

  /**
   * Whether a workload's pods are isolated in a direction (declared view): a NetworkPolicy selects them, or a
   * policy of the plugin that runs does (a Calico policy, a Cilium policy in default deny).
   */
  isolated(ref: WorkloadRef, dir: 'ingress' | 'egress'): boolean {
    const e = this.entryOf(ref);
    return e !== undefined && e.classes.every((id) => this.engine.isolated(id, dir));
  }

  /** Whether any policy (of any tier: admin, NetworkPolicy, plugin, baseline) applies to some pod of the workload. */
  covered(ref: WorkloadRef, dir: 'ingress' | 'egress'): boolean {
    const e = this.entryOf(ref);
    return e !== undefined && e.classes.some((id) => this.engine.appliedPolicies(id, dir).length > 0);
  }
}

function undecidableOf(r: Rule, out: Set<string>): void {
  if (r.undecidable !== undefined) out.add(r.undecidable);
  if (r.peers !== 'all')
    for (const p of r.peers) {
      if (p.kind === 'undecidable') out.add(p.reason);
      if (p.kind === 'entity' && ['host', 'remote-node', 'kube-apiserver'].includes(p.entity))
        out.add(`entity ${p.entity} (which node a host-network pod runs on)`);
    }
}

export function computeReachability(inv: Inventory, options: ReachabilityOptions = {}): Reachability {
  return new Reachability(inv, options);
}

export { ALL as ALL_CONNECTIONS };
