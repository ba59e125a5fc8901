#!/usr/bin/env node
// The ktm executable (also installed as kubectl-ktm, the kubectl plugin).
import { spawnSync } from 'node:child_process';
import { getHeapStatistics } from 'node:v8';
import { main } from '../src/cli/main.js';
import { processIo } from '../src/cli/io.js';
import { maxMemoryMiB } from '../src/cli/input.js';

// `--max-memory MiB`: Node's heap size is fixed when the process starts, so ktm starts itself again
// with that heap (once: the new process already has it).
const args = process.argv.slice(2);
const wanted = maxMemoryMiB(args);
if (wanted !== undefined && getHeapStatistics().heap_size_limit < wanted * 2 ** 20 * 0.95) {
  const r = spawnSync(
    process.execPath,
    [...process.execArgv, `--max-old-space-size=${wanted}`, process.argv[1]!, ...args],
    { stdio: 'inherit' },
  );
  process.exitCode = r.status ?? 2;
} else process.exitCode = await main(args, processIo(), process.argv[1]);
