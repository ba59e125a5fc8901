// Options shared by every command that reads a cluster: paths, --demo, live cluster flags, node files.
import { Option, type Command } from 'commander';
import { KtmError } from '../errors.js';
import { loadInventory, type InputSpec } from '../collect/load.js';
import type { Inventory } from '../collect/inventory.js';
import type { CliIo } from './io.js';
import { escapeTerminal } from '../report/escape.js';

export interface InputFlags {
  demo?: boolean;
  kubeconfig?: string;
  context?: string;
  live?: boolean;
  inCluster?: boolean;
  nodeFiles?: string[];
  kubeletConfig?: boolean;
  configmap?: string[];
  timeout?: string;
  quiet?: boolean;
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/** Adds the input options to a command that reads a cluster. */
export function addInputOptions(cmd: Command): Command {
  return cmd
    .option('--demo', 'read the bundled example cluster (a snapshot and its control-plane node files)')
    .option(
      '--live',
      'read the cluster of the current kubeconfig context (implied by --kubeconfig or --context)',
    )
    .option(
      '--in-cluster',
      "read the cluster ktm runs in with the pod's service account (the CronJob in deploy/), ignoring any kubeconfig",
    )
    .option(
      '--kubeconfig <file>',
      'kubeconfig file (default: $KUBECONFIG, ~/.kube/config, or the in-cluster service account)',
    )
    .option('--context <name>', 'kubeconfig context (default: the current context)')
    .option(
      '--node-files <dir>',
      "a node's copy of /etc/kubernetes and /var/lib/kubelet (repeatable, one per node)",
      collect,
    )
    .option(
      '--kubelet-config',
      "read each node's kubelet configuration via nodes/proxy configz (needs the nodes/proxy right)",
    )
    .option('--configmap <ns/name>', 'an extra ConfigMap to collect (repeatable)', collect)
    .addOption(
      new Option('--timeout <duration>', 'stop live collection after this long (e.g. 90s, 5m)').default('5m'),
    )
    .option('-q, --quiet', 'no progress on stderr');
}

export function parseDuration(s: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(s.trim());
  if (!m) throw new KtmError(`invalid duration '${escapeTerminal(s)}'`, '--timeout', 'use e.g. 30s, 5m, 1h');
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  return n * ({ ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const)[unit as 'ms' | 's' | 'm' | 'h'];
}

export function inputSpec(paths: readonly string[], flags: InputFlags): InputSpec {
  const live =
    flags.live === true ||
    flags.inCluster === true ||
    flags.kubeconfig !== undefined ||
    flags.context !== undefined;
  if (flags.inCluster === true && (flags.kubeconfig !== undefined || flags.context !== undefined))
    throw new KtmError(
      "--in-cluster uses the pod's service account",
      'arguments',
      'drop --kubeconfig/--context, or drop --in-cluster',
    );
  const chosen = [flags.demo === true, live, paths.length > 0].filter(Boolean).length;
  if (chosen === 0) {
    throw new KtmError(
      'no input',
      'arguments',
      'give PATH... (manifests or a snapshot folder), --demo, or --live/--kubeconfig/--context',
    );
  }
  if (chosen > 1)
    throw new KtmError(
      'choose one input',
      'arguments',
      'PATH..., --demo and a live cluster exclude each other',
    );
  if (flags.demo === true) return { kind: 'demo' };
  if (live) {
    return {
      kind: 'live',
      ...(flags.kubeconfig !== undefined ? { kubeconfig: flags.kubeconfig } : {}),
      ...(flags.context !== undefined ? { context: flags.context } : {}),
      ...(flags.inCluster === true ? { inCluster: true } : {}),
      timeoutMs: parseDuration(flags.timeout ?? '5m'),
      kubeletConfig: flags.kubeletConfig === true,
      configmaps: flags.configmap ?? [],
    };
  }
  return { kind: 'paths', paths };
}

export async function readInput(paths: readonly string[], flags: InputFlags, io: CliIo): Promise<Inventory> {
  const spec = inputSpec(paths, flags);
  const showProgress = io.stderrIsTty && flags.quiet !== true;
  const inventory = await loadInventory(spec, {
    nodeFiles: flags.nodeFiles ?? [],
    stdin: io.stdin,
    ...(showProgress
      ? {
          onProgress: (p) => {
            io.stderr(
              `\r\x1b[Kcollecting: ${p.typesDone}/${p.typesTotal} resource types, ${p.objects} objects, ${(p.elapsedMs / 1000).toFixed(1)}s`,
            );
          },
        }
      : {}),
  });
  if (showProgress) io.stderr('\r\x1b[K');
  return inventory;
}
