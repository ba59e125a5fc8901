// `ktm init`: write threatmodel.yaml (prefilled from the observed cluster) and its JSON Schema beside it.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { initThreatModel } from '../../assumptions/declare.js';
import { threatModelJsonSchema } from '../../assumptions/threat-model-file.js';
import { KtmError } from '../../errors.js';
import { deriveModel } from '../../model/index.js';
import { assess } from '../../assess.js';
import { buildRraContext, renderRraMarkdown, resolveRraTargets } from '../../report/rra/rra-markdown.js';
import { addInputOptions, readInput } from '../input.js';
import { EXIT, type CliIo } from '../io.js';
import { addDeprecatedOption, deprecatedValue } from '../deprecated.js';
import { plural } from '../../text/plural.js';
import type { CommandResult } from '../main.js';
import { deriveOptions, type ModelFlags } from './dataflow.js';

export function register(program: Command, io: CliIo, result: CommandResult): void {
  const cmd = program
    .command('init')
    .description(
      'write threatmodel.yaml from the observed cluster: zones (owners to fill in), components, flows, starter assumptions',
    )
    .argument('[paths...]', 'manifest files or folders (recursively), snapshot folders, or - for stdin');
  addDeprecatedOption(cmd, '--out <file>', '--model');
  addInputOptions(cmd)
    .option(
      '--model <file>',
      'the threat model to write (beside it: its JSON Schema and rra/)',
      'threatmodel.yaml',
    )
    .option('--force', 'overwrite an existing file')
    .option('--zones-file <file>', 'a zones file that renames, merges or assigns zones (YAML)')
    .action(async (paths: string[], flags: ModelFlags & { model: string; out?: string; force?: boolean }) => {
      const target = deprecatedValue(io, flags.out, '--out', '--model') ?? flags.model;
      const file = path.resolve(io.cwd, target);
      if (existsSync(file) && flags.force !== true) {
        throw new KtmError(
          'already exists',
          target,
          'use `ktm model update` to refresh it, or --force to overwrite',
        );
      }
      const options = await deriveOptions(flags, io);
      const inventory = await readInput(paths, flags, io);
      const model = deriveModel(inventory, options);
      const schemaFile = path.join(path.dirname(file), 'threatmodel.schema.json');
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, initThreatModel(inventory, model, `./${path.basename(schemaFile)}`));
      await writeFile(schemaFile, `${JSON.stringify(threatModelJsonSchema(), null, 2)}\n`);
      // One Rapid Risk Assessment per control-plane component, prefilled, for the owning team to complete.
      const rraDir = path.join(path.dirname(file), 'rra');
      await mkdir(rraDir, { recursive: true });
      const rra = buildRraContext(inventory, model, assess(inventory).findings, { basePath: io.cwd });
      const subjects = resolveRraTargets(model);
      for (const subject of subjects) {
        const id = subject.type === 'component' ? subject.component.id : subject.zone.id;
        await writeFile(
          path.join(rraDir, `${id.replace(/[^A-Za-z0-9._-]+/g, '_')}.md`),
          renderRraMarkdown(rra, [subject]),
        );
      }
      io.stdout(
        `wrote ${target} (${plural(model.zones.length, 'zone')}, ${plural(model.components.length, 'component')}, ${plural(model.flows.length, 'flow')}), ${path.relative(io.cwd, schemaFile)} and ${plural(subjects.length, 'RRA document')} in ${path.relative(io.cwd, rraDir)}/\n` +
          'next: fill in each zone’s owner and edit the assumptions, then run `ktm assess --model ' +
          `${target}\`\n`,
      );
      result.code = EXIT.ok;
    });
}
