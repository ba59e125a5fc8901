// `ktm dataflow`: derive the data-flow graph and draw it as DOT, SVG, Mermaid, or the Model as JSON.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { KtmError } from '../../errors.js';
import type { Analyses } from '../../analysis/analyses.js';
import { analysesFor } from '../../assess.js';
import { parseZonesFile, type DeriveOptions, type Model } from '../../model/index.js';
import { resolveZone } from '../../model/names.js';
import type { Inventory } from '../../collect/inventory.js';
import { addInputOptions, readInput, type InputFlags } from '../input.js';
import { EXIT, type CliIo } from '../io.js';
import type { CommandResult } from '../main.js';
import { addFormatOption, writeReport } from '../output-format.js';

export interface ModelFlags extends InputFlags {
  detail?: boolean;
  zone?: string;
  zonesFile?: string;
  tenantLabel?: string;
  reachability?: boolean;
}

/** The model options of the flags: the zones file read and validated, the tenant label. */
export async function deriveOptions(flags: ModelFlags, io: CliIo): Promise<Omit<DeriveOptions, 'network'>> {
  let zonesFile: DeriveOptions['zonesFile'];
  if (flags.zonesFile !== undefined) {
    const file = path.resolve(io.cwd, flags.zonesFile);
    const text = await readFile(file, 'utf8').catch(() => {
      throw new KtmError('cannot read the zones file', flags.zonesFile, 'give a readable YAML file');
    });
    zonesFile = parseZonesFile(text, flags.zonesFile);
  }
  return {
    ...(zonesFile === undefined ? {} : { zonesFile }),
    ...(flags.tenantLabel === undefined ? {} : { tenantLabel: flags.tenantLabel }),
  };
}

/** The model of the flags' input, and the zone --zone names (resolved by the one name resolver), if any. */
export async function modelFromFlags(
  paths: readonly string[],
  flags: ModelFlags,
  io: CliIo,
): Promise<{
  model: Model;
  inventory: Inventory;
  zone?: string;
  analyses: Analyses;
  options: Omit<DeriveOptions, 'network'>;
}> {
  const options = await deriveOptions(flags, io);
  const inventory = await readInput(paths, flags, io);
  const analyses = analysesFor(inventory, { modelOptions: options });
  const model = analyses.model();
  const base = { model, inventory, analyses, options };
  if (flags.zone === undefined) return base;
  return { ...base, zone: resolveZone(model, flags.zone, '--zone').id };
}

/** Options every diagram command shares. */
export function addModelOptions(cmd: Command): Command {
  return cmd
    .option('--detail', 'draw every workload, Service and node (default: collapsed per namespace and pool)')
    .option('--zone <name>', 'focus on one trust zone (id or name) and the flows crossing it')
    .option('--zones-file <file>', 'a zones file that renames, merges or assigns zones (YAML)')
    .option('--tenant-label <label>', 'group namespaces into tenant zones by this namespace label')
    .option('--reachability', 'also draw network reachability between workloads (what NetworkPolicy allows)');
}

export function register(program: Command, io: CliIo, result: CommandResult): void {
  const cmd = program
    .command('dataflow')
    .description(
      'derive the data-flow graph: components, flows (TLS, authentication, evidence) and trust zones',
    )
    .argument('[paths...]', 'manifest files or folders (recursively), snapshot folders, or - for stdin');
  addFormatOption(addModelOptions(addInputOptions(cmd)), 'dataflow', 'dot').action(
    async (paths: string[], flags: ModelFlags & { output: string }) => {
      const { model, zone } = await modelFromFlags(paths, flags, io);
      const view = {
        ...(flags.detail === true ? { detail: true } : {}),
        ...(zone === undefined ? {} : { zone }),
        ...(flags.reachability === true ? { reachability: true } : {}),
      };
      await writeReport(io, 'dataflow', flags.output, { model, view });
      result.code = EXIT.ok;
    },
  );
}
