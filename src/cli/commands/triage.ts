// `ktm triage FINDING STATE --reason TEXT`: record a team's decision about a finding; it holds across assessments.
import os from 'node:os';
import type { Command } from 'commander';
import { KtmError } from '../../errors.js';
import { parseUntil, TRIAGE_STATES, type TriageState } from '../../rules/framework/triage.js';
import { escapeTerminal as t } from '../../report/escape.js';
import { EXIT, type CliIo } from '../io.js';
import type { CommandResult } from '../main.js';
import { addStoreOptions, resolveCluster, withStore, type StoreFlags } from '../store-options.js';

interface TriageFlags extends StoreFlags {
  reason?: string;
  until?: string;
  by?: string;
}

const isState = (s: string): s is TriageState => (TRIAGE_STATES as readonly string[]).includes(s);

function who(io: CliIo): string {
  return io.env.KTM_USER ?? io.env.USER ?? io.env.USERNAME ?? os.userInfo().username;
}

export function register(program: Command, io: CliIo, result: CommandResult): void {
  const cmd = program
    .command('triage')
    .description(
      'record a decision about a finding (accepted, false-positive, in-progress, mitigated); without STATE, show its decisions',
    )
    .argument('<finding>', 'the finding id (rule@Kind/namespace/name) or the start of its fingerprint')
    .argument('[state]', TRIAGE_STATES.join(' | '));
  addStoreOptions(cmd)
    .option('--reason <text>', 'why (required with a state)')
    .option('--until <date>', 'YYYY-MM-DD: an acceptance lapses after this day and the finding re-opens')
    .option('--by <name>', 'who decided (default: $KTM_USER, else the login name)')
    .action(async (handle: string, state: string | undefined, flags: TriageFlags) => {
      if (state !== undefined && !isState(state))
        throw new KtmError(
          `unknown triage state '${t(state, 40)}'`,
          'triage',
          `use one of ${TRIAGE_STATES.join(', ')}`,
        );
      if (state !== undefined && (flags.reason ?? '').trim() === '')
        throw new KtmError(
          'a decision needs a reason',
          '--reason',
          'say why, e.g. --reason "fixed in the next release"',
        );
      const until = flags.until === undefined ? undefined : parseUntil(flags.until);
      if (flags.until !== undefined && until === undefined)
        throw new KtmError(`invalid date '${t(flags.until, 40)}'`, '--until', 'use YYYY-MM-DD');
      if (until !== undefined && state !== 'accepted')
        throw new KtmError(
          '--until applies to accepted findings only',
          '--until',
          'drop it, or use state accepted',
        );
      const out = await withStore(flags, io, async (store) => {
        const cluster = await resolveCluster(store, flags);
        const matches = await store.findFinding(cluster, handle);
        if (matches.length === 0)
          throw new KtmError(
            `no finding '${t(handle, 120)}' in the saved assessments of cluster '${t(cluster, 80)}'`,
            'triage',
            'give an id or fingerprint from ktm assess --store (-o json lists them under triage and findings)',
          );
        const [findingId] = matches;
        if (matches.length > 1 || findingId === undefined)
          throw new KtmError(
            `'${t(handle, 60)}' matches ${String(matches.length)} findings: ${matches
              .slice(0, 5)
              .map((m) => t(m, 100))
              .join(', ')}`,
            'triage',
            'give more of the fingerprint, or the whole id',
          );
        if (state === undefined) {
          const history = await store.decisionHistory(cluster, findingId);
          if (history.length === 0) return `${t(findingId, 200)}: open (no decision recorded)\n`;
          return history
            .map(
              (d) =>
                `${d.at}  ${d.state}${d.until === undefined ? '' : ` until ${d.until}`}  by ${t(d.by, 60)}: ${t(d.reason, 200)}`,
            )
            .join('\n')
            .concat('\n');
        }
        await store.decide({
          cluster,
          findingId,
          state,
          reason: flags.reason ?? '',
          ...(until === undefined ? {} : { until }),
          by: flags.by ?? who(io),
          at: new Date().toISOString(),
        });
        return `${t(findingId, 200)}: ${state}${until === undefined ? '' : ` until ${until}`} (cluster ${t(cluster, 80)})\n`;
      });
      io.stdout(out);
      result.code = EXIT.ok;
    });
}
