// `ktm zones`: the nested trust zones with members, placement, controls and boundary flows, as a table, JSON or SVG.
import { Option, type Command } from 'commander';
import { renderZonesDot } from '../../report/diagrams/dot.js';
import { dotToSvg } from '../../report/diagrams/svg.js';
import { renderZonesTable } from '../../report/diagrams/zones-table.js';
import { addInputOptions } from '../input.js';
import { EXIT, tableOptions, type CliIo } from '../io.js';
import type { CommandResult } from '../main.js';
import { addModelOptions, modelFromFlags, type ModelFlags } from './dataflow.js';
import { assess } from '../../assess.js';

export const ZONES_FORMATS = ['table', 'json', 'svg'] as const;

export function register(program: Command, io: CliIo, result: CommandResult): void {
  const cmd = program
    .command('zones')
    .description('list the trust zones: members, placement, controls, and the flows crossing each boundary')
    .argument('[paths...]', 'manifest files or folders (recursively), snapshot folders, or - for stdin');
  addModelOptions(addInputOptions(cmd))
    .addOption(new Option('-o, --output <format>', 'output format').choices(ZONES_FORMATS).default('table'))
    .action(async (paths: string[], flags: ModelFlags & { output: (typeof ZONES_FORMATS)[number] }) => {
      const { model, inventory, zone, analyses, options } = await modelFromFlags(paths, flags, io);
      // The criticality assess rates (findings included), so `ktm zones` and `ktm assess` agree.
      const { criticality } = assess(inventory, { modelOptions: options }, analyses);
      const focus = zone === undefined ? {} : { zone };
      switch (flags.output) {
        case 'json':
          io.stdout(`${JSON.stringify({ zones: model.zones, criticality, notes: model.notes }, null, 2)}\n`);
          break;
        case 'svg':
          io.stdout(
            await dotToSvg(
              renderZonesDot(model, {
                ...focus,
                ...(flags.detail === true ? { detail: true } : {}),
                ...(flags.reachability === true ? { reachability: true } : {}),
              }),
            ),
          );
          break;
        case 'table':
          io.stdout(renderZonesTable(model, { ...focus, criticality, ...tableOptions(io) }));
          break;
      }
      result.code = EXIT.ok;
    });
}
