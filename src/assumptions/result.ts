// The outcome of checking one declared assumption against the cluster.
import type { Evidence } from '../types.js';

export type AssumptionOutcome = 'confirmed' | 'contradicted' | 'unverifiable';

export interface AssumptionResult {
  readonly id: string;
  readonly text: string;
  readonly zone?: string;
  readonly owner?: string;
  readonly topic?: string;
  /** `builtin:NAME` or `cel`. */
  readonly check: string;
  readonly result: AssumptionOutcome;
  /** What was observed, in one sentence. */
  readonly message: string;
  readonly evidence: readonly Evidence[];
  /** For unverifiable: the data that is missing and how to collect it. */
  readonly missing?: string;
}

/** What a verification returns before the assumption's own fields are attached. */
export type Verdict =
  | { readonly result: 'confirmed'; readonly message: string; readonly evidence?: readonly Evidence[] }
  | { readonly result: 'contradicted'; readonly message: string; readonly evidence: readonly Evidence[] }
  | {
      readonly result: 'unverifiable';
      readonly message: string;
      readonly missing: string;
      readonly evidence?: readonly Evidence[];
    };
