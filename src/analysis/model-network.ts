// The reachability engine's answer in the model's words: allowed workload connections for the model's flows.
import type { ReachabilityResult, WorkloadConnection } from '../model/reachability-flows.js';
import { workloadId } from '../model/workloads.js';
import { formatConns } from './network-policy/conn-set.js';
import { peerName, type Reachability } from './network-policy/reachability.js';

/**
 * The reachability engine's effective connections as WorkloadConnections. Peers the model does not draw as
 * workloads (the stand-in ingress controller, control-plane static pods) are left out; a Deployment's
 * ReplicaSet seen without its ReplicaSet object is mapped back to the Deployment.
 */
export function connectionsFrom(
  reach: Reachability,
  hasComponent: (id: string) => boolean,
): ReachabilityResult {
  const resolve = (p: Parameters<typeof peerName>[0]): WorkloadConnection['from'] | undefined => {
    if (p.kind === 'ingress-controller') return undefined;
    if (p.kind === 'external') return { range: peerName(p).replace(/\[External\]$/, '') };
    const w = p.workload;
    const direct = workloadId(w.namespace, w.kind, w.name);
    if (hasComponent(direct)) return { workload: direct, namespace: w.namespace };
    if (w.kind === 'ReplicaSet') {
      const dep = workloadId(w.namespace, 'Deployment', w.name.replace(/-[a-z0-9]+$/, ''));
      if (hasComponent(dep)) return { workload: dep, namespace: w.namespace };
    }
    return undefined;
  };
  const connections: WorkloadConnection[] = [];
  for (const c of reach.connections('effective')) {
    const from = resolve(c.src);
    const to = resolve(c.dst);
    if (from === undefined || to === undefined) continue;
    connections.push({ from, to, connections: formatConns(c.conns) });
  }
  const p = reach.plugin;
  const enforcement =
    p.enforces === 'yes'
      ? `enforced by ${p.plugin}`
      : p.enforces === 'no'
        ? `not enforced (${p.plugin}): every connection is open`
        : `enforcement unknown (${p.plugin})`;
  return { connections, enforcement };
}
