// An issue draft: one discrepancy written up for a tracker, with a stable fingerprint that survives re-runs.
import type { Severity } from '../types.js';
import type { CoveredDiscrepancy } from './discrepancy.js';

export interface IssueDraft {
  /** Stable across runs for the same discrepancy (e.g. a finding id or assumption id, hashed). */
  readonly fingerprint: string;
  readonly title: string;
  /** Markdown body; every cluster-supplied string in it is already escaped. */
  readonly body: string;
  readonly severity: Severity;
  readonly zone: string;
  readonly owner?: string;
  readonly relatedTeams: readonly string[];
  readonly labels: readonly string[];
  /** The discrepancies this issue stands for (findings, attack paths, assumptions, drift items): nothing is dropped. */
  readonly covers: readonly CoveredDiscrepancy[];
}

/** The marker ktm writes into an issue body so a later run can find the issue again. */
export function fingerprintMarker(fingerprint: string): string {
  return `<!-- ktm-fingerprint: ${fingerprint} -->`;
}

const MARKER = /<!-- ktm-fingerprint: ([0-9a-z-]{1,100}) -->/;

export function fingerprintIn(body: string | null | undefined): string | undefined {
  return body == null ? undefined : MARKER.exec(body)?.[1];
}
