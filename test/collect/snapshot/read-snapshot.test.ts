// readSnapshot: the snapshot folder format read back: cluster, coverage, streamed Lists, kubelet configz, bad manifests.
import { describe, expect, it } from 'vitest';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isSnapshotDir, readSnapshot } from '../../../src/collect/snapshot/read-snapshot.js';
import { writeSnapshot } from '../../../src/collect/snapshot/write-snapshot.js';
import { readPaths } from '../../../src/collect/manifests/read-paths.js';
import { KtmError } from '../../../src/errors.js';
import { RESOURCE_TYPES, resourceId } from '../../../src/collect/resource-types.js';

const LAB = 'test/fixtures/manifests/snapshot-lab';

async function tempCopy(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ktm-snap-'));
  await cp(LAB, dir, { recursive: true });
  return dir;
}

describe('readSnapshot', () => {
  it('recognises a snapshot folder by its snapshot.json', async () => {
    expect(await isSnapshotDir(LAB)).toBe(true);
    expect(await isSnapshotDir('test/fixtures/manifests')).toBe(false);
  });

  it('reads cluster info, server version and every List item with its file and line', async () => {
    const r = await readSnapshot(LAB);
    expect(r.cluster).toEqual({
      name: 'lab',
      server: 'https://10.0.0.10:6443',
      serverVersion: { major: '1', minor: '30', gitVersion: 'v1.30.4', platform: 'linux/amd64' },
      collectedAt: '2026-11-20T10:00:00Z',
      ktmVersion: '0.1.0',
    });
    expect(r.coverage.mode).toBe('snapshot');
    const pods = r.items.filter((i) => i.object.kind === 'Pod');
    expect(pods.map((p) => [p.object.metadata.name, p.source])).toEqual([
      ['api-0', { file: path.join(LAB, 'pods.json'), line: 5 }],
      ['db-0', { file: path.join(LAB, 'pods.json'), line: 21 }],
    ]);
  });

  it('keeps coverage from snapshot.json and counts what was read; an empty List is read with 0 objects', async () => {
    const r = await readSnapshot(LAB);
    const byId = new Map(r.coverage.resources.map((c) => [c.resource, c]));
    expect(byId.get('pods')).toEqual({ resource: 'pods', kind: 'Pod', state: 'read', count: 2 });
    expect(byId.get('networkpolicies.networking.k8s.io')).toMatchObject({ state: 'read', count: 0 });
    expect(byId.get('podsecuritypolicies.policy')).toMatchObject({
      state: 'not-served',
      reason: 'policy/v1beta1 is not served (removed in 1.25)',
    });
    expect(byId.get('certificatesigningrequests.certificates.k8s.io')?.state).toBe('forbidden');
    // Every resource type has exactly one entry: those snapshot.json does not mention are not-collected.
    // (A fallback view such as Calico's CRDs only when snapshot.json records it.)
    const preferred = RESOURCE_TYPES.filter((rt) => rt.fallbackFor === undefined);
    for (const rt of preferred) expect(byId.has(resourceId(rt))).toBe(true);
    expect(r.coverage.resources).toHaveLength(preferred.length);
    expect(byId.get('nodes')?.state).toBe('not-collected');
    expect(r.coverage.facts).toContainEqual({
      fact: 'kubelet-config',
      subject: 'lab-worker-1',
      state: 'read',
    });
  });

  it('turns a read type whose file is missing into failed, with a diagnostic', async () => {
    const r = await readSnapshot(LAB);
    const deployments = r.coverage.resources.find((c) => c.resource === 'deployments.apps');
    expect(deployments?.state).toBe('failed');
    expect(deployments?.reason).toContain('deployments.apps.json is missing');
    expect(r.diagnostics).toContainEqual(
      expect.objectContaining({ severity: 'error', where: path.join(LAB, 'deployments.apps.json') }),
    );
  });

  it('keeps kubelet-configz.json items as KubeletConfigz objects, one per node', async () => {
    const r = await readSnapshot(LAB);
    const configz = r.items.filter((i) => i.object.kind === 'KubeletConfigz');
    expect(configz).toHaveLength(1);
    expect(configz[0]!.object.metadata.name).toBe('lab-worker-1');
    expect(configz[0]!.object['kubeletconfig']).toMatchObject({ readOnlyPort: 0 });
    expect(configz[0]!.source.file).toBe(path.join(LAB, 'kubelet-configz.json'));
  });

  it('marks a truncated List file failed and keeps the objects before the cut', async () => {
    const dir = await tempCopy();
    try {
      const text =
        '{\n  "apiVersion": "v1",\n  "kind": "List",\n  "items": [\n    {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "a", "namespace": "x"}},\n    {"apiVersion": "v1", "kind": "Pod", "metad';
      await writeFile(path.join(dir, 'pods.json'), text);
      const r = await readSnapshot(dir);
      expect(r.items.filter((i) => i.object.kind === 'Pod').map((i) => i.object.metadata.name)).toEqual([
        'a',
      ]);
      const pods = r.coverage.resources.find((c) => c.resource === 'pods');
      expect(pods).toMatchObject({ state: 'failed', count: 1 });
      expect(pods?.reason).toContain('truncated');
      expect(r.diagnostics.some((d) => d.where.startsWith(path.join(dir, 'pods.json:6:')))).toBe(true);
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it('warns when a List file holds another number of objects than snapshot.json records', async () => {
    const dir = await tempCopy();
    try {
      const text = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [] });
      await writeFile(path.join(dir, 'pods.json'), text);
      const r = await readSnapshot(dir);
      expect(r.coverage.resources.find((c) => c.resource === 'pods')).toMatchObject({
        state: 'read',
        count: 0,
      });
      expect(r.diagnostics).toContainEqual({
        severity: 'warning',
        where: path.join(dir, 'pods.json'),
        message: 'snapshot.json records 2 Pod objects, the file holds 0',
      });
      const clean = await readSnapshot(LAB);
      expect(clean.diagnostics.filter((d) => d.severity === 'warning')).toEqual([]);
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it('rejects an invalid snapshot.json with one line naming the file and the field', async () => {
    const dir = await tempCopy();
    try {
      await writeFile(
        path.join(dir, 'snapshot.json'),
        JSON.stringify({
          apiVersion: 'ktm.dev/v1alpha1',
          kind: 'Snapshot',
          cluster: { name: 'x' },
          coverage: { resources: [{ resource: 'pods', kind: 'Pod', state: 'maybe', count: 1 }], facts: [] },
        }),
      );
      const err = await readSnapshot(dir).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(KtmError);
      const line = (err as KtmError).line();
      expect(line).toContain(path.join(dir, 'snapshot.json'));
      expect(line).toContain('coverage.resources.0.state');
      expect(line).not.toContain('\n');
      await writeFile(path.join(dir, 'snapshot.json'), '{ not json');
      const bad = await readSnapshot(dir).catch((e: unknown) => e);
      expect(bad).toBeInstanceOf(KtmError);
      expect((bad as KtmError).line()).toContain('invalid JSON');
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it("keeps Calico policies read through the CRDs in the CRD view's file, and reads them back", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ktm-calico-'));
    try {
      const object = {
        apiVersion: 'crd.projectcalico.org/v1',
        kind: 'CalicoNetworkPolicy',
        metadata: { name: 'default.web', namespace: 'shop' },
        spec: { selector: 'all()' },
      };
      await writeSnapshot(path.join(dir, 'snap'), {
        cluster: { name: 'c' },
        items: [{ object, source: { file: 'live' } }],
        coverage: {
          mode: 'live',
          resources: [
            {
              resource: 'networkpolicies.projectcalico.org',
              kind: 'CalicoNetworkPolicy',
              state: 'not-served',
              count: 0,
            },
            {
              resource: 'networkpolicies.crd.projectcalico.org',
              kind: 'CalicoNetworkPolicy',
              state: 'read',
              count: 1,
            },
          ],
          facts: [],
        },
        diagnostics: [],
      });
      const back = await readSnapshot(path.join(dir, 'snap'));
      expect(back.items.map((i) => i.object)).toEqual([object]);
      expect(back.diagnostics).toEqual([]);
      expect(
        back.coverage.resources.find((r) => r.resource === 'networkpolicies.crd.projectcalico.org'),
      ).toMatchObject({ state: 'read', count: 1 });
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it('reads back what writeSnapshot wrote (round trip through the format)', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ktm-rt-'));
    try {
      const source = await readPaths(['test/fixtures/manifests/multi-doc.yaml'], { complete: true });
      await writeSnapshot(path.join(dir, 'snap'), source);
      const back = await readSnapshot(path.join(dir, 'snap'));
      expect(back.items.map((i) => i.object)).toEqual(
        expect.arrayContaining(source.items.map((i) => i.object)),
      );
      expect(back.items).toHaveLength(source.items.length);
      expect(back.diagnostics).toEqual([]);
      expect(back.coverage.resources.filter((c) => c.state !== 'read')).toEqual([]);
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});
