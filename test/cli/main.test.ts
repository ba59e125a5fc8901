// The CLI's contract: exit codes 0/1/2, one-line errors without stack traces, help everywhere, kubectl plugin name.
import { describe, expect, it } from 'vitest';
import { runKtm } from '../helpers/capture-io.js';
import { programName } from '../../src/cli/main.js';
import { ktmVersion } from '../../src/version.js';

describe('ktm CLI', () => {
  it('prints its version', async () => {
    const r = await runKtm(['version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`ktm ${ktmVersion()}`);
  });

  it('has --help on the program and on assess', async () => {
    const top = await runKtm(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toContain('assess');
    const assess = await runKtm(['assess', '--help']);
    expect(assess.code).toBe(0);
    expect(assess.stdout).toContain('--fail-on');
  });

  it('exits 2 with one line on usage errors', async () => {
    const unknown = await runKtm(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'frobnicate'");
    const noInput = await runKtm(['assess']);
    expect(noInput.code).toBe(2);
    expect(noInput.stderr.trim().split('\n')).toHaveLength(1);
    expect(noInput.stderr).toMatch(/^ktm: arguments: no input/);
    const both = await runKtm(['assess', '--demo', 'some/path']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('choose one input');
  });

  it('rejects a bad --output and a bad --fail-on', async () => {
    expect((await runKtm(['assess', '--demo', '-o', 'xml'])).code).toBe(2);
    expect((await runKtm(['assess', '--demo', '--fail-on', 'severe'])).code).toBe(2);
  });

  it('reports a missing path as one line naming it', async () => {
    const r = await runKtm(['assess', '/nonexistent/ktm-input']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'ktm: /nonexistent/ktm-input: no such file or folder (give a manifest file, a folder, a snapshot folder or -)\n',
    );
  });

  it('names itself kubectl ktm when installed as the kubectl plugin', async () => {
    expect(programName('/usr/local/bin/kubectl-ktm')).toBe('kubectl ktm');
    expect(programName('/usr/local/bin/ktm')).toBe('ktm');
    const r = await runKtm(['--help'], '', '/usr/local/bin/kubectl-ktm');
    expect(r.stdout).toContain('Usage: kubectl ktm');
  });
});

describe('hostile input in error lines', () => {
  it('shows control characters of a file name instead of sending them to the terminal', async () => {
    const r = await runKtm(['assess', '/nonexistent/\u001b[2Jevil\u0007']);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain('\u001b');
    expect(r.stderr).not.toContain('\u0007');
    expect(r.stderr).toContain('\\x1b[2Jevil\\x07');
  });
});
