// Mermaid flowchart for the data-flow diagram: zones as nested subgraphs, insecure flows red, a legend.
import { byCodeUnit } from '../../model/order.js';
import type { Model } from '../../model/types.js';
import { flowWords } from './dot.js';
import { buildView, type View, type ViewOptions, type ViewZone } from './view.js';

/**
 * Mermaid label text inside `"..."`: every character outside a small safe set becomes an entity code (`#60;`),
 * so quotes, brackets, pipes, HTML and newlines in cluster names cannot end the label or inject markup.
 * https://mermaid.js.org/syntax/flowchart.html#entity-codes-to-escape-characters
 */
export function escapeMermaid(s: string): string {
  let out = '';
  for (const ch of s.slice(0, 10_000)) {
    out += /[A-Za-z0-9 .,:/_@+=()*-]/.test(ch) ? ch : `#${ch.codePointAt(0) ?? 63};`;
  }
  return out;
}

function text(lines: readonly string[]): string {
  return lines.map(escapeMermaid).join('<br/>');
}

const SHAPES: Readonly<Record<string, [string, string]>> = {
  box: ['(["', '"])'],
  cylinder: ['[("', '")]'],
  ellipse: ['(("', '"))'],
  component: ['[["', '"]]'],
  folder: ['[/"', '"/]'],
};

export function viewToMermaid(view: View): string {
  const ids = new Map(view.nodes.map((n, i) => [n.key, `n${i}`]));
  const zoneIds = new Map(view.zones.map((z, i) => [z.id, `z${i}`]));
  const children = new Map<string | undefined, ViewZone[]>();
  for (const z of view.zones) {
    const list = children.get(z.parent) ?? [];
    list.push(z);
    children.set(z.parent, list);
  }
  const nodesByZone = new Map<string, string[]>();
  const loose: string[] = [];
  for (const n of view.nodes) {
    const [open, close] = SHAPES[n.shape] ?? SHAPES.box!;
    const line = `${ids.get(n.key)!}${open}${text(n.lines)}${close}`;
    if (zoneIds.has(n.zone)) nodesByZone.set(n.zone, [...(nodesByZone.get(n.zone) ?? []), line]);
    else loose.push(`  ${line}`);
  }
  const out = ['flowchart LR'];
  const walk = (z: ViewZone, depth: number): void => {
    const pad = '  '.repeat(depth + 1);
    out.push(`${pad}subgraph ${zoneIds.get(z.id)!}["${text([z.name])}"]`);
    for (const l of nodesByZone.get(z.id) ?? []) out.push(`${pad}  ${l}`);
    for (const c of children.get(z.id) ?? []) walk(c, depth + 1);
    out.push(`${pad}end`);
  };
  const order = ['internet', 'api-server', 'master-components', 'master-data', 'worker', 'container'];
  const rank = (id: string): number => (order.includes(id) ? order.indexOf(id) : order.length);
  const roots = [...(children.get(undefined) ?? [])].sort(
    (a, b) => rank(a.id) - rank(b.id) || byCodeUnit(a.id, b.id),
  );
  for (const z of roots) walk(z, 0);
  out.push(...loose);
  const styles: string[] = [];
  view.edges.forEach((e, i) => {
    out.push(
      `  ${ids.get(e.from)!} -->|"${text([e.label, e.local ? 'local socket' : flowWords(e.tls, e.authn)])}"| ${ids.get(e.to)!}`,
    );
    const color =
      e.tls === 'none' || e.tls === 'unverified' ? '#c0392b' : e.tls === 'unknown' ? '#7f8c8d' : '#1a1a1a';
    const width = e.topLevel ? 3 : e.boundary ? 2 : 1;
    styles.push(
      `  linkStyle ${i} stroke:${color},stroke-width:${width}px${e.blocked ? ',stroke-dasharray:1 3' : e.reach ? ',stroke-dasharray:6 3' : !e.local && e.tls === 'unknown' ? ',stroke-dasharray:4 3' : ''}`,
    );
  });
  out.push(...styles);
  out.push('  subgraph legend["Legend"]');
  out.push(
    `    lg0["${text([
      'red: plaintext or unverified TLS',
      'black: verified or mutual TLS',
      'grey dashed: TLS unknown',
      'thick: crosses an audit zone boundary',
      'dotted: declared blocked by NetworkPolicy',
      ...view.notes,
    ])}"]`,
  );
  out.push('  end');
  return `${out.join('\n')}\n`;
}

export function renderDataflowMermaid(model: Model, options: ViewOptions = {}): string {
  return viewToMermaid(buildView(model, options));
}
