// The reporters, registered in one map: pure (assessment) => string.
import type { Assessment } from '../assess.js';
import { renderJson } from './json.js';
import { renderTable } from './table.js';
import type { TableOptions } from '../text/table.js';

export const REPORTERS = {
  table: renderTable,
  json: renderJson,
} as const satisfies Record<string, (a: Assessment, options?: ReportOptions) => string>;

/** What a reporter may adapt to: the terminal's width for tables (undefined when not a terminal). */
export type ReportOptions = TableOptions;

export type ReportFormat = keyof typeof REPORTERS;
export const REPORT_FORMATS = Object.keys(REPORTERS) as ReportFormat[];
