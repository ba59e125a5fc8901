// The method's second half end to end on the example cluster: ktm init, assess --model (assumptions confirmed and
// contradicted), drift after a change to a copy of the snapshot, ktm model update, ktm issues to files and to GitHub
// (a local server implementing the GitHub REST endpoints ktm uses; no real GitHub is reachable here).
import { cpSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { demoPaths } from '../../src/collect/demo.js';
import { captureIo } from '../helpers/capture-io.js';
import { startFakeGitHub, type FakeGitHub } from '../issues/fake-github.js';
import { tempDirSync } from '../helpers/temp-dir.js';

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function ktm(args: string[], cwd: string, env: Record<string, string> = {}): Promise<Result> {
  const { io, out } = captureIo();
  const code = await main(args, { ...io, cwd, env });
  return { code, ...out() };
}

interface AssessmentJson {
  assumptions: { id: string; result: string; message: string; evidence: unknown[] }[];
  drift: { id: string; kind: string; message: string }[];
  attackGraph: { edges: { type: string; from: { kind: string } }[]; paths: unknown[] };
  owners: Record<string, string>;
}

describe('threat model flow on the example cluster', () => {
  const dir = tempDirSync('ktm-flow-');
  const tm = path.join(dir, 'threatmodel.yaml');
  let gh: FakeGitHub;
  beforeAll(async () => {
    gh = await startFakeGitHub('acme/lab', 'flow-token');
  });
  afterAll(() => gh.close());

  it('ktm init writes a threat model and its schema, and refuses to overwrite', async () => {
    const r = await ktm(['init', '--demo', '--model', tm], dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['rra', 'threatmodel.schema.json', 'threatmodel.yaml']);
    // One prefilled Rapid Risk Assessment per control-plane component.
    expect(readdirSync(path.join(dir, 'rra'))).toContain('kube-apiserver.md');
    expect(readFileSync(path.join(dir, 'rra', 'kube-apiserver.md'), 'utf8')).toContain(
      '# Rapid Risk Assessment: kube-apiserver',
    );
    const again = await ktm(['init', '--demo', '--model', tm], dir);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already exists');
    // A team fills in owners.
    const text = readFileSync(tm, 'utf8')
      .replace(
        '    name: Container # owner: TEAM (fill in the team owning this zone)',
        '    name: Container\n    owner: app-platform',
      )
      .replace(
        '    name: Master Data # owner: TEAM (fill in the team owning this zone)',
        '    name: Master Data\n    owner: control-plane-team',
      );
    expect(text).toContain('owner: app-platform');
    writeFileSync(tm, text);
  });

  it('assess --model confirms some assumptions and contradicts the planted problems', async () => {
    const r = await ktm(['assess', '--demo', '--model', tm, '-o', 'json'], dir);
    expect(r.code).toBe(0);
    const a = JSON.parse(r.stdout) as AssessmentJson;
    const result = Object.fromEntries(a.assumptions.map((x) => [x.id, x.result]));
    // Planted: flannel enforces nothing, identity first for secrets, 7-day audit retention, privileged DaemonSets.
    expect(result['network-policies-enforced']).toBe('contradicted');
    expect(result['default-deny-payments']).toBe('contradicted');
    expect(result['secrets-encrypted-at-rest']).toBe('contradicted');
    expect(result['audit-logging-30-days']).toBe('contradicted');
    expect(result['no-node-escape']).toBe('contradicted');
    // Secure parts: etcd is reached with mutual TLS; the webhooks fail closed as declared.
    expect(result['apiserver-etcd-mutual-tls']).toBe('confirmed');
    expect(result['webhook-validate-policy-lab-example']).toBe('confirmed');
    expect(a.drift).toEqual([]);
    expect(a.owners).toEqual({ container: 'app-platform', 'master-data': 'control-plane-team' });
    expect(a.attackGraph.edges.some((e) => e.type === 'TOKEN_STEAL' && e.from.kind === 'Volume')).toBe(true);
    expect(a.attackGraph.paths.length).toBeGreaterThan(0);
  });

  it('shows drift after a change to a copy of the snapshot: a new workload, a removed policy', async () => {
    const copy = path.join(dir, 'changed');
    cpSync(demoPaths().snapshot, copy, { recursive: true });
    const deployments = JSON.parse(readFileSync(path.join(copy, 'deployments.apps.json'), 'utf8')) as {
      items: { metadata: { name: string; namespace: string; uid?: string } }[];
    };
    const clone = structuredClone(deployments.items.find((d) => d.metadata.namespace === 'shop')!);
    clone.metadata.name = 'shadow-it';
    clone.metadata.uid = 'uid-shadow-it';
    deployments.items.push(clone);
    writeFileSync(path.join(copy, 'deployments.apps.json'), JSON.stringify(deployments));
    const policies = JSON.parse(
      readFileSync(path.join(copy, 'networkpolicies.networking.k8s.io.json'), 'utf8'),
    ) as { items: { metadata: { name: string; namespace: string } }[] };
    const before = policies.items.length;
    policies.items = policies.items.filter((p) => p.metadata.namespace !== 'payments');
    expect(policies.items.length).toBeLessThan(before);
    writeFileSync(path.join(copy, 'networkpolicies.networking.k8s.io.json'), JSON.stringify(policies));
    const snapshot = JSON.parse(readFileSync(path.join(copy, 'snapshot.json'), 'utf8')) as {
      coverage: { resources: { resource: string; count: number }[] };
    };
    for (const r of snapshot.coverage.resources) {
      if (r.resource === 'deployments.apps') r.count = deployments.items.length;
      if (r.resource === 'networkpolicies.networking.k8s.io') r.count = policies.items.length;
    }
    writeFileSync(path.join(copy, 'snapshot.json'), JSON.stringify(snapshot));
    const r = await ktm(
      ['assess', copy, '--node-files', demoPaths().nodeFiles[0]!, '--model', tm, '-o', 'json'],
      dir,
    );
    expect(r.stderr).toBe('');
    const a = JSON.parse(r.stdout) as AssessmentJson;
    expect(a.drift.map((d) => d.id)).toContain('undeclared-component:workload:shop/Deployment/shadow-it');
    // The payments namespace's default-deny policy (inert under flannel, but declared) is gone.
    expect(
      a.drift.find((d) => d.id === 'weaker-control:namespace:payments#network-policy-default-deny')?.message,
    ).toMatch(/declared inert but observed absent/);
  });

  it('ktm model update records the new workload and keeps the owners', async () => {
    const copy = path.join(dir, 'changed');
    const r = await ktm(
      ['model', 'update', copy, '--node-files', demoPaths().nodeFiles[0]!, '--model', tm],
      dir,
    );
    expect(r.code).toBe(0);
    // New: the shadow workload. Vanished: the external ranges the removed payments egress policy had carved out.
    expect(r.stdout).toMatch(/1 new and 3 vanished components/);
    const text = readFileSync(tm, 'utf8');
    expect(text).toContain('owner: app-platform');
    expect(text).toMatch(/id: workload:shop\/Deployment\/shadow-it[\s\S]*?status: new/);
    expect(text).toMatch(/id: external:address:10\.0\.20\.15-10\.0\.20\.15[\s\S]*?status: vanished/);
  });

  it('ktm issues writes one draft per discrepancy with owners, and files them on GitHub idempotently', async () => {
    const out = path.join(dir, 'issues');
    const r = await ktm(['issues', '--demo', '--model', tm, '--dir', out], dir);
    expect(r.code).toBe(0);
    const drafts = JSON.parse(readFileSync(path.join(out, 'issues.json'), 'utf8')) as {
      title: string;
      owner?: string;
      fingerprint: string;
    }[];
    expect(drafts.length).toBeGreaterThan(5);
    expect(
      drafts.some((d) =>
        d.title.startsWith('[high] Assumption contradicted: The network plugin enforces our NetworkPolicies'),
      ),
    ).toBe(true);
    expect(drafts.filter((d) => d.owner === 'app-platform').length).toBeGreaterThan(0);
    const env = { GITHUB_TOKEN: 'flow-token', GITHUB_API_URL: gh.url };
    const first = await ktm(
      ['issues', '--demo', '--model', tm, '--create', 'github', '--repo', 'acme/lab'],
      dir,
      env,
    );
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`${drafts.length} created`);
    const second = await ktm(
      ['issues', '--demo', '--model', tm, '--create', 'github', '--repo', 'acme/lab'],
      dir,
      env,
    );
    expect(second.stdout).toContain(`0 created, 0 updated, ${drafts.length} unchanged`);
    expect(gh.issues).toHaveLength(drafts.length);
    const denied = await ktm(['issues', '--demo', '--create', 'github', '--repo', 'acme/lab'], dir, {
      ...env,
      GITHUB_TOKEN: 'wrong',
    });
    expect(denied.code).toBe(2);
    expect(denied.stderr).toMatch(/^ktm: GET .*401.*GITHUB_TOKEN/);
  });
});
