// readPaths on the less common shapes: typed YAML Lists, CRLF, BOM, directives, top-level arrays, broken JSON streams.
import { describe, expect, it } from 'vitest';
import path from 'node:path';
import { Readable } from 'node:stream';
import { readPaths } from '../../../src/collect/manifests/read-paths.js';

const fx = (name: string): string => path.join('test/fixtures/manifests', name);
const summary = (r: Awaited<ReturnType<typeof readPaths>>): string[] =>
  r.items.map((i) => `${i.object.apiVersion} ${i.object.kind}/${i.object.metadata.name}@${i.source.line}`);

describe('YAML Lists', () => {
  it('reads an indented typed List item by item: kinds from PodList, one broken item skipped', async () => {
    const r = await readPaths([fx('podlist-indented.yaml')], {});
    expect(summary(r)).toEqual(['v1 Pod/first@7', 'v1 Pod/second@21', 'v1 Pod/third@28']);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]!.where).toMatch(/podlist-indented\.yaml:2[67]:\d+$/);
    const first = r.items[0]!.object as unknown as { spec: { containers: { command: string[] }[] } };
    expect(first.spec.containers[0]!.command[2]).toBe('echo "- not an item"\necho "items:"\n');
  });

  it('reports each broken item of a List once and nothing about the List itself', async () => {
    const r = await readPaths([fx('list-all-items-broken.yaml')], {});
    expect(r.items).toEqual([]);
    expect(r.diagnostics.map((d) => d.where.replace(/:\d+$/, ''))).toEqual([
      `${fx('list-all-items-broken.yaml')}:6`,
      `${fx('list-all-items-broken.yaml')}:9`,
    ]);
  });

  it('keeps an object that is not a List but has a top-level items sequence whole', async () => {
    const r = await readPaths([fx('widget-with-items.yaml')], {});
    expect(summary(r)).toEqual(['example.com/v1 Shelf/books@1']);
    expect(r.items[0]!.object['items']).toEqual([{ title: 'one' }, { title: 'two' }]);
  });

  it('reads a .yaml file in YAML flow style, which opens like JSON but is not', async () => {
    const r = await readPaths([fx('flow-style.yaml')], {});
    expect(summary(r)).toEqual(['v1 Namespace/flow-style@1', 'v1 Namespace/flow-two@3']);
    expect(r.diagnostics).toEqual([]);
  });

  it('reads CRLF files, directives and ... document end markers', async () => {
    const crlf = await readPaths([fx('crlf.yaml')], {});
    expect(summary(crlf)).toEqual(['v1 Namespace/crlf@1', 'v1 Namespace/crlf-2@6']);
    const marked = await readPaths([fx('document-end-markers.yaml')], {});
    expect(summary(marked)).toEqual(['v1 Namespace/with-directive@3', 'v1 Namespace/after-end-marker@9']);
    expect(marked.diagnostics).toEqual([]);
  });

  it('refuses a YAML alias bomb (billion laughs) with a diagnostic and reads the next document', async () => {
    const r = await readPaths([fx('alias-bomb.yaml')], {});
    expect(r.items.map((i) => i.object.metadata.name)).toEqual(['survivor']);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]!.where).toBe(`${fx('alias-bomb.yaml')}:1`);
    expect(r.diagnostics[0]!.message).toMatch(
      /^YAML aliases expand to more than 1000 nodes \(the --max-yaml-aliases limit\)/,
    );
  });

  it('never repeats a Secret value in the diagnostic of a broken Secret document', async () => {
    const r = await readPaths([fx('secret-broken.yaml')], {});
    expect(r.items).toEqual([]);
    expect(r.diagnostics).toHaveLength(1);
    expect(JSON.stringify(r)).not.toContain('TEAKED');
  });
});

describe('JSON streams', () => {
  it('drops a UTF-8 byte-order mark', async () => {
    const r = await readPaths([fx('bom.json')], {});
    expect(summary(r)).toEqual(['v1 Namespace/bom@1']);
  });

  it('reads a top-level array like a List; a __proto__ key stays an own property', async () => {
    const r = await readPaths([fx('top-level-array.json')], {});
    expect(summary(r)).toEqual(['v1 Namespace/arr-1@2', 'v1 Namespace/arr-2@3']);
    const labels = r.items[1]!.object.metadata.labels!;
    expect(Object.getPrototypeOf(labels)).toBe(Object.prototype);
    expect(Object.keys(labels)).toEqual(['__proto__']);
  });

  it('stops at a syntax error between concatenated objects: earlier objects kept, error at line:column', async () => {
    const r = await readPaths([fx('json-garbage-between.json')], {});
    expect(summary(r)).toEqual(['v1 Namespace/one@1', 'v1 Namespace/two@2']);
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]!.where).toBe(`${fx('json-garbage-between.json')}:3:30`);
    expect(r.diagnostics[0]!.message).toMatch(/^invalid JSON: .*the rest of the input is skipped$/);
  });

  it('reports a truncated List on stdin at the end of input with line and column', async () => {
    const text =
      '{"apiVersion":"v1","kind":"List","items":[\n{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a"}},\n{"apiVersion":"v1","ki';
    const r = await readPaths(['-'], { stdin: Readable.from([text.slice(0, 50), text.slice(50)]) });
    expect(summary(r)).toEqual(['v1 Namespace/a@2']);
    expect(r.diagnostics.map((d) => d.where)).toEqual(['<stdin>:3:23']);
    expect(r.diagnostics[0]!.message).toContain('truncated');
  });

  it('refuses JSON nested deeper than 1000 levels with a diagnostic, keeping what came before', async () => {
    const deep = `{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"ok"}}\n{"a":${'['.repeat(5000)}${']'.repeat(5000)}}`;
    const r = await readPaths(['-'], { stdin: Readable.from([deep]) });
    expect(summary(r)).toEqual(['v1 Namespace/ok@1']);
    expect(r.diagnostics).toEqual([
      {
        severity: 'error',
        where: '<stdin>:2',
        message: expect.stringContaining('nested deeper than 1000 levels'),
      },
    ]);
  });
});
