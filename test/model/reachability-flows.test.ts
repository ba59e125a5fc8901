// Workload → workload flows from the reachability engine: per namespace pair by default, per workload pair on request.
import { modelOf } from '../../src/analysis/analyses.js';
import { describe, expect, it } from 'vitest';
import { ModelBuilder } from '../../src/model/builder.js';
import { addReachabilityFlows, type WorkloadConnection } from '../../src/model/index.js';
import { deployment, inventoryOf } from './inventory-of.js';

const conns: WorkloadConnection[] = [
  {
    from: { workload: 'workload:a/Deployment/x', namespace: 'a' },
    to: { workload: 'workload:b/Deployment/z', namespace: 'b' },
    connections: 'TCP 80',
  },
  {
    from: { workload: 'workload:a/Deployment/y', namespace: 'a' },
    to: { workload: 'workload:b/Deployment/z', namespace: 'b' },
    connections: 'TCP 8080',
  },
  {
    from: { workload: 'workload:b/Deployment/z', namespace: 'b' },
    to: { range: '0.0.0.0-255.255.255.255' },
    connections: 'All Connections',
  },
  {
    from: { workload: 'workload:gone/Pod/p', namespace: 'gone' },
    to: { range: '1.1.1.1' },
    connections: 'TCP 1',
  },
];

function builderWithWorkloads(): ModelBuilder {
  const b = new ModelBuilder();
  for (const id of ['workload:a/Deployment/x', 'workload:a/Deployment/y', 'workload:b/Deployment/z']) {
    const [ns, kind, name] = id.slice('workload:'.length).split('/') as [string, 'Deployment', string];
    b.addComponent({
      id,
      name: `${ns}/${name}`,
      kind: {
        type: 'workload',
        owner: kind,
        namespace: ns,
        name,
        pods: 0,
        roles: [],
        serviceAccount: 'default',
      },
      zone: `namespace:${ns}`,
      nodes: [],
      refs: [],
      listens: [],
    });
  }
  return b;
}

describe('addReachabilityFlows', () => {
  it('aggregates per namespace pair and skips peers the model does not draw', () => {
    const b = builderWithWorkloads();
    addReachabilityFlows(b, { connections: conns, enforcement: 'enforced by calico' }, 'namespace');
    const flows = [...b.flows.values()];
    const ab = flows.find((f) => f.from === 'namespace-workloads:a' && f.to === 'namespace-workloads:b')!;
    expect(ab.count).toBe(2);
    expect(ab.evidence[0]?.note).toMatch(/^enforced by calico: TCP 80; TCP 8080/);
    expect(flows.some((f) => f.to === 'external:address:0.0.0.0-255.255.255.255')).toBe(true);
    expect(flows.some((f) => f.to === 'external:address:1.1.1.1')).toBe(false);
    expect(b.components.get('namespace-workloads:a')?.zone).toBe('namespace:a');
  });

  it('keeps workload pairs with workload granularity', () => {
    const b = builderWithWorkloads();
    addReachabilityFlows(b, { connections: conns, enforcement: 'unknown' }, 'workload');
    expect(
      [...b.flows.values()].filter((f) => f.to === 'workload:b/Deployment/z').map((f) => f.from),
    ).toEqual(['workload:a/Deployment/x', 'workload:a/Deployment/y']);
  });
});

describe('deriveModel with reachability', () => {
  const objects = [
    deployment('a', 'x'),
    deployment('b', 'z'),
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'deny', namespace: 'b' },
      spec: { podSelector: {}, policyTypes: ['Ingress'] },
    },
  ];

  it('draws what the policies allow: nothing into a default-deny namespace', () => {
    const m = modelOf(inventoryOf(objects));
    expect(m.reachability).toMatchObject({ state: 'computed', granularity: 'namespace' });
    const pairs = m.flows
      .filter((f) => f.purpose === 'allowed by network policy')
      .map((f) => `${f.from} ${f.to}`);
    expect(pairs).toContain('namespace-workloads:b namespace-workloads:a');
    expect(pairs).not.toContain('namespace-workloads:a namespace-workloads:b');
    // Boundary flows include them: namespace a receives from namespace b.
    const a = m.zones.find((z) => z.id === 'namespace:a')!;
    expect(a.boundaryFlows.some((x) => x.direction === 'inbound' && x.peerZone === 'namespace:b')).toBe(true);
  });

  it('can be turned off, and stops above the workload limit with a reason', () => {
    expect(modelOf(inventoryOf(objects), { reachability: 'off' }).reachability.state).toBe('not-computed');
    const capped = modelOf(inventoryOf(objects), { maxReachabilityWorkloads: 1 }).reachability;
    expect(capped.state === 'not-computed' && capped.reason).toMatch(/2 workloads/);
  });
});
