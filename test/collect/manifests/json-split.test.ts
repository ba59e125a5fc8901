// The JSON reader cuts Lists into items for JSON.parse: same objects and lines however the text is chunked.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Readable } from 'node:stream';
import { readPaths } from '../../../src/collect/manifests/read-paths.js';

/** Strings that stress the scanner: brackets, quotes, backslashes and newlines inside values. */
const tricky = fc.oneof(
  fc.string(),
  fc.constantFrom('{', '}', '[', ']', '"', '\\', '\\"', '\n', ',', ':', '{"items":[', '\u2028', 'é€'),
);

const item = fc.record({
  name: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/),
  label: tricky,
  extra: fc.array(
    fc.oneof(
      tricky,
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
    ),
    {
      maxLength: 4,
    },
  ),
});

type Item = { name: string; label: string; extra: unknown[] };

function object(x: Item, i: number): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: `${x.name}-${i}`, namespace: 'ns', labels: { tricky: x.label } },
    data: { extra: JSON.stringify(x.extra) },
    nested: { deep: [[{ a: x.extra }]] },
  };
}

/** The List as kubectl prints it (`kind` after `items`) and the line each item's `{` is on. */
function listText(items: readonly Item[], indent: number): { text: string; lines: number[] } {
  let text = '{\n    "apiVersion": "v1",\n    "items": [\n';
  const lines: number[] = [];
  items.forEach((x, i) => {
    lines.push(text.split('\n').length);
    text += `        ${JSON.stringify(object(x, i), null, indent).replace(/\n/g, '\n        ')}${i === items.length - 1 ? '' : ','}\n`;
  });
  text += '    ],\n    "kind": "List",\n    "metadata": {"resourceVersion": ""}\n}\n';
  return { text, lines };
}

/** Splits the text at the given cut points, as a stream would deliver it. */
function chunked(text: string, cuts: readonly number[]): Readable {
  const at = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const parts: string[] = [];
  let prev = 0;
  for (const c of [...at, text.length]) {
    if (c > prev) parts.push(text.slice(prev, c));
    prev = Math.max(prev, c);
  }
  return Readable.from(parts.map((p) => Buffer.from(p, 'utf8')));
}

describe('JSON List items cut out for JSON.parse', () => {
  it('reads every item whole, with the line of its opening brace, whatever the chunking and indentation', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(item, { minLength: 1, maxLength: 6 }),
        fc.constantFrom(0, 2, 4),
        fc.array(fc.nat(), { maxLength: 12 }),
        async (items, indent, cuts) => {
          const { text, lines } = listText(items, indent);
          const r = await readPaths(['-'], { stdin: chunked(text, cuts) });
          expect(r.diagnostics).toEqual([]);
          expect(r.items.map((i) => i.object)).toEqual(
            items.map((x, i) => JSON.parse(JSON.stringify(object(x, i))) as unknown),
          );
          expect(r.items.map((i) => i.source.line)).toEqual(lines);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('reads an item right when a line inside it looks like its closing line (hand-edited indentation)', async () => {
    const ns = (name: string): string =>
      `"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "${name}"}`;
    const text = [
      '{',
      '    "items": [',
      '        {',
      `            ${ns('a')},`,
      '            "data": {',
      '        },',
      '            "x": 1',
      '        },',
      `        {${ns('b')}},`,
      '        {',
      `            ${ns('c')}`,
      '        }',
      '    ],',
      '    "kind": "List"',
      '}',
    ].join('\n');
    for (const cuts of [[], [40], [100, 101, 180]]) {
      const r = await readPaths(['-'], { stdin: chunked(text, cuts) });
      expect(r.diagnostics).toEqual([]);
      expect(r.items.map((i) => `${i.object.metadata.name}@${i.source.line}`)).toEqual([
        'a@3',
        'b@9',
        'c@10',
      ]);
      expect(r.items[0]!.object['x']).toBe(1);
    }
  });

  it('bounds the depth of a pretty-printed item as it does any other', async () => {
    const text = `{\n    "items": [\n        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a"}},\n        {\n            "a": ${'['.repeat(3000)}${']'.repeat(3000)}\n        }\n    ]\n}\n`;
    const r = await readPaths(['-'], { stdin: Readable.from([text]) });
    expect(r.items.map((i) => i.object.metadata.name)).toEqual(['a']);
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      expect.stringContaining('nested deeper than 1000 levels'),
    ]);
  });

  it('gives items without kind the kind of a typed List written after them, in input order', async () => {
    const text =
      '{"items": [\n{"metadata": {"name": "a"}},\n{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "b"}}\n],\n"kind": "PodList", "apiVersion": "v1"}';
    const r = await readPaths(['-'], { stdin: Readable.from([text]) });
    expect(r.items.map((i) => `${i.object.kind}/${i.object.metadata.name}@${i.source.line}`)).toEqual([
      'Pod/a@2',
      'Pod/b@3',
    ]);
  });

  it('stops at a stray character between items: items before it kept, the error at its line', async () => {
    const text =
      '{"kind": "List", "apiVersion": "v1", "items": [\n{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a"}},\nx{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "b"}}\n]}';
    const r = await readPaths(['-'], { stdin: Readable.from([text]) });
    expect(r.items.map((i) => i.object.metadata.name)).toEqual(['a']);
    expect(r.diagnostics.map((d) => d.where)).toEqual(['<stdin>:3']);
    expect(r.diagnostics[0]!.message).toMatch(/^invalid JSON: .*the rest of the input is skipped$/);
  });

  it('reports the line inside an item that JSON.parse refuses', async () => {
    const text =
      '{"kind": "List", "apiVersion": "v1", "items": [\n{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a"}},\n{"apiVersion": "v1",\n "kind": "Namespace",\n "metadata": {"name": tru}}\n]}';
    const r = await readPaths(['-'], { stdin: Readable.from([text]) });
    expect(r.items.map((i) => i.object.metadata.name)).toEqual(['a']);
    expect(r.diagnostics.map((d) => d.where)).toEqual(['<stdin>:5']);
  });

  it('skips only the item holding a NUL byte, at the same line:column however the text is chunked', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(item, { minLength: 3, maxLength: 6 }),
        fc.nat(),
        fc.nat(),
        fc.array(fc.nat(), { maxLength: 12 }),
        async (items, pick, offset, cuts) => {
          const { text: clean } = listText(items, 2);
          // A NUL byte anywhere inside one item's text, after its opening brace and before its closing one.
          const bad = pick % items.length;
          const open = clean.indexOf(`"${items[bad]!.name}-${bad}"`);
          const itemStart = clean.lastIndexOf('\n        {', open) + '\n        {'.length;
          const itemEnd = clean.indexOf('\n        }', open);
          const nul = itemStart + (offset % (itemEnd - itemStart));
          const text = `${clean.slice(0, nul)}\u0000${clean.slice(nul)}`;
          const before = text.slice(0, nul).split('\n');
          const r = await readPaths(['-'], { stdin: chunked(text, cuts) });
          expect(r.diagnostics.map((d) => `${d.where} ${d.message}`)).toEqual([
            `<stdin>:${before.length}:${before[before.length - 1]!.length + 1} NUL byte in this list item (binary data or a corrupted file); list item skipped`,
          ]);
          expect(r.items.map((i) => i.object.metadata.name)).toEqual(
            items.flatMap((x, i) => (i === bad ? [] : [`${x.name}-${i}`])),
          );
        },
      ),
      { numRuns: 150 },
    );
  });

  it('reads the items of a List whose own fields hold a NUL byte, and ignores one between items, each reported', async () => {
    const text =
      '{"items": [\n{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a"}},\u0000\n{"metadata": {"name": "b"}}\n],\n"kind": "Namespace\u0000List", "apiVersion": "v1"}';
    const r = await readPaths(['-'], { stdin: Readable.from([text]) });
    expect(r.items.map((i) => i.object.metadata.name)).toEqual(['a']);
    expect(r.diagnostics.map((d) => `${d.where} ${d.message}`)).toEqual([
      '<stdin>:2:70 NUL byte between values (binary data or a corrupted file); byte ignored',
      "<stdin>:5:19 NUL byte in this List's own fields (binary data or a corrupted file); its kind is not read, its items are",
      // Without the List's kind the item that relied on it is not an object.
      '<stdin>:3 not a Kubernetes object: missing apiVersion, kind; document skipped',
    ]);
  });

  it('places a NUL byte after a pretty-printed item read whole at its exact line and column', async () => {
    const ns = (name: string): string =>
      `        {\n            "apiVersion": "v1",\n            "kind": "Namespace",\n            "metadata": {"name": "${name}"}\n        }`;
    const text = `{\n    "items": [\n${ns('a')},\n  \u0000\n${ns('b')}\n    ],\n    "kind": "List"\n}\n`;
    const r = await readPaths(['-'], { stdin: Readable.from([text]) });
    expect(r.items.map((i) => `${i.object.metadata.name}@${i.source.line}`)).toEqual(['a@3', 'b@9']);
    expect(r.diagnostics.map((d) => d.where)).toEqual(['<stdin>:8:3']);
  });

  it('reads concatenated top-level values, bare values reported as not objects', async () => {
    const text =
      '{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a"}} 42 "text"\n[{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "b"}}]';
    const r = await readPaths(['-'], { stdin: Readable.from([text]) });
    expect(r.items.map((i) => `${i.object.metadata.name}@${i.source.line}`)).toEqual(['a@1', 'b@2']);
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      'not a Kubernetes object (a number); skipped',
      'not a Kubernetes object (a string); skipped',
    ]);
  });
});
