// Triage rules: latest decision per finding, lapsed acceptances re-open, mitigated-but-present is flagged, the gate.
import { describe, expect, it } from 'vitest';
import {
  countsForGate,
  findingFingerprint,
  parseUntil,
  triageFindings,
  type TriageDecision,
} from '../../../src/rules/framework/triage.js';
import type { Finding } from '../../../src/rules/finding.js';

const finding = (id: string, status: Finding['status'] = 'fail'): Finding => ({
  id,
  rule: 'r',
  status,
  severity: 'high',
  zone: 'Worker',
  subject: { kind: 'Pod', name: id },
  message: '',
  evidence: [],
  remediation: { shortTerm: '', longTerm: '' },
  references: [],
});

const decision = (findingId: string, d: Partial<TriageDecision>): TriageDecision => ({
  cluster: 'c',
  findingId,
  state: 'accepted',
  reason: 'why',
  by: 'me',
  at: '2026-12-01T00:00:00.000Z',
  ...d,
});

describe('triageFindings', () => {
  const now = new Date('2026-12-06T12:00:00Z');
  const latest = new Map([
    ['a', decision('a', { until: '2026-12-06' })],
    ['b', decision('b', { until: '2026-12-05' })],
    ['c', decision('c', { state: 'mitigated' })],
    ['d', decision('d', { state: 'false-positive' })],
    ['gone', decision('gone', {})],
  ]);
  const t = triageFindings(
    [finding('d'), finding('c'), finding('b'), finding('a'), finding('open')],
    latest,
    now,
  );

  it('keeps an acceptance through its last day and re-opens it the day after', () => {
    expect(t.find((x) => x.findingId === 'a')?.state).toBe('accepted');
    expect(t.find((x) => x.findingId === 'b')).toMatchObject({ state: 'open', expired: true });
  });

  it('flags a finding marked mitigated that is still reported, and lists only findings present, sorted', () => {
    expect(t.find((x) => x.findingId === 'c')).toMatchObject({ state: 'mitigated', stillPresent: true });
    expect(t.map((x) => x.findingId)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('keeps accepted and false-positive findings out of the gate, and nothing else', () => {
    const gate = Object.fromEntries(t.map((x) => [x.findingId, countsForGate(x)]));
    expect(gate).toEqual({ a: false, b: true, c: true, d: false });
    expect(countsForGate(undefined)).toBe(true);
  });
});

describe('helpers', () => {
  it('fingerprints are 12 stable hex digits', () => {
    expect(findingFingerprint('r@Pod/x')).toMatch(/^[0-9a-f]{12}$/);
    expect(findingFingerprint('r@Pod/x')).toBe(findingFingerprint('r@Pod/x'));
    expect(findingFingerprint('r@Pod/y')).not.toBe(findingFingerprint('r@Pod/x'));
  });

  it('accepts only real calendar dates for --until', () => {
    expect(parseUntil('2027-02-28')).toBe('2027-02-28');
    expect(parseUntil('2027-02-29')).toBeUndefined();
    expect(parseUntil('27-02-01')).toBeUndefined();
    expect(parseUntil('tomorrow')).toBeUndefined();
  });
});
