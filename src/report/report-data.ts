// What the review reports (HTML, Markdown, SARIF) show, derived once from an Assessment: summary counts, coverage
// gaps, findings placed in their innermost zone with its owner, attack paths, issue drafts. Plain data, unescaped:
// each renderer escapes for its own format.
import type { Assessment } from '../assess.js';
import { zoneOfSubject, type CriticalityRating, type Level } from '../analysis/criticality.js';
import type { PathStep } from '../analysis/privilege/attack-paths.js';
import type { VertexRef } from '../analysis/privilege/attack-graph.js';
import { buildDiscrepancies, Ownership } from '../issues/discrepancies.js';
import { draftIssues } from '../issues/drafts.js';
import type { IssueDraft } from '../issues/draft.js';
import type { TrustZone } from '../model/types.js';
import type { AssumptionResult } from '../assumptions/result.js';
import { RULES } from '../rules/registry.js';
import type { Finding } from '../rules/finding.js';
import { SEVERITIES, severityRank, type Severity } from '../types.js';

/** The rule catalogue by id (titles for findings, metadata for SARIF). */
export const RULE_META = new Map(RULES.map((r) => [r.meta.id, r.meta]));

export interface PlacedFinding {
  readonly finding: Finding;
  readonly title: string;
  /** Innermost zone of the subject, else the top-level zone the rule names. */
  readonly zoneId: string;
  readonly zoneName: string;
  /** The audit zone (top level) it lies in. */
  readonly topZone: string;
  readonly owner?: string;
}

export interface ReportPath {
  readonly entry: VertexRef;
  readonly entryKind: string;
  readonly jewel: string;
  readonly target: VertexRef;
  readonly steps: readonly PathStep[];
}

export interface CoverageGap {
  readonly what: string;
  readonly state: string;
  readonly reason: string;
}

export interface ReportData {
  readonly findings: readonly PlacedFinding[];
  /** Failed findings per severity, worst first. */
  readonly bySeverity: readonly {
    readonly severity: Severity;
    readonly fail: number;
    readonly unverifiable: number;
  }[];
  /** Failed findings per top-level zone and severity. */
  readonly byZone: readonly { readonly zone: string; readonly counts: Readonly<Record<Severity, number>> }[];
  readonly gaps: readonly CoverageGap[];
  /** Rules that could not decide, with the data they miss. */
  readonly unverifiable: readonly {
    readonly rule: string;
    readonly title: string;
    readonly missing: string;
    readonly count: number;
  }[];
  readonly paths: readonly ReportPath[];
  readonly drafts: readonly IssueDraft[];
  readonly zoneById: ReadonlyMap<string, TrustZone>;
  readonly ratingById: ReadonlyMap<string, CriticalityRating>;
  /** Zone ids from the root down to the zone. */
  readonly chain: (zoneId: string) => readonly string[];
}

const LEVEL_ORDER: readonly Level[] = ['Low', 'Medium', 'High', 'Critical'];

/** The highest of a rating's three levels. */
export function worstLevel(r: CriticalityRating | undefined): Level | undefined {
  if (r === undefined) return undefined;
  return [r.confidentiality.level, r.integrity.level, r.availability.level].sort(
    (a, b) => LEVEL_ORDER.indexOf(b) - LEVEL_ORDER.indexOf(a),
  )[0];
}

/**
 * The team an assumption belongs to: its own owner, else the owner of its zone (given by id or name) or of the
 * nearest enclosing zone that has one.
 */
export function assumptionOwner(a: Assessment, x: AssumptionResult): string | undefined {
  if (x.owner !== undefined) return x.owner;
  if (x.zone === undefined) return undefined;
  let cur = a.model.zones.find((z) => z.id === x.zone) ?? a.model.zones.find((z) => z.name === x.zone);
  for (let i = 0; cur !== undefined && i < 64; i++) {
    const owner = a.owners[cur.id];
    if (owner !== undefined) return owner;
    const parent: string | undefined = cur.parent;
    cur = parent === undefined ? undefined : a.model.zones.find((z) => z.id === parent);
  }
  return undefined;
}

export function buildReportData(a: Assessment): ReportData {
  const zoneById = new Map(a.model.zones.map((z) => [z.id, z]));
  const ratingById = new Map(a.criticality.zones.map((r) => [r.id, r]));
  const chain = (id: string): string[] => {
    const out: string[] = [];
    let cur: string | undefined = id;
    while (cur !== undefined && !out.includes(cur)) {
      out.unshift(cur);
      cur = zoneById.get(cur)?.parent;
    }
    return out;
  };
  const topByName = new Map(
    a.model.zones.filter((z) => z.parent === undefined).map((z) => [z.name.toLowerCase(), z.id]),
  );
  const findings = [...a.findings]
    .sort(
      (x, y) =>
        severityRank(y.severity) - severityRank(x.severity) || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0),
    )
    .map((f): PlacedFinding => {
      const zoneId =
        zoneOfSubject(a.model, f.subject) ??
        (zoneById.has(f.zone) ? f.zone : topByName.get(f.zone.toLowerCase())) ??
        f.zone;
      const top = chain(zoneId)[0] ?? zoneId;
      const owner = a.owners[zoneId] ?? a.owners[top];
      return {
        finding: f,
        title: RULE_META.get(f.rule)?.title ?? f.rule,
        zoneId,
        zoneName: zoneById.get(zoneId)?.name ?? f.zone,
        topZone: zoneById.get(top)?.name ?? f.zone,
        ...(owner === undefined ? {} : { owner }),
      };
    });
  const bySeverity = [...SEVERITIES].reverse().map((severity) => ({
    severity,
    fail: a.findings.filter((f) => f.severity === severity && f.status === 'fail').length,
    unverifiable: a.findings.filter((f) => f.severity === severity && f.status === 'unverifiable').length,
  }));
  const zoneCounts = new Map<string, Record<Severity, number>>();
  for (const z of a.model.zones.filter((x) => x.parent === undefined))
    zoneCounts.set(z.name, { info: 0, low: 0, medium: 0, high: 0, critical: 0 });
  for (const p of findings) {
    if (p.finding.status !== 'fail') continue;
    const counts = zoneCounts.get(p.topZone) ?? { info: 0, low: 0, medium: 0, high: 0, critical: 0 };
    counts[p.finding.severity]++;
    zoneCounts.set(p.topZone, counts);
  }
  const gaps: CoverageGap[] = [
    ...a.coverage.resources
      .filter((r) => r.state !== 'read')
      .map((r) => ({ what: r.resource, state: r.state, reason: r.reason ?? '' })),
    ...a.coverage.facts
      .filter((f) => f.state !== 'read')
      .map((f) => ({
        what: f.subject === undefined ? f.fact : `${f.fact} (${f.subject})`,
        state: f.state,
        reason: f.reason ?? '',
      })),
  ];
  const unverifiable = new Map<string, { rule: string; title: string; missing: string; count: number }>();
  for (const f of a.findings) {
    if (f.status !== 'unverifiable') continue;
    const u = unverifiable.get(f.rule) ?? {
      rule: f.rule,
      title: RULE_META.get(f.rule)?.title ?? f.rule,
      missing: f.missing ?? '',
      count: 0,
    };
    u.count++;
    unverifiable.set(f.rule, u);
  }
  const ownership = new Ownership({ model: a.model, owners: new Map(Object.entries(a.owners)) });
  const drafts = draftIssues(
    buildDiscrepancies({
      findings: a.findings,
      assumptions: a.assumptions,
      drift: a.drift,
      ownership,
      threshold: 'high',
    }),
  );
  return {
    findings,
    bySeverity,
    byZone: [...zoneCounts].map(([zone, counts]) => ({ zone, counts })),
    gaps,
    unverifiable: [...unverifiable.values()].sort((x, y) => (x.rule < y.rule ? -1 : 1)),
    paths: a.attackGraph.paths as readonly ReportPath[],
    drafts,
    zoneById,
    ratingById,
    chain,
  };
}
