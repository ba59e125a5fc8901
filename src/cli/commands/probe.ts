// `ktm probe`: ask the model's endpoints (or --target addresses) how they really behave: plain HTTP, TLS, mutual TLS, anonymous reads.
import path from 'node:path';
import { Option, type Command } from 'commander';
import { KtmError } from '../../errors.js';
import { parseTarget, readProbeMap } from '../../collect/probe/addresses.js';
import { readCaFile, runProbes, type ProbeRunOptions } from '../../collect/probe/run-probes.js';
import type { ProbeRun, ProbeTarget, SkippedTarget } from '../../collect/probe/types.js';
import { deriveModel } from '../../model/index.js';
import { planProbeTargets, type ProbePlan } from '../../model/probe-targets.js';
import type { Inventory } from '../../collect/inventory.js';
import { escapeTerminal } from '../../report/escape.js';
import { addInputOptions, parseDuration, readInput, type InputFlags } from '../input.js';
import { EXIT, type CliIo } from '../io.js';
import type { CommandResult } from '../main.js';
import { addFormatOption, writeReport } from '../output-format.js';

export interface ProbeFlags {
  target?: string[];
  probeMap?: string;
  ca?: string;
  concurrency?: string;
  probeTimeout?: string;
  targetTimeout?: string;
  rate?: string;
  seclevel?: string;
  quiet?: boolean;
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/** Adds the options that bound and direct probing (shared by `ktm probe` and `ktm assess --probe`). */
export function addProbeOptions(cmd: Command): Command {
  return cmd
    .option(
      '--target <[kind=]host:port>',
      'probe this address instead of the model endpoints (repeatable)',
      collect,
    )
    .option(
      '--probe-map <file>',
      'YAML map of model endpoint ids to HOST:PORT; only mapped endpoints are probed',
    )
    .option('--ca <file>', 'the cluster CA (PEM): say whether each certificate chains to it')
    .option('--concurrency <n>', 'endpoints probed at once', '4')
    .option('--probe-timeout <duration>', 'timeout of each connection attempt', '5s')
    .option('--target-timeout <duration>', 'time allowed per endpoint over all its checks', '60s')
    .option('--rate <n>', 'connections opened per second, over the whole run', '20')
    .addOption(
      new Option(
        '--seclevel <n>',
        "the client's OpenSSL security level (0 lets it offer TLS 1.0/1.1)",
      ).default('0'),
    );
}

function positiveInt(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || (n === 0 && flag !== '--seclevel'))
    throw new KtmError(`invalid number '${escapeTerminal(value)}'`, flag, 'give a whole number');
  return n;
}

/** The bounded-run options from the flags, with progress on a terminal. */
export async function probeRunOptions(
  flags: ProbeFlags,
  io: CliIo,
  skipped: readonly SkippedTarget[],
): Promise<ProbeRunOptions> {
  const showProgress = io.stderrIsTty && flags.quiet !== true;
  return {
    concurrency: positiveInt(flags.concurrency, '--concurrency', 4),
    timeoutMs: parseDuration(flags.probeTimeout ?? '5s', '--probe-timeout'),
    targetTimeoutMs: parseDuration(flags.targetTimeout ?? '60s', '--target-timeout'),
    ratePerSecond: positiveInt(flags.rate, '--rate', 20),
    securityLevel: Math.min(positiveInt(flags.seclevel, '--seclevel', 0), 5),
    skipped,
    ...(flags.ca === undefined ? {} : { caPem: await readCaFile(path.resolve(io.cwd, flags.ca)) }),
    ...(showProgress
      ? {
          onProgress: (p: { done: number; total: number; current?: string }) => {
            io.stderr(
              `\r\x1b[Kprobing: ${p.done}/${p.total}${p.current ? ` ${escapeTerminal(p.current, 60)}` : ''}`,
            );
          },
        }
      : {}),
  };
}

/** The targets: --target addresses, else the inventory's model endpoints (through the probe map when given). */
export async function planTargets(flags: ProbeFlags, io: CliIo, inventory?: Inventory): Promise<ProbePlan> {
  if (flags.target !== undefined && flags.target.length > 0) {
    if (flags.probeMap !== undefined)
      throw new KtmError('--target and --probe-map exclude each other', 'arguments', 'give one of them');
    return { targets: flags.target.map(parseTarget), skipped: [] };
  }
  if (inventory === undefined)
    throw new KtmError(
      'nothing to probe',
      'arguments',
      'give --target HOST:PORT, or a cluster to read: PATH..., --demo or --live',
    );
  const probeMap =
    flags.probeMap === undefined ? undefined : await readProbeMap(path.resolve(io.cwd, flags.probeMap));
  return planProbeTargets(deriveModel(inventory), inventory, probeMap);
}

export async function runProbeFlags(
  targets: readonly ProbeTarget[],
  skipped: readonly SkippedTarget[],
  flags: ProbeFlags,
  io: CliIo,
): Promise<ProbeRun> {
  const options = await probeRunOptions(flags, io, skipped);
  const run = await runProbes(targets, options);
  if (options.onProgress !== undefined) io.stderr('\r\x1b[K');
  return run;
}

export function register(program: Command, io: CliIo, result: CommandResult): void {
  const cmd = program
    .command('probe')
    .description(
      "ask the model's endpoints directly (read-only): plain HTTP, TLS versions and weak ciphers, certificates, mutual TLS, anonymous reads",
    )
    .argument(
      '[paths...]',
      'manifest files or folders, snapshot folders, or - for stdin (the model to probe)',
    );
  addFormatOption(addProbeOptions(addInputOptions(cmd)), 'probe', 'table')
    .option('--dry-run', 'list what would be probed, and what would not and why; contact nothing')
    .action(
      async (paths: string[], flags: ProbeFlags & InputFlags & { dryRun?: boolean; output: string }) => {
        const explicit = flags.target !== undefined && flags.target.length > 0;
        const live = flags.live === true || flags.kubeconfig !== undefined || flags.context !== undefined;
        const input = paths.length > 0 || flags.demo === true || live;
        const { targets, skipped } = await planTargets(
          flags,
          io,
          explicit || !input ? undefined : await readInput(paths, flags, io),
        );
        if (flags.dryRun === true) {
          await writeReport(io, 'probe', flags.output, { plan: { targets, skipped } });
          result.code = EXIT.ok;
          return;
        }
        const run = await runProbeFlags(targets, skipped, flags, io);
        await writeReport(io, 'probe', flags.output, { run });
        result.code = EXIT.ok;
      },
    );
}
