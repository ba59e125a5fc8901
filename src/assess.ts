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
import { AnalysisCache } from './rules/framework/context.js';
import { checkHeap } from './collect/memory-guard.js';
import { privilegeGraphOf } from './rules/placement/attack-path.js';
import { deriveModel, type DeriveOptions, type Model } from './model/index.js';
import type { PrivilegeGraph } from './analysis/privilege/build-graph.js';
import { findAttackPaths } from './analysis/privilege/attack-paths.js';
import { pathsToJson } from './analysis/privilege/render-paths.js';
import { detectNetworkPlugin } from './analysis/network-plugin.js';
import type { ThreatModelFile } from './assumptions/threat-model-file.js';
import { evaluateAssumptions } from './assumptions/evaluate.js';
import type { AssumptionResult } from './assumptions/result.js';
import { computeDrift, type DriftItem } from './assumptions/drift.js';
import { privilegeAnswers } from './assumptions/privilege-answers.js';
import { threatModelZonesFile, declaredOwners } from './assumptions/declared-zones.js';
import { analysePlacement, type Placement } from './analysis/placement.js';
import type { FindingTriage } from './rules/framework/triage.js';
import { rateCriticality, raiseForCriticality, type Criticality } from './analysis/criticality.js';

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
  readonly modelOptions?: DeriveOptions;
  /** Attack paths reported (default 50). */
  readonly pathLimit?: number;
  /** Told, at the end, each stage's own time (the benchmark prints them). */
  readonly onStages?: (times: Readonly<Record<AssessStage, StageTime>>) => void;
}

/** The stages of one assessment; an analysis computed on a rule's first use counts to its own stage. */
export type AssessStage = 'model' | 'reachability' | 'privilege' | 'rules' | 'criticality';

const STAGE_OF_ANALYSIS: Readonly<Record<string, AssessStage>> = {
  model: 'model',
  reachability: 'reachability',
  'network-endpoints': 'reachability',
  'rbac-index': 'privilege',
  'privilege-graph': 'privilege',
  placement: 'criticality',
};

/** Time spent in one stage: wall clock and this process's CPU (which other work on the machine does not inflate). */
export interface StageTime {
  wallMs: number;
  cpuMs: number;
}

function cpuNow(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Time per stage, each stage's own: time spent in a nested stage counts to that one only. */
class StageClock {
  readonly times: Record<AssessStage, StageTime> = {
    model: { wallMs: 0, cpuMs: 0 },
    reachability: { wallMs: 0, cpuMs: 0 },
    privilege: { wallMs: 0, cpuMs: 0 },
    rules: { wallMs: 0, cpuMs: 0 },
    criticality: { wallMs: 0, cpuMs: 0 },
  };
  private readonly nested: StageTime[] = [];

  time<T>(stage: AssessStage, compute: () => T): T {
    const wall = performance.now();
    const cpu = cpuNow();
    this.nested.push({ wallMs: 0, cpuMs: 0 });
    try {
      const value = compute();
      checkHeap('assess', `while computing the ${stage} stage`);
      return value;
    } finally {
      const spent = { wallMs: performance.now() - wall, cpuMs: cpuNow() - cpu };
      const inner = this.nested.pop()!;
      this.times[stage].wallMs += spent.wallMs - inner.wallMs;
      this.times[stage].cpuMs += spent.cpuMs - inner.cpuMs;
      const outer = this.nested[this.nested.length - 1];
      if (outer !== undefined) {
        outer.wallMs += spent.wallMs;
        outer.cpuMs += spent.cpuMs;
      }
    }
  }
}

/** The rules' analysis cache, timing each analysis it computes under that analysis's stage. */
class TimedAnalysisCache extends AnalysisCache {
  constructor(
    inventory: Inventory,
    private readonly clock: StageClock,
  ) {
    super(inventory);
  }

  override get<T>(key: string, compute: (inventory: Inventory) => T): T {
    const stage = STAGE_OF_ANALYSIS[key];
    return stage === undefined
      ? super.get(key, compute)
      : this.clock.time(stage, () => super.get(key, compute));
  }
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
  const clock = new StageClock();
  // One cache for the rules and this function: the model, the reachability, the RBAC index, the
  // privilege graph and the placement are each computed once per run (the graph was built twice).
  const cache = new TimedAnalysisCache(inv, clock);
  const shared = { shared: <T>(k: string, f: (i: Inventory) => T): T => cache.get(k, f) };
  const tm = options.threatModel;
  const zonesFile =
    tm === undefined
      ? options.modelOptions?.zonesFile
      : threatModelZonesFile(tm, options.modelOptions?.zonesFile);
  const plainModel = options.modelOptions === undefined && zonesFile === undefined;
  const derive = (i: Inventory): Model =>
    deriveModel(i, { ...(options.modelOptions ?? {}), ...(zonesFile === undefined ? {} : { zonesFile }) });
  // The rules' shared model is the one derived without options: share it only when this one is that.
  const model = plainModel ? cache.get('model', derive) : clock.time('model', () => derive(inv));
  const { pg, paths } = clock.time('privilege', () => {
    const graph = privilegeGraphOf(shared);
    return { pg: graph, paths: findAttackPaths(graph, { limit: options.pathLimit ?? 50 }) };
  });
  const fromAnnotations = annotationExceptions(inv, RULES);
  const run = clock.time('rules', () =>
    runRules(inv, selected, {
      exceptions: [...(options.exceptions ?? []), ...fromAnnotations.exceptions],
      ...(options.now === undefined ? {} : { now: options.now }),
      cache,
    }),
  );
  const { criticality, placement, findings } = clock.time('criticality', () => {
    const place = cache.get('placement', (i) => analysePlacement(i, pg));
    const rated = rateCriticality({
      inventory: inv,
      model,
      privilege: pg,
      placement: place,
      findings: run.findings,
    });
    // Findings in zones rated Critical rise one level (never fall): the same weakness matters more there.
    const raised = run.findings.map((f) => raiseForCriticality(f, model, rated));
    return { criticality: rated, placement: place, findings: raised };
  });
  const attackGraph = clock.time('privilege', () => attackGraphJson(pg, paths));
  const plugin = cache.get('network-plugin', detectNetworkPlugin);
  const assumptions =
    tm === undefined
      ? []
      : evaluateAssumptions(tm.assumptions, {
          inventory: inv,
          model,
          findings,
          policyEnforcement: { enforces: plugin.enforces, plugin: plugin.plugin, evidence: plugin.evidence },
          privilege: privilegeAnswers(pg, model),
        });
  options.onStages?.(clock.times);
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'ktm', version: ktmVersion() },
    cluster: inv.cluster,
    inventory: summarizeInventory(inv),
    coverage: inv.coverage,
    diagnostics: [...inv.diagnostics, ...fromAnnotations.diagnostics, ...run.diagnostics],
    findings,
    suppressed: run.suppressed,
    rules: run.rules,
    exceptions: run.exceptions,
    model,
    owners: tm === undefined ? {} : Object.fromEntries(declaredOwners(tm)),
    attackGraph,
    assumptions,
    drift: tm === undefined ? [] : computeDrift(tm, model),
    criticality,
    placement,
  };
}

function attackGraphJson(pg: PrivilegeGraph, paths: ReturnType<typeof findAttackPaths>): AttackGraphJson {
  const edgesIncluded = pg.graph.edges.length <= ATTACK_GRAPH_EDGE_LIMIT ? 'all' : 'paths';
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
    totalEdges: pg.graph.edges.length,
    edgesIncluded,
    edges: json.attackGraph.edges,
    entryPoints: json.attackGraph.entryPoints,
    crownJewels: json.attackGraph.crownJewels,
    paths: json.paths,
    totalPaths: json.total,
    limits: json.limits,
  };
}
