// Property tests: the class-based engine equals a naive per-pod evaluator (oracle), allow policies only add, default deny leaves only what is allowed.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { KubeObject } from '../../../src/collect/inventory.js';
import { computeReachability, type Reachability } from '../../../src/analysis/network-policy/reachability.js';
import { contains, portRange, type Protocol } from '../../../src/analysis/network-policy/conn-set.js';
import { formatRange } from '../../../src/analysis/network-policy/ip-ranges.js';
import { UNKNOWN_PLUGIN, anp, banp, inventoryOf, netpol, ns, pod } from './helpers.js';

// ---------- an independent, deliberately naive evaluator over raw objects ----------

type Lbl = Record<string, string>;
interface Sel {
  matchLabels?: Lbl;
  matchExpressions?: { key: string; operator: string; values?: readonly string[] }[];
}
interface P {
  ns: string;
  name: string;
  labels: Lbl;
  ports: { name?: string; containerPort: number; protocol?: string }[];
}
interface Probe {
  proto: Protocol;
  port: number;
}
type Who = { pod: P } | { ip: number };

function selMatches(sel: Sel, labels: Lbl): boolean {
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of sel.matchExpressions ?? []) {
    const has = k(labels, e.key);
    const v = labels[e.key];
    if (e.operator === 'In' && !(has && (e.values ?? []).includes(v!))) return false;
    if (e.operator === 'NotIn' && has && (e.values ?? []).includes(v!)) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}
const k = (o: Lbl, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key);

function ipToInt(s: string): number {
  return s.split('.').reduce((n, p) => n * 256 + Number(p), 0);
}
function inCidr(ip: number, cidr: string): boolean {
  const [a, b] = cidr.split('/');
  const bits = Number(b);
  const size = 2 ** (32 - bits);
  const start = Math.floor(ipToInt(a!) / size) * size;
  return ip >= start && ip < start + size;
}

interface World {
  nsLabels: Record<string, Lbl>;
  pods: P[];
  nps: readonly { ns: string; spec: Record<string, unknown> }[];
  anps: readonly { name: string; spec: Record<string, unknown> }[];
  banp?: Record<string, unknown> | undefined;
}

const nsLbl = (w: World, n: string): Lbl => ({ ...(w.nsLabels[n] ?? {}), 'kubernetes.io/metadata.name': n });

function npPeerMatches(peer: Record<string, unknown>, who: Who, policyNs: string, w: World): boolean {
  if (peer['ipBlock'] !== undefined) {
    if (!('ip' in who)) return false;
    const b = peer['ipBlock'] as { cidr: string; except?: string[] };
    return inCidr(who.ip, b.cidr) && !(b.except ?? []).some((e) => inCidr(who.ip, e));
  }
  if (!('pod' in who)) return false;
  const nsOk =
    peer['namespaceSelector'] === undefined
      ? who.pod.ns === policyNs
      : selMatches(peer['namespaceSelector'] as Sel, nsLbl(w, who.pod.ns));
  const podOk = peer['podSelector'] === undefined || selMatches(peer['podSelector'] as Sel, who.pod.labels);
  return nsOk && podOk;
}

function npPortMatches(ports: Record<string, unknown>[] | undefined, probe: Probe, dst: Who): boolean {
  if (ports === undefined || ports.length === 0) return true;
  return ports.some((p) => {
    const proto = (p['protocol'] as string | undefined) ?? 'TCP';
    if (proto !== probe.proto) return false;
    const port = p['port'] as number | string | undefined;
    if (port === undefined) return true;
    if (typeof port === 'string') {
      if (!('pod' in dst)) return false;
      return dst.pod.ports.some(
        (cp) => cp.name === port && (cp.protocol ?? 'TCP') === proto && cp.containerPort === probe.port,
      );
    }
    const end = (p['endPort'] as number | undefined) ?? port;
    return probe.port >= port && probe.port <= end;
  });
}

function types(spec: Record<string, unknown>): string[] {
  const egress = spec['egress'] as unknown[] | undefined;
  return (
    (spec['policyTypes'] as string[] | undefined) ??
    (egress !== undefined && egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'])
  );
}

/** null: no NetworkPolicy isolates `subject` in this direction; otherwise whether one allows the probe. */
function npDecision(
  w: World,
  dir: 'Ingress' | 'Egress',
  subject: P,
  other: Who,
  probe: Probe,
  dst: Who,
): boolean | null {
  const pols = w.nps.filter(
    (p) =>
      p.ns === subject.ns &&
      types(p.spec).includes(dir) &&
      selMatches((p.spec['podSelector'] as Sel | undefined) ?? {}, subject.labels),
  );
  if (pols.length === 0) return null;
  return pols.some((p) =>
    ((p.spec[dir === 'Ingress' ? 'ingress' : 'egress'] as Record<string, unknown>[] | undefined) ?? []).some(
      (r) => {
        const peers = r[dir === 'Ingress' ? 'from' : 'to'] as Record<string, unknown>[] | undefined;
        const peerOk =
          peers === undefined ||
          peers.length === 0 ||
          peers.some((peer) => npPeerMatches(peer, other, p.ns, w));
        return peerOk && npPortMatches(r['ports'] as Record<string, unknown>[] | undefined, probe, dst);
      },
    ),
  );
}

function adminSubject(spec: Record<string, unknown>, p: P, w: World): boolean {
  const s = spec['subject'] as { namespaces?: Sel; pods?: { namespaceSelector: Sel; podSelector: Sel } };
  if (s.namespaces !== undefined) return selMatches(s.namespaces, nsLbl(w, p.ns));
  return selMatches(s.pods!.namespaceSelector, nsLbl(w, p.ns)) && selMatches(s.pods!.podSelector, p.labels);
}

function adminPeer(peer: Record<string, unknown>, who: Who, w: World): boolean {
  if (peer['networks'] !== undefined)
    return 'ip' in who && (peer['networks'] as string[]).some((c) => inCidr(who.ip, c));
  if (!('pod' in who)) return false;
  if (peer['namespaces'] !== undefined) return selMatches(peer['namespaces'] as Sel, nsLbl(w, who.pod.ns));
  const pods = peer['pods'] as { namespaceSelector: Sel; podSelector: Sel } | undefined;
  return (
    pods !== undefined &&
    selMatches(pods.namespaceSelector, nsLbl(w, who.pod.ns)) &&
    selMatches(pods.podSelector, who.pod.labels)
  );
}

function adminPorts(ports: Record<string, unknown>[] | undefined, probe: Probe, dst: Who): boolean {
  if (ports === undefined || ports.length === 0) return true;
  return ports.some((p) => {
    const n = p['portNumber'] as { protocol: string; port: number } | undefined;
    if (n !== undefined) return n.protocol === probe.proto && n.port === probe.port;
    const r = p['portRange'] as { protocol: string; start: number; end: number } | undefined;
    if (r !== undefined) return r.protocol === probe.proto && probe.port >= r.start && probe.port <= r.end;
    const name = p['namedPort'] as string;
    return (
      'pod' in dst &&
      dst.pod.ports.some(
        (cp) => cp.name === name && (cp.protocol ?? 'TCP') === probe.proto && cp.containerPort === probe.port,
      )
    );
  });
}

function firstAdmin(
  rules: Record<string, unknown>[],
  dir: 'ingress' | 'egress',
  other: Who,
  probe: Probe,
  dst: Who,
  w: World,
): string | undefined {
  for (const r of rules) {
    const peers = (r[dir === 'ingress' ? 'from' : 'to'] as Record<string, unknown>[] | undefined) ?? [];
    if (
      peers.some((p) => adminPeer(p, other, w)) &&
      adminPorts(r['ports'] as Record<string, unknown>[] | undefined, probe, dst)
    )
      return r['action'] as string;
  }
  return undefined;
}

function directionOk(
  w: World,
  dir: 'ingress' | 'egress',
  subject: P,
  other: Who,
  probe: Probe,
  dst: Who,
): boolean {
  const anps = w.anps
    .filter((a) => adminSubject(a.spec, subject, w))
    .sort((x, y) => (x.spec['priority'] as number) - (y.spec['priority'] as number));
  for (const a of anps) {
    const action = firstAdmin(
      (a.spec[dir] as Record<string, unknown>[] | undefined) ?? [],
      dir,
      other,
      probe,
      dst,
      w,
    );
    if (action === 'Allow') return true;
    if (action === 'Deny') return false;
    if (action === 'Pass') break;
  }
  const np = npDecision(w, dir === 'ingress' ? 'Ingress' : 'Egress', subject, other, probe, dst);
  if (np !== null) return np;
  if (w.banp !== undefined && adminSubject(w.banp, subject, w)) {
    const action = firstAdmin(
      (w.banp[dir] as Record<string, unknown>[] | undefined) ?? [],
      dir,
      other,
      probe,
      dst,
      w,
    );
    if (action === 'Deny') return false;
  }
  return true;
}

function naiveAllowed(w: World, src: Who, dst: Who, probe: Probe): boolean {
  const eg = 'pod' in src ? directionOk(w, 'egress', src.pod, dst, probe, dst) : true;
  const ig = 'pod' in dst ? directionOk(w, 'ingress', dst.pod, src, probe, dst) : true;
  return eg && ig;
}

// ---------- random small clusters ----------

const NAMESPACES = ['n1', 'n2', 'n3'];
const PROBES: Probe[] = [
  { proto: 'TCP', port: 80 },
  { proto: 'TCP', port: 81 },
  { proto: 'TCP', port: 8080 },
  { proto: 'UDP', port: 53 },
  { proto: 'SCTP', port: 9003 },
  { proto: 'TCP', port: 65535 },
];
const CIDRS = ['10.0.0.0/8', '10.1.0.0/16', '192.168.0.0/24', '0.0.0.0/1'];

const arbLabels = fc.record(
  { app: fc.constantFrom('a', 'b'), tier: fc.constantFrom('x', 'y') },
  { requiredKeys: [] },
);
const arbSel: fc.Arbitrary<Sel> = fc.oneof(
  fc.constant({}),
  arbLabels.map((l) => ({ matchLabels: l })),
  fc.record({
    matchExpressions: fc.array(
      fc
        .record({
          key: fc.constantFrom('app', 'tier', 'env'),
          operator: fc.constantFrom('In', 'NotIn', 'Exists', 'DoesNotExist'),
          values: fc.constant(['a', 'x']),
        })
        .map((e) =>
          e.operator === 'Exists' || e.operator === 'DoesNotExist' ? { key: e.key, operator: e.operator } : e,
        ),
      { minLength: 1, maxLength: 2 },
    ),
  }),
);
const arbPorts = fc.option(
  fc.array(
    fc.oneof(
      fc.record({ port: fc.constantFrom(80, 8080, 53), protocol: fc.constantFrom('TCP', 'UDP') }),
      fc.record({ port: fc.constant(80), endPort: fc.constantFrom(81, 9000) }),
      fc.record({ port: fc.constantFrom('http', 'dns'), protocol: fc.constantFrom('TCP', 'UDP') }),
      fc.record({ protocol: fc.constantFrom('SCTP', 'UDP') }),
    ),
    { maxLength: 2 },
  ),
  { nil: undefined },
);
const arbNpPeer = fc.oneof(
  fc.record({ podSelector: arbSel }),
  fc.record({ namespaceSelector: arbSel }),
  fc.record({ namespaceSelector: arbSel, podSelector: arbSel }),
  fc.record({
    ipBlock: fc.record({
      cidr: fc.constantFrom(...CIDRS),
      except: fc.constantFrom([], ['10.1.0.0/16'], ['192.168.0.0/25']),
    }),
  }),
);
const arbRule = (dir: 'from' | 'to') =>
  fc
    .record({ [dir]: fc.option(fc.array(arbNpPeer, { maxLength: 2 }), { nil: undefined }), ports: arbPorts })
    .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)));
const arbNp = fc.record({
  ns: fc.constantFrom(...NAMESPACES),
  spec: fc
    .record({
      podSelector: arbSel,
      policyTypes: fc.option(fc.subarray(['Ingress', 'Egress']), { nil: undefined }),
      ingress: fc.option(fc.array(arbRule('from'), { maxLength: 2 }), { nil: undefined }),
      egress: fc.option(fc.array(arbRule('to'), { maxLength: 2 }), { nil: undefined }),
    })
    .map((s) => Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined))),
});
const arbAdminPeer = fc.oneof(
  fc.record({ namespaces: arbSel }),
  fc.record({ pods: fc.record({ namespaceSelector: arbSel, podSelector: arbSel }) }),
);
const arbAdminPorts = fc.option(
  fc.array(
    fc.oneof(
      fc.record({
        portNumber: fc.record({ protocol: fc.constantFrom('TCP', 'UDP'), port: fc.constantFrom(80, 53) }),
      }),
      fc.record({
        portRange: fc.record({
          protocol: fc.constant('TCP'),
          start: fc.constant(80),
          end: fc.constantFrom(81, 8080),
        }),
      }),
      fc.record({ namedPort: fc.constantFrom('http', 'dns') }),
    ),
    { minLength: 1, maxLength: 2 },
  ),
  { nil: undefined },
);
const arbAdminRule = (dir: 'from' | 'to', actions: string[]) =>
  fc
    .record({
      action: fc.constantFrom(...actions),
      [dir]: fc.array(
        dir === 'to'
          ? fc.oneof(arbAdminPeer, fc.record({ networks: fc.subarray(CIDRS, { minLength: 1 }) }))
          : arbAdminPeer,
        { minLength: 1, maxLength: 2 },
      ),
      ports: arbAdminPorts,
    })
    .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)));
const arbSubject = fc.oneof(
  fc.record({ namespaces: arbSel }),
  fc.record({ pods: fc.record({ namespaceSelector: arbSel, podSelector: arbSel }) }),
);
const arbAdminSpec = (actions: string[]) =>
  fc.record({
    subject: arbSubject,
    ingress: fc.array(arbAdminRule('from', actions), { maxLength: 2 }),
    egress: fc.array(arbAdminRule('to', actions), { maxLength: 2 }),
  });

const arbWorld = (withAdmin: boolean): fc.Arbitrary<World> =>
  fc
    .record({
      nsLabels: fc.record({
        n1: fc.record({ env: fc.constantFrom('a', 'x') }),
        n2: fc.constant({}),
        n3: fc.record({ env: fc.constant('x') }),
      }),
      pods: fc
        .array(
          fc.record({
            ns: fc.constantFrom(...NAMESPACES),
            labels: arbLabels,
            ports: fc.subarray([
              { name: 'http', containerPort: 8080 },
              { name: 'dns', containerPort: 53, protocol: 'UDP' },
              { containerPort: 80 },
            ]),
          }),
          { minLength: 1, maxLength: 6 },
        )
        .map((ps) => ps.map((p, i) => ({ ...p, name: `p${i}` }))),
      nps: fc.array(arbNp, { maxLength: 4 }),
      anps: withAdmin
        ? fc
            .array(arbAdminSpec(['Allow', 'Deny', 'Pass']), { maxLength: 3 })
            .map((specs) => specs.map((s, i) => ({ name: `anp${i}`, spec: { ...s, priority: i * 10 + 1 } })))
        : fc.constant<World['anps']>([]),
      banp: withAdmin
        ? fc.option(arbAdminSpec(['Allow', 'Deny']), { nil: undefined })
        : fc.constant(undefined),
    })
    .map((w) =>
      w.banp === undefined ? { nsLabels: w.nsLabels, pods: w.pods, nps: w.nps, anps: w.anps } : w,
    );

function objects(w: World): KubeObject[] {
  return [
    ...NAMESPACES.map((n) => ns(n, w.nsLabels[n] ?? {})),
    ...w.pods.map((p) => pod(p.ns, p.name, { labels: p.labels, ports: p.ports })),
    ...w.nps.map((p, i) => netpol(p.ns, `np${i}`, p.spec)),
    ...w.anps.map((a) => anp(a.name, a.spec)),
    ...(w.banp !== undefined ? [banp(w.banp)] : []),
  ];
}

const reachOf = (w: World): Reachability =>
  computeReachability(inventoryOf(objects(w)), { plugin: UNKNOWN_PLUGIN });
const wl = (p: P) => ({
  kind: 'workload' as const,
  workload: { namespace: p.ns, name: p.name, kind: 'Pod' },
});
const probeSet = (p: Probe) => portRange(p.proto, p.port, p.port);

function checkOracle(w: World): void {
  const reach = reachOf(w);
  for (const s of w.pods)
    for (const d of w.pods) {
      const got = reach.allowed(wl(s), wl(d), 'declared');
      for (const probe of PROBES)
        expect([s.name, d.name, probe, contains(got, probeSet(probe))]).toEqual([
          s.name,
          d.name,
          probe,
          naiveAllowed(w, { pod: s }, { pod: d }, probe),
        ]);
    }
  for (const r of reach.externalSources) {
    if (r.family !== 4) continue;
    const ip = Number(r.start);
    for (const d of w.pods) {
      const got = reach.allowed({ kind: 'external', range: r }, wl(d), 'declared');
      for (const probe of PROBES)
        expect([formatRange(r), d.name, probe, contains(got, probeSet(probe))]).toEqual([
          formatRange(r),
          d.name,
          probe,
          naiveAllowed(w, { ip }, { pod: d }, probe),
        ]);
    }
  }
  for (const r of reach.externalDestinations) {
    if (r.family !== 4) continue;
    const ip = Number(r.end);
    for (const s of w.pods) {
      const got = reach.allowed(wl(s), { kind: 'external', range: r }, 'declared');
      for (const probe of PROBES)
        expect([s.name, formatRange(r), probe, contains(got, probeSet(probe))]).toEqual([
          s.name,
          formatRange(r),
          probe,
          naiveAllowed(w, { pod: s }, { ip }, probe),
        ]);
    }
  }
}

describe('reachability properties', () => {
  it('equivalence classes give exactly the naive per-pod answer (NetworkPolicy)', () => {
    fc.assert(fc.property(arbWorld(false), checkOracle), { numRuns: 300 });
  });

  it('equivalence classes give exactly the naive per-pod answer (ANP → NetworkPolicy → BANP)', () => {
    fc.assert(fc.property(arbWorld(true), checkOracle), { numRuns: 300 });
  });

  const denyAll = NAMESPACES.map((n) => ({
    ns: n,
    spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] },
  }));

  it('adding an allow policy never removes a connection (pods already isolated by default deny)', () => {
    fc.assert(
      fc.property(arbWorld(false), arbNp, (w0, extra) => {
        const w = { ...w0, nps: [...denyAll, ...w0.nps] };
        const before = reachOf(w);
        const after = reachOf({ ...w, nps: [...w.nps, extra] });
        for (const s of w.pods)
          for (const d of w.pods)
            expect(
              contains(after.allowed(wl(s), wl(d), 'declared'), before.allowed(wl(s), wl(d), 'declared')),
            ).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('with a default deny, every connection left is allowed by some other policy on both ends', () => {
    fc.assert(
      fc.property(arbWorld(false), (w0) => {
        const w = { ...w0, nps: [...denyAll, ...w0.nps] };
        const reach = reachOf(w);
        const others = { ...w, nps: w0.nps };
        for (const s of w.pods)
          for (const d of w.pods)
            for (const probe of PROBES) {
              if (!contains(reach.allowed(wl(s), wl(d), 'declared'), probeSet(probe))) continue;
              expect(npDecision(others, 'Egress', s, { pod: d }, probe, { pod: d })).toBe(true);
              expect(npDecision(others, 'Ingress', d, { pod: s }, probe, { pod: d })).toBe(true);
            }
      }),
      { numRuns: 200 },
    );
  });
});
