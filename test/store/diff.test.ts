// diffAssessments and the diff/history renderers: what counts as a change, and cluster strings escaped.
import { describe, expect, it } from 'vitest';
import { diffAssessments, diffIsEmpty, type DiffInput } from '../../src/store/diff.js';
import { renderDiff, renderHistory } from '../../src/report/history.js';
import type { Finding } from '../../src/rules/finding.js';
import type { StoredAssessment } from '../../src/store/assessment-store.js';

const finding = (
  id: string,
  severity: Finding['severity'] = 'high',
  status: Finding['status'] = 'fail',
): Finding => ({
  id,
  rule: id.split('@')[0] ?? id,
  status,
  severity,
  zone: 'Worker',
  subject: { kind: 'Pod', name: id },
  message: `message of ${id}`,
  evidence: [],
  remediation: { shortTerm: '', longTerm: '' },
  references: [],
});

const rating = (id: string, level: 'Low' | 'Medium' | 'High' | 'Critical') => ({
  id,
  name: id,
  subject: 'zone' as const,
  confidentiality: { level, reasons: [] },
  integrity: { level: 'Low' as const, reasons: [] },
  availability: { level: 'Low' as const, reasons: [] },
});

describe('diffAssessments', () => {
  it('reports new, resolved and changed findings, criticality, assumptions and drift, sorted by id', () => {
    const before = {
      findings: [finding('b@1'), finding('a@1'), finding('c@1', 'low')],
      criticality: { zones: [rating('z1', 'Low'), rating('gone', 'High')], components: [], limits: [] },
      assumptions: [
        { id: 'x', text: 'X holds', check: 'cel', result: 'confirmed', message: '', evidence: [] },
      ],
      drift: [
        { id: 'd1', kind: 'missing-component', zone: 'z', subject: 's', message: 'old drift', evidence: [] },
      ],
    } as unknown as DiffInput;
    const after = {
      findings: [finding('c@1', 'high'), finding('e@1'), finding('d@1')],
      criticality: { zones: [rating('z1', 'High'), rating('new', 'Low')], components: [], limits: [] },
      assumptions: [
        { id: 'x', text: 'X holds', check: 'cel', result: 'contradicted', message: '', evidence: [] },
      ],
      drift: [],
    } as unknown as DiffInput;
    const d = diffAssessments(before, after);
    expect(d.findings.new.map((f) => f.id)).toEqual(['d@1', 'e@1']);
    expect(d.findings.resolved.map((f) => f.id)).toEqual(['a@1', 'b@1']);
    expect(d.findings.changed).toEqual([{ id: 'c@1', before: 'fail low', after: 'fail high' }]);
    expect(d.criticality).toEqual([
      { zone: 'z1', name: 'z1', dimension: 'confidentiality', before: 'Low', after: 'High' },
    ]);
    expect(d.assumptions).toEqual([{ id: 'x', text: 'X holds', before: 'confirmed', after: 'contradicted' }]);
    expect(d.drift).toEqual({ appeared: [], gone: [{ id: 'd1', text: 'old drift' }] });
    expect(diffIsEmpty(d)).toBe(false);
  });

  it('finds nothing between an assessment and itself, and reads documents missing parts (an older ktm)', () => {
    const a = { findings: [finding('a@1')] } as DiffInput;
    expect(diffIsEmpty(diffAssessments(a, a))).toBe(true);
    expect(diffAssessments({}, a).findings.new.map((f) => f.id)).toEqual(['a@1']);
  });
});

describe('history and diff renderers', () => {
  const hostile = 'evil\u001b]8;;http://x\u0007cluster\u001b[2J';
  const info = (id: number): StoredAssessment => ({
    id,
    cluster: hostile,
    createdAt: '2026-12-01T00:00:00.000Z',
    toolVersion: '0.1.0',
    findings: 1,
    summary: { critical: 1 },
  });

  it('escapes cluster-supplied strings in the table and Markdown', () => {
    const table = renderHistory([info(1)], 'table');
    expect(table).not.toContain('\u001b');
    expect(table).toContain('\\x1b');
    const d = diffAssessments({}, { findings: [finding('r@<img src=x onerror=alert(1)>\u001b[31m')] });
    const text = renderDiff(d, { before: info(1), after: info(2) }, 'table');
    expect(Array.from(text).some((c) => c !== '\n' && c.charCodeAt(0) < 0x20)).toBe(false);
    const md = renderDiff(d, { before: info(1), after: info(2) }, 'md');
    // Markdown renders a backslash-escaped '<' as text: no raw tag reaches the page.
    expect(md).not.toMatch(/(?<!\\)<img/);
    expect(md).toContain('\\<img');
    expect(JSON.parse(renderDiff(d, { before: info(1), after: info(2) }, 'json'))).toMatchObject({
      before: 1,
      after: 2,
    });
  });
});
