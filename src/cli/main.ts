// The CLI: parse arguments, run one command, map every outcome to an exit code. No stack trace for known errors.
import { Command, CommanderError } from 'commander';
import path from 'node:path';
import { KtmError } from '../errors.js';
import { ktmVersion } from '../version.js';
import { escapeTerminal } from '../text/escape.js';
import { EXIT, type CliIo, type ExitCode } from './io.js';
import { checkOutputFormat } from './output-format.js';
import * as assessCmd from './commands/assess.js';
import * as collectCmd from './commands/collect.js';
import * as versionCmd from './commands/version.js';
import * as reachCmd from './commands/reach.js';
import * as rulesCmd from './commands/rules.js';
import * as dataflowCmd from './commands/dataflow.js';
import * as zonesCmd from './commands/zones.js';
import * as pathsCmd from './commands/paths.js';
import * as whatIfCmd from './commands/what-if.js';
import * as initCmd from './commands/init.js';
import * as modelCmd from './commands/model.js';
import * as issuesCmd from './commands/issues.js';
import * as rraCmd from './commands/rra.js';
import * as historyCmd from './commands/history.js';
import * as diffCmd from './commands/diff.js';
import * as triageCmd from './commands/triage.js';
import * as probeCmd from './commands/probe.js';

/** Commands set the exit code here; main returns it. */
export interface CommandResult {
  code: ExitCode;
}

const COMMANDS: readonly { register(program: Command, io: CliIo, result: CommandResult): void }[] = [
  assessCmd,
  collectCmd,
  versionCmd,
  reachCmd,
  rulesCmd,
  dataflowCmd,
  zonesCmd,
  pathsCmd,
  whatIfCmd,
  initCmd,
  modelCmd,
  issuesCmd,
  rraCmd,
  historyCmd,
  diffCmd,
  triageCmd,
  probeCmd,
];

/** The command name as invoked: `ktm`, or `kubectl ktm` when installed as the kubectl plugin `kubectl-ktm`. */
export function programName(argv0: string | undefined): string {
  return argv0 !== undefined && path.basename(argv0).startsWith('kubectl-') ? 'kubectl ktm' : 'ktm';
}

export async function main(args: readonly string[], io: CliIo, argv0?: string): Promise<ExitCode> {
  const result: CommandResult = { code: EXIT.ok };
  const program = new Command()
    .name(programName(argv0))
    .description(
      'Threat-model a Kubernetes cluster: data flow, trust zones, criticality, assumptions, discrepancies.',
    )
    .version(ktmVersion(), '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .hook('preAction', (_program, command) => {
      checkOutputFormat(io, command);
    });
  for (const c of COMMANDS) c.register(program, io, result);
  for (const cmd of program.commands)
    cmd.exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  try {
    await program.parseAsync([...args], { from: 'user' });
    return result.code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with exit code 0; usage errors were already printed by commander.
      return err.exitCode === 0 ? EXIT.ok : EXIT.error;
    }
    if (err instanceof KtmError) {
      // The line may quote cluster-supplied names or file names: control characters are shown, never sent.
      io.stderr(`ktm: ${escapeTerminal(err.line(), 2000)}\n`);
      return EXIT.error;
    }
    const e = err instanceof Error ? err : new Error(String(err));
    io.stderr(
      `ktm: internal error: ${escapeTerminal(e.message, 2000)}\n${e.stack ?? ''}\nThis is a bug in ktm; please report it with the command you ran.\n`,
    );
    return EXIT.error;
  }
}
