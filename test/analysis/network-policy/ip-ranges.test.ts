// CIDR parsing (IPv4, IPv6), except, the partition of the outside world, and range text.
import { describe, expect, it } from 'vitest';
import {
  formatRange,
  parseCidr,
  partition,
  subtractRanges,
  universe,
} from '../../../src/analysis/network-policy/ip-ranges.js';

const cidr = (s: string) => {
  const r = parseCidr(s);
  if (r === undefined) throw new Error(s);
  return r;
};

describe('ip-ranges', () => {
  it('parses IPv4 and IPv6 CIDRs, normalising host bits', () => {
    expect(formatRange(cidr('10.1.2.3/8'))).toBe('10.0.0.0-10.255.255.255');
    expect(formatRange(cidr('8.8.8.8'))).toBe('8.8.8.8-8.8.8.8');
    expect(formatRange(cidr('fd00::/8'))).toBe('fd00::-fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff');
    expect(formatRange(cidr('::ffff:10.0.0.1/128'))).toBe('::ffff:a00:1-::ffff:a00:1');
    expect(parseCidr('10.0.0.0/33')).toBeUndefined();
    expect(parseCidr('300.0.0.0/8')).toBeUndefined();
    expect(parseCidr('1:2:3')).toBeUndefined();
  });

  it('subtracts except blocks into contiguous pieces', () => {
    const r = subtractRanges([cidr('10.0.0.0/8')], [cidr('10.10.0.0/16')]);
    expect(r.map(formatRange)).toEqual(['10.0.0.0-10.9.255.255', '10.11.0.0-10.255.255.255']);
  });

  it('partitions the IPv4 space at every block boundary', () => {
    const blocks = subtractRanges([cidr('10.0.0.0/8')], [cidr('10.10.0.0/16')]);
    expect(partition([universe(4)], blocks).map(formatRange)).toEqual([
      '0.0.0.0-9.255.255.255',
      '10.0.0.0-10.9.255.255',
      '10.10.0.0-10.10.255.255',
      '10.11.0.0-10.255.255.255',
      '11.0.0.0-255.255.255.255',
    ]);
    expect(partition([universe(4)], []).map(formatRange)).toEqual(['0.0.0.0-255.255.255.255']);
  });
});
