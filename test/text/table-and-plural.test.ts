// Terminal tables fitted to the terminal's width (never when piped), and counted nouns with correct plurals.
import { describe, expect, it } from 'vitest';
import { formatTable, truncate } from '../../src/text/table.js';
import { plural, pluralOf } from '../../src/text/plural.js';
import { captureIo } from '../helpers/capture-io.js';
import { main } from '../../src/cli/main.js';

const rows = [
  ['ID', 'SEVERITY', 'TITLE'],
  ['weak-tls', 'high', 'A component accepts TLS versions or cipher suites that are no longer safe'],
  ['attack-path', 'critical', 'A path leads from a zone entry to the crown jewels'],
];

describe('formatTable', () => {
  it('pads columns and cuts nothing without a width', () => {
    const lines = formatTable(rows).split('\n');
    expect(lines[0]).toBe('ID           SEVERITY  TITLE');
    expect(lines[1]).toBe(`weak-tls     high      ${rows[1]![2]!}`);
  });

  it('fits a width: the widest column gives way and cut cells end in an ellipsis', () => {
    const lines = formatTable(rows, { width: 50 }).split('\n');
    for (const l of lines) expect(l.length).toBeLessThanOrEqual(50);
    expect(lines[1]).toBe('weak-tls     high      A component accepts TLS ve…');
    expect(lines[2]).toBe('attack-path  critical  A path leads from a zone e…');
  });

  it('keeps every column readable on a very narrow terminal', () => {
    const lines = formatTable(rows, { width: 10 }).split('\n');
    expect(lines[2]).toBe('attack-…  critical  A path …');
  });

  it('truncates to the width with one ellipsis', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 4)).toBe('abc');
  });
});

describe('tables in commands', () => {
  const run = async (args: string[], columns?: number): Promise<string[]> => {
    const { io, out } = captureIo();
    await main(args, columns === undefined ? io : { ...io, stdoutColumns: columns });
    return out().stdout.trimEnd().split('\n');
  };

  it('ktm rules fits a 60-column terminal and is not cut when piped', async () => {
    const fitted = await run(['rules'], 60);
    expect(Math.max(...fitted.map((l) => l.length))).toBeLessThanOrEqual(60);
    expect(fitted.some((l) => l.endsWith('…'))).toBe(true);
    const piped = await run(['rules']);
    expect(Math.max(...piped.map((l) => l.length))).toBeGreaterThan(60);
    expect(piped.some((l) => l.endsWith('…'))).toBe(false);
  });
});

describe('plural', () => {
  it('counts nouns in English', () => {
    expect(plural(1, 'path')).toBe('1 path');
    expect(plural(2, 'path')).toBe('2 paths');
    expect(plural(0, 'issue')).toBe('0 issues');
    expect(plural(3, 'policy')).toBe('3 policies');
    expect(plural(2, 'key')).toBe('2 keys');
    expect(plural(2, 'pass')).toBe('2 passes');
    expect(plural(2, 'RRA document')).toBe('2 RRA documents');
    expect(plural(2, 'discrepancy', 'discrepancies')).toBe('2 discrepancies');
    expect(pluralOf('NetworkPolicy')).toBe('NetworkPolicies');
  });
});
