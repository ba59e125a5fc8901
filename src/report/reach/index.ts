// Renderers for `ktm reach`: connlist (netpol-analyzer's text), json, md and dot, each a pure function of the connections.
import { formatConns } from '../../analysis/network-policy/conn-set.js';
import {
  peerName,
  type Connection,
  type ReachPeer,
  type ReachView,
} from '../../analysis/network-policy/reachability.js';
import type { NetworkPluginInfo } from '../../analysis/network-plugin.js';
import { escapeDot, escapeMarkdown, escapeTerminal } from '../../text/escape.js';

export interface ReachReport {
  readonly view: ReachView;
  readonly connections: readonly Connection[];
  readonly plugin: NetworkPluginInfo;
  readonly inert: boolean;
}

interface Line {
  readonly src: string;
  readonly dst: string;
  /** Connections certainly allowed ('No Connections' when every one of them is undecidable). */
  readonly conn: string;
  /** Connections an L7, FQDN or other rule ktm cannot decide may allow or deny. */
  readonly undecidable?: string;
}

function lines(r: ReachReport): Line[] {
  const out = r.connections.map((c): Line => ({
    src: peerName(c.src),
    dst: peerName(c.dst),
    conn: formatConns(c.conns),
    ...(c.undecidable === undefined ? {} : { undecidable: formatConns(c.undecidable) }),
  }));
  out.sort((a, b) => (a.src < b.src ? -1 : a.src > b.src ? 1 : a.dst < b.dst ? -1 : a.dst > b.dst ? 1 : 0));
  return out;
}

/** The conn column: the certain part, then `(undecidable: ...)` for what the policies leave undecided. */
function connText(l: Line): string {
  if (l.undecidable === undefined) return l.conn;
  return l.conn === 'No Connections'
    ? `undecidable: ${l.undecidable}`
    : `${l.conn} (undecidable: ${l.undecidable})`;
}

/**
 * `src => dst : conns`, one connection a line, sorted: exactly netpol-analyzer's txt output, except that
 * connections the policies leave undecidable (L7, FQDN rules) are named as such.
 */
export function renderConnlist(r: ReachReport): string {
  const ls = lines(r).map(
    (l) => `${escapeTerminal(l.src, 10_000)} => ${escapeTerminal(l.dst, 10_000)} : ${connText(l)}`,
  );
  return ls.length === 0 ? '' : `${ls.join('\n')}\n`;
}

export function renderReachJson(r: ReachReport): string {
  return `${JSON.stringify(
    {
      view: r.view,
      networkPlugin: { plugin: r.plugin.plugin, enforces: r.plugin.enforces, evidence: r.plugin.evidence },
      policiesInert: r.inert,
      connections: lines(r),
    },
    null,
    2,
  )}\n`;
}

export function renderReachMarkdown(r: ReachReport): string {
  const head = [
    `Network plugin: ${escapeMarkdown(r.plugin.plugin)} (enforces NetworkPolicy: ${r.plugin.enforces})${r.inert ? ' — declared policies are inert; listing the effective (unrestricted) connections' : ''}`,
    '',
    '| src | dst | conn |',
    '|-----|-----|------|',
  ];
  const body = lines(r).map(
    (l) => `| ${escapeMarkdown(l.src)} | ${escapeMarkdown(l.dst)} | ${escapeMarkdown(connText(l))} |`,
  );
  return `${[...head, ...body].join('\n')}\n`;
}

function nodeShape(p: ReachPeer): string {
  return p.kind === 'external'
    ? 'shape=box, color=red2'
    : p.kind === 'ingress-controller'
      ? 'shape=oval, color=darkgreen'
      : 'shape=box, color=blue';
}

export function renderReachDot(r: ReachReport): string {
  const nodes = new Map<string, ReachPeer>();
  for (const c of r.connections) {
    nodes.set(peerName(c.src), c.src);
    nodes.set(peerName(c.dst), c.dst);
  }
  const out = ['digraph {'];
  for (const [name, p] of [...nodes].sort((a, b) => (a[0] < b[0] ? -1 : 1)))
    out.push(`\t"${escapeDot(name)}" [label="${escapeDot(name)}", ${nodeShape(p)}]`);
  for (const l of lines(r))
    out.push(
      `\t"${escapeDot(l.src)}" -> "${escapeDot(l.dst)}" [label="${escapeDot(connText(l))}", color=${l.conn === 'No Connections' ? 'gray' : 'gold2'}, fontcolor=darkgreen${l.undecidable === undefined ? '' : ', style=dashed'}]`,
    );
  out.push('}');
  return `${out.join('\n')}\n`;
}

export const REACH_RENDERERS = {
  connlist: renderConnlist,
  json: renderReachJson,
  md: renderReachMarkdown,
  dot: renderReachDot,
} as const satisfies Record<string, (r: ReachReport) => string>;

export type ReachFormat = keyof typeof REACH_RENDERERS;
export const REACH_FORMATS = Object.keys(REACH_RENDERERS) as ReachFormat[];
