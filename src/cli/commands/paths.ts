// `ktm paths`: attack paths from entry points (or --from) to crown jewels (or --to), step by step with evidence and the control that cuts each step.
import { Option, type Command } from 'commander';
import { KtmError } from '../../errors.js';
import { escapeTerminal } from '../../text/escape.js';
import { Analyses } from '../../analysis/analyses.js';
import { findAttackPaths } from '../../analysis/privilege/attack-paths.js';
import { resolveGraphName } from '../../analysis/privilege/graph-names.js';
import { addInputOptions, readInput, type InputFlags } from '../input.js';
import { EXIT, type CliIo } from '../io.js';
import type { CommandResult } from '../main.js';
import { addFormatOption, writeReport } from '../output-format.js';

interface PathsFlags extends InputFlags {
  from?: string;
  to?: string;
  output: string;
  limit: string;
  edges: 'all' | 'paths';
}

export function register(program: Command, io: CliIo, result: CommandResult): void {
  const cmd = program
    .command('paths')
    .description(
      'attack paths: from Internet-exposed workloads, pods and identities to cluster-admin, control-plane nodes, etcd and kube-system credentials',
    )
    .argument('[paths...]', 'manifest files or folders (recursively), snapshot folders, or - for stdin');
  addFormatOption(addInputOptions(cmd), 'paths', 'table')
    .option(
      '--from <name>',
      'start here: an identity, Kind/namespace/name, a workload, a node, or a zone (Internet, ci, ...)',
    )
    .option(
      '--to <name>',
      'end here instead of the crown jewels: an identity (cluster-admin, sa/NS/NAME), a node, a zone (Master Data, ...)',
    )
    .addOption(new Option('--limit <n>', 'most paths shown').default('50'))
    .addOption(
      new Option('--edges <which>', 'JSON: every edge of the graph, or only those on the paths shown')
        .choices(['all', 'paths'])
        .default('all'),
    )
    .action(async (paths: string[], flags: PathsFlags) => {
      const limit = Number(flags.limit);
      if (!Number.isInteger(limit) || limit < 1)
        throw new KtmError(
          `invalid --limit '${escapeTerminal(flags.limit)}'`,
          '--limit',
          'give a positive whole number',
        );
      const inventory = await readInput(paths, flags, io);
      const analyses = new Analyses(inventory);
      const pg = analyses.privilegeGraph();
      const context = { model: analyses.model(), inventory };
      const pick = (flag: '--from' | '--to', v: string | undefined): number[] | undefined =>
        v === undefined ? undefined : resolveGraphName(pg, v, flag, context);
      const from = pick('--from', flags.from);
      const to = pick('--to', flags.to);
      const r = findAttackPaths(pg, { ...(from ? { from } : {}), ...(to ? { to } : {}), limit });
      for (const d of pg.rbac.diagnostics)
        io.stderr(`ktm: ${d.severity}: ${escapeTerminal(d.where)}: ${escapeTerminal(d.message, 400)}\n`);
      await writeReport(io, 'paths', flags.output, { graph: pg, result: r, edges: flags.edges });
      result.code = EXIT.ok;
    });
}
