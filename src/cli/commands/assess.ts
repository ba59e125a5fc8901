// `ktm assess`: read a cluster (manifests, snapshot, live, demo), run the pipeline, print a report.
import { Option, type Command } from 'commander';
import { assess } from '../../assess.js';
import { REPORTERS, REPORT_FORMATS, type ReportFormat } from '../../report/index.js';
import { SEVERITIES, severityRank, type Severity } from '../../types.js';
import { addInputOptions, readInput, type InputFlags } from '../input.js';
import { EXIT, type CliIo } from '../io.js';
import type { CommandResult } from '../main.js';

interface AssessFlags extends InputFlags {
  output: ReportFormat;
  failOn?: Severity;
}

export function register(program: Command, io: CliIo, result: CommandResult): void {
  const cmd = program
    .command('assess')
    .description('assess a cluster: inventory, coverage, findings')
    .argument('[paths...]', 'manifest files or folders (recursively), snapshot folders, or - for stdin');
  addInputOptions(cmd)
    .addOption(new Option('-o, --output <format>', 'output format').choices(REPORT_FORMATS).default('table'))
    .addOption(
      new Option('--fail-on <severity>', 'exit 1 when a finding is at or above this severity').choices(
        SEVERITIES,
      ),
    )
    .action(async (paths: string[], flags: AssessFlags) => {
      const inventory = await readInput(paths, flags, io);
      const assessment = assess(inventory);
      io.stdout(REPORTERS[flags.output](assessment));
      const threshold = flags.failOn;
      result.code =
        threshold !== undefined &&
        assessment.findings.some(
          (f) => f.status === 'fail' && severityRank(f.severity) >= severityRank(threshold),
        )
          ? EXIT.findings
          : EXIT.ok;
    });
}
