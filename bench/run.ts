// `npm run bench`: generates real-shaped clusters of 1,500, 15,000 and 150,000 pods and assesses each, every
// measurement in its own process, and prints per size the time of each stage, the total, the CPU time, the
// peak resident memory and the ratio to a bare JSON.parse of the same files measured in the same run.
//   npm run bench                          the three sizes (generated data in a temporary folder, removed)
//   npm run bench -- --sizes 1500          some sizes only (CI runs the smallest as a smoke test)
//   npm run bench -- --data DIR            keep the generated files in DIR and reuse them next time
//   npm run bench -- reachability ...      the other scripts in bench/ by name (privilege-graph, read-large-list)
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AssessFigures, Figures, LiveFigures } from './scale/child.js';

const here = path.dirname(fileURLToPath(import.meta.url));

function child(args: readonly string[], nodeFlags: readonly string[] = []): unknown {
  const r = spawnSync(process.execPath, [...nodeFlags, path.join(here, 'scale', 'child.js'), ...args], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 24,
  });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !line.startsWith('{'))
    throw new Error(`bench child ${args[0]} failed (exit ${r.status ?? r.signal}): ${line}`);
  return JSON.parse(line) as unknown;
}

const s1 = (n: number): string => n.toFixed(1);
const s2 = (n: number): string => n.toFixed(2);

/**
 * Live collection of a cluster of `pods` pods from the stand-in API server (another process, so the
 * collector's peak memory is its own): every type listed 500 objects a page, slimmed and pooled page by page.
 */
async function live(pods: number): Promise<LiveFigures> {
  const server = spawn(process.execPath, [path.join(here, 'scale', 'child.js'), 'serve', String(pods)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  try {
    const first = await new Promise<string>((resolve, reject) => {
      createInterface({ input: server.stdout }).once('line', resolve);
      server.once('exit', (code) => reject(new Error(`bench API server exited (${code})`)));
    });
    const { url } = JSON.parse(first) as { url: string };
    return child(['live', url], ['--expose-gc']) as LiveFigures;
  } finally {
    server.stdin.end();
    server.kill();
  }
}

async function scale(sizes: readonly number[], keep: string | undefined): Promise<void> {
  const cpus = os.cpus();
  console.log(
    `machine: ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ` +
      `Node ${process.version}; load average ${os
        .loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')} (other work shares the CPUs: compare CPU seconds)`,
  );
  const rows: string[] = [];
  const liveRows: string[] = [];
  for (const pods of sizes) {
    const root = keep ?? (await mkdtemp(path.join(os.tmpdir(), 'ktm-bench-')));
    const dir = path.join(root, `pods-${pods}`);
    const marker = path.join(dir, '.complete');
    try {
      if (!existsSync(marker)) {
        await rm(dir, { recursive: true, force: true });
        await mkdir(dir, { recursive: true });
        const g = child(['generate', dir, String(pods)]) as Figures & { bytes: number; objects: number };
        await writeFile(marker, '');
        console.log(
          `\n${pods} pods: generated ${g.objects} objects, ${(g.bytes / 1e6).toFixed(0)} MB in ${s1(g.wallSeconds)} s`,
        );
      } else console.log(`\n${pods} pods: reusing ${dir}`);
      const base = child(['parse', dir]) as Figures;
      const a = child(['assess', dir]) as AssessFigures;
      const st = a.stages;
      const stage = (x: { wall: number; cpu: number }): string => `${s2(x.wall)} (${s2(x.cpu)})`;
      console.log(
        `  bare JSON.parse: ${s1(base.wallSeconds)} s wall, ${s1(base.cpuSeconds)} s CPU, peak RSS ${base.peakRssMiB.toFixed(0)} MiB`,
      );
      console.log(
        `  ktm assess: ${a.objects} objects → ${a.components} components, ${a.findings} findings, ${a.attackEdges} attack edges`,
      );
      console.log(
        `  stages, s wall (s CPU): read ${stage(st.read)}, model ${stage(st.model)}, reachability ${stage(st.reachability)}, ` +
          `privilege graph + paths ${stage(st.privilege)}, rules ${stage(st.rules)}, criticality ${stage(st.criticality)}, render ${stage(st.render)}`,
      );
      console.log(
        `  total: ${s1(a.wallSeconds)} s wall, ${s1(a.cpuSeconds)} s CPU, peak RSS ${a.peakRssMiB.toFixed(0)} MiB; ` +
          `${s1(a.wallSeconds / base.wallSeconds)}× the bare parse wall (${s1(a.cpuSeconds / base.cpuSeconds)}× its CPU)`,
      );
      const l = await live(pods);
      console.log(
        `  live collection (stand-in API server on 127.0.0.1, 500 objects a page): ${l.objects} objects in ${s1(l.wallSeconds)} s wall, ` +
          `${s1(l.cpuSeconds)} s CPU, peak RSS ${l.peakRssMiB.toFixed(0)} MiB (the collected inventory holds ${l.retainedHeapMiB.toFixed(0)} MiB of heap)`,
      );
      liveRows.push(
        `| ${pods.toLocaleString('en-US')} | ${s1(l.wallSeconds)} (${s1(l.cpuSeconds)}) | ${l.peakRssMiB.toFixed(0)} | ${l.retainedHeapMiB.toFixed(0)} |`,
      );
      rows.push(
        `| ${pods.toLocaleString('en-US')} | ${stage(st.read)} | ${stage(st.model)} | ${stage(st.reachability)} | ${stage(st.privilege)} | ` +
          `${stage(st.rules)} | ${stage(st.criticality)} | ${stage(st.render)} | ${s1(a.wallSeconds)} (${s1(a.cpuSeconds)}) | ` +
          `${a.peakRssMiB.toFixed(0)} | ${s1(base.wallSeconds)} (${s1(base.cpuSeconds)}), ${base.peakRssMiB.toFixed(0)} MiB | ` +
          `${s1(a.wallSeconds / base.wallSeconds)}× (${s1(a.cpuSeconds / base.cpuSeconds)}×) |`,
      );
    } finally {
      if (keep === undefined) await rm(root, { recursive: true, force: true });
    }
  }
  console.log(
    '\nseconds of wall clock (CPU seconds of the process in brackets)\n\n' +
      '| pods | read | model | reachability | privilege graph + paths | rules | criticality | render | total | peak RSS MiB | bare JSON.parse | ratio to bare parse |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) console.log(r);
  console.log(
    '\nlive collection from the stand-in API server, seconds of wall clock (CPU seconds of the process)\n\n' +
      '| pods | collect | peak RSS MiB | inventory heap MiB |',
  );
  console.log('|---:|---:|---:|---:|');
  for (const r of liveRows) console.log(r);
}

function others(names: readonly string[]): number {
  let failed = 0;
  const scripts = readdirSync(here)
    .filter((f) => f.endsWith('.js') && f !== 'run.js')
    .filter((f) => names.some((o) => f.startsWith(o)))
    .sort();
  for (const script of scripts) {
    console.log(`\n== ${script.replace(/\.js$/, '')}`);
    const r = spawnSync(process.execPath, ['--max-old-space-size=16384', path.join(here, script)], {
      stdio: 'inherit',
    });
    if (r.status !== 0) failed++;
  }
  return failed;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  let sizes = [1_500, 15_000, 150_000];
  let keep: string | undefined;
  const named: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--sizes') sizes = (args[++i] ?? '').split(',').map(Number);
    else if (a === '--data') keep = path.resolve(args[++i] ?? '');
    else named.push(a);
  }
  if (sizes.some((n) => !Number.isInteger(n) || n <= 0))
    throw new Error('--sizes takes pod counts: 1500,15000');
  if (named.length > 0) {
    process.exitCode = others(named) === 0 ? 0 : 1;
    return;
  }
  await scale(sizes, keep);
}

await main();
