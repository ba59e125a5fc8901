// The rule tester's own tests: it must catch a missing finding, an unexpected one, unknown message ids and mutation.
import { describe, expect, it } from 'vitest';
import { defineRule, type AnyRule } from '../../src/rules/framework/define-rule.js';
import { checkInventory, deepFreeze, fixturesOf } from './rule-tester.js';
import { fakeInventory, item, obj } from './framework/fake-inventory.js';

const meta = {
  aliases: [],
  sources: [],
  tier: 'core',
  inputs: { kinds: ['Pod'] },
  title: 'Tester test rule',
  description: 'Used by the tester tests.',
  zone: 'Container',
  stride: ['tampering'],
  likelihood: 'low',
  impact: 'low',
  detection: 'n/a',
  falsePositives: 'n/a',
  remediation: { shortTerm: 'n/a', longTerm: 'n/a' },
  references: ['https://example.invalid/'],
  messages: { m: 'found {{name}}' },
} as const;

const flagsBadPods = defineRule({
  meta: { ...meta, id: 'flags-bad-pods' },
  check(ctx) {
    for (const p of ctx.inventory.ofKind('Pod')) {
      const name = p.object.metadata?.name ?? '';
      if (name !== 'bad') continue;
      const ref = { kind: 'Pod', namespace: p.object.metadata?.namespace ?? 'default', name };
      ctx.report({ messageId: 'm', data: { name }, subject: ref, evidence: [{ ref }] });
    }
  },
});

const mutates = defineRule({
  meta: { ...meta, id: 'mutates' },
  check(ctx) {
    for (const p of ctx.inventory.ofKind('Pod')) (p.object.metadata as { name: string }).name = 'changed';
  },
});

const unknownId = defineRule({
  meta: { ...meta, id: 'unknown-id' },
  check(ctx) {
    (ctx.report as (d: unknown) => void)({ messageId: 'nope', subject: { kind: 'Pod', name: 'x' } });
  },
});

const noEvidence = defineRule({
  meta: { ...meta, id: 'no-evidence' },
  check(ctx) {
    ctx.report({ messageId: 'm', data: { name: 'x' }, subject: { kind: 'Pod', name: 'x' } });
  },
});

const inv = (name: string) => fakeInventory([item(obj('Pod', name, 'default'))]);
const expectPass = { expect: 'pass', variants: [], messages: [] } as const;
const expectFail = {
  expect: 'fail',
  variants: [],
  messages: [],
  exact: ['fail flags-bad-pods Pod/default/bad'],
} as const;
const problems = (rule: AnyRule, name: string, f: Parameters<typeof checkInventory>[2]) =>
  checkInventory(rule, inv(name), f).problems;

describe('rule tester', () => {
  it('accepts a rule that holds on both fixtures', () => {
    expect(problems(flagsBadPods, 'bad', expectFail)).toEqual([]);
    expect(problems(flagsBadPods, 'good', expectPass)).toEqual([]);
  });

  it('fails a fail fixture with no finding, and a pass fixture with one', () => {
    expect(problems(flagsBadPods, 'good', expectFail)).toEqual([
      expect.stringContaining('no failing finding'),
      expect.stringContaining("results differ from the fixture's exact set"),
    ]);
    expect(problems(flagsBadPods, 'bad', expectPass)).toEqual([
      expect.stringContaining('pass fixture has findings'),
    ]);
  });

  it('fails a rule that mutates its input', () => {
    const i = inv('bad');
    deepFreeze(i.items);
    const p = checkInventory(mutates, i, expectPass).problems;
    expect(p.join('\n')).toMatch(/broke its contract|mutated/);
  });

  it('fails an unknown message id and a failure without evidence', () => {
    expect(problems(unknownId, 'x', expectPass).join('\n')).toContain("unknown message id 'nope'");
    expect(problems(noEvidence, 'x', { ...expectFail, exact: ['fail no-evidence Pod/x'] })).toEqual([
      expect.stringContaining('a failure without evidence'),
    ]);
  });

  it('fails a fail fixture with a finding its exact set does not list, or with no exact set', () => {
    const two = fakeInventory([item(obj('Pod', 'bad', 'default')), item(obj('Pod', 'bad', 'other'))]);
    expect(checkInventory(flagsBadPods, two, expectFail).problems).toEqual([
      expect.stringContaining('fail flags-bad-pods Pod/other/bad'),
    ]);
    expect(problems(flagsBadPods, 'bad', { ...expectFail, exact: [] })).toEqual([
      expect.stringContaining('states no exact set'),
    ]);
  });

  it('fails a rule whose results depend on the order of the input', () => {
    const firstOnly = defineRule({
      meta: { ...meta, id: 'first-only' },
      check(ctx) {
        const p = ctx.inventory.ofKind('Pod')[0];
        if (p === undefined) return;
        const ref = {
          kind: 'Pod',
          namespace: p.object.metadata.namespace ?? '',
          name: p.object.metadata.name,
        };
        ctx.report({ messageId: 'm', data: { name: ref.name }, subject: ref, evidence: [{ ref }] });
      },
    });
    const two = fakeInventory([item(obj('Pod', 'a', 'default')), item(obj('Pod', 'b', 'default'))]);
    expect(
      checkInventory(firstOnly, two, { ...expectFail, exact: ['fail first-only Pod/default/a'] }).problems,
    ).toEqual([expect.stringContaining('depend on the order of the input')]);
  });

  it('finds no fixtures for a rule without a fixture folder', () => {
    expect(fixturesOf('no-such-rule')).toEqual([]);
  });
});
