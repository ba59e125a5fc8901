// `ktm zones`: the nested trust zones with members, placement, controls and boundary flows, as a table, JSON or SVG.
import type { Command } from 'commander';
import { addInputOptions } from '../input.js';
import { EXIT, tableOptions, type CliIo } from '../io.js';
import type { CommandResult } from '../main.js';
import { addFormatOption, writeReport } from '../output-format.js';
import { addModelOptions, modelFromFlags, type ModelFlags } from './dataflow.js';
import { assess } from '../../assess.js';

export function register(program: Command, io: CliIo, result: CommandResult): void {
  const cmd = program
    .command('zones')
    .description('list the trust zones: members, placement, controls, and the flows crossing each boundary')
    .argument('[paths...]', 'manifest files or folders (recursively), snapshot folders, or - for stdin');
  addFormatOption(addModelOptions(addInputOptions(cmd)), 'zones', 'table').action(
    async (paths: string[], flags: ModelFlags & { output: string }) => {
      const { model, inventory, zone, analyses, options } = await modelFromFlags(paths, flags, io);
      // The criticality assess rates (findings included), so `ktm zones` and `ktm assess` agree.
      const { criticality } = assess(inventory, { modelOptions: options }, analyses);
      const view = {
        ...(zone === undefined ? {} : { zone }),
        ...(flags.detail === true ? { detail: true } : {}),
        ...(flags.reachability === true ? { reachability: true } : {}),
      };
      await writeReport(io, 'zones', flags.output, { model, criticality, view }, tableOptions(io));
      result.code = EXIT.ok;
    },
  );
}
