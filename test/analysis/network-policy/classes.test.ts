// Equivalence classes: pods that every selector treats alike fold into one class; labels no selector reads do not split them.
import { describe, expect, it } from 'vitest';
import { computeReachability } from '../../../src/analysis/network-policy/reachability.js';
import { UNKNOWN_PLUGIN, inventoryOf, netpol, ns, pod } from './helpers.js';

describe('equivalence classes', () => {
  const replicas = (n: number, app: string, extra: (i: number) => Record<string, string>) =>
    Array.from({ length: n }, (_, i) =>
      pod('a', `${app}-${i}`, {
        labels: { app, ...extra(i) },
        owner: { kind: 'ReplicaSet', name: app },
        ports: [{ name: 'http', containerPort: 8080 }],
      }),
    );

  it('folds replicas with per-pod labels into one class per distinct selector view', () => {
    const objs = [
      ns('a'),
      ...replicas(500, 'web', (i) => ({ 'pod-name': `web-${i}`, tier: i % 2 === 0 ? 'even' : 'odd' })),
      ...replicas(300, 'db', (i) => ({ 'pod-name': `db-${i}` })),
      netpol('a', 'p', {
        podSelector: { matchLabels: { app: 'db' } },
        ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }],
      }),
    ];
    const reach = computeReachability(inventoryOf(objs), { plugin: UNKNOWN_PLUGIN });
    expect(reach.endpointCount).toBe(800);
    expect(reach.classCount).toBe(2);
    expect(reach.workloads).toHaveLength(2);
    // A selector reading `tier` splits the web replicas in two, and only them.
    const split = computeReachability(
      inventoryOf([
        ...objs,
        netpol('a', 'q', { podSelector: { matchLabels: { tier: 'even' } }, policyTypes: ['Egress'] }),
      ]),
      { plugin: UNKNOWN_PLUGIN },
    );
    expect(split.classCount).toBe(3);
  });

  it('a workload whose pods differ is the union of its classes, with a diagnostic', () => {
    const objs = [
      ns('a'),
      pod('a', 'w-1', { labels: { app: 'w', role: 'open' }, owner: { kind: 'ReplicaSet', name: 'w' } }),
      pod('a', 'w-2', { labels: { app: 'w', role: 'closed' }, owner: { kind: 'ReplicaSet', name: 'w' } }),
      pod('a', 'client'),
      netpol('a', 'p', { podSelector: { matchLabels: { role: 'closed' } } }),
    ];
    const reach = computeReachability(inventoryOf(objs), { plugin: UNKNOWN_PLUGIN });
    const w = { kind: 'workload', workload: { namespace: 'a', name: 'w', kind: 'ReplicaSet' } } as const;
    const client = { kind: 'workload', workload: { namespace: 'a', name: 'client', kind: 'Pod' } } as const;
    expect(reach.allowed(client, w, 'declared').TCP).toEqual([[1, 65535]]);
    expect(reach.isolated(w.workload, 'ingress')).toBe(false);
    expect(
      reach.diagnostics.some((d) => d.where === 'a/w[ReplicaSet]' && d.message.includes('2 classes')),
    ).toBe(true);
  });
});

describe('helpers for the model', () => {
  it('answers for any address (cloud metadata) and summarises namespace isolation', () => {
    const objs = [
      ns('a'),
      ns('b'),
      pod('a', 'x', { labels: { app: 'x' } }),
      pod('a', 'y', { labels: { app: 'y' } }),
      pod('b', 'z'),
      netpol('a', 'deny-all', {
        podSelector: {},
        policyTypes: ['Ingress', 'Egress'],
        egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['169.254.169.254/32'] } }] }],
      }),
      netpol('b', 'one', { podSelector: { matchLabels: { app: 'nothing' } } }),
    ];
    const reach = computeReachability(inventoryOf(objs), { plugin: UNKNOWN_PLUGIN });
    const x = { namespace: 'a', name: 'x', kind: 'Pod' };
    const z = { namespace: 'b', name: 'z', kind: 'Pod' };
    expect(reach.allowedToAddress(x, '169.254.169.254/32')).toEqual({ SCTP: [], TCP: [], UDP: [] });
    expect(reach.allowedToAddress(x, '8.8.8.8')?.TCP).toEqual([[1, 65535]]);
    expect(reach.allowedToAddress(z, '169.254.169.254')?.TCP).toEqual([[1, 65535]]);
    expect(reach.allowedToAddress(z, 'not-an-ip')).toBeUndefined();
    expect(reach.namespaceIsolation('a', 'ingress')).toBe('all');
    expect(reach.namespaceIsolation('a', 'egress')).toBe('all');
    expect(reach.namespaceIsolation('b', 'ingress')).toBe('none');
    expect(reach.namespaceIsolation('c', 'ingress')).toBe('empty');
  });
});
