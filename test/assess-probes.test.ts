// How probe results decide findings: only what the wire can show, a timeout decides nothing, rule counts follow.
import { describe, expect, it } from 'vitest';
import { decideFindings, recountRules } from '../src/assess-probes.js';
import type { ProbeResult, ProbeRun, ProbeTargetKind } from '../src/collect/probe/types.js';
import type { Model } from '../src/model/types.js';
import type { Finding } from '../src/rules/finding.js';
import type { RulesSummary } from '../src/rules/framework/run-rules.js';

const model: Model = {
  components: ['kube-scheduler', 'kubelet:n1'].map((id) => ({
    id,
    name: id,
    kind: { type: 'control-plane', process: 'kube-scheduler', managed: false, observed: true },
    zone: 'master-components',
    nodes: ['n1'],
    refs: [],
    listens: [],
  })),
  flows: [],
  zones: [],
  reachability: { state: 'not-computed', reason: 'test' },
  notes: [],
};

function result(
  component: string,
  port: number,
  kind: ProbeTargetKind,
  over: Partial<ProbeResult>,
): ProbeResult {
  return {
    target: { id: `${component}:${port}`, kind, host: '127.0.0.1', port, component, endpointPort: port },
    reachable: true,
    plainHttp: { spoken: false, detail: 'no answer to plain HTTP' },
    tls: {
      spoken: true,
      versions: { TLSv1: 'refused', 'TLSv1.1': 'refused', 'TLSv1.2': 'accepted', 'TLSv1.3': 'accepted' },
      weakCiphers: [],
      clientCertificate: 'not-required',
      clientCertificateDetail: '',
    },
    anonymous: [],
    limits: [],
    ...over,
  };
}

function unverifiable(rule: string, subject: Finding['subject'], variant?: string): Finding {
  return {
    id: `${rule}@${subject.kind}/${subject.name}${variant ? `#${variant}` : ''}`,
    rule,
    ...(variant === undefined ? {} : { variant }),
    status: 'unverifiable',
    severity: 'medium',
    zone: 'worker',
    subject,
    message: 'cannot be decided',
    evidence: [],
    remediation: { shortTerm: '', longTerm: '' },
    references: [],
    missing: 'settings not collected',
  };
}

const run = (...results: ProbeResult[]): ProbeRun => ({ results, skipped: [], caGiven: false });

describe('decideFindings', () => {
  it("does not clear the scheduler's plaintext-listener on a TLS-only answer (bind address and legacy port are unseen)", () => {
    const f = unverifiable('plaintext-listener', { kind: 'Component', name: 'kube-scheduler' });
    const out = decideFindings([f], model, run(result('kube-scheduler', 10259, 'kube-scheduler', {})));
    expect(out.findings).toEqual([f]);
    expect(out.decisions).toEqual([]);
    // Plain HTTP on it is still a confirmation.
    const plain = result('kube-scheduler', 10259, 'kube-scheduler', {
      plainHttp: { spoken: true, status: 404, detail: 'answered plain HTTP (status 404)' },
    });
    expect(decideFindings([f], model, run(plain)).findings[0]).toMatchObject({
      status: 'fail',
      message: 'confirmed by probe: plain HTTP answered on kube-scheduler:10259',
      evidence: [{ ref: { kind: 'ProbeTarget', name: 'kube-scheduler:10259' }, source: { file: 'probe' } }],
    });
  });

  it('a timeout decides nothing; a refused connection is a closed port', () => {
    const f = unverifiable('plaintext-listener', { kind: 'Node', name: 'n1' });
    const api = result('kubelet:n1', 10250, 'kubelet', {});
    const unreachable = (error: string): ProbeResult => ({
      ...result('kubelet:n1', 10255, 'kubelet-read-only', {}),
      reachable: false,
      error,
    });
    expect(decideFindings([f], model, run(api, unreachable('timed out'))).findings).toEqual([f]);
    const closed = decideFindings([f], model, run(api, unreachable('ECONNREFUSED')));
    expect(closed.findings).toEqual([]);
    expect(closed.decisions.map((d) => d.outcome)).toEqual(['contradicted']);
  });

  it('recounts the rule: a subject whose only unverifiable finding was contradicted passes', () => {
    const summary: RulesSummary = {
      results: [
        {
          rule: 'plaintext-listener',
          tier: 'seed',
          severity: 'high',
          title: '',
          status: 'unverifiable',
          examined: 3,
          pass: 1,
          fail: 0,
          unverifiable: 2,
          suppressed: 0,
        },
      ],
      totals: { pass: 0, fail: 0, unverifiable: 1, error: 0 },
    };
    const left = [unverifiable('plaintext-listener', { kind: 'Component', name: 'kube-scheduler' })];
    expect(recountRules(summary, left)).toEqual({
      results: [{ ...summary.results[0], status: 'unverifiable', pass: 2, unverifiable: 1 }],
      totals: { pass: 0, fail: 0, unverifiable: 1, error: 0 },
    });
    expect(recountRules(summary, []).totals).toEqual({ pass: 1, fail: 0, unverifiable: 0, error: 0 });
  });
});
