// `ktm rules` output: the rule catalogue as a table or JSON, or one rule explained (its generated doc).
import { ruleSeverity, type RuleMeta } from '../rules/framework/define-rule.js';
import { renderRuleDoc } from '../rules/framework/rule-docs.js';
import { formatTable, type TableOptions } from '../text/table.js';

/** The rules listed, or the one rule a user asked to explain. */
export interface RulesView {
  readonly rules: readonly RuleMeta[];
  readonly explain: boolean;
}

const withSeverity = (m: RuleMeta): RuleMeta & { severity: string } => ({ ...m, severity: ruleSeverity(m) });

export function renderRulesTable(v: RulesView, options: TableOptions = {}): string {
  if (v.explain) return v.rules.map(renderRuleDoc).join('\n');
  return (
    formatTable(
      [['ID', 'TIER', 'SEVERITY', 'TITLE'], ...v.rules.map((m) => [m.id, m.tier, ruleSeverity(m), m.title])],
      options,
    ) + '\n'
  );
}

export function renderRulesJson(v: RulesView): string {
  const body = v.explain && v.rules.length === 1 ? withSeverity(v.rules[0]!) : v.rules.map(withSeverity);
  return JSON.stringify(body, null, 2) + '\n';
}
