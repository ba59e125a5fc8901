// The contract of a conformance suite: run ktm against one corpus in ../shared/corpora and count agreement.

export interface CaseResult {
  readonly name: string;
  readonly ok: boolean;
  /** Listed by the suite as a deliberate disagreement with the reference (with the reason). */
  readonly disagreement?: string;
  readonly detail?: string;
}

export interface SuiteResult {
  readonly suite: string;
  /** Groups reported separately (e.g. plain NetworkPolicy vs AdminNetworkPolicy cases, or per source rule). */
  readonly groups: readonly { readonly name: string; readonly cases: readonly CaseResult[] }[];
  /** Agreement required for the suite to pass, 0..1, over the cases of `gatedGroups` (all groups when absent). */
  readonly bar: number;
  readonly gatedGroups?: readonly string[];
}

export interface Suite {
  readonly name: string;
  /** Folder under ../shared/corpora. */
  readonly corpus: string;
  run(corpusDir: string): Promise<SuiteResult>;
}
