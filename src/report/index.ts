// The reporter registry: every output format of every command, each a pure (assessment, options) => string.
// Commands pick from it by name; the cross-format tests (escaping, no secret values) iterate it.
import type { Assessment } from '../assess.js';
import type { CascadeResult } from '../analysis/cascade.js';
import { KtmError } from '../errors.js';
import { renderIssues } from '../issues/formats.js';
import { renderDataflowDot, renderZonesDot } from './diagrams/dot.js';
import { renderDataflowMermaid } from './diagrams/mermaid.js';
import { renderZonesTable } from './diagrams/zones-table.js';
import { renderHtml } from './html/html.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import {
  renderConnlist,
  renderReachDot,
  renderReachJson,
  renderReachMarkdown,
  type ReachReport,
} from './reach/index.js';
import { buildReportData } from './report-data.js';
import type { ReportOptions } from './report-options.js';
import { renderSarif } from './sarif.js';
import { renderTable } from './table.js';
import { renderWhatIfJson, renderWhatIfText } from './what-if.js';

export type { ReportOptions } from './report-options.js';

/** What a command adds to the Assessment for the reporters that show its own result. */
export interface CommandReportOptions extends ReportOptions {
  readonly reach?: ReachReport;
  readonly whatIf?: { readonly target: string; readonly cascade: CascadeResult };
}

export interface Reporter {
  readonly description: string;
  /** File name `ktm assess --report DIR` writes it to (review formats only). */
  readonly file?: string;
  readonly render: (a: Assessment, options: CommandReportOptions) => string;
}

function need<T>(value: T | undefined, format: string, command: string): T {
  if (value === undefined)
    throw new KtmError(
      `the ${format} format shows the result of ${command}`,
      '-o',
      `run ${command} -o ${format}`,
    );
  return value;
}

function svgOf(options: ReportOptions, dot: string): string {
  return need(options.svg, 'svg', 'a command that loads Graphviz')(dot);
}

const ENTRIES = {
  table: { description: 'terminal summary', render: (a, o) => renderTable(a, o) },
  json: {
    description: 'the Assessment (schema/assessment.schema.json)',
    file: 'assessment.json',
    render: (a) => renderJson(a),
  },
  md: {
    description: 'Markdown review for GitHub and GitLab',
    file: 'report.md',
    render: renderMarkdown,
  },
  html: {
    description: 'self-contained HTML review page',
    file: 'report.html',
    render: renderHtml,
  },
  sarif: {
    description: 'SARIF 2.1.0 for code scanning',
    file: 'results.sarif',
    render: renderSarif,
  },
  dot: {
    description: 'data-flow diagram (Graphviz DOT)',
    render: (a) => renderDataflowDot(a.model),
  },
  mermaid: {
    description: 'data-flow diagram (Mermaid)',
    render: (a) => renderDataflowMermaid(a.model),
  },
  svg: {
    description: 'data-flow diagram (SVG)',
    file: 'dataflow.svg',
    render: (a, o) => svgOf(o, renderDataflowDot(a.model)),
  },
  'zones-svg': {
    description: 'trust-zone diagram (SVG)',
    file: 'zones.svg',
    render: (a, o) => svgOf(o, renderZonesDot(a.model)),
  },
  'zones-dot': {
    description: 'trust-zone diagram (Graphviz DOT)',
    render: (a) => renderZonesDot(a.model),
  },
  'zones-table': {
    description: 'trust-zone tree with C/I/A',
    render: (a) => renderZonesTable(a.model, { criticality: a.criticality }),
  },
  rra: {
    description: "the audit's Rapid Risk Assessment (Markdown)",
    render: (_a, o) =>
      need(o.rra, 'rra', 'ktm rra')
        .map((r) => r.markdown)
        .join('\n'),
  },
  issues: {
    description: 'issue drafts (Markdown)',
    render: (a) =>
      renderIssues(buildReportData(a).drafts, 'markdown')
        .filter((f) => f.path.endsWith('.md'))
        .map((f) => f.content)
        .join('\n---\n\n'),
  },
  connlist: {
    description: 'allowed connections (netpol-analyzer text)',
    render: (_a, o) => renderConnlist(need(o.reach, 'connlist', 'ktm reach')),
  },
  'reach-json': {
    description: 'allowed connections (JSON)',
    render: (_a, o) => renderReachJson(need(o.reach, 'json', 'ktm reach')),
  },
  'reach-md': {
    description: 'allowed connections (Markdown)',
    render: (_a, o) => renderReachMarkdown(need(o.reach, 'md', 'ktm reach')),
  },
  'reach-dot': {
    description: 'allowed connections (DOT)',
    render: (_a, o) => renderReachDot(need(o.reach, 'dot', 'ktm reach')),
  },
  'what-if': {
    description: 'what stops when a zone, component or node stops (text)',
    render: (_a, o) => {
      const w = need(o.whatIf, 'text', 'ktm what-if');
      return renderWhatIfText(w.target, w.cascade);
    },
  },
  'what-if-json': {
    description: 'what stops when a zone, component or node stops (JSON)',
    render: (_a, o) => {
      const w = need(o.whatIf, 'json', 'ktm what-if');
      return renderWhatIfJson(w.target, w.cascade);
    },
  },
} satisfies Record<string, Reporter>;

export type ReporterName = keyof typeof ENTRIES;
export const REPORTERS: Readonly<Record<ReporterName, Reporter>> = ENTRIES;
export const REPORTER_NAMES = Object.keys(REPORTERS) as ReporterName[];

/** The formats `ktm assess -o` writes to stdout. */
export const REPORT_FORMATS = [
  'table',
  'json',
  'md',
  'html',
  'sarif',
] as const satisfies readonly ReporterName[];
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** The files `ktm assess --report DIR` writes. */
export const REPORT_DIR_FILES = [
  'html',
  'md',
  'json',
  'sarif',
  'svg',
  'zones-svg',
] as const satisfies readonly ReporterName[];
