// `ktm assess`: read a cluster (manifests, snapshot, live, demo), run the pipeline, print a report.
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Option, type Command } from 'commander';
import { analysesFor, assess } from '../../assess.js';
import type { Analyses } from '../../analysis/analyses.js';
import { diagnosticLine, KtmError } from '../../errors.js';
import { escapeTerminal } from '../../text/escape.js';
import { RULES } from '../../rules/registry.js';
import { parseExceptionsFile, type RuleException } from '../../rules/framework/exceptions.js';
import { loadThreatModel } from '../../assumptions/evaluate.js';
import { selectRules, splitList } from '../../rules/framework/select.js';
import { REPORTERS, REPORT_DIR_FILES, reporterFor, type ReportOptions } from '../../report/index.js';
import { loadSvgLayout } from '../../report/diagrams/svg.js';
import { buildRraContext, renderRraMarkdown, resolveRraTargets } from '../../report/rra/rra-markdown.js';
import type { Assessment } from '../../assess.js';
import { writeFileAtomic } from '../../atomic-write.js';
import { SEVERITIES, severityRank, type Severity } from '../../types.js';
import { addInputOptions, readInput, type InputFlags } from '../input.js';
import { plural } from '../../text/plural.js';
import { EXIT, tableOptions, type CliIo } from '../io.js';
import type { CommandResult } from '../main.js';
import { countsForGate, triageFindings, type FindingTriage } from '../../rules/framework/triage.js';
import { assessStoreLocation, withStoreAt, type StoreFlags } from '../store-options.js';

import { addFormatOption, layoutFor } from '../output-format.js';
import { addProbeOptions, planTargets, runProbeFlags, type ProbeFlags } from './probe.js';

interface AssessFlags extends InputFlags, StoreFlags, ProbeFlags {
  save?: boolean;
  probe?: boolean;
  output: string;
  failOn?: Severity;
  failOnUnverifiable?: boolean;
  rules?: string[];
  skipRules?: string[];
  exceptions?: string;
  model?: string;
  report?: string;
}

/** What the review formats need beyond the Assessment: the Graphviz layout, the RRA per control-plane component. */
async function reviewOptions(
  analyses: Analyses,
  assessment: Assessment,
  cwd: string,
): Promise<ReportOptions> {
  // The RRA renders from the assessment and the run's own analyses: the same severities as every other format.
  const context = buildRraContext(assessment, analyses, {
    basePath: cwd,
    owners: new Map(Object.entries(assessment.owners)),
  });
  const rra = resolveRraTargets(assessment.model).map((s) => ({
    subject: s.type === 'component' ? s.component.name : s.zone.name,
    markdown: renderRraMarkdown(context, [s]),
  }));
  return { basePath: cwd, svg: await loadSvgLayout(), rra };
}

const collectList = (v: string, prev: string[] = []): string[] => [...prev, v];

/** Reads and validates the exceptions file (a KtmError names file:line for any problem). */
async function readExceptions(file: string, cwd: string): Promise<RuleException[]> {
  const text = await readFile(path.resolve(cwd, file), 'utf8').catch((err: unknown) => {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new KtmError(
      `cannot read exceptions file (${code})`,
      file,
      'give a YAML file with an exceptions: list',
    );
  });
  return parseExceptionsFile(text, file, RULES);
}

export function register(program: Command, io: CliIo, result: CommandResult): void {
  const cmd = program
    .command('assess')
    .description('assess a cluster: inventory, coverage, findings')
    .argument('[paths...]', 'manifest files or folders (recursively), snapshot folders, or - for stdin');
  addFormatOption(addProbeOptions(addInputOptions(cmd)), 'assess', 'table')
    .option('--probe', "probe the model's endpoints (read-only) and fold the results into the assessment")
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').choices(
        SEVERITIES,
      ),
    )
    .option(
      '--fail-on-unverifiable',
      'exit 1 when a rule could not be decided (an input it needs was not read, a setting not visible)',
    )
    .option(
      '--rules <ids>',
      'run only these rules (ids or aliases, comma-separated, repeatable)',
      collectList,
    )
    .option(
      '--skip-rules <ids>',
      'do not run these rules (ids or aliases, comma-separated, repeatable)',
      collectList,
    )
    .option(
      '--model <file>',
      'the declared threat model (threatmodel.yaml): zones and owners, assumptions to confirm, drift',
    )
    .option(
      '--report <dir>',
      'write the review into DIR: report.html, report.md, assessment.json, results.sarif, dataflow.svg, zones.svg',
    )
    .option(
      '--exceptions <file>',
      'YAML file of accepted risks (rule, subject, justification, owner, expires)',
    )
    .option(
      '--store <location>',
      'save the assessment in this store: a SQLite file or a postgres:// URL (default when saving: $KTM_STORE, else assessments.db in the user data folder)',
    )
    .option('--save', 'save the assessment in the store (the default when $KTM_STORE is set)')
    .option('--no-save', 'do not save the assessment, even when $KTM_STORE is set')
    .option('--cluster <name>', 'the name the assessment is saved under (default: the context or input name)')
    .action(async (paths: string[], flags: AssessFlags) => {
      const exceptions = flags.exceptions === undefined ? [] : await readExceptions(flags.exceptions, io.cwd);
      const threatModel =
        flags.model === undefined ? undefined : await loadThreatModel(path.resolve(io.cwd, flags.model));
      const options = {
        rules: splitList(flags.rules),
        skipRules: splitList(flags.skipRules),
        exceptions,
        ...(threatModel === undefined ? {} : { threatModel }),
      };
      // Validate rule ids before reading a (possibly large or live) input.
      selectRules(RULES, options.rules, options.skipRules);
      const location = assessStoreLocation(flags, io);
      const inventory = await readInput(paths, flags, io);
      let probes;
      if (flags.probe === true) {
        const plan = await planTargets(flags, io, inventory);
        probes = await runProbeFlags(plan.targets, plan.skipped, flags, io);
      } else if (flags.target !== undefined || flags.probeMap !== undefined || flags.ca !== undefined)
        throw new KtmError('probe options without --probe', 'arguments', 'add --probe to run the probes');
      const analyses = analysesFor(inventory, options);
      let assessment = assess(
        inventory,
        { ...options, ...(probes === undefined ? {} : { probes }) },
        analyses,
      );
      if (location !== undefined) {
        // Triage decisions recorded for this cluster are shown with the findings and saved with them.
        const cluster = flags.cluster ?? assessment.cluster.name;
        assessment = await withStoreAt(location, async (store) => {
          const triage = triageFindings(assessment.findings, await store.decisions(cluster), new Date());
          const withTriage = { ...assessment, triage };
          const saved = await store.save(withTriage, cluster);
          io.stderr(
            `saved as assessment #${String(saved.id)} of cluster ${escapeTerminal(cluster, 200)} in ${escapeTerminal(store.location, 300)}\n`,
          );
          return withTriage;
        });
      }
      const chosen = reporterFor('assess', flags.output).reporter;
      const review = flags.report !== undefined || chosen.layout === true;
      const reportOptions = {
        ...tableOptions(io),
        ...(review ? await reviewOptions(analyses, assessment, io.cwd) : { basePath: io.cwd }),
      };
      if (flags.report !== undefined) {
        const dir = path.resolve(io.cwd, flags.report);
        await mkdir(dir, { recursive: true });
        const written: string[] = [];
        for (const name of REPORT_DIR_FILES) {
          const reporter = REPORTERS[name];
          const file = reporter.file ?? name;
          await writeFileAtomic(path.join(dir, file), reporter.render(assessment, reportOptions));
          written.push(file);
        }
        io.stderr(`ktm: wrote ${written.join(', ')} to ${escapeTerminal(flags.report)}\n`);
      }
      io.stdout(chosen.render(assessment, await layoutFor(chosen, reportOptions)));
      const threshold = flags.failOn;
      const triaged = new Map<string, FindingTriage>((assessment.triage ?? []).map((x) => [x.findingId, x]));
      // Accepted (within their date) and false-positive findings are shown, but do not fail the gate.
      const failed =
        threshold !== undefined &&
        assessment.findings.some(
          (f) =>
            f.status === 'fail' &&
            severityRank(f.severity) >= severityRank(threshold) &&
            countsForGate(triaged.get(f.id)),
        );
      const undecided =
        flags.failOnUnverifiable === true &&
        assessment.rules.results.some((r) => r.status === 'unverifiable' || r.status === 'error');
      if (undecided && flags.quiet !== true)
        io.stderr(
          `ktm: ${plural(assessment.rules.totals.unverifiable, 'rule')} unverifiable, ${assessment.rules.totals.error} in error (--fail-on-unverifiable)\n`,
        );
      result.code = failed || undecided ? EXIT.findings : EXIT.ok;
      // A gate must not pass on input it did not read (a file skipped, a document with a NUL byte).
      const unread = inventory.diagnostics.filter((d) => d.severity === 'error');
      if (threshold !== undefined && unread.length > 0) {
        io.stderr(
          `ktm: ${escapeTerminal(diagnosticLine(unread[0]!), 1000)}${unread.length > 1 ? ` (and ${unread.length - 1} more input errors)` : ''}: ` +
            `part of the input was not read, so --fail-on ${threshold} cannot pass\n`,
        );
        if (!failed) result.code = EXIT.error;
      }
    });
}
