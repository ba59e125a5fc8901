// Calico's selector syntax: every operator, precedence, absent labels, and errors with their position.
import { describe, expect, it } from 'vitest';
import {
  CalicoSelectorError,
  parseCalicoSelector,
} from '../../../src/analysis/network-policy/calico-selector.js';
import { matches } from '../../../src/analysis/network-policy/label-selector.js';

const m = (sel: string, labels: Record<string, string>): boolean => matches(parseCalicoSelector(sel), labels);

describe('Calico selectors', () => {
  it('== and != (which also matches objects without the key), in and not in, has and !has', () => {
    expect(m("app == 'web'", { app: 'web' })).toBe(true);
    expect(m("app == 'web'", {})).toBe(false);
    expect(m("app != 'web'", {})).toBe(true);
    expect(m("app != 'web'", { app: 'web' })).toBe(false);
    expect(m('app in {\'a\', "b"}', { app: 'b' })).toBe(true);
    expect(m("app in {'a'}", {})).toBe(false);
    expect(m("app not in {'a'}", {})).toBe(true);
    expect(m("app not in {'a'}", { app: 'a' })).toBe(false);
    expect(m('has(tier)', { tier: '' })).toBe(true);
    expect(m('!has(tier)', { tier: '' })).toBe(false);
  });

  it('contains, starts with, ends with; all() and the empty selector match everything, global() no pod', () => {
    expect(m("name contains 'ack'", { name: 'backend' })).toBe(true);
    expect(m("name starts with 'back'", { name: 'backend' })).toBe(true);
    expect(m("name ends with 'end'", { name: 'frontend' })).toBe(true);
    expect(m("name ends with 'x'", {})).toBe(false);
    expect(m('all()', {})).toBe(true);
    expect(m('', { a: 'b' })).toBe(true);
    expect(m('global()', {})).toBe(false);
  });

  it('&& binds tighter than ||; parentheses and ! group', () => {
    const l = { a: '1', c: '3' };
    expect(m("a == '1' || b == '2' && c == '4'", l)).toBe(true);
    expect(m("(a == '1' || b == '2') && c == '4'", l)).toBe(false);
    expect(m("!(a == '1' && c == '3')", l)).toBe(false);
    expect(m("!(a == '2') && has(c)", l)).toBe(true);
  });

  it('the same expression written differently has the same key (shared work), different ones differ', () => {
    expect(parseCalicoSelector("a=='1'&&b in {'y','x'}").key).toBe(
      parseCalicoSelector("a == '1' && b in { 'x', 'y' }").key,
    );
    expect(parseCalicoSelector("a == '1'").key).not.toBe(parseCalicoSelector("a != '1'").key);
  });

  it('a malformed selector is an error naming where', () => {
    for (const [text, message] of [
      ["app == 'web", 'unterminated string at 8'],
      ["app = 'web'", "unexpected '=' at 5"],
      ["app == 'web' ||", 'expected a label key at the end'],
      ["(app == 'web'", "expected ')' at the end"],
      ["app in {'a'", "expected '}' at the end"],
      ["app == 'web' extra", "unexpected 'extra' at 14"],
    ] as const)
      expect(() => parseCalicoSelector(text), text).toThrow(new CalicoSelectorError(message));
  });
});
