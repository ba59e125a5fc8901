// writeSnapshot: the folder format of docs/snapshot-format.md, from a collection replaying recorded, realistic API responses (no API server can run here).
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectLive } from '../../../src/collect/live/collect-live.js';
import { readSnapshot } from '../../../src/collect/snapshot/read-snapshot.js';
import { writeSnapshot } from '../../../src/collect/snapshot/write-snapshot.js';
import { objectKey } from '../../../src/collect/inventory.js';
import type { SourceReadResult } from '../../../src/collect/source.js';
import { KtmError } from '../../../src/errors.js';
import { ktmVersion } from '../../../src/version.js';
import { FakeApiServer, ok, status, writeKubeconfig } from './fake-api-server.js';
import { tempDir as makeTempDir } from '../../helpers/temp-dir.js';

const SECRET_VALUES = [
  'aHVudGVyMi1QTEFJTlRFWFQ=',
  'PLAINTEXT-TOKEN-VALUE',
  'LS0tLS1CRUdJTi1QUklWQVRFLUtFWS1QTEFJTlRFWFQ=',
];

let api: FakeApiServer;
let collected: SourceReadResult;

beforeAll(async () => {
  api = await FakeApiServer.start();
  api
    .route('/api/v1/pods', (req) =>
      req.query.get('continue') === null
        ? ok('pods-page-1.json')
        : req.query
              .get('continue')!
              .startsWith('eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6NDgyMTMsInN0YXJ0IjoiYmxvZy')
          ? ok('pods-page-2.json')
          : ok('pods-page-3.json'),
    )
    // The server ignores the Accept header: the snapshot must still hold no Secret value.
    .route('/api/v1/secrets', () => ok('secrets-full-with-data.json'))
    .route('/api/v1/nodes', () => ok('nodes.json'))
    .route('/api/v1/namespaces', () => ok('namespaces.json'))
    .route('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', () => ok('crds.json'))
    .route('/apis/certificates.k8s.io/v1/certificatesigningrequests', () =>
      status(403, 'status-403-certificatesigningrequests.json'),
    )
    .route('/api/v1/namespaces/kube-system/configmaps/kubeadm-config', () =>
      ok('configmap-kubeadm-config.json'),
    )
    .route('/api/v1/nodes/lab-worker-1/proxy/configz', () => ok('configz-lab-worker-1.json'))
    .route('/api/v1/nodes/lab-cp-1/proxy/configz', () => ok('configz-lab-cp-1.json'))
    .route('/api/v1/nodes/lab-worker-2/proxy/configz', () => status(403, 'status-403-configz.json'));
  const kubeconfig = await writeKubeconfig(api.url);
  collected = await collectLive({ kubeconfig, kubeletConfig: true, retry: { baseDelayMs: 10 } });
});

afterAll(async () => {
  await api.close();
});

const tempDir = (): Promise<string> => makeTempDir('ktm-snapshot-');

describe('writeSnapshot', () => {
  it('writes one List per read type, kubelet-configz.json, and snapshot.json; no file for a forbidden type', async () => {
    const dir = await tempDir();
    const summary = await writeSnapshot(dir, collected);
    const files = (await readdir(dir)).sort();
    expect(files).toContain('pods.json');
    expect(files).toContain('deployments.apps.json');
    expect(files).toContain('networkpolicies.networking.k8s.io.json');
    expect(files).toContain('kubelet-configz.json');
    expect(files).toContain('snapshot.json');
    expect(files).not.toContain('certificatesigningrequests.certificates.k8s.io.json');
    expect(files).not.toContain('gateways.gateway.networking.k8s.io.json');
    expect(summary.files.at(-1)).toBe('snapshot.json');
    expect(summary.objects).toBe(collected.items.length);
    const read = collected.coverage.resources.filter((r) => r.state === 'read').length;
    expect(files).toHaveLength(read + 2);
  });

  it('writes pretty JSON Lists with items sorted by namespace then name, each with apiVersion and kind', async () => {
    const dir = await tempDir();
    await writeSnapshot(dir, collected);
    const text = await readFile(path.join(dir, 'pods.json'), 'utf8');
    const list = JSON.parse(text) as {
      apiVersion: string;
      kind: string;
      items: { apiVersion: string; kind: string; metadata: { namespace: string; name: string } }[];
    };
    // Written item by item, yet byte for byte what JSON.stringify(list, null, 2) gives.
    expect(text).toBe(`${JSON.stringify(list, null, 2)}\n`);
    expect(list.kind).toBe('List');
    expect(list.items.map((p) => `${p.metadata.namespace}/${p.metadata.name}`)).toEqual([
      'blog/web-6b7c8d9e0-abcde',
      'blog/web-6b7c8d9e0-fghij',
      'shop/cart-7d9c5b6f8-4xkzq',
      'shop/cart-7d9c5b6f8-9wlmn',
      'shop/checkout-5c8f7b9d4-2hjkl',
    ]);
    expect(list.items.every((p) => p.apiVersion === 'v1' && p.kind === 'Pod')).toBe(true);
    const empty = await readFile(path.join(dir, 'networkpolicies.networking.k8s.io.json'), 'utf8');
    expect(empty).toBe(`${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [] }, null, 2)}\n`);
  });

  it('writes snapshot.json with cluster, server version, time, ktm version and coverage', async () => {
    const dir = await tempDir();
    await writeSnapshot(dir, collected);
    const manifest = JSON.parse(await readFile(path.join(dir, 'snapshot.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(manifest).toMatchObject({
      apiVersion: 'ktm.dev/v1alpha1',
      kind: 'Snapshot',
      cluster: { name: 'lab', server: api.url },
      serverVersion: { major: '1', minor: '30', gitVersion: 'v1.30.4', platform: 'linux/amd64' },
      collectedAt: collected.cluster.collectedAt,
      ktmVersion: ktmVersion(),
    });
    expect(manifest['coverage']).toEqual({
      resources: collected.coverage.resources,
      facts: collected.coverage.facts,
    });
  });

  it('holds no Secret value in any file, even when the server returned data', async () => {
    const dir = await tempDir();
    await writeSnapshot(dir, collected);
    const secrets = JSON.parse(await readFile(path.join(dir, 'secrets.json'), 'utf8')) as {
      items: Record<string, unknown>[];
    };
    expect(secrets.items).toHaveLength(2);
    for (const s of secrets.items)
      expect(Object.keys(s).sort()).toEqual(['apiVersion', 'kind', 'metadata', 'type']);
    for (const f of await readdir(dir)) {
      const text = await readFile(path.join(dir, f), 'utf8');
      for (const v of SECRET_VALUES) expect(text, f).not.toContain(v);
      expect(text, f).not.toContain('"stringData"');
    }
  });

  it('drops Secret data handed to it by any source (defence in depth)', async () => {
    const dir = await tempDir();
    await writeSnapshot(dir, {
      ...collected,
      items: [
        {
          object: {
            apiVersion: 'v1',
            kind: 'Secret',
            metadata: { name: 'x', namespace: 'a' },
            data: { k: 'UExBSU5URVhULVRPS0VOLVZBTFVF' },
            stringData: { k: 'PLAINTEXT-TOKEN-VALUE' },
            type: 'Opaque',
          },
          source: { file: 'test' },
        },
      ],
    });
    const text = await readFile(path.join(dir, 'secrets.json'), 'utf8');
    expect(text).not.toContain('PLAINTEXT');
    expect(text).not.toContain('UExBSU5URVhU');
  });

  it('is deterministic: the same collection gives the same bytes, whatever the item order', async () => {
    const a = await tempDir();
    const b = await tempDir();
    await writeSnapshot(a, collected);
    await writeSnapshot(b, { ...collected, items: [...collected.items].reverse() });
    const files = (await readdir(a)).sort();
    expect((await readdir(b)).sort()).toEqual(files);
    for (const f of files)
      expect(await readFile(path.join(b, f), 'utf8'), f).toBe(await readFile(path.join(a, f), 'utf8'));
  });

  it('refuses a non-empty folder that is not a snapshot, and replaces a previous snapshot without stale files', async () => {
    const junk = await tempDir();
    await writeFile(path.join(junk, 'notes.txt'), 'mine');
    await expect(writeSnapshot(junk, collected)).rejects.toThrow(KtmError);
    expect(await readdir(junk)).toEqual(['notes.txt']);

    const dir = await tempDir();
    await writeSnapshot(dir, collected);
    // A second run where CSRs became readable and pods forbidden: pods.json must not linger.
    const resources = collected.coverage.resources.map((r) =>
      r.kind === 'Pod' ? { ...r, state: 'forbidden' as const, count: 0, reason: 'forbidden now' } : r,
    );
    await writeSnapshot(dir, {
      ...collected,
      items: collected.items.filter((i) => i.object.kind !== 'Pod'),
      coverage: { ...collected.coverage, resources },
    });
    expect(await readdir(dir)).not.toContain('pods.json');
  });

  it('turns a folder it cannot create into one KtmError line', async () => {
    const parent = await tempDir();
    await writeFile(path.join(parent, 'file'), 'x');
    const err = await writeSnapshot(path.join(parent, 'file', 'snap'), collected).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KtmError);
    expect((err as KtmError).line()).toMatch(
      /snap: cannot create the snapshot folder: .*\(choose a writable path\)$/,
    );
  });

  it('round-trips through readSnapshot: the same objects and coverage', async () => {
    const dir = await tempDir();
    await writeSnapshot(dir, collected);
    const back = await readSnapshot(dir);
    expect(back.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    expect(back.cluster).toEqual(collected.cluster);
    expect(back.coverage.resources).toEqual(collected.coverage.resources);
    expect(back.coverage.facts).toEqual(collected.coverage.facts);
    const key = (o: { kind: string; metadata: { namespace?: string; name: string } }): string => objectKey(o);
    const original = new Map(collected.items.map((i) => [key(i.object), i.object]));
    expect(back.items).toHaveLength(original.size);
    for (const item of back.items)
      expect(item.object, key(item.object)).toEqual(original.get(key(item.object)));
  });
});
