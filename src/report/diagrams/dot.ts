// Graphviz DOT for the data-flow and zone diagrams: zones as nested clusters, insecure flows red, a legend.
import { plural } from '../../text/plural.js';
import { byCodeUnit } from '../../model/order.js';
import { escapeDot, escapeHtml, escapeTerminal } from '../../text/escape.js';
import type { AuthnState, Model, TlsState, TrustZone } from '../../model/types.js';
import { buildView, REACH_PURPOSE, worstTls, type View, type ViewOptions, type ViewZone } from './view.js';

/** Fill per top-level zone, so nested boxes keep their audit zone's colour family. */
const ZONE_FILL: Readonly<Record<string, string>> = {
  internet: '#fdf2e9',
  'api-server': '#eaf2f8',
  'master-components': '#e8f8f5',
  'master-data': '#f4ecf7',
  worker: '#fef9e7',
  container: '#eafaf1',
};

const RED = '#c0392b';
const GREY = '#7f8c8d';
const BLACK = '#1a1a1a';
const BLUE = '#2e86c1';

function label(lines: readonly string[]): string {
  return lines.map((l) => escapeDot(l)).join('\\n');
}

function edgeStyle(tls: TlsState, boundary: boolean, topLevel: boolean): string {
  const color = tls === 'none' || tls === 'unverified' ? RED : tls === 'unknown' ? GREY : BLACK;
  const style = tls === 'unknown' ? 'dashed' : 'solid';
  const width = topLevel ? 2.4 : boundary ? 1.6 : 1;
  return `color="${color}", fontcolor="${color}", style="${style}", penwidth=${width}`;
}

function header(name: string, title: string): string[] {
  return [
    `digraph ${name} {`,
    `  graph [rankdir=LR, compound=true, fontname="Helvetica", fontsize=13, nodesep=0.25, ranksep=0.9, labelloc=t, label="${escapeDot(title)}"];`,
    '  node [fontname="Helvetica", fontsize=10, shape=box, style="rounded,filled", fillcolor="#ffffff", color="#34495e"];',
    '  edge [fontname="Helvetica", fontsize=8, arrowsize=0.7];',
  ];
}

/**
 * The legend: one HTML-like table node (sample strokes drawn as coloured glyphs). Its text is ktm's own except
 * the notes, which may name a zone from the cluster: those go through escapeHtml.
 */
function legend(extra: readonly string[]): string[] {
  const rows: [string, string, string][] = [
    [RED, '━━━▶', 'plaintext or unverified TLS'],
    [BLACK, '━━━▶', 'verified or mutual TLS'],
    [GREY, '─ ─ ▶', 'TLS not visible (unknown)'],
    [BLACK, '▬▬▬▶', 'thick: crosses an audit zone boundary'],
    [GREY, '· · · ▶', 'declared blocked by NetworkPolicy'],
    [BLUE, '─ ─ ▶', 'network reachable (NetworkPolicy allows)'],
  ];
  const cells = rows.map(
    ([color, glyph, text]) =>
      `<tr><td align="left"><font color="${color}">${glyph}</font></td><td align="left">${escapeHtml(text)}</td></tr>`,
  );
  const notes = extra.map(
    (n) => `<tr><td align="left" colspan="2"><i>${escapeHtml(escapeTerminal(n, 300))}</i></td></tr>`,
  );
  return [
    '  subgraph cluster_legend {',
    '    label="Legend"; style="rounded,dashed"; color="#999999"; fontsize=10;',
    `    legend [shape=plaintext, style="", fontsize=9, label=<<table border="0" cellspacing="2">${[...cells, ...notes].join('')}</table>>];`,
    '  }',
  ];
}

/** Writes zone clusters recursively; each zone's nodes go inside its cluster. */
function clusters(
  zones: readonly ViewZone[],
  nodesByZone: ReadonlyMap<string, string[]>,
  topOf: (id: string) => string,
  withIds = false,
): string[] {
  const children = new Map<string | undefined, ViewZone[]>();
  for (const z of zones) {
    const list = children.get(z.parent) ?? [];
    list.push(z);
    children.set(z.parent, list);
  }
  const index = new Map(zones.map((z, i) => [z.id, i]));
  const out: string[] = [];
  const walk = (z: ViewZone, depth: number): void => {
    const pad = '  '.repeat(depth + 1);
    const fill = ZONE_FILL[topOf(z.id)] ?? '#ffffff';
    const n = index.get(z.id) ?? 0;
    out.push(`${pad}subgraph cluster_z${n} {`);
    if (withIds) out.push(`${pad}  id="ktm-z${n}";`);
    out.push(
      `${pad}  label="${escapeDot(z.kind === 'top' ? z.name : `${kindWord(z.kind)}${z.name}`)}"; style="rounded,filled${z.kind === 'top' ? '' : ',dashed'}"; fillcolor="${depth === 0 ? fill : '#ffffff'}"; color="${z.kind === 'top' ? '#2c3e50' : '#95a5a6'}"; fontsize=${z.kind === 'top' ? 13 : 10};`,
    );
    for (const line of nodesByZone.get(z.id) ?? []) out.push(`${pad}  ${line}`);
    for (const c of children.get(z.id) ?? []) walk(c, depth + 1);
    out.push(`${pad}}`);
  };
  // The audit's order of the top-level zones: Graphviz lays out clusters roughly in the order they are written.
  const order = ['internet', 'api-server', 'master-components', 'master-data', 'worker', 'container'];
  const rank = (id: string): number => (order.includes(id) ? order.indexOf(id) : order.length);
  for (const z of [...(children.get(undefined) ?? [])].sort(
    (a, b) => rank(a.id) - rank(b.id) || byCodeUnit(a.id, b.id),
  ))
    walk(z, 0);
  return out;
}

function kindWord(kind: TrustZone['kind']): string {
  switch (kind) {
    case 'namespace':
      return 'namespace ';
    case 'node':
      return 'node ';
    default:
      return '';
  }
}

const SHAPE_ATTRS: Readonly<Record<string, string>> = {
  box: 'shape=box, style="rounded,filled"',
  cylinder: 'shape=cylinder, style="filled"',
  ellipse: 'shape=ellipse, style="filled"',
  component: 'shape=component, style="filled"',
  folder: 'shape=folder, style="filled"',
};

/** Flow attributes in the words an operator uses: "plaintext · no authentication", "mutual TLS · client certificate". */
export function flowWords(tls: TlsState, authn: AuthnState): string {
  const t: Readonly<Record<TlsState, string>> = {
    none: 'plaintext',
    unverified: 'TLS, peer not verified',
    verified: 'TLS',
    mutual: 'mutual TLS',
    unknown: 'TLS not visible',
  };
  const a: Readonly<Record<AuthnState, string>> = {
    none: 'no authentication',
    anonymous: 'anonymous allowed',
    token: 'token',
    certificate: 'client certificate',
    unknown: 'authentication not visible',
  };
  return `${t[tls]} · ${a[authn]}`;
}

export interface DotOptions {
  /** Give clusters, nodes and edges stable SVG ids (`ktm-z3`, `ktm-n5`, `ktm-e7`) so a page can make them clickable. */
  readonly elementIds?: boolean;
}

/** DOT text for a prepared view. */
export function viewToDot(view: View, title: string, options: DotOptions = {}): string {
  const zoneParent = new Map(view.zones.map((z) => [z.id, z.parent]));
  const topOf = (id: string): string => {
    let cur = id;
    for (let i = 0; i < 64; i++) {
      const p = zoneParent.get(cur);
      if (p === undefined) return cur;
      cur = p;
    }
    return cur;
  };
  const withIds = options.elementIds === true;
  const ids = new Map(view.nodes.map((n, i) => [n.key, `n${i}`]));
  const nodesByZone = new Map<string, string[]>();
  const loose: string[] = [];
  for (const n of view.nodes) {
    const attrs = `${SHAPE_ATTRS[n.shape] ?? SHAPE_ATTRS.box!}, label="${label(n.lines)}"${n.emphasis ? ', penwidth=2, fillcolor="#d6eaf8"' : ''}${withIds ? `, id="ktm-${ids.get(n.key)!}"` : ''}`;
    const line = `${ids.get(n.key)!} [${attrs}];`;
    if (zoneParent.has(n.zone)) {
      const list = nodesByZone.get(n.zone) ?? [];
      list.push(line);
      nodesByZone.set(n.zone, list);
    } else loose.push(`  ${line}`);
  }
  const out = [...header('dataflow', title), ...clusters(view.zones, nodesByZone, topOf, withIds), ...loose];
  // A pair of components talking both ways: the reverse edge is written forwards with dir=back, so Graphviz lays the
  // two out as parallel edges with separate labels instead of drawing one label over the other.
  const pairs = new Set(view.edges.map((e) => `${e.from}\u0000${e.to}`));
  view.edges.forEach((e, i) => {
    const a = ids.get(e.from)!;
    const b = ids.get(e.to)!;
    const flip = pairs.has(`${e.to}\u0000${e.from}`) && byCodeUnit(e.from, e.to) > 0;
    const head = flip ? `${b} -> ${a}` : `${a} -> ${b}`;
    const extra = `${flip ? ', dir=back' : ''}${withIds ? `, id="ktm-e${i}"` : ''}`;
    if (e.local) {
      out.push(
        `  ${head} [label="${label([e.label, 'local socket'])}", color="${BLACK}", style="solid", penwidth=${e.topLevel ? 2.4 : 1.6}${extra}];`,
      );
    } else if (e.reach) {
      out.push(
        `  ${head} [label="${label([e.label])}", color="${BLUE}", fontcolor="${BLUE}", style="dashed", penwidth=0.8, arrowhead=vee${extra}];`,
      );
    } else if (e.blocked) {
      out.push(
        `  ${head} [label="${label([e.label, 'blocked by NetworkPolicy'])}", color="${GREY}", fontcolor="${GREY}", style="dotted", penwidth=1${extra}];`,
      );
    } else {
      out.push(
        `  ${head} [label="${label([e.label, flowWords(e.tls, e.authn)])}", ${edgeStyle(e.tls, e.boundary, e.topLevel)}${extra}];`,
      );
    }
  });
  out.push(...legend(view.notes), '}');
  return `${out.join('\n')}\n`;
}

export function renderDataflowDot(model: Model, options: ViewOptions = {}): string {
  return viewToDot(buildView(model, options), 'Data flow');
}

export interface ZonesDiagramOptions {
  /** Draw node and namespace zones even in large clusters. */
  readonly detail?: boolean;
  readonly zone?: string;
  /** Count network reachability between zones as boundary crossings (off by default, as in the data-flow diagram). */
  readonly reachability?: boolean;
}

function controlLine(z: TrustZone): string[] {
  const words: Readonly<Record<string, string>> = {
    'inbound-authentication': 'inbound authn',
    'inbound-tls': 'inbound TLS',
    'network-policy-default-deny': 'default deny',
    'pod-security': 'pod security',
    'rbac-scope': 'RBAC scope',
    'resource-quota': 'quota',
    'node-isolation': 'isolation',
  };
  return z.controls.map((c) => `${words[c.kind] ?? c.kind}: ${c.status}`);
}

/**
 * The zone diagram: every zone a cluster holding one summary node (members, placement, controls), and one edge per
 * pair of zones whose boundary a flow crosses, coloured by the weakest TLS among those flows.
 */
export function renderZonesDot(model: Model, options: ZonesDiagramOptions = {}): string {
  const byId = new Map(model.zones.map((z) => [z.id, z]));
  const chain = (id: string): string[] => {
    const out: string[] = [];
    let cur: string | undefined = id;
    while (cur !== undefined && !out.includes(cur)) {
      out.push(cur);
      cur = byId.get(cur)?.parent;
    }
    return out;
  };
  const nodeZones = model.zones.filter((z) => z.kind === 'node');
  const nsZones = model.zones.filter((z) => z.kind === 'namespace');
  const hidden = new Set<string>();
  const notes: string[] = [];
  if (options.detail !== true && nodeZones.length > 12) {
    for (const z of nodeZones) hidden.add(z.id);
    notes.push(`${nodeZones.length} node zones folded into their pools`);
  }
  if (options.detail !== true && nsZones.length > 40) {
    for (const z of nsZones) hidden.add(z.id);
    notes.push(`${nsZones.length} namespace zones folded into their parent`);
  }
  let focus: Set<string> | undefined;
  if (options.zone !== undefined) {
    const ref = options.zone;
    const f = model.zones.find(
      (z) => z.id === ref || z.name === ref || z.name.toLowerCase() === ref.toLowerCase(),
    );
    if (f === undefined) notes.push(`zone '${ref}' not found`);
    else {
      focus = new Set(model.zones.filter((z) => chain(z.id).includes(f.id)).map((z) => z.id));
      for (const z of model.zones)
        if (focus.has(z.id)) for (const b of z.boundaryFlows) for (const c of chain(b.peerZone)) focus.add(c);
      for (const id of chain(f.id)) focus.add(id);
      notes.push(`focused on zone ${f.name}`);
    }
  }
  const visible = (id: string): string => chain(id).find((z) => !hidden.has(z)) ?? id;
  const shown = model.zones.filter((z) => !hidden.has(z.id) && (focus === undefined || focus.has(z.id)));
  const shownIds = new Set(shown.map((z) => z.id));
  const viewZones: ViewZone[] = shown.map((z) => {
    const p = z.parent === undefined ? undefined : visible(z.parent);
    return {
      id: z.id,
      name: z.name,
      kind: z.kind,
      ...(p === undefined || !shownIds.has(p) ? {} : { parent: p }),
    };
  });
  const idx = new Map(shown.map((z, i) => [z.id, `s${i}`]));
  const nodesByZone = new Map<string, string[]>();
  const hasShownChild = new Set(viewZones.flatMap((z) => (z.parent === undefined ? [] : [z.parent])));
  for (const z of shown) {
    if (z.members.length === 0 && hasShownChild.has(z.id) && z.kind !== 'top') continue;
    const folded = model.zones.filter((x) => x.parent === z.id && hidden.has(x.id)).length;
    const lines = [
      `${plural(z.members.length, 'component')}${folded > 0 ? ` + ${plural(folded, 'folded zone')}` : ''}`,
      ...(z.placement.length > 0 ? [`on ${plural(z.placement.length, 'node')}`] : []),
      ...controlLine(z),
    ];
    nodesByZone.set(z.id, [
      `${idx.get(z.id)!} [shape=note, style="filled", fillcolor="#ffffff", fontsize=9, label="${label(lines)}"];`,
    ]);
  }
  const compZone = new Map(model.components.map((c) => [c.id, c.zone]));
  // Local sockets are not network flows (TLS does not apply); declared-blocked flows are not drawn.
  const edges = new Map<
    string,
    { from: string; to: string; tls: TlsState | undefined; n: number; top: boolean }
  >();
  for (const f of model.flows) {
    if (f.policy === 'blocked') continue;
    if (options.reachability !== true && f.purpose === REACH_PURPOSE) continue;
    const fz = compZone.get(f.from);
    const tz = compZone.get(f.to);
    if (fz === undefined || tz === undefined) continue;
    const a = visible(fz);
    const b = visible(tz);
    if (a === b || !idx.has(a) || !idx.has(b)) continue;
    const key = `${a}\u0000${b}`;
    const e = edges.get(key);
    const top = chain(fz).at(-1) !== chain(tz).at(-1);
    const tls = f.socket === undefined ? f.tls : undefined;
    if (e === undefined) edges.set(key, { from: a, to: b, tls, n: 1, top });
    else {
      e.tls = e.tls === undefined ? tls : tls === undefined ? e.tls : worstTls(e.tls, tls);
      e.n++;
      e.top ||= top;
    }
  }
  const topOf = (id: string): string => chain(id).at(-1) ?? id;
  const out = [...header('zones', 'Trust zones'), ...clusters(viewZones, nodesByZone, topOf)];
  for (const e of [...edges.values()].sort((x, y) => byCodeUnit(x.from, y.from) || byCodeUnit(x.to, y.to))) {
    const lines = [
      plural(e.n, 'flow'),
      e.tls === undefined ? 'local socket' : `weakest: ${flowWords(e.tls, 'unknown').split(' · ')[0]!}`,
    ];
    out.push(
      `  ${idx.get(e.from)!} -> ${idx.get(e.to)!} [label="${label(lines)}", ${edgeStyle(e.tls ?? 'verified', true, e.top)}];`,
    );
  }
  out.push(...legend(notes), '}');
  return `${out.join('\n')}\n`;
}
