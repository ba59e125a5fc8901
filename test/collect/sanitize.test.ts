import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/collect/inventory.js';
import { sanitizeObject, slimObject, slimRecord } from '../../src/collect/sanitize.js';

/** A pod as kubectl prints it, its keys in an order the envelope check would change. */
function pod(): Record<string, unknown> {
  return {
    kind: 'Pod',
    spec: { nodeName: 'node-1', containers: [{ name: 'app', image: 'app:1' }] },
    apiVersion: 'v1',
    status: { conditions: [{ type: 'Ready' }], phase: 'Running', podIP: '10.0.0.1' },
    metadata: {
      uid: 'u-1',
      resourceVersion: '7',
      labels: { app: 'a' },
      managedFields: [{ manager: 'kubectl' }],
      namespace: 'ns',
      generation: 2,
      selfLink: '/api/v1/x',
      name: 'p',
    },
  };
}

describe('slimRecord', () => {
  it('makes what the envelope check, sanitizeObject and slimObject make, keys in the same order', () => {
    const expected = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'p', namespace: 'ns', uid: 'u-1', labels: { app: 'a' } },
      spec: { nodeName: 'node-1', containers: [{ name: 'app', image: 'app:1' }] },
      status: { phase: 'Running', podIP: '10.0.0.1' },
    };
    expect(JSON.stringify(slimRecord(pod()))).toBe(JSON.stringify(expected));
    // The general path, given the envelope's order, agrees.
    const p = pod();
    const meta = p['metadata'] as Record<string, unknown>;
    const { name, namespace, ...rest } = meta;
    const ordered = {
      apiVersion: p['apiVersion'],
      kind: p['kind'],
      metadata: { name, namespace, ...rest },
      spec: p['spec'],
      status: p['status'],
    } as unknown as KubeObject;
    expect(JSON.stringify(slimObject(sanitizeObject(ordered)))).toBe(JSON.stringify(expected));
  });

  it('keeps a namespaced key only when the input has it, and objects without status without one', () => {
    const r = slimRecord({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n' } });
    expect(JSON.stringify(r)).toBe('{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"n"}}');
  });

  it('leaves every case the general path must handle to it', () => {
    const cases: Record<string, unknown>[] = [
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { k: 'djE=' } },
      { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'c' } },
      { apiVersion: 'projectcalico.org/v3', kind: 'NetworkPolicy', metadata: { name: 'np' } },
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'c', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } },
      },
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: '' } },
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 3 } },
      { apiVersion: '', kind: 'Pod', metadata: { name: 'p' } },
      { apiVersion: 'v1', kind: 'Pod', metadata: [] },
      JSON.parse('{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","__proto__":{"x":1}}}') as Record<
        string,
        unknown
      >,
    ];
    for (const c of cases) expect(slimRecord(c)).toBeUndefined();
  });
});
