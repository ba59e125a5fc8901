// Options shared by every command that reads a cluster: paths, --demo, live cluster flags, node files.
import { plural } from '../text/plural.js';
import { Option, type Command } from 'commander';
import { KtmError } from '../errors.js';
import { loadInventory, type InputSpec } from '../collect/load.js';
import type { Inventory } from '../collect/inventory.js';
import { DEFAULT_LIMITS, LIMIT_FLAGS, type InputLimits } from '../collect/limits.js';
import { partialReadNote } from '../collect/coverage.js';
import type { CliIo } from './io.js';
import { escapeTerminal } from '../text/escape.js';

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
  maxFileBytes?: string;
  maxInputBytes?: string;
  maxDocuments?: string;
  maxObjects?: string;
  maxYamlAliases?: string;
  complete?: boolean;
  maxMemory?: string;
}

const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/** Adds the input options to a command that reads a cluster. */
export function addInputOptions(cmd: Command): Command {
  cmd
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
    .option(
      '--complete',
      'the manifests given are the whole cluster: a kind with no document counts as read (none exist), not as missing',
    )
    .addOption(
      new Option('--timeout <duration>', 'stop live collection after this long (e.g. 90s, 5m)').default('5m'),
    )
    .option('-q, --quiet', 'no progress on stderr');
  addLimitOptions(cmd, ['maxFileBytes', 'maxInputBytes', 'maxDocuments', 'maxObjects', 'maxYamlAliases']);
  return cmd.option(
    '--max-memory <MiB>',
    "Node's heap size for a large input (ktm restarts itself with it; e.g. 8192 for a 150,000-pod dump on a small heap)",
  );
}

/** What each input limit bounds; a live cluster's responses count as inputs (collect-live.ts). */
const LIMIT_HELP: Readonly<Record<keyof InputLimits, string>> = {
  maxFileBytes: `stop when one input file, stdin or one API response is larger (default ${bytesText(DEFAULT_LIMITS.maxFileBytes)}; e.g. 512Mi, 8Gi)`,
  maxInputBytes: `stop when all inputs (or all API responses) together are larger (default ${bytesText(DEFAULT_LIMITS.maxInputBytes)})`,
  maxDocuments: `stop after this many YAML documents and JSON values (default ${DEFAULT_LIMITS.maxDocuments})`,
  maxObjects: `stop after this many Kubernetes objects, from files or a live cluster (default ${DEFAULT_LIMITS.maxObjects})`,
  maxYamlAliases: `skip a YAML document whose aliases expand to more nodes (default ${DEFAULT_LIMITS.maxYamlAliases})`,
};

/** Adds the input limit flags named (`ktm collect` takes the three a live read honours). */
export function addLimitOptions(cmd: Command, limits: readonly (keyof InputLimits)[]): Command {
  for (const key of limits)
    cmd.option(
      `${LIMIT_FLAGS[key]} <${key === 'maxFileBytes' || key === 'maxInputBytes' ? 'size' : 'n'}>`,
      LIMIT_HELP[key],
    );
  return cmd;
}

/** The `--max-memory` value in raw arguments (bin/ktm.ts restarts Node with it before commander runs). */
export function maxMemoryMiB(args: readonly string[]): number | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') return undefined;
    const value =
      a === '--max-memory' ? args[i + 1] : a.startsWith('--max-memory=') ? a.slice(13) : undefined;
    if (value === undefined) continue;
    const n = Number(value);
    return Number.isInteger(n) && n >= 256 ? n : undefined;
  }
  return undefined;
}

const BYTE_UNITS = {
  '': 1,
  K: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4,
};

function bytesText(n: number): string {
  return n % 1024 ** 3 === 0 ? `${n / 1024 ** 3}Gi` : String(n);
}

/** A count or a size (`512Mi`, `2G`, `1000`) given to a limit flag. */
function parseLimit(value: string, flag: string, sizes: boolean): number {
  const m = /^(\d+)(Ki|Mi|Gi|Ti|K|M|G|T)?$/.exec(value.trim());
  const unit = (m?.[2] ?? '') as keyof typeof BYTE_UNITS;
  if (m === null || (!sizes && unit !== '') || Number(m[1]) <= 0)
    throw new KtmError(
      `invalid value '${escapeTerminal(value)}'`,
      flag,
      sizes ? 'give a size such as 512Mi, 8Gi or 1000000' : 'give a positive whole number',
    );
  return Number(m[1]) * BYTE_UNITS[unit];
}

/** The input limits the flags ask for, each defaulting to DEFAULT_LIMITS. */
export function inputLimits(flags: Pick<InputFlags, keyof InputLimits>): InputLimits {
  const pick = (key: keyof InputLimits, sizes: boolean): number => {
    const v = flags[key];
    return v === undefined ? DEFAULT_LIMITS[key] : parseLimit(v, LIMIT_FLAGS[key], sizes);
  };
  return {
    maxFileBytes: pick('maxFileBytes', true),
    maxInputBytes: pick('maxInputBytes', true),
    maxDocuments: pick('maxDocuments', false),
    maxObjects: pick('maxObjects', false),
    maxYamlAliases: pick('maxYamlAliases', false),
  };
}

export function parseDuration(s: string, flag = '--timeout'): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(s.trim());
  if (!m) throw new KtmError(`invalid duration '${escapeTerminal(s)}'`, flag, 'use e.g. 30s, 5m, 1h');
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
  return { kind: 'paths', paths, ...(flags.complete === true ? { complete: true } : {}) };
}

export async function readInput(paths: readonly string[], flags: InputFlags, io: CliIo): Promise<Inventory> {
  const spec = inputSpec(paths, flags);
  const limits = inputLimits(flags);
  const showProgress = io.stderrIsTty && flags.quiet !== true;
  const inventory = await loadInventory(spec, {
    nodeFiles: flags.nodeFiles ?? [],
    stdin: io.stdin,
    limits,
    ...(showProgress
      ? {
          onProgress: (p) => {
            io.stderr(
              `\r\x1b[Kcollecting: ${p.typesDone}/${plural(p.typesTotal, 'resource type')}, ${plural(p.objects, 'object')}, ${(p.elapsedMs / 1000).toFixed(1)}s`,
            );
          },
        }
      : {}),
  });
  if (showProgress) io.stderr('\r\x1b[K');
  requireSomethingRead(inventory, spec);
  if (flags.quiet !== true) {
    const note = partialReadNote(inventory.coverage);
    if (note !== undefined) io.stderr(`ktm: ${escapeTerminal(note, 2000)}\n`);
  }
  return inventory;
}

function inputName(spec: InputSpec): string {
  switch (spec.kind) {
    case 'demo':
      return 'the example cluster';
    case 'live':
      return spec.context === undefined ? 'the cluster' : `the cluster of context ${spec.context}`;
    case 'paths':
      return spec.paths.join(', ');
  }
}

/**
 * An input ktm read nothing from is an error (exit 2), never an empty, clean assessment: no objects, every
 * document failed to parse, or a cluster that answered no list (everything forbidden, not found, failed).
 */
export function requireSomethingRead(inv: Inventory, spec: InputSpec): void {
  const where = escapeTerminal(inputName(spec), 300);
  const resources = inv.coverage.resources;
  // A real API server always lists some objects (the default and kube-system namespaces at least): a live read
  // with no list answered, or only empty ones, is not a cluster ktm can assess (an endpoint answering 404 to all).
  if (
    inv.coverage.mode === 'live' &&
    (inv.items.length === 0 || !resources.some((r) => r.state === 'read'))
  ) {
    const by = new Map<string, number>();
    for (const r of resources) by.set(r.state, (by.get(r.state) ?? 0) + 1);
    const states = [...by.entries()].map(([state, n]) => `${n} ${state}`).join(', ');
    const first = resources.find((r) => r.reason !== undefined)?.reason;
    throw new KtmError(
      `answered no list with objects (${inv.items.length} objects; ${states}${first === undefined ? '' : `; first: ${escapeTerminal(first, 200)}`})`,
      where,
      'check that the kubeconfig points at a Kubernetes API server and that ktm’s ClusterRole (deploy/) is bound to the identity it uses',
    );
  }
  if (inv.items.length > 0 || inv.nodeFiles.length > 0) return;
  const errors = inv.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    const first = errors[0]!;
    throw new KtmError(
      `every document failed to read (${errors.length} error${errors.length === 1 ? '' : 's'}; first: ${escapeTerminal(first.where, 300)}: ${escapeTerminal(first.message, 300)})`,
      where,
      'fix the files, or give Kubernetes manifests (YAML or JSON) or a snapshot folder',
    );
  }
  throw new KtmError(
    'no Kubernetes objects in the input',
    where,
    'give manifests (YAML or JSON), a snapshot folder written by `ktm collect`, --demo, or a live cluster',
  );
}
