// `ktm what-if --stop ZONE|COMPONENT|NODE`: what fails, what degrades and what keeps running when it stops.
import { Option, type Command } from 'commander';
import { computeCascade } from '../../analysis/cascade.js';
import { Analyses } from '../../analysis/analyses.js';
import { renderWhatIfJson, renderWhatIfText } from '../../report/what-if.js';
import { addInputOptions, readInput } from '../input.js';
import { EXIT, type CliIo } from '../io.js';
import type { CommandResult } from '../main.js';
import { deriveOptions, type ModelFlags } from './dataflow.js';

export function register(program: Command, io: CliIo, result: CommandResult): void {
  const cmd = program
    .command('what-if')
    .description('cascade: what fails and what degrades when a zone, component or node stops')
    .argument('[paths...]', 'manifest files or folders (recursively), snapshot folders, or - for stdin');
  addInputOptions(cmd)
    .requiredOption(
      '--stop <target>',
      'a zone (`ktm zones`), a component or component kind (etcd, kubelet, kube-proxy), a node, a workload',
    )
    .option('--zones-file <file>', 'a zones file that renames, merges or assigns zones (YAML)')
    .addOption(new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (paths: string[], flags: ModelFlags & { stop: string; output: 'text' | 'json' }) => {
      const options = await deriveOptions(flags, io);
      const inventory = await readInput(paths, flags, io);
      // The run's model (zones file applied); an unknown --stop is a one-line error naming the closest names.
      const model = new Analyses(inventory, { modelOptions: options }).model();
      const cascade = computeCascade(model, inventory, flags.stop);
      io.stdout(
        flags.output === 'json'
          ? renderWhatIfJson(flags.stop, cascade)
          : renderWhatIfText(flags.stop, cascade),
      );
      result.code = EXIT.ok;
    });
}
