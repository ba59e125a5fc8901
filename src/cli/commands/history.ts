// `ktm history`: the assessments saved in the store, newest first.
import type { Command } from 'commander';
import { EXIT, type CliIo } from '../io.js';
import type { CommandResult } from '../main.js';
import { addFormatOption, writeReport } from '../output-format.js';
import { addStoreOptions, withStore, type StoreFlags } from '../store-options.js';

export function register(program: Command, io: CliIo, result: CommandResult): void {
  const cmd = program
    .command('history')
    .description('list the assessments saved in the store (ktm assess --store)');
  addFormatOption(addStoreOptions(cmd), 'history', 'table')
    .option('--limit <n>', 'at most this many, newest first', '50')
    .action(async (flags: StoreFlags & { output: string; limit: string }) => {
      const limit = Math.max(1, Number.parseInt(flags.limit, 10) || 50);
      const list = await withStore(flags, io, (store) => store.list(flags.cluster, limit));
      await writeReport(io, 'history', flags.output, { list });
      result.code = EXIT.ok;
    });
}
