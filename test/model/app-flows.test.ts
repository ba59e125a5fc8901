// Application data flow: workload → Service calls inferred from env, ConfigMaps, args, probes and NetworkPolicy, and the cascade along them.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/collect/load.js';
import type { Inventory } from '../../src/collect/inventory.js';
import { addressesIn } from '../../src/model/app-flows.js';
import { deriveModel } from '../../src/model/index.js';
import type { Model } from '../../src/model/types.js';
import { computeCascade } from '../../src/analysis/cascade.js';

const FIXTURE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../fixtures/model/app-flows.yaml',
);

describe('addresses in configuration strings', () => {
  it('reads URLs, host:port, and a whole value only where the name says it is an address', () => {
    expect(addressesIn('https://payments-api.payments.svc.cluster.local', false)).toEqual([
      { host: 'payments-api.payments.svc.cluster.local', scheme: 'https' },
    ]);
    expect(addressesIn('postgres://u:p@db.data:5433/shop', false)).toEqual([
      { host: 'db.data', scheme: 'postgres', port: 5433 },
    ]);
    expect(addressesIn('--cache-addr=cache.data:6379', false)).toEqual([{ host: 'cache.data', port: 6379 }]);
    expect(addressesIn('shop-db', true)).toEqual([{ host: 'shop-db' }]);
    expect(addressesIn('shop-db', false)).toEqual([]);
  });
});

describe('application flows', () => {
  let inv: Inventory;
  let model: Model;
  beforeAll(async () => {
    inv = await loadInventory({ kind: 'paths', paths: [FIXTURE] });
    model = deriveModel(inv);
  });
  const calls = (m: Model) =>
    m.flows
      .filter((f) => f.dependency !== undefined)
      .map(
        (f) =>
          `${f.from} -> ${f.to} ${f.protocol}/${f.port ?? '?'} ${f.dependency!.inferredFrom}${f.dependency!.failClosed ? ' fail-closed' : ''}`,
      )
      .sort();

  it('draws each call with how it was inferred and where', () => {
    expect(calls(model)).toEqual([
      'workload:app/Deployment/api -> service:data/db tcp/5432 configmap',
      'workload:app/Deployment/api -> service:data/db tcp/5432 readiness-probe fail-closed',
      'workload:app/Deployment/web -> service:app/api http/8080 env',
      'workload:app/Deployment/worker -> service:data/cache tcp/6379 args',
      'workload:app/Deployment/worker -> workload:data/Deployment/cache tcp/6379 network-policy',
    ]);
    const web = model.flows.find((f) => f.from === 'workload:app/Deployment/web' && f.dependency)!;
    expect(web.evidence[0]!.note).toBe("inferred from the Service's DNS name in env API_URL");
    expect(web.evidence[0]!.evidence[0]!.path).toBe('spec.template.spec.containers[0].env[0].value');
    const cm = model.flows.find((f) => f.dependency?.inferredFrom === 'configmap')!;
    expect(cm.evidence[0]!.evidence[0]).toMatchObject({
      ref: { kind: 'ConfigMap', name: 'api-config' },
      path: 'data["DATABASE_HOST"]',
    });
  });

  it('a stopped dependency fails a caller whose readiness probe checks it, and degrades the callers of that caller', () => {
    const r = computeCascade(model, inv, 'workload:data/StatefulSet/db');
    expect(r.fails.map((f) => f.component)).toEqual([
      'service:data/db',
      'workload:app/Deployment/api',
      'service:app/api',
    ]);
    const web = r.degraded.find((d) => d.component === 'workload:app/Deployment/web')!;
    expect(web.chain).toEqual([
      'workload:data/StatefulSet/db',
      'service:data/db',
      'workload:app/Deployment/api',
      'service:app/api',
      'workload:app/Deployment/web',
    ]);
    expect(r.degraded.map((d) => d.component)).not.toContain('workload:app/Deployment/worker');
  });

  it('a stopped cache degrades its callers (by argument and by declared policy intent) and fails nobody', () => {
    const r = computeCascade(model, inv, 'workload:data/Deployment/cache');
    expect(r.fails.map((f) => f.component)).toEqual(['service:data/cache']);
    expect(r.degraded.map((d) => d.component)).toEqual(['workload:app/Deployment/worker']);
  });
});
