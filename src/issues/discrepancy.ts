// A discrepancy between what a team assumes or declares and what the cluster shows: the unit the method files an issue for.
import type { Evidence, Ref, Severity } from '../types.js';

export type DiscrepancyKind = 'finding' | 'assumption' | 'drift';

export interface Discrepancy {
  readonly kind: DiscrepancyKind;
  /** Stable key of what is wrong (a finding id, an assumption id, a drift item id), shown in the issue. */
  readonly key: string;
  /**
   * What the discrepancy is, as separate parts (rule, variant, subject kind, namespace and name; an
   * assumption id; a drift kind and id): the fingerprint is a hash over these parts, never over text
   * joined with separators a name could contain, so no object can make its key equal another's.
   */
  readonly identity: readonly string[];
  readonly title: string;
  readonly zone: string;
  /** Team owning the zone, when the threat model names one. */
  readonly owner?: string;
  /** Owners of zones whose boundary flows touch the same components: a fix in one zone can be a flaw in another. */
  readonly relatedTeams: readonly string[];
  readonly severity: Severity;
  readonly subject?: Ref;
  /** What was expected against what was observed. */
  readonly statement: string;
  readonly evidence: readonly Evidence[];
  readonly remediation: { readonly shortTerm: string; readonly longTerm: string };
  readonly references: readonly string[];
  /** The rule behind a finding discrepancy (the issue planner groups by it). */
  readonly rule?: string;
  /** For a finding: the zone whose boundary its rule weakens (the planner groups by it). */
  readonly ruleZone?: string;
  /** For a planned issue that stands for several discrepancies: each one it covers (the planner fills this). */
  readonly covers?: readonly CoveredDiscrepancy[];
}

/** One discrepancy an issue covers, as the issue lists it. */
export interface CoveredDiscrepancy {
  readonly kind: DiscrepancyKind;
  readonly key: string;
  readonly title: string;
  readonly severity: Severity;
  readonly subject?: Ref;
}
