// Data-flow and zone diagrams: hostile names cannot break or inject DOT, Mermaid or SVG; SVG renders; output is deterministic.
import { modelOf } from '../../../src/analysis/analyses.js';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/collect/inventory.js';
import { renderDataflowDot, renderZonesDot } from '../../../src/report/diagrams/dot.js';
import { escapeMermaid, renderDataflowMermaid } from '../../../src/report/diagrams/mermaid.js';
import { dotToSvg } from '../../../src/report/diagrams/svg.js';
import { buildView } from '../../../src/report/diagrams/view.js';
import { renderZonesTable } from '../../../src/report/diagrams/zones-table.js';
import { deployment, inventoryOf, node } from '../../model/inventory-of.js';

const HOSTILE = 'evil"]; x -> y [label="pwn"] }\n{<script>alert(1)</script>|&\\';
const hostileObjects: KubeObject[] = [
  node('n"1<b>'),
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: HOSTILE } },
  deployment(HOSTILE, HOSTILE, { app: 'h' }),
  {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: `svc${HOSTILE}`, namespace: HOSTILE },
    spec: { type: 'LoadBalancer', selector: { app: 'h' }, ports: [{ port: 80 }] },
  },
  {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: { name: HOSTILE },
    webhooks: [{ name: HOSTILE, clientConfig: { url: `https://x.example/${HOSTILE}` } }],
  },
];
const hostile = modelOf(inventoryOf(hostileObjects));

/** True when a DOT line ends inside a double-quoted string (backslash escapes honoured). */
function openQuote(line: string): boolean {
  let inside = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (inside && c === '\\') i++;
    else if (c === '"') inside = !inside;
  }
  return inside;
}

describe('hostile names', () => {
  it('DOT: every label stays one quoted string and Graphviz draws exactly the derived nodes', async () => {
    const dot = renderDataflowDot(hostile, { detail: true });
    expect(dot).not.toContain('<script>');
    expect(dot).not.toContain('\n{<');
    // Every line is a statement or a brace: a newline from the input would leave an unterminated quote.
    for (const line of dot.split('\n')) expect(openQuote(line), line).toBe(false);
    const svg = await dotToSvg(dot);
    const view = buildView(hostile, { detail: true });
    const legendNodes = (dot.match(/^\s+legend \[shape=plaintext/gm) ?? []).length;
    expect(legendNodes).toBe(1);
    expect((svg.match(/<g id="node\d+" class="node">/g) ?? []).length).toBe(view.nodes.length + legendNodes);
    expect((svg.match(/<g id="edge\d+" class="edge">/g) ?? []).length).toBe(view.edges.length);
    expect(svg).not.toMatch(/<script/i);
    expect(svg).toContain('&lt;script&gt;');
  });

  it('DOT legend (an HTML-like label) escapes a focused zone’s name', async () => {
    const dot = renderDataflowDot(hostile, { zone: `namespace:${HOSTILE}` });
    expect(dot).toContain('focused on zone evil&#34;]; x -&#62; y');
    const svg = await dotToSvg(dot);
    expect(svg).not.toMatch(/<script/i);
  });

  it('Mermaid: labels are entity-encoded, so quotes, brackets and markup cannot end them', () => {
    const mmd = renderDataflowMermaid(hostile, { detail: true });
    expect(mmd).not.toMatch(/<script|"\]; x/);
    for (const line of mmd.split('\n').slice(1)) {
      expect(line, line).toMatch(
        /^\s*(end|subgraph \w+\["[^"]*"\]|n\d+(\(\["[^"]*"\]\)|\[\("[^"]*"\)\]|\(\("[^"]*"\)\)|\[\["[^"]*"\]\]|\[\/"[^"]*"\/\])|n\d+ -->\|"[^"]*"\| n\d+|linkStyle \d+ [\w:#,.\- ]+|lg0\["[^"]*"\]|)$/,
      );
    }
    expect(escapeMermaid('a"b<c>\nd')).toBe('a#34;b#60;c#62;#10;d');
  });

  it('SVG zones diagram and the zones table escape names too', async () => {
    const svg = await dotToSvg(renderZonesDot(hostile, { detail: true }));
    expect(svg).not.toMatch(/<script/i);
    const table = renderZonesTable(hostile);
    expect(table).not.toContain('\n{<script>');
    expect(table).toContain('\\x0a');
  });
});

describe('SVG rendering', () => {
  const model = modelOf(
    inventoryOf([
      node('w1'),
      node('w2', { 'cloud.google.com/gke-nodepool': 'pool-a' }),
      deployment('shop', 'web'),
    ]),
  );
  it('is an SVG document with the audit zones as cluster titles', async () => {
    const svg = await dotToSvg(renderDataflowDot(model));
    expect(svg).toMatch(/^<\?xml[\s\S]*<svg[\s\S]*<\/svg>\s*$/);
    const texts = [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) =>
      (m[1] ?? '').replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))),
    );
    for (const t of [
      'Internet',
      'API Server',
      'Master Components',
      'Master Data',
      'Worker',
      'Container',
      'Legend',
    ])
      expect(texts, t).toContain(t);
    expect(texts).toContain('pool pool-a');
    const zones = await dotToSvg(renderZonesDot(model));
    expect(zones).toContain('<svg');
    expect(zones).toContain('namespace shop');
  });

  it('zone diagram: --zone keeps the zone, its ancestors and the zones its boundary flows reach', () => {
    const dot = renderZonesDot(model, { zone: 'Master Data' });
    expect(dot).toContain('label="Master Data"');
    expect(dot).toContain('label="API Server"');
    expect(dot).not.toContain('label="namespace shop"');
    expect(dot).toContain('focused on zone Master Data');
  });

  it('Mermaid draws the audit zones first-to-last in the audit’s order', () => {
    const mmd = renderDataflowMermaid(model);
    const at = (name: string) => mmd.indexOf(`["${name}"]`);
    expect(at('Internet')).toBeLessThan(at('API Server'));
    expect(at('API Server')).toBeLessThan(at('Worker'));
    expect(at('Worker')).toBeLessThan(at('Container'));
  });

  it('is byte-identical across runs', async () => {
    const again = modelOf(
      inventoryOf([
        node('w1'),
        node('w2', { 'cloud.google.com/gke-nodepool': 'pool-a' }),
        deployment('shop', 'web'),
      ]),
    );
    expect(renderDataflowDot(again)).toBe(renderDataflowDot(model));
    expect(renderDataflowMermaid(again)).toBe(renderDataflowMermaid(model));
    expect(await dotToSvg(renderDataflowDot(again))).toBe(await dotToSvg(renderDataflowDot(model)));
    expect(renderZonesDot(again)).toBe(renderZonesDot(model));
  });
});

describe('readability on large clusters', () => {
  const objects: KubeObject[] = [];
  for (let i = 0; i < 60; i++) {
    objects.push(
      deployment(`ns-${String(i).padStart(2, '0')}`, 'a'),
      deployment(`ns-${String(i).padStart(2, '0')}`, 'b'),
    );
  }
  for (let i = 0; i < 30; i++)
    objects.push(node(`node-${i}`, { 'eks.amazonaws.com/nodegroup': i < 10 ? 'gpu' : 'general' }));
  const model = modelOf(inventoryOf(objects));

  it('collapses workloads per namespace, node agents per pool, and folds namespaces past the limit', () => {
    const collapsed = buildView(model);
    expect(collapsed.nodes.filter((n) => n.key.startsWith('workload:'))).toEqual([]);
    expect(
      collapsed.nodes.some((n) => n.key === 'group:pool:gpu:kubelet' && n.lines.includes('× 10 nodes')),
    ).toBe(true);
    expect(collapsed.nodes.some((n) => n.key === 'group:container:namespaces')).toBe(true);
    expect(collapsed.nodes.length).toBeLessThan(20);
    const fewer = buildView(model, { maxNamespaces: 100 });
    expect(fewer.nodes.filter((n) => n.key.startsWith('group:namespace:')).length).toBe(60);
  });

  it('expands with detail', () => {
    const detail = buildView(model, { detail: true });
    expect(detail.nodes.filter((n) => n.key.startsWith('workload:')).length).toBe(120);
    expect(detail.nodes.filter((n) => n.key.startsWith('kubelet:')).length).toBe(30);
  });

  it('focuses on one zone and the peers of its flows', () => {
    const focus = buildView(model, { zone: 'namespace:ns-07', detail: true });
    const keys = focus.nodes.map((n) => n.key);
    expect(keys).toContain('workload:ns-07/Deployment/a');
    expect(keys).toContain('kube-apiserver');
    expect(keys.some((k) => k.startsWith('workload:ns-08/'))).toBe(false);
    expect(buildView(model, { zone: 'Worker' }).nodes.some((n) => n.key.includes('kubelet'))).toBe(true);
  });
});

describe('edge labels on the example cluster', () => {
  /** Each edge's label as a box: Helvetica at font-size f is at most about 0.6 f wide per character. */
  function labelBoxes(svg: string): { edge: string; x0: number; x1: number; y0: number; y1: number }[] {
    const boxes = [];
    for (const m of svg.matchAll(/<g id="(edge\d+)" class="edge">([\s\S]*?)<\/g>/g)) {
      const lines = [
        ...m[2]!.matchAll(
          /<text[^>]* x="([-\d.]+)" y="([-\d.]+)"[^>]* font-size="([\d.]+)"[^>]*>([^<]*)<\/text>/g,
        ),
      ];
      if (lines.length === 0) continue;
      const size = Number(lines[0]![3]);
      const widths = lines.map((l) => l[4]!.replace(/&[^;]+;/g, '_').length * size * 0.6);
      const x = Number(lines[0]![1]);
      const ys = lines.map((l) => Number(l[2]));
      const w = Math.max(...widths);
      boxes.push({
        edge: m[1]!,
        x0: x - w / 2,
        x1: x + w / 2,
        y0: Math.min(...ys) - size,
        y1: Math.max(...ys),
      });
    }
    return boxes;
  }

  it('no two edge labels of the data-flow diagram overlap, and they read as operator words', async () => {
    const { loadInventory } = await import('../../../src/collect/load.js');
    const model = modelOf(await loadInventory({ kind: 'demo' }));
    const dot = renderDataflowDot(model);
    expect(dot).not.toMatch(/none TLS|verified TLS · unknown/);
    expect(dot).toContain('plaintext · ');
    const boxes = labelBoxes(await dotToSvg(dot));
    expect(boxes.length).toBeGreaterThan(20);
    const overlaps: string[] = [];
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i]!;
        const b = boxes[j]!;
        if (a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1) overlaps.push(`${a.edge}/${b.edge}`);
      }
    expect(overlaps).toEqual([]);
  });
});
