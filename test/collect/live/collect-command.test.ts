// `ktm collect` end to end, in-process, against a local server replaying recorded, realistic API responses (no API server can run here).
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../../src/cli/main.js';
import type { CliIo } from '../../../src/cli/io.js';
import { runKtm } from '../../helpers/capture-io.js';
import { FakeApiServer, fixture, ok, status, writeKubeconfig } from './fake-api-server.js';
import { tempDir } from '../../helpers/temp-dir.js';

let api: FakeApiServer;
let kubeconfig: string;
let dir: string;

beforeEach(async () => {
  api = await FakeApiServer.start();
  api
    .route('/api/v1/pods', (req) =>
      req.query.get('continue') === null ? ok('pods-page-3.json') : status(400, 'status-404.json'),
    )
    .route('/api/v1/secrets', () => ok('secrets-full-with-data.json'))
    .route('/api/v1/nodes', () => ok('nodes.json'))
    .route('/api/v1/namespaces', () => ok('namespaces.json'))
    .route('/apis/certificates.k8s.io/v1/certificatesigningrequests', () =>
      status(403, 'status-403-certificatesigningrequests.json'),
    );
  kubeconfig = await writeKubeconfig(api.url);
  dir = path.join(await tempDir('ktm-collect-'), 'snap');
});

afterEach(async () => {
  await api.close();
});

describe('ktm collect', () => {
  it('writes a snapshot and prints a one-line summary and the coverage gaps', async () => {
    const r = await runKtm(['collect', '--dir', dir, '--kubeconfig', kubeconfig, '-q']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(
      /^collected \d+ objects of \d+\/\d+ resource types from lab \(v1\.30\.4\) into /,
    );
    expect(r.stdout).toContain(
      'forbidden: certificatesigningrequests.certificates.k8s.io: certificatesigningrequests.certificates.k8s.io is forbidden',
    );
    expect(r.stdout).toContain('not-collected: kubelet-config: rerun with --kubelet-config');
    expect(r.stdout).toMatch(/not served by this cluster: .*gateways\.gateway\.networking\.k8s\.io/);
    const files = await readdir(dir);
    expect(files).toContain('snapshot.json');
    expect(files).toContain('pods.json');
    for (const f of files) expect(await readFile(path.join(dir, f), 'utf8'), f).not.toContain('PLAINTEXT');
  });

  it('then `ktm assess DIR -o json` reads the snapshot back offline, gaps included', async () => {
    expect((await runKtm(['collect', '--dir', dir, '--kubeconfig', kubeconfig, '-q'])).code).toBe(0);
    await api.close();
    api = await FakeApiServer.start(); // the cluster is gone: assess must not need it
    const r = await runKtm(['assess', dir, '-o', 'json']);
    // The gaps the collection met are said once on stderr, and in the JSON.
    expect(r.stderr).toMatch(/^ktm: partial read: \d+ of \d+ resource types not read \(.*\n$/);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { partial?: string }).partial).toMatch(/^partial read: /);
    const assessment = JSON.parse(r.stdout) as {
      cluster: { name: string; serverVersion: { gitVersion: string } };
      inventory: { kinds: { kind: string; count: number }[]; nodes: number };
      coverage: { mode: string; resources: { kind: string; state: string }[] };
    };
    expect(assessment.cluster).toMatchObject({ name: 'lab', serverVersion: { gitVersion: 'v1.30.4' } });
    expect(assessment.coverage.mode).toBe('snapshot');
    expect(assessment.inventory.nodes).toBe(3);
    expect(assessment.inventory.kinds).toContainEqual({ kind: 'Pod', count: 1 });
    expect(assessment.inventory.kinds).toContainEqual({ kind: 'Secret', count: 2 });
    expect(assessment.coverage.resources).toContainEqual(
      expect.objectContaining({ kind: 'CertificateSigningRequest', state: 'forbidden' }),
    );
    expect(r.stdout).not.toContain('PLAINTEXT');
    expect(r.stdout).not.toContain('aHVudGVyMi1QTEFJTlRFWFQ=');
  });

  it('`ktm assess --kubeconfig F -o json` reads the live cluster directly', async () => {
    const r = await runKtm(['assess', '--kubeconfig', kubeconfig, '-q', '-o', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const assessment = JSON.parse(r.stdout) as {
      cluster: { name: string };
      coverage: { mode: string };
      inventory: { nodes: number };
    };
    expect(assessment.coverage.mode).toBe('live');
    expect(assessment.cluster.name).toBe('lab');
    expect(assessment.inventory.nodes).toBe(3);
    expect(api.requestsTo('/api/v1/secrets')[0]!.headers.accept).toContain('PartialObjectMetadataList');
    expect(r.stdout).not.toContain('PLAINTEXT');
  });

  it('shows progress on stderr when it is a terminal, and never raw control characters from the cluster', async () => {
    const hostile = JSON.parse(fixture('status-403-certificatesigningrequests.json')) as Record<
      string,
      unknown
    >;
    hostile['message'] = 'forbidden\u001b]0;owned\u0007\nfake line';
    api.route('/apis/certificates.k8s.io/v1/certificatesigningrequests', () => ({
      status: 403,
      body: hostile,
    }));
    let stdout = '';
    let stderr = '';
    const io: CliIo = {
      stdout: (s) => (stdout += s),
      stderr: (s) => (stderr += s),
      stdin: Readable.from(['']),
      stderrIsTty: true,
      env: {},
      cwd: process.cwd(),
    };
    expect(await main(['collect', '--dir', dir, '--kubeconfig', kubeconfig], io)).toBe(0);
    expect(stderr).toMatch(/collecting: \d+\/\d+ resource types, \d+ objects, \d+\.\d+s/);
    expect(stdout).toContain('forbidden\\x1b]0;owned\\x07\\x0afake line');
    expect(stdout).not.toContain('\u001b');
  });

  it('fails with exit 2 and one line for a missing context, a bad --timeout or a missing --dir', async () => {
    const noContext = await runKtm([
      'collect',
      '--dir',
      dir,
      '--kubeconfig',
      kubeconfig,
      '--context',
      'prod',
    ]);
    expect(noContext.code).toBe(2);
    expect(noContext.stderr).toBe(
      "ktm: --context: context 'prod' not found in the kubeconfig (known contexts: elsewhere, lab)\n",
    );
    const badTimeout = await runKtm([
      'collect',
      '--dir',
      dir,
      '--kubeconfig',
      kubeconfig,
      '--timeout',
      'soon',
    ]);
    expect(badTimeout.code).toBe(2);
    expect(badTimeout.stderr).toContain("--timeout: invalid duration 'soon'");
    const noOutput = await runKtm(['collect', '--kubeconfig', kubeconfig]);
    expect(noOutput.code).toBe(2);
    expect(noOutput.stderr).toBe(
      'ktm: arguments: no snapshot folder (give --dir DIR, the folder to write the snapshot into)\n',
    );
    // The old spelling -o DIR still writes the folder, with one warning line.
    const old = await runKtm(['collect', '-o', dir, '--kubeconfig', kubeconfig, '-q']);
    expect(old.code).toBe(0);
    expect(old.stderr).toContain('ktm: warning: -o/--output DIR is deprecated: use --dir DIR\n');
  });
});
