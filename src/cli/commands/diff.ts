// `ktm diff [A] [B]`: what changed between two saved assessments (default: the cluster's last two).
import type { Command } from 'commander';
import { KtmError } from '../../errors.js';
import { diffAssessments } from '../../store/diff.js';
import type { AssessmentStore } from '../../store/assessment-store.js';
import { EXIT, type CliIo } from '../io.js';
import type { CommandResult } from '../main.js';
import { addFormatOption, writeReport } from '../output-format.js';
import { addStoreOptions, resolveCluster, withStore, type StoreFlags } from '../store-options.js';

function parseId(s: string): number {
  const m = /^#?(\d+)$/.exec(s.trim());
  if (m?.[1] === undefined)
    throw new KtmError(`'${s.slice(0, 40)}' is not an assessment id`, 'diff', 'give ids from ktm history');
  return Number(m[1]);
}

/** The two assessment ids to compare: both given, one given (→ the cluster's newest), or the cluster's last two. */
async function pick(
  store: AssessmentStore,
  flags: StoreFlags,
  a?: string,
  b?: string,
): Promise<[number, number]> {
  if (a !== undefined && b !== undefined) return [parseId(a), parseId(b)];
  const cluster = await resolveCluster(store, flags);
  const recent = await store.list(cluster, 2);
  if (a !== undefined) {
    const newest = recent[0];
    if (newest === undefined) throw new KtmError(`no assessment of cluster '${cluster}'`, store.location);
    return [parseId(a), newest.id];
  }
  const [newest, previous] = recent;
  if (newest === undefined || previous === undefined)
    throw new KtmError(
      `cluster '${cluster}' has ${String(recent.length)} saved assessment${recent.length === 1 ? '' : 's'}; a diff needs two`,
      store.location,
      'run ktm assess --store again after a change, or give two ids from ktm history',
    );
  return [previous.id, newest.id];
}

export function register(program: Command, io: CliIo, result: CommandResult): void {
  const cmd = program
    .command('diff')
    .description(
      'what changed between two saved assessments: findings, components, flows, zone criticality, assumptions, drift',
    )
    .argument('[before]', 'the older assessment id (default: the second newest of the cluster)')
    .argument('[after]', 'the newer assessment id (default: the newest of the cluster)');
  addFormatOption(addStoreOptions(cmd), 'diff', 'table').action(
    async (a: string | undefined, b: string | undefined, flags: StoreFlags & { output: string }) => {
      const data = await withStore(flags, io, async (store) => {
        const [beforeId, afterId] = await pick(store, flags, a, b);
        const before = await store.load(beforeId);
        const after = await store.load(afterId);
        return {
          diff: diffAssessments(before.document, after.document),
          header: { before: before.info, after: after.info },
        };
      });
      await writeReport(io, 'diff', flags.output, data);
      result.code = EXIT.ok;
    },
  );
}
