// Exceptions: the file format (validated, file:line errors), annotations, subject patterns, expiry.
import { describe, expect, it } from 'vitest';
import { KtmError } from '../../../src/errors.js';
import { defineRule } from '../../../src/rules/framework/define-rule.js';
import {
  annotationExceptions,
  applyExceptions,
  parseExceptionsFile,
  subjectMatcher,
} from '../../../src/rules/framework/exceptions.js';
import { runRules } from '../../../src/rules/framework/run-rules.js';
import { selectRules } from '../../../src/rules/framework/select.js';
import { fakeInventory, item, obj } from './fake-inventory.js';

const rule = defineRule({
  meta: {
    id: 'every-pod',
    aliases: ['OLD-ID'],
    sources: [],
    tier: 'core',
    inputs: { kinds: [] },
    title: 'Every pod fails',
    description: 'A test rule failing every pod.',
    zone: 'Container',
    stride: ['tampering'],
    likelihood: 'low',
    impact: 'low',
    detection: 'Every pod.',
    falsePositives: 'All of them.',
    remediation: { shortTerm: 'Nothing to do.', longTerm: 'Nothing to do.' },
    references: ['https://example.invalid/'],
    messages: { m: 'pod {{name}}' },
    variants: { a: { title: 'a' } },
  },
  check(ctx) {
    for (const p of ctx.inventory.ofKind('Pod')) {
      const subject = {
        kind: 'Pod',
        namespace: p.object.metadata?.namespace ?? '',
        name: p.object.metadata?.name ?? '',
      };
      ctx.report({ messageId: 'm', data: { name: subject.name }, subject, evidence: [{ ref: subject }] });
      ctx.report({
        messageId: 'm',
        data: { name: subject.name },
        subject,
        variant: 'a',
        evidence: [{ ref: subject }],
      });
    }
  },
});
const REGISTRY = [rule];

const FILE = `apiVersion: ktm.dev/v1
kind: Exceptions
exceptions:
  - rule: every-pod
    subject: Pod/kube-system/*
    justification: system pods are reviewed by the platform team
    owner: platform
    expires: 2026-06-30
  - rule: old-id#a
    subject: Pod/apps/web
    justification: accepted until the rewrite
`;

describe('exceptions file', () => {
  it('parses entries, resolving aliases and variants', () => {
    const ex = parseExceptionsFile(FILE, 'ex.yaml', REGISTRY);
    expect(ex).toEqual([
      expect.objectContaining({
        rule: 'every-pod',
        subject: 'Pod/kube-system/*',
        owner: 'platform',
        expires: '2026-06-30',
        origin: { kind: 'file', where: 'ex.yaml:4:5' },
      }),
      expect.objectContaining({ rule: 'every-pod', variant: 'a', subject: 'Pod/apps/web' }),
    ]);
  });

  it('rejects an unknown rule id with file:line', () => {
    const bad = FILE.replace('rule: old-id#a', 'rule: no-such-rule');
    expect(() => parseExceptionsFile(bad, 'ex.yaml', REGISTRY)).toThrow(KtmError);
    try {
      parseExceptionsFile(bad, 'ex.yaml', REGISTRY);
    } catch (e) {
      expect((e as KtmError).line()).toMatch(/^ex\.yaml:9:5: unknown rule 'no-such-rule'/);
    }
  });

  it('rejects an unknown variant, a missing justification, a bad date and unknown fields', () => {
    for (const [from, to, msg] of [
      ['rule: old-id#a', 'rule: old-id#zz', /no variant 'zz'/],
      ['    justification: accepted until the rewrite\n', '', /justification/],
      ['2026-06-30', '30/06/2026', /expires.*YYYY-MM-DD/],
      ['    owner: platform', '    ownr: platform', /ownr|Unrecognized/],
    ] as const) {
      expect(() => parseExceptionsFile(FILE.replace(from, to), 'ex.yaml', REGISTRY)).toThrow(msg);
    }
    expect(() => parseExceptionsFile('exceptions: [', 'ex.yaml', REGISTRY)).toThrow(/invalid YAML/);
  });
});

describe('applying exceptions', () => {
  const inv = fakeInventory([
    item(obj('Pod', 'etcd-cp1', 'kube-system')),
    item(obj('Pod', 'web', 'apps')),
    item(
      obj('Pod', 'api', 'apps', {
        metadata: {
          name: 'api',
          namespace: 'apps',
          annotations: { 'ktm.dev/exceptions': 'every-pod#a: known\nnot-a-rule: x\nno justification' },
        },
      }),
    ),
  ]);
  const fileEx = parseExceptionsFile(FILE, 'ex.yaml', REGISTRY);

  it('suppresses matching findings and lists them separately', () => {
    const ann = annotationExceptions(inv, REGISTRY);
    const run = runRules(inv, REGISTRY, {
      exceptions: [...fileEx, ...ann.exceptions],
      now: new Date('2026-03-01T00:00:00Z'),
    });
    expect(run.findings.map((f) => f.id)).toEqual(['every-pod@Pod/apps/api', 'every-pod@Pod/apps/web']);
    expect(run.suppressed.map((s) => `${s.finding.id} by ${s.exception.origin.kind}`)).toEqual([
      'every-pod@Pod/apps/api#a by annotation',
      'every-pod@Pod/apps/web#a by file',
      'every-pod@Pod/kube-system/etcd-cp1 by file',
      'every-pod@Pod/kube-system/etcd-cp1#a by file',
    ]);
    expect(run.rules.results[0]).toMatchObject({ fail: 2, suppressed: 4 });
    expect(ann.diagnostics.map((d) => d.message)).toEqual([
      expect.stringContaining("unknown rule 'not-a-rule'"),
      expect.stringContaining('has no justification'),
    ]);
  });

  it('stops suppressing after expiry, and reports the expired exception', () => {
    const run = runRules(inv, REGISTRY, { exceptions: fileEx, now: new Date('2026-07-01T00:00:00Z') });
    expect(run.findings.some((f) => f.id === 'every-pod@Pod/kube-system/etcd-cp1')).toBe(true);
    expect(run.exceptions.expired.map((e) => e.subject)).toEqual(['Pod/kube-system/*']);
    expect(run.diagnostics[0]?.message).toContain('expired on 2026-06-30');
    // The last day itself still holds.
    const onTheDay = applyExceptions(run.findings, fileEx, new Date('2026-06-30T23:00:00Z'));
    expect(onTheDay.expired).toEqual([]);
  });

  it('matches subjects with * only', () => {
    const m = subjectMatcher('Pod/kube-system/kube-*');
    expect(m('Pod/kube-system/kube-apiserver-cp1')).toBe(true);
    expect(m('Pod/kube-systemX/kube-a')).toBe(false);
    expect(subjectMatcher('Pod/a.b/c')('Pod/aXb/c')).toBe(false);
  });
});

describe('rule selection', () => {
  it('resolves ids and aliases and rejects unknown ones', () => {
    expect(selectRules(REGISTRY, ['OLD-ID'])).toEqual([rule]);
    expect(selectRules(REGISTRY, [], ['every-pod'])).toEqual([]);
    expect(() => selectRules(REGISTRY, ['nope'])).toThrow(KtmError);
    expect(() => selectRules(REGISTRY, [], ['nope'])).toThrow(/unknown rule 'nope'/);
  });
});
