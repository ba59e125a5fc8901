// Trust zones: the audit's top-level zones, nested pools/nodes and tenants/namespaces, controls, boundary flows, zones file.
import path from 'node:path';
import { modelOf } from '../../src/analysis/analyses.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/collect/load.js';
import type { Inventory } from '../../src/collect/inventory.js';
import { KtmError } from '../../src/errors.js';
import { parseZonesFile, type Model, type TrustZone } from '../../src/model/index.js';

let inv: Inventory;
let model: Model;
const zone = (m: Model, id: string): TrustZone => {
  const z = m.zones.find((x) => x.id === id);
  if (z === undefined) throw new Error(`no zone ${id}`);
  return z;
};

beforeAll(async () => {
  inv = await loadInventory({ kind: 'paths', paths: ['test/fixtures/model/cluster'] });
  model = modelOf(inv, { tenantLabel: 'team' });
});

describe('nesting', () => {
  it('has the audit’s six top-level zones', () => {
    expect(
      model.zones
        .filter((z) => z.parent === undefined)
        .map((z) => z.name)
        .sort(),
    ).toEqual(['API Server', 'Container', 'Internet', 'Master Components', 'Master Data', 'Worker'].sort());
  });

  it('nests node pools (pool label, role label, taint; never instance-type) and nodes under Worker', () => {
    expect(zone(model, 'pool:general').parent).toBe('worker');
    expect(zone(model, 'pool:control-plane').children).toEqual(['node:cp-1']);
    expect(zone(model, 'pool:dedicated=gpu').children).toEqual(['node:worker-b1']);
    expect(model.zones.some((z) => z.id === 'pool:m5.large')).toBe(false);
    expect(zone(model, 'node:worker-a1').members).toEqual(['kube-proxy:worker-a1', 'kubelet:worker-a1']);
    expect(zone(model, 'node:worker-a1').placement).toEqual(['worker-a1']);
  });

  it('nests tenants (by label) and namespaces under Container', () => {
    expect(zone(model, 'tenant:retail').parent).toBe('container');
    expect(zone(model, 'namespace:shop').parent).toBe('tenant:retail');
    expect(zone(model, 'namespace:kube-system').parent).toBe('container');
    expect(zone(model, 'namespace:shop').members).toContain('workload:shop/Deployment/web');
    // Placement rolls up: the Container zone runs where its pods and runtimes run.
    expect(zone(model, 'namespace:shop').placement).toEqual(['worker-a1', 'worker-b1']);
    expect(zone(model, 'container').placement).toEqual(['cp-1', 'worker-a1', 'worker-b1']);
  });

  it('puts control-plane components in the audit zones', () => {
    expect(zone(model, 'api-server').members).toEqual(['kube-apiserver']);
    expect(zone(model, 'master-data').members).toEqual(['etcd:cp-1']);
    expect(zone(model, 'master-components').members).toEqual(['kube-controller-manager', 'kube-scheduler']);
  });
});

describe('boundary flows and controls', () => {
  it('lists a boundary flow on both zones and on every crossed ancestor, with its controls', () => {
    const f = model.flows.find(
      (x) => x.from === 'workload:shop/StatefulSet/db' && x.to === 'kube-apiserver',
    )!;
    const on = (id: string) => zone(model, id).boundaryFlows.find((b) => b.flow === f.id);
    expect(on('namespace:shop')).toMatchObject({ direction: 'outbound', peerZone: 'api-server' });
    expect(on('tenant:retail')?.direction).toBe('outbound');
    expect(on('container')?.direction).toBe('outbound');
    expect(on('api-server')).toMatchObject({ direction: 'inbound', peerZone: 'namespace:shop' });
    expect(on('api-server')?.controls).toEqual(['tls:verified', 'authn:token']);
    expect(on('worker')).toBeUndefined();
  });

  it('does not list a flow inside one zone as a boundary flow', () => {
    const f = model.flows.find(
      (x) => x.from === 'service:shop/web' && x.to === 'workload:shop/Deployment/web',
    )!;
    expect(model.zones.some((z) => z.boundaryFlows.some((b) => b.flow === f.id))).toBe(false);
  });

  it('records namespace controls: default deny (enforced by Calico), Pod Security, RBAC scope, quota', () => {
    const c = (id: string, kind: string) => zone(model, id).controls.find((x) => x.kind === kind);
    expect(c('namespace:shop', 'network-policy-default-deny')?.status).toBe('present');
    expect(c('namespace:shop', 'network-policy-default-deny')?.detail).toMatch(/calico/);
    expect(c('namespace:tools', 'network-policy-default-deny')?.status).toBe('absent');
    expect(c('namespace:shop', 'pod-security')).toMatchObject({
      status: 'present',
      detail: 'enforce restricted',
    });
    expect(c('namespace:tools', 'rbac-scope')?.status).toBe('partial');
    expect(c('namespace:tools', 'rbac-scope')?.detail).toMatch(/tools-admin/);
    expect(c('namespace:shop', 'resource-quota')?.status).toBe('present');
    expect(zone(model, 'namespace:shop').policies.map((p) => p.name)).toContain('default-deny');
    expect(c('container', 'network-policy-default-deny')?.status).toBe('partial');
  });

  it('summarises inbound authentication and TLS', () => {
    const tls = zone(model, 'master-data').controls.find((c) => c.kind === 'inbound-tls');
    expect(tls?.detail).toMatch(/1 inbound flows/);
  });
});

describe('zones file', () => {
  it('renames, merges and assigns', () => {
    const file = parseZonesFile(
      [
        'kind: Zones',
        'assign:',
        '  - zone: payments',
        '    name: Payments team',
        '    namespaces: [shop]',
        '    components: [workload:tools/Pod/debug]',
        'merge:',
        '  - into: control-plane',
        '    name: Control plane',
        '    zones: [master-components, Master Data]',
        'rename:',
        '  - zone: worker',
        '    name: Nodes',
      ].join('\n'),
      'zones.yaml',
    );
    const m = modelOf(inv, { zonesFile: file });
    expect(zone(m, 'payments')).toMatchObject({ name: 'Payments team', parent: 'container', kind: 'custom' });
    expect(zone(m, 'namespace:shop').parent).toBe('payments');
    expect(zone(m, 'payments').members).toEqual(['workload:tools/Pod/debug']);
    expect(m.components.find((c) => c.id === 'workload:tools/Pod/debug')?.zone).toBe('payments');
    expect(m.zones.some((z) => z.id === 'master-components' || z.id === 'master-data')).toBe(false);
    expect(zone(m, 'control-plane').members).toEqual([
      'etcd:cp-1',
      'kube-controller-manager',
      'kube-scheduler',
    ]);
    expect(zone(m, 'worker').name).toBe('Nodes');
    // Flows between merged zones are no longer boundary flows of the merged zone.
    expect(zone(m, 'control-plane').boundaryFlows.some((b) => b.peerZone === 'control-plane')).toBe(false);
  });

  it('notes references it cannot resolve instead of failing', () => {
    const m = modelOf(inv, { zonesFile: parseZonesFile('rename: [{ zone: nope, name: X }]', 'z.yaml') });
    expect(m.notes).toContain("zones file: zone 'nope' to rename not found");
  });

  it('rejects an invalid file with the file and the offending path', () => {
    const lineOf = (text: string): string => {
      try {
        parseZonesFile(text, 'z.yaml');
      } catch (e) {
        if (e instanceof KtmError) return e.line();
        throw e;
      }
      throw new Error('no error');
    };
    expect(lineOf('assign: [{ zone: a, namespaces: foo }]')).toMatch(
      /^z\.yaml: invalid zones file: assign\.0\.namespaces/,
    );
    expect(lineOf('assign: [{ zone: a, bogus: 1 }]')).toMatch(/^z\.yaml: invalid zones file: assign\.0/);
    expect(lineOf('rename: [')).toMatch(/^z\.yaml:\d+:\d+: invalid YAML/);
  });
});

describe('namespace controls from Cilium and Calico policies', () => {
  it('a direction in which the plugin policies isolate every workload of a namespace is a default deny', async () => {
    const dir = path.join(import.meta.dirname, '..', 'fixtures', 'network-policy', 'cilium-shop');
    const inv = await loadInventory({ kind: 'paths', paths: [dir] });
    const m = modelOf(inv);
    const control = (id: string) =>
      zone(m, id).controls.find((x) => x.kind === 'network-policy-default-deny');
    // shop: the backend is isolated both ways, the frontend for ingress only (the CCNP has no egress rules).
    expect(control('namespace:shop')).toMatchObject({ status: 'partial' });
    expect(control('namespace:shop')?.detail).toMatch(
      /^default deny ingress: \(plugin policies isolate every workload\); egress: none; enforced by cilium/,
    );
    expect(control('namespace:kube-system')?.status).toBe('absent');
  });
});
