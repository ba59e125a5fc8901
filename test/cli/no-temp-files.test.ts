// ktm itself leaves no temporary file behind: assess, collect and probe run as separate processes with their own TMPDIR.
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, ROOT } from '../helpers/built-cli.js';
import { tempDir } from '../helpers/temp-dir.js';
import { FakeApiServer, ok, writeKubeconfig } from '../collect/live/fake-api-server.js';

const run = promisify(execFile);
let cli: string;

beforeAll(() => {
  cli = ensureBuilt();
});

/** Hidden files: where ktm's atomic writes keep a file being written (`.NAME.ktm-PID-RANDOM.tmp`). */
const hidden = (files: readonly string[]): string[] => files.filter((f) => /(^|\/)\./.test(f));

/** Runs the built CLI in a fresh working folder with a fresh TMPDIR; returns both folders' contents after. */
async function ktm(args: readonly string[]): Promise<{ tmp: string[]; cwd: string[]; stdout: string }> {
  const tmp = await tempDir('ktm-own-tmp-');
  const cwd = await tempDir('ktm-own-cwd-');
  const out = await run(process.execPath, [cli, ...args], {
    cwd,
    env: { ...process.env, TMPDIR: tmp },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { tmp: await readdir(tmp), cwd: await readdir(cwd, { recursive: true }), stdout: out.stdout };
}

describe('no temporary files left by ktm', () => {
  it('assess --report writes its report files and no temporary one, in the folder or in TMPDIR', async () => {
    const r = await ktm(['assess', '--demo', '--report', 'out', '-q']);
    expect(r.tmp).toEqual([]);
    expect(r.cwd).toContain(path.join('out', 'report.html'));
    expect(hidden(r.cwd)).toEqual([]);
  });

  describe('against local servers', () => {
    let api: FakeApiServer;
    let server: https.Server;
    beforeAll(async () => {
      api = await FakeApiServer.start();
      api.route('/api/v1/namespaces', () => ok('namespaces.json'));
      const tls = path.join(ROOT, 'test', 'fixtures', 'live', 'tls');
      server = https.createServer(
        {
          cert: await readFile(path.join(tls, 'server.crt')),
          key: await readFile(path.join(tls, 'server.key')),
        },
        (_req, res) => res.writeHead(401).end(),
      );
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    });
    afterAll(async () => {
      await api.close();
      await new Promise((resolve) => server.close(resolve));
    });

    it('collect writes the snapshot files and no temporary one', async () => {
      const kubeconfig = await writeKubeconfig(api.url);
      const r = await ktm(['collect', '--kubeconfig', kubeconfig, '--dir', 'snap', '-q']);
      expect(r.tmp).toEqual([]);
      expect(r.cwd).toContain(path.join('snap', 'snapshot.json'));
      expect(hidden(r.cwd)).toEqual([]);
    });

    it('probe writes nothing at all', async () => {
      const { port } = server.address() as AddressInfo;
      const r = await ktm(['probe', '--target', `127.0.0.1:${port}`, '--probe-timeout', '3s', '-o', 'json']);
      expect(JSON.parse(r.stdout)).toMatchObject({ results: [{ reachable: true }] });
      expect(r.tmp).toEqual([]);
      expect(r.cwd).toEqual([]);
    });
  });
});
