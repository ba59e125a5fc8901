// Triage of findings carried across assessments by fingerprint (Threagile's risk tracking): pure rules, no I/O.
import { createHash } from 'node:crypto';
import type { Finding } from '../finding.js';

export const TRIAGE_STATES = ['accepted', 'false-positive', 'in-progress', 'mitigated'] as const;
export type TriageState = (typeof TRIAGE_STATES)[number];

/** One decision a team recorded about a finding. Decisions are appended, never edited: the latest wins. */
export interface TriageDecision {
  readonly cluster: string;
  /** The finding's deterministic id (`rule@Kind/ns/name[#variant]`): stable across runs of the same cluster. */
  readonly findingId: string;
  readonly state: TriageState;
  readonly reason: string;
  /** ISO date (YYYY-MM-DD) after which an acceptance no longer holds. */
  readonly until?: string;
  readonly by: string;
  /** ISO timestamp of the decision. */
  readonly at: string;
}

/** What a finding's triage means at one moment. */
export interface FindingTriage {
  readonly findingId: string;
  readonly fingerprint: string;
  /** `open` when no decision holds (none made, or an acceptance expired). */
  readonly state: TriageState | 'open';
  readonly decision?: TriageDecision;
  /** The acceptance ran out (its `until` date has passed): the finding is open again. */
  readonly expired?: boolean;
  /** Marked mitigated, yet the finding is still reported: the mitigation did not take. */
  readonly stillPresent?: boolean;
}

/** Short, stable handle for a finding id: the first 12 hex digits of its SHA-256 (what `ktm triage` accepts besides the id). */
export function findingFingerprint(findingId: string): string {
  return createHash('sha256').update(findingId).digest('hex').slice(0, 12);
}

/** An acceptance with `until` holds through that whole day (UTC). */
function expiredAt(decision: TriageDecision, now: Date): boolean {
  if (decision.until === undefined) return false;
  return now.toISOString().slice(0, 10) > decision.until;
}

/** The triage of each finding, given the latest decision per finding id. */
export function triageFindings(
  findings: readonly Finding[],
  latest: ReadonlyMap<string, TriageDecision>,
  now: Date,
): FindingTriage[] {
  const out: FindingTriage[] = [];
  for (const f of findings) {
    const decision = latest.get(f.id);
    const fingerprint = findingFingerprint(f.id);
    if (decision === undefined) continue;
    if (decision.state === 'accepted' && expiredAt(decision, now)) {
      out.push({ findingId: f.id, fingerprint, state: 'open', decision, expired: true });
      continue;
    }
    out.push({
      findingId: f.id,
      fingerprint,
      state: decision.state,
      decision,
      ...(decision.state === 'mitigated' && f.status === 'fail' ? { stillPresent: true } : {}),
    });
  }
  return out.sort((a, b) => a.findingId.localeCompare(b.findingId));
}

/** Whether a triaged finding still counts for `--fail-on`: accepted (unexpired) and false-positive ones do not. */
export function countsForGate(t: FindingTriage | undefined): boolean {
  return t === undefined || !(t.state === 'accepted' || t.state === 'false-positive');
}

/** Parses `--until`: a calendar date YYYY-MM-DD that exists. */
export function parseUntil(s: string): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (m === null) return undefined;
  const d = new Date(`${s}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== s ? undefined : s;
}
