// One measurement of the scale benchmark, run in its own process so each has its own peak resident memory.
//   child generate DIR PODS   writes the cluster's List files
//   child parse DIR           the baseline: a bare JSON.parse of every file (each read whole), results kept
//   child assess DIR          what `ktm assess DIR` does: read, assess (per stage), render the default table
//   child serve PODS          the stand-in API server for a cluster of that size (prints its URL, runs until stdin closes)
//   child live URL            what `ktm assess --live` reads: every type, 500 objects a page, from the stand-in server
// Prints one JSON line with its figures.
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { generateCluster, shapeFor } from './generate.js';
import { serveCluster } from './api-server.js';
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

export interface LiveFigures extends Figures {
  readonly objects: number;
  /** Heap the collected inventory holds once garbage is collected: what the peak is to be compared with. */
  readonly retainedHeapMiB: number;
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
  if (dir === undefined)
    throw new Error('usage: child generate|parse|assess DIR [PODS] | serve PODS | live URL');
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
    case 'serve': {
      const server = await serveCluster(shapeFor(Number(dir)));
      console.log(JSON.stringify({ url: server.url }));
      process.stdin.resume();
      process.stdin.on('end', () => void server.close());
      return;
    }
    case 'live': {
      const kubeconfig = path.join(await mkdtemp(path.join(os.tmpdir(), 'ktm-bench-live-')), 'kubeconfig');
      await writeFile(
        kubeconfig,
        `apiVersion: v1\nkind: Config\nclusters:\n- name: bench\n  cluster:\n    server: ${dir}\n    insecure-skip-tls-verify: true\n` +
          'users:\n- name: bench\n  user:\n    token: bench\ncontexts:\n- name: bench\n  context:\n    cluster: bench\n    user: bench\n' +
          'current-context: bench\n',
      );
      const inv = await loadInventory({ kind: 'live', kubeconfig, timeoutMs: 3_600_000 });
      const figures = finish(start, cpu0);
      globalThis.gc?.();
      const live: LiveFigures = {
        ...figures,
        objects: inv.items.length,
        retainedHeapMiB: process.memoryUsage().heapUsed / 2 ** 20,
      };
      console.log(JSON.stringify(live));
      return;
    }
    default:
      throw new Error(`unknown mode ${mode}`);
  }
}

await main();
