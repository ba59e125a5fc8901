// Everything the registry's reporters may need beyond the Assessment, built from one inventory, so cross-format
// tests can render every format of every command.
import type { Inventory } from '../../src/collect/inventory.js';
import type { Assessment } from '../../src/assess.js';
import { computeCascade } from '../../src/analysis/cascade.js';
import { Analyses } from '../../src/analysis/analyses.js';
import { loadSvgLayout } from '../../src/report/diagrams/svg.js';
import type { CommandReportOptions } from '../../src/report/index.js';
import { buildRraContext, renderRraMarkdown, resolveRraTargets } from '../../src/report/rra/rra-markdown.js';

export async function allReportOptions(inv: Inventory, a: Assessment): Promise<CommandReportOptions> {
  const analyses = new Analyses(inv);
  const context = buildRraContext(a, analyses);
  const subjects = [...resolveRraTargets(a.model), ...resolveRraTargets(a.model, 'container')];
  const reach = analyses.reachability();
  const stop = a.model.zones.find((z) => z.kind === 'namespace')?.id ?? 'worker';
  return {
    svg: await loadSvgLayout(),
    rra: subjects.map((s) => ({ subject: 'rra', markdown: renderRraMarkdown(context, [s]) })),
    reach: {
      view: 'effective',
      connections: reach.connections('effective'),
      plugin: reach.plugin,
      inert: reach.inert,
    },
    whatIf: { target: stop, cascade: computeCascade(a.model, inv, stop) },
  };
}
