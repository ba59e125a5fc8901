// CiliumNetworkPolicy and CiliumClusterwideNetworkPolicy (cilium.io/v2) compiled to the engine's policy form, with Cilium's documented semantics.
import { z } from 'zod';
import type { Diagnostic } from '../../errors.js';
import type { KubeObject } from '../../collect/inventory.js';
import type { Protocol } from './conn-set.js';
import { CILIUM_NAMESPACE } from './identity-labels.js';
import { labelSelectorSchema, parseSelector, type LabelSelectorInput } from './label-selector.js';
import {
  ipPeer,
  parseSpec,
  refOf,
  where,
  type CompiledPolicy,
  type Peer,
  type PodPeer,
  type PortSpec,
  type Rule,
} from './policies.js';

const cidrSetSchema = z.object({
  cidr: z.string().nullish(),
  except: z.array(z.string()).nullish(),
  cidrGroupRef: z.string().nullish(),
  cidrGroupSelector: z.unknown().optional(),
});
const portRuleSchema = z.object({
  ports: z
    .array(
      z.object({
        port: z.union([z.string(), z.number().int()]).nullish(),
        endPort: z.number().int().nullish(),
        protocol: z.string().nullish(),
      }),
    )
    .nullish(),
  rules: z.record(z.string(), z.unknown()).nullish(),
  serverNames: z.array(z.string()).nullish(),
});
const ruleSchema = z.object({
  fromEndpoints: z.array(labelSelectorSchema).nullish(),
  toEndpoints: z.array(labelSelectorSchema).nullish(),
  fromCIDR: z.array(z.string()).nullish(),
  toCIDR: z.array(z.string()).nullish(),
  fromCIDRSet: z.array(cidrSetSchema).nullish(),
  toCIDRSet: z.array(cidrSetSchema).nullish(),
  fromEntities: z.array(z.string()).nullish(),
  toEntities: z.array(z.string()).nullish(),
  fromNodes: z.array(z.unknown()).nullish(),
  toNodes: z.array(z.unknown()).nullish(),
  fromRequires: z.array(z.unknown()).nullish(),
  toRequires: z.array(z.unknown()).nullish(),
  fromGroups: z.array(z.unknown()).nullish(),
  toGroups: z.array(z.unknown()).nullish(),
  toServices: z.array(z.unknown()).nullish(),
  toFQDNs: z.array(z.unknown()).nullish(),
  toPorts: z.array(portRuleSchema).nullish(),
  icmps: z.array(z.unknown()).nullish(),
});
type CiliumRule = z.infer<typeof ruleSchema>;
const specSchema = z.object({
  endpointSelector: labelSelectorSchema.nullish(),
  nodeSelector: labelSelectorSchema.nullish(),
  ingress: z.array(ruleSchema).nullish(),
  ingressDeny: z.array(ruleSchema).nullish(),
  egress: z.array(ruleSchema).nullish(),
  egressDeny: z.array(ruleSchema).nullish(),
  enableDefaultDeny: z.object({ ingress: z.boolean().nullish(), egress: z.boolean().nullish() }).nullish(),
});
type CiliumSpec = z.infer<typeof specSchema>;
const objectSchema = z.object({ spec: specSchema.nullish(), specs: z.array(specSchema).nullish() });

/** Label-source prefixes Cilium accepts in selector keys (`k8s:app`, `any:app`); `reserved:` names an entity. */
const SOURCE_PREFIX = /^(k8s|any|container|unspec):/;

interface Translated {
  /** The selector over pods, keys without source prefixes. */
  readonly selector: LabelSelectorInput;
  /** `reserved:<entity>` keys: the selector names an entity, not pods. */
  readonly entities: string[];
}

function translate(sel: LabelSelectorInput): Translated {
  const entities: string[] = [];
  const key = (k: string): string => k.replace(SOURCE_PREFIX, '');
  const matchLabels: Record<string, string> = {};
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) {
    if (k.startsWith('reserved:')) entities.push(k.slice('reserved:'.length));
    else matchLabels[key(k)] = v;
  }
  const matchExpressions = (sel.matchExpressions ?? []).map((e) => ({ ...e, key: key(e.key) }));
  return { selector: { matchLabels, matchExpressions }, entities };
}

/**
 * Pods an endpoint selector names. In a CiliumNetworkPolicy a selector that does not name the namespace label
 * (`k8s:io.kubernetes.pod.namespace`) is limited to the policy's namespace; in a cluster-wide policy it spans
 * every namespace (https://docs.cilium.io/en/stable/security/policy/kubernetes/#namespaces).
 */
function endpointPeer(sel: LabelSelectorInput, namespace: string | undefined): PodPeer {
  const named =
    Object.prototype.hasOwnProperty.call(sel.matchLabels ?? {}, CILIUM_NAMESPACE) ||
    (sel.matchExpressions ?? []).some((e) => e.key === CILIUM_NAMESPACE);
  const scoped: LabelSelectorInput =
    namespace === undefined || named
      ? sel
      : { ...sel, matchLabels: { ...(sel.matchLabels ?? {}), [CILIUM_NAMESPACE]: namespace } };
  return { kind: 'pods', podSelector: parseSelector(scoped) };
}

const PROTOCOLS_ANY: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];

function protocolsOf(p: string | null | undefined, o: KubeObject, diags: Diagnostic[]): readonly Protocol[] {
  const v = (p ?? 'ANY').toUpperCase();
  if (v === 'ANY') return PROTOCOLS_ANY;
  if (v === 'TCP' || v === 'UDP' || v === 'SCTP') return [v];
  // ICMP is not a connection ktm models (ports only).
  if (v !== 'ICMP' && v !== 'ICMPV6')
    diags.push({
      severity: 'warning',
      where: where(o),
      message: `unknown protocol '${p ?? ''}'; port ignored`,
    });
  return [];
}

/** One toPorts entry's ports: a number (with endPort), a name, or 0/absent for every port. */
function portSpecs(
  pr: z.infer<typeof portRuleSchema>,
  o: KubeObject,
  diags: Diagnostic[],
): PortSpec[] | 'all' {
  if (pr.ports == null || pr.ports.length === 0) return 'all';
  const out: PortSpec[] = [];
  for (const p of pr.ports) {
    const protocols = protocolsOf(p.protocol, o, diags);
    const text = p.port == null ? '0' : String(p.port);
    if (!/^\d+$/.test(text)) {
      for (const protocol of protocols) out.push({ kind: 'named', name: text, protocol });
      continue;
    }
    const start = Number(text);
    for (const protocol of protocols) {
      if (start === 0) out.push({ kind: 'all', protocol });
      else
        out.push({
          kind: 'range',
          protocol,
          start,
          end: p.endPort != null && p.endPort > start ? p.endPort : start,
        });
    }
  }
  return out;
}

/** Why an L7 or TLS-name restriction makes a port's outcome undecidable, or undefined when it has none. */
function l7Reason(pr: z.infer<typeof portRuleSchema>): string | undefined {
  const kinds = Object.entries(pr.rules ?? {})
    .filter(([, v]) => v != null && !(Array.isArray(v) && v.length === 0))
    .map(([k]) => k);
  if (pr.serverNames != null && pr.serverNames.length > 0) kinds.push('serverNames');
  return kinds.length === 0 ? undefined : `L7 rule (${kinds.sort().join(', ')})`;
}

function compileRules(
  list: readonly CiliumRule[] | null | undefined,
  dir: 'ingress' | 'egress',
  action: 'Allow' | 'Deny',
  namespace: string | undefined,
  o: KubeObject,
  diags: Diagnostic[],
): Rule[] {
  const out: Rule[] = [];
  (list ?? []).forEach((r, i) => {
    const name = `${dir}${action === 'Deny' ? 'Deny' : ''}[${i}]`;
    const from = dir === 'ingress';
    const peers: Peer[] = [];
    const endpoints = from ? r.fromEndpoints : r.toEndpoints;
    for (const sel of endpoints ?? []) {
      const t = translate(sel);
      for (const e of t.entities) peers.push({ kind: 'entity', entity: e });
      if (t.entities.length === 0) peers.push(endpointPeer(t.selector, namespace));
    }
    for (const c of (from ? r.fromCIDR : r.toCIDR) ?? []) {
      const ip = ipPeer(c, [], o, diags);
      if (ip !== undefined) peers.push(ip);
    }
    for (const c of (from ? r.fromCIDRSet : r.toCIDRSet) ?? []) {
      if (c.cidr == null) {
        peers.push({ kind: 'undecidable', scope: 'external', reason: 'CIDR group (cidrGroupRef)' });
        continue;
      }
      const ip = ipPeer(c.cidr, c.except ?? [], o, diags);
      if (ip !== undefined) peers.push(ip);
    }
    for (const e of (from ? r.fromEntities : r.toEntities) ?? []) peers.push({ kind: 'entity', entity: e });
    if ((from ? r.fromNodes : r.toNodes) != null) peers.push({ kind: 'nodes' });
    if ((from ? r.fromGroups : r.toGroups) != null)
      peers.push({ kind: 'undecidable', scope: 'external', reason: 'cloud provider group (toGroups)' });
    if (!from && r.toFQDNs != null && r.toFQDNs.length > 0)
      peers.push({ kind: 'undecidable', scope: 'external', reason: 'FQDN rule (toFQDNs)' });
    if (!from && r.toServices != null && r.toServices.length > 0)
      peers.push({ kind: 'undecidable', scope: 'any', reason: 'Service rule (toServices)' });
    const requires = from ? r.fromRequires : r.toRequires;
    const hasPeerField = [
      endpoints,
      from ? r.fromCIDR : r.toCIDR,
      from ? r.fromCIDRSet : r.toCIDRSet,
      from ? r.fromEntities : r.toEntities,
      from ? r.fromNodes : r.toNodes,
      from ? r.fromGroups : r.toGroups,
      from ? undefined : r.toFQDNs,
      from ? undefined : r.toServices,
    ].some((f) => f != null);
    // A rule with only toPorts applies to every peer; an empty rule (`- {}`) to none
    // (https://docs.cilium.io/en/stable/security/policy/language/#layer-4-examples).
    const rulePeers: Peer[] | 'all' = hasPeerField ? peers : r.toPorts != null ? 'all' : [];
    const undecidable =
      requires != null && requires.length > 0
        ? 'fromRequires/toRequires (deprecated) constrain the peers'
        : undefined;
    const base = { action, peers: rulePeers, ...(undecidable === undefined ? {} : { undecidable }) };
    if (r.toPorts == null || r.toPorts.length === 0) {
      // Only ICMP (icmps) is not a port ktm models: such a rule allows none of the connections listed.
      out.push({ name, ...base, ports: r.icmps != null && r.icmps.length > 0 ? [] : 'all' });
      return;
    }
    const decided: PortSpec[] = [];
    let all = false;
    r.toPorts.forEach((pr, j) => {
      const ports = portSpecs(pr, o, diags);
      const l7 = l7Reason(pr);
      if (l7 !== undefined) out.push({ name: `${name}.toPorts[${j}]`, ...base, ports, undecidable: l7 });
      else if (ports === 'all') all = true;
      else decided.push(...ports);
    });
    if (all || decided.length > 0) out.push({ name, ...base, ports: all ? 'all' : decided });
  });
  return out;
}

function compileSpec(
  spec: CiliumSpec,
  o: KubeObject,
  index: number | undefined,
  diags: Diagnostic[],
): CompiledPolicy | undefined {
  const namespace = o.kind === 'CiliumNetworkPolicy' ? (o.metadata.namespace ?? 'default') : undefined;
  const ref = refOf(o);
  if (spec.endpointSelector == null) {
    diags.push({
      severity: 'info',
      where: where(o),
      message: `${spec.nodeSelector != null ? 'a host policy (nodeSelector) applies to nodes, not pods' : 'no endpointSelector'}: ${index === undefined ? 'policy' : `specs[${index}]`} not modelled`,
    });
    return undefined;
  }
  const subject = translate(spec.endpointSelector);
  if (subject.entities.length > 0) {
    diags.push({
      severity: 'info',
      where: where(o),
      message: `endpointSelector selects reserved:${subject.entities.join(',')} (a node, not a pod): not modelled`,
    });
    return undefined;
  }
  const ingress = [
    ...compileRules(spec.ingress, 'ingress', 'Allow', namespace, o, diags),
    ...compileRules(spec.ingressDeny, 'ingress', 'Deny', namespace, o, diags),
  ];
  const egress = [
    ...compileRules(spec.egress, 'egress', 'Allow', namespace, o, diags),
    ...compileRules(spec.egressDeny, 'egress', 'Deny', namespace, o, diags),
  ];
  const has = (l: readonly unknown[] | null | undefined): boolean => l != null && l.length > 0;
  const hasIngress = has(spec.ingress) || has(spec.ingressDeny);
  const hasEgress = has(spec.egress) || has(spec.egressDeny);
  // enableDefaultDeny defaults to true in each direction that has rules (allow or deny); any policy asking for it
  // puts the endpoint in default deny (https://docs.cilium.io/en/stable/security/policy/language/ and /deny/).
  const defaultDeny = {
    ingress: spec.enableDefaultDeny?.ingress ?? hasIngress,
    egress: spec.enableDefaultDeny?.egress ?? hasEgress,
  };
  return {
    ref: index === undefined ? ref : { ...ref, name: `${ref.name}#specs[${index}]` },
    tier: 'cilium',
    priority: 0,
    subject: endpointPeer(subject.selector, namespace),
    ...(hasIngress || defaultDeny.ingress ? { ingress } : {}),
    ...(hasEgress || defaultDeny.egress ? { egress } : {}),
    defaultDeny,
  };
}

/** A CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy: one compiled policy per spec (`spec` and each of `specs`). */
export function compileCiliumPolicy(o: KubeObject, diags: Diagnostic[]): CompiledPolicy[] {
  const parsed = parseSpec(objectSchema, { ...o, spec: { spec: o['spec'], specs: o['specs'] } }, diags);
  if (parsed === undefined) return [];
  const out: CompiledPolicy[] = [];
  if (parsed.spec != null) {
    const p = compileSpec(parsed.spec, o, undefined, diags);
    if (p !== undefined) out.push(p);
  }
  (parsed.specs ?? []).forEach((s, i) => {
    const p = compileSpec(s, o, i, diags);
    if (p !== undefined) out.push(p);
  });
  return out;
}
