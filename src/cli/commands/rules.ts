// `ktm rules [ID]`: list the rule catalogue (id, tier, severity, title), or explain one rule.
import type { Command } from 'commander';
import { KtmError } from '../../errors.js';
import { escapeTerminal } from '../../text/escape.js';
import { RULES } from '../../rules/registry.js';
import { resolveRule } from '../../rules/framework/select.js';
import { tableOptions, type CliIo } from '../io.js';
import { addFormatOption, writeReport } from '../output-format.js';

export function register(program: Command, io: CliIo): void {
  const cmd = program
    .command('rules')
    .description('list the rule catalogue, or explain one rule (by id or alias)')
    .argument('[id]', 'a rule id or alias, e.g. weak-tls or TOB-K8S-TM07');
  addFormatOption(cmd, 'rules', 'table').action(async (id: string | undefined, flags: { output: string }) => {
    if (id === undefined) {
      await writeReport(
        io,
        'rules',
        flags.output,
        { rules: RULES.map((r) => r.meta), explain: false },
        tableOptions(io),
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
    await writeReport(io, 'rules', flags.output, { rules: [rule.meta], explain: true });
  });
}
