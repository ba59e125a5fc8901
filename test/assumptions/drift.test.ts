// Drift between the declared threat model and the observed model: undeclared, missing, moved, weaker.
import { describe, expect, it } from 'vitest';
import { computeDrift } from '../../src/assumptions/drift.js';
import { ThreatModelSchema, type ThreatModelFile } from '../../src/assumptions/threat-model-file.js';
import type { Component, Model, TrustZone } from '../../src/model/types.js';

const comp = (id: string, zone: string): Component => ({
  id,
  name: id,
  kind: {
    type: 'workload',
    owner: 'Deployment',
    namespace: 'shop',
    name: id,
    pods: 1,
    roles: [],
    serviceAccount: 'default',
  },
  zone,
  nodes: [],
  refs: [{ kind: 'Deployment', namespace: 'shop', name: id }],
  listens: [],
});
const zone = (id: string, parent: string | undefined, status: 'present' | 'inert' | 'absent'): TrustZone => ({
  id,
  name: id,
  kind: parent === undefined ? 'top' : 'namespace',
  ...(parent === undefined ? {} : { parent }),
  members: [],
  children: [],
  controls: [{ kind: 'network-policy-default-deny', status, detail: 'test', evidence: [] }],
  policies: [],
  placement: [],
  boundaryFlows: [],
});
const model: Model = {
  components: [comp('web', 'container/ns/shop'), comp('new-thing', 'container/ns/shop')],
  flows: [
    {
      id: 'f',
      from: 'web',
      to: 'kube-apiserver',
      protocol: 'https',
      port: 6443,
      tls: 'unverified',
      authn: 'token',
      purpose: 'api',
      evidence: [],
    },
  ],
  zones: [zone('container', undefined, 'absent'), zone('container/ns/shop', 'container', 'inert')],
  reachability: { state: 'not-computed', reason: 'test' },
  notes: [],
};
const declared = (extra: Partial<ThreatModelFile>): ThreatModelFile =>
  ThreatModelSchema.parse({
    apiVersion: 'ktm.dev/v1alpha1',
    kind: 'ThreatModel',
    metadata: { name: 'lab' },
    ...extra,
  });

describe('drift', () => {
  it('is empty when the file declares nothing beyond zones that exist', () => {
    expect(computeDrift(declared({ zones: [{ id: 'container' }] }), model)).toEqual([]);
  });

  it('finds undeclared and missing components, and components in another zone', () => {
    const d = computeDrift(
      declared({
        components: [
          { id: 'web', zone: 'container/ns/payments' },
          { id: 'gone' },
          { id: 'old', status: 'vanished' },
        ],
      }),
      model,
    );
    expect(d.map((i) => i.id)).toEqual([
      'missing-component:gone',
      'undeclared-component:new-thing',
      'zone-membership:web',
    ]);
    expect(d.find((i) => i.kind === 'zone-membership')?.observed).toBe('container/ns/shop');
  });

  it('accepts a component declared in an ancestor zone', () => {
    expect(
      computeDrift(declared({ components: [{ id: 'web', zone: 'container' }, { id: 'new-thing' }] }), model),
    ).toEqual([]);
  });

  it('finds undeclared, missing and weaker flows', () => {
    const d = computeDrift(
      declared({
        flows: [
          { from: 'web', to: 'kube-apiserver', port: 6443, tls: 'verified' },
          { from: 'web', to: 'db', port: 5432 },
        ],
      }),
      model,
    );
    expect(d.map((i) => i.id)).toEqual([
      'missing-flow:web->db:5432',
      'weaker-control:web->kube-apiserver:6443#tls',
    ]);
    const none = computeDrift(declared({ flows: [{ from: 'web', to: 'db' }] }), model);
    expect(none.map((i) => i.kind)).toEqual(['missing-flow', 'undeclared-flow']);
  });

  it('reports a zone control weaker than declared', () => {
    const d = computeDrift(
      declared({
        zones: [
          { id: 'container/ns/shop', controls: [{ kind: 'network-policy-default-deny', status: 'present' }] },
        ],
      }),
      model,
    );
    expect(d).toHaveLength(1);
    expect(d[0]!.message).toBe(
      'zone container/ns/shop: network-policy-default-deny is declared present but observed inert (test)',
    );
  });
});
