// The memory guard: an input too large for Node's heap stops with one line saying how large and what to do, never a V8 abort.
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { KtmError } from '../errors.js';

/**
 * Heap a run needs per byte of JSON or YAML input, measured by `npm run bench` on kubectl-shaped
 * dumps (BENCHMARKS.md): the slim records, the model, the analyses and the report take about a
 * third of the input's size at 150,000 pods; the factor leaves room for garbage collection.
 */
const HEAP_PER_INPUT_BYTE = 0.6;
/** Inputs below this size are never refused up front (the estimate is meaningless for small inputs). */
const ALWAYS_TRIED = 64 * 2 ** 20;
/** Share of the heap limit at which reading stops: V8 aborts the process when it cannot free enough. */
const HEAP_CEILING = 0.9;

const MIB = 2 ** 20;

function heapLimit(): number {
  return getHeapStatistics().heap_size_limit;
}

function size(bytes: number): string {
  return bytes >= 2 ** 30 ? `${(bytes / 2 ** 30).toFixed(1)} GiB` : `${Math.round(bytes / MIB)} MiB`;
}

/** What to do: the flag with a heap size rounded up to 512 MiB, and the same through NODE_OPTIONS. */
function advice(needBytes: number): string {
  const mib = Math.ceil(needBytes / MIB / 512) * 512;
  return `rerun with --max-memory ${mib} (or NODE_OPTIONS=--max-old-space-size=${mib}) on a machine with that much free memory, or assess fewer namespaces at a time`;
}

/** Bytes of the manifest files under the given paths (folders recursively), as the reader would read them. */
export async function inputBytes(paths: readonly string[]): Promise<number> {
  let total = 0;
  const visit = async (p: string, top: boolean): Promise<void> => {
    const st = await stat(p).catch(() => undefined);
    if (st === undefined) return;
    if (st.isFile()) {
      if (top || /\.(ya?ml|json)$/i.test(p)) total += st.size;
      return;
    }
    if (!st.isDirectory()) return;
    const entries = await readdir(p).catch(() => [] as string[]);
    for (const e of entries) if (!e.startsWith('.')) await visit(path.join(p, e), false);
  };
  for (const p of paths) if (p !== '-') await visit(p, true);
  return total;
}

/** Refuses, before reading, an input whose estimated heap need is beyond the heap limit. */
export function checkInputSize(bytes: number, where: string): void {
  const need = bytes * HEAP_PER_INPUT_BYTE;
  const limit = heapLimit();
  if (bytes < ALWAYS_TRIED || need <= limit * HEAP_CEILING) return;
  throw new KtmError(
    `the input is ${size(bytes)}: assessing it needs about ${size(need)} of memory, more than Node's heap limit of ${size(limit)}`,
    where,
    advice(need / HEAP_CEILING),
  );
}

/**
 * Stops the run when the heap is nearly full (the estimate was too low for this input), naming how
 * much was read. Cheap enough to call every few thousand objects and between analysis stages.
 */
export function checkHeap(where: string, progress: string): void {
  const h = getHeapStatistics();
  if (h.used_heap_size <= h.heap_size_limit * HEAP_CEILING) return;
  throw new KtmError(
    `out of memory ${progress}: the heap holds ${size(h.used_heap_size)} of Node's ${size(h.heap_size_limit)} limit`,
    where,
    advice(h.heap_size_limit * 2),
  );
}
