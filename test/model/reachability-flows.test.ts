// withReachability: reachability results become flows, aggregated per namespace pair by default.
import { describe, expect, it } from 'vitest';
import { deriveModel, withReachability, type WorkloadConnection } from '../../src/model/index.js';
import { deployment, inventoryOf } from './inventory-of.js';

const base = deriveModel(inventoryOf([deployment('a', 'x'), deployment('a', 'y'), deployment('b', 'z')]));
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
    to: { cidr: '0.0.0.0/0' },
    connections: 'All Connections',
  },
];

describe('withReachability', () => {
  it('aggregates per namespace pair', () => {
    const m = withReachability(base, { connections: conns, enforcement: 'enforces (calico)' });
    const f = m.flows.find((x) => x.from === 'namespace-workloads:a' && x.to === 'namespace-workloads:b')!;
    expect(f.count).toBe(2);
    expect(f.evidence[0]?.note).toMatch(/TCP 80; TCP 8080/);
    expect(m.flows.some((x) => x.to === 'external:address:0.0.0.0/0')).toBe(true);
    expect(m.reachability).toEqual({
      state: 'computed',
      granularity: 'namespace',
      enforcement: 'enforces (calico)',
    });
    expect(m.components.find((c) => c.id === 'namespace-workloads:a')?.zone).toBe('namespace:a');
  });

  it('keeps workload pairs with detail', () => {
    const m = withReachability(base, { connections: conns, enforcement: 'unknown' }, 'workload');
    expect(m.flows.filter((x) => x.to === 'workload:b/Deployment/z').map((x) => x.from)).toEqual([
      'workload:a/Deployment/x',
      'workload:a/Deployment/y',
    ]);
  });
});
