// Connection sets: per protocol (TCP, UDP, SCTP) a sorted list of disjoint port ranges, with set algebra and the netpol-analyzer text form.

export const PROTOCOLS = ['SCTP', 'TCP', 'UDP'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

/** Inclusive port range [start, end], 1 ≤ start ≤ end ≤ 65535. */
export type PortRange = readonly [number, number];
export type Ranges = readonly PortRange[];

export interface ConnSet {
  readonly SCTP: Ranges;
  readonly TCP: Ranges;
  readonly UDP: Ranges;
}

export const MIN_PORT = 1;
export const MAX_PORT = 65535;
const FULL: Ranges = [[MIN_PORT, MAX_PORT]];

export const EMPTY: ConnSet = { SCTP: [], TCP: [], UDP: [] };
export const ALL: ConnSet = { SCTP: FULL, TCP: FULL, UDP: FULL };

export function isProtocol(s: string): s is Protocol {
  return (PROTOCOLS as readonly string[]).includes(s);
}

/** A connection set holding one protocol's port range (clamped to 1-65535; empty when the range is). */
export function portRange(protocol: Protocol, start: number, end: number): ConnSet {
  const s = Math.max(MIN_PORT, start);
  const e = Math.min(MAX_PORT, end);
  if (s > e) return EMPTY;
  return { ...EMPTY, [protocol]: [[s, e]] };
}

export function allPorts(protocol: Protocol): ConnSet {
  return { ...EMPTY, [protocol]: FULL };
}

function unionRanges(a: Ranges, b: Ranges): Ranges {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const all = [...a, ...b].sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const [s, e] of all) {
    const last = out[out.length - 1];
    if (last !== undefined && s <= last[1] + 1) last[1] = Math.max(last[1], e);
    else out.push([s, e]);
  }
  return out;
}

function intersectRanges(a: Ranges, b: Ranges): Ranges {
  if (a.length === 0 || b.length === 0) return [];
  const out: PortRange[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    const s = Math.max(x[0], y[0]);
    const e = Math.min(x[1], y[1]);
    if (s <= e) out.push([s, e]);
    if (x[1] < y[1]) i++;
    else j++;
  }
  return out;
}

function subtractRanges(a: Ranges, b: Ranges): Ranges {
  if (a.length === 0 || b.length === 0) return a;
  const out: PortRange[] = [];
  let j = 0;
  for (const [s0, e] of a) {
    let s = s0;
    while (j < b.length && b[j]![1] < s) j++;
    let k = j;
    while (k < b.length && b[k]![0] <= e) {
      const [bs, be] = b[k]!;
      if (bs > s) out.push([s, bs - 1]);
      s = Math.max(s, be + 1);
      if (s > e) break;
      k++;
    }
    if (s <= e) out.push([s, e]);
  }
  return out;
}

export function union(a: ConnSet, b: ConnSet): ConnSet {
  if (a === ALL || b === ALL) return ALL;
  if (isEmpty(a)) return b;
  if (isEmpty(b)) return a;
  return {
    SCTP: unionRanges(a.SCTP, b.SCTP),
    TCP: unionRanges(a.TCP, b.TCP),
    UDP: unionRanges(a.UDP, b.UDP),
  };
}

export function intersect(a: ConnSet, b: ConnSet): ConnSet {
  if (a === ALL) return b;
  if (b === ALL) return a;
  return {
    SCTP: intersectRanges(a.SCTP, b.SCTP),
    TCP: intersectRanges(a.TCP, b.TCP),
    UDP: intersectRanges(a.UDP, b.UDP),
  };
}

export function subtract(a: ConnSet, b: ConnSet): ConnSet {
  if (b === ALL) return EMPTY;
  return {
    SCTP: subtractRanges(a.SCTP, b.SCTP),
    TCP: subtractRanges(a.TCP, b.TCP),
    UDP: subtractRanges(a.UDP, b.UDP),
  };
}

export function isEmpty(c: ConnSet): boolean {
  return c.SCTP.length === 0 && c.TCP.length === 0 && c.UDP.length === 0;
}

function isFull(r: Ranges): boolean {
  return r.length === 1 && r[0]![0] === MIN_PORT && r[0]![1] === MAX_PORT;
}

export function isAll(c: ConnSet): boolean {
  return isFull(c.SCTP) && isFull(c.TCP) && isFull(c.UDP);
}

export function equals(a: ConnSet, b: ConnSet): boolean {
  return formatConns(a) === formatConns(b);
}

/** Whether `a` holds every connection of `b`. */
export function contains(a: ConnSet, b: ConnSet): boolean {
  return isEmpty(subtract(b, a));
}

/**
 * netpol-analyzer's text: `All Connections`, or protocols in alphabetical order, each with its ranges,
 * e.g. `SCTP 9003,TCP 80,8080-8090,UDP 53`; the empty set is `No Connections`.
 */
export function formatConns(c: ConnSet): string {
  if (isAll(c)) return 'All Connections';
  const parts: string[] = [];
  for (const p of PROTOCOLS) {
    const r = c[p];
    if (r.length === 0) continue;
    parts.push(`${p} ${r.map(([s, e]) => (s === e ? `${s}` : `${s}-${e}`)).join(',')}`);
  }
  return parts.length === 0 ? 'No Connections' : parts.join(',');
}
