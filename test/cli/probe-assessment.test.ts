// `ktm assess --probe` on a model whose endpoints are mapped to loopback servers: the probe confirms and contradicts
// what configuration said or could not say, and the report shows it beside the configuration evidence.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Assessment } from '../../src/assess.js';
import { runKtm } from '../helpers/capture-io.js';
import { Processes, TestPki, freePort, requireBinary, startEtcd } from '../collect/probe/loopback-servers.js';

const CLUSTER = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  'fixtures',
  'probe',
  'cluster.yaml',
);
const ASSUMPTIONS = [
  'apiserver-etcd-mutual-tls',
  'no-plaintext-listeners',
  'kubelet-authenticated',
  'control-plane-tls-verified',
];

const procs = new Processes();
let pki: TestPki;
let dir: string;
let threatModel: string;

beforeAll(async () => {
  pki = await TestPki.create();
  await pki.leaf('etcd', { san: 'IP:127.0.0.1,DNS:cp-1' });
  await pki.leaf('kubelet', { san: 'IP:127.0.0.1,DNS:cp-1,DNS:worker-1' });
  dir = await procs.tempDir('ktm-probe-assess-');
  threatModel = path.join(dir, 'threatmodel.yaml');
  await writeFile(
    threatModel,
    [
      'apiVersion: ktm.dev/v1alpha1',
      'kind: ThreatModel',
      'metadata:',
      '  name: probe-test',
      'assumptions:',
      ...ASSUMPTIONS.flatMap((id) => [
        `  - id: ${id}`,
        `    text: ${id}`,
        '    check:',
        `      builtin: ${id}`,
      ]),
      '',
    ].join('\n'),
  );
});

afterAll(async () => {
  await procs.stopAll();
  await pki?.remove();
});

let maps = 0;
/** Runs `ktm assess` on the fixture with the threat model; with a map, probes the mapped endpoints. */
async function assess(map?: Record<string, number>, output = 'json'): Promise<string> {
  const args = ['assess', CLUSTER, '--complete', '--model', threatModel, '-o', output];
  if (map !== undefined) {
    const file = path.join(dir, `map-${++maps}.yaml`);
    await writeFile(
      file,
      Object.entries(map)
        .map(([id, port]) => `'${id}': 127.0.0.1:${port}\n`)
        .join(''),
    );
    args.push('--probe', '--probe-map', file, '--ca', pki.file('ca.crt'), '--probe-timeout', '3s');
  }
  const out = await runKtm(args);
  expect(out.stderr).toBe('');
  expect(out.code).toBe(0);
  return out.stdout;
}
const assessJson = async (map?: Record<string, number>): Promise<Assessment> =>
  JSON.parse(await assess(map)) as Assessment;

const results = (a: Assessment): Record<string, string> =>
  Object.fromEntries(a.assumptions.map((x) => [x.id, x.result]));
const status = (a: Assessment, id: string): string => a.findings.find((f) => f.id === id)?.status ?? 'absent';

async function kubeletApi(mutual: boolean): Promise<number> {
  return procs.https(
    {
      cert: await pki.read('kubelet.crt'),
      key: await pki.read('kubelet.key'),
      ...(mutual ? { ca: await pki.read('ca.crt'), requestCert: true, rejectUnauthorized: true } : {}),
    },
    (req, res) => {
      res.writeHead(req.url === '/pods' ? 401 : 404).end();
    },
  );
}

const etcdMissing = requireBinary('/usr/bin/etcd', 'etcd-server');
describe.skipIf(etcdMissing !== undefined)(`assess --probe (${etcdMissing ?? 'etcd present'})`, () => {
  it('configuration alone: etcd mutual TLS confirmed, the kubelets unverifiable', async () => {
    const a = await assessJson();
    expect(a.probes).toBeUndefined();
    expect(results(a)).toEqual({
      'apiserver-etcd-mutual-tls': 'confirmed',
      'no-plaintext-listeners': 'unverifiable',
      'kubelet-authenticated': 'unverifiable',
      'control-plane-tls-verified': 'unverifiable',
    });
    expect(status(a, 'plaintext-listener@Node/worker-1')).toBe('unverifiable');
    expect(status(a, 'kubelet-unauthenticated@Node/cp-1')).toBe('unverifiable');
  });

  it('a cluster that is not what its configuration says: the probe contradicts and confirms', async () => {
    const etcd = await startEtcd(procs, pki, 'tls'); // configured with --client-cert-auth, running without it
    const readOnly = await procs.http((req, res) => {
      res
        .writeHead(req.url === '/pods' ? 200 : 404, { 'Content-Type': 'application/json' })
        .end('{"kind":"PodList","items":[]}');
    });
    const map = {
      'etcd:cp-1:2379': etcd.client,
      'etcd:cp-1:2380': etcd.peer, // configured https with peer certificates, served over http
      'kubelet:worker-1:10250': await kubeletApi(false),
      'kubelet:worker-1:10255': readOnly,
      'kubelet:cp-1:10250': await kubeletApi(true),
      'kubelet:cp-1:10255': await freePort(), // the read-only port is closed
    };
    const a = await assessJson(map);
    const schema = JSON.parse(
      await readFile(
        path.join(path.dirname(CLUSTER), '..', '..', '..', 'schema', 'assessment.schema.json'),
        'utf8',
      ),
    ) as Parameters<typeof z.fromJSONSchema>[0];
    const valid = z.fromJSONSchema(schema).safeParse(a);
    expect(valid.success ? [] : valid.error.issues).toEqual([]);
    expect(results(a)).toEqual({
      'apiserver-etcd-mutual-tls': 'contradicted', // configuration said confirmed
      'no-plaintext-listeners': 'contradicted',
      'kubelet-authenticated': 'contradicted',
      'control-plane-tls-verified': 'contradicted',
    });
    const etcdAssumption = a.assumptions.find((x) => x.id === 'apiserver-etcd-mutual-tls')!;
    expect(etcdAssumption.message).toMatch(
      /^probe: etcd accepted connections without a client certificate on etcd:cp-1:2379/,
    );
    expect(etcdAssumption.evidence[0]).toMatchObject({
      ref: { kind: 'ProbeTarget', name: 'etcd:cp-1:2379' },
      source: { file: 'probe' },
    });

    // Unverifiable findings decided: worker-1's read-only port answers anonymously; cp-1's kubelet refuses both ways.
    expect(status(a, 'plaintext-listener@Node/worker-1')).toBe('fail');
    expect(status(a, 'kubelet-unauthenticated@Node/worker-1')).toBe('fail');
    expect(status(a, 'plaintext-listener@Node/cp-1')).toBe('absent');
    expect(status(a, 'kubelet-unauthenticated@Node/cp-1')).toBe('absent');
    expect(status(a, 'weak-tls@Node/worker-1#min-tls-version')).toBe('absent');
    expect(a.findings.find((f) => f.id === 'plaintext-listener@Node/worker-1')!.evidence[0]).toMatchObject({
      ref: { name: 'kubelet:worker-1:10255' },
      source: { file: 'probe' },
    });
    expect(a.probes!.findings.map((d) => [d.finding, d.outcome])).toEqual([
      ['kubelet-unauthenticated@Node/cp-1', 'contradicted'],
      ['kubelet-unauthenticated@Node/worker-1', 'confirmed'],
      ['plaintext-listener@Node/cp-1', 'contradicted'],
      ['plaintext-listener@Node/worker-1', 'confirmed'],
      ['weak-tls@Node/cp-1#min-tls-version', 'contradicted'],
      ['weak-tls@Node/worker-1#min-tls-version', 'contradicted'],
    ]);
    const kubeletRule = a.rules.results.find((r) => r.rule === 'kubelet-unauthenticated')!;
    expect([kubeletRule.status, kubeletRule.fail, kubeletRule.unverifiable]).toEqual(['fail', 1, 0]);

    // Discrepancies between the configuration and the wire, each its own item.
    const kinds = a.probes!.discrepancies.map((d) => d.id);
    expect(kinds).toContain('client-certificate-not-required@etcd:cp-1:2379');
    expect(kinds).toContain('plaintext-accepted@etcd:cp-1:2380');
    expect(a.probes!.discrepancies.find((d) => d.kind === 'plaintext-accepted')!.configured).toBe(
      'tls: mutual',
    );
    expect(a.probes!.skipped).toContainEqual({ id: 'kube-apiserver:6443', reason: 'not in the probe map' });

    expect(a.probes!.assumptions.map((c) => [c.assumption, c.before, c.after])).toEqual([
      ['apiserver-etcd-mutual-tls', 'confirmed', 'contradicted'],
      ['no-plaintext-listeners', 'unverifiable', 'contradicted'],
      ['kubelet-authenticated', 'unverifiable', 'contradicted'],
      ['control-plane-tls-verified', 'unverifiable', 'contradicted'],
    ]);

    // The table report carries the Probes section beside the findings and assumptions.
    const table = await assess(map, 'table');
    expect(table).toContain('Probes (6 endpoints, ');
    expect(table).toContain(
      '  discrepancy plaintext-accepted: etcd:cp-1:2380: configured for TLS (mutual) but accepted plain HTTP',
    );
    expect(table).toContain(
      '  assumption apiserver-etcd-mutual-tls: confirmed → contradicted: probe: etcd accepted',
    );
    expect(table).toMatch(/ {4}anonymous GET \/pods over http: HTTP 200 — ALLOWED/);
  });

  it('a cluster that is as secure as it says: the probe confirms what configuration could not', async () => {
    const etcd = await startEtcd(procs, pki, 'mutual');
    const api = await kubeletApi(false);
    const closed = await freePort();
    const a = await assessJson({
      'etcd:cp-1:2379': etcd.client,
      'kubelet:worker-1:10250': api,
      'kubelet:worker-1:10255': closed,
      'kubelet:cp-1:10250': api,
      'kubelet:cp-1:10255': closed,
    });
    expect(results(a)).toEqual({
      'apiserver-etcd-mutual-tls': 'confirmed',
      'no-plaintext-listeners': 'unverifiable', // the scheduler's and controller manager's settings stay unknown
      'kubelet-authenticated': 'confirmed', // was unverifiable
      'control-plane-tls-verified': 'unverifiable',
    });
    expect(a.probes!.assumptions).toEqual([
      expect.objectContaining({
        assumption: 'kubelet-authenticated',
        before: 'unverifiable',
        after: 'confirmed',
      }),
    ]);
    expect(a.findings.filter((f) => f.rule === 'kubelet-unauthenticated')).toEqual([]);
    expect(a.probes!.discrepancies.filter((d) => d.kind === 'client-certificate-not-required')).toEqual([]);
  });
});
