// Reads manifest files, folders (recursively) and stdin into objects with their source file and line.
//
// Coverage says which kinds the files hold: a kind with a document is read; a kind with none is
// not-collected (the files may be part of a cluster), unless the caller declares the files the whole cluster
// (`complete`, --complete), when it counts as read with 0 objects. See Coverage.mode in ../coverage.ts.
import { constants, type Stats } from 'node:fs';
import { open, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { KtmError } from '../../errors.js';
import type { ResourceCoverage } from '../coverage.js';
import { InputBudget } from '../limits.js';
import { RESOURCE_TYPES, resourceId } from '../resource-types.js';
import type { SourceReadResult } from '../source.js';
import { readJson } from './json-stream.js';
import { ObjectSink } from './object-sink.js';
import { fileChunks, lines, LineTooLong, sniff, streamChunks } from './text-input.js';
import { readYaml } from './yaml-stream.js';

/** Extensions read inside folders; a file named on the command line is read whatever its name. */
const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);
/** The name objects read from stdin carry as their source file. */
export const STDIN_NAME = '<stdin>';
/** Files up to this size are read in one piece; larger ones are streamed in 1 MiB chunks. */
const SMALL_FILE = 1 << 20;
/** How many files are opened ahead of the one being parsed. */
const PREFETCH = 32;

/**
 * Reads each path: a file, a folder (its `.yaml`, `.yml` and `.json` files, recursively, in sorted
 * order; hidden files and folders such as `.git` are skipped), or `-` for stdin. A path that does
 * not exist, or that is not a regular file or a folder (a FIFO, a device such as /dev/zero), is a
 * KtmError; every problem inside an input is an error Diagnostic at its file (and line) and the rest
 * is still read. What is read is counted against `budget`'s limits (./limits.ts).
 */
export async function readPaths(
  paths: readonly string[],
  options: { stdin?: NodeJS.ReadableStream; budget?: InputBudget; complete?: boolean },
): Promise<SourceReadResult> {
  const budget = options.budget ?? new InputBudget();
  const sink = new ObjectSink(budget);
  const visitedDirs = new Set<string>();
  const inputs: ({ readonly kind: 'stdin' } | { readonly kind: 'file'; readonly path: string })[] = [];
  for (const p of paths) {
    if (p === '-') {
      if (options.stdin === undefined)
        throw new KtmError('no standard input to read', '-', 'pipe manifests into ktm or give a file');
      inputs.push({ kind: 'stdin' });
      continue;
    }
    const st = await stat(p).catch(() => undefined);
    if (st === undefined)
      throw new KtmError(
        'no such file or folder',
        p,
        'give a manifest file, a folder, a snapshot folder or -',
      );
    if (st.isDirectory()) {
      const files: string[] = [];
      await listFolder(p, files, sink, visitedDirs);
      for (const f of files) inputs.push({ kind: 'file', path: f });
    } else if (st.isFile()) inputs.push({ kind: 'file', path: p });
    else
      throw new KtmError(
        `not a regular file (${specialKind(st)})`,
        p,
        'give a manifest file or folder; to read a stream, pipe it into ktm and give -',
      );
  }
  // Files are opened a few at a time ahead of the parser (opening is the slow part of a folder of
  // 10,000 small files) and parsed strictly in order, so the result does not depend on timing.
  const loads: (Promise<Loaded> | undefined)[] = inputs.map(() => undefined);
  const start = (i: number): void => {
    const input = inputs[i];
    if (input?.kind === 'file' && loads[i] === undefined) loads[i] = loadSmallFile(input.path, budget);
  };
  for (let i = 0; i < inputs.length; i++) {
    for (let j = i; j < Math.min(inputs.length, i + PREFETCH); j++) start(j);
    const input = inputs[i]!;
    if (input.kind === 'stdin') {
      await guarded(STDIN_NAME, sink, () =>
        readInput(budget.count(streamChunks(options.stdin!), STDIN_NAME), STDIN_NAME, sink),
      );
      continue;
    }
    const loaded = await loads[i]!;
    loads[i] = undefined;
    if (loaded.kind === 'error')
      sink.problem('error', input.path, `cannot read file: ${loaded.code}; skipped`);
    else if (loaded.kind === 'special')
      sink.problem('error', input.path, `not a regular file (${loaded.what}); skipped`);
    else if (loaded.kind === 'whole') {
      budget.bytes(loaded.bytes.length, loaded.bytes.length, input.path);
      await guarded(input.path, sink, () => readInput(oneChunk(loaded.bytes), input.path, sink, input.path));
    } else
      await guarded(input.path, sink, () =>
        readInput(budget.count(fileChunks(input.path), input.path), input.path, sink, input.path),
      );
  }
  const resources: ResourceCoverage[] = RESOURCE_TYPES.filter((rt) => rt.fallbackFor === undefined).map(
    (rt) => {
      const count = sink.count(rt.kind);
      return count > 0 || options.complete === true
        ? { resource: resourceId(rt), kind: rt.kind, state: 'read', count }
        : {
            resource: resourceId(rt),
            kind: rt.kind,
            state: 'not-collected',
            count: 0,
            reason: `no ${rt.kind} in the manifests given (add them, or pass --complete when the files are the whole cluster)`,
          };
    },
  );
  return {
    cluster: { name: paths.map((p) => (p === '-' ? 'stdin' : path.basename(path.resolve(p)))).join(',') },
    items: sink.items,
    coverage: {
      mode: 'manifests',
      resources,
      facts: [
        { fact: 'server-version', state: 'not-collected', reason: 'manifests carry no server version' },
      ],
    },
    diagnostics: sink.finish(paths.join(',')),
  };
}

/** Collects the manifest files under a folder, recursively, in sorted order. */
async function listFolder(dir: string, out: string[], sink: ObjectSink, visited: Set<string>): Promise<void> {
  // A symlink loop (a link to a parent folder) would otherwise recurse for ever.
  const real = await realpath(dir).catch(() => dir);
  if (visited.has(real)) return;
  visited.add(real);
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    sink.problem('error', dir, `cannot read folder: ${errorCode(e)}; skipped`);
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    let special = isDir || isFile ? undefined : specialKind(entry);
    if (entry.isSymbolicLink()) {
      const st = await stat(full).catch(() => undefined);
      isDir = st?.isDirectory() ?? false;
      isFile = st?.isFile() ?? false;
      special = st === undefined ? 'a link to nothing' : isDir || isFile ? undefined : specialKind(st);
    }
    const manifest = MANIFEST_EXTENSIONS.has(path.extname(entry.name).toLowerCase());
    if (isDir) await listFolder(full, out, sink, visited);
    else if (isFile && manifest) out.push(full);
    // A FIFO would block the read for ever and a device never ends: named, never opened.
    else if (special !== undefined && manifest)
      sink.problem('error', full, `not a regular file (${special}); skipped`);
  }
}

type Loaded =
  | { readonly kind: 'whole'; readonly bytes: Buffer }
  | { readonly kind: 'large' }
  | { readonly kind: 'special'; readonly what: string }
  | { readonly kind: 'error'; readonly code: string };

/**
 * Reads a file up to SMALL_FILE bytes whole; a larger one is left to be streamed. The file is opened
 * without blocking and checked on the open handle, so a FIFO put in its place after the folder was
 * listed is named, not waited on for ever.
 */
async function loadSmallFile(file: string, budget: InputBudget): Promise<Loaded> {
  let handle;
  try {
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
    const st = await handle.stat();
    if (!st.isFile()) return { kind: 'special', what: specialKind(st) };
    // The size is known before a byte is read: a file over the limit stops the run at once.
    budget.bytes(0, st.size, file);
    if (st.size > SMALL_FILE) return { kind: 'large' };
    return { kind: 'whole', bytes: await handle.readFile() };
  } catch (e) {
    if (e instanceof KtmError) throw e;
    return { kind: 'error', code: errorCode(e) };
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/** What a file that is not a regular file or folder is, in words. */
function specialKind(st: Pick<Stats, 'isFIFO' | 'isCharacterDevice' | 'isBlockDevice' | 'isSocket'>): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a file';
}

async function* oneChunk(bytes: Buffer): AsyncIterable<Buffer> {
  await Promise.resolve();
  yield bytes;
}

/**
 * Runs one input's read; an I/O error (it has a code: EACCES, EIO, EISDIR) or an input too large
 * for one string (RangeError: a single YAML line of hundreds of megabytes) becomes a diagnostic for
 * that input. Any other error is a bug in ktm and propagates, to be reported with its stack.
 */
async function guarded(name: string, sink: ObjectSink, read: () => Promise<void>): Promise<void> {
  try {
    await read();
  } catch (e) {
    if (e instanceof LineTooLong) {
      sink.problem('error', `${name}:${e.line}`, `${e.message}; the rest of this input is skipped`);
      return;
    }
    const io = typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string';
    if (!io && !(e instanceof RangeError)) throw e;
    sink.problem('error', name, `cannot read: ${errorCode(e)}; skipped`);
  }
}

/** One input: sniffed, then read as JSON or YAML; empty and binary inputs get one diagnostic each. */
export async function readInput(
  bytes: AsyncIterable<Buffer>,
  name: string,
  sink: ObjectSink,
  filePath?: string,
  forceYaml = false,
): Promise<void> {
  const sniffed = await sniff(bytes);
  switch (sniffed.kind) {
    case 'empty':
      sink.problem('warning', name, 'empty input; nothing read');
      return;
    case 'binary':
      sink.problem('error', name, `${sniffed.reason}, not a manifest; skipped`);
      return;
    case 'text': {
      if (sniffed.format === 'yaml' || forceYaml) {
        await readYaml(lines(sniffed.chunks), name, sink);
        return;
      }
      const mark = sink.diagnostics.length;
      const r = await readJson(sniffed.chunks, name, sink, filePath === undefined ? {} : { path: filePath });
      // A .yaml file that opens with `{` may be YAML flow style (`{apiVersion: v1, ...}`), which is
      // not JSON: when JSON fails before its first value, the file is read again as YAML.
      if (r.failed && r.values === 0 && filePath !== undefined && /\.ya?ml$/i.test(filePath)) {
        sink.rollback(mark);
        await readInput(fileChunks(filePath), name, sink, filePath, true);
      }
    }
  }
}

function errorCode(e: unknown): string {
  if (typeof e === 'object' && e !== null && 'code' in e && typeof e.code === 'string') return e.code;
  return e instanceof Error ? e.message.split('\n')[0]! : String(e);
}
