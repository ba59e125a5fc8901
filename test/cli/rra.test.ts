// `ktm rra` end to end on the example cluster: the default set, one component, a zone, and a one-line error.
import { describe, expect, it } from 'vitest';
import { escapeMarkdown as e } from '../../src/text/escape.js';
import { runKtm } from '../helpers/capture-io.js';

describe('ktm rra', () => {
  it('fills the RRA of kube-apiserver as Markdown', async () => {
    const r = await runKtm(['rra', 'kube-apiserver', '--demo', '-o', 'md']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.startsWith(`# Rapid Risk Assessment: ${e('kube-apiserver')}\n`)).toBe(true);
    expect(r.stdout).toContain('## 4. Control families');
    expect(r.stdout.match(/^# Rapid Risk Assessment/gm)?.length).toBe(1);
    // Source files are cited relative to the working directory: the same bytes in any checkout.
    expect(r.stdout).toContain(e('in examples/demo-cluster/node-files/lab-cp-1/etc/kubernetes/manifests/'));
    expect(r.stdout).not.toContain(process.cwd());
  }, 60_000);

  it('defaults to every control-plane component, the same bytes every run', async () => {
    const a = await runKtm(['rra', '--demo']);
    const b = await runKtm(['rra', '--demo']);
    expect(a.code).toBe(0);
    expect(a.stdout.match(/^# Rapid Risk Assessment: .*$/gm)).toEqual([
      `# Rapid Risk Assessment: ${e('etcd (lab-cp-1)')}`,
      `# Rapid Risk Assessment: ${e('kube-apiserver')}`,
      `# Rapid Risk Assessment: ${e('kube-controller-manager')}`,
      `# Rapid Risk Assessment: ${e('kube-scheduler')}`,
    ]);
    expect(b.stdout).toBe(a.stdout);
  }, 60_000);

  it('takes a zone by name', async () => {
    const r = await runKtm(['rra', 'Master Data', '--demo']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('# Rapid Risk Assessment: zone Master Data');
    expect(r.stdout).toContain('etcd holds every Secret');
  }, 60_000);

  it('names an unknown target in one line', async () => {
    const r = await runKtm(['rra', 'no-such\u001b[31m', '--demo']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^ktm: rra: nothing named 'no-such\\x1b\[31m' \(`ktm zones` and `ktm dataflow -o json` list the names\)\n$/,
    );
    expect(r.stdout).toBe('');
  }, 60_000);

  it('refuses other output formats', async () => {
    const r = await runKtm(['rra', '--demo', '-o', 'html']);
    expect(r.code).toBe(2);
  });
});
