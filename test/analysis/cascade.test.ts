// Cascade on the example cluster: etcd, a fail-closed webhook, CoreDNS and a worker node stopping.
import { modelOf } from '../../src/analysis/analyses.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/collect/load.js';
import type { Inventory, KubeObject } from '../../src/collect/inventory.js';
import { inventoryOf } from '../model/inventory-of.js';
import type { Model } from '../../src/model/types.js';
import { computeCascade, UnknownTargetError } from '../../src/analysis/cascade.js';

describe('cascade on the example cluster', () => {
  let inv: Inventory;
  let model: Model;
  beforeAll(async () => {
    inv = await loadInventory({ kind: 'demo' });
    model = modelOf(inv);
  });

  it('etcd down takes the API server and freezes everything that needs it', () => {
    const r = computeCascade(model, inv, 'etcd:lab-cp-1');
    expect(r.fails.map((f) => f.component)).toContain('kube-apiserver');
    const api = r.fails.find((f) => f.component === 'kube-apiserver')!;
    expect(api.reason).toContain('etcd quorum lost');
    expect(api.chain).toEqual(['etcd:lab-cp-1', 'kube-apiserver']);
    const scheduler = r.degraded.find((d) => d.component === 'kube-scheduler')!;
    expect(scheduler.chain).toEqual(['etcd:lab-cp-1', 'kube-apiserver', 'kube-scheduler']);
    expect(r.degraded.find((d) => d.component === 'kubelet:lab-worker-1')?.reason).toContain(
      'running pods keep running',
    );
    // Application pods keep serving: they do not need the API server to answer requests.
    expect(r.fails.map((f) => f.component)).not.toContain('workload:shop/Deployment/storefront');
    expect(r.fails.map((f) => f.component)).not.toContain('workload:payments/Deployment/payments-api');
  });

  it('payments down: orders (its readiness probe checks payments-api) fails, storefront (calls orders) degrades', () => {
    const r = computeCascade(model, inv, 'payments');
    const orders = r.fails.find((f) => f.component === 'workload:shop/Deployment/orders')!;
    expect(orders.reason).toContain('readiness probe checks payments/payments-api');
    expect(r.fails.map((f) => f.component)).toContain('service:shop/orders');
    const storefront = r.degraded.find((d) => d.component === 'workload:shop/Deployment/storefront')!;
    expect(storefront.reason).toContain('env ORDERS_URL');
    expect(storefront.chain).toEqual([
      'service:payments/payments-api',
      'workload:shop/Deployment/orders',
      'service:shop/orders',
      'workload:shop/Deployment/storefront',
    ]);
  });

  it('the shop database down degrades storefront, which names it in DB_HOST', () => {
    const r = computeCascade(model, inv, 'shop-db');
    expect(r.degraded.map((d) => d.component)).toEqual(['workload:shop/Deployment/storefront']);
  });

  it('the policy webhook intercepts node heartbeats and leader-election leases', () => {
    const r = computeCascade(model, inv, 'policy-webhook');
    expect(r.blockedWrites.join('\n')).toContain(
      "intercepts the kubelets' Lease renewals in kube-node-lease",
    );
    expect(r.blockedWrites.join('\n')).toContain('intercepts the leader-election Leases in kube-system');
    for (const k of ['kubelet:lab-cp-1', 'kubelet:lab-worker-1', 'kubelet:lab-worker-2'])
      expect(r.degraded.find((d) => d.component === k)?.reason).toContain('heartbeats');
    expect(r.degraded.find((d) => d.component === 'kube-controller-manager')?.reason).toContain(
      'leader-election Lease',
    );
  });

  it('the fail-closed policy webhook down blocks the writes it matches, including its own recovery', () => {
    const r = computeCascade(model, inv, 'workload:policy-system/Deployment/policy-webhook');
    expect(r.fails.map((f) => f.component)).toContain('service:policy-system/policy-webhook');
    expect(r.blockedWrites.join('\n')).toContain('validate.policy.lab.example');
    expect(r.blockedWrites.join('\n')).toContain(
      'matches its own pods: it cannot be recreated until ValidatingWebhookConfiguration/policy-webhook is deleted',
    );
    expect(r.degraded.find((d) => d.component === 'workload:shop/Deployment/storefront')?.chain).toEqual([
      'workload:policy-system/Deployment/policy-webhook',
      'service:policy-system/policy-webhook',
      'kube-apiserver',
      'workload:shop/Deployment/storefront',
    ]);
    expect(r.degraded.find((d) => d.component === 'kube-apiserver')?.reason).toContain('fails closed');
  });

  it('CoreDNS down breaks the workloads that resolve names', () => {
    const r = computeCascade(model, inv, 'workload:kube-system/Deployment/coredns');
    const dns = r.fails.filter((f) => f.reason.includes('cluster DNS is down'));
    expect(dns.map((f) => f.component)).toContain('workload:shop/Deployment/storefront');
    expect(dns.every((f) => f.chain[0] === 'workload:kube-system/Deployment/coredns')).toBe(true);
  });

  it('a worker node down takes the workloads whose replicas all sit there', () => {
    const r = computeCascade(model, inv, 'lab-worker-1');
    expect(r.stoppedNodes).toEqual(['lab-worker-1']);
    expect(r.stopped).toEqual(['kube-proxy:lab-worker-1', 'kubelet:lab-worker-1']);
    expect(r.fails.find((f) => f.component === 'runtime:lab-worker-1')?.chain).toEqual([
      'lab-worker-1',
      'runtime:lab-worker-1',
    ]);
    // Every CoreDNS replica sits on lab-worker-1: the node takes cluster DNS, and name resolution, with it.
    expect(r.fails.find((f) => f.component === 'workload:kube-system/Deployment/coredns')?.reason).toContain(
      'lab-worker-1',
    );
    for (const f of r.fails.filter(
      (x) => x.reason.includes('sits on') || x.reason.includes('runs only on'),
    )) {
      const c = model.components.find((m) => m.id === f.component)!;
      expect(c.nodes.every((n) => n === 'lab-worker-1')).toBe(true);
    }
    for (const id of r.keepsRunning) {
      const c = model.components.find((m) => m.id === id)!;
      expect(c.nodes.length === 0 || c.nodes.some((n) => n !== 'lab-worker-1')).toBe(true);
    }
  });

  it('resolves zones by name and rejects unknown targets', () => {
    const r = computeCascade(model, inv, 'Master Data');
    expect(r.stopped).toEqual(['etcd:lab-cp-1']);
    expect(() => computeCascade(model, inv, 'no-such-thing')).toThrow(UnknownTargetError);
  });
});

describe('a fail-closed webhook and the heartbeats it intercepts', () => {
  const objects = (namespaceSelector: Record<string, unknown>): KubeObject[] => [
    { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'guard', namespace: 'guard' },
      spec: {
        selector: { matchLabels: { app: 'guard' } },
        template: {
          metadata: { labels: { app: 'guard' } },
          spec: { containers: [{ name: 'g', image: 'g:1' }] },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'guard', namespace: 'guard' },
      spec: { selector: { app: 'guard' }, ports: [{ port: 443 }] },
    },
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: 'guard' },
      webhooks: [
        {
          name: 'leases.guard.example',
          failurePolicy: 'Fail',
          clientConfig: { service: { name: 'guard', namespace: 'guard' } },
          rules: [
            {
              apiGroups: ['coordination.k8s.io'],
              apiVersions: ['v1'],
              operations: ['UPDATE'],
              resources: ['leases'],
            },
          ],
          namespaceSelector,
        },
      ],
    },
  ];
  const run = (namespaceSelector: Record<string, unknown>) => {
    const inv = inventoryOf(objects(namespaceSelector));
    return computeCascade(modelOf(inv), inv, 'workload:guard/Deployment/guard');
  };

  it('lease renewals in kube-node-lease rejected: the kubelets degrade, the node turns NotReady', () => {
    const r = run({});
    expect(r.degraded.find((d) => d.component === 'kubelet:n1')?.reason).toContain('heartbeats');
    expect(r.blockedWrites.join('\n')).toContain('Lease renewals in kube-node-lease');
  });

  it('a namespaceSelector that leaves out kube-node-lease spares the heartbeats', () => {
    const r = run({
      matchExpressions: [
        { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-node-lease', 'kube-system'] },
      ],
    });
    expect(r.degraded.map((d) => d.component)).not.toContain('kubelet:n1');
    expect(r.blockedWrites.join('\n')).not.toContain('kube-node-lease');
    expect(r.blockedWrites.join('\n')).not.toContain('leader-election');
  });
});
