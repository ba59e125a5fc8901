// -o/--output is the output format in every command, as in kubectl; commands that write files take --dir or
// --model; the old spellings still work, hidden, with one warning line.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runKtm } from '../helpers/capture-io.js';
import { tempDirSync } from '../helpers/temp-dir.js';

const FIXTURE = path.join('test', 'fixtures', 'names', 'cluster.yaml');

describe('output flags', () => {
  it.each(['assess', 'dataflow', 'zones', 'reach', 'paths', 'what-if', 'rra', 'rules', 'issues'])(
    '%s: -o, --output <format>',
    async (command) => {
      const r = await runKtm([command, '--help']);
      expect(r.stdout).toMatch(/-o, --output <format> +(output format|file format of the issues)/);
    },
  );

  it('collect and init name their folder or file, and hide the old spellings', async () => {
    const collect = (await runKtm(['collect', '--help'])).stdout;
    expect(collect).toContain('--dir <dir>');
    expect(collect).not.toMatch(/-o, --output/);
    const init = (await runKtm(['init', '--help'])).stdout;
    expect(init).toContain('--model <file>');
    expect(init).not.toContain('--out');
    expect((await runKtm(['issues', '--help'])).stdout).not.toMatch(/--out |--format/);
  });

  it('issues: -o picks the format, --dir the folder; --out and --format still work with a warning', async () => {
    const dir = tempDirSync('ktm-issues-');
    const r = await runKtm(['issues', FIXTURE, '-o', 'github', '--dir', dir]);
    expect(r.code).toBe(0);
    expect(readdirSync(dir)).toEqual(['github-issues.json']);
    expect(r.stdout).toMatch(/^wrote \d+ issues? \(github\) covering \d+ discrepanc(y|ies) to .*: 1 file\n$/);
    const old = tempDirSync('ktm-issues-');
    const o = await runKtm(['issues', FIXTURE, '--complete', '--out', old, '--format', 'jira-csv']);
    expect(o.code).toBe(0);
    expect(readdirSync(old)).toEqual(['jira-issues.csv']);
    expect(o.stderr).toBe(
      'ktm: warning: --out is deprecated: use --dir\nktm: warning: --format is deprecated: use -o/--output\n',
    );
    const folderAsFormat = await runKtm(['issues', FIXTURE, '-o', dir]);
    expect(folderAsFormat.code).toBe(2);
    expect(folderAsFormat.stderr).toContain('use one of markdown, github, gitlab, jira-csv');
  });

  it('init: --model names the file; --out still works with a warning', async () => {
    const dir = tempDirSync('ktm-init-');
    const r = await runKtm(['init', FIXTURE, '--complete', '--out', path.join(dir, 'tm.yaml')]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('ktm: warning: --out is deprecated: use --model\n');
    expect(readFileSync(path.join(dir, 'tm.yaml'), 'utf8')).toContain('zones:');
    expect(r.stdout).toMatch(
      /^wrote .*tm\.yaml \(\d+ zones, \d+ components, \d+ flows\), .* and 4 RRA documents in /,
    );
  });
});
