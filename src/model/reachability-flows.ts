// Workload → workload and workload → external flows from the reachability engine, aggregated per namespace pair by default.
import { ev, flowId, type ModelBuilder } from './builder.js';
import type { Component } from './types.js';

/**
 * One allowed connection: a workload (component id and namespace) or an external range to a workload or an
 * external range, with the allowed connections in netpol-analyzer's words (`All Connections`, `TCP 80,UDP 53`).
 */
export interface WorkloadConnection {
  readonly from: { readonly workload: string; readonly namespace: string } | { readonly range: string };
  readonly to: { readonly workload: string; readonly namespace: string } | { readonly range: string };
  readonly connections: string;
}

export interface ReachabilityResult {
  readonly connections: readonly WorkloadConnection[];
  /** `enforces (calico)`, `does not enforce (flannel)`, `unknown`. */
  readonly enforcement: string;
}

export type ReachabilityGranularity = 'namespace' | 'workload';

const externalId = (range: string): string => `external:address:${range}`;

/**
 * Adds the reachability flows to a model being built. `namespace` granularity folds every workload pair of two
 * namespaces into one flow between their `namespace-workloads` components, so a cluster that allows everything
 * still yields at most namespaces² flows; `workload` keeps each pair.
 */
export function addReachabilityFlows(
  b: ModelBuilder,
  result: ReachabilityResult,
  granularity: ReachabilityGranularity,
): void {
  const endpoint = (e: WorkloadConnection['from']): string | undefined => {
    if ('range' in e) {
      const id = externalId(e.range);
      b.addComponent({
        id,
        name: e.range,
        kind: { type: 'external', actor: 'external-address', address: e.range },
        zone: 'internet',
        nodes: [],
        refs: [],
        listens: [],
      });
      return id;
    }
    if (!b.has(e.workload)) return undefined;
    if (granularity === 'workload') return e.workload;
    const id = `namespace-workloads:${e.namespace}`;
    const c: Component = {
      id,
      name: `workloads in ${e.namespace}`,
      kind: { type: 'namespace-workloads', namespace: e.namespace },
      zone: `namespace:${e.namespace}`,
      nodes: [],
      refs: [{ kind: 'Namespace', name: e.namespace }],
      listens: [],
    };
    b.addComponent(c);
    return id;
  };
  const merged = new Map<
    string,
    { from: string; to: string; n: number; conns: Set<string>; examples: string[] }
  >();
  for (const c of result.connections) {
    const from = endpoint(c.from);
    const to = endpoint(c.to);
    if (from === undefined || to === undefined || from === to) continue;
    const id = flowId({ from, to, protocol: 'ip', purpose: 'allowed by network policy' });
    const entry = merged.get(id) ?? { from, to, n: 0, conns: new Set<string>(), examples: [] };
    entry.n++;
    entry.conns.add(c.connections);
    if (entry.examples.length < 3 && 'workload' in c.from && 'workload' in c.to)
      entry.examples.push(`${c.from.workload} → ${c.to.workload}`);
    merged.set(id, entry);
  }
  for (const e of merged.values()) {
    const conns = [...e.conns].sort();
    b.addFlow({
      from: e.from,
      to: e.to,
      protocol: 'ip',
      tls: 'unknown',
      authn: 'unknown',
      purpose: 'allowed by network policy',
      policy: 'allowed',
      ...(e.n > 1 ? { count: e.n } : {}),
      evidence: [
        ev(
          'policy',
          [],
          `${result.enforcement}: ${conns.slice(0, 5).join('; ')}${conns.length > 5 ? '; …' : ''}${e.examples.length > 0 ? ` (e.g. ${e.examples.join(', ')})` : ''}`,
        ),
        ev('tls', [], 'application protocol: TLS is not visible in the configuration'),
      ],
    });
  }
}
