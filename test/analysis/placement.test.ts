// Placement: control-plane nodes open to workloads, replicas on one node or zone, escape-capable neighbours, quotas.
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/collect/load.js';
import { analysePlacement, type Placement } from '../../src/analysis/placement.js';
import { buildPrivilegeGraph } from '../../src/analysis/privilege/build-graph.js';

const fixture = path.join(import.meta.dirname, '../fixtures/placement/cluster.yaml');

describe('placement', () => {
  let p: Placement;
  beforeAll(async () => {
    const inv = await loadInventory({ kind: 'paths', paths: [fixture] });
    p = analysePlacement(inv, buildPrivilegeGraph(inv));
  });

  it('finds the untainted control-plane node', () => {
    expect(p.controlPlaneNodes).toBe(1);
    expect(p.nodes.find((n) => n.name === 'cp-1')).toMatchObject({
      controlPlane: true,
      openToWorkloads: true,
    });
    expect(p.nodes.find((n) => n.name === 'w-1')).toMatchObject({
      controlPlane: false,
      openToWorkloads: false,
    });
  });

  it('sees replicas on one node and replicas in one zone', () => {
    const api = p.workloads.find((w) => w.id === 'workload:shop/Deployment/api')!;
    expect(api).toMatchObject({ replicas: 2, pods: 2, nodes: ['w-1'], singleNode: true, singleZone: true });
    expect(api.disruptionBudget).toBeUndefined();
    const db = p.workloads.find((w) => w.id === 'workload:payments/Deployment/db')!;
    expect(db).toMatchObject({ nodes: ['w-1', 'w-2'], singleNode: false, singleZone: true });
    expect(db.disruptionBudget).toEqual({ kind: 'PodDisruptionBudget', namespace: 'payments', name: 'db' });
  });

  it('marks workloads that tolerate and run on the control plane', () => {
    const agent = p.workloads.find((w) => w.id === 'workload:monitoring/DaemonSet/agent')!;
    expect(agent).toMatchObject({ toleratesControlPlane: true, onControlPlane: true });
    expect(p.workloads.find((w) => w.id === 'workload:shop/Deployment/api')!.toleratesControlPlane).toBe(
      false,
    );
  });

  it('puts a privileged pod beside other namespaces and the control plane', () => {
    expect(p.nodes.find((n) => n.name === 'w-1')!.escapeCapable).toEqual([
      'workload:monitoring/DaemonSet/agent',
    ]);
    expect(p.colocations).toEqual([
      { node: 'cp-1', workload: 'workload:monitoring/DaemonSet/agent', neighbours: [], controlPlane: true },
      {
        node: 'w-1',
        workload: 'workload:monitoring/DaemonSet/agent',
        neighbours: ['workload:payments/Deployment/db', 'workload:shop/Deployment/api'],
        controlPlane: false,
      },
    ]);
  });

  it('reports namespaces without quotas or limits', () => {
    expect(p.capacity).toEqual([
      {
        namespace: 'monitoring',
        workloads: 1,
        resourceQuota: false,
        limitRange: false,
        containersWithoutLimits: 1,
      },
      {
        namespace: 'payments',
        workloads: 1,
        resourceQuota: true,
        limitRange: false,
        containersWithoutLimits: 1,
      },
      {
        namespace: 'shop',
        workloads: 1,
        resourceQuota: false,
        limitRange: false,
        containersWithoutLimits: 0,
      },
    ]);
  });

  it('without a privilege graph, nothing is escape-capable', async () => {
    const inv = await loadInventory({ kind: 'paths', paths: [fixture] });
    expect(analysePlacement(inv).colocations).toEqual([]);
  });
});
