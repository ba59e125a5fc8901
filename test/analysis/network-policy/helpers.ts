// Builders for reachability tests: small clusters as plain objects, an Inventory around them, and connlist lines.
import { Inventory, type KubeObject } from '../../../src/collect/inventory.js';
import { computeReachability } from '../../../src/analysis/network-policy/reachability.js';
import { renderConnlist } from '../../../src/report/reach/index.js';
import type { NetworkPluginInfo } from '../../../src/analysis/network-plugin.js';

export const UNKNOWN_PLUGIN: NetworkPluginInfo = {
  plugin: 'unknown',
  enforces: 'unknown',
  evidence: [],
  detected: [],
};

export function inventoryOf(objects: readonly KubeObject[]): Inventory {
  return new Inventory({
    cluster: { name: 'test' },
    items: objects.map((object, i) => ({ object, source: { file: 'test.yaml', line: i + 1 } })),
    coverage: { mode: 'manifests', resources: [], facts: [] },
  });
}

export function ns(name: string, labels: Record<string, string> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

export interface PodOptions {
  labels?: Record<string, string>;
  ports?: { name?: string; containerPort: number; protocol?: string }[];
  owner?: { kind: string; name: string };
}

export function pod(namespace: string, name: string, o: PodOptions = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      labels: o.labels ?? {},
      ...(o.owner ? { ownerReferences: [{ ...o.owner, controller: true }] } : {}),
    },
    spec: { containers: [{ name: 'c', image: 'x', ports: o.ports ?? [] }] },
  };
}

export function netpol(namespace: string, name: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace }, spec };
}

export function anp(name: string, spec: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'policy.networking.k8s.io/v1alpha1',
    kind: 'AdminNetworkPolicy',
    metadata: { name },
    spec,
  };
}

export function banp(spec: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'policy.networking.k8s.io/v1alpha1',
    kind: 'BaselineAdminNetworkPolicy',
    metadata: { name: 'default' },
    spec,
  };
}

/** The connlist lines ktm prints for these objects (declared view). */
export function connlist(objects: readonly KubeObject[]): string[] {
  const reach = computeReachability(inventoryOf(objects), { plugin: UNKNOWN_PLUGIN });
  return renderConnlist({
    view: 'declared',
    connections: reach.connections('declared'),
    plugin: reach.plugin,
    inert: false,
  })
    .split('\n')
    .filter((l) => l !== '');
}

/** The connection text between two peers, or undefined when none is listed. */
export function conn(lines: readonly string[], src: string, dst: string): string | undefined {
  const prefix = `${src} => ${dst} : `;
  return lines.find((l) => l.startsWith(prefix))?.slice(prefix.length);
}

export const CILIUM_PLUGIN: NetworkPluginInfo = {
  plugin: 'cilium',
  enforces: 'yes',
  evidence: [],
  detected: [{ plugin: 'cilium', enforces: 'yes', reason: 'the Cilium agent enforces NetworkPolicy' }],
};

export const CALICO_PLUGIN: NetworkPluginInfo = {
  plugin: 'calico',
  enforces: 'yes',
  evidence: [],
  detected: [{ plugin: 'calico', enforces: 'yes', reason: 'calico-node (Felix) enforces NetworkPolicy' }],
};

export function cnp(namespace: string, name: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'cilium.io/v2', kind: 'CiliumNetworkPolicy', metadata: { name, namespace }, spec };
}

export function ccnp(name: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'cilium.io/v2', kind: 'CiliumClusterwideNetworkPolicy', metadata: { name }, spec };
}

/** A Calico NetworkPolicy, as read (filed as CalicoNetworkPolicy by the collector). */
export function calicoNp(namespace: string, name: string, spec: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'projectcalico.org/v3',
    kind: 'CalicoNetworkPolicy',
    metadata: { name, namespace },
    spec,
  };
}

export function gnp(name: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'projectcalico.org/v3', kind: 'GlobalNetworkPolicy', metadata: { name }, spec };
}

export function tier(name: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'projectcalico.org/v3', kind: 'Tier', metadata: { name }, spec };
}

/** The connlist lines for these objects on a cluster running `plugin` (effective view unless said). */
export function connlistOn(
  plugin: NetworkPluginInfo,
  objects: readonly KubeObject[],
  view: 'declared' | 'effective' = 'effective',
): string[] {
  const reach = computeReachability(inventoryOf(objects), { plugin });
  return renderConnlist({ view, connections: reach.connections(view), plugin: reach.plugin, inert: false })
    .split('\n')
    .filter((l) => l !== '');
}
