// The reporters, registered in one map: pure (assessment) => string.
import type { Assessment } from '../assess.js';
import { renderJson } from './json.js';
import { renderTable } from './table.js';

export const REPORTERS = {
  table: renderTable,
  json: renderJson,
} as const satisfies Record<string, (a: Assessment) => string>;

export type ReportFormat = keyof typeof REPORTERS;
export const REPORT_FORMATS = Object.keys(REPORTERS) as ReportFormat[];
