// The runner: results per subject, deduplication, deterministic order, rule bugs caught, counts per rule.
import { describe, expect, it } from 'vitest';
import { defineRule, RuleBugError } from '../../../src/rules/framework/define-rule.js';
import { runRules } from '../../../src/rules/framework/run-rules.js';
import { deriveSettings } from '../../../src/collect/settings/derive-settings.js';
import { fakeInventory, fakeSettings, item, obj } from './fake-inventory.js';

const base = {
  aliases: [],
  sources: ['TEST'],
  tier: 'core',
  inputs: { kinds: [] },
  title: 'A test rule',
  description: 'A rule used by the framework tests.',
  zone: 'Container',
  stride: ['tampering'],
  likelihood: 'medium',
  impact: 'high',
  detection: 'Fails every ConfigMap named bad.',
  falsePositives: 'None.',
  remediation: { shortTerm: 'Rename it.', longTerm: 'Do not name things bad.' },
  references: ['https://example.invalid/'],
} as const;

const badConfigMaps = defineRule({
  meta: {
    ...base,
    id: 'bad-configmaps',
    messages: { bad: 'ConfigMap {{name}} is bad' },
    variants: { one: { title: 'variant one' }, two: { title: 'variant two', impact: 'low' } },
  },
  check(ctx) {
    for (const { object } of ctx.inventory.ofKind('ConfigMap')) {
      const subject = {
        kind: 'ConfigMap',
        namespace: object.metadata?.namespace ?? '',
        name: object.metadata?.name ?? '',
      };
      ctx.examined(subject);
      if (!(object.metadata?.name ?? '').startsWith('bad')) continue;
      ctx.report({
        messageId: 'bad',
        data: { name: subject.name },
        subject,
        evidence: [{ ref: subject, path: 'metadata.name' }],
      });
      // Reported twice on purpose: one finding, evidence merged.
      ctx.report({
        messageId: 'bad',
        data: { name: subject.name },
        subject,
        evidence: [{ ref: subject, path: 'data' }],
      });
      ctx.report({ messageId: 'bad', data: { name: subject.name }, subject, variant: 'two' });
    }
  },
});

const throwing = defineRule({
  meta: { ...base, id: 'throwing', messages: { m: 'x' } },
  check() {
    throw new Error('boom');
  },
});

const unknownMessage = defineRule({
  meta: { ...base, id: 'unknown-message', messages: { m: 'x' } },
  check(ctx) {
    // Rules written without the types (or with a cast) still get caught at run time.
    (ctx.report as (d: unknown) => void)({
      messageId: 'nope',
      subject: { kind: 'X', name: 'y' },
    });
  },
});

const inv = fakeInventory([
  item(obj('ConfigMap', 'bad-b', 'ns')),
  item(obj('ConfigMap', 'bad-a', 'ns')),
  item(obj('ConfigMap', 'good', 'ns')),
]);

describe('runRules', () => {
  it('reports per subject with deterministic ids, sorted, duplicates merged', () => {
    const run = runRules(inv, [badConfigMaps]);
    expect(run.findings.map((f) => f.id)).toEqual([
      'bad-configmaps@ConfigMap/ns/bad-a',
      'bad-configmaps@ConfigMap/ns/bad-a#two',
      'bad-configmaps@ConfigMap/ns/bad-b',
      'bad-configmaps@ConfigMap/ns/bad-b#two',
    ]);
    const first = run.findings[0]!;
    expect(first.evidence.map((e) => e.path)).toEqual(['metadata.name', 'data']);
    expect(first.message).toBe('ConfigMap bad-a is bad');
    expect(first.severity).toBe('high'); // medium × high
    expect(run.findings[1]!.severity).toBe('low'); // variant two: medium × low
    expect(first.remediation.shortTerm).toBe('Rename it.');
  });

  it('counts examined, passing and failing subjects per rule', () => {
    const run = runRules(inv, [badConfigMaps]);
    expect(run.rules.results[0]).toMatchObject({
      rule: 'bad-configmaps',
      status: 'fail',
      examined: 3,
      pass: 1,
      fail: 2,
    });
    expect(run.rules.totals).toEqual({ pass: 0, fail: 1, unverifiable: 0, error: 0 });
  });

  it('records a throwing rule as an internal error naming it, and still runs the others', () => {
    const run = runRules(inv, [throwing, badConfigMaps]);
    expect(run.diagnostics).toEqual([
      expect.objectContaining({
        severity: 'error',
        where: 'rule throwing',
        message: expect.stringContaining('boom'),
      }),
    ]);
    expect(run.rules.results.map((r) => r.status)).toEqual(['error', 'fail']);
    expect(run.findings.length).toBe(4);
  });

  it('treats an unknown message id as a rule bug', () => {
    const run = runRules(inv, [unknownMessage]);
    expect(run.diagnostics[0]?.message).toContain("unknown message id 'nope'");
  });

  it('rejects unknown message ids and missing placeholders at compile time', () => {
    defineRule({
      meta: { ...base, id: 'typed', messages: { a: 'needs {{x}}', b: 'plain' } },
      check(ctx) {
        const subject = { kind: 'X', name: 'y' };
        ctx.report({ messageId: 'a', data: { x: 1 }, subject });
        ctx.report({ messageId: 'b', subject });
        // @ts-expect-error -- 'c' is not a message of this rule
        ctx.report({ messageId: 'c', subject });
        // @ts-expect-error -- placeholder x has no data
        ctx.report({ messageId: 'a', subject });
        // @ts-expect-error -- the rule declares no variants
        ctx.report({ messageId: 'b', subject, variant: 'v' });
      },
    });
    expect(RuleBugError).toBeDefined();
  });

  it('reports unverifiable for a component that was not collected, naming how to collect it', () => {
    const rule = defineRule({
      meta: { ...base, id: 'kubelet-thing', messages: { m: 'x' } },
      check(ctx) {
        ctx.eachInstance('kubelet', { setting: 'anonymous-auth' }, () => undefined);
      },
    });
    const run = runRules(fakeInventory([item(obj('Node', 'w1'))]), [rule]);
    expect(run.findings).toEqual([
      expect.objectContaining({
        id: 'kubelet-thing@Node/w1',
        status: 'unverifiable',
        missing: 'kubelet configuration not collected: rerun with --node-files or --kubelet-config',
      }),
    ]);
    expect(run.rules.results[0]).toMatchObject({ status: 'unverifiable', unverifiable: 1, pass: 0 });
  });

  it('names the provider setting for a managed control plane', () => {
    const rule = defineRule({
      meta: { ...base, id: 'apiserver-thing', messages: { m: 'x' } },
      check(ctx) {
        ctx.eachInstance('kube-apiserver', { setting: 'encryption-provider-config' }, () => undefined);
      },
    });
    const settings = deriveSettings({ items: [], nodeFiles: [], provider: 'eks' });
    const run = runRules(fakeInventory([], settings, { provider: 'eks' }), [rule]);
    expect(run.findings[0]).toMatchObject({
      subject: { kind: 'ManagedControlPlane', name: 'eks' },
      status: 'unverifiable',
      missing: expect.stringContaining('EKS cluster encryptionConfig'),
    });
  });

  it('never prints a credential value given as evidence', () => {
    const rule = defineRule({
      meta: { ...base, id: 'leaky', messages: { m: 'x' } },
      check(ctx) {
        const ref = { kind: 'Pod', namespace: 'kube-system', name: 'p' };
        ctx.report({
          messageId: 'm',
          subject: ref,
          evidence: [
            { ref, path: 'spec.containers[0].command[3]', value: '--token=s3cr3t-planted' },
            { ref, path: 'spec.containers[0].env[0].value', value: 'harmless' },
            { ref, path: 'spec.containers[0].env.DB_PASSWORD', value: 'hunter2-planted' },
            { ref, path: '--anonymous-auth', value: 'true' },
          ],
        });
      },
    });
    const [f] = runRules(fakeInventory(), [rule]).findings;
    const values = f!.evidence.map((e) => e.value);
    expect(values).toEqual(['--token=[redacted]', 'harmless', '[redacted]', 'true']);
  });

  it('passes a visible component instance to the check', () => {
    const seen: string[] = [];
    const rule = defineRule({
      meta: { ...base, id: 'sees', messages: { m: 'x' } },
      check(ctx) {
        ctx.eachInstance('kube-apiserver', { setting: 'a' }, (s) => seen.push(s.get('a').value ?? ''));
      },
    });
    const run = runRules(fakeInventory([], [fakeSettings('kube-apiserver', { a: '1' })]), [rule]);
    expect(seen).toEqual(['1']);
    expect(run.rules.results[0]).toMatchObject({ status: 'pass', examined: 1, pass: 1 });
  });
});
