// The assess stage: run the pipeline over an Inventory and return one serialisable, deterministic Assessment.
import type { Inventory, ClusterInfo } from './collect/inventory.js';
import { partialReadNote, type Coverage } from './collect/coverage.js';
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
import type { DeriveOptions, Model } from './model/index.js';
import { Analyses, type AnalysesOptions } from './analysis/analyses.js';
import { checkHeap } from './collect/memory-guard.js';
import type { PrivilegeGraph } from './analysis/privilege/build-graph.js';
import type { PathResult } from './analysis/privilege/attack-paths.js';
import { pathsToJson } from './analysis/privilege/render-paths.js';
import type { ThreatModelFile } from './assumptions/threat-model-file.js';
import { evaluateAssumptions } from './assumptions/evaluate.js';
import type { AssumptionResult } from './assumptions/result.js';
import { computeDrift, type DriftItem } from './assumptions/drift.js';
import { privilegeAnswers } from './assumptions/privilege-answers.js';
import { threatModelZonesFile, declaredOwners } from './assumptions/declared-zones.js';
import type { FindingTriage } from './rules/framework/triage.js';
import type { Placement } from './analysis/placement.js';
import {
  rateCriticality,
  raiseForCriticality,
  type Criticality,
  type RaisedFinding,
} from './analysis/criticality.js';
import type { ProbeRun } from './collect/probe/types.js';
import {
  decideFindings,
  probeAssumptions,
  probeDiscrepancies,
  probeSection,
  recountRules,
  type ProbeSection,
} from './assess-probes.js';

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
  /** Present when some resource types were not read: what is missing, in one line (also printed on stderr). */
  readonly partial?: string;
  readonly diagnostics: readonly Diagnostic[];
  /** Findings, those in zones rated Critical raised one level (with the reason in severityRaise). */
  readonly findings: readonly RaisedFinding[];
  /** Findings an exception (annotation or exceptions file) suppressed, each with its exception. */
  readonly suppressed: readonly SuppressedFinding[];
  /** Per rule: status and pass/fail/unverifiable counts (the rules' part of the coverage summary). */
  readonly rules: RulesSummary;
  /** Exceptions that expired (no longer suppress) or matched nothing. */
  readonly exceptions: ExceptionsSummary;
  /** The data-flow model: components, flows and nested trust zones (zone names and members as declared, when a threat model is given). */
  readonly model: Model;
  /** Owning team per zone id, from the threat model (children inherit). */
  readonly owners: Readonly<Record<string, string>>;
  /** The privilege graph's edges (all of them up to ATTACK_GRAPH_EDGE_LIMIT, else the edges on the paths) and the worst paths. */
  readonly attackGraph: AttackGraphJson;
  /** The declared assumptions, each confirmed, contradicted or unverifiable (empty without a threat model). */
  readonly assumptions: readonly AssumptionResult[];
  /** Differences between the declared and the observed threat model (empty without a threat model). */
  readonly drift: readonly DriftItem[];
  /** Confidentiality, integrity and availability of every zone and component, each with its reasons. */
  readonly criticality: Criticality;
  /** What runs next to what: control-plane nodes, replica spread, escape-capable neighbours, capacity. */
  readonly placement: Placement;
  /** The teams' triage of findings, from the assessment store (present only when the assessment used a store). */
  readonly triage?: readonly FindingTriage[];
  /** What `ktm assess --probe` observed on the endpoints, and what it confirmed or contradicted (absent without probes). */
  readonly probes?: ProbeSection;
}

/** Above this many edges the JSON carries only the edges on the reported paths (the count says so). */
export const ATTACK_GRAPH_EDGE_LIMIT = 20_000;

export interface AttackGraphJson {
  readonly vertices: number;
  readonly totalEdges: number;
  /** 'all' or 'paths' (only the edges the reported paths follow). */
  readonly edgesIncluded: 'all' | 'paths';
  readonly edges: readonly unknown[];
  readonly entryPoints: readonly unknown[];
  readonly crownJewels: Readonly<Record<string, unknown>>;
  readonly paths: readonly unknown[];
  /** Paths found before the limit cut the list. */
  readonly totalPaths: number;
  readonly limits: readonly string[];
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
  /** The declared threat model (threatmodel.yaml): its zones override the derived ones, its assumptions are checked. */
  readonly threatModel?: ThreatModelFile;
  /** Model options (a zones file, a tenant label); a threat model's zones are applied after them. */
  readonly modelOptions?: Omit<DeriveOptions, 'network'>;
  /** Attack paths reported (default 50). */
  readonly pathLimit?: number;
  /** Probe results (runProbes): they decide unverifiable findings and assumptions and are reported beside the configuration. */
  readonly probes?: ProbeRun;
  /**
   * Told, at the end, each stage's own time (the benchmark prints them). With it, the analyses are computed in
   * stage order before the rules run (they would be computed anyway, on the rules' first use), so each is timed
   * on its own.
   */
  readonly onStages?: (times: Readonly<Record<AssessStage, StageTime>>) => void;
}

/** The stages of one assessment, in the order they are timed. */
export type AssessStage = 'model' | 'reachability' | 'privilege' | 'rules' | 'criticality';

/** Time spent in one stage: wall clock and this process's CPU (which other work on the machine does not inflate). */
export interface StageTime {
  wallMs: number;
  cpuMs: number;
}

function cpuNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Times `compute` as `stage`, then checks the heap (a one-line error instead of a V8 abort on a huge input). */
function timed<T>(times: Partial<Record<AssessStage, StageTime>>, stage: AssessStage, compute: () => T): T {
  const wall = performance.now();
  const cpu = cpuNow();
  const value = compute();
  times[stage] = { wallMs: performance.now() - wall, cpuMs: cpuNow() - cpu };
  checkHeap('assess', `while computing the ${stage} stage`);
  return value;
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

/** The analyses of one assess run: the model gets the zones file and the threat model's zones. */
export function analysesFor(
  inv: Inventory,
  options: Pick<AssessOptions, 'threatModel' | 'modelOptions'> = {},
  onCompute?: AnalysesOptions['onCompute'],
): Analyses {
  const tm = options.threatModel;
  const zonesFile =
    tm === undefined
      ? options.modelOptions?.zonesFile
      : threatModelZonesFile(tm, options.modelOptions?.zonesFile);
  return new Analyses(inv, {
    modelOptions: { ...(options.modelOptions ?? {}), ...(zonesFile === undefined ? {} : { zonesFile }) },
    ...(onCompute === undefined ? {} : { onCompute }),
  });
}

/**
 * Runs the rules, rates criticality (once: findings in Critical zones rise one level, here and nowhere else),
 * confirms assumptions and computes drift. `analyses` is the run's one set of analyses (analysesFor): callers
 * that render more from the same run (the RRA, paths) pass theirs and read it afterwards.
 */
export function assess(
  inv: Inventory,
  options: AssessOptions = {},
  analyses: Analyses = analysesFor(inv, options),
): Assessment {
  const selected = selectRules(RULES, options.rules, options.skipRules);
  const fromAnnotations = annotationExceptions(inv, RULES);
  const times: Partial<Record<AssessStage, StageTime>> = {};
  const stage = <T>(name: AssessStage, compute: () => T): T =>
    options.onStages === undefined ? compute() : timed(times, name, compute);
  if (options.onStages !== undefined) {
    stage('model', () => analyses.model());
    stage('reachability', () => analyses.reachability());
    stage('privilege', () => analyses.worstPaths(options.pathLimit ?? 50));
  }
  const run = stage('rules', () =>
    runRules(inv, selected, {
      exceptions: [...(options.exceptions ?? []), ...fromAnnotations.exceptions],
      ...(options.now === undefined ? {} : { now: options.now }),
      analyses,
    }),
  );
  const tm = options.threatModel;
  const model = analyses.model();
  // Probes decide what configuration left unverifiable, before anything reads the findings.
  const probed =
    options.probes === undefined ? undefined : decideFindings(run.findings, model, options.probes);
  const ruleFindings = probed?.findings ?? run.findings;
  const pg = analyses.privilegeGraph();
  const { placement, criticality } = stage('criticality', () => {
    const placement = analyses.placement();
    const criticality = rateCriticality({
      inventory: inv,
      model,
      privilege: pg,
      placement,
      findings: ruleFindings,
      cascadeOf: (target) => analyses.cascade(target),
    });
    return { placement, criticality };
  });
  if (options.onStages !== undefined) {
    const zero = { wallMs: 0, cpuMs: 0 };
    options.onStages({
      model: times.model ?? zero,
      reachability: times.reachability ?? zero,
      privilege: times.privilege ?? zero,
      rules: times.rules ?? zero,
      criticality: times.criticality ?? zero,
    });
  }
  // Findings in zones rated Critical rise one level (never fall): the same weakness matters more there.
  const findings = ruleFindings.map((f) => raiseForCriticality(f, model, criticality));
  const paths = analyses.worstPaths(options.pathLimit ?? 50);
  const attackGraph = attackGraphJson(pg, paths);
  const plugin = analyses.networkPlugin();
  const judge = (judged: readonly Finding[]): AssumptionResult[] =>
    tm === undefined
      ? []
      : evaluateAssumptions(tm.assumptions, {
          inventory: inv,
          model,
          findings: judged,
          policyEnforcement: { enforces: plugin.enforces, plugin: plugin.plugin, evidence: plugin.evidence },
          privilege: privilegeAnswers(pg, model),
        });
  const partial = partialReadNote(inv.coverage);
  const evaluated = judge(findings);
  const discrepancies = options.probes === undefined ? [] : probeDiscrepancies(model, options.probes);
  const probedAssumptions =
    options.probes === undefined
      ? undefined
      : probeAssumptions(evaluated, model, options.probes, discrepancies, judge(run.findings));
  const assumptions = probedAssumptions?.assumptions ?? evaluated;
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'ktm', version: ktmVersion() },
    cluster: inv.cluster,
    inventory: summarizeInventory(inv),
    coverage: inv.coverage,
    ...(partial === undefined ? {} : { partial }),
    diagnostics: [...inv.diagnostics, ...fromAnnotations.diagnostics, ...run.diagnostics],
    findings,
    suppressed: run.suppressed,
    rules: probed === undefined ? run.rules : recountRules(run.rules, probed.findings),
    exceptions: run.exceptions,
    model,
    owners: tm === undefined ? {} : Object.fromEntries(declaredOwners(tm)),
    attackGraph,
    assumptions,
    drift: tm === undefined ? [] : computeDrift(tm, model),
    criticality,
    placement,
    ...(options.probes === undefined
      ? {}
      : {
          probes: probeSection(
            options.probes,
            discrepancies,
            probed?.decisions ?? [],
            probedAssumptions?.changes ?? [],
          ),
        }),
  };
}

function attackGraphJson(pg: PrivilegeGraph, paths: PathResult): AttackGraphJson {
  const edgesIncluded = pg.graph.edgeCount <= ATTACK_GRAPH_EDGE_LIMIT ? 'all' : 'paths';
  const json = pathsToJson(pg, paths, edgesIncluded) as {
    attackGraph: {
      vertices: number;
      edges: unknown[];
      entryPoints: unknown[];
      crownJewels: Record<string, unknown>;
    };
    paths: unknown[];
    total: number;
    limits: string[];
  };
  return {
    vertices: json.attackGraph.vertices,
    totalEdges: pg.graph.edgeCount,
    edgesIncluded,
    edges: json.attackGraph.edges,
    entryPoints: json.attackGraph.entryPoints,
    crownJewels: json.attackGraph.crownJewels,
    paths: json.paths,
    totalPaths: json.total,
    limits: json.limits,
  };
}
