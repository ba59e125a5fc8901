// Kubernetes quantities as numbers: decimal and binary suffixes, milli, exponents, junk.
import { describe, expect, it } from 'vitest';
import { parseQuantity } from '../../../src/rules/workload/resource-claim-abuse.js';

describe('parseQuantity', () => {
  it('reads the suffixes the API accepts', () => {
    expect(parseQuantity('400m')).toBeCloseTo(0.4);
    expect(parseQuantity('400Mi')).toBe(400 * 2 ** 20);
    expect(parseQuantity('1.5Gi')).toBe(1.5 * 2 ** 30);
    expect(parseQuantity('2k')).toBe(2000);
    expect(parseQuantity('2e3')).toBe(2000);
    expect(parseQuantity(3)).toBe(3);
    expect(parseQuantity('12MB')).toBeUndefined();
  });
});
