// Old option spellings kept working for a while: hidden from --help, one warning line on stderr when used.
import { Option, type Command } from 'commander';
import type { CliIo } from './io.js';

/** Adds a hidden option under its old spelling, described as deprecated in favour of `replacement`. */
export function addDeprecatedOption(
  cmd: Command,
  flags: string,
  replacement: string,
  choices?: readonly string[],
): Command {
  const option = new Option(flags, `deprecated: use ${replacement}`).hideHelp();
  return cmd.addOption(choices === undefined ? option : option.choices(choices));
}

/** The value given under an old spelling, after one warning line naming the new one; undefined when not given. */
export function deprecatedValue<T>(
  io: CliIo,
  value: T | undefined,
  old: string,
  replacement: string,
): T | undefined {
  if (value !== undefined) io.stderr(`ktm: warning: ${old} is deprecated: use ${replacement}\n`);
  return value;
}
