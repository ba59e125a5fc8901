// readPaths: files, folders, multi-document YAML, JSON, Lists and dumps, with source lines and diagnostics.
import { describe, expect, it } from 'vitest';
import path from 'node:path';
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
