// Calico NetworkPolicy and GlobalNetworkPolicy (projectcalico.org/v3, crd.projectcalico.org/v1) with their Tiers, compiled to the engine's policy form.
import { z } from 'zod';
import type { Diagnostic } from '../../errors.js';
import type { KubeObject } from '../../collect/inventory.js';
import type { Protocol } from './conn-set.js';
import { CalicoSelectorError, parseCalicoSelector } from './calico-selector.js';
import { CALICO_SERVICE_ACCOUNT } from './identity-labels.js';
import type { IpRange } from './ip-ranges.js';
import type { Selector } from './label-selector.js';
import {
  ipPeer,
  parseSpec,
  refOf,
  where,
  type Action,
  type CalicoPeer,
  type CompiledPolicy,
  type PodPeer,
  type PortSpec,
  type Rule,
} from './policies.js';

/** Order of the `default` tier when no Tier object says otherwise (Calico ≥ 3.29 creates it with 1,000,000). */
export const DEFAULT_TIER_ORDER = 1_000_000;
/** Calico files each Kubernetes NetworkPolicy in the default tier with order 1000. */
export const KUBERNETES_POLICY_ORDER = 1000;

const portSchema = z.union([z.number().int(), z.string()]);
const entitySchema = z.object({
  selector: z.string().nullish(),
  notSelector: z.string().nullish(),
  namespaceSelector: z.string().nullish(),
  nets: z.array(z.string()).nullish(),
  notNets: z.array(z.string()).nullish(),
  ports: z.array(portSchema).nullish(),
  notPorts: z.array(portSchema).nullish(),
  serviceAccounts: z
    .object({ names: z.array(z.string()).nullish(), selector: z.string().nullish() })
    .nullish(),
  services: z.unknown().optional(),
});
type Entity = z.infer<typeof entitySchema>;
const ruleSchema = z.object({
  action: z.string(),
  protocol: z.union([z.string(), z.number().int()]).nullish(),
  notProtocol: z.union([z.string(), z.number().int()]).nullish(),
  source: entitySchema.nullish(),
  destination: entitySchema.nullish(),
  http: z.unknown().optional(),
  icmp: z.unknown().optional(),
});
type CalicoRule = z.infer<typeof ruleSchema>;
const specSchema = z.object({
  tier: z.string().nullish(),
  order: z.number().nullish(),
  selector: z.string().nullish(),
  namespaceSelector: z.string().nullish(),
  serviceAccountSelector: z.string().nullish(),
  types: z.array(z.enum(['Ingress', 'Egress'])).nullish(),
  ingress: z.array(ruleSchema).nullish(),
  egress: z.array(ruleSchema).nullish(),
  doNotTrack: z.boolean().nullish(),
  preDNAT: z.boolean().nullish(),
});
const tierSchema = z.object({
  order: z.number().nullish(),
  defaultAction: z.enum(['Deny', 'Pass']).nullish(),
});

export interface TierInfo {
  readonly order: number;
  readonly defaultAction: 'Deny' | 'Pass';
}

/** Tiers by name; the default tier is always there. */
export function compileTiers(tiers: readonly KubeObject[], diags: Diagnostic[]): Map<string, TierInfo> {
  const out = new Map<string, TierInfo>([['default', { order: DEFAULT_TIER_ORDER, defaultAction: 'Deny' }]]);
  for (const t of tiers) {
    const spec = parseSpec(tierSchema, t, diags);
    if (spec === undefined) continue;
    // A tier without an order comes after every ordered one (https://docs.tigera.io/calico/latest/reference/resources/tier).
    out.set(t.metadata.name, {
      order: spec.order ?? Number.POSITIVE_INFINITY,
      defaultAction: spec.defaultAction ?? 'Deny',
    });
  }
  return out;
}

function selector(
  text: string | null | undefined,
  field: string,
  o: KubeObject,
  diags: Diagnostic[],
): Selector | undefined {
  try {
    return parseCalicoSelector(text);
  } catch (e) {
    if (!(e instanceof CalicoSelectorError)) throw e;
    diags.push({
      severity: 'error',
      where: where(o),
      message: `invalid ${field} '${text ?? ''}': ${e.message}`,
    });
    return undefined;
  }
}

const PROTOCOL_NUMBERS: Readonly<Record<string, Protocol>> = { '6': 'TCP', '17': 'UDP', '132': 'SCTP' };

/** The protocols a rule's `protocol` names among those ktm models; [] for ICMP and the like; undefined: all. */
function protocolsOf(p: string | number | null | undefined): readonly Protocol[] | undefined {
  if (p == null) return undefined;
  const v = String(p).toUpperCase();
  if (v === 'TCP' || v === 'UDP' || v === 'SCTP') return [v];
  const n = PROTOCOL_NUMBERS[v];
  return n === undefined ? [] : [n];
}

function portSpecs(
  ports: readonly (string | number)[],
  protocols: readonly Protocol[],
  o: KubeObject,
  diags: Diagnostic[],
): PortSpec[] {
  const out: PortSpec[] = [];
  for (const p of ports) {
    const text = String(p);
    const range = /^(\d+)(?::(\d+))?$/.exec(text);
    if (range === null) {
      // A named port: the destination endpoint's port of that name.
      for (const protocol of protocols) out.push({ kind: 'named', name: text, protocol });
      continue;
    }
    const start = Number(range[1]);
    const end = range[2] === undefined ? start : Number(range[2]);
    if (end < start || end > 65535) {
      diags.push({ severity: 'warning', where: where(o), message: `invalid port range '${text}'; ignored` });
      continue;
    }
    for (const protocol of protocols) out.push({ kind: 'range', protocol, start: Math.max(start, 1), end });
  }
  return out;
}

function ranges(list: readonly string[], o: KubeObject, diags: Diagnostic[]): IpRange[] {
  return list.flatMap((c) => ipPeer(c, [], o, diags)?.ranges ?? []);
}

/**
 * The peer side of a rule (source for ingress, destination for egress). A selector without namespaceSelector
 * means the policy's namespace for a NetworkPolicy and every namespace for a GlobalNetworkPolicy.
 */
function peerOf(
  e: Entity | null | undefined,
  namespace: string | undefined,
  o: KubeObject,
  diags: Diagnostic[],
): CalicoPeer | 'invalid' {
  if (e == null) return { kind: 'calico' };
  const sa = e.serviceAccounts?.names;
  const hasPods = e.selector != null || e.namespaceSelector != null || (sa != null && sa.length > 0);
  let pods: PodPeer | undefined;
  if (hasPods) {
    const podSel = selector(e.selector, 'selector', o, diags);
    const nsSel =
      e.namespaceSelector == null ? undefined : selector(e.namespaceSelector, 'namespaceSelector', o, diags);
    if (podSel === undefined || (e.namespaceSelector != null && nsSel === undefined)) return 'invalid';
    const withSa: Selector =
      sa != null && sa.length > 0
        ? {
            ...podSel,
            requirements: [
              ...podSel.requirements,
              { key: CALICO_SERVICE_ACCOUNT, operator: 'In', values: [...sa].sort() },
            ],
            key: `${podSel.key}&sa:${[...sa].sort().join(',')}`,
          }
        : podSel;
    pods = {
      kind: 'pods',
      ...(nsSel !== undefined
        ? { namespaceSelector: nsSel }
        : namespace !== undefined
          ? { namespaceName: namespace }
          : {}),
      podSelector: withSa,
    };
  }
  const not = e.notSelector == null ? undefined : selector(e.notSelector, 'notSelector', o, diags);
  if (e.notSelector != null && not === undefined) return 'invalid';
  return {
    kind: 'calico',
    ...(pods === undefined ? {} : { pods }),
    ...(not === undefined ? {} : { notSelector: not }),
    ...(e.nets == null ? {} : { nets: ranges(e.nets, o, diags) }),
    ...(e.notNets == null ? {} : { notNets: ranges(e.notNets, o, diags) }),
  };
}

function compileRule(
  r: CalicoRule,
  name: string,
  dir: 'ingress' | 'egress',
  namespace: string | undefined,
  o: KubeObject,
  diags: Diagnostic[],
): Rule | undefined {
  const raw = r.action === 'Next-tier' ? 'Pass' : r.action;
  // Log records the packet and goes on to the next rule: it decides nothing.
  if (raw === 'Log') return undefined;
  if (raw !== 'Allow' && raw !== 'Deny' && raw !== 'Pass') {
    diags.push({
      severity: 'warning',
      where: where(o),
      message: `${name}: unknown action '${r.action}'; rule ignored`,
    });
    return undefined;
  }
  const action: Action = raw;
  const protocols = protocolsOf(r.protocol);
  // ICMP and other protocols without ports are not connections ktm lists: the rule matches none of them.
  if (protocols !== undefined && protocols.length === 0) return undefined;
  const [peerSide, localSide] = dir === 'ingress' ? [r.source, r.destination] : [r.destination, r.source];
  const dst = r.destination;
  const peer = peerOf(peerSide, namespace, o, diags);
  if (peer === 'invalid') return undefined;
  const reasons: string[] = [];
  if (r.http != null) reasons.push('L7 rule (http)');
  if (r.source?.ports != null || r.source?.notPorts != null) reasons.push('source ports');
  if (
    localSide != null &&
    (localSide.selector != null ||
      localSide.namespaceSelector != null ||
      localSide.nets != null ||
      localSide.notNets != null ||
      localSide.notSelector != null ||
      localSide.serviceAccounts != null)
  )
    reasons.push(`${dir === 'ingress' ? 'destination' : 'source'} selector on the policy's own endpoint`);
  if (peerSide?.services != null) reasons.push('Service match (services)');
  if (peerSide?.serviceAccounts?.selector != null) reasons.push('service account selector');
  const all = protocols ?? (['TCP', 'UDP', 'SCTP'] as const);
  const ports: PortSpec[] | 'all' =
    dst?.ports != null && dst.ports.length > 0
      ? portSpecs(dst.ports, all, o, diags)
      : protocols === undefined
        ? 'all'
        : protocols.map((protocol) => ({ kind: 'all', protocol }));
  const except: PortSpec[] = [];
  if (dst?.notPorts != null) except.push(...portSpecs(dst.notPorts, all, o, diags));
  const notProtocols = protocolsOf(r.notProtocol);
  if (notProtocols !== undefined)
    except.push(...notProtocols.map((protocol): PortSpec => ({ kind: 'all', protocol })));
  return {
    name,
    action,
    peers: [peer],
    ports,
    ...(except.length > 0 ? { exceptPorts: except } : {}),
    ...(reasons.length > 0 ? { undecidable: reasons.join(', ') } : {}),
  };
}

/** A Calico NetworkPolicy (CalicoNetworkPolicy in ktm's inventory) or GlobalNetworkPolicy. */
export function compileCalicoPolicy(
  o: KubeObject,
  tiers: ReadonlyMap<string, TierInfo>,
  diags: Diagnostic[],
): CompiledPolicy | undefined {
  const spec = parseSpec(specSchema, o, diags);
  if (spec === undefined) return undefined;
  if (spec.doNotTrack === true || spec.preDNAT === true) {
    diags.push({
      severity: 'info',
      where: where(o),
      message: 'a doNotTrack/preDNAT policy applies to host endpoints, not pods: not modelled',
    });
    return undefined;
  }
  const global = o.kind === 'GlobalNetworkPolicy';
  const namespace = global ? undefined : (o.metadata.namespace ?? 'default');
  const podSel = selector(spec.selector, 'selector', o, diags);
  const nsSel =
    global && spec.namespaceSelector != null
      ? selector(spec.namespaceSelector, 'namespaceSelector', o, diags)
      : undefined;
  if (podSel === undefined || (global && spec.namespaceSelector != null && nsSel === undefined))
    return undefined;
  if (spec.serviceAccountSelector != null)
    diags.push({
      severity: 'warning',
      where: where(o),
      message:
        'serviceAccountSelector (service account labels) is not modelled: the policy is applied to every pod its selector matches',
    });
  const tierName = spec.tier ?? 'default';
  let tier = tiers.get(tierName);
  if (tier === undefined) {
    diags.push({
      severity: 'warning',
      where: where(o),
      message: `tier '${tierName}' is not in the input: taken as ordered last, with end-of-tier deny`,
    });
    tier = { order: Number.POSITIVE_INFINITY, defaultAction: 'Deny' };
  }
  // types default: Ingress when the policy has ingress rules or no rules at all, Egress when it has egress rules
  // (https://docs.tigera.io/calico/latest/reference/resources/networkpolicy#spec).
  const hasIn = spec.ingress != null && spec.ingress.length > 0;
  const hasEg = spec.egress != null && spec.egress.length > 0;
  const types = spec.types ?? [
    ...(hasIn || !hasEg ? ['Ingress' as const] : []),
    ...(hasEg ? ['Egress' as const] : []),
  ];
  const rules = (list: typeof spec.ingress, dir: 'ingress' | 'egress'): Rule[] =>
    (list ?? []).flatMap((r, i) => compileRule(r, `${dir}[${i}]`, dir, namespace, o, diags) ?? []);
  const subject: PodPeer = {
    kind: 'pods',
    ...(namespace !== undefined
      ? { namespaceName: namespace }
      : nsSel !== undefined
        ? { namespaceSelector: nsSel }
        : {}),
    podSelector: podSel,
  };
  return {
    ref: refOf(o),
    tier: 'calico',
    priority: 0,
    subject,
    ...(types.includes('Ingress') ? { ingress: rules(spec.ingress, 'ingress') } : {}),
    ...(types.includes('Egress') ? { egress: rules(spec.egress, 'egress') } : {}),
    calico: {
      tier: tierName,
      tierOrder: tier.order,
      order: spec.order ?? Number.POSITIVE_INFINITY,
      defaultAction: tier.defaultAction,
    },
  };
}
