// Rule selection: resolve ids and aliases (--rules, --skip-rules, exceptions); an unknown id is an error, never ignored.
import { KtmError } from '../../errors.js';
import { escapeTerminal } from '../../text/escape.js';
import type { AnyRule } from './define-rule.js';

/** The rule with this id or alias (aliases compare case-insensitively: `tob-k8s-tm07` selects audit-disabled). */
export function resolveRule(registry: readonly AnyRule[], idOrAlias: string): AnyRule | undefined {
  const key = idOrAlias.trim().toLowerCase();
  return (
    registry.find((r) => r.meta.id === key) ??
    registry.find((r) => r.meta.aliases.some((a) => a.toLowerCase() === key))
  );
}

/** Splits repeatable, comma-separated flag values. */
export function splitList(values: readonly string[] | undefined): string[] {
  return (values ?? [])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

/** The rules to run, in registry order: `only` (all when empty) minus `skip`. */
export function selectRules(
  registry: readonly AnyRule[],
  only: readonly string[] = [],
  skip: readonly string[] = [],
): AnyRule[] {
  const resolve = (flag: string) => (id: string) => {
    const rule = resolveRule(registry, id);
    if (rule === undefined)
      throw new KtmError(
        `unknown rule '${escapeTerminal(id, 80)}'`,
        flag,
        'run `ktm rules` for the rule ids',
      );
    return rule;
  };
  const chosen = new Set(only.map(resolve('--rules')));
  const skipped = new Set(skip.map(resolve('--skip-rules')));
  return registry.filter((r) => (chosen.size === 0 || chosen.has(r)) && !skipped.has(r));
}
