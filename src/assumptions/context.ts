// What built-in verifications and CEL expressions read: the inventory, the model, the findings, and optional analyses.
import type { Inventory } from '../collect/inventory.js';
import type { Model } from '../model/types.js';
import type { Finding } from '../rules/finding.js';
import type { Evidence } from '../types.js';
import { buildCelView, type CelView } from './cel-view.js';

export interface PolicyEnforcement {
  readonly enforces: 'yes' | 'no' | 'unknown';
  readonly plugin?: string;
  readonly evidence: readonly Evidence[];
}

/** Answers from the privilege graph, when it was computed. */
export interface PrivilegeAnswers {
  /** Subjects (`ServiceAccount/ns/name`, `User/name`, `Group/name`) allowed to get or list secrets in a namespace. */
  secretReaders(namespace: string): readonly { subject: string; evidence: readonly Evidence[] }[];
  /** The shortest attack path from one zone (or component) to another, as step descriptions, or undefined. */
  pathBetween(
    from: string,
    to: string,
  ): readonly { step: string; evidence: readonly Evidence[] }[] | undefined;
}

export interface AssumptionContext {
  readonly inventory: Inventory;
  readonly model: Model;
  readonly findings: readonly Finding[];
  readonly policyEnforcement?: PolicyEnforcement;
  readonly privilege?: PrivilegeAnswers;
}

/** Adds the lazily built CEL view. */
export class EvaluationContext {
  private view: CelView | undefined;
  constructor(readonly ctx: AssumptionContext) {}
  celView(): CelView {
    this.view ??= buildCelView(this.ctx.inventory, this.ctx.model, this.ctx.findings);
    return this.view;
  }
}
