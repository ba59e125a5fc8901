// `ktm reach`: list the connections NetworkPolicy, AdminNetworkPolicy and the plugin's own policies allow between workloads, in netpol-analyzer's format or json/md/dot.
import { Option, type Command } from 'commander';
import { Analyses } from '../../analysis/analyses.js';
import { REACH_FORMATS } from '../../report/reach/index.js';
import { diagnosticLine } from '../../errors.js';
import { escapeTerminal } from '../../text/escape.js';
import { addInputOptions, readInput, type InputFlags } from '../input.js';
import { EXIT, type CliIo } from '../io.js';
import { addDeprecatedOption, deprecatedValue } from '../deprecated.js';
import type { CommandResult } from '../main.js';
import { addFormatOption, writeReport } from '../output-format.js';

interface ReachFlags extends InputFlags {
  output: string;
  format?: string;
  view: 'declared' | 'effective';
}

export function register(program: Command, io: CliIo, result: CommandResult): void {
  const cmd = program
    .command('reach')
    .description(
      'list allowed connections between workloads and external ranges (NetworkPolicy, AdminNetworkPolicy, BaselineAdminNetworkPolicy, Cilium and Calico policies)',
    )
    .argument('[paths...]', 'manifest files or folders (recursively), snapshot folders, or - for stdin');
  addDeprecatedOption(cmd, '--format <format>', '-o/--output', REACH_FORMATS);
  addFormatOption(addInputOptions(cmd), 'reach', 'connlist')
    .addOption(
      new Option(
        '--view <view>',
        'declared: what the policies say; effective: what the network plugin enforces (all open when it enforces none)',
      )
        .choices(['declared', 'effective'])
        .default('effective'),
    )
    .action(async (paths: string[], flags: ReachFlags) => {
      const format = deprecatedValue(io, flags.format, '--format', '-o/--output') ?? flags.output;
      const inventory = await readInput(paths, flags, io);
      const reach = new Analyses(inventory).reachability();
      if (flags.quiet !== true) {
        for (const d of [...inventory.diagnostics, ...reach.diagnostics].filter((x) => x.severity !== 'info'))
          io.stderr(`${escapeTerminal(diagnosticLine(d), 2000)}\n`);
        for (const i of reach.inertPluginPolicies)
          io.stderr(
            `note: ${escapeTerminal(i.ref.kind)} ${escapeTerminal(`${i.ref.namespace === undefined ? '' : `${i.ref.namespace}/`}${i.ref.name}`)} is inert: the cluster runs ${escapeTerminal(i.running)}, not ${i.plugin}\n`,
          );
        if (reach.hasUndecidable)
          io.stderr(
            `note: some connections are undecidable from the policies (${reach.undecidableReasons.map((x) => escapeTerminal(x)).join('; ')}): listed as "undecidable"\n`,
          );
        if (reach.inert && flags.view === 'effective')
          io.stderr(
            `note: network plugin ${escapeTerminal(reach.plugin.plugin)} does not enforce NetworkPolicy: the policies are inert and every connection is open (--view declared lists what they declare)\n`,
          );
      }
      await writeReport(io, 'reach', format, {
        view: flags.view,
        connections: reach.connections(flags.view),
        plugin: reach.plugin,
        inert: reach.inert && flags.view === 'effective',
      });
      result.code = EXIT.ok;
    });
}
