// The reporter registry: every output format of every command, each a pure (data, options) => string.
// A command names its view and the format typed after -o; the cross-format tests (escaping, no secret values)
// iterate every entry for every command it serves.
import type { Assessment } from '../assess.js';
import type { CascadeResult } from '../analysis/cascade.js';
import type { Criticality } from '../analysis/criticality.js';
import type { PathResult } from '../analysis/privilege/attack-paths.js';
import type { PrivilegeGraph } from '../analysis/privilege/build-graph.js';
import {
  renderPathsDot,
  renderPathsJsonChunks,
  renderPathsTable,
} from '../analysis/privilege/render-paths.js';
import type { ProbeRun } from '../collect/probe/types.js';
import { KtmError } from '../errors.js';
import type { IssueDraft } from '../issues/draft.js';
import { renderIssues, type IssueFormat, type OutputFile } from '../issues/formats.js';
import type { Model } from '../model/index.js';
import { closestNames } from '../model/names.js';
import type { AssessmentDiff } from '../store/diff.js';
import type { StoredAssessment } from '../store/assessment-store.js';
import { renderDataflowDot, renderZonesDot, type ZonesDiagramOptions } from './diagrams/dot.js';
import { renderDataflowMermaid } from './diagrams/mermaid.js';
import type { ViewOptions } from './diagrams/view.js';
import { renderZonesTable } from './diagrams/zones-table.js';
import { renderDiff, renderHistory, type DiffHeader } from './history.js';
import { renderHtml } from './html/html.js';
import { renderJson } from './json.js';
import { renderMarkdown } from './markdown.js';
import {
  renderProbeJson,
  renderProbePlanJson,
  renderProbePlanTable,
  renderProbeTable,
  type ProbePlanView,
} from './probe.js';
import {
  renderConnlist,
  renderReachDot,
  renderReachJson,
  renderReachMarkdown,
  type ReachReport,
} from './reach/index.js';
import type { ReportOptions } from './report-options.js';
import { renderRraMarkdown, type RraContext, type RraSubject } from './rra/rra-markdown.js';
import { renderRulesJson, renderRulesTable, type RulesView } from './rules.js';
import { renderSarif } from './sarif.js';
import { renderTable } from './table.js';
import { renderWhatIfJson, renderWhatIfText } from './what-if.js';

export type { ReportOptions } from './report-options.js';
export type { RulesView } from './rules.js';
export type { ProbePlanView } from './probe.js';

/** The data flow drawn by `ktm dataflow` (the Assessment is one too: its model, no view options). */
export interface ModelView {
  readonly model: Model;
  readonly view?: ViewOptions;
}

/** The zones of `ktm zones`, rated as assess rates them (the Assessment is one too). */
export interface ZonesView {
  readonly model: Model;
  readonly criticality: Criticality;
  readonly view?: ZonesDiagramOptions;
}

/** What each command hands the registry: the data its formats render. */
export interface ReportViews {
  readonly assess: Assessment;
  readonly dataflow: ModelView;
  readonly zones: ZonesView;
  readonly rra: { readonly context: RraContext; readonly subjects: readonly RraSubject[] };
  readonly issues: { readonly drafts: readonly IssueDraft[] };
  readonly reach: ReachReport;
  readonly 'what-if': { readonly target: string; readonly cascade: CascadeResult };
  readonly paths: {
    readonly graph: PrivilegeGraph;
    readonly result: PathResult;
    readonly edges: 'all' | 'paths';
  };
  readonly rules: RulesView;
  readonly history: { readonly list: readonly StoredAssessment[] };
  readonly diff: { readonly diff: AssessmentDiff; readonly header: DiffHeader };
  readonly probe: { readonly run: ProbeRun } | { readonly plan: ProbePlanView };
}
export type ReportCommand = keyof ReportViews;

/** The commands whose data a renderer of D can render. */
type CommandsOf<D> = { [C in ReportCommand]: ReportViews[C] extends D ? C : never }[ReportCommand];

export interface Reporter<D = never> {
  readonly description: string;
  /** The name typed after -o, per command it serves. */
  readonly serves: Readonly<Partial<Record<ReportCommand, string>>>;
  /** IANA media type of the output (the cross-format tests check escaping by it). */
  readonly mediaType: string;
  readonly extension: string;
  /** File name `ktm assess --report DIR` writes it to (review formats only). */
  readonly file?: string;
  /** Needs the Graphviz layout in options.svg (the caller loads it: loadSvgLayout). */
  readonly layout?: true;
  readonly render: (data: D, options: ReportOptions) => string;
  /** The same output in pieces, for outputs larger than one string can hold. */
  readonly chunks?: (data: D, options: ReportOptions) => Iterable<string>;
  /** The files the format writes into a folder (issue drafts), when it is a set of files. */
  readonly files?: (data: D) => OutputFile[];
}

/** Ties an entry's render input to the commands it serves: a command's data must be what the renderer reads. */
/** Each kind of output: its IANA media type and the file extension that goes with it. */
const MEDIA = {
  text: { mediaType: 'text/plain', extension: 'txt' },
  json: { mediaType: 'application/json', extension: 'json' },
  markdown: { mediaType: 'text/markdown', extension: 'md' },
  html: { mediaType: 'text/html', extension: 'html' },
  sarif: { mediaType: 'application/sarif+json', extension: 'sarif' },
  svg: { mediaType: 'image/svg+xml', extension: 'svg' },
  dot: { mediaType: 'text/vnd.graphviz', extension: 'dot' },
  mermaid: { mediaType: 'text/vnd.mermaid', extension: 'mmd' },
  csv: { mediaType: 'text/csv', extension: 'csv' },
} as const;
type Media = keyof typeof MEDIA;

function reporter<D>(
  entry: Omit<Reporter<D>, 'serves' | 'mediaType' | 'extension'> & {
    readonly serves: Readonly<Partial<Record<CommandsOf<D>, string>>>;
    readonly media: Media;
  },
): Reporter<D> {
  const { media, ...rest } = entry;
  return { ...rest, ...MEDIA[media] };
}

function svgOf(options: ReportOptions, dot: string): string {
  if (options.svg === undefined)
    throw new KtmError(
      'the svg format needs the Graphviz layout',
      '-o svg',
      'this is a bug in ktm: please report it',
    );
  return options.svg(dot);
}

const issueFormat = (format: IssueFormat, description: string, media: Media) =>
  reporter<ReportViews['issues']>({
    description,
    serves: { issues: format },
    media,
    files: (d) => renderIssues(d.drafts, format),
    // One stream of the format's own files (the Markdown format's issues.json index aside).
    render: (d) =>
      renderIssues(d.drafts, format)
        .filter((f) => f.path.endsWith(`.${MEDIA[media].extension}`))
        .map((f) => f.content)
        .join(format === 'markdown' ? '\n---\n\n' : ''),
  });

const ENTRIES = {
  table: reporter<Assessment>({
    description: 'terminal summary',
    serves: { assess: 'table' },
    media: 'text',
    render: (a, o) => renderTable(a, o),
  }),
  json: reporter<Assessment>({
    description: 'the Assessment (schema/assessment.schema.json)',
    serves: { assess: 'json' },
    media: 'json',
    file: 'assessment.json',
    render: (a) => renderJson(a),
  }),
  md: reporter<Assessment>({
    description: 'Markdown review for GitHub and GitLab',
    serves: { assess: 'md' },
    media: 'markdown',
    file: 'report.md',
    render: renderMarkdown,
  }),
  html: reporter<Assessment>({
    description: 'self-contained HTML review page',
    serves: { assess: 'html' },
    media: 'html',
    file: 'report.html',
    layout: true,
    render: renderHtml,
  }),
  sarif: reporter<Assessment>({
    description: 'SARIF 2.1.0 for code scanning',
    serves: { assess: 'sarif' },
    media: 'sarif',
    file: 'results.sarif',
    render: renderSarif,
  }),
  'dataflow-dot': reporter<ModelView>({
    description: 'data-flow diagram (Graphviz DOT)',
    serves: { dataflow: 'dot' },
    media: 'dot',
    render: (d) => renderDataflowDot(d.model, d.view),
  }),
  'dataflow-svg': reporter<ModelView>({
    description: 'data-flow diagram (SVG)',
    serves: { dataflow: 'svg', assess: 'svg' },
    media: 'svg',
    file: 'dataflow.svg',
    layout: true,
    render: (d, o) => svgOf(o, renderDataflowDot(d.model, d.view)),
  }),
  'dataflow-mermaid': reporter<ModelView>({
    description: 'data-flow diagram (Mermaid)',
    serves: { dataflow: 'mermaid' },
    media: 'mermaid',
    render: (d) => renderDataflowMermaid(d.model, d.view),
  }),
  'dataflow-json': reporter<ModelView>({
    description: 'the Model: components, flows and zones (JSON)',
    serves: { dataflow: 'json' },
    media: 'json',
    render: (d) => `${JSON.stringify(d.model, null, 2)}\n`,
  }),
  'zones-table': reporter<ZonesView>({
    description: 'trust-zone tree with C/I/A',
    serves: { zones: 'table' },
    media: 'text',
    render: (d, o) =>
      renderZonesTable(d.model, {
        ...(d.view?.zone === undefined ? {} : { zone: d.view.zone }),
        criticality: d.criticality,
        ...o,
      }),
  }),
  'zones-json': reporter<ZonesView>({
    description: 'trust zones, their criticality and notes (JSON)',
    serves: { zones: 'json' },
    media: 'json',
    render: (d) =>
      `${JSON.stringify({ zones: d.model.zones, criticality: d.criticality, notes: d.model.notes }, null, 2)}\n`,
  }),
  'zones-svg': reporter<ZonesView>({
    description: 'trust-zone diagram (SVG)',
    serves: { zones: 'svg', assess: 'zones-svg' },
    media: 'svg',
    file: 'zones.svg',
    layout: true,
    render: (d, o) => svgOf(o, renderZonesDot(d.model, d.view)),
  }),
  rra: reporter<ReportViews['rra']>({
    description: "the audit's Rapid Risk Assessment (Markdown)",
    serves: { rra: 'md' },
    media: 'markdown',
    render: (d) => renderRraMarkdown(d.context, d.subjects),
  }),
  'issues-markdown': issueFormat('markdown', 'one Markdown file per issue, and issues.json', 'markdown'),
  'issues-github': issueFormat('github', "GitHub's issue import JSON", 'json'),
  'issues-gitlab': issueFormat('gitlab', "GitLab's issue import CSV", 'csv'),
  'issues-jira-csv': issueFormat('jira-csv', "Jira's CSV import", 'csv'),
  connlist: reporter<ReachReport>({
    description: "allowed connections (netpol-analyzer's text)",
    serves: { reach: 'connlist' },
    media: 'text',
    render: renderConnlist,
  }),
  'reach-json': reporter<ReachReport>({
    description: 'allowed connections (JSON)',
    serves: { reach: 'json' },
    media: 'json',
    render: renderReachJson,
  }),
  'reach-md': reporter<ReachReport>({
    description: 'allowed connections (Markdown)',
    serves: { reach: 'md' },
    media: 'markdown',
    render: renderReachMarkdown,
  }),
  'reach-dot': reporter<ReachReport>({
    description: 'allowed connections (Graphviz DOT)',
    serves: { reach: 'dot' },
    media: 'dot',
    render: renderReachDot,
  }),
  'what-if': reporter<ReportViews['what-if']>({
    description: 'what fails, degrades and keeps running (text)',
    serves: { 'what-if': 'text' },
    media: 'text',
    render: (d) => renderWhatIfText(d.target, d.cascade),
  }),
  'what-if-json': reporter<ReportViews['what-if']>({
    description: 'what fails, degrades and keeps running (JSON)',
    serves: { 'what-if': 'json' },
    media: 'json',
    render: (d) => renderWhatIfJson(d.target, d.cascade),
  }),
  'paths-table': reporter<ReportViews['paths']>({
    description: 'attack paths step by step (text)',
    serves: { paths: 'table' },
    media: 'text',
    render: (d) => renderPathsTable(d.graph, d.result),
  }),
  'paths-json': reporter<ReportViews['paths']>({
    description: 'the attack graph and the paths (JSON)',
    serves: { paths: 'json' },
    media: 'json',
    render: (d) => [...renderPathsJsonChunks(d.graph, d.result, d.edges)].join(''),
    chunks: (d) => renderPathsJsonChunks(d.graph, d.result, d.edges),
  }),
  'paths-dot': reporter<ReportViews['paths']>({
    description: 'attack paths (Graphviz DOT)',
    serves: { paths: 'dot' },
    media: 'dot',
    render: (d) => renderPathsDot(d.result),
  }),
  'rules-table': reporter<RulesView>({
    description: 'the rule catalogue, or one rule explained (text)',
    serves: { rules: 'table' },
    media: 'text',
    render: (d, o) => renderRulesTable(d, o),
  }),
  'rules-json': reporter<RulesView>({
    description: 'the rule catalogue, or one rule (JSON)',
    serves: { rules: 'json' },
    media: 'json',
    render: renderRulesJson,
  }),
  'history-table': reporter<ReportViews['history']>({
    description: 'saved assessments, newest first (text)',
    serves: { history: 'table' },
    media: 'text',
    render: (d) => renderHistory(d.list, 'table'),
  }),
  'history-json': reporter<ReportViews['history']>({
    description: 'saved assessments (JSON)',
    serves: { history: 'json' },
    media: 'json',
    render: (d) => renderHistory(d.list, 'json'),
  }),
  'diff-table': reporter<ReportViews['diff']>({
    description: 'what changed between two assessments (text)',
    serves: { diff: 'table' },
    media: 'text',
    render: (d) => renderDiff(d.diff, d.header, 'table'),
  }),
  'diff-json': reporter<ReportViews['diff']>({
    description: 'what changed between two assessments (JSON)',
    serves: { diff: 'json' },
    media: 'json',
    render: (d) => renderDiff(d.diff, d.header, 'json'),
  }),
  'diff-md': reporter<ReportViews['diff']>({
    description: 'what changed between two assessments (Markdown)',
    serves: { diff: 'md' },
    media: 'markdown',
    render: (d) => renderDiff(d.diff, d.header, 'md'),
  }),
  'probe-table': reporter<ReportViews['probe']>({
    description: 'what each endpoint answered, or with --dry-run what would be probed (text)',
    serves: { probe: 'table' },
    media: 'text',
    render: (d) => ('run' in d ? renderProbeTable(d.run) : renderProbePlanTable(d.plan)),
  }),
  'probe-json': reporter<ReportViews['probe']>({
    description: 'what each endpoint answered, or with --dry-run what would be probed (JSON)',
    serves: { probe: 'json' },
    media: 'json',
    render: (d) => ('run' in d ? renderProbeJson(d.run) : renderProbePlanJson(d.plan)),
  }),
};

export type ReporterName = keyof typeof ENTRIES;
/** Every entry, by name; its render reads the data of the commands it serves. */
export const REPORTERS: { readonly [N in ReporterName]: (typeof ENTRIES)[N] } = ENTRIES;
export const REPORTER_NAMES = Object.keys(REPORTERS) as ReporterName[];

/** One format of one command: the name typed after -o and the entry behind it. */
export interface CommandFormat<C extends ReportCommand> {
  readonly format: string;
  readonly name: ReporterName;
  readonly reporter: Reporter<ReportViews[C]>;
}

/** The formats a command offers, in registry order. */
export function formatsOf<C extends ReportCommand>(command: C): CommandFormat<C>[] {
  return REPORTER_NAMES.flatMap((name) => {
    const entry = REPORTERS[name] as Reporter;
    const format = entry.serves[command];
    // The registry's reporter() helper checked that this entry reads what the command hands it.
    return format === undefined
      ? []
      : [{ format, name, reporter: entry as unknown as Reporter<ReportViews[C]> }];
  });
}

/** `-o help`: the formats of one command, one a line. */
export function describeFormats(command: ReportCommand): string {
  const list = formatsOf(command);
  const width = Math.max(...list.map((f) => f.format.length));
  return `${list.map((f) => `${f.format.padEnd(width)}  ${f.reporter.description}`).join('\n')}\n`;
}

/** The entry behind `ktm COMMAND -o FORMAT`, or a one-line KtmError listing the command's formats. */
export function reporterFor<C extends ReportCommand>(
  command: C,
  format: string,
  flag = '-o',
): CommandFormat<C> {
  const list = formatsOf(command);
  const found = list.find((f) => f.format === format);
  if (found !== undefined) return found;
  const names = list.map((f) => f.format);
  const near = closestNames(format, names, 1);
  throw new KtmError(
    `unknown output format '${format.slice(0, 80)}' for ktm ${command}${near[0] === undefined ? '' : ` (did you mean ${near[0]}?)`}`,
    flag,
    `use one of ${names.join(', ')}; -o help describes them`,
  );
}

/** The formats `ktm assess -o` writes to stdout. */
export const REPORT_FORMATS = formatsOf('assess').map((f) => f.format);

/** The files `ktm assess --report DIR` writes. */
export const REPORT_DIR_FILES = [
  'html',
  'md',
  'json',
  'sarif',
  'dataflow-svg',
  'zones-svg',
] as const satisfies readonly ReporterName[];
