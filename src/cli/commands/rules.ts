// `ktm rules [ID]`: list the rule catalogue (id, tier, severity, title), or explain one rule.
import { Option, type Command } from 'commander';
import { KtmError } from '../../errors.js';
import { escapeTerminal } from '../../text/escape.js';
import { RULES } from '../../rules/registry.js';
import { ruleSeverity } from '../../rules/framework/define-rule.js';
import { renderRuleDoc } from '../../rules/framework/rule-docs.js';
import { resolveRule } from '../../rules/framework/select.js';
import { tableOptions, type CliIo } from '../io.js';
import { formatTable } from '../../text/table.js';

export function register(program: Command, io: CliIo): void {
  program
    .command('rules')
    .description('list the rule catalogue, or explain one rule (by id or alias)')
    .argument('[id]', 'a rule id or alias, e.g. weak-tls or TOB-K8S-TM07')
    .addOption(
      new Option('-o, --output <format>', 'output format').choices(['table', 'json']).default('table'),
    )
    .action((id: string | undefined, flags: { output: 'table' | 'json' }) => {
      if (id === undefined) {
        if (flags.output === 'json') {
          io.stdout(
            JSON.stringify(
              RULES.map((r) => ({ ...r.meta, severity: ruleSeverity(r.meta) })),
              null,
              2,
            ) + '\n',
          );
          return;
        }
        io.stdout(
          formatTable(
            [
              ['ID', 'TIER', 'SEVERITY', 'TITLE'],
              ...RULES.map((r) => [r.meta.id, r.meta.tier, ruleSeverity(r.meta), r.meta.title]),
            ],
            tableOptions(io),
          ) + '\n',
        );
        return;
      }
      const rule = resolveRule(RULES, id);
      if (rule === undefined)
        throw new KtmError(
          `unknown rule '${escapeTerminal(id, 80)}'`,
          'rules',
          'run `ktm rules` for the rule ids',
        );
      io.stdout(
        flags.output === 'json'
          ? JSON.stringify({ ...rule.meta, severity: ruleSeverity(rule.meta) }, null, 2) + '\n'
          : renderRuleDoc(rule.meta),
      );
    });
}
