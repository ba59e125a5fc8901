// `ktm issues`: one issue per discrepancy (contradicted assumption, drift item, failed finding at or above a threshold),
// written as files in a tracker's import format, or filed on GitHub idempotently.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { writeFileAtomic } from '../../atomic-write.js';
import { assess } from '../../assess.js';
import { loadThreatModel } from '../../assumptions/evaluate.js';
import { KtmError } from '../../errors.js';
import { buildDiscrepancies, Ownership } from '../../issues/discrepancies.js';
import { draftIssues } from '../../issues/drafts.js';
import { planIssues } from '../../issues/plan.js';
import { ISSUE_FORMATS, type IssueFormat } from '../../issues/formats.js';
import { reporterFor } from '../../report/index.js';
import { fileOnGitHub } from '../../issues/github.js';
import { SEVERITIES, type Severity } from '../../types.js';
import { addInputOptions, parseDuration, readInput, type InputFlags } from '../input.js';
import { EXIT, type CliIo } from '../io.js';
import { addDeprecatedOption, deprecatedValue } from '../deprecated.js';
import { plural } from '../../text/plural.js';
import { escapeTerminal } from '../../text/escape.js';
import type { CommandResult } from '../main.js';
import { addFormatOption } from '../output-format.js';

interface IssuesFlags extends InputFlags {
  dir?: string;
  output: string;
  out?: string;
  format?: IssueFormat;
  model?: string;
  threshold: Severity;
  create?: 'github';
  repo?: string;
  closeResolved?: boolean;
  githubTimeout: string;
}

export function register(program: Command, io: CliIo, result: CommandResult): void {
  const cmd = program
    .command('issues')
    .description(
      'write an issue for every discrepancy: contradicted assumptions, drift, findings at or above --threshold',
    )
    .argument('[paths...]', 'manifest files or folders (recursively), snapshot folders, or - for stdin');
  addDeprecatedOption(cmd, '--out <dir>', '--dir');
  addDeprecatedOption(cmd, '--format <format>', '-o/--output', ISSUE_FORMATS);
  addFormatOption(addInputOptions(cmd), 'issues', 'markdown', 'file format of the issues')
    .option('--dir <dir>', 'write the issues into this folder')
    .option('--model <file>', 'the declared threat model (owners, assumptions, declared flows)')
    .addOption(
      new Option('--threshold <severity>', 'lowest severity of a finding that becomes an issue')
        .choices(SEVERITIES)
        .default('high'),
    )
    .addOption(
      new Option(
        '--create <tracker>',
        'file the issues on a tracker (GITHUB_TOKEN; GITHUB_API_URL for GHES)',
      ).choices(['github']),
    )
    .option('--repo <owner/name>', 'the repository to file on (with --create github)')
    .option('--close-resolved', 'close open ktm issues whose discrepancy is gone, with a comment')
    .addOption(
      new Option('--github-timeout <duration>', 'longest wait for one answer from the GitHub API').default(
        '30s',
      ),
    )
    .action(async (paths: string[], flags: IssuesFlags) => {
      const dir = deprecatedValue(io, flags.out, '--out', '--dir') ?? flags.dir;
      const format = deprecatedValue(io, flags.format, '--format', '-o/--output') ?? flags.output;
      const { reporter } = reporterFor('issues', format);
      if (dir === undefined && flags.create === undefined)
        throw new KtmError(
          'nowhere to write',
          'arguments',
          'give --dir DIR or --create github --repo OWNER/NAME',
        );
      if (flags.create === 'github' && flags.repo === undefined)
        throw new KtmError('no repository', '--repo', 'give --repo OWNER/NAME');
      const token = io.env['GITHUB_TOKEN'];
      if (flags.create === 'github' && (token === undefined || token === ''))
        throw new KtmError(
          'GITHUB_TOKEN is not set',
          '--create github',
          'export a token with issues: write on the repository',
        );
      const threatModel =
        flags.model === undefined ? undefined : await loadThreatModel(path.resolve(io.cwd, flags.model));
      const inventory = await readInput(paths, flags, io);
      const assessment = assess(inventory, threatModel === undefined ? {} : { threatModel });
      const ownership = new Ownership({
        model: assessment.model,
        owners: new Map(Object.entries(assessment.owners)),
      });
      const discrepancies = buildDiscrepancies({
        findings: assessment.findings,
        assumptions: assessment.assumptions,
        drift: assessment.drift,
        ownership,
        threshold: flags.threshold,
      });
      // One issue per root cause: attack paths by the step that cuts them, findings by rule, zone, remediation, owner.
      const drafts = draftIssues(
        planIssues({ discrepancies, attackPaths: assessment.attackGraph.paths, ownership }),
      );
      if (dir !== undefined) {
        const folder = path.resolve(io.cwd, dir);
        await mkdir(folder, { recursive: true });
        const files = reporter.files?.({ drafts }) ?? [];
        for (const f of files) await writeFileAtomic(path.join(folder, f.path), f.content);
        io.stdout(
          `wrote ${plural(drafts.length, 'issue')} (${format}) covering ${plural(discrepancies.length, 'discrepancy', 'discrepancies')} to ${escapeTerminal(dir, 500)}: ${plural(files.length, 'file')}\n`,
        );
      }
      if (flags.create === 'github') {
        const outcome = await fileOnGitHub(drafts, {
          repo: flags.repo!,
          token: token!,
          ...(io.env['GITHUB_API_URL'] ? { apiUrl: io.env['GITHUB_API_URL'] } : {}),
          ...(flags.closeResolved === true ? { closeResolved: true } : {}),
          timeoutMs: parseDuration(flags.githubTimeout, '--github-timeout'),
          log: (line) => {
            io.stderr(`${line}\n`);
          },
        });
        io.stdout(
          `github ${escapeTerminal(flags.repo!)}: ${outcome.created.length} created, ${outcome.updated.length} updated, ${outcome.unchanged.length} unchanged, ${outcome.closed.length} closed\n`,
        );
      }
      result.code = EXIT.ok;
    });
}
