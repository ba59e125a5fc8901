// deriveModel over a manifest fixture holding every flow kind: components, flows, evidence, workload grouping.
import { modelOf } from '../../src/analysis/analyses.js';
import { byCodeUnit } from '../../src/model/order.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/collect/load.js';
import { type Flow, type Model } from '../../src/model/index.js';

let model: Model;
const flow = (from: string, to: string, purpose?: string): Flow | undefined =>
  model.flows.find(
    (f) => f.from === from && f.to === to && (purpose === undefined || f.purpose.includes(purpose)),
  );

beforeAll(async () => {
  const inv = await loadInventory({ kind: 'paths', paths: ['test/fixtures/model/cluster'] });
  model = modelOf(inv, { tenantLabel: 'team' });
});

describe('components', () => {
  it('derives control-plane, per-node, add-on, workload and external components', () => {
    const ids = model.components.map((c) => c.id);
    for (const id of [
      'kube-apiserver',
      'etcd:cp-1',
      'kube-scheduler',
      'kube-controller-manager',
      'kubelet:worker-a1',
      'kube-proxy:worker-b1',
      'runtime:cp-1',
      'workload:kube-system/DaemonSet/calico-node',
      'workload:kube-system/Deployment/coredns',
      'workload:shop/Deployment/web',
      'workload:shop/StatefulSet/db',
      'workload:shop/CronJob/report',
      'workload:tools/Pod/debug',
      'service:shop/web',
      'ingress:shop/web',
      'gateway:tools/public',
      'external:internet',
      'external:administrators',
      'external:cloud-metadata',
    ])
      expect(ids, id).toContain(id);
    // kube-proxy is a node agent and control-plane mirror pods are control-plane components, not workloads.
    expect(ids).not.toContain('workload:kube-system/DaemonSet/kube-proxy');
    expect(ids.filter((i) => i.startsWith('workload:kube-system/Pod/'))).toEqual([]);
    expect(model.components.map((c) => c.id)).toEqual([...ids].sort());
  });

  it('groups pods under their top-level owner, through a missing ReplicaSet and through a Job', () => {
    const web = model.components.find((c) => c.id === 'workload:shop/Deployment/web')!;
    expect(web.kind.type === 'workload' && web.kind.pods).toBe(1);
    expect(web.nodes).toEqual(['worker-a1']);
    const report = model.components.find((c) => c.id === 'workload:shop/CronJob/report')!;
    expect(report.kind.type === 'workload' && report.kind.pods).toBe(1);
    expect(model.components.some((c) => c.id.startsWith('workload:shop/Job/'))).toBe(false);
  });

  it('recognises roles and puts network agents in the Worker zone', () => {
    const calico = model.components.find((c) => c.id === 'workload:kube-system/DaemonSet/calico-node')!;
    expect(calico.zone).toBe('worker');
    expect(calico.kind.type === 'workload' && calico.kind.plugin).toBe('calico');
    const hook = model.components.find((c) => c.id === 'workload:tools/Deployment/policy-webhook')!;
    expect(hook.kind.type === 'workload' && hook.kind.roles).toContain('admission-webhook');
    const metrics = model.components.find((c) => c.id === 'workload:kube-system/Deployment/metrics-server')!;
    expect(metrics.kind.type === 'workload' && metrics.kind.roles).toContain('aggregated-api');
  });

  it('keeps listeners without a known client as endpoints', () => {
    const kubelet = model.components.find((c) => c.id === 'kubelet:worker-a1')!;
    expect(kubelet.listens.map((l) => l.port)).toContain(10250);
    const etcd = model.components.find((c) => c.id === 'etcd:cp-1')!;
    expect(etcd.listens.map((l) => l.port)).toEqual([2379, 2380]);
  });
});

describe('flows', () => {
  it('draws the control-plane flows', () => {
    expect(flow('external:administrators', 'kube-apiserver')?.port).toBe(6443);
    expect(flow('kube-apiserver', 'etcd:cp-1')?.port).toBe(2379);
    expect(flow('kube-scheduler', 'kube-apiserver')).toBeDefined();
    expect(flow('kube-controller-manager', 'kube-apiserver')).toBeDefined();
    expect(flow('kubelet:worker-a1', 'kube-apiserver')).toBeDefined();
    expect(flow('kube-proxy:worker-a1', 'kube-apiserver')).toBeDefined();
    expect(flow('kube-apiserver', 'kubelet:worker-b1')?.port).toBe(10250);
    const rt = flow('kubelet:cp-1', 'runtime:cp-1')!;
    expect(rt.socket).toMatch(/^unix:\/\//);
    expect(rt.tls).toBe('none');
  });

  it('draws admission webhooks with service or URL, caBundle, failurePolicy and timeout', () => {
    const svc = flow('kube-apiserver', 'service:tools/policy-webhook')!;
    expect(svc.webhook).toMatchObject({
      target: 'service',
      caBundle: true,
      failurePolicy: 'Ignore',
      timeoutSeconds: 5,
    });
    expect(svc.tls).toBe('verified');
    const url = flow('kube-apiserver', 'external:address:https://hooks.example.com:8443/validate')!;
    // failurePolicy defaults to Fail and timeoutSeconds to 10 in admissionregistration.k8s.io/v1.
    expect(url.webhook).toMatchObject({
      target: 'url',
      caBundle: false,
      failurePolicy: 'Fail',
      timeoutSeconds: 10,
    });
    expect(url.port).toBe(8443);
  });

  it('marks an aggregated API with insecureSkipTLSVerify as unverified', () => {
    const f = flow('kube-apiserver', 'service:kube-system/metrics-server')!;
    expect(f.tls).toBe('unverified');
    expect(f.evidence.find((e) => e.attribute === 'tls')?.evidence[0]?.path).toBe(
      'spec.insecureSkipTLSVerify',
    );
  });

  it('draws pods → API server only when a token is mounted, with the identity', () => {
    const db = flow('workload:shop/StatefulSet/db', 'kube-apiserver')!;
    expect(db.authn).toBe('token');
    expect(db.identity).toBe('system:serviceaccount:shop:default');
    // The web ServiceAccount sets automountServiceAccountToken: false.
    expect(flow('workload:shop/Deployment/web', 'kube-apiserver')).toBeUndefined();
  });

  it('draws pods → cluster DNS, except for dnsPolicy Default', () => {
    expect(flow('workload:shop/Deployment/web', 'workload:kube-system/Deployment/coredns')?.port).toBe(53);
    expect(
      flow('workload:kube-system/Deployment/coredns', 'workload:kube-system/Deployment/coredns'),
    ).toBeUndefined();
    // calico-node runs on the host network with the default ClusterFirst: it uses the node's resolver.
    expect(
      flow('workload:kube-system/DaemonSet/calico-node', 'workload:kube-system/Deployment/coredns'),
    ).toBeUndefined();
  });

  it('draws pods → cloud metadata, blocked where egress policy excludes 169.254.169.254', () => {
    expect(flow('workload:shop/Deployment/web', 'external:cloud-metadata')?.policy).toBe('blocked');
    expect(flow('workload:shop/StatefulSet/db', 'external:cloud-metadata')?.policy).toBe('blocked');
    expect(flow('workload:tools/Pod/debug', 'external:cloud-metadata')?.policy).toBe('allowed');
    expect(flow('workload:kube-system/DaemonSet/calico-node', 'external:cloud-metadata')?.policy).toBe(
      'allowed',
    );
  });

  it('draws Internet → LoadBalancer Service, Ingress, Gateway and hostPort, then → Services → workloads', () => {
    expect(flow('external:internet', 'service:shop/web')?.port).toBe(80);
    const ing = flow('external:internet', 'ingress:shop/web')!;
    expect([ing.port, ing.tls]).toEqual([443, 'verified']);
    expect(flow('ingress:shop/web', 'service:shop/web')).toBeDefined();
    const gw = model.flows.filter((f) => f.from === 'external:internet' && f.to === 'gateway:tools/public');
    expect(gw.map((f) => [f.port, f.tls])).toEqual([
      [80, 'none'],
      [443, 'verified'],
    ]);
    expect(flow('gateway:tools/public', 'service:tools/policy-webhook')).toBeDefined();
    expect(flow('external:internet', 'workload:tools/Pod/debug')?.port).toBe(9000);
    // targetPort named `http` resolves to the container port 8080.
    expect(flow('service:shop/web', 'workload:shop/Deployment/web')?.port).toBe(8080);
  });

  it('gives every flow an id, a purpose and evidence, sorted by id', () => {
    for (const f of model.flows) {
      expect(f.evidence.length, f.id).toBeGreaterThan(0);
      expect(f.purpose, f.id).not.toBe('');
    }
    const ids = model.flows.map((f) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual([...ids].sort((a, b) => byCodeUnit(a, b)));
  });

  it('draws workload → workload reachability per namespace pair, none into default-deny namespaces', () => {
    expect(model.reachability).toEqual({
      state: 'computed',
      granularity: 'namespace',
      enforcement: 'enforced by calico',
    });
    const reach = model.flows.filter((f) => f.purpose === 'allowed by network policy');
    expect(
      reach.some((f) => f.from === 'namespace-workloads:tools' && f.to === 'namespace-workloads:kube-system'),
    ).toBe(true);
    expect(reach.some((f) => f.to === 'namespace-workloads:shop')).toBe(false);
    // shop/web may leave the cluster (ipBlock 0.0.0.0/0 except the metadata address).
    expect(
      reach.some((f) => f.from === 'namespace-workloads:shop' && f.to.startsWith('external:address:')),
    ).toBe(true);
  });

  it('is deterministic', async () => {
    const inv = await loadInventory({ kind: 'paths', paths: ['test/fixtures/model/cluster'] });
    expect(JSON.stringify(modelOf(inv, { tenantLabel: 'team' }))).toBe(JSON.stringify(model));
  });
});
