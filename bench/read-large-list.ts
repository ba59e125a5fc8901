// Benchmark: one `kubectl get pods -A -o json` List of N real-shaped pods (default 150,000, 1.5 GB: larger than the
// longest string Node can hold) read by readPaths.
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { readPaths } from '../src/collect/manifests/read-paths.js';
import { podAt, shapeFor } from './scale/generate.js';

const shape = shapeFor(150_000);

/** Writes the List as kubectl does (four-space indentation, kind after items), item by item. */
async function writeList(file: string, n: number): Promise<void> {
  const out = createWriteStream(file);
  const write = async (s: string): Promise<void> => {
    if (!out.write(s)) await once(out, 'drain');
  };
  await write('{\n    "apiVersion": "v1",\n    "items": [\n');
  for (let i = 0; i < n; i++) {
    const json = JSON.stringify(podAt(shape, i), null, 4).replace(/\n/g, '\n        ');
    await write(`        ${json}${i === n - 1 ? '\n' : ',\n'}`);
  }
  await write('    ],\n    "kind": "List",\n    "metadata": {\n        "resourceVersion": ""\n    }\n}\n');
  out.end();
  await once(out, 'finish');
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 150_000);
  if (!Number.isInteger(n) || n <= 0)
    throw new Error(`usage: read-large-list [PODS] (got ${process.argv[2]})`);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ktm-bench-'));
  const file = path.join(dir, 'pods.json');
  try {
    const w0 = performance.now();
    await writeList(file, n);
    const size = (await stat(file)).size;
    console.log(
      `generated ${n} pods: ${(size / 1e6).toFixed(1)} MB in ${((performance.now() - w0) / 1000).toFixed(1)}s`,
    );
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 100);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const result = await readPaths([file], {});
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    console.log(`file size:      ${(size / 1e6).toFixed(1)} MB`);
    console.log(`objects read:   ${result.items.length} (diagnostics: ${result.diagnostics.length})`);
    console.log(`seconds:        ${seconds.toFixed(1)}`);
    console.log(
      `CPU seconds:    ${((cpu.user + cpu.system) / 1e6).toFixed(1)} (the rest of the wall time is waiting)`,
    );
    console.log(`peak RSS:       ${(peak / 1e6).toFixed(0)} MB`);
    console.log(`objects/second: ${Math.round(result.items.length / seconds)}`);
    console.log(`MB/second:      ${(size / 1e6 / seconds).toFixed(1)}`);
    if (result.items.length !== n) process.exitCode = 1;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
