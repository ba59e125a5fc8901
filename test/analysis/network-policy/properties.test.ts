// Property tests: the class-based engine equals a naive per-pod evaluator (oracle), allow policies only add, default deny leaves only what is allowed.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { KubeObject } from '../../../src/collect/inventory.js';
import { computeReachability, type Reachability } from '../../../src/analysis/network-policy/reachability.js';
import { contains, portRange, type Protocol } from '../../../src/analysis/network-policy/conn-set.js';
import { formatRange } from '../../../src/analysis/network-policy/ip-ranges.js';
import {
  CALICO_PLUGIN,
  CILIUM_PLUGIN,
  UNKNOWN_PLUGIN,
  anp,
  banp,
  calicoNp,
  ccnp,
  cnp,
  gnp,
  inventoryOf,
  netpol,
  ns,
  pod,
  tier,
} from './helpers.js';

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
  /** The plugin the cluster runs and its own policies (Cilium: CNPs with `ns`, CCNPs without). */
  plugin?: 'cilium' | 'calico';
  cilium?: readonly { ns?: string | undefined; spec: Record<string, unknown> }[];
  /** Calico: NetworkPolicies (with `ns`) and GlobalNetworkPolicies; `sel` index into CALICO_SELECTORS. */
  calico?: readonly CalicoPolicy[];
  /** Order and defaultAction of the `sec` tier. */
  secTier?: { order: number; defaultAction: 'Deny' | 'Pass' };
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

// ---------- Cilium, as its documentation states it ----------

const CILIUM_NS = 'k8s:io.kubernetes.pod.namespace';

/** A Cilium endpoint selector on a pod: `k8s:` keys, the namespace label, a CNP's implicit namespace. */
function ciliumSel(sel: Sel, p: P, policyNs: string | undefined): boolean {
  // `k8s:` names the label's source; the namespace is the label io.kubernetes.pod.namespace.
  const strip = (key: string): string => (key.startsWith('k8s:') ? key.slice(4) : key);
  const plain: Sel = {
    matchLabels: Object.fromEntries(Object.entries(sel.matchLabels ?? {}).map(([key, v]) => [strip(key), v])),
    matchExpressions: (sel.matchExpressions ?? []).map((e) => ({ ...e, key: strip(e.key) })),
  };
  const named = k(plain.matchLabels ?? {}, 'io.kubernetes.pod.namespace');
  if (policyNs !== undefined && !named && p.ns !== policyNs) return false;
  return selMatches(plain, { ...p.labels, 'io.kubernetes.pod.namespace': p.ns });
}

function ciliumPeer(
  r: Record<string, unknown>,
  dir: 'ingress' | 'egress',
  who: Who,
  policyNs: string | undefined,
): boolean {
  const f = (a: string, b: string): unknown => r[dir === 'ingress' ? a : b];
  const eps = f('fromEndpoints', 'toEndpoints') as Sel[] | undefined;
  const cidrs = f('fromCIDRSet', 'toCIDRSet') as { cidr: string; except: string[] }[] | undefined;
  const ents = f('fromEntities', 'toEntities') as string[] | undefined;
  if (eps === undefined && cidrs === undefined && ents === undefined) return r['toPorts'] !== undefined;
  if ('pod' in who && (eps ?? []).some((s) => ciliumSel(s, who.pod, policyNs))) return true;
  if (
    'ip' in who &&
    (cidrs ?? []).some((c) => inCidr(who.ip, c.cidr) && !c.except.some((e) => inCidr(who.ip, e)))
  )
    return true;
  return (ents ?? []).some((e) => e === 'all' || (e === 'world' ? 'ip' in who : 'pod' in who));
}

function ciliumPorts(r: Record<string, unknown>, probe: Probe, dst: Who): boolean {
  const tp = r['toPorts'] as { ports: { port: string; protocol: string }[] }[] | undefined;
  if (tp === undefined) return true;
  return tp.some((x) =>
    x.ports.some((p) => {
      if (p.protocol !== 'ANY' && p.protocol !== probe.proto) return false;
      if (p.port === '0') return true;
      if (/^\d+$/.test(p.port)) return Number(p.port) === probe.port;
      return (
        'pod' in dst &&
        dst.pod.ports.some(
          (cp) =>
            cp.name === p.port && cp.containerPort === probe.port && (cp.protocol ?? 'TCP') === probe.proto,
        )
      );
    }),
  );
}

function ciliumDirectionOk(
  w: World,
  dir: 'ingress' | 'egress',
  subject: P,
  other: Who,
  probe: Probe,
  dst: Who,
): boolean {
  const np = npDecision(w, dir === 'ingress' ? 'Ingress' : 'Egress', subject, other, probe, dst);
  const mine = (w.cilium ?? []).filter((c) => ciliumSel(c.spec['endpointSelector'] as Sel, subject, c.ns));
  const rules = (c: { spec: Record<string, unknown> }, key: string) =>
    (c.spec[key] as Record<string, unknown>[] | undefined) ?? [];
  const denyKey = dir === 'ingress' ? 'ingressDeny' : 'egressDeny';
  // Deny rules win over every allow, whatever kind of policy allows.
  if (
    mine.some((c) =>
      rules(c, denyKey).some((r) => ciliumPeer(r, dir, other, c.ns) && ciliumPorts(r, probe, dst)),
    )
  )
    return false;
  const isolated = np !== null || mine.some((c) => rules(c, dir).length > 0 || rules(c, denyKey).length > 0);
  if (!isolated) return true;
  return (
    np === true ||
    mine.some((c) => rules(c, dir).some((r) => ciliumPeer(r, dir, other, c.ns) && ciliumPorts(r, probe, dst)))
  );
}

// ---------- Calico, as its documentation states it ----------

interface CalicoPolicy {
  ns?: string | undefined;
  name: string;
  tier: 'default' | 'sec';
  order?: number;
  sel: number;
  types: ('Ingress' | 'Egress')[];
  ingress: CalicoRule[];
  egress: CalicoRule[];
}
interface CalicoRule {
  action: 'Allow' | 'Deny' | 'Pass' | 'Log';
  protocol?: 'TCP' | 'UDP';
  peer: { sel?: number; nsSel?: number; nets?: string[]; notNets?: string[] };
  ports?: (number | string)[];
}
/** Selector text and the predicate it means, written independently of ktm's parser. */
const CALICO_SELECTORS: readonly [string, (l: Lbl) => boolean][] = [
  ['all()', () => true],
  ["app == 'a'", (l) => l['app'] === 'a'],
  ["app != 'a'", (l) => l['app'] !== 'a'],
  ['has(tier)', (l) => k(l, 'tier')],
  ['!has(tier)', (l) => !k(l, 'tier')],
  ["app in {'a','b'} && tier == 'x'", (l) => (l['app'] === 'a' || l['app'] === 'b') && l['tier'] === 'x'],
  ["app == 'b' || tier not in {'y'}", (l) => l['app'] === 'b' || l['tier'] !== 'y'],
  [
    "!(env == 'x') && projectcalico.org/name != 'n2'",
    (l) => l['env'] !== 'x' && l['projectcalico.org/name'] !== 'n2',
  ],
];

function calicoPeer(r: CalicoRule, who: Who, policyNs: string | undefined, w: World): boolean {
  const pe = r.peer;
  if ('ip' in who) {
    if (pe.sel !== undefined || pe.nsSel !== undefined) return false;
    if (pe.nets !== undefined && !pe.nets.some((c) => inCidr(who.ip, c))) return false;
    return !(pe.notNets ?? []).some((c) => inCidr(who.ip, c));
  }
  if (pe.nets !== undefined) return false;
  if (pe.sel === undefined && pe.nsSel === undefined) return true;
  const nsLabels = { ...nsLbl(w, who.pod.ns), 'projectcalico.org/name': who.pod.ns };
  const nsOk =
    pe.nsSel !== undefined
      ? CALICO_SELECTORS[pe.nsSel]![1](nsLabels)
      : policyNs === undefined || who.pod.ns === policyNs;
  return nsOk && (pe.sel === undefined || CALICO_SELECTORS[pe.sel]![1](who.pod.labels));
}

function calicoPorts(r: CalicoRule, probe: Probe, dst: Who): boolean {
  if (r.protocol !== undefined && r.protocol !== probe.proto) return false;
  if (r.ports === undefined) return true;
  return r.ports.some((p) => {
    if (typeof p === 'number') return p === probe.port;
    const m = /^(\d+):(\d+)$/.exec(p);
    if (m !== null) return probe.port >= Number(m[1]) && probe.port <= Number(m[2]);
    return (
      'pod' in dst &&
      dst.pod.ports.some(
        (cp) => cp.name === p && cp.containerPort === probe.port && (cp.protocol ?? 'TCP') === probe.proto,
      )
    );
  });
}

function calicoDirectionOk(
  w: World,
  dir: 'ingress' | 'egress',
  subject: P,
  other: Who,
  probe: Probe,
  dst: Who,
): boolean {
  const type = dir === 'ingress' ? 'Ingress' : 'Egress';
  const tierOrder = (t: string): number => (t === 'sec' ? (w.secTier?.order ?? Infinity) : 1_000_000);
  type Entry = {
    tier: string;
    order: number;
    name: string;
    decide: () => 'Allow' | 'Deny' | 'Pass' | undefined;
  };
  const entries: Entry[] = [];
  for (const c of w.calico ?? []) {
    if (c.ns !== undefined && c.ns !== subject.ns) continue;
    if (!c.types.includes(type) || !CALICO_SELECTORS[c.sel]![1](subject.labels)) continue;
    entries.push({
      tier: c.tier,
      order: c.order ?? Infinity,
      name: c.name,
      decide: () => {
        for (const r of dir === 'ingress' ? c.ingress : c.egress) {
          if (r.action === 'Log') continue;
          if (calicoPeer(r, other, c.ns, w) && calicoPorts(r, probe, dst)) return r.action;
        }
        return undefined;
      },
    });
  }
  // Kubernetes NetworkPolicies: default tier, order 1000, each allows what its rules allow.
  w.nps.forEach((p, i) => {
    if (p.ns !== subject.ns || !types(p.spec).includes(type)) return;
    if (!selMatches((p.spec['podSelector'] as Sel | undefined) ?? {}, subject.labels)) return;
    entries.push({
      tier: 'default',
      order: 1000,
      name: `np${i}`,
      decide: () =>
        npDecision({ ...w, nps: [p] }, type, subject, other, probe, dst) === true ? 'Allow' : undefined,
    });
  });
  entries.sort(
    (a, b) =>
      tierOrder(a.tier) - tierOrder(b.tier) ||
      a.tier.localeCompare(b.tier) ||
      (a.order === b.order ? 0 : a.order < b.order ? -1 : 1) ||
      a.name.localeCompare(b.name),
  );
  const tiers = [...new Set(entries.map((e) => e.tier))];
  for (const t of tiers) {
    let passed = false;
    for (const e of entries.filter((x) => x.tier === t)) {
      const d = e.decide();
      if (d === 'Allow') return true;
      if (d === 'Deny') return false;
      if (d === 'Pass') {
        passed = true;
        break;
      }
    }
    if (!passed && !(t === 'sec' && w.secTier?.defaultAction === 'Pass')) return false;
  }
  return true;
}

function naiveAllowed(w: World, src: Who, dst: Who, probe: Probe): boolean {
  const ok = (dir: 'ingress' | 'egress', subject: P, other: Who): boolean =>
    w.plugin === 'cilium'
      ? ciliumDirectionOk(w, dir, subject, other, probe, dst)
      : w.plugin === 'calico'
        ? calicoDirectionOk(w, dir, subject, other, probe, dst)
        : directionOk(w, dir, subject, other, probe, dst);
  const eg = 'pod' in src ? ok('egress', src.pod, dst) : true;
  const ig = 'pod' in dst ? ok('ingress', dst.pod, src) : true;
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

function calicoRuleObject(r: CalicoRule): Record<string, unknown> {
  const peer = {
    ...(r.peer.sel === undefined ? {} : { selector: CALICO_SELECTORS[r.peer.sel]![0] }),
    ...(r.peer.nsSel === undefined ? {} : { namespaceSelector: CALICO_SELECTORS[r.peer.nsSel]![0] }),
    ...(r.peer.nets === undefined ? {} : { nets: r.peer.nets }),
    ...(r.peer.notNets === undefined ? {} : { notNets: r.peer.notNets }),
  };
  return {
    action: r.action,
    ...(r.protocol === undefined ? {} : { protocol: r.protocol }),
    peer,
    ports: r.ports,
  };
}

function calicoObject(c: CalicoPolicy): KubeObject {
  const rules = (list: CalicoRule[], dir: 'ingress' | 'egress') =>
    list.map((r) => {
      const { peer, ports, ...rest } = calicoRuleObject(r) as { peer: object; ports?: unknown[] };
      const dstPorts = ports === undefined ? {} : { ports };
      return dir === 'ingress'
        ? { ...rest, source: peer, destination: dstPorts }
        : { ...rest, destination: { ...peer, ...dstPorts } };
    });
  const spec = {
    tier: c.tier,
    ...(c.order === undefined ? {} : { order: c.order }),
    selector: CALICO_SELECTORS[c.sel]![0],
    types: c.types,
    ingress: rules(c.ingress, 'ingress'),
    egress: rules(c.egress, 'egress'),
  };
  return c.ns === undefined ? gnp(c.name, spec) : calicoNp(c.ns, c.name, spec);
}

function objects(w: World): KubeObject[] {
  return [
    ...NAMESPACES.map((n) => ns(n, w.nsLabels[n] ?? {})),
    ...w.pods.map((p) => pod(p.ns, p.name, { labels: p.labels, ports: p.ports })),
    ...w.nps.map((p, i) => netpol(p.ns, `np${i}`, p.spec)),
    ...w.anps.map((a) => anp(a.name, a.spec)),
    ...(w.banp !== undefined ? [banp(w.banp)] : []),
    ...(w.cilium ?? []).map((c, i) =>
      c.ns === undefined ? ccnp(`c${i}`, c.spec) : cnp(c.ns, `c${i}`, c.spec),
    ),
    ...(w.calico ?? []).map(calicoObject),
    ...(w.secTier === undefined ? [] : [tier('sec', w.secTier)]),
  ];
}

const reachOf = (w: World): Reachability =>
  computeReachability(inventoryOf(objects(w)), {
    plugin: w.plugin === 'cilium' ? CILIUM_PLUGIN : w.plugin === 'calico' ? CALICO_PLUGIN : UNKNOWN_PLUGIN,
  });
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

// ---------- random Cilium and Calico policies ----------

const arbCiliumSel: fc.Arbitrary<Sel> = fc.oneof(
  arbSel,
  fc.constantFrom(...NAMESPACES).map((n) => ({ matchLabels: { [CILIUM_NS]: n } })),
  arbLabels.map((l) => ({
    matchLabels: Object.fromEntries(Object.entries(l).map(([key, v]) => [`k8s:${key}`, v])),
  })),
);
const arbCiliumRule = (dir: 'from' | 'to') =>
  fc.record(
    {
      [`${dir}Endpoints`]: fc.array(arbCiliumSel, { minLength: 1, maxLength: 2 }),
      [`${dir}Entities`]: fc.subarray(['world', 'cluster', 'all'], { minLength: 1 }),
      [`${dir}CIDRSet`]: fc.array(
        fc.record({ cidr: fc.constantFrom(...CIDRS), except: fc.constantFrom([], ['10.1.0.0/16']) }),
        { minLength: 1, maxLength: 2 },
      ),
      toPorts: fc.array(
        fc.record({
          ports: fc.array(
            fc.record({
              port: fc.constantFrom('80', '53', '0', 'http'),
              protocol: fc.constantFrom('TCP', 'UDP', 'ANY'),
            }),
            { minLength: 1, maxLength: 2 },
          ),
        }),
        { minLength: 1, maxLength: 2 },
      ),
    },
    { requiredKeys: [] },
  );
const arbCiliumSpec = fc.record(
  {
    endpointSelector: arbCiliumSel,
    ingress: fc.array(arbCiliumRule('from'), { maxLength: 2 }),
    ingressDeny: fc.array(arbCiliumRule('from'), { maxLength: 1 }),
    egress: fc.array(arbCiliumRule('to'), { maxLength: 2 }),
    egressDeny: fc.array(arbCiliumRule('to'), { maxLength: 1 }),
  },
  { requiredKeys: ['endpointSelector'] },
);
const arbCilium = fc.array(
  fc.record({ ns: fc.option(fc.constantFrom(...NAMESPACES), { nil: undefined }), spec: arbCiliumSpec }),
  { maxLength: 3 },
);

const selIndex = fc.nat({ max: CALICO_SELECTORS.length - 1 });
const arbCalicoRule: fc.Arbitrary<CalicoRule> = fc
  .record({
    action: fc.constantFrom<CalicoRule['action']>('Allow', 'Deny', 'Pass', 'Log'),
    protocol: fc.option(fc.constantFrom<'TCP' | 'UDP'>('TCP', 'UDP'), { nil: undefined }),
    peer: fc.record(
      {
        sel: selIndex,
        nsSel: selIndex,
        nets: fc.subarray(CIDRS, { minLength: 1 }),
        notNets: fc.subarray(CIDRS, { minLength: 1 }),
      },
      { requiredKeys: [] },
    ),
    ports: fc.array(fc.constantFrom<number | string>(80, 53, 8080, '80:81', 'http', 'dns'), {
      minLength: 1,
      maxLength: 2,
    }),
  })
  .map((r) => {
    const { protocol, ports, ...rest } = r;
    // Calico takes ports only with a protocol that has them.
    return protocol === undefined ? rest : { ...rest, protocol, ports };
  });
const arbCalico = fc
  .array(
    fc.record(
      {
        ns: fc.constantFrom(...NAMESPACES),
        tier: fc.constantFrom<'default' | 'sec'>('default', 'sec'),
        order: fc.constantFrom(100, 1000, 2000),
        sel: selIndex,
        types: fc.constantFrom<('Ingress' | 'Egress')[]>(['Ingress'], ['Egress'], ['Ingress', 'Egress']),
        ingress: fc.array(arbCalicoRule, { maxLength: 2 }),
        egress: fc.array(arbCalicoRule, { maxLength: 2 }),
      },
      { requiredKeys: ['tier', 'sel', 'types', 'ingress', 'egress'] },
    ),
    { maxLength: 4 },
  )
  .map((ps) => ps.map((p, i): CalicoPolicy => ({ ...p, name: `cal${i}` })));

const arbPluginWorld = (plugin: 'cilium' | 'calico'): fc.Arbitrary<World> =>
  fc
    .record({
      w: arbWorld(false),
      cilium: arbCilium,
      calico: arbCalico,
      secTier: fc.record({
        order: fc.constantFrom(100, 2_000_000),
        defaultAction: fc.constantFrom<'Deny' | 'Pass'>('Deny', 'Pass'),
      }),
    })
    .map(({ w, cilium, calico, secTier }) =>
      plugin === 'cilium' ? { ...w, plugin, cilium } : { ...w, plugin, calico, secTier },
    );

describe('reachability properties', () => {
  it('equivalence classes give exactly the naive per-pod answer (Cilium: NetworkPolicy, CNP, CCNP, deny rules)', () => {
    fc.assert(fc.property(arbPluginWorld('cilium'), checkOracle), { numRuns: 300 });
  });

  it('equivalence classes give exactly the naive per-pod answer (Calico: tiers, order, Pass, NetworkPolicy at 1000)', () => {
    fc.assert(fc.property(arbPluginWorld('calico'), checkOracle), { numRuns: 300 });
  });

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
