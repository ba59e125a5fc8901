// The memory guard: an input too large for the heap is refused with one line naming its size and --max-memory.
import { beforeAll, describe, expect, it } from 'vitest';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { runKtm } from '../helpers/capture-io.js';
import { maxMemoryMiB } from '../../src/cli/input.js';
import { checkInputSize } from '../../src/collect/memory-guard.js';
import { KtmError } from '../../src/errors.js';
import { tempDir } from '../helpers/temp-dir.js';

let tmp = '';
beforeAll(async () => {
  tmp = await tempDir('ktm-memory-');
});

describe('memory guard', () => {
  it('refuses, before reading, a dump several times larger than the heap: one line with its size and what to do', async () => {
    // A sparse file: 40 times the heap limit on paper, no disk used, never read.
    const file = path.join(tmp, 'pods.json');
    const handle = await open(file, 'w');
    await handle.truncate(getHeapStatistics().heap_size_limit * 40);
    await handle.close();
    const r = await runKtm(['assess', file]);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /the input is [\d.]+ GiB: assessing it needs about [\d.]+ GiB of memory, more than Node's heap limit/,
    );
    expect(lines[0]).toMatch(/--max-memory \d+ \(or NODE_OPTIONS=--max-old-space-size=\d+\)/);
    expect(r.stderr).not.toContain('    at ');
  });

  it('lets an input through when the heap is large enough for it', () => {
    const limit = getHeapStatistics().heap_size_limit;
    expect(() => checkInputSize(limit / 2, 'x')).not.toThrow();
    expect(() => checkInputSize(limit * 4, 'x')).toThrow(KtmError);
  });

  it('reads --max-memory from raw arguments in both spellings, and nothing after --', () => {
    expect(maxMemoryMiB(['assess', '--max-memory', '8192', 'dir'])).toBe(8192);
    expect(maxMemoryMiB(['assess', '--max-memory=4096', 'dir'])).toBe(4096);
    expect(maxMemoryMiB(['assess', 'dir'])).toBeUndefined();
    expect(maxMemoryMiB(['assess', '--', '--max-memory', '8192'])).toBeUndefined();
    expect(maxMemoryMiB(['assess', '--max-memory', 'lots'])).toBeUndefined();
  });
});
