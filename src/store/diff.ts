// What changed between two assessments of one cluster: findings, components, flows, zone criticality, assumptions, drift.
import type { Assessment } from '../assess.js';
import type { Finding } from '../rules/finding.js';
import type { CriticalityRating, Level } from '../analysis/criticality.js';

/** The parts of an assessment a diff reads (a stored document may come from an older ktm: every part is optional). */
export type DiffInput = Pick<
  Partial<Assessment>,
  'findings' | 'model' | 'criticality' | 'assumptions' | 'drift'
>;

export interface FindingChange {
  readonly id: string;
  readonly rule: string;
  readonly severity: string;
  readonly zone: string;
  readonly message: string;
}

export interface SeverityChange {
  readonly id: string;
  readonly before: string;
  readonly after: string;
}

export interface CriticalityChange {
  readonly zone: string;
  readonly name: string;
  readonly dimension: 'confidentiality' | 'integrity' | 'availability';
  readonly before: Level;
  readonly after: Level;
}

export interface AssumptionChange {
  readonly id: string;
  readonly text: string;
  readonly before: string;
  readonly after: string;
}

export interface NamedChange {
  readonly id: string;
  readonly text: string;
}

export interface AssessmentDiff {
  readonly findings: {
    readonly new: readonly FindingChange[];
    readonly resolved: readonly FindingChange[];
    /** Same finding, another status (fail ↔ unverifiable) or severity. */
    readonly changed: readonly SeverityChange[];
  };
  readonly components: { readonly added: readonly NamedChange[]; readonly removed: readonly NamedChange[] };
  readonly flows: { readonly added: readonly NamedChange[]; readonly removed: readonly NamedChange[] };
  readonly criticality: readonly CriticalityChange[];
  readonly assumptions: readonly AssumptionChange[];
  readonly drift: { readonly appeared: readonly NamedChange[]; readonly gone: readonly NamedChange[] };
}

const byId = <T extends { readonly id: string }>(xs: readonly T[] | undefined): Map<string, T> =>
  new Map((xs ?? []).map((x) => [x.id, x]));

const sortById = <T extends { readonly id: string }>(xs: T[]): T[] =>
  xs.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

function added<T extends { readonly id: string }, R>(
  before: Map<string, T>,
  after: Map<string, T>,
  map: (x: T) => R,
): R[] {
  const out: { id: string; r: R }[] = [];
  for (const [id, x] of after) if (!before.has(id)) out.push({ id, r: map(x) });
  return sortById(out).map((o) => o.r);
}

const findingChange = (f: Finding): FindingChange => ({
  id: f.id,
  rule: f.rule,
  severity: f.severity,
  zone: f.zone,
  message: f.message,
});

const statusAndSeverity = (f: Finding): string => `${f.status} ${f.severity}`;

function criticalityChanges(
  before: readonly CriticalityRating[] | undefined,
  after: readonly CriticalityRating[] | undefined,
): CriticalityChange[] {
  const old = byId(before);
  const out: CriticalityChange[] = [];
  for (const z of after ?? []) {
    const b = old.get(z.id);
    if (b === undefined) continue;
    for (const dimension of ['confidentiality', 'integrity', 'availability'] as const) {
      if (b[dimension].level !== z[dimension].level)
        out.push({
          zone: z.id,
          name: z.name,
          dimension,
          before: b[dimension].level,
          after: z[dimension].level,
        });
    }
  }
  return out.sort((a, b) => a.zone.localeCompare(b.zone) || a.dimension.localeCompare(b.dimension));
}

/** The differences from `before` to `after` (each list sorted by id, so a diff is deterministic). */
export function diffAssessments(before: DiffInput, after: DiffInput): AssessmentDiff {
  const fb = byId(before.findings);
  const fa = byId(after.findings);
  const changed: SeverityChange[] = [];
  for (const [id, f] of fa) {
    const b = fb.get(id);
    if (b !== undefined && statusAndSeverity(b) !== statusAndSeverity(f))
      changed.push({ id, before: statusAndSeverity(b), after: statusAndSeverity(f) });
  }
  const cb = byId(before.model?.components);
  const ca = byId(after.model?.components);
  const flb = byId(before.model?.flows);
  const fla = byId(after.model?.flows);
  const ab = byId(before.assumptions);
  const assumptions: AssumptionChange[] = [];
  for (const a of after.assumptions ?? []) {
    const b = ab.get(a.id);
    if (b !== undefined && b.result !== a.result)
      assumptions.push({ id: a.id, text: a.text, before: b.result, after: a.result });
  }
  const db = byId(before.drift);
  const da = byId(after.drift);
  const component = (c: { id: string; name: string }): NamedChange => ({ id: c.id, text: c.name });
  const flow = (f: { id: string; purpose?: string }): NamedChange => ({ id: f.id, text: f.purpose ?? '' });
  const drift = (d: { id: string; message: string }): NamedChange => ({ id: d.id, text: d.message });
  return {
    findings: {
      new: added(fb, fa, findingChange),
      resolved: added(fa, fb, findingChange),
      changed: sortById(changed),
    },
    components: { added: added(cb, ca, component), removed: added(ca, cb, component) },
    flows: { added: added(flb, fla, flow), removed: added(fla, flb, flow) },
    criticality: criticalityChanges(before.criticality?.zones, after.criticality?.zones),
    assumptions: sortById(assumptions),
    drift: { appeared: added(db, da, drift), gone: added(da, db, drift) },
  };
}

/** True when nothing changed. */
export function diffIsEmpty(d: AssessmentDiff): boolean {
  return (
    d.findings.new.length + d.findings.resolved.length + d.findings.changed.length === 0 &&
    d.components.added.length + d.components.removed.length === 0 &&
    d.flows.added.length + d.flows.removed.length === 0 &&
    d.criticality.length + d.assumptions.length === 0 &&
    d.drift.appeared.length + d.drift.gone.length === 0
  );
}
