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

/**
 * The real marker is the body's last line, written by ktm after everything else: a marker anywhere
 * else (planted in an object's name, quoted by someone) is text, never an identity.
 */
const FINAL_MARKER = /(?:^|\n)<!-- ktm-fingerprint: ([0-9a-z-]{1,100}) -->\s*$/;

export function fingerprintIn(body: string | null | undefined): string | undefined {
  return body == null ? undefined : FINAL_MARKER.exec(body.replace(/\r\n/g, '\n'))?.[1];
}

/** The body a tracker receives: the draft's body, then the marker as its last line. */
export function bodyWithMarker(d: Pick<IssueDraft, 'body' | 'fingerprint'>): string {
  return `${d.body.trimEnd()}\n\n${fingerprintMarker(d.fingerprint)}\n`;
}
