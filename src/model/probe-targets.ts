// The endpoints of the data-flow model that `ktm probe` contacts, resolved to addresses; nothing else is ever probed.
import net from 'node:net';
import type { Inventory } from '../collect/inventory.js';
import type { HostPort } from '../collect/probe/addresses.js';
import type { ProbeTarget, ProbeTargetKind, SkippedTarget } from '../collect/probe/types.js';
import { KtmError } from '../errors.js';
import type { Component, Endpoint, Model } from './types.js';

export interface ProbePlan {
  readonly targets: readonly ProbeTarget[];
  readonly skipped: readonly SkippedTarget[];
}

function isLoopback(address: string): boolean {
  const h = address
    .replace(/:\d+$/, '')
    .replace(/^\[|\]$/g, '')
    .toLowerCase();
  return h === 'localhost' || h === '::1' || h.startsWith('127.');
}

function endpointKind(c: Component, e: Endpoint): ProbeTargetKind | undefined {
  const k = c.kind;
  if (k.type === 'control-plane') {
    if (k.process === 'kube-apiserver') return 'kube-apiserver';
    if (k.process === 'etcd') return /peer/i.test(e.purpose) ? 'etcd-peer' : 'etcd-client';
    if (k.process === 'kube-scheduler') return 'kube-scheduler';
    if (k.process === 'kube-controller-manager') return 'kube-controller-manager';
    return undefined;
  }
  if (k.type === 'node-agent') {
    if (k.agent === 'kubelet')
      return e.port === 10250 ? 'kubelet' : /read-only/i.test(e.purpose) ? 'kubelet-read-only' : undefined;
    if (k.agent === 'kube-proxy')
      return /health/i.test(e.purpose) ? 'kube-proxy-health' : 'kube-proxy-metrics';
  }
  return undefined;
}

/** A node's address: InternalIP first, then ExternalIP. */
function nodeAddresses(inv: Inventory): Map<string, string> {
  const out = new Map<string, string>();
  for (const { object: n } of inv.ofKind('Node')) {
    const addrs = n.status?.addresses ?? [];
    const a = addrs.find((x) => x.type === 'InternalIP') ?? addrs.find((x) => x.type === 'ExternalIP');
    if (a !== undefined && net.isIP(a.address) !== 0) out.set(n.metadata.name, a.address);
  }
  return out;
}

function serviceIp(inv: Inventory, namespace: string, name: string): string | undefined {
  const ip = inv.get('Service', namespace, name)?.object.spec?.clusterIP;
  return ip !== undefined && net.isIP(ip) !== 0 ? ip : undefined;
}

/** Plans targets from the model: control-plane and node-agent listeners, webhooks, aggregated APIs, NodePorts. */
export function planProbeTargets(
  model: Model,
  inv: Inventory,
  probeMap?: ReadonlyMap<string, HostPort>,
): ProbePlan {
  const nodes = nodeAddresses(inv);
  const planned: ProbeTarget[] = [];
  const skipped: SkippedTarget[] = [];
  const add = (
    t: Omit<ProbeTarget, 'host' | 'port'> & { host?: string; port: number },
    unresolved: string,
  ): void => {
    if (t.host === undefined) skipped.push({ id: t.id, reason: unresolved });
    else planned.push({ ...t, host: t.host });
  };

  for (const c of model.components) {
    for (const e of c.listens) {
      if (e.port === undefined) continue;
      const kind = endpointKind(c, e);
      if (kind === undefined) continue;
      for (const node of c.nodes) {
        const id =
          c.nodes.length > 1 && !c.id.includes(node) ? `${c.id}@${node}:${e.port}` : `${c.id}:${e.port}`;
        const binds = (e.bindAddress ?? '')
          .split(',')
          .map((b) => b.trim())
          .filter(Boolean);
        if (binds.length > 0 && binds.every(isLoopback)) {
          skipped.push({
            id,
            reason: `bound to the node's loopback (${e.bindAddress ?? ''}): reachable only on ${node}`,
          });
          continue;
        }
        add(
          {
            id,
            kind,
            port: e.port,
            serverName: node,
            component: c.id,
            endpointPort: e.port,
            purpose: e.purpose,
            ...(nodes.has(node) ? { host: nodes.get(node)! } : {}),
          },
          `node ${node} has no InternalIP or ExternalIP in the input`,
        );
      }
    }
  }

  // Webhooks and aggregated APIs: the API server calls them; their Service's ClusterIP (or the webhook URL) is the address.
  for (const f of model.flows) {
    const isWebhook = f.webhook !== undefined;
    const isAggregated = f.from === 'kube-apiserver' && f.purpose.startsWith('aggregated API');
    if (!(isWebhook || isAggregated) || f.port === undefined) continue;
    const to = model.components.find((c) => c.id === f.to);
    if (to === undefined) continue;
    const id = `${to.id}:${f.port}`;
    if (planned.some((t) => t.id === id) || skipped.some((s) => s.id === id)) continue;
    const kind: ProbeTargetKind = isWebhook ? 'webhook' : 'aggregated-api';
    const base = { id, kind, port: f.port, component: to.id, endpointPort: f.port, purpose: f.purpose };
    if (to.kind.type === 'service') {
      const ip = serviceIp(inv, to.kind.namespace, to.kind.name);
      add(
        {
          ...base,
          serverName: `${to.kind.name}.${to.kind.namespace}.svc`,
          ...(ip === undefined ? {} : { host: ip }),
        },
        'the Service has no ClusterIP in the input',
      );
    } else if (to.kind.type === 'external' && to.kind.address !== undefined) {
      const url = URL.canParse(to.kind.address) ? new URL(to.kind.address) : undefined;
      const host = url?.hostname.replace(/^\[|\]$/g, '');
      add({ ...base, ...(host ? { host, serverName: host } : {}) }, 'the webhook URL has no host');
    }
  }

  // NodePorts: every node's address on the Service's node port.
  for (const c of model.components) {
    if (c.kind.type !== 'service' || !['NodePort', 'LoadBalancer'].includes(c.kind.serviceType)) continue;
    const svc = inv.get('Service', c.kind.namespace, c.kind.name)?.object;
    for (const p of svc?.spec?.ports ?? []) {
      if (p.nodePort === undefined || (p.protocol ?? 'TCP') !== 'TCP') continue;
      for (const [node, host] of [...nodes].sort(([a], [b]) => a.localeCompare(b)))
        planned.push({
          id: `${c.id}:${p.nodePort}@${node}`,
          kind: 'node-port',
          host,
          port: p.nodePort,
          component: c.id,
          endpointPort: p.port,
          purpose: `NodePort ${p.nodePort} on ${node}`,
        });
    }
  }

  const sortById = <T extends { id: string }>(xs: T[]): T[] => xs.sort((a, b) => a.id.localeCompare(b.id));
  if (probeMap === undefined) return { targets: sortById(planned), skipped: sortById(skipped) };
  // With a probe map, the map is the whole list of addresses: unmapped endpoints are not contacted.
  const ids = new Set([...planned, ...skipped].map((t) => t.id));
  const unknown = [...probeMap.keys()].filter((id) => !ids.has(id));
  if (unknown.length > 0)
    throw new KtmError(
      `probe map names endpoints the model does not have: ${unknown.slice(0, 5).join(', ')}`,
      '--probe-map',
      'list the endpoint ids with ktm probe --dry-run',
    );
  const mapped: ProbeTarget[] = [];
  for (const t of planned) {
    const hp = probeMap.get(t.id);
    if (hp === undefined) skipped.push({ id: t.id, reason: 'not in the probe map' });
    else mapped.push({ ...t, host: hp.host, port: hp.port });
  }
  return { targets: sortById(mapped), skipped: sortById(skipped) };
}
