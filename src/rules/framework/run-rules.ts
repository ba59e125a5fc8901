// The rule runner: run the selected rules over one inventory, catch rule bugs, apply exceptions, count results.
import type { Inventory } from '../../collect/inventory.js';
import type { Diagnostic } from '../../errors.js';
import { refToString, type Evidence, type Ref, type Severity } from '../../types.js';
import type { Finding } from '../finding.js';
import { Analyses } from '../../analysis/analyses.js';
import {
  componentRef,
  createRuleContext,
  howToCollect,
  RuleRunShared,
  type ResultSink,
  type RuleContext,
} from './context.js';
import { describeMissing, missingKinds, missingSettings } from './inputs.js';
import { ruleSeverity, type AnyRule, type Tier } from './define-rule.js';
import { applyExceptions, type RuleException, type SuppressedFinding } from './exceptions.js';

export type RuleStatus = 'pass' | 'fail' | 'unverifiable' | 'error';

/** One rule's outcome: subjects examined, and how many failed, could not be decided, or were suppressed. */
export interface RuleResult {
  readonly rule: string;
  readonly tier: Tier;
  readonly severity: Severity;
  readonly title: string;
  readonly status: RuleStatus;
  readonly examined: number;
  readonly pass: number;
  readonly fail: number;
  readonly unverifiable: number;
  readonly suppressed: number;
}

export interface RulesSummary {
  readonly results: readonly RuleResult[];
  /** Rules by status. */
  readonly totals: Readonly<Record<RuleStatus, number>>;
}

/** A rule's status from its subjects: an internal error first, then any failure, then anything undecided. */
export function ruleStatus(error: boolean, failed: number, unverifiable: number): RuleStatus {
  if (error) return 'error';
  if (failed > 0) return 'fail';
  return unverifiable > 0 ? 'unverifiable' : 'pass';
}

export interface ExceptionsSummary {
  /** Exceptions past their expiry date: they no longer suppress anything. */
  readonly expired: readonly RuleException[];
  /** File exceptions that matched no finding. */
  readonly unused: readonly RuleException[];
}

export interface RuleRun {
  readonly findings: readonly Finding[];
  readonly suppressed: readonly SuppressedFinding[];
  readonly rules: RulesSummary;
  readonly exceptions: ExceptionsSummary;
  readonly diagnostics: readonly Diagnostic[];
}

export interface RunOptions {
  readonly exceptions?: readonly RuleException[];
  /** The time exceptions' expiry is judged against (tests pin it). */
  readonly now?: Date;
  /** The run's analyses (assess passes the one every other consumer reads); a fresh one when absent. */
  readonly analyses?: Analyses;
}

interface Collected {
  readonly findings: Map<string, Finding>;
  /**
   * Per finding id, its evidence so far and the keys of that evidence: merging stays linear in the evidence. The
   * keys are computed on the first merge: most findings are reported once and never need them.
   */
  readonly evidence: Map<string, { readonly list: Evidence[]; keys?: Set<string> }>;
  readonly examined: Set<string>;
  error?: string;
}

/**
 * Same id reported twice: one finding, evidence merged, fail outranking unverifiable. The evidence
 * gathered so far and its keys are kept beside the findings and only the new report is serialised:
 * re-serialising everything on each report was quadratic (a Deployment of 100 containers sharing one
 * YAML anchor reported 100 times took 75 s for a 1 MB file).
 */
function merge(a: Finding, b: Finding, gathered: { readonly list: Evidence[]; keys?: Set<string> }): Finding {
  const keys = (gathered.keys ??= new Set(gathered.list.map((e) => JSON.stringify(e))));
  for (const e of b.evidence) {
    const key = JSON.stringify(e);
    if (keys.has(key)) continue;
    keys.add(key);
    gathered.list.push(e);
  }
  const status = a.status === 'fail' || b.status === 'fail' ? 'fail' : 'unverifiable';
  const first = a.status === status ? a : b;
  return { ...first, status, evidence: gathered.list };
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const t of items) {
    const k = key(t);
    const list = out.get(k);
    if (list === undefined) out.set(k, [t]);
    else list.push(t);
  }
  return out;
}

/**
 * The rule's declared inputs against what was read: each missing one is an unverifiable result naming it (so the
 * rule cannot pass), and when a kind whose absence the rule reports is missing, its failures become unverifiable.
 */
function enforceInputs(inv: Inventory, rule: AnyRule, ctx: RuleContext, collected: Collected): void {
  const inputs = rule.meta.inputs;
  const absence = missingKinds(inv, inputs.absence ?? []);
  if (absence.length > 0) {
    const what = describeMissing(absence);
    for (const [id, f] of collected.findings)
      if (f.status === 'fail')
        collected.findings.set(id, {
          ...f,
          status: 'unverifiable',
          message: `cannot be decided: ${what} not read, so this may be wrong: ${f.message}`,
          missing: `${what}: ${absence.map((m) => m.reason ?? `grant ktm list on ${m.input}`).join('; ')}`,
        });
  }
  // One result names every kind not read (its subject is the rule's inputs); one per component without settings.
  const kinds = missingKinds(inv, [...inputs.kinds, ...(inputs.absence ?? [])]);
  if (kinds.length > 0) {
    const hint =
      inv.coverage.mode === 'manifests'
        ? ': add them to the manifests, or pass --complete when the files are the whole cluster'
        : kinds.some((k) => k.state === 'forbidden')
          ? ': grant ktm list on them (deploy/ holds its ClusterRole)'
          : '';
    ctx.unverifiable({
      subject: { kind: 'RuleInputs', name: rule.meta.id },
      missing: `not read: ${describeMissing(kinds)}${hint}`,
    });
  }
  for (const m of missingSettings(inv, inputs.settings ?? []))
    if (m.component !== undefined)
      ctx.unverifiable({ subject: componentRef(m.component), missing: howToCollect(m.component) });
}

/** Runs `rules` (already selected, registry order) over the inventory. Never throws for a rule's bug. */
export function runRules(inv: Inventory, rules: readonly AnyRule[], options: RunOptions = {}): RuleRun {
  const shared = new RuleRunShared(options.analyses ?? new Analyses(inv));
  const perRule = new Map<string, Collected>();
  const diagnostics: Diagnostic[] = [];
  for (const rule of rules) {
    const collected: Collected = { findings: new Map(), evidence: new Map(), examined: new Set() };
    perRule.set(rule.meta.id, collected);
    const sink: ResultSink = {
      add(f) {
        const prev = collected.findings.get(f.id);
        if (prev === undefined) {
          const list = [...f.evidence];
          collected.evidence.set(f.id, { list });
          collected.findings.set(f.id, { ...f, evidence: list });
          return;
        }
        collected.findings.set(f.id, merge(prev, f, collected.evidence.get(f.id)!));
      },
      examine(_rule, subject: Ref) {
        collected.examined.add(refToString(subject));
      },
    };
    const ctx = createRuleContext(rule.meta, shared, sink);
    try {
      rule.check(ctx);
      enforceInputs(inv, rule, ctx, collected);
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      collected.error = e.message;
      diagnostics.push({
        severity: 'error',
        where: `rule ${rule.meta.id}`,
        message: `internal error: ${e.message} (this is a bug in ktm; its other rules still ran; please report it)`,
      });
    }
  }

  const all = [...perRule.values()]
    .flatMap((c) => [...c.findings.values()])
    // Code-unit order, not localeCompare: the same on every machine and an order of magnitude faster on 10⁵ findings.
    .sort((a, b) => byCodeUnits(a.rule, b.rule) || byCodeUnits(a.id, b.id));
  const outcome = applyExceptions(all, options.exceptions ?? [], options.now ?? new Date());
  for (const e of outcome.expired)
    diagnostics.push({
      severity: 'warning',
      where: e.origin.where,
      message: `exception for ${e.rule}${e.variant ? `#${e.variant}` : ''} on ${e.subject} expired on ${e.expires ?? ''}; it no longer suppresses findings`,
    });

  const keptByRule = groupBy(outcome.kept, (f) => f.rule);
  const suppressedByRule = groupBy(outcome.suppressed, (s) => s.finding.rule);
  const results = rules.map((rule): RuleResult => {
    const c = perRule.get(rule.meta.id)!;
    const kept = keptByRule.get(rule.meta.id) ?? [];
    const failed = new Set(kept.filter((f) => f.status === 'fail').map((f) => refToString(f.subject)));
    const unverifiable = new Set(
      kept.filter((f) => f.status === 'unverifiable').map((f) => refToString(f.subject)),
    );
    for (const s of failed) unverifiable.delete(s);
    const suppressed = suppressedByRule.get(rule.meta.id) ?? [];
    const examined = new Set([...c.examined, ...[...c.findings.values()].map((f) => refToString(f.subject))]);
    const suppressedSubjects = new Set(suppressed.map((s) => refToString(s.finding.subject)));
    const pass = [...examined].filter(
      (s) => !failed.has(s) && !unverifiable.has(s) && !suppressedSubjects.has(s),
    ).length;
    const status = ruleStatus(c.error !== undefined, failed.size, unverifiable.size);
    return {
      rule: rule.meta.id,
      tier: rule.meta.tier,
      severity: ruleSeverity(rule.meta),
      title: rule.meta.title,
      status,
      examined: examined.size,
      pass,
      fail: failed.size,
      unverifiable: unverifiable.size,
      suppressed: suppressed.length,
    };
  });
  const totals: Record<RuleStatus, number> = { pass: 0, fail: 0, unverifiable: 0, error: 0 };
  for (const r of results) totals[r.status] += 1;

  return {
    findings: outcome.kept,
    suppressed: outcome.suppressed,
    rules: { results, totals },
    exceptions: { expired: outcome.expired, unused: outcome.unused },
    diagnostics,
  };
}
