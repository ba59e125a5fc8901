// readPaths: files, folders, multi-document YAML, JSON, Lists and dumps, with source lines and diagnostics.
import { describe, expect, it } from 'vitest';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { RESOURCE_TYPES } from '../../../src/collect/resource-types.js';
import { readPaths } from '../../../src/collect/manifests/read-paths.js';

const fx = (name: string): string => path.join('test/fixtures/manifests', name);
const summary = (r: Awaited<ReturnType<typeof readPaths>>): string[] =>
  r.items.map((i) => `${i.object.kind}/${i.object.metadata.name}@${i.source.line}`);

describe('readPaths', () => {
  it('reads every document of a multi-document YAML file with the line each starts on', async () => {
    const r = await readPaths([fx('multi-doc.yaml')], {});
    expect(summary(r)).toEqual(['Namespace/shop@2', 'Deployment/web@7', 'Service/web@33']);
    expect(r.diagnostics).toEqual([]);
    expect(r.items[0]!.source.file).toBe(fx('multi-doc.yaml'));
  });

  it('reports invalid YAML at file:line:column and still reads the other documents', async () => {
    const r = await readPaths([fx('invalid-yaml.yaml')], {});
    expect(summary(r)).toEqual(['ConfigMap/before@1', 'ConfigMap/after@16']);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]!.where).toMatch(/^test\/fixtures\/manifests\/invalid-yaml\.yaml:1[34]:\d+$/);
    expect(r.diagnostics[0]!.message).toContain('invalid YAML');
  });

  it('reads a kubectl get -o yaml dump with the line of each item', async () => {
    const r = await readPaths([fx('kubectl-dump.yaml')], {});
    expect(summary(r)).toEqual(['Pod/api-0@3', 'Service/api@15']);
    expect(r.diagnostics).toEqual([]);
  });
});

describe('readPaths on JSON', () => {
  it('reads a typed List: items without apiVersion/kind take them from PodList, each with its line', async () => {
    const r = await readPaths([fx('podlist.json')], {});
    expect(summary(r)).toEqual(['Pod/web-1@4', 'Pod/web-2@13']);
    expect(r.items[0]!.object.apiVersion).toBe('v1');
    expect(r.diagnostics).toEqual([]);
  });

  it('reads several concatenated JSON objects', async () => {
    const r = await readPaths([fx('concatenated.json')], {});
    expect(summary(r)).toEqual(['Namespace/a@1', 'Namespace/b@2', 'Namespace/c@4']);
  });

  it('keeps the objects before the cut of a truncated List and reports the cut', async () => {
    const r = await readPaths([fx('truncated-list.json')], {});
    expect(summary(r)).toEqual(['Pod/kept-1@4', 'Pod/kept-2@12']);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]!.where).toMatch(/truncated-list\.json:\d+:\d+$/);
    expect(r.diagnostics[0]!.message).toContain('truncated');
  });
});

describe('readPaths on dumps and rendered output', () => {
  it('reads a kubectl get -A -o json dump: each item with its line, managedFields dropped', async () => {
    const r = await readPaths([fx('kubectl-dump.json')], {});
    expect(summary(r)).toEqual(['Service/kubernetes@4', 'DaemonSet/kube-proxy@31']);
    expect(r.items[1]!.object.metadata).not.toHaveProperty('managedFields');
    expect(r.diagnostics).toEqual([]);
  });

  it('reads Helm output: # Source comments and empty documents are not objects', async () => {
    const r = await readPaths([fx('helm-output.yaml')], {});
    expect(summary(r)).toEqual([
      'ServiceAccount/shop-web@3',
      'Service/shop-web@15',
      'Deployment/shop-web@32',
      'Pod/shop-web-test-connection@53',
    ]);
    expect(r.diagnostics).toEqual([]);
  });

  it('reads YAML with the rules kubectl uses (YAML 1.1: 0644 is octal)', async () => {
    const r = await readPaths([fx('multi-doc.yaml')], {});
    const deployment = r.items.find((i) => i.object.kind === 'Deployment')!.object as unknown as {
      spec: { template: { spec: { volumes: { configMap: { defaultMode: number } }[] } } };
    };
    expect(deployment.spec.template.spec.volumes[0]!.configMap.defaultMode).toBe(0o644);
  });
});

describe('readPaths on bad input', () => {
  it('skips documents without kind, apiVersion or name with one diagnostic each at file:line', async () => {
    const r = await readPaths([fx('missing-envelope.yaml')], {});
    expect(summary(r)).toEqual(['ConfigMap/fine@24']);
    const lines = r.diagnostics.map((d) => `${d.severity} ${d.where} ${d.message}`);
    expect(lines).toHaveLength(6);
    expect(lines[0]).toMatch(/^error .*missing-envelope\.yaml:1 not a Kubernetes object: missing kind/);
    expect(lines[1]).toMatch(/missing-envelope\.yaml:5 .*missing apiVersion/);
    expect(lines[2]).toMatch(/missing-envelope\.yaml:9 .*missing metadata\.name/);
    expect(lines[3]).toMatch(/missing-envelope\.yaml:14 .*metadata\.name is not a string/);
    expect(lines[4]).toMatch(/missing-envelope\.yaml:19 not a Kubernetes object \(a list\)/);
    expect(lines[5]).toMatch(/missing-envelope\.yaml:22 not a Kubernetes object \(a string\)/);
    for (const d of r.diagnostics) expect(d.message).not.toContain('\n');
  });

  it('keeps an object of an unknown kind', async () => {
    const r = await readPaths([fx('unknown-kind.yaml')], {});
    expect(summary(r)).toEqual(['Widget/gizmo@1']);
    expect(r.items[0]!.object['spec']).toEqual({ size: 'large' });
    expect(r.coverage.resources.find((c) => c.kind === 'Widget')).toBeUndefined();
  });

  it('reports binary junk once and reads nothing from it', async () => {
    const r = await readPaths([fx('binary-junk.yaml')], {});
    expect(r.items).toEqual([]);
    expect(r.diagnostics).toEqual([
      { severity: 'error', where: fx('binary-junk.yaml'), message: expect.stringContaining('binary') },
    ]);
  });

  it('reports an empty file and a blank file once each', async () => {
    const r = await readPaths([fx('empty.yaml'), fx('blank.json')], {});
    expect(r.items).toEqual([]);
    expect(r.diagnostics.map((d) => [d.where, d.message])).toEqual([
      [fx('empty.yaml'), 'empty input; nothing read'],
      [fx('blank.json'), 'empty input; nothing read'],
    ]);
  });

  it('keeps the same object once (the first) and notes both places', async () => {
    const r = await readPaths([fx('dup-a'), fx('dup-b')], {});
    expect(r.items).toHaveLength(1);
    expect(r.items[0]!.object['data']).toEqual({ from: 'a' });
    expect(r.diagnostics).toHaveLength(2);
    for (const d of r.diagnostics) {
      expect(d.severity).toBe('info');
      expect(d.message).toContain(`first read at ${path.join(fx('dup-a'), 'app.yaml')}:1`);
    }
    expect(r.diagnostics.map((d) => d.where)).toEqual([
      `${path.join(fx('dup-b'), 'app.yaml')}:2`,
      `${path.join(fx('dup-b'), 'app.yaml')}:10`,
    ]);
    expect(r.coverage.resources.find((c) => c.kind === 'ConfigMap')?.count).toBe(1);
  });

  it('throws a KtmError for a path that does not exist', async () => {
    await expect(readPaths([fx('no-such-file.yaml')], {})).rejects.toThrow('no such file or folder');
  });
});

describe('readPaths on folders and stdin', () => {
  it('reads a folder recursively: .yaml, .yml and .json only, hidden files and folders skipped, sorted', async () => {
    const r = await readPaths([fx('tree')], {});
    expect(r.items.map((i) => i.object.metadata.name)).toEqual(['tree-a', 'tree-b', 'tree-c']);
    expect(r.cluster.name).toBe('tree');
  });

  it('follows a symlinked folder once: a link back to a parent does not loop', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ktm-loop-'));
    try {
      await mkdir(path.join(dir, 'sub'));
      await writeFile(
        path.join(dir, 'sub', 'ns.yaml'),
        'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: once\n',
      );
      await symlink(dir, path.join(dir, 'sub', 'loop'));
      const r = await readPaths([dir], {});
      expect(r.items.map((i) => i.object.metadata.name)).toEqual(['once']);
      expect(r.diagnostics).toEqual([]);
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it('reads stdin given as -', async () => {
    const yaml =
      'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: from-stdin\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: second\n';
    const r = await readPaths(['-'], { stdin: Readable.from([Buffer.from(yaml)]) });
    expect(summary(r)).toEqual(['Namespace/from-stdin@1', 'Namespace/second@6']);
    expect(r.items[0]!.source.file).toBe('<stdin>');
    expect(r.cluster.name).toBe('stdin');
    const json = await readPaths(['-'], {
      stdin: Readable.from(['{"apiVersion":"v1","kind":"Namespace",', '"metadata":{"name":"j"}}']),
    });
    expect(summary(json)).toEqual(['Namespace/j@1']);
  });

  it('says read only for the kinds the files hold; the others are not collected', async () => {
    const r = await readPaths([fx('multi-doc.yaml')], {});
    expect(r.coverage.mode).toBe('manifests');
    expect(r.coverage.resources.map((c) => c.kind)).toEqual(
      RESOURCE_TYPES.filter((rt) => rt.fallbackFor === undefined).map((rt) => rt.kind),
    );
    const read = r.coverage.resources.filter((c) => c.state === 'read').map((c) => [c.kind, c.count]);
    expect(read).toEqual([
      ['Namespace', 1],
      ['Service', 1],
      ['Deployment', 1],
    ]);
    const pods = r.coverage.resources.find((c) => c.kind === 'Pod');
    expect(pods?.state).toBe('not-collected');
    expect(pods?.reason).toContain('no Pod in the manifests given');
  });

  it('with complete (--complete) counts every kind as read, those without a document with 0 objects', async () => {
    const r = await readPaths([fx('multi-doc.yaml')], { complete: true });
    for (const c of r.coverage.resources) expect(c.state).toBe('read');
    const count = (k: string): number | undefined => r.coverage.resources.find((c) => c.kind === k)?.count;
    expect([count('Namespace'), count('Deployment'), count('Service'), count('Pod')]).toEqual([1, 1, 1, 0]);
  });
});

describe('readPaths and what it must never keep', () => {
  it('keeps no Secret value (data, stringData, last-applied-configuration) anywhere in the result', async () => {
    const r = await readPaths([fx('secrets.yaml'), fx('secrets.json')], {});
    expect(r.items.map((i) => i.object.metadata.name)).toEqual(['db-credentials', 'in-a-list', 'tls']);
    const all = JSON.stringify(r);
    expect(all).not.toContain('TEAKED');
    for (const i of r.items) {
      expect(i.object).not.toHaveProperty('data');
      expect(i.object).not.toHaveProperty('stringData');
    }
    expect(r.items[2]!.object['type']).toBe('kubernetes.io/tls');
  });

  it('keeps hostile names and labels verbatim, as data', async () => {
    const long = 'n'.repeat(10_000);
    const hostile = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: '<script>alert(1)</script>',
        namespace: 'evil\n  injected: true',
        labels: {
          x: '\u001b]0;pwned\u0007\u001b[31mred\u001b[0m',
          md: '[click](javascript:alert(1)) | col |',
        },
        annotations: { note: 'line1\r\nline2\u2028' },
      },
    };
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ktm-hostile-'));
    try {
      await writeFile(path.join(dir, 'hostile.json'), JSON.stringify(hostile));
      await writeFile(
        path.join(dir, 'long.yaml'),
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${long}\n  labels:\n    "a\\u001b[2Jb": "\\e[1mbold"\n`,
      );
      const r = await readPaths([dir], {});
      expect(r.diagnostics).toEqual([]);
      const h = r.items.find((i) => i.object.metadata.name === '<script>alert(1)</script>')!;
      expect(h.object.metadata).toEqual(hostile.metadata);
      const l = r.items.find((i) => i.object.metadata.name === long)!;
      expect(l.object.metadata.labels).toEqual({ 'a\u001b[2Jb': '\u001b[1mbold' });
    } finally {
      await rm(dir, { recursive: true });
    }
  });

  it('reads a folder of 10,000 small files completely', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ktm-many-'));
    try {
      for (let b = 0; b < 10; b++) {
        await mkdir(path.join(dir, `batch-${b}`));
        await Promise.all(
          Array.from({ length: 1000 }, (_, i) =>
            writeFile(
              path.join(dir, `batch-${b}`, `cm-${i}.yaml`),
              `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${b}-${i}\n  namespace: many\n`,
            ),
          ),
        );
      }
      const r = await readPaths([dir], {});
      expect(r.items).toHaveLength(10_000);
      expect(r.diagnostics).toEqual([]);
      expect(new Set(r.items.map((i) => i.object.metadata.name)).size).toBe(10_000);
    } finally {
      await rm(dir, { recursive: true });
    }
  });
});
