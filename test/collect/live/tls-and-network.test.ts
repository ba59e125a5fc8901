// TLS, client certificates and broken connections, through client-node's kubeconfig handling, against a local server replaying recorded, realistic API responses (no API server can run here).
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { collectLive } from '../../../src/collect/live/collect-live.js';
import { retryAfterMs } from '../../../src/collect/live/api-client.js';
import { mapBounded } from '../../../src/collect/live/bounded-concurrency.js';
import { FakeApiServer, ok, writeKubeconfig } from './fake-api-server.js';
import { tempDir } from '../../helpers/temp-dir.js';

const TLS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'live', 'tls');

let api: FakeApiServer | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

async function tlsKubeconfig(server: string, ca: string): Promise<string> {
  const dir = await tempDir('ktm-tls-');
  const file = path.join(dir, 'kubeconfig');
  await writeFile(
    file,
    `apiVersion: v1
kind: Config
clusters:
- name: secure
  cluster:
    server: ${server}
    certificate-authority: ${path.join(TLS, ca)}
users:
- name: cert-user
  user:
    client-certificate: ${path.join(TLS, 'client.crt')}
    client-key: ${path.join(TLS, 'client.key')}
contexts:
- name: secure
  context:
    cluster: secure
    user: cert-user
current-context: secure
`,
  );
  return file;
}

describe('TLS and the network', () => {
  it('verifies the server against the kubeconfig CA and authenticates with its client certificate', async () => {
    api = await FakeApiServer.start({ tls: true });
    api.route('/api/v1/nodes', () => ok('nodes.json'));
    const result = await collectLive({
      kubeconfig: await tlsKubeconfig(api.url, 'ca.crt'),
      retry: { baseDelayMs: 10 },
    });
    expect(result.coverage.resources.find((r) => r.kind === 'Node')).toMatchObject({
      state: 'read',
      count: 3,
    });
    expect(api.requests.length).toBeGreaterThan(40);
    expect(api.requests.every((r) => r.clientCN === 'ktm-test-user')).toBe(true);
    // Connections are kept alive: far fewer TLS handshakes than requests (at most one per concurrent request).
    expect(new Set(api.requests.map((r) => r.remotePort)).size).toBeLessThanOrEqual(6);
  });

  it('refuses a server whose certificate the kubeconfig CA did not sign: one clear error, no retries', async () => {
    api = await FakeApiServer.start({ tls: true });
    const started = Date.now();
    await expect(collectLive({ kubeconfig: await tlsKubeconfig(api.url, 'other-ca.crt') })).rejects.toThrow(
      /cannot reach the API server: .*(certificate|self.signed)/i,
    );
    expect(Date.now() - started).toBeLessThan(5000);
    expect(api.requests).toHaveLength(0);
  });

  it('refuses plain http unless the kubeconfig says insecure-skip-tls-verify (client-node rule), in one line', async () => {
    api = await FakeApiServer.start();
    const file = await writeKubeconfig(api.url);
    const { readFile } = await import('node:fs/promises');
    await writeFile(
      file,
      (await readFile(file, 'utf8')).replaceAll('    insecure-skip-tls-verify: true\n', ''),
    );
    await expect(collectLive({ kubeconfig: file })).rejects.toThrow(
      /cannot use the kubeconfig's credentials: HTTP protocol is not allowed/,
    );
  });

  it('retries a dropped connection, then reads the list', async () => {
    api = await FakeApiServer.start();
    api.route('/api/v1/nodes', (_req, n) => (n === 0 ? 'reset' : ok('nodes.json')));
    const result = await collectLive({
      kubeconfig: await writeKubeconfig(api.url),
      retry: { baseDelayMs: 10 },
    });
    expect(api.requestsTo('/api/v1/nodes')).toHaveLength(2);
    expect(result.coverage.resources.find((r) => r.kind === 'Node')).toMatchObject({
      state: 'read',
      count: 3,
    });
  });
});

describe('helpers', () => {
  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs('Thu, 26 Nov 2026 20:00:10 GMT', Date.parse('2026-11-26T20:00:00Z'))).toBe(10_000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });

  it('mapBounded keeps input order and never exceeds the limit', async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapBounded([50, 10, 30, 0, 20, 5], 3, async (ms, i) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, ms));
      inFlight--;
      return i;
    });
    expect(out).toEqual([0, 1, 2, 3, 4, 5]);
    expect(peak).toBe(3);
  });
});
