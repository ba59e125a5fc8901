// `ktm assess --report DIR` writes every review file; `-o html|md|sarif` writes one to stdout.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runKtm } from '../helpers/capture-io.js';

const dir = mkdtempSync(path.join(tmpdir(), 'ktm-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('ktm assess --report', () => {
  it('writes report.html, report.md, assessment.json, results.sarif and the SVG diagrams', async () => {
    const out = path.join(dir, 'out');
    const r = await runKtm(['assess', '--demo', '--report', out, '-o', 'md']);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual([
      'assessment.json',
      'dataflow.svg',
      'report.html',
      'report.md',
      'results.sarif',
      'zones.svg',
    ]);
    expect(r.stderr).toContain('wrote report.html, report.md, assessment.json, results.sarif');
    // stdout is the -o format, the same bytes as the file.
    expect(r.stdout).toBe(readFileSync(path.join(out, 'report.md'), 'utf8'));
    const json = JSON.parse(readFileSync(path.join(out, 'assessment.json'), 'utf8')) as {
      findings: unknown[];
    };
    const sarif = JSON.parse(readFileSync(path.join(out, 'results.sarif'), 'utf8')) as {
      runs: { results: unknown[] }[];
    };
    expect(sarif.runs[0]!.results).toHaveLength(json.findings.length);
    const html = readFileSync(path.join(out, 'report.html'), 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<svg');
    expect(html).toContain('Rapid Risk Assessment');
    expect(readFileSync(path.join(out, 'dataflow.svg'), 'utf8')).toContain('<svg');
    // No temporary file is left beside the reports.
    expect(readdirSync(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  }, 120_000);

  it('-o sarif and -o html write one format to stdout; an unknown format is a usage error', async () => {
    const sarif = await runKtm(['assess', '--demo', '-o', 'sarif']);
    expect(sarif.code).toBe(0);
    expect((JSON.parse(sarif.stdout) as { version: string }).version).toBe('2.1.0');
    const html = await runKtm(['assess', '--demo', '-o', 'html']);
    expect(html.code).toBe(0);
    expect(html.stdout).toContain('Content-Security-Policy');
    const bad = await runKtm(['assess', '--demo', '-o', 'pdf']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('md');
  }, 120_000);
});
