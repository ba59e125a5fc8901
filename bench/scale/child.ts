// One measurement of the scale benchmark, run in its own process so each has its own peak resident memory.
//   child generate DIR PODS   writes the cluster's List files
//   child parse DIR           the baseline: a bare JSON.parse of every file (each read whole), results kept
//   child assess DIR          what `ktm assess DIR` does: read, assess (per stage), render the default table
// Prints one JSON line with its figures.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { generateCluster, shapeFor } from './generate.js';
import { loadInventory } from '../../src/collect/load.js';
import { assess, type AssessStage, type StageTime } from '../../src/assess.js';
import { REPORTERS } from '../../src/report/index.js';

export interface Figures {
  readonly wallSeconds: number;
  readonly cpuSeconds: number;
  readonly peakRssMiB: number;
}

/** Seconds of wall clock and of CPU. */
export interface Seconds {
  readonly wall: number;
  readonly cpu: number;
}

export interface AssessFigures extends Figures {
  readonly stages: Readonly<Record<'read' | AssessStage | 'render', Seconds>>;
  readonly objects: number;
  readonly findings: number;
  readonly components: number;
  readonly attackEdges: number;
  readonly reportBytes: number;
}

function since(start: number, cpu0: NodeJS.CpuUsage): Seconds {
  const cpu = process.cpuUsage(cpu0);
  return { wall: (performance.now() - start) / 1000, cpu: (cpu.user + cpu.system) / 1e6 };
}

function finish(start: number, cpu0: NodeJS.CpuUsage): Figures {
  const cpu = process.cpuUsage(cpu0);
  return {
    wallSeconds: (performance.now() - start) / 1000,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    peakRssMiB: process.resourceUsage().maxRSS / 1024,
  };
}

async function jsonFiles(dir: string): Promise<string[]> {
  return (await readdir(dir))
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => path.join(dir, f));
}

async function main(): Promise<void> {
  const [mode, dir, pods] = process.argv.slice(2);
  if (dir === undefined) throw new Error('usage: child generate|parse|assess DIR [PODS]');
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  switch (mode) {
    case 'generate': {
      const g = await generateCluster(dir, shapeFor(Number(pods)));
      console.log(
        JSON.stringify({ ...finish(start, cpu0), bytes: g.bytes, objects: g.objects, files: g.files.length }),
      );
      return;
    }
    case 'parse': {
      const kept: unknown[] = [];
      for (const file of await jsonFiles(dir)) kept.push(JSON.parse(await readFile(file, 'utf8')));
      console.log(JSON.stringify({ ...finish(start, cpu0), files: kept.length }));
      return;
    }
    case 'assess': {
      const inv = await loadInventory({ kind: 'paths', paths: [dir] });
      const read = since(start, cpu0);
      let stages: Readonly<Record<AssessStage, StageTime>> | undefined;
      const a = assess(inv, { onStages: (t) => (stages = t) });
      const r0 = performance.now();
      const rc0 = process.cpuUsage();
      const text = REPORTERS.table.render(a, {});
      const render = since(r0, rc0);
      const s = stages!;
      const seconds = (t: StageTime): Seconds => ({ wall: t.wallMs / 1000, cpu: t.cpuMs / 1000 });
      const figures: AssessFigures = {
        ...finish(start, cpu0),
        stages: {
          read,
          model: seconds(s.model),
          reachability: seconds(s.reachability),
          privilege: seconds(s.privilege),
          rules: seconds(s.rules),
          criticality: seconds(s.criticality),
          render,
        },
        objects: inv.items.length,
        findings: a.findings.length,
        components: a.model.components.length,
        attackEdges: a.attackGraph.totalEdges,
        reportBytes: text.length,
      };
      console.log(JSON.stringify(figures));
      return;
    }
    default:
      throw new Error(`unknown mode ${mode}`);
  }
}

await main();
