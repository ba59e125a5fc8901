// Kubeconfig defaulting like kubectl: --kubeconfig, $KUBECONFIG (several files), ~/.kube/config; clear errors otherwise.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveKubeConfig } from '../../../src/collect/live/kubeconfig.js';
import { KtmError } from '../../../src/errors.js';
import { tempDir } from '../../helpers/temp-dir.js';

const config = (cluster: string, server: string, current?: string): string => `apiVersion: v1
kind: Config
clusters:
- name: ${cluster}
  cluster:
    server: ${server}
users:
- name: ${cluster}-user
  user:
    token: t-${cluster}
contexts:
- name: ${cluster}
  context:
    cluster: ${cluster}
    user: ${cluster}-user
${current === undefined ? '' : `current-context: ${current}\n`}`;

async function files(entries: Record<string, string>): Promise<string> {
  const dir = await tempDir('ktm-kubeconfig-');
  for (const [name, text] of Object.entries(entries)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
  return dir;
}

const errorOf = (fn: () => unknown): KtmError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof KtmError) return e;
    throw e;
  }
  throw new Error('no error');
};

describe('resolveKubeConfig', () => {
  it('merges the files of KUBECONFIG, skipping missing ones; the first current-context wins', async () => {
    const dir = await files({
      a: config('alpha', 'https://alpha.example:6443/'),
      b: config('beta', 'https://beta.example:6443', 'beta'),
    });
    const env = {
      KUBECONFIG: [path.join(dir, 'missing'), path.join(dir, 'a'), path.join(dir, 'b')].join(path.delimiter),
    };
    const r = resolveKubeConfig({ env });
    expect(r.context).toBe('beta');
    expect(r.server).toBe('https://beta.example:6443');
    const alpha = resolveKubeConfig({ env, context: 'alpha' });
    expect(alpha.server).toBe('https://alpha.example:6443');
  });

  it('falls back to ~/.kube/config', async () => {
    const home = await files({ '.kube/config': config('home', 'https://home.example:6443', 'home') });
    expect(resolveKubeConfig({ env: { HOME: home } }).context).toBe('home');
  });

  // Skipped inside a pod: there the mounted service account token is the (correct) last resort.
  it.skipIf(existsSync('/var/run/secrets/kubernetes.io/serviceaccount/token'))(
    'says what to do when there is no kubeconfig at all',
    async () => {
      const empty = await files({});
      const e = errorOf(() => resolveKubeConfig({ env: { HOME: empty } }));
      expect(e.line()).toMatch(/^kubeconfig: no kubeconfig found \(give --kubeconfig, set KUBECONFIG/);
    },
  );

  it('names KUBECONFIG when none of its files exists', () => {
    const e = errorOf(() => resolveKubeConfig({ env: { KUBECONFIG: '/nope/a:/nope/b' } }));
    expect(e.line()).toContain('KUBECONFIG=/nope/a:/nope/b: no file named by KUBECONFIG exists');
  });

  it('rejects a file with no current context unless --context is given', async () => {
    const dir = await files({ a: config('alpha', 'https://alpha.example:6443') });
    const kubeconfig = path.join(dir, 'a');
    expect(errorOf(() => resolveKubeConfig({ kubeconfig })).line()).toContain(
      'the kubeconfig has no current context',
    );
    expect(resolveKubeConfig({ kubeconfig, context: 'alpha' }).context).toBe('alpha');
  });

  it('turns an unparsable kubeconfig into one line naming the file', async () => {
    const dir = await files({ bad: 'clusters: [\n  - {name: x\n' });
    const e = errorOf(() => resolveKubeConfig({ kubeconfig: path.join(dir, 'bad') }));
    expect(e.where).toBe(path.join(dir, 'bad'));
    expect(e.message).toMatch(/^cannot read kubeconfig: /);
  });

  it('--in-cluster uses the pod service account, ignoring KUBECONFIG, and says so in one line outside a pod', async () => {
    const dir = await files({ token: 'sa-token', a: config('alpha', 'https://alpha.example:6443') });
    const saved = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };
    process.env.KUBERNETES_SERVICE_HOST = '10.96.0.1';
    process.env.KUBERNETES_SERVICE_PORT = '443';
    try {
      const r = resolveKubeConfig({
        inCluster: true,
        serviceAccountToken: path.join(dir, 'token'),
        env: { KUBECONFIG: path.join(dir, 'a') },
      });
      expect(r.server).toBe('https://10.96.0.1:443');
    } finally {
      if (saved.host === undefined) delete process.env.KUBERNETES_SERVICE_HOST;
      else process.env.KUBERNETES_SERVICE_HOST = saved.host;
      if (saved.port === undefined) delete process.env.KUBERNETES_SERVICE_PORT;
      else process.env.KUBERNETES_SERVICE_PORT = saved.port;
    }
    const e = errorOf(() =>
      resolveKubeConfig({ inCluster: true, serviceAccountToken: path.join(dir, 'none') }),
    );
    expect(e.line()).toMatch(/--in-cluster works only inside a pod/);
  });
});
