// -o/--output of every command resolves through the reporter registry: `-o help` lists exactly the command's
// formats, an unknown one is one line naming the closest format and the command's formats, before any input is read.
import { describe, expect, it } from 'vitest';
import { formatsOf, type ReportCommand } from '../../src/report/index.js';
import { runKtm } from '../helpers/capture-io.js';

/** Each command with what it must be given to reach its action (what-if requires --stop). */
const COMMANDS: readonly [ReportCommand, string[]][] = [
  ['assess', []],
  ['dataflow', []],
  ['zones', []],
  ['rra', []],
  ['issues', []],
  ['reach', []],
  ['what-if', ['--stop', 'etcd']],
  ['paths', []],
  ['rules', []],
  ['history', []],
  ['diff', []],
  ['probe', []],
];

describe('output formats come from the registry', () => {
  it.each(COMMANDS)('%s -o help lists exactly its formats', async (command, extra) => {
    const r = await runKtm([command, ...extra, '-o', 'help']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const listed = r.stdout
      .trimEnd()
      .split('\n')
      .map((line) => line.split(/\s+/)[0]);
    expect(listed).toEqual(formatsOf(command).map((f) => f.format));
    const help = await runKtm([command, '--help']);
    expect(help.stdout.replace(/\s+/g, ' ')).toContain(
      `${formatsOf(command)
        .map((f) => f.format)
        .join(', ')} (-o help describes them)`,
    );
  });

  it.each(COMMANDS)(
    '%s -o with an unknown format: one line naming the closest and the list',
    async (command, extra) => {
      const first = formatsOf(command)[0]!.format;
      // A typo of the first format: one letter dropped.
      const typo = first.length > 3 ? first.slice(0, -1) : `${first}x`;
      // A path that does not exist (history takes none): the format is checked before any input is read.
      const input = command === 'history' ? [] : ['/nonexistent/ktm-input'];
      const r = await runKtm([command, ...extra, ...input, '-o', typo]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      const names = formatsOf(command).map((f) => f.format);
      expect(r.stderr).toBe(
        `ktm: -o: unknown output format '${typo}' for ktm ${command} (did you mean ${first}?) (use one of ${names.join(', ')}; -o help describes them)\n`,
      );
    },
  );

  it('every command offers at least one format and no command offers the same name twice', () => {
    for (const [command] of COMMANDS) {
      const names = formatsOf(command).map((f) => f.format);
      expect(names.length, command).toBeGreaterThan(0);
      expect(new Set(names).size, command).toBe(names.length);
    }
  });
});
