// `ktm collect --dir DIR`: read a live cluster (read-only) and write a snapshot folder that `ktm assess DIR` reads offline.
import { Option, type Command } from 'commander';
import { collectLive } from '../../collect/live/collect-live.js';
import { writeSnapshot } from '../../collect/snapshot/write-snapshot.js';
import { diagnosticLine, KtmError } from '../../errors.js';
import { escapeTerminal } from '../../text/escape.js';
import { addLimitOptions, inputLimits, parseDuration } from '../input.js';
import { EXIT, type CliIo } from '../io.js';
import { deprecatedValue } from '../deprecated.js';
import { plural } from '../../text/plural.js';
import type { CommandResult } from '../main.js';

interface CollectFlags {
  dir?: string;
  output?: string;
  kubeconfig?: string;
  context?: string;
  kubeletConfig?: boolean;
  configmap?: string[];
  timeout: string;
  quiet?: boolean;
  maxFileBytes?: string;
  maxInputBytes?: string;
  maxObjects?: string;
}

const collectValues = (v: string, prev: string[] = []): string[] => [...prev, v];

export function register(program: Command, io: CliIo, result: CommandResult): void {
  const command = program
    .command('collect')
    .description('read a live cluster (read-only, see deploy/rbac.yaml) and write a snapshot folder')
    .option('--dir <dir>', 'snapshot folder to write (created; a previous snapshot there is replaced)')
    .option(
      '--kubeconfig <file>',
      'kubeconfig file (default: $KUBECONFIG, ~/.kube/config, or the in-cluster service account)',
    )
    .option('--context <name>', 'kubeconfig context (default: the current context)')
    .option(
      '--kubelet-config',
      "read each node's kubelet configuration via nodes/proxy configz (needs the powerful nodes/proxy right)",
    )
    .option('--configmap <ns/name>', 'an extra ConfigMap to collect (repeatable)', collectValues)
    .addOption(
      new Option('--timeout <duration>', 'stop collecting after this long (e.g. 90s, 5m)').default('5m'),
    )
    .option('-q, --quiet', 'no progress on stderr')
    .addOption(new Option('-o, --output <dir>', 'deprecated: use --dir').hideHelp());
  addLimitOptions(command, ['maxFileBytes', 'maxInputBytes', 'maxObjects']).action(
    async (flags: CollectFlags) => {
      // -o means the output format in every other command (as in kubectl); here it used to name the folder.
      const dir = deprecatedValue(io, flags.output, '-o/--output DIR', '--dir DIR') ?? flags.dir;
      if (dir === undefined)
        throw new KtmError(
          'no snapshot folder',
          'arguments',
          'give --dir DIR, the folder to write the snapshot into',
        );
      const showProgress = io.stderrIsTty && flags.quiet !== true;
      const snapshot = await collectLive({
        ...(flags.kubeconfig !== undefined ? { kubeconfig: flags.kubeconfig } : {}),
        ...(flags.context !== undefined ? { context: flags.context } : {}),
        timeoutMs: parseDuration(flags.timeout),
        kubeletConfig: flags.kubeletConfig === true,
        configmaps: flags.configmap ?? [],
        limits: inputLimits(flags),
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
      const written = await writeSnapshot(dir, snapshot);
      for (const d of snapshot.diagnostics) io.stderr(`${escapeTerminal(diagnosticLine(d), 1000)}\n`);
      const resources = snapshot.coverage.resources;
      const read = resources.filter((r) => r.state === 'read').length;
      const version = snapshot.cluster.serverVersion?.gitVersion;
      io.stdout(
        `collected ${plural(written.objects, 'object')} of ${read}/${plural(resources.length, 'resource type')} from ${escapeTerminal(snapshot.cluster.name)}` +
          `${version === undefined ? '' : ` (${escapeTerminal(version)})`} into ${escapeTerminal(dir, 500)}\n`,
      );
      // Optional APIs that are not served are expected (Gateway API, PodSecurityPolicy after 1.25), not gaps.
      const gaps = resources.filter((r) => r.state !== 'read' && r.state !== 'not-served');
      const facts = snapshot.coverage.facts.filter((f) => f.state !== 'read');
      const notServed = resources.filter((r) => r.state === 'not-served').map((r) => r.resource);
      if (gaps.length > 0 || facts.length > 0) {
        io.stdout('coverage gaps (what ktm could not read; rules report them as unverifiable):\n');
        for (const g of gaps)
          io.stdout(
            `  ${g.state}: ${escapeTerminal(g.resource)}${g.reason === undefined ? '' : `: ${escapeTerminal(g.reason, 300)}`}\n`,
          );
        for (const f of summariseFacts(facts)) io.stdout(`  ${f}\n`);
      } else {
        io.stdout('coverage: every resource type was read\n');
      }
      if (notServed.length > 0)
        io.stdout(`not served by this cluster: ${escapeTerminal(notServed.join(', '), 1000)}\n`);
      result.code = EXIT.ok;
    },
  );
}

/** One line per fact and state: 5,000 nodes whose configz is forbidden are one line, not 5,000. */
function summariseFacts(
  facts: readonly { fact: string; subject?: string; state: string; reason?: string }[],
): string[] {
  const groups = new Map<string, { subjects: string[]; reason?: string }>();
  for (const f of facts) {
    const key = `${f.state}: ${f.fact}`;
    const g = groups.get(key);
    if (g === undefined)
      groups.set(key, {
        subjects: f.subject === undefined ? [] : [f.subject],
        ...(f.reason === undefined ? {} : { reason: f.reason }),
      });
    else if (f.subject !== undefined) g.subjects.push(f.subject);
  }
  return [...groups.entries()].map(([key, g]) => {
    const who =
      g.subjects.length === 0
        ? ''
        : g.subjects.length <= 3
          ? ` (${g.subjects.join(', ')})`
          : ` (${g.subjects.slice(0, 3).join(', ')} and ${g.subjects.length - 3} more)`;
    return escapeTerminal(`${key}${who}${g.reason === undefined ? '' : `: ${g.reason}`}`, 400);
  });
}
