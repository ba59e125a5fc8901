// IP address ranges (IPv4 and IPv6) for ipBlock and ANP networks: CIDR parsing, except, partitions and netpol-analyzer's text form.

export type IpFamily = 4 | 6;

/** Inclusive range of addresses of one family, as integers. */
export interface IpRange {
  readonly family: IpFamily;
  readonly start: bigint;
  readonly end: bigint;
}

const V4_MAX = (1n << 32n) - 1n;
const V6_MAX = (1n << 128n) - 1n;

export function universe(family: IpFamily): IpRange {
  return { family, start: 0n, end: family === 4 ? V4_MAX : V6_MAX };
}

function parseV4(s: string): bigint | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0n;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    n = (n << 8n) | BigInt(v);
  }
  return n;
}

function parseV6(s: string): bigint | undefined {
  let text = s;
  const lastColon = text.lastIndexOf(':');
  const lastPart = text.slice(lastColon + 1);
  if (lastPart.includes('.')) {
    // An embedded IPv4 tail (::ffff:10.0.0.1) is two 16-bit groups.
    const v4 = parseV4(lastPart);
    if (v4 === undefined) return undefined;
    text = `${text.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string): bigint[] | undefined => {
    if (h === '') return [];
    const out: bigint[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(BigInt(`0x${g}`));
    }
    return out;
  };
  const head = groups(halves[0]!);
  const rest = halves.length === 2 ? groups(halves[1]!) : [];
  if (head === undefined || rest === undefined) return undefined;
  const given = head.length + rest.length;
  let all: bigint[];
  if (halves.length === 2) {
    if (given > 7) return undefined;
    all = [...head, ...Array<bigint>(8 - given).fill(0n), ...rest];
  } else {
    if (given !== 8) return undefined;
    all = head;
  }
  return all.reduce((n, g) => (n << 16n) | g, 0n);
}

/** Parse `a.b.c.d/n` or an IPv6 CIDR; a bare address is a /32 or /128. Undefined when malformed. */
export function parseCidr(cidr: string): IpRange | undefined {
  const [addr, bits, extra] = cidr.trim().split('/');
  if (addr === undefined || extra !== undefined) return undefined;
  const family: IpFamily = addr.includes(':') ? 6 : 4;
  const value = family === 4 ? parseV4(addr) : parseV6(addr);
  if (value === undefined) return undefined;
  const width = family === 4 ? 32 : 128;
  const prefix = bits === undefined ? width : /^\d{1,3}$/.test(bits) ? Number(bits) : NaN;
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > width) return undefined;
  const hostBits = BigInt(width - prefix);
  const mask = (1n << hostBits) - 1n;
  const start = value & ~mask & (family === 4 ? V4_MAX : V6_MAX);
  return { family, start, end: start | mask };
}

/** Sorted, disjoint, non-adjacent ranges. */
export function normalize(ranges: readonly IpRange[]): IpRange[] {
  const sorted = [...ranges].sort((a, b) =>
    a.family !== b.family ? a.family - b.family : a.start < b.start ? -1 : a.start > b.start ? 1 : 0,
  );
  const out: IpRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && last.family === r.family && r.start <= last.end + 1n) {
      if (r.end > last.end) out[out.length - 1] = { ...last, end: r.end };
    } else out.push(r);
  }
  return out;
}

/** `cidr` minus each of `except`: the contiguous pieces left. */
export function subtractRanges(base: readonly IpRange[], minus: readonly IpRange[]): IpRange[] {
  let cur = normalize(base);
  for (const m of minus) {
    const next: IpRange[] = [];
    for (const r of cur) {
      if (r.family !== m.family || m.end < r.start || m.start > r.end) {
        next.push(r);
        continue;
      }
      if (m.start > r.start) next.push({ ...r, end: m.start - 1n });
      if (m.end < r.end) next.push({ ...r, start: m.end + 1n });
    }
    cur = next;
  }
  return cur;
}

/** Whether the range lies wholly inside one of `set`. */
export function rangeWithin(r: IpRange, set: readonly IpRange[]): boolean {
  return set.some((s) => s.family === r.family && s.start <= r.start && r.end <= s.end);
}

/**
 * Split the union of `universes` by every boundary of `blocks`: the elementary ranges, each wholly inside or
 * wholly outside every block. This is netpol-analyzer's partition of the outside world (disjoint blocks, split
 * into contiguous ranges).
 */
export function partition(universes: readonly IpRange[], blocks: readonly IpRange[]): IpRange[] {
  const out: IpRange[] = [];
  for (const u of normalize(universes)) {
    const cuts = new Set<bigint>();
    for (const b of blocks) {
      if (b.family !== u.family) continue;
      if (b.start > u.start && b.start <= u.end) cuts.add(b.start);
      if (b.end >= u.start && b.end < u.end) cuts.add(b.end + 1n);
    }
    const sorted = [...cuts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    let s = u.start;
    for (const c of sorted) {
      out.push({ family: u.family, start: s, end: c - 1n });
      s = c;
    }
    out.push({ family: u.family, start: s, end: u.end });
  }
  return out;
}

function formatV4(n: bigint): string {
  return [24n, 16n, 8n, 0n].map((sh) => ((n >> sh) & 255n).toString()).join('.');
}

/** RFC 5952 text (as Go's net.IP prints it): lower case, longest run of two or more zero groups as `::`. */
function formatV6(n: bigint): string {
  const groups = [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((sh) => Number((n >> sh) & 0xffffn));
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

export function formatIp(family: IpFamily, n: bigint): string {
  return family === 4 ? formatV4(n) : formatV6(n);
}

/** `a.b.c.d-e.f.g.h`, as netpol-analyzer names an external range. */
export function formatRange(r: IpRange): string {
  return `${formatIp(r.family, r.start)}-${formatIp(r.family, r.end)}`;
}

/** Whether the range shares an address with one of `set`. */
export function rangesOverlap(r: IpRange, set: readonly IpRange[]): boolean {
  return set.some((s) => s.family === r.family && s.start <= r.end && r.start <= s.end);
}
