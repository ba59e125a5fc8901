// HTML reporter: one self-contained page for the review meeting. No network request (inline style and script allowed
// by hash in a strict Content-Security-Policy), cluster data embedded as escaped JSON and rendered with textContent.
import { createHash } from 'node:crypto';
import type { Assessment } from '../../assess.js';
import type { CriticalityRating } from '../../analysis/criticality.js';
import { viewToDot, flowWords } from '../diagrams/dot.js';
import { buildView, REACH_PURPOSE, type View } from '../diagrams/view.js';
import { assumptionOwner, buildReportData } from '../report-data.js';
import { evidenceWhere, stepWords, type ReportOptions } from '../report-options.js';
import { refToString, type Evidence } from '../../types.js';
import { PAGE_SCRIPT } from './page-script.js';
import { PAGE_STYLE } from './page-style.js';

/**
 * JSON that is safe inside `<script type="application/json">`: `<`, `>` and `&` as \u escapes (no `</script>` or
 * `<!--` can end or change the element), U+2028/U+2029 escaped too.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

const LABEL_MAX = 60;

function cut(s: string): string {
  return s.length > LABEL_MAX ? `${s.slice(0, LABEL_MAX - 1)}…` : s;
}

/** Long names would stretch the diagram until nothing is legible: labels are cut, the panel shows them whole. */
function legibleView(view: View): View {
  return {
    ...view,
    zones: view.zones.map((z) => ({ ...z, name: cut(z.name) })),
    nodes: view.nodes.map((n) => ({ ...n, lines: n.lines.map(cut) })),
  };
}

function rating(r: CriticalityRating | undefined): unknown {
  if (r === undefined) return null;
  const dim = (d: CriticalityRating['confidentiality']): unknown => ({
    level: d.level,
    reasons: d.reasons.map((x) => x.text),
  });
  return { c: dim(r.confidentiality), i: dim(r.integrity), a: dim(r.availability) };
}

function evidenceJson(list: readonly Evidence[], options: ReportOptions): unknown[] {
  return list.slice(0, 20).map((e) => ({
    ref: refToString(e.ref),
    ...(e.path === undefined ? {} : { path: e.path }),
    ...(e.value === undefined ? {} : { value: e.value }),
    ...(evidenceWhere(e, options) === undefined ? {} : { where: evidenceWhere(e, options) }),
  }));
}

function refKey(r: { kind: string; namespace?: string; name: string }): string {
  return `${r.kind}\u0000${r.namespace ?? ''}\u0000${r.name}`;
}

/** Everything the page shows, as plain JSON (strings unescaped: the page only ever sets them as text). */
/** Distinct values in first-seen order, each referred to by its index. */
class Interned<T> {
  readonly list: T[] = [];
  private readonly index = new Map<string, number>();
  ref(value: T): number {
    const key = JSON.stringify(value);
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.list.push(value) - 1;
      this.index.set(key, i);
    }
    return i;
  }
}

export function htmlReportData(a: Assessment, options: ReportOptions, view: View): unknown {
  const texts = new Interned<string>();
  const zonePaths = new Interned<readonly string[]>();
  const d = buildReportData(a);
  const compById = new Map(a.model.components.map((c) => [c.id, c]));
  const compRating = new Map(a.criticality.components.map((r) => [r.id, r]));
  const flows = a.model.flows.filter((f) => f.purpose !== REACH_PURPOSE);
  const flowIndex = new Map(flows.map((f, i) => [f.id, i]));
  const flowsOf = new Map<string, number[]>();
  flows.forEach((f, i) => {
    for (const c of new Set([f.from, f.to])) flowsOf.set(c, [...(flowsOf.get(c) ?? []), i]);
  });
  const compOfRef = new Map<string, string>();
  for (const c of a.model.components)
    for (const r of c.refs) if (!compOfRef.has(refKey(r))) compOfRef.set(refKey(r), c.id);
  const findingsOf = new Map<string, number[]>();
  d.findings.forEach((p, i) => {
    const c = compOfRef.get(refKey(p.finding.subject));
    if (c !== undefined) findingsOf.set(c, [...(findingsOf.get(c) ?? []), i]);
  });
  const ownerOf = (zoneId: string): string | undefined =>
    [...d.chain(zoneId)]
      .reverse()
      .map((z) => a.owners[z])
      .find((o) => o !== undefined);
  const zoneFindings = new Map<string, number>();
  for (const p of d.findings)
    for (const z of d.chain(p.zoneId)) zoneFindings.set(z, (zoneFindings.get(z) ?? 0) + 1);
  const svgMap: Record<string, unknown> = {};
  view.nodes.forEach((n, i) => {
    const comp = compById.get(n.key);
    svgMap[`ktm-n${i}`] =
      comp === undefined
        ? { zone: n.zone, label: n.lines.join(' ') }
        : { component: comp.id, label: comp.name };
  });
  view.zones.forEach((z, i) => {
    svgMap[`ktm-z${i}`] = { zone: z.id, label: z.name };
  });
  const version = a.cluster.serverVersion?.gitVersion ?? 'unknown version';
  const fails = a.findings.filter((f) => f.status === 'fail').length;
  return {
    pageSize: options.pageSize ?? 100,
    cluster: {
      name: a.cluster.name,
      meta: `Kubernetes ${version}${a.cluster.provider ? `, managed by ${a.cluster.provider}` : ''} · ${a.inventory.objects} objects, ${a.inventory.nodes} nodes, ${a.inventory.namespaces} namespaces · read from ${a.coverage.mode}${a.cluster.collectedAt ? `, collected ${a.cluster.collectedAt}` : ''} · ktm ${a.tool.version}`,
    },
    summary: {
      line: `${fails} findings fail and ${a.findings.length - fails} could not be verified; ${a.attackGraph.totalPaths} attack paths reach a crown jewel; ${a.assumptions.filter((x) => x.result === 'contradicted').length} of ${a.assumptions.length} declared assumptions are contradicted; ${a.drift.length} drift items.`,
      bySeverity: d.bySeverity,
      byZone: d.byZone,
      gaps: d.gaps,
      unverifiable: d.unverifiable,
    },
    zones: a.model.zones.map((z) => {
      const owner = ownerOf(z.id);
      return {
        id: z.id,
        name: z.name,
        kind: z.kind,
        path: d.chain(z.id).map((id) => d.zoneById.get(id)?.name ?? id),
        ...(owner === undefined ? {} : { owner }),
        rating: rating(d.ratingById.get(z.id)),
        controls: z.controls.map((c) => ({ kind: c.kind, status: c.status, detail: c.detail })),
        members: z.members,
        flows: z.boundaryFlows.flatMap((b) => {
          const i = flowIndex.get(b.flow);
          return i === undefined ? [] : [i];
        }),
        findingCount: zoneFindings.get(z.id) ?? 0,
      };
    }),
    components: a.model.components.map((c) => {
      const owner = ownerOf(c.zone);
      return {
        id: c.id,
        name: c.name,
        type: c.kind.type,
        zone: c.zone,
        zoneName: d.zoneById.get(c.zone)?.name ?? c.zone,
        nodes: c.nodes,
        ...(owner === undefined ? {} : { owner }),
        rating: rating(compRating.get(c.id)),
        flows: flowsOf.get(c.id) ?? [],
        findings: findingsOf.get(c.id) ?? [],
      };
    }),
    flows: flows.map((f) => ({
      fromName: compById.get(f.from)?.name ?? f.from,
      toName: compById.get(f.to)?.name ?? f.to,
      protocol: f.protocol,
      ...(f.port === undefined ? {} : { port: f.port }),
      words: f.socket === undefined ? flowWords(f.tls, f.authn) : 'local socket',
      purpose: f.purpose,
    })),
    svgMap,
    // Rule texts repeat on every finding of a rule (15,000 pods: 14,000 findings): each distinct text is written
    // once in `texts` and findings refer to it by index; the page script puts them back before drawing.
    findings: d.findings.map((p, index) => ({
      index,
      id: p.finding.id,
      rule: p.finding.rule,
      title: texts.ref(p.title),
      severity: p.finding.severity,
      status: p.finding.status,
      zonePath: zonePaths.ref(d.chain(p.zoneId)),
      zoneName: texts.ref(p.zoneName),
      ...(p.owner === undefined ? {} : { owner: p.owner }),
      subject: refToString(p.finding.subject),
      message: texts.ref(p.finding.message),
      evidence: evidenceJson(p.finding.evidence, options),
      shortTerm: texts.ref(p.finding.remediation.shortTerm),
      longTerm: texts.ref(p.finding.remediation.longTerm),
      references: p.finding.references.map((r) => texts.ref(r)),
      ...(p.finding.missing === undefined ? {} : { missing: texts.ref(p.finding.missing) }),
      ...('severityRaise' in p.finding && p.finding.severityRaise !== undefined
        ? { raise: (p.finding.severityRaise as { reason: string; from: string }).from }
        : {}),
    })),
    texts: texts.list,
    zonePaths: zonePaths.list,
    pathsLine: `${a.attackGraph.totalPaths} paths from entry points to crown jewels${a.attackGraph.totalPaths > d.paths.length ? `; the ${d.paths.length} shortest are listed` : ''}. Choose one to follow it step by step.`,
    paths: d.paths.map((p) => ({
      entry: refToString(p.entry),
      target: refToString(p.target),
      jewel: p.jewel,
      steps: p.steps.map((s) => ({
        from: refToString(s.from),
        to: refToString(s.to),
        technique: stepWords(s.type),
        control: s.control,
        ...(s.assumption === undefined ? {} : { assumption: s.assumption }),
        evidence: evidenceJson(s.evidence, options),
      })),
    })),
    assumptions: a.assumptions.map((x) => {
      // An assumption without its own owner belongs to its zone's owning team.
      const owner = assumptionOwner(a, x);
      return {
        id: x.id,
        text: x.text,
        ...(owner === undefined ? {} : { owner }),
        ...(x.zone === undefined ? {} : { zone: x.zone }),
        result: x.result,
        message: x.message,
        ...(x.missing === undefined ? {} : { missing: x.missing }),
      };
    }),
    drift: a.drift.map((x) => ({
      kind: x.kind,
      zone: x.zone,
      ...(x.declared === undefined ? {} : { declared: x.declared }),
      ...(x.observed === undefined ? {} : { observed: x.observed }),
      message: x.message,
    })),
    rra: options.rra ?? [],
    drafts: d.drafts.map((x) => ({
      title: x.title,
      severity: x.severity,
      ...(x.owner === undefined ? {} : { owner: x.owner }),
      body: x.body,
    })),
  };
}

/** Longest string the page shows; longer names (up to 253 characters in Kubernetes, unbounded in manifests) are cut. */
const TEXT_MAX = 2000;

/** Cuts every string in the page data to TEXT_MAX characters, saying how much was cut. */
function clipStrings(value: unknown): unknown {
  if (typeof value === 'string')
    return value.length > TEXT_MAX
      ? `${value.slice(0, TEXT_MAX)}… (${value.length - TEXT_MAX} more characters)`
      : value;
  if (Array.isArray(value)) return value.map(clipStrings);
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, clipStrings(v)]));
  return value;
}

function sha256(s: string): string {
  return `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;
}

/** The Graphviz SVG, without its XML prolog and fixed size (the page scales it). */
function inlineSvg(svg: string): string {
  const start = svg.indexOf('<svg');
  return svg
    .slice(start < 0 ? 0 : start)
    .replace(/^<svg width="[^"]*" height="[^"]*"/, '<svg role="img" aria-label="Data-flow diagram"');
}

export function renderHtml(a: Assessment, options: ReportOptions = {}): string {
  const view = legibleView(buildView(a.model));
  const svg =
    options.svg === undefined
      ? '<p>Diagram not drawn (the caller gave no Graphviz layout).</p>'
      : inlineSvg(options.svg(viewToDot(view, 'Data flow', { elementIds: true })));
  const data = jsonForScript(clipStrings(htmlReportData(a, options, view)));
  const csp = [
    "default-src 'none'",
    `script-src ${sha256(PAGE_SCRIPT)}`,
    `style-src ${sha256(PAGE_STYLE)}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>ktm threat model review</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<header class="top"><h1>Threat model review: <span id="cluster-name"></span></h1><p id="cluster-meta"></p></header>
<nav class="sections" aria-label="Sections">
<a href="#summary">Summary</a><a href="#dataflow">Data flow</a><a href="#zones">Trust zones</a><a href="#findings">Findings</a><a href="#paths">Attack paths</a><a href="#assumptions-section">Assumptions</a><a href="#drift-section">Drift</a><a href="#rra-section">RRA</a><a href="#drafts-section">Issue drafts</a>
</nav>
<main>
<section class="block" id="summary" aria-labelledby="summary-h"><h2 id="summary-h">Summary</h2>
<p id="summary-line"></p>
<div class="cards" id="severity-cards" aria-label="Failed findings by severity"></div>
<div class="grid2"><div><h3>Findings by audit zone</h3><div id="zone-counts"></div></div>
<div><h3>Coverage gaps</h3><p class="muted">What could not be read: rules that need it report unverifiable, never pass.</p><div id="gaps"></div><h3>Unverifiable areas</h3><div id="unverifiable"></div></div></div>
</section>
<section class="block" id="dataflow" aria-labelledby="dataflow-h"><h2 id="dataflow-h">Data flow and trust zones</h2>
<p class="muted">Zones nested as boxes; red: plaintext or unverified TLS; thick: crosses an audit zone boundary. Drag to pan, scroll or use the buttons to zoom; choose a zone or component (click, or Tab and Enter) to see its flows, controls, findings, criticality and owner.</p>
<div class="toolbar" id="zoom-controls"><button type="button" id="zoom-in" aria-label="Zoom in">+</button><button type="button" id="zoom-out" aria-label="Zoom out">−</button><button type="button" id="zoom-reset">Reset view</button></div>
<div class="diagram-wrap"><div id="diagram" tabindex="0" aria-label="Data-flow diagram: arrow keys pan, plus and minus zoom">${svg}</div>
<aside id="panel" aria-live="polite" hidden></aside></div>
</section>
<section class="block" id="zones" aria-labelledby="zones-h"><h2 id="zones-h">Trust zones</h2><div id="zones-table"></div></section>
<section class="block" id="findings" aria-labelledby="findings-h"><h2 id="findings-h">Findings</h2>
<div class="filters" role="search">
<label>Zone<select id="f-zone"><option value="">all zones</option></select></label>
<label>Severity<select id="f-severity"><option value="">all severities</option></select></label>
<label>Rule<select id="f-rule"><option value="">all rules</option></select></label>
<label>Status<select id="f-status"><option value="">fail and unverifiable</option></select></label>
<label>Owner<select id="f-owner"><option value="">all owners</option></select></label>
<label>Text<input id="f-text" type="search" placeholder="subject, message"></label>
<button type="button" id="f-clear">Clear filters</button>
</div>
<p id="findings-count" aria-live="polite"></p>
<div id="findings-list"></div>
<div class="toolbar pager"><button type="button" id="prev-page">Previous page</button><button type="button" id="next-page">Next page</button></div>
</section>
<section class="block" id="paths" aria-labelledby="paths-h"><h2 id="paths-h">Attack paths</h2><p id="paths-count"></p>
<div class="paths"><ul id="paths-list"></ul><div id="path-steps" aria-live="polite"><p class="muted">Choose a path to see each step, its evidence and the control that cuts it.</p></div></div></section>
<section class="block" id="assumptions-section" aria-labelledby="assumptions-h"><h2 id="assumptions-h">Assumptions by owning team</h2><div id="assumptions"></div></section>
<section class="block" id="drift-section" aria-labelledby="drift-h"><h2 id="drift-h">Drift: declared and observed</h2><div id="drift"></div></section>
<section class="block" id="rra-section" aria-labelledby="rra-h"><h2 id="rra-h">Rapid Risk Assessment per component</h2><div id="rra"></div></section>
<section class="block" id="drafts-section" aria-labelledby="drafts-h"><h2 id="drafts-h">Issue drafts</h2><p id="drafts-count"></p><div id="drafts"></div></section>
</main>
<script type="application/json" id="ktm-data">${data}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}
