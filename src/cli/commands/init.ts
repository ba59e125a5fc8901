// `ktm init`: write threatmodel.yaml (prefilled from the observed cluster), its JSON Schema and RRA documents beside it.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { refuseOverwrite, writeFileAtomic } from '../../atomic-write.js';
import { initThreatModel } from '../../assumptions/declare.js';
import { threatModelJsonSchema } from '../../assumptions/threat-model-file.js';
import { analysesFor, assess } from '../../assess.js';
import { buildRraContext, renderRraMarkdown, resolveRraTargets } from '../../report/rra/rra-markdown.js';
import { addInputOptions, readInput } from '../input.js';
import { EXIT, type CliIo } from '../io.js';
import { addDeprecatedOption, deprecatedValue } from '../deprecated.js';
import { plural } from '../../text/plural.js';
import type { CommandResult } from '../main.js';
import { deriveOptions, type ModelFlags } from './dataflow.js';

const OVERWRITE_HINT =
  'teams edit these files: use `ktm model update` to refresh the threat model, or --force to replace them';

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
    .option('--force', 'replace existing files (the threat model, its schema, RRA documents)')
    .option('--zones-file <file>', 'a zones file that renames, merges or assigns zones (YAML)')
    .action(async (paths: string[], flags: ModelFlags & { model: string; out?: string; force?: boolean }) => {
      const target = deprecatedValue(io, flags.out, '--out', '--model') ?? flags.model;
      const file = path.resolve(io.cwd, target);
      const overwrite = { force: flags.force === true, hint: OVERWRITE_HINT, cwd: io.cwd };
      // Checked before reading the (possibly large or live) input, and again below for every file.
      await refuseOverwrite([file], overwrite);
      const options = await deriveOptions(flags, io);
      const inventory = await readInput(paths, flags, io);
      const analyses = analysesFor(inventory, { modelOptions: options });
      const model = analyses.model();
      const schemaFile = path.join(path.dirname(file), 'threatmodel.schema.json');
      // One Rapid Risk Assessment per control-plane component, prefilled, for the owning team to complete.
      const rraDir = path.join(path.dirname(file), 'rra');
      const rra = buildRraContext(assess(inventory, { modelOptions: options }, analyses), analyses, {
        basePath: io.cwd,
      });
      const subjects = resolveRraTargets(model);
      const rraFiles = subjects.map((subject) => {
        const id = subject.type === 'component' ? subject.component.id : subject.zone.id;
        return {
          file: path.join(rraDir, `${id.replace(/[^A-Za-z0-9._-]+/g, '_')}.md`),
          content: renderRraMarkdown(rra, [subject]),
        };
      });
      await refuseOverwrite([file, schemaFile, ...rraFiles.map((r) => r.file)], overwrite);
      await mkdir(rraDir, { recursive: true });
      await writeFileAtomic(file, initThreatModel(inventory, model, `./${path.basename(schemaFile)}`));
      await writeFileAtomic(schemaFile, `${JSON.stringify(threatModelJsonSchema(), null, 2)}\n`);
      for (const r of rraFiles) await writeFileAtomic(r.file, r.content);
      io.stdout(
        `wrote ${target} (${plural(model.zones.length, 'zone')}, ${plural(model.components.length, 'component')}, ${plural(model.flows.length, 'flow')}), ${path.relative(io.cwd, schemaFile)} and ${plural(subjects.length, 'RRA document')} in ${path.relative(io.cwd, rraDir)}/\n` +
          'next: fill in each zone’s owner and edit the assumptions, then run `ktm assess --model ' +
          `${target}\`\n`,
      );
      result.code = EXIT.ok;
    });
}
