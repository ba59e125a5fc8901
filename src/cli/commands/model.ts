// `ktm model update`: write the observed facts back into threatmodel.yaml, keeping what the teams wrote.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { updateThreatModel } from '../../assumptions/declare.js';
import { loadThreatModel } from '../../assumptions/evaluate.js';
import { KtmError } from '../../errors.js';
import { deriveModel } from '../../model/index.js';
import { addInputOptions, readInput } from '../input.js';
import { EXIT, type CliIo } from '../io.js';
import type { CommandResult } from '../main.js';
import { deriveOptions, type ModelFlags } from './dataflow.js';

export function register(program: Command, io: CliIo, result: CommandResult): void {
  const model = program.command('model').description('maintain the declared threat model (threatmodel.yaml)');
  const update = model
    .command('update')
    .description(
      'add new components and flows (status: new), mark vanished ones, keep owners, notes, assumptions and comments',
    )
    .argument('[paths...]', 'manifest files or folders (recursively), snapshot folders, or - for stdin');
  addInputOptions(update)
    .option('--model <file>', 'the threat model to update', 'threatmodel.yaml')
    .option('--zones-file <file>', 'a zones file that renames, merges or assigns zones (YAML)')
    .action(async (paths: string[], flags: ModelFlags & { model: string }) => {
      const file = path.resolve(io.cwd, flags.model);
      await loadThreatModel(file); // validates first: a broken file is reported, never rewritten
      const text = await readFile(file, 'utf8').catch(() => {
        throw new KtmError('cannot read', flags.model, 'run `ktm init` to write one');
      });
      const inventory = await readInput(paths, flags, io);
      const observed = deriveModel(inventory, await deriveOptions(flags, io));
      const { text: updated, summary } = updateThreatModel(text, flags.model, observed);
      if (updated !== text) await writeFile(file, updated);
      io.stdout(
        `${flags.model}: ${summary.addedComponents} new and ${summary.vanishedComponents} vanished components, ` +
          `${summary.addedFlows} new and ${summary.vanishedFlows} vanished flows${updated === text ? ' (unchanged)' : ''}\n`,
      );
      result.code = EXIT.ok;
    });
  for (const c of [model, update])
    c.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
}
