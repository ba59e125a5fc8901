// `ktm history`: the assessments saved in the store, newest first.
import { Option, type Command } from 'commander';
import { HISTORY_FORMATS, renderHistory, type HistoryFormat } from '../../report/history.js';
import { EXIT, type CliIo } from '../io.js';
import type { CommandResult } from '../main.js';
import { addStoreOptions, withStore, type StoreFlags } from '../store-options.js';

export function register(program: Command, io: CliIo, result: CommandResult): void {
  const cmd = program
    .command('history')
    .description('list the assessments saved in the store (ktm assess --store)');
  addStoreOptions(cmd)
    .addOption(new Option('-o, --output <format>', 'output format').choices(HISTORY_FORMATS).default('table'))
    .option('--limit <n>', 'at most this many, newest first', '50')
    .action(async (flags: StoreFlags & { output: HistoryFormat; limit: string }) => {
      const limit = Math.max(1, Number.parseInt(flags.limit, 10) || 50);
      const list = await withStore(flags, io, (store) => store.list(flags.cluster, limit));
      io.stdout(renderHistory(list, flags.output));
      result.code = EXIT.ok;
    });
}
