// The example cluster with pods, deployments, daemonsets, rolebindings and networkpolicies forbidden: no rule that
// needs one of them passes, and no failure claims the absence of what was never read.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPaths } from '../../src/collect/demo.js';
import { RULES } from '../../src/rules/registry.js';
import { runKtm } from '../helpers/capture-io.js';

const FORBIDDEN = ['Pod', 'Deployment', 'DaemonSet', 'RoleBinding', 'NetworkPolicy'];

interface Json {
  rules: { results: { rule: string; status: string }[] };
  findings: { rule: string; status: string; message: string; subject: { kind: string; name: string } }[];
  coverage: { resources: { kind: string; state: string }[] };
}

let dir: string;
let out: Json;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ktm-forbidden-'));
  const demo = demoPaths();
  const snap = path.join(dir, 'snapshot');
  await cp(demo.snapshot, snap, { recursive: true });
  const manifestFile = path.join(snap, 'snapshot.json');
  const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as {
    coverage: { resources: { resource: string; kind: string; state: string; count: number; reason?: string }[] };
  };
  for (const r of manifest.coverage.resources)
    if (FORBIDDEN.includes(r.kind)) {
      r.state = 'forbidden';
      r.count = 0;
      r.reason = `${r.resource} is forbidden: User "ktm" cannot list resource "${r.resource}"`;
      await rm(path.join(snap, `${r.resource}.json`));
    }
  await writeFile(manifestFile, JSON.stringify(manifest));
  const r = await runKtm(['assess', snap, '--node-files', demo.nodeFiles[0]!, '-o', 'json']);
  expect(r.stderr).toMatch(/^ktm: partial read: 5 of \d+ resource types not read \(.*pods forbidden.*\n$/);
  out = JSON.parse(r.stdout) as Json;
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('demo snapshot with kinds forbidden', () => {
  it('reads them as forbidden', () => {
    for (const kind of FORBIDDEN)
      expect(out.coverage.resources.find((r) => r.kind === kind)?.state, kind).toBe('forbidden');
  });

  it('no rule that declares a forbidden kind passes', () => {
    const needing = RULES.filter((r) =>
      [...r.meta.inputs.kinds, ...(r.meta.inputs.absence ?? [])].some((k) => FORBIDDEN.includes(k)),
    ).map((r) => r.meta.id);
    expect(needing.length).toBeGreaterThan(10);
    const passing = out.rules.results.filter((r) => needing.includes(r.rule) && r.status === 'pass');
    expect(passing).toEqual([]);
  });

  it.each([
    'sensitive-host-mount',
    'secret-mounted-workload',
    'probe-host-enumeration',
    'control-plane-colocation',
    'unrestricted-network',
  ])('%s names what is missing', (rule) => {
    const mine = out.findings.filter((f) => f.rule === rule);
    expect(
      mine.some((f) => f.status === 'unverifiable' && f.subject.kind === 'RuleInputs'),
      JSON.stringify(mine.map((f) => f.message)),
    ).toBe(true);
  });

  it('unrestricted-network never fails on "no network policy" when network policies were not read', () => {
    const fails = out.findings.filter((f) => f.rule === 'unrestricted-network' && f.status === 'fail');
    expect(fails).toEqual([]);
  });
});
