// `ktm what-if` end to end on the example cluster: text and JSON, and a one-line error for an unknown target.
import { describe, expect, it } from 'vitest';
import { runKtm } from '../helpers/capture-io.js';

describe('ktm what-if', () => {
  it('answers for etcd in text', async () => {
    const r = await runKtm(['what-if', '--demo', '--stop', 'etcd:lab-cp-1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('What if etcd:lab-cp-1 stops?');
    expect(r.stdout).toMatch(/✗ kube-apiserver — etcd quorum lost/);
  });

  it('answers for a worker node in JSON', async () => {
    const r = await runKtm(['what-if', '--demo', '--stop', 'lab-worker-2', '-o', 'json']);
    expect(r.code).toBe(0);
    const parsed = JSON.parse(r.stdout) as { target: string; stoppedNodes: string[]; fails: unknown[] };
    expect(parsed.target).toBe('lab-worker-2');
    expect(parsed.stoppedNodes).toEqual(['lab-worker-2']);
  });

  it('names an unknown target in one line', async () => {
    const r = await runKtm(['what-if', '--demo', '--stop', 'no-such\u001b[31m']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "ktm: --stop: nothing named 'no-such\\x1b[31m' (`ktm zones` and `ktm dataflow -o json` list the names)\n",
    );
  });
});
