// Whether declared NetworkPolicy egress lets a workload reach one external IP and port (used for the cloud metadata flow).
import type * as k8s from '@kubernetes/client-node';
import type { InventoryItem } from '../collect/inventory.js';
import type { Evidence } from '../types.js';
import type { PolicyVerdict } from './types.js';
import { selectorMatches } from './workloads.js';

function ipv4ToInt(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    n = n * 256 + v;
  }
  return n;
}

/** IPv4 CIDR containment; IPv6 CIDRs never contain an IPv4 address. */
export function cidrContains(cidr: string, ip: string): boolean {
  const [base, bitsText] = cidr.split('/');
  const b = ipv4ToInt(base ?? '');
  const a = ipv4ToInt(ip);
  if (b === undefined || a === undefined) return false;
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  if (!Number.isInteger(bits) || bits < 0 || bits > 32) return false;
  if (bits === 0) return true;
  const size = 2 ** (32 - bits);
  return Math.floor(a / size) === Math.floor(b / size);
}

function policyTypes(p: k8s.V1NetworkPolicy): string[] {
  const explicit = p.spec?.policyTypes;
  if (explicit !== undefined && explicit.length > 0) return explicit;
  // Without policyTypes, Egress applies only when the policy has egress rules.
  return p.spec?.egress !== undefined && p.spec.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}

function portAllows(
  ports: readonly k8s.V1NetworkPolicyPort[] | undefined,
  port: number,
  protocol: string,
): boolean {
  if (ports === undefined || ports.length === 0) return true;
  return ports.some((p) => {
    if ((p.protocol ?? 'TCP') !== protocol) return false;
    if (p.port === undefined) return true;
    // A named port names a destination pod's port; an address outside the cluster has none.
    if (typeof p.port === 'string') return false;
    return p.endPort === undefined ? p.port === port : port >= p.port && port <= p.endPort;
  });
}

/**
 * The declared verdict for egress from pods with `labels` in a namespace to `ip:port`: blocked when some policy
 * selects the pods for Egress and none of those policies' rules admits the address. Whether the network plugin
 * enforces policy at all is a separate question (the zone's network-policy control).
 */
export function egressVerdict(
  policies: readonly InventoryItem<k8s.V1NetworkPolicy>[],
  labels: Readonly<Record<string, string>>,
  ip: string,
  port: number,
  protocol = 'TCP',
): { verdict: PolicyVerdict; evidence: Evidence[]; note: string } {
  const selecting = policies.filter(
    (p) => policyTypes(p.object).includes('Egress') && selectorMatches(p.object.spec?.podSelector, labels),
  );
  if (selecting.length === 0)
    return { verdict: 'allowed', evidence: [], note: 'no egress policy selects these pods' };
  const evidence: Evidence[] = selecting.map((p) => ({
    ref: {
      kind: 'NetworkPolicy',
      namespace: p.object.metadata.namespace ?? '',
      name: p.object.metadata.name,
    },
    path: 'spec.egress',
    source: p.source,
  }));
  for (const p of selecting) {
    for (const rule of p.object.spec?.egress ?? []) {
      if (!portAllows(rule.ports, port, protocol)) continue;
      const to = rule.to ?? [];
      if (to.length === 0)
        return { verdict: 'allowed', evidence, note: `${p.object.metadata.name} allows all destinations` };
      for (const peer of to) {
        const block = peer.ipBlock;
        if (block === undefined) continue;
        if (cidrContains(block.cidr, ip) && !(block.except ?? []).some((e) => cidrContains(e, ip)))
          return { verdict: 'allowed', evidence, note: `${p.object.metadata.name} allows ${block.cidr}` };
      }
    }
  }
  return {
    verdict: 'blocked',
    evidence,
    note: `egress policy selects these pods and admits no route to ${ip}:${port}`,
  };
}
