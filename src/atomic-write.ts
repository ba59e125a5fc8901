// Atomic file writes: a temporary file beside the target, flushed to disk, then renamed over it.
//
// rename(2) within one folder replaces the target in one step, so a crash, SIGKILL or full disk
// mid-write leaves either the old file or the new one, never an empty or cut file. Used by every
// command that writes a file (init, model update, issues -o, collect -o).
import { randomBytes } from 'node:crypto';
import { lstat, open, rename, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { KtmError } from './errors.js';

/** The temporary name beside `file`: hidden, unique per write, recognisably ktm's. */
function tempNameFor(file: string): string {
  return path.join(
    path.dirname(file),
    `.${path.basename(file)}.ktm-${process.pid}-${randomBytes(4).toString('hex')}.tmp`,
  );
}

/** Flushes a folder's entry table, so the rename itself survives a power loss (best effort: not every platform allows it). */
async function syncFolder(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch (err) {
    // Opening a folder for fsync is not supported everywhere (Windows: EPERM/EISDIR); the rename is still atomic.
    if (!(err instanceof Error && 'code' in err)) throw err;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

/**
 * Writes through `fill` into a temporary file beside `file`, fsyncs it and renames it over `file`.
 * On any failure the temporary file is removed and `file` is left as it was.
 */
export async function writeAtomicWith(
  file: string,
  fill: (handle: FileHandle) => Promise<void>,
): Promise<void> {
  const temp = tempNameFor(file);
  let handle: FileHandle | undefined;
  try {
    handle = await open(temp, 'wx', 0o666);
    await fill(handle);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temp, file);
  } catch (err) {
    await handle?.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    const code = (err as NodeJS.ErrnoException).code;
    if (typeof code === 'string')
      throw new KtmError(`cannot write: ${code}`, file, 'check the folder exists, is writable and has space');
    throw err;
  }
  await syncFolder(path.dirname(file));
}

/** Writes `content` to `file` atomically (see writeAtomicWith). */
export function writeFileAtomic(file: string, content: string | Uint8Array): Promise<void> {
  return writeAtomicWith(file, async (handle) => {
    await handle.writeFile(content);
  });
}

/** Whether a path exists (as anything: a dangling link counts, it would be replaced too). */
export async function pathExists(file: string): Promise<boolean> {
  return lstat(file).then(
    () => true,
    () => false,
  );
}

/**
 * Files a team edits by hand (threatmodel.yaml, rra/*.md, threatmodel.schema.json) are never replaced
 * without --force: a KtmError names the first of `files` that exists and how many more do.
 */
export async function refuseOverwrite(
  files: readonly string[],
  options: { readonly force: boolean; readonly hint: string; readonly cwd: string },
): Promise<void> {
  if (options.force) return;
  const existing: string[] = [];
  for (const f of files) if (await pathExists(f)) existing.push(path.relative(options.cwd, f) || f);
  if (existing.length === 0) return;
  const more =
    existing.length > 1
      ? ` (and ${existing.length - 1} more file${existing.length === 2 ? '' : 's'} ktm would replace)`
      : '';
  throw new KtmError(`already exists${more}`, existing[0], options.hint);
}
