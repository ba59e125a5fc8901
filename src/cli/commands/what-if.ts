// `ktm what-if --stop ZONE|COMPONENT|NODE`: what fails, what degrades and what keeps running when it stops.
import type { Command } from 'commander';
import { computeCascade } from '../../analysis/cascade.js';
import { Analyses } from '../../analysis/analyses.js';
import { addInputOptions, readInput } from '../input.js';
import { EXIT, type CliIo } from '../io.js';
import type { CommandResult } from '../main.js';
import { addFormatOption, writeReport } from '../output-format.js';
import { deriveOptions, type ModelFlags } from './dataflow.js';

export function register(program: Command, io: CliIo, result: CommandResult): void {
  const cmd = program
    .command('what-if')
    .description('cascade: what fails and what degrades when a zone, component or node stops')
    .argument('[paths...]', 'manifest files or folders (recursively), snapshot folders, or - for stdin');
  addFormatOption(addInputOptions(cmd), 'what-if', 'text')
    .requiredOption(
      '--stop <target>',
      'a zone (`ktm zones`), a component or component kind (etcd, kubelet, kube-proxy), a node, a workload',
    )
    .option('--zones-file <file>', 'a zones file that renames, merges or assigns zones (YAML)')
    .action(async (paths: string[], flags: ModelFlags & { stop: string; output: string }) => {
      const options = await deriveOptions(flags, io);
      const inventory = await readInput(paths, flags, io);
      // The run's model (zones file applied); an unknown --stop is a one-line error naming the closest names.
      const model = new Analyses(inventory, { modelOptions: options }).model();
      const cascade = computeCascade(model, inventory, flags.stop);
      await writeReport(io, 'what-if', flags.output, { target: flags.stop, cascade });
      result.code = EXIT.ok;
    });
}
