// Malformed policies and pods never crash the analysis: each problem is a diagnostic, the rest is still evaluated.
import { describe, expect, it } from 'vitest';
import { computeReachability } from '../../../src/analysis/network-policy/reachability.js';
import { UNKNOWN_PLUGIN, anp, conn, connlist, inventoryOf, netpol, ns, pod } from './helpers.js';
import type { KubeObject } from '../../../src/collect/inventory.js';

describe('bad input', () => {
  const objs: KubeObject[] = [
    ns('a'),
    pod('a', 'x', { labels: { app: 'x' } }),
    pod('a', 'y', { labels: { app: 'y' } }),
    netpol('a', 'not-a-list', { podSelector: {}, ingress: 'everything' }),
    netpol('a', 'bad-cidr', {
      podSelector: { matchLabels: { app: 'x' } },
      ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/99' } }] }],
    }),
    netpol('a', 'bad-port', {
      podSelector: { matchLabels: { app: 'y' } },
      ingress: [{ ports: [{ port: 90, endPort: 80 }, { port: 443, protocol: 'ICMP' }, { port: 22 }] }],
    }),
    anp('no-subject', { priority: 1, ingress: [] }),
    {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'weird', namespace: 'a' },
      spec: { containers: 'none' },
    },
  ];

  it('reports each problem with the object it is in and evaluates the rest', () => {
    const reach = computeReachability(inventoryOf(objs), { plugin: UNKNOWN_PLUGIN });
    const where = reach.diagnostics.map((d) => `${d.where}: ${d.message}`);
    expect(where.some((w) => w.startsWith('NetworkPolicy a/not-a-list: invalid spec'))).toBe(true);
    expect(where.some((w) => w.includes("invalid CIDR '10.0.0.0/99'"))).toBe(true);
    expect(where.some((w) => w.includes('invalid port range 90-80'))).toBe(true);
    expect(where.some((w) => w.includes("unknown protocol 'ICMP'"))).toBe(true);
    expect(where.some((w) => w.startsWith('AdminNetworkPolicy no-subject: invalid spec'))).toBe(true);
    const l = connlist(objs);
    // bad-cidr still isolates x (its only peer was dropped); bad-port keeps its valid port 22.
    expect(conn(l, 'a/y[Pod]', 'a/x[Pod]')).toBeUndefined();
    expect(conn(l, 'a/x[Pod]', 'a/y[Pod]')).toBe('TCP 22');
    expect(conn(l, 'a/x[Pod]', 'a/weird[Pod]')).toBe('All Connections');
  });

  it('names with markup or control characters are escaped in md and terminal output', async () => {
    const { renderConnlist, renderReachMarkdown } = await import('../../../src/report/reach/index.js');
    const reach = computeReachability(inventoryOf([ns('a'), pod('a', 'x'), pod('a', 'evil\u001b[31m|<b>')]), {
      plugin: UNKNOWN_PLUGIN,
    });
    const report = {
      view: 'declared' as const,
      connections: reach.connections('declared'),
      plugin: reach.plugin,
      inert: false,
    };
    expect(renderConnlist(report)).not.toContain('\u001b');
    expect(renderReachMarkdown(report)).toContain('evil\\\\x1b\\[31m\\|\\<b\\>');
  });
});
