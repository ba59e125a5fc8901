// Plans issues as root causes: attack paths grouped by the step whose removal cuts the most of them, and findings
// of one rule in one zone that share one remediation and one owner grouped into one issue listing the subjects.
// Nothing is lost: every discrepancy is covered by exactly one planned issue, which lists what it covers.
import { createHash } from 'node:crypto';
import { resolveRule } from '../rules/framework/select.js';
import { RULES } from '../rules/registry.js';
import { refToString, severityRank, type Evidence, type Ref, type Severity } from '../types.js';
import { plural } from '../text/plural.js';
import { isCuttable } from '../analysis/privilege/attack-graph.js';
import type { CoveredDiscrepancy, Discrepancy } from './discrepancy.js';
import type { Ownership } from './discrepancies.js';

/** The rule whose findings are attack paths (src/rules/placement/attack-path.ts). */
export const ATTACK_PATH_RULE = 'attack-path';

/** One step of an attack path, as the assessment's JSON holds it (assessment.attackGraph.paths[].steps). */
export interface PlanPathStep {
  readonly type: string;
  readonly from: Ref;
  readonly to: Ref;
  readonly control: string;
  readonly evidence: readonly Evidence[];
}

export interface PlanPath {
  readonly entry: Ref;
  readonly jewel: string;
  readonly steps: readonly PlanPathStep[];
}

export interface PlanInput {
  readonly discrepancies: readonly Discrepancy[];
  /** The assessment's attack paths (`assessment.attackGraph.paths`): the steps a cut is chosen from. */
  readonly attackPaths?: readonly unknown[];
  /** Zones and owners of the model: a cut step's issue belongs to the zone holding the step. */
  readonly ownership?: Ownership;
}

const covered = (d: Discrepancy): CoveredDiscrepancy => ({
  kind: d.kind,
  key: d.key,
  title: d.title,
  severity: d.severity,
  ...(d.subject === undefined ? {} : { subject: d.subject }),
});

const worst = (ds: readonly Discrepancy[]): Severity =>
  ds.reduce<Severity>((s, d) => (severityRank(d.severity) > severityRank(s) ? d.severity : s), 'info');

const union = (lists: readonly (readonly string[])[]): string[] => [...new Set(lists.flat())].sort();

/** Plans the issues for a set of discrepancies: one per root cause, each saying which discrepancies it covers. */
export function planIssues(input: PlanInput): Discrepancy[] {
  const paths = indexPaths(input.attackPaths ?? []);
  const pathFindings: { d: Discrepancy; path: PlanPath }[] = [];
  const findings: Discrepancy[] = [];
  const out: Discrepancy[] = [];
  for (const d of input.discrepancies) {
    const path = d.rule === ATTACK_PATH_RULE ? paths.get(d.key) : undefined;
    if (path !== undefined && path.steps.length > 0) pathFindings.push({ d, path });
    else if (d.kind === 'finding' && d.rule !== ATTACK_PATH_RULE && d.rule !== undefined) findings.push(d);
    // Assumptions, drift items and a path whose steps are unknown are each their own root cause.
    else out.push({ ...d, covers: [covered(d)] });
  }
  out.push(...cutPaths(pathFindings, input.ownership));
  out.push(...groupFindings(findings));
  return out;
}

/** The attack paths by the key of the finding the attack-path rule reports for each (its first path per entry and jewel). */
function indexPaths(json: readonly unknown[]): Map<string, PlanPath> {
  const byKey = new Map<string, PlanPath>();
  for (const p of json) {
    if (!isPlanPath(p)) continue;
    const key = `${ATTACK_PATH_RULE}@${refToString(p.entry)}#${p.jewel}`;
    if (!byKey.has(key)) byKey.set(key, p);
  }
  return byKey;
}

function isRef(x: unknown): x is Ref {
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof (x as Ref).kind === 'string' &&
    typeof (x as Ref).name === 'string' &&
    ((x as Ref).namespace === undefined || typeof (x as Ref).namespace === 'string')
  );
}

function isPlanPath(x: unknown): x is PlanPath {
  if (typeof x !== 'object' || x === null) return false;
  const p = x as Partial<PlanPath>;
  return (
    isRef(p.entry) &&
    typeof p.jewel === 'string' &&
    Array.isArray(p.steps) &&
    p.steps.every(
      (s: Partial<PlanPathStep>) =>
        typeof s.type === 'string' &&
        isRef(s.from) &&
        isRef(s.to) &&
        typeof s.control === 'string' &&
        Array.isArray(s.evidence),
    )
  );
}

const stepKey = (s: PlanPathStep): string => `${s.type} ${refToString(s.from)} -> ${refToString(s.to)}`;

/**
 * Attack paths grouped by the control that cuts them.
 *
 * Removing one step (one edge of the privilege graph) cuts every listed path that goes through it. Choosing the
 * fewest steps whose removal cuts every path is a minimum hitting set over the paths' step sets (set cover on the
 * dual), NP-hard in general, so we use the greedy algorithm, which is within a factor ln(paths) of the optimum and
 * matches how a team works: pick the step on the most paths not yet cut, file one issue for it listing those
 * paths, remove them, repeat until every path is cut. Ties go to the step on more paths overall (its fix also
 * shortens paths already filed), then to the step nearer the crown jewel (fewer alternatives lead there), then
 * to the step key, so the plan is deterministic. Each path is covered by exactly one issue; an issue also names
 * the paths filed elsewhere that its step cuts too. A step whose control is "none" (a pod's own containers) is
 * never chosen while its path has another step.
 */
function cutPaths(
  items: readonly { d: Discrepancy; path: PlanPath }[],
  ownership: Ownership | undefined,
): Discrepancy[] {
  const onStep = new Map<string, { step: PlanPathStep; paths: Set<number>; fromEnd: number }>();
  items.forEach(({ path }, i) => {
    // Steps nothing cuts (a pod's own containers) are no candidates, unless a path has no other step.
    const cuttable = path.steps.some((s) => isCuttable(s.control));
    path.steps.forEach((step, at) => {
      if (cuttable && !isCuttable(step.control)) return;
      const key = stepKey(step);
      const entry = onStep.get(key) ?? { step, paths: new Set<number>(), fromEnd: Infinity };
      entry.paths.add(i);
      entry.fromEnd = Math.min(entry.fromEnd, path.steps.length - 1 - at);
      onStep.set(key, entry);
    });
  });
  const uncut = new Set(items.map((_, i) => i));
  const out: Discrepancy[] = [];
  while (uncut.size > 0) {
    let best: { key: string; gain: number; total: number; fromEnd: number } | undefined;
    for (const [key, s] of onStep) {
      let gain = 0;
      for (const i of s.paths) if (uncut.has(i)) gain++;
      const candidate = { key, gain, total: s.paths.size, fromEnd: s.fromEnd };
      if (
        best === undefined ||
        gain > best.gain ||
        (gain === best.gain &&
          (candidate.total > best.total ||
            (candidate.total === best.total &&
              (candidate.fromEnd < best.fromEnd || (candidate.fromEnd === best.fromEnd && key < best.key)))))
      )
        best = candidate;
    }
    // Every path has at least one step, so the best step cuts at least one uncut path.
    const chosen = onStep.get(best!.key)!;
    const mine = [...chosen.paths].filter((i) => uncut.has(i)).sort((a, b) => a - b);
    const alsoCuts = chosen.paths.size - mine.length;
    for (const i of mine) uncut.delete(i);
    out.push(
      cutIssue(
        best!.key,
        chosen.step,
        mine.map((i) => items[i]!.d),
        alsoCuts,
        ownership,
      ),
    );
  }
  return out;
}

function cutIssue(
  key: string,
  step: PlanPathStep,
  paths: readonly Discrepancy[],
  alsoCuts: number,
  ownership: Ownership | undefined,
): Discrepancy {
  const zone =
    ownership?.zoneOf(step.from) ?? ownership?.zoneOf(step.to) ?? commonZone(paths) ?? paths[0]!.zone;
  const owner = ownership?.ownerOf(zone);
  const label = (r: Ref): string => refToString(r);
  return {
    kind: 'finding',
    key: `cut:${key}`,
    // The fingerprint follows the step, not the paths it cuts: it stays while paths come and go.
    identity: ['cut', key],
    title: `Cut ${plural(paths.length, 'attack path')} at one step: ${step.type} ${label(step.from)} → ${label(step.to)}`,
    zone,
    ...(owner === undefined ? {} : { owner }),
    relatedTeams: union([...paths.map((p) => p.relatedTeams), ownership?.relatedTeams(zone) ?? []]).filter(
      (t) => t !== owner,
    ),
    severity: worst(paths),
    subject: step.from,
    statement:
      `Removing the step ${step.type} from ${label(step.from)} to ${label(step.to)} cuts ` +
      `${plural(paths.length, 'attack path')} listed under Covers` +
      (alsoCuts > 0 ? ` and ${plural(alsoCuts, 'more path')} filed with other steps` : '') +
      `. The control: ${step.control}.`,
    evidence: step.evidence,
    remediation: {
      shortTerm: `Cut this step: ${step.control}.`,
      longTerm: paths[0]!.remediation.longTerm,
    },
    references: union(paths.map((p) => p.references)),
    rule: ATTACK_PATH_RULE,
    covers: paths.map(covered),
  };
}

function commonZone(ds: readonly Discrepancy[]): string | undefined {
  const zones = new Set(ds.map((d) => d.zone));
  return zones.size === 1 ? [...zones][0] : undefined;
}

/** How many pieces of evidence a grouped issue quotes per subject (the assessment JSON keeps all of it). */
const EVIDENCE_PER_SUBJECT = 2;

/**
 * Findings of one rule, in the zone whose boundary the rule weakens, with one remediation and one owning team,
 * are one root cause: one issue listing the subjects. Its key is the rule, zone and owner (plus a digest of the
 * remediation when one rule gives different remediations there), so its fingerprint stays while subjects come
 * and go.
 */
function groupFindings(findings: readonly Discrepancy[]): Discrepancy[] {
  const groups = new Map<string, Discrepancy[]>();
  const base = (d: Discrepancy): string => `${d.rule ?? ''}@${d.ruleZone ?? d.zone}/${d.owner ?? ''}`;
  for (const d of findings) {
    const k = `${base(d)}\u0000${d.remediation.shortTerm}\u0000${d.remediation.longTerm}`;
    (groups.get(k) ?? groups.set(k, []).get(k)!).push(d);
  }
  const remediationsPerBase = new Map<string, number>();
  for (const ds of groups.values()) {
    const b = base(ds[0]!);
    remediationsPerBase.set(b, (remediationsPerBase.get(b) ?? 0) + 1);
  }
  return [...groups.values()].map((ds) => {
    const first = ds[0]!;
    const b = base(first);
    const digest =
      remediationsPerBase.get(b)! > 1
        ? `#${createHash('sha256').update(`${first.remediation.shortTerm}\u0000${first.remediation.longTerm}`).digest('hex').slice(0, 8)}`
        : '';
    const key = `group:${first.rule ?? ''}@${first.ruleZone ?? first.zone}${first.owner === undefined ? '' : `/${first.owner}`}${digest}`;
    const sorted = [...ds].sort(
      (x, y) => severityRank(y.severity) - severityRank(x.severity) || x.key.localeCompare(y.key),
    );
    // The fingerprint follows the group (rule, zone, owner), so one issue stays one issue as subjects come and go.
    const identity = ['group', key];
    if (sorted.length === 1) return { ...first, key, identity, covers: [covered(first)] };
    const rule = resolveRule(RULES, first.rule ?? '');
    const zone = commonZone(sorted) ?? first.ruleZone ?? first.zone;
    return {
      kind: 'finding',
      key,
      identity,
      title: `${rule?.meta.title ?? first.rule ?? 'finding'}: ${plural(sorted.length, 'subject')} in ${zone}`,
      zone,
      ...(first.owner === undefined ? {} : { owner: first.owner }),
      relatedTeams: union(sorted.map((d) => d.relatedTeams)),
      severity: worst(sorted),
      statement:
        `${first.rule ?? 'A rule'} reports ${plural(sorted.length, 'subject')} in zone ${zone} with one ` +
        `remediation${first.owner === undefined ? '' : ` and one owning team (${first.owner})`}, ` +
        `so one team can fix them as one piece of work. Each subject and its own finding are listed under Covers.`,
      evidence: sorted.flatMap((d) => d.evidence.slice(0, EVIDENCE_PER_SUBJECT)),
      remediation: first.remediation,
      references: union(sorted.map((d) => d.references)),
      ...(first.rule === undefined ? {} : { rule: first.rule }),
      ...(first.ruleZone === undefined ? {} : { ruleZone: first.ruleZone }),
      covers: sorted.map(covered),
    };
  });
}
