// Everything the registry's reporters may need, built from one inventory: the options, and the data of every command,
// so cross-format tests can render every entry for every command it serves.
import type { Inventory } from '../../src/collect/inventory.js';
import type { Assessment } from '../../src/assess.js';
import { computeCascade } from '../../src/analysis/cascade.js';
import { Analyses } from '../../src/analysis/analyses.js';
import { findAttackPaths } from '../../src/analysis/privilege/attack-paths.js';
import { buildDiscrepancies, Ownership } from '../../src/issues/discrepancies.js';
import { draftIssues } from '../../src/issues/drafts.js';
import { planIssues } from '../../src/issues/plan.js';
import { planProbeTargets } from '../../src/model/probe-targets.js';
import { loadSvgLayout } from '../../src/report/diagrams/svg.js';
import {
  REPORTERS,
  REPORTER_NAMES,
  type ReportCommand,
  type Reporter,
  type ReporterName,
  type ReportOptions,
  type ReportViews,
} from '../../src/report/index.js';
import { buildRraContext, renderRraMarkdown, resolveRraTargets } from '../../src/report/rra/rra-markdown.js';
import { RULES } from '../../src/rules/registry.js';
import { diffAssessments } from '../../src/store/diff.js';

/** Options for the review formats: the Graphviz layout and the RRA documents the HTML page shows. */
export async function allReportOptions(inv: Inventory, a: Assessment): Promise<ReportOptions> {
  const context = buildRraContext(a, new Analyses(inv));
  const subjects = [...resolveRraTargets(a.model), ...resolveRraTargets(a.model, 'container')];
  return {
    svg: await loadSvgLayout(),
    rra: subjects.map((s) => ({ subject: 'rra', markdown: renderRraMarkdown(context, [s]) })),
  };
}

/** The data every command hands the registry, from one inventory and its assessment. */
export function allViews(inv: Inventory, a: Assessment): ReportViews {
  const analyses = new Analyses(inv);
  const reach = analyses.reachability();
  const stop = a.model.zones.find((z) => z.kind === 'namespace')?.id ?? 'worker';
  const ownership = new Ownership({ model: a.model, owners: new Map(Object.entries(a.owners)) });
  const discrepancies = buildDiscrepancies({
    findings: a.findings,
    assumptions: a.assumptions,
    drift: a.drift,
    ownership,
    threshold: 'info',
  });
  const graph = analyses.privilegeGraph();
  // A store entry named after the cluster's own zones, so the store's renderers see cluster strings too.
  const stored = (id: number) => ({
    id,
    cluster: a.model.zones.map((z) => z.name).join(' '),
    createdAt: '2026-12-01T00:00:00Z',
    toolVersion: a.tool.version,
    findings: a.findings.length,
    summary: { critical: 1 },
  });
  const plan = planProbeTargets(a.model, inv);
  return {
    assess: a,
    dataflow: { model: a.model },
    zones: { model: a.model, criticality: a.criticality },
    rra: {
      context: buildRraContext(a, analyses),
      subjects: [...resolveRraTargets(a.model), ...resolveRraTargets(a.model, 'container')],
    },
    issues: {
      drafts: draftIssues(planIssues({ discrepancies, attackPaths: a.attackGraph.paths, ownership })),
    },
    reach: {
      view: 'effective',
      connections: reach.connections('effective'),
      plugin: reach.plugin,
      inert: reach.inert,
    },
    'what-if': { target: stop, cascade: computeCascade(a.model, inv, stop) },
    paths: { graph, result: findAttackPaths(graph, { limit: 50 }), edges: 'all' },
    rules: { rules: RULES.map((r) => r.meta), explain: false },
    history: { list: [stored(2), stored(1)] },
    diff: { diff: diffAssessments({}, a), header: { before: stored(1), after: stored(2) } },
    probe: { plan: { targets: plan.targets, skipped: plan.skipped } },
  };
}

/** One rendering: the entry, the command it served, and what it wrote (each file, for file-set formats). */
export interface Rendered {
  readonly name: ReporterName;
  readonly command: ReportCommand;
  readonly mediaType: string;
  readonly outputs: readonly { readonly path: string; readonly content: string }[];
}

/** Every entry of the registry rendered for every command it serves. */
export function renderEveryFormat(views: ReportViews, options: ReportOptions): Rendered[] {
  return REPORTER_NAMES.flatMap((name) => {
    const entry = REPORTERS[name] as Reporter;
    return (Object.keys(entry.serves) as ReportCommand[]).map((command) => {
      // The registry's reporter() helper typed each entry against the data of the commands it serves.
      const typed = entry as unknown as Reporter<ReportViews[typeof command]>;
      const data = views[command];
      const main = {
        path: `${command}.${typed.extension}`,
        content: typed.chunks ? [...typed.chunks(data, options)].join('') : typed.render(data, options),
      };
      return { name, command, mediaType: typed.mediaType, outputs: [main, ...(typed.files?.(data) ?? [])] };
    });
  });
}
