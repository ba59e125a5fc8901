// A finding: one rule's verdict on one subject, with the evidence and the two-step remediation.
import type { Evidence, Ref, Severity } from '../types.js';

export type FindingStatus = 'fail' | 'unverifiable';

export interface Finding {
  /** Deterministic: `${rule}@${subject}` (plus `#${variant}` when the rule reports several variants per subject). */
  readonly id: string;
  readonly rule: string;
  readonly variant?: string;
  readonly status: FindingStatus;
  readonly severity: Severity;
  /** Trust zone whose boundary the finding weakens (zone id once zones are derived, else the catalogue's zone name). */
  readonly zone: string;
  readonly subject: Ref;
  readonly message: string;
  readonly evidence: readonly Evidence[];
  readonly remediation: { readonly shortTerm: string; readonly longTerm: string };
  readonly references: readonly string[];
  /** For unverifiable results: the data that is missing and how to collect it. */
  readonly missing?: string;
}
