// `ktm rra [COMPONENT|ZONE] -o md`: the audit's Rapid Risk Assessment per component, filled from the cluster.
import { loadThreatModel } from '../../assumptions/evaluate.js';
import { declaredOwners } from '../../assumptions/declared-zones.js';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { analysesFor, assess } from '../../assess.js';
import { buildRraContext, resolveRraTargets } from '../../report/rra/rra-markdown.js';
import { addInputOptions, readInput } from '../input.js';
import { EXIT, type CliIo } from '../io.js';
import type { CommandResult } from '../main.js';
import { addFormatOption, writeReport } from '../output-format.js';
import { deriveOptions, type ModelFlags } from './dataflow.js';

export function register(program: Command, io: CliIo, result: CommandResult): void {
  const cmd = program
    .command('rra')
    .description(
      "fill the audit's Rapid Risk Assessment for a component or zone (default: every control-plane component)",
    )
    .argument(
      '[target]',
      'a component or component kind (kube-apiserver, etcd, kubelet), a zone, a node, a workload',
    )
    .argument('[paths...]', 'manifest files or folders (recursively), snapshot folders, or - for stdin');
  addFormatOption(addInputOptions(cmd), 'rra', 'md')
    .option('--zones-file <file>', 'a zones file that renames, merges or assigns zones (YAML)')
    .option('--model <file>', 'the declared threat model: zone owners fill the Owner line')
    .action(
      async (
        target: string | undefined,
        rest: string[],
        flags: ModelFlags & { output: string; model?: string },
      ) => {
        const threatModel =
          flags.model === undefined ? undefined : await loadThreatModel(path.resolve(io.cwd, flags.model));
        const options = await deriveOptions(flags, io);
        // `ktm rra ./snapshot`: a first argument that is a path on disk and not a name is an input path.
        let paths = rest;
        let wanted = target;
        const looksLikePath = (t: string): boolean => t === '-' || existsSync(path.resolve(io.cwd, t));
        const inventory = await (async () => {
          if (target !== undefined && flags.demo !== true && rest.length === 0 && looksLikePath(target)) {
            paths = [target];
            wanted = undefined;
          }
          return readInput(paths, flags, io);
        })();
        const analyses = analysesFor(inventory, {
          modelOptions: options,
          ...(threatModel === undefined ? {} : { threatModel }),
        });
        const model = analyses.model();
        const subjects = resolveRraTargets(model, wanted);
        const assessment = assess(
          inventory,
          { modelOptions: options, ...(threatModel === undefined ? {} : { threatModel }) },
          analyses,
        );
        const owners = threatModel === undefined ? undefined : declaredOwners(threatModel);
        const context = buildRraContext(assessment, analyses, {
          basePath: io.cwd,
          ...(owners === undefined ? {} : { owners }),
        });
        await writeReport(io, 'rra', flags.output, { context, subjects });
        result.code = EXIT.ok;
      },
    );
}
