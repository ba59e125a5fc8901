// `ktm model update`: write the observed facts back into threatmodel.yaml, keeping what the teams wrote.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { writeFileAtomic } from '../../atomic-write.js';
import { updateThreatModel } from '../../assumptions/declare.js';
import { loadThreatModel } from '../../assumptions/evaluate.js';
import { parseThreatModel, type ThreatModelFile } from '../../assumptions/threat-model-file.js';
import { KtmError } from '../../errors.js';
import { modelOf } from '../../analysis/analyses.js';
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
      // Validates first: a broken or cut file is reported, never rewritten.
      const declared = await loadThreatModel(file);
      const text = await readFile(file, 'utf8').catch(() => {
        throw new KtmError('cannot read', flags.model, 'run `ktm init` to write one');
      });
      const inventory = await readInput(paths, flags, io);
      const observed = modelOf(inventory, await deriveOptions(flags, io));
      const { text: updated, summary } = updateThreatModel(text, flags.model, observed);
      if (updated !== text) {
        keepsDeclared(declared, parseThreatModel(updated, flags.model), flags.model);
        await writeFileAtomic(file, updated);
      }
      io.stdout(
        `${flags.model}: ${summary.addedComponents} new and ${summary.vanishedComponents} vanished components, ` +
          `${summary.addedFlows} new and ${summary.vanishedFlows} vanished flows${updated === text ? ' (unchanged)' : ''}\n`,
      );
      result.code = EXIT.ok;
    });
  for (const c of [model, update])
    c.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
}

/** An update only adds and marks: a declared assumption, zone, component or flow missing afterwards means nothing may be written. */
function keepsDeclared(before: ThreatModelFile, after: ThreatModelFile, file: string): void {
  const lost = (what: string, a: readonly string[], b: readonly string[]): string | undefined => {
    const kept = new Set(b);
    const gone = a.filter((x) => !kept.has(x));
    return gone.length === 0 ? undefined : `${gone.length} ${what} (first: ${gone[0]!})`;
  };
  const flowKey = (f: ThreatModelFile['flows'][number]): string => `${f.from}->${f.to}:${f.port ?? ''}`;
  const problems = [
    lost(
      'assumptions',
      before.assumptions.map((a) => a.id),
      after.assumptions.map((a) => a.id),
    ),
    lost(
      'zones',
      before.zones.map((z) => z.id),
      after.zones.map((z) => z.id),
    ),
    lost(
      'components',
      before.components.map((c) => c.id),
      after.components.map((c) => c.id),
    ),
    lost('flows', before.flows.map(flowKey), after.flows.map(flowKey)),
  ].filter((p) => p !== undefined);
  if (problems.length > 0)
    throw new KtmError(
      `the update would drop declared content (${problems.join('; ')}); nothing was written`,
      file,
      'this is a bug in ktm: please report it with the file',
    );
}
