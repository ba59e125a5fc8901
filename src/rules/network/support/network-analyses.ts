// Shared by the network rules: the reachability of the inventory and its endpoints, computed once per run.
import type { Inventory } from '../../../collect/inventory.js';
import type { NetworkPluginInfo } from '../../../analysis/network-plugin.js';
import {
  collectEndpoints,
  type EndpointSet,
  type WorkloadRef,
} from '../../../analysis/network-policy/endpoints.js';
import { computeReachability, type Reachability } from '../../../analysis/network-policy/reachability.js';
import type { Ref } from '../../../types.js';

interface Ctx {
  shared<T>(key: string, compute: (inv: Inventory) => T): T;
  networkPlugin(): NetworkPluginInfo;
}

export function reachabilityOf(ctx: Ctx): Reachability {
  const plugin = ctx.networkPlugin();
  return ctx.shared('reachability', (inv) => computeReachability(inv, { plugin }));
}

export function endpointsOf(ctx: Ctx): EndpointSet {
  return ctx.shared('network-endpoints', collectEndpoints);
}

export function workloadRef(w: WorkloadRef): Ref {
  return { kind: w.kind, namespace: w.namespace, name: w.name };
}

export function rec(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
