// Honest exit codes: an input ktm read nothing from exits 2 with one line saying what was read and what to do;
// a partial read says so; --fail-on-unverifiable fails on coverage gaps; a closed stdout ends the run quietly.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKtm } from '../helpers/capture-io.js';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'ktm-exit-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const oneLine = (s: string): void => expect(s.trimEnd().split('\n')).toHaveLength(1);

describe('an input ktm read nothing from exits 2', () => {
  it('an empty folder, even with --fail-on', async () => {
    const empty = path.join(dir, 'empty');
    await mkdir(empty);
    const r = await runKtm(['assess', empty, '--fail-on', 'high']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('no Kubernetes objects in the input');
    oneLine(r.stderr);
  });

  it('a folder where every document fails to parse', async () => {
    const bad = path.join(dir, 'bad');
    await mkdir(bad);
    await writeFile(path.join(bad, 'a.yaml'), 'a: [\n');
    await writeFile(path.join(bad, 'b.yaml'), 'kind: {{\n');
    const r = await runKtm(['assess', bad, '--fail-on', 'high']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /every document failed to read \(2 errors; first: .*a\.yaml:1:\d+: invalid YAML/,
    );
    oneLine(r.stderr);
  });

  // A local HTTP server stands in for an API server that answers every request with one status: 404 (not a
  // Kubernetes API at that address) or 403 (credentials without any list right).
  it.each([404, 403])(
    'a live endpoint answering %i to everything',
    async (status) => {
      const server = http.createServer((_req, res) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ kind: 'Status', message: `denied with ${status}` }));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        const port = (server.address() as AddressInfo).port;
        const kubeconfig = path.join(dir, `kubeconfig-${status}`);
        await writeFile(
          kubeconfig,
          [
            'apiVersion: v1',
            'kind: Config',
            `clusters: [{name: c, cluster: {server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]`,
            'users: [{name: u, user: {token: not-a-secret}}]',
            'contexts: [{name: x, context: {cluster: c, user: u}}]',
            'current-context: x',
          ].join('\n'),
        );
        const r = await runKtm([
          'assess',
          '--kubeconfig',
          kubeconfig,
          '--timeout',
          '30s',
          '--fail-on',
          'high',
        ]);
        expect(r.code).toBe(2);
        expect(r.stdout).toBe('');
        expect(r.stderr).toContain('answered no list with objects (0 objects;');
        expect(r.stderr).toContain(status === 403 ? 'forbidden' : 'not-served');
        oneLine(r.stderr);
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    },
    60_000,
  );
});

describe('partial reads', () => {
  const manifest = [
    'apiVersion: v1',
    'kind: Namespace',
    'metadata: {name: shop}',
    '---',
    'apiVersion: v1',
    'kind: Service',
    'metadata: {name: web, namespace: shop}',
    'spec: {selector: {app: web}, ports: [{port: 80}]}',
    '',
  ].join('\n');

  it('manifests: coverage lists the kinds present, stderr and the JSON say the rest was not given', async () => {
    const file = path.join(dir, 'partial.yaml');
    await writeFile(file, manifest);
    const json = await runKtm(['assess', file, '-o', 'json']);
    expect(json.code).toBe(0);
    expect(json.stderr).toContain('partial input: the manifests hold 2 of');
    const a = JSON.parse(json.stdout) as {
      partial?: string;
      coverage: { resources: { kind: string; state: string }[] };
      rules: { results: { rule: string; status: string }[] };
    };
    expect(a.partial).toContain('pass --complete');
    expect(a.coverage.resources.filter((r) => r.state === 'read').map((r) => r.kind)).toEqual([
      'Namespace',
      'Service',
    ]);
    // Nothing needing workloads or network policies can pass on a file that has none of them.
    expect(a.rules.results.find((r) => r.rule === 'unrestricted-network')?.status).toBe('unverifiable');
    expect(a.rules.results.find((r) => r.rule === 'sensitive-host-mount')?.status).toBe('unverifiable');

    const table = await runKtm(['assess', file]);
    expect(table.stdout).toContain('Coverage (manifests): kinds present: Namespace (1), Service (1)');
    expect(table.stdout).not.toMatch(/\d+ of \d+ resource types read/);
  });

  it('--fail-on-unverifiable exits 1 on coverage gaps, and --complete declares the files the whole cluster', async () => {
    const file = path.join(dir, 'gaps.yaml');
    await writeFile(file, manifest);
    const gaps = await runKtm(['assess', file, '--fail-on-unverifiable', '--rules', 'unrestricted-network']);
    expect(gaps.code).toBe(1);
    expect(gaps.stderr).toContain('unverifiable, 0 in error (--fail-on-unverifiable)');
    const complete = await runKtm([
      'assess',
      file,
      '--complete',
      '--fail-on-unverifiable',
      '--rules',
      'sensitive-host-mount',
    ]);
    expect(complete.stderr).toBe('');
    expect(complete.code).toBe(0);
  });
});

describe('a closed stdout (EPIPE)', () => {
  const bin = path.resolve('dist/bin/ktm.js');
  // Runs the built CLI (npm ci builds dist/) with its stdout read for one chunk, then closed, like `| head -1`.
  const firstChunkThenClose = (args: string[]): Promise<{ code: number | null; stderr: string }> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.stdout.once('data', () => child.stdout.destroy());
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stderr }));
    });

  it.skipIf(!existsSync(bin)).each([
    [['paths', '--demo'], 0],
    [['assess', '--demo', '-o', 'json'], 0],
    [['assess', '--demo', '-o', 'json', '--fail-on', 'high'], 1],
  ] as const)(
    'ktm %j | head ends quietly with exit code %i',
    async (args, code) => {
      const r = await firstChunkThenClose([...args]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(code);
    },
    60_000,
  );
});
