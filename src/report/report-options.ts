// Options every reporter takes, and the small formatting helpers the review reports share.
import path from 'node:path';
import type { PathStep } from '../analysis/privilege/attack-paths.js';
import { refToString, type Evidence } from '../types.js';
import type { TableOptions } from '../text/table.js';

/** Graphviz layout to SVG, loaded once by the caller (src/report/diagrams/svg.ts) so reporters stay synchronous. */
export type SvgLayout = (dot: string) => string;

/** Terminal width for tables (TableOptions) and what the review formats need. */
export interface ReportOptions extends TableOptions {
  /** Evidence files under this folder are shown relative to it (SARIF URIs, file:line in every report). */
  readonly basePath?: string;
  /** Needed by the reporters that draw diagrams (html, svg). */
  readonly svg?: SvgLayout;
  /** RRA documents per component (Markdown), filled by the caller from the inventory: the HTML report shows them. */
  readonly rra?: readonly { readonly subject: string; readonly markdown: string }[];
  /** Most findings shown per page in the HTML report (default 100). */
  readonly pageSize?: number;
}

/** A source file shown relative to basePath, with forward slashes. */
export function relativeFile(file: string, options: ReportOptions): string {
  const rel =
    options.basePath !== undefined && path.isAbsolute(file) ? path.relative(options.basePath, file) : file;
  return rel.split(path.sep).join('/');
}

/** `file:line` of a piece of evidence, when it came from a file. */
export function evidenceWhere(ev: Evidence, options: ReportOptions): string | undefined {
  if (ev.source === undefined) return undefined;
  return `${relativeFile(ev.source.file, options)}${ev.source.line === undefined ? '' : `:${ev.source.line}`}`;
}

/** ENDPOINT_EXPLOIT → "endpoint exploit". */
export function stepWords(type: string): string {
  return type.toLowerCase().replace(/_/g, ' ');
}

/** One attack-path step in words: from → to (technique); cut by: the control. `esc` escapes for the format. */
export function stepLine(s: PathStep, esc: (x: string) => string): string {
  return `${esc(refToString(s.from))} → ${esc(refToString(s.to))} (${esc(stepWords(s.type))}); cut by: ${esc(s.control)}`;
}
