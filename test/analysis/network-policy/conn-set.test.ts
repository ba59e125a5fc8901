// Connection-set algebra and its netpol-analyzer text form.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ALL,
  EMPTY,
  allPorts,
  contains,
  formatConns,
  intersect,
  isEmpty,
  portRange,
  subtract,
  union,
  type ConnSet,
} from '../../../src/analysis/network-policy/conn-set.js';

describe('conn-set', () => {
  it('formats like netpol-analyzer: protocols alphabetical, ranges and single ports comma-separated', () => {
    const c = union(union(portRange('TCP', 80, 80), portRange('TCP', 8080, 8090)), portRange('UDP', 53, 53));
    expect(formatConns(c)).toBe('TCP 80,8080-8090,UDP 53');
    expect(formatConns(union(c, portRange('SCTP', 9003, 9003)))).toBe('SCTP 9003,TCP 80,8080-8090,UDP 53');
    expect(formatConns(ALL)).toBe('All Connections');
    expect(formatConns(subtract(ALL, portRange('TCP', 80, 80)))).toBe(
      'SCTP 1-65535,TCP 1-79,81-65535,UDP 1-65535',
    );
  });

  it('merges adjacent ranges and clamps to 1-65535', () => {
    expect(formatConns(union(portRange('TCP', 1, 10), portRange('TCP', 11, 20)))).toBe('TCP 1-20');
    expect(isEmpty(portRange('TCP', 70000, 80000))).toBe(true);
    expect(formatConns(union(allPorts('TCP'), union(allPorts('UDP'), allPorts('SCTP'))))).toBe(
      'All Connections',
    );
  });

  const arbConn: fc.Arbitrary<ConnSet> = fc
    .array(
      fc.tuple(
        fc.constantFrom('TCP' as const, 'UDP' as const, 'SCTP' as const),
        fc.integer({ min: 1, max: 200 }),
        fc.integer({ min: 0, max: 30 }),
      ),
      { maxLength: 6 },
    )
    .map((parts) => parts.reduce<ConnSet>((acc, [p, s, len]) => union(acc, portRange(p, s, s + len)), EMPTY));

  const members = (c: ConnSet): Set<string> => {
    const out = new Set<string>();
    for (const p of ['SCTP', 'TCP', 'UDP'] as const)
      for (const [s, e] of c[p]) for (let i = s; i <= Math.min(e, 260); i++) out.add(`${p}${i}`);
    return out;
  };

  it('union, intersection and difference agree with sets of ports', () => {
    fc.assert(
      fc.property(arbConn, arbConn, (a, b) => {
        const ma = members(a);
        const mb = members(b);
        expect(members(union(a, b))).toEqual(new Set([...ma, ...mb]));
        expect(members(intersect(a, b))).toEqual(new Set([...ma].filter((x) => mb.has(x))));
        expect(members(subtract(a, b))).toEqual(new Set([...ma].filter((x) => !mb.has(x))));
        expect(contains(union(a, b), a)).toBe(true);
      }),
    );
  });
});
