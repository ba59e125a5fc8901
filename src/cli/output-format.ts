// -o/--output in every command: the formats come from the reporter registry, `-o help` lists them, and an unknown
// one is a one-line error naming the closest format, checked before any input is read.
import { CommanderError, Option, type Command } from 'commander';
import {
  describeFormats,
  formatsOf,
  reporterFor,
  type ReportCommand,
  type ReportViews,
  type Reporter,
} from '../report/index.js';
import { loadSvgLayout } from '../report/diagrams/svg.js';
import type { ReportOptions } from '../report/report-options.js';
import type { CliIo } from './io.js';

const COMMANDS: readonly ReportCommand[] = [
  'assess',
  'dataflow',
  'zones',
  'rra',
  'issues',
  'reach',
  'what-if',
  'paths',
  'rules',
  'history',
  'diff',
  'probe',
];

const isReportCommand = (name: string): name is ReportCommand =>
  (COMMANDS as readonly string[]).includes(name);

/** Adds -o/--output with the command's formats from the registry (the value is checked by checkOutputFormat). */
export function addFormatOption(
  cmd: Command,
  command: ReportCommand,
  defaultFormat: string,
  description = 'output format',
): Command {
  const names = formatsOf(command).map((f) => f.format);
  return cmd.addOption(
    new Option(
      '-o, --output <format>',
      `${description}: ${names.join(', ')} (-o help describes them)`,
    ).default(defaultFormat),
  );
}

/**
 * Before a command runs: `-o help` prints its formats and ends the run (exit 0); an unknown format is a KtmError.
 * Registered once as the program's preAction hook.
 */
export function checkOutputFormat(io: CliIo, command: Command): void {
  const name = command.name();
  const output: unknown = command.opts()['output'];
  if (!isReportCommand(name) || typeof output !== 'string') return;
  if (output === 'help') {
    io.stdout(describeFormats(name));
    throw new CommanderError(0, 'ktm.formats', '');
  }
  reporterFor(name, output);
}

/** Renders a command's data in the chosen format to stdout, loading the Graphviz layout when the format draws. */
export async function writeReport<C extends ReportCommand>(
  io: CliIo,
  command: C,
  format: string,
  data: ReportViews[C],
  options: ReportOptions = {},
): Promise<void> {
  const { reporter } = reporterFor(command, format);
  const withLayout = await layoutFor(reporter, options);
  if (reporter.chunks !== undefined) for (const chunk of reporter.chunks(data, withLayout)) io.stdout(chunk);
  else io.stdout(reporter.render(data, withLayout));
}

/** The options with the Graphviz layout, when the reporter draws SVG and none was loaded yet. */
export async function layoutFor<D>(reporter: Reporter<D>, options: ReportOptions): Promise<ReportOptions> {
  return reporter.layout === true && options.svg === undefined
    ? { ...options, svg: await loadSvgLayout() }
    : options;
}
