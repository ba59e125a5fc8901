// NetworkPolicy, AdminNetworkPolicy and BaselineAdminNetworkPolicy parsed from the inventory into one compiled form.
import { z } from 'zod';
import type { Diagnostic } from '../../errors.js';
import type { KubeObject } from '../../collect/inventory.js';
import type { Ref } from '../../types.js';
import { isProtocol, type Protocol } from './conn-set.js';
import { parseCidr, subtractRanges, type IpRange } from './ip-ranges.js';
import { labelSelectorSchema, parseSelector, type Selector } from './label-selector.js';

/** Which pods a peer or subject names: a namespace (by name or selector) and optionally a pod selector. */
export interface PodPeer {
  readonly kind: 'pods';
  /** Namespace name (a NetworkPolicy peer without namespaceSelector means the policy's own namespace). */
  readonly namespaceName?: string;
  readonly namespaceSelector?: Selector;
  /** Absent: every pod of the matched namespaces. */
  readonly podSelector?: Selector;
}
export interface IpPeer {
  readonly kind: 'ip';
  /** The block's addresses (cidr minus except), contiguous pieces. */
  readonly ranges: readonly IpRange[];
}
/** ANP `nodes` peers: nodes are not workloads, so such a peer never matches a pod or external range here. */
export interface NodesPeer {
  readonly kind: 'nodes';
}
/**
 * Cilium entities (https://docs.cilium.io/en/stable/security/policy/language/#entities-based): `world` is every
 * address outside the cluster, `cluster` every pod, `all` both; `host`, `remote-node` and `kube-apiserver` are
 * nodes, which ktm sees only as host-network pods (and then cannot tell which node: undecidable).
 */
export interface EntityPeer {
  readonly kind: 'entity';
  readonly entity: string;
}
/**
 * A Calico rule's source or destination (https://docs.tigera.io/calico/latest/reference/resources/networkpolicy#entityrule):
 * every field given must match. `pods` absent: no selector, namespaceSelector or serviceAccounts (any peer).
 */
export interface CalicoPeer {
  readonly kind: 'calico';
  readonly pods?: PodPeer;
  readonly notSelector?: Selector;
  readonly nets?: readonly IpRange[];
  readonly notNets?: readonly IpRange[];
}
/** A peer ktm cannot resolve (an FQDN, a Service, a CIDR group): it may or may not be any peer of `scope`. */
export interface UndecidablePeer {
  readonly kind: 'undecidable';
  readonly scope: 'external' | 'any';
  readonly reason: string;
}
export type Peer = PodPeer | IpPeer | NodesPeer | EntityPeer | CalicoPeer | UndecidablePeer;

/** A port clause: a number or range of one protocol, every port of one protocol, or a named container port. */
export type PortSpec =
  | { readonly kind: 'range'; readonly protocol: Protocol; readonly start: number; readonly end: number }
  | { readonly kind: 'all'; readonly protocol: Protocol }
  /** NetworkPolicy: the name must be declared with this protocol; ANP (`protocol` absent): any protocol. */
  | { readonly kind: 'named'; readonly name: string; readonly protocol?: Protocol };

export type Action = 'Allow' | 'Deny' | 'Pass';

export interface Rule {
  readonly name: string;
  readonly action: Action;
  /** 'all': the rule names no peers (empty from/to) and matches every source or destination. */
  readonly peers: readonly Peer[] | 'all';
  /** 'all': no ports clause, every port of every protocol. */
  readonly ports: readonly PortSpec[] | 'all';
  /** Ports taken out of `ports` (Calico notPorts, notProtocol). */
  readonly exceptPorts?: readonly PortSpec[];
  /**
   * Why the rule's outcome cannot be decided from the policies (an L7 rule, source ports): the engine's lower
   * bound takes it as not matching (allow) or matching (deny), the upper bound the other way round.
   */
  readonly undecidable?: string;
}

export type Tier = 'admin' | 'network-policy' | 'baseline' | 'cilium' | 'calico';

/** Where a Calico policy sits: its tier (by order, then name) and its order within the tier. */
export interface CalicoPlacement {
  readonly tier: string;
  readonly tierOrder: number;
  /** Infinity when the policy has no order (evaluated after every ordered one, by name). */
  readonly order: number;
  /** What happens to traffic no policy of the tier acted on: Deny (the default) or Pass to the next tier. */
  readonly defaultAction: 'Deny' | 'Pass';
}

export interface CompiledPolicy {
  readonly ref: Ref;
  readonly tier: Tier;
  /** ANP priority (lower first); 0 for the other tiers. */
  readonly priority: number;
  readonly subject: PodPeer;
  /** Undefined: the policy does not cover this direction (no isolation from it). */
  readonly ingress?: readonly Rule[];
  readonly egress?: readonly Rule[];
  /** Cilium: the directions in which the policy puts the endpoints it selects in default deny. */
  readonly defaultDeny?: { readonly ingress: boolean; readonly egress: boolean };
  /** Calico: tier and order. */
  readonly calico?: CalicoPlacement;
}

const intOrString = z.union([z.number().int(), z.string()]);
const npPeerSchema = z.object({
  podSelector: labelSelectorSchema.nullish(),
  namespaceSelector: labelSelectorSchema.nullish(),
  ipBlock: z.object({ cidr: z.string(), except: z.array(z.string()).nullish() }).nullish(),
});
const npPortSchema = z.object({
  protocol: z.string().nullish(),
  port: intOrString.nullish(),
  endPort: z.number().int().nullish(),
});
const npRuleSchema = z.object({
  from: z.array(npPeerSchema).nullish(),
  to: z.array(npPeerSchema).nullish(),
  ports: z.array(npPortSchema).nullish(),
});
const npSpecSchema = z.object({
  podSelector: labelSelectorSchema.nullish(),
  policyTypes: z.array(z.enum(['Ingress', 'Egress'])).nullish(),
  ingress: z.array(npRuleSchema).nullish(),
  egress: z.array(npRuleSchema).nullish(),
});

const namespacedPodSchema = z.object({
  namespaceSelector: labelSelectorSchema.nullish(),
  podSelector: labelSelectorSchema.nullish(),
});
const adminPeerSchema = z.object({
  namespaces: labelSelectorSchema.nullish(),
  pods: namespacedPodSchema.nullish(),
  nodes: labelSelectorSchema.nullish(),
  networks: z.array(z.string()).nullish(),
});
const adminPortSchema = z.object({
  portNumber: z.object({ protocol: z.string().nullish(), port: z.number().int() }).nullish(),
  namedPort: z.string().nullish(),
  portRange: z
    .object({ protocol: z.string().nullish(), start: z.number().int(), end: z.number().int() })
    .nullish(),
});
const adminRuleSchema = z.object({
  name: z.string().nullish(),
  action: z.enum(['Allow', 'Deny', 'Pass']),
  from: z.array(adminPeerSchema).nullish(),
  to: z.array(adminPeerSchema).nullish(),
  ports: z.array(adminPortSchema).nullish(),
});
const adminSpecSchema = z.object({
  priority: z.number().int().nullish(),
  subject: z.object({ namespaces: labelSelectorSchema.nullish(), pods: namespacedPodSchema.nullish() }),
  ingress: z.array(adminRuleSchema).nullish(),
  egress: z.array(adminRuleSchema).nullish(),
});

export function refOf(o: KubeObject): Ref {
  return o.metadata.namespace === undefined
    ? { kind: o.kind, name: o.metadata.name }
    : { kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name };
}

export function where(o: KubeObject): string {
  return `${o.kind} ${o.metadata.namespace === undefined ? '' : `${o.metadata.namespace}/`}${o.metadata.name}`;
}

function protocolOf(p: string | null | undefined, o: KubeObject, diags: Diagnostic[]): Protocol | undefined {
  // The API's default protocol is TCP (networking.k8s.io/v1 NetworkPolicyPort.protocol).
  const v = p ?? 'TCP';
  if (isProtocol(v)) return v;
  diags.push({ severity: 'warning', where: where(o), message: `unknown protocol '${v}'; port ignored` });
  return undefined;
}

export function ipPeer(
  cidr: string,
  except: readonly string[],
  o: KubeObject,
  diags: Diagnostic[],
): IpPeer | undefined {
  const base = parseCidr(cidr);
  if (base === undefined) {
    diags.push({ severity: 'warning', where: where(o), message: `invalid CIDR '${cidr}'; peer ignored` });
    return undefined;
  }
  const minus: IpRange[] = [];
  for (const e of except) {
    const r = parseCidr(e);
    if (r === undefined)
      diags.push({ severity: 'warning', where: where(o), message: `invalid except CIDR '${e}'; ignored` });
    else minus.push(r);
  }
  return { kind: 'ip', ranges: subtractRanges([base], minus) };
}

function npPeers(
  peers: readonly z.infer<typeof npPeerSchema>[] | null | undefined,
  ns: string,
  o: KubeObject,
  diags: Diagnostic[],
): Peer[] | 'all' {
  // An empty or missing from/to matches all sources/destinations (pods and addresses).
  if (peers === null || peers === undefined || peers.length === 0) return 'all';
  const out: Peer[] = [];
  for (const p of peers) {
    const hasSel = p.podSelector != null || p.namespaceSelector != null;
    if (p.ipBlock != null) {
      if (hasSel) {
        diags.push({
          severity: 'warning',
          where: where(o),
          message: 'a peer sets ipBlock together with a selector (the API rejects it); peer ignored',
        });
        continue;
      }
      const ip = ipPeer(p.ipBlock.cidr, p.ipBlock.except ?? [], o, diags);
      if (ip !== undefined) out.push(ip);
      continue;
    }
    if (!hasSel) {
      diags.push({
        severity: 'warning',
        where: where(o),
        message: 'an empty peer (the API rejects it); ignored',
      });
      continue;
    }
    out.push({
      kind: 'pods',
      // namespaceSelector absent: the policy's namespace; {} : every namespace.
      ...(p.namespaceSelector == null
        ? { namespaceName: ns }
        : { namespaceSelector: parseSelector(p.namespaceSelector) }),
      ...(p.podSelector == null ? {} : { podSelector: parseSelector(p.podSelector) }),
    });
  }
  return out;
}

function npPorts(
  ports: readonly z.infer<typeof npPortSchema>[] | null | undefined,
  o: KubeObject,
  diags: Diagnostic[],
): PortSpec[] | 'all' {
  if (ports === null || ports === undefined || ports.length === 0) return 'all';
  const out: PortSpec[] = [];
  for (const p of ports) {
    const protocol = protocolOf(p.protocol, o, diags);
    if (protocol === undefined) continue;
    if (p.port == null) out.push({ kind: 'all', protocol });
    else if (typeof p.port === 'string' && !/^\d+$/.test(p.port))
      out.push({ kind: 'named', name: p.port, protocol });
    else {
      const start = Number(p.port);
      const end = p.endPort ?? start;
      if (start < 1 || end > 65535 || end < start) {
        diags.push({
          severity: 'warning',
          where: where(o),
          message: `invalid port range ${start}-${end}; ignored`,
        });
        continue;
      }
      out.push({ kind: 'range', protocol, start, end });
    }
  }
  return out;
}

/** A policy's spec validated by its schema; an invalid one is one error diagnostic and no policy. */
export function parseSpec<T>(schema: z.ZodType<T>, o: KubeObject, diags: Diagnostic[]): T | undefined {
  const parsed = schema.safeParse(o['spec'] ?? {});
  if (parsed.success) return parsed.data;
  diags.push({
    severity: 'error',
    where: where(o),
    message: `invalid spec: ${parsed.error.issues[0]?.message ?? ''}`,
  });
  return undefined;
}

export function compileNetworkPolicy(o: KubeObject, diags: Diagnostic[]): CompiledPolicy | undefined {
  const spec = parseSpec(npSpecSchema, o, diags);
  if (spec === undefined) return undefined;
  const ns = o.metadata.namespace ?? 'default';
  // policyTypes default: Ingress always, Egress only when the policy has egress rules
  // (https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/#NetworkPolicySpec).
  const types =
    spec.policyTypes ?? (spec.egress != null && spec.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress']);
  const rules = (list: typeof spec.ingress, dir: 'from' | 'to'): Rule[] =>
    (list ?? []).map((r, i) => ({
      name: `${dir === 'from' ? 'ingress' : 'egress'}[${i}]`,
      action: 'Allow',
      peers: npPeers(dir === 'from' ? r.from : r.to, ns, o, diags),
      ports: npPorts(r.ports, o, diags),
    }));
  return {
    ref: refOf(o),
    tier: 'network-policy',
    priority: 0,
    subject: { kind: 'pods', namespaceName: ns, podSelector: parseSelector(spec.podSelector ?? {}) },
    ...(types.includes('Ingress') ? { ingress: rules(spec.ingress, 'from') } : {}),
    ...(types.includes('Egress') ? { egress: rules(spec.egress, 'to') } : {}),
  };
}

function adminPeers(
  peers: readonly z.infer<typeof adminPeerSchema>[] | null | undefined,
  o: KubeObject,
  diags: Diagnostic[],
): Peer[] {
  const out: Peer[] = [];
  for (const p of peers ?? []) {
    if (p.namespaces != null) out.push({ kind: 'pods', namespaceSelector: parseSelector(p.namespaces) });
    else if (p.pods != null)
      out.push({
        kind: 'pods',
        namespaceSelector: parseSelector(p.pods.namespaceSelector ?? {}),
        podSelector: parseSelector(p.pods.podSelector ?? {}),
      });
    else if (p.networks != null) {
      const ranges: IpRange[] = [];
      for (const n of p.networks) {
        const ip = ipPeer(n, [], o, diags);
        if (ip !== undefined) ranges.push(...ip.ranges);
      }
      out.push({ kind: 'ip', ranges });
    } else if (p.nodes != null) out.push({ kind: 'nodes' });
  }
  return out;
}

function adminPorts(
  ports: readonly z.infer<typeof adminPortSchema>[] | null | undefined,
  o: KubeObject,
  diags: Diagnostic[],
): PortSpec[] | 'all' {
  if (ports === null || ports === undefined || ports.length === 0) return 'all';
  const out: PortSpec[] = [];
  for (const p of ports) {
    if (p.portNumber != null) {
      const protocol = protocolOf(p.portNumber.protocol, o, diags);
      if (protocol !== undefined)
        out.push({ kind: 'range', protocol, start: p.portNumber.port, end: p.portNumber.port });
    } else if (p.portRange != null) {
      const protocol = protocolOf(p.portRange.protocol, o, diags);
      if (protocol !== undefined)
        out.push({ kind: 'range', protocol, start: p.portRange.start, end: p.portRange.end });
    } else if (p.namedPort != null) out.push({ kind: 'named', name: p.namedPort });
  }
  return out;
}

/** AdminNetworkPolicy (tier 'admin') or BaselineAdminNetworkPolicy (tier 'baseline'), policy.networking.k8s.io/v1alpha1. */
export function compileAdminPolicy(o: KubeObject, diags: Diagnostic[]): CompiledPolicy | undefined {
  const spec = parseSpec(adminSpecSchema, o, diags);
  if (spec === undefined) return undefined;
  const baseline = o.kind === 'BaselineAdminNetworkPolicy';
  const subject: PodPeer =
    spec.subject.namespaces != null
      ? { kind: 'pods', namespaceSelector: parseSelector(spec.subject.namespaces) }
      : {
          kind: 'pods',
          namespaceSelector: parseSelector(spec.subject.pods?.namespaceSelector ?? {}),
          podSelector: parseSelector(spec.subject.pods?.podSelector ?? {}),
        };
  const rules = (list: typeof spec.ingress, dir: 'from' | 'to'): Rule[] =>
    (list ?? []).map((r, i) => {
      if (baseline && r.action === 'Pass')
        diags.push({
          severity: 'warning',
          where: where(o),
          message: 'Pass is not a BANP action; treated as Deny',
        });
      return {
        name: r.name ?? `${dir === 'from' ? 'ingress' : 'egress'}[${i}]`,
        action: baseline && r.action === 'Pass' ? 'Deny' : r.action,
        peers: adminPeers(dir === 'from' ? r.from : r.to, o, diags),
        ports: adminPorts(r.ports, o, diags),
      };
    });
  return {
    ref: refOf(o),
    tier: baseline ? 'baseline' : 'admin',
    priority: spec.priority ?? 0,
    subject,
    // Admin policies never isolate: a direction without rules simply has nothing to say.
    ingress: rules(spec.ingress, 'from'),
    egress: rules(spec.egress, 'to'),
  };
}

/** Every IP block the rules of one direction name (for partitioning the outside world). */
export function referencedRanges(policies: readonly CompiledPolicy[], dir: 'ingress' | 'egress'): IpRange[] {
  const out: IpRange[] = [];
  for (const p of policies)
    for (const r of p[dir] ?? [])
      if (r.peers !== 'all')
        for (const peer of r.peers) {
          if (peer.kind === 'ip') out.push(...peer.ranges);
          else if (peer.kind === 'calico') out.push(...(peer.nets ?? []), ...(peer.notNets ?? []));
        }
  return out;
}

/** Every selector over pod labels a policy uses: its subject's and its rules' peers' (Calico notSelector too). */
export function policySelectors(p: CompiledPolicy): Selector[] {
  const out: Selector[] = [];
  if (p.subject.podSelector !== undefined) out.push(p.subject.podSelector);
  for (const r of [...(p.ingress ?? []), ...(p.egress ?? [])])
    if (r.peers !== 'all')
      for (const peer of r.peers) {
        if (peer.kind === 'pods' && peer.podSelector !== undefined) out.push(peer.podSelector);
        if (peer.kind === 'calico') {
          if (peer.pods?.podSelector !== undefined) out.push(peer.pods.podSelector);
          if (peer.notSelector !== undefined) out.push(peer.notSelector);
        }
      }
  return out;
}
