// Adds workload → workload and workload → external flows to a Model from a reachability result (issue 3).
import { ev, flowId } from './builder.js';
import type { Component, Flow, Model } from './types.js';

/**
 * One allowed connection as the reachability engine reports it: a workload (component id) or an external range
 * to a workload or an external range, with the allowed connections in netpol-analyzer's words
 * (`All Connections`, `TCP 80,UDP 53`).
 */
export interface WorkloadConnection {
  readonly from: { readonly workload: string; readonly namespace: string } | { readonly cidr: string };
  readonly to: { readonly workload: string; readonly namespace: string } | { readonly cidr: string };
  readonly connections: string;
}

export interface ReachabilityResult {
  readonly connections: readonly WorkloadConnection[];
  /** enforces / does not enforce / unknown, with the plugin's name. */
  readonly enforcement: string;
}

const externalId = (cidr: string): string => `external:address:${cidr}`;

/**
 * Returns a model with the reachability flows added. `namespace` granularity (the default) folds every workload
 * pair of two namespaces into one flow between their `namespace-workloads` components, so a cluster that allows
 * everything still yields at most namespaces² flows; `workload` keeps each pair.
 */
export function withReachability(
  model: Model,
  result: ReachabilityResult,
  granularity: 'namespace' | 'workload' = 'namespace',
): Model {
  const components = new Map(model.components.map((c) => [c.id, c]));
  const flows = new Map(model.flows.map((f) => [f.id, f]));
  const endpoint = (e: WorkloadConnection['from']): string | undefined => {
    if ('cidr' in e) {
      const id = externalId(e.cidr);
      if (!components.has(id))
        components.set(id, {
          id,
          name: e.cidr,
          kind: { type: 'external', actor: 'external-address', address: e.cidr },
          zone: 'internet',
          nodes: [],
          refs: [],
          listens: [],
        });
      return id;
    }
    if (granularity === 'workload') return components.has(e.workload) ? e.workload : undefined;
    const id = `namespace-workloads:${e.namespace}`;
    if (!components.has(id)) {
      const c: Component = {
        id,
        name: `workloads in ${e.namespace}`,
        kind: { type: 'namespace-workloads', namespace: e.namespace },
        zone: `namespace:${e.namespace}`,
        nodes: [],
        refs: [{ kind: 'Namespace', name: e.namespace }],
        listens: [],
      };
      components.set(id, c);
    }
    return id;
  };
  const counts = new Map<string, { flow: Flow; n: number; conns: Set<string> }>();
  for (const c of result.connections) {
    const from = endpoint(c.from);
    const to = endpoint(c.to);
    if (from === undefined || to === undefined || from === to) continue;
    const init = { from, to, protocol: 'tcp', purpose: 'allowed by network policy' };
    const id = flowId(init);
    const entry = counts.get(id);
    if (entry !== undefined) {
      entry.n++;
      entry.conns.add(c.connections);
      continue;
    }
    counts.set(id, {
      n: 1,
      conns: new Set([c.connections]),
      flow: { id, ...init, tls: 'unknown', authn: 'unknown', evidence: [] },
    });
  }
  for (const { flow, n, conns } of counts.values()) {
    flows.set(flow.id, {
      ...flow,
      count: n,
      evidence: [ev('flow', [], `reachability (${result.enforcement}): ${[...conns].sort().join('; ')}`)],
    });
  }
  return {
    ...model,
    components: [...components.values()].sort((a, b) => a.id.localeCompare(b.id)),
    flows: [...flows.values()].sort((a, b) => a.id.localeCompare(b.id)),
    reachability: { state: 'computed', granularity, enforcement: result.enforcement },
  };
}
