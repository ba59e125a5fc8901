// The assess stage: run the pipeline over an Inventory and return one serialisable, deterministic Assessment.
import type { Inventory, ClusterInfo } from './collect/inventory.js';
import type { Coverage } from './collect/coverage.js';
import type { Diagnostic } from './errors.js';
import type { Finding } from './rules/finding.js';
import { ktmVersion } from './version.js';
import { RULES } from './rules/registry.js';
import { selectRules } from './rules/framework/select.js';
import {
  annotationExceptions,
  type RuleException,
  type SuppressedFinding,
} from './rules/framework/exceptions.js';
import { runRules, type ExceptionsSummary, type RulesSummary } from './rules/framework/run-rules.js';

export const SCHEMA_VERSION = '1';

export interface KindCount {
  readonly kind: string;
  readonly count: number;
}

export interface InventorySummary {
  readonly objects: number;
  readonly kinds: readonly KindCount[];
  readonly namespaces: number;
  readonly nodes: number;
  readonly nodeFiles: readonly string[];
  readonly components: readonly {
    readonly component: string;
    readonly node?: string;
    readonly visibility: string;
  }[];
}

export interface Assessment {
  readonly schemaVersion: typeof SCHEMA_VERSION;
  readonly tool: { readonly name: 'ktm'; readonly version: string };
  readonly cluster: ClusterInfo;
  readonly inventory: InventorySummary;
  readonly coverage: Coverage;
  readonly diagnostics: readonly Diagnostic[];
  readonly findings: readonly Finding[];
  /** Findings an exception (annotation or exceptions file) suppressed, each with its exception. */
  readonly suppressed: readonly SuppressedFinding[];
  /** Per rule: status and pass/fail/unverifiable counts (the rules' part of the coverage summary). */
  readonly rules: RulesSummary;
  /** Exceptions that expired (no longer suppress) or matched nothing. */
  readonly exceptions: ExceptionsSummary;
}

export interface AssessOptions {
  /** Rule ids or aliases to run (all when absent or empty); unknown ids are a KtmError. */
  readonly rules?: readonly string[];
  /** Rule ids or aliases not to run; unknown ids are a KtmError. */
  readonly skipRules?: readonly string[];
  /** Exceptions from an exceptions file (parseExceptionsFile); annotation exceptions are always read. */
  readonly exceptions?: readonly RuleException[];
  /** The time exception expiry is judged against (default: now). */
  readonly now?: Date;
}

export function summarizeInventory(inv: Inventory): InventorySummary {
  const kinds = inv.kindNames().map((kind) => ({ kind, count: inv.ofKind(kind).length }));
  return {
    objects: inv.items.length,
    kinds,
    namespaces: inv.ofKind('Namespace').length,
    nodes: inv.ofKind('Node').length,
    nodeFiles: inv.nodeFiles.map((n) => n.node).sort(),
    components: inv.settings
      .map((s) => ({
        component: s.component,
        ...(s.node === undefined ? {} : { node: s.node }),
        visibility: s.visibility,
      }))
      .sort((a, b) => a.component.localeCompare(b.component) || (a.node ?? '').localeCompare(b.node ?? '')),
  };
}

export function assess(inv: Inventory, options: AssessOptions = {}): Assessment {
  const selected = selectRules(RULES, options.rules, options.skipRules);
  const fromAnnotations = annotationExceptions(inv, RULES);
  const run = runRules(inv, selected, {
    exceptions: [...(options.exceptions ?? []), ...fromAnnotations.exceptions],
    ...(options.now === undefined ? {} : { now: options.now }),
  });
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'ktm', version: ktmVersion() },
    cluster: inv.cluster,
    inventory: summarizeInventory(inv),
    coverage: inv.coverage,
    diagnostics: [...inv.diagnostics, ...fromAnnotations.diagnostics, ...run.diagnostics],
    findings: run.findings,
    suppressed: run.suppressed,
    rules: run.rules,
    exceptions: run.exceptions,
  };
}
