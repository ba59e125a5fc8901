// NetworkPolicy semantics, one corner case per test, through the connlist ktm prints.
import { describe, expect, it } from 'vitest';
import { anp, banp, conn, connlist, netpol, ns, pod } from './helpers.js';

const A = 'a/pa[Pod]';
const B = 'b/pb[Pod]';
const A2 = 'a/pa2[Pod]';
const WORLD = '0.0.0.0-255.255.255.255[External]';

const base = [
  ns('a', { team: 'red' }),
  ns('b', { team: 'blue' }),
  pod('a', 'pa', { labels: { app: 'web' }, ports: [{ name: 'http', containerPort: 8080 }] }),
  pod('a', 'pa2', {
    labels: { app: 'db' },
    ports: [
      { name: 'http', containerPort: 9090 },
      { name: 'dns', containerPort: 53, protocol: 'UDP' },
    ],
  }),
  pod('b', 'pb', { labels: { app: 'web' } }),
];

describe('NetworkPolicy semantics', () => {
  it('without policies every pair and the outside world are open, and no workload is listed to itself', () => {
    const l = connlist(base);
    expect(conn(l, A, B)).toBe('All Connections');
    expect(conn(l, WORLD, A)).toBe('All Connections');
    expect(conn(l, A, WORLD)).toBe('All Connections');
    expect(conn(l, A, A)).toBeUndefined();
    expect(l).toHaveLength(3 * 2 + 3 + 3);
  });

  it('an empty podSelector with no ingress rules denies all ingress to the namespace, egress stays open', () => {
    const l = connlist([...base, netpol('a', 'deny', { podSelector: {} })]);
    expect(conn(l, B, A)).toBeUndefined();
    expect(conn(l, WORLD, A)).toBeUndefined();
    expect(conn(l, A, A2)).toBeUndefined();
    expect(conn(l, A, B)).toBe('All Connections');
    expect(conn(l, A, WORLD)).toBe('All Connections');
  });

  it('a peer without namespaceSelector means the policy namespace; namespaceSelector {} means every namespace', () => {
    const same = connlist([
      ...base,
      netpol('a', 'p', {
        podSelector: { matchLabels: { app: 'db' } },
        ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }] }],
      }),
    ]);
    expect(conn(same, A, A2)).toBe('All Connections');
    expect(conn(same, B, A2)).toBeUndefined();
    const any = connlist([
      ...base,
      netpol('a', 'p', {
        podSelector: { matchLabels: { app: 'db' } },
        ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'web' } } }] }],
      }),
    ]);
    expect(conn(any, A, A2)).toBe('All Connections');
    expect(conn(any, B, A2)).toBe('All Connections');
    expect(conn(any, WORLD, A2)).toBeUndefined();
  });

  it('namespaceSelector and podSelector in one peer are ANDed; in two peers they are ORed', () => {
    const and = connlist([
      ...base,
      netpol('a', 'p', {
        podSelector: { matchLabels: { app: 'db' } },
        ingress: [
          {
            from: [
              {
                namespaceSelector: { matchLabels: { team: 'blue' } },
                podSelector: { matchLabels: { app: 'nope' } },
              },
            ],
          },
        ],
      }),
    ]);
    expect(conn(and, B, A2)).toBeUndefined();
    const or = connlist([
      ...base,
      netpol('a', 'p', {
        podSelector: { matchLabels: { app: 'db' } },
        ingress: [
          {
            from: [
              { namespaceSelector: { matchLabels: { team: 'blue' } } },
              { podSelector: { matchLabels: { app: 'nope' } } },
            ],
          },
        ],
      }),
    ]);
    expect(conn(or, B, A2)).toBe('All Connections');
    expect(conn(or, A, A2)).toBeUndefined();
  });

  it('matchExpressions In, NotIn, Exists and DoesNotExist', () => {
    const sel = (expr: unknown) =>
      connlist([
        ...base,
        netpol('a', 'p', { podSelector: { matchExpressions: [expr] }, policyTypes: ['Ingress'] }),
      ]);
    const isolated = (l: string[]) => ({
      web: conn(l, B, A) === undefined,
      db: conn(l, B, A2) === undefined,
    });
    expect(isolated(sel({ key: 'app', operator: 'In', values: ['web'] }))).toEqual({ web: true, db: false });
    expect(isolated(sel({ key: 'app', operator: 'NotIn', values: ['web'] }))).toEqual({
      web: false,
      db: true,
    });
    expect(isolated(sel({ key: 'app', operator: 'Exists' }))).toEqual({ web: true, db: true });
    expect(isolated(sel({ key: 'app', operator: 'DoesNotExist' }))).toEqual({ web: false, db: false });
  });

  it('ipBlock with except splits the outside world and allows only the block minus the exception', () => {
    const l = connlist([
      ...base,
      netpol('a', 'p', {
        podSelector: { matchLabels: { app: 'web' } },
        ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }] }],
      }),
    ]);
    expect(conn(l, '10.0.0.0-10.0.255.255[External]', A)).toBe('All Connections');
    expect(conn(l, '10.2.0.0-10.255.255.255[External]', A)).toBe('All Connections');
    expect(conn(l, '10.1.0.0-10.1.255.255[External]', A)).toBeUndefined();
    expect(conn(l, '0.0.0.0-9.255.255.255[External]', A)).toBeUndefined();
    expect(conn(l, '11.0.0.0-255.255.255.255[External]', B)).toBe('All Connections');
    // ipBlock never selects pods.
    expect(conn(l, B, A)).toBeUndefined();
  });

  it('IPv6 ipBlocks split the IPv6 space alongside IPv4', () => {
    const l = connlist([
      ...base,
      netpol('a', 'p', {
        podSelector: { matchLabels: { app: 'web' } },
        policyTypes: ['Egress'],
        egress: [{ to: [{ ipBlock: { cidr: '2001:db8::/32' } }] }],
      }),
    ]);
    expect(conn(l, A, '2001:db8::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff[External]')).toBe('All Connections');
    expect(conn(l, A, '0.0.0.0-255.255.255.255[External]')).toBeUndefined();
    expect(conn(l, B, '::-2001:db7:ffff:ffff:ffff:ffff:ffff:ffff[External]')).toBe('All Connections');
  });

  it('named ports resolve per destination pod, and only with the protocol the rule names', () => {
    const l = connlist([
      ...base,
      netpol('a', 'p', {
        podSelector: {},
        ingress: [{ ports: [{ port: 'http' }, { port: 'dns', protocol: 'TCP' }] }],
      }),
    ]);
    expect(conn(l, B, A)).toBe('TCP 8080');
    expect(conn(l, B, A2)).toBe('TCP 9090');
    const udp = connlist([
      ...base,
      netpol('a', 'p', { podSelector: {}, ingress: [{ ports: [{ port: 'dns', protocol: 'UDP' }] }] }),
    ]);
    expect(conn(udp, B, A2)).toBe('UDP 53');
    expect(conn(udp, B, A)).toBeUndefined();
  });

  it('egress named ports resolve on the destination pod; addresses have no named ports', () => {
    const l = connlist([
      ...base,
      netpol('b', 'p', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 'http' }] }] }),
    ]);
    expect(conn(l, B, A)).toBe('TCP 8080');
    expect(conn(l, B, A2)).toBe('TCP 9090');
    expect(conn(l, B, WORLD)).toBeUndefined();
  });

  it('egress-only policies isolate egress and leave ingress open', () => {
    const l = connlist([...base, netpol('b', 'p', { podSelector: {}, policyTypes: ['Egress'] })]);
    expect(conn(l, B, A)).toBeUndefined();
    expect(conn(l, B, WORLD)).toBeUndefined();
    expect(conn(l, A, B)).toBe('All Connections');
  });

  it('policyTypes defaults to Ingress, plus Egress when egress rules exist', () => {
    const l = connlist([
      ...base,
      netpol('b', 'p', { podSelector: {}, egress: [{ ports: [{ port: 53, protocol: 'UDP' }] }] }),
    ]);
    expect(conn(l, B, A)).toBe('UDP 53');
    expect(conn(l, A, B)).toBeUndefined();
    const ingressOnly = connlist([...base, netpol('b', 'p', { podSelector: {}, egress: [] })]);
    expect(conn(ingressOnly, B, A)).toBe('All Connections');
    expect(conn(ingressOnly, A, B)).toBeUndefined();
  });

  it('a policy in a namespace with no pods changes nothing', () => {
    expect(
      connlist([
        ...base,
        ns('empty'),
        netpol('empty', 'deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
      ]),
    ).toEqual(connlist(base));
  });

  it('endPort gives a port range; SCTP and protocol-only ports', () => {
    const l = connlist([
      ...base,
      netpol('a', 'p', {
        podSelector: {},
        ingress: [
          { ports: [{ port: 8080, endPort: 8090 }, { port: 9003, protocol: 'SCTP' }, { protocol: 'UDP' }] },
        ],
      }),
    ]);
    expect(conn(l, B, A)).toBe('SCTP 9003,TCP 8080-8090,UDP 1-65535');
  });

  it('rules of several policies add up; an empty from allows every source, addresses included', () => {
    const l = connlist([
      ...base,
      netpol('a', 'p1', {
        podSelector: {},
        ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ port: 80 }] }],
      }),
      netpol('a', 'p2', { podSelector: {}, ingress: [{ ports: [{ port: 443 }] }] }),
    ]);
    expect(conn(l, B, A)).toBe('TCP 80,443');
    expect(conn(l, WORLD, A)).toBe('TCP 443');
  });
});

describe('workloads', () => {
  it('follows ownerReferences to the top workload in the input and represents pod-less workloads by their template', () => {
    const rs = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: 'web-1',
        namespace: 'a',
        ownerReferences: [{ kind: 'Deployment', name: 'web', controller: true }],
      },
      spec: { template: { metadata: { labels: { app: 'web' } }, spec: { containers: [] } } },
    };
    const dep = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'a' },
      spec: { template: { metadata: { labels: { app: 'web' } }, spec: { containers: [] } } },
    };
    const alone = {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'db', namespace: 'a' },
      spec: { template: { metadata: { labels: { app: 'db' } }, spec: { containers: [] } } },
    };
    const cron = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: { name: 'job', namespace: 'b' },
      spec: {
        jobTemplate: {
          spec: { template: { metadata: { labels: { app: 'job' } }, spec: { containers: [] } } },
        },
      },
    };
    const l = connlist([
      ns('a'),
      ns('b'),
      pod('a', 'web-1-x', { labels: { app: 'web' }, owner: { kind: 'ReplicaSet', name: 'web-1' } }),
      pod('a', 'web-1-y', { labels: { app: 'web' }, owner: { kind: 'ReplicaSet', name: 'web-1' } }),
      rs,
      dep,
      alone,
      cron,
      pod('b', 'orphan', { owner: { kind: 'ReplicaSet', name: 'gone-123' } }),
    ]);
    const peers = new Set(l.flatMap((x) => x.split(' : ')[0]!.split(' => ')));
    expect([...peers].filter((p) => !p.includes('External')).sort()).toEqual([
      'a/db[StatefulSet]',
      'a/web[Deployment]',
      'b/gone-123[ReplicaSet]',
      'b/job[CronJob]',
    ]);
  });

  it('Ingresses and Routes give {ingress-controller} connections on the target ports the pods declare', () => {
    const svc = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'a' },
      spec: {
        selector: { app: 'web' },
        ports: [
          { name: 'http', port: 80, targetPort: 'http' },
          { name: 'admin', port: 81, targetPort: 9999 },
        ],
      },
    };
    const ing = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: { name: 'web', namespace: 'a' },
      spec: {
        rules: [
          { http: { paths: [{ path: '/', backend: { service: { name: 'web', port: { number: 80 } } } }] } },
        ],
      },
    };
    const l = connlist([...base, svc, ing]);
    expect(conn(l, '{ingress-controller}', A)).toBe('TCP 8080');
    const route = {
      apiVersion: 'route.openshift.io/v1',
      kind: 'Route',
      metadata: { name: 'r', namespace: 'a' },
      spec: { to: { kind: 'Service', name: 'web' } },
    };
    expect(conn(connlist([...base, svc, route]), '{ingress-controller}', A)).toBe('TCP 8080');
    // A policy admitting only its own namespace shuts the controller out.
    const shut = connlist([
      ...base,
      svc,
      ing,
      netpol('a', 'p', { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }] }),
    ]);
    expect(conn(shut, '{ingress-controller}', A)).toBeUndefined();
  });
});

describe('AdminNetworkPolicy and BaselineAdminNetworkPolicy', () => {
  const subjectA = { namespaces: { matchLabels: { 'kubernetes.io/metadata.name': 'a' } } };
  const fromB = [{ namespaces: { matchLabels: { team: 'blue' } } }];

  it('the lower priority number wins; Deny beats NetworkPolicy allows', () => {
    const l = connlist([
      ...base,
      anp('deny-b', { priority: 20, subject: subjectA, ingress: [{ action: 'Deny', from: fromB }] }),
      anp('allow-b-80', {
        priority: 10,
        subject: subjectA,
        ingress: [{ action: 'Allow', from: fromB, ports: [{ portNumber: { protocol: 'TCP', port: 80 } }] }],
      }),
      netpol('a', 'allow-all', { podSelector: {}, ingress: [{}] }),
    ]);
    expect(conn(l, B, A)).toBe('TCP 80');
    expect(conn(l, A2, A)).toBe('All Connections');
  });

  it('Pass hands the decision to NetworkPolicy, and without NetworkPolicy to the BANP', () => {
    const pass = anp('pass-b', {
      priority: 1,
      subject: subjectA,
      ingress: [{ action: 'Pass', from: fromB }],
    });
    const denyAll = banp({
      subject: { namespaces: {} },
      ingress: [{ action: 'Deny', from: [{ namespaces: {} }] }],
    });
    const l1 = connlist([...base, pass, denyAll]);
    expect(conn(l1, B, A)).toBeUndefined();
    const l2 = connlist([
      ...base,
      pass,
      denyAll,
      netpol('a', 'np', {
        podSelector: {},
        ingress: [{ from: [{ namespaceSelector: {} }], ports: [{ port: 443 }] }],
      }),
    ]);
    expect(conn(l2, B, A)).toBe('TCP 443');
    // Without the Pass, an ANP Allow would have skipped NetworkPolicy.
    const l3 = connlist([
      ...base,
      anp('allow-b', { priority: 1, subject: subjectA, ingress: [{ action: 'Allow', from: fromB }] }),
      denyAll,
      netpol('a', 'np', { podSelector: {}, ingress: [] }),
    ]);
    expect(conn(l3, B, A)).toBe('All Connections');
  });

  it('ANP named ports resolve on the destination with its own protocol; ranges; egress to networks', () => {
    const l = connlist([
      ...base,
      anp('named', {
        priority: 5,
        subject: { namespaces: {} },
        egress: [
          {
            action: 'Deny',
            to: [{ pods: { namespaceSelector: {}, podSelector: { matchLabels: { app: 'db' } } } }],
            ports: [{ namedPort: 'dns' }, { portRange: { protocol: 'TCP', start: 1, end: 9000 } }],
          },
        ],
      }),
      anp('net', {
        priority: 6,
        subject: { namespaces: {} },
        egress: [{ action: 'Deny', to: [{ networks: ['8.8.8.8/32'] }] }],
      }),
    ]);
    expect(conn(l, B, A2)).toBe('SCTP 1-65535,TCP 9001-65535,UDP 1-52,54-65535');
    expect(conn(l, B, '8.8.8.8-8.8.8.8[External]')).toBeUndefined();
    expect(conn(l, B, '8.8.8.9-255.255.255.255[External]')).toBe('All Connections');
  });
});
