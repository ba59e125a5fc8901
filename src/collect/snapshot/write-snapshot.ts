// Writes a snapshot folder (docs/snapshot-format.md): one JSON List per resource type, then snapshot.json, item by item.
import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { writeAtomicWith, writeFileAtomic } from '../../atomic-write.js';
import { KtmError } from '../../errors.js';
import { ktmVersion } from '../../version.js';
import { resourceState, type Coverage } from '../coverage.js';
import type { KubeObject } from '../inventory.js';
import { RESOURCE_TYPES, resourceId, resourceTypeOfKind } from '../resource-types.js';
import { sanitizeObject } from '../sanitize.js';
import type { SourceReadResult } from '../source.js';

export const SNAPSHOT_MANIFEST = 'snapshot.json';
export const KUBELET_CONFIGZ_FILE = 'kubelet-configz.json';
const KUBELET_CONFIGZ_KIND = 'KubeletConfigz';

export interface SnapshotWriteSummary {
  /** Files written, snapshot.json last. */
  readonly files: readonly string[];
  readonly objects: number;
  /** Items of kinds the snapshot format has no file for (not written). */
  readonly skipped: number;
}

/** `pods.json`, `deployments.apps.json`: the file a resource type's List is written to. */
export function snapshotFileOf(kind: string, coverage?: Coverage): string | undefined {
  if (kind === KUBELET_CONFIGZ_KIND) return KUBELET_CONFIGZ_FILE;
  // A kind two APIs serve (Calico's v3 and CRD views) goes to the file of the one that was read.
  const read = coverage === undefined ? undefined : resourceState(coverage, kind);
  if (read?.state === 'read') return `${read.resource}.json`;
  const rt = resourceTypeOfKind(kind);
  return rt === undefined ? undefined : `${resourceId(rt)}.json`;
}

const OWNED_FILES = new Set([
  SNAPSHOT_MANIFEST,
  KUBELET_CONFIGZ_FILE,
  ...RESOURCE_TYPES.map((rt) => `${resourceId(rt)}.json`),
]);

/**
 * Writes `result` to `dir` (created if needed). A folder that already holds a snapshot is
 * replaced file by file (its snapshot.json goes first, so an interrupted write is never taken
 * for a complete snapshot); a non-empty folder that is not a snapshot is refused.
 * Deterministic: items sorted by namespace then name, two-space JSON, coverage as given.
 */
export async function writeSnapshot(dir: string, result: SourceReadResult): Promise<SnapshotWriteSummary> {
  try {
    return await write(dir, result);
  } catch (err) {
    if (err instanceof KtmError) throw err;
    // A full disk or a permission problem is the user's to fix, not a bug: one line, where, what to do.
    const e = err as NodeJS.ErrnoException;
    if (typeof e.code === 'string')
      throw new KtmError(
        `cannot write the snapshot: ${e.message}`,
        dir,
        'check the folder, its permissions and free space',
      );
    throw err;
  }
}

async function write(dir: string, result: SourceReadResult): Promise<SnapshotWriteSummary> {
  await prepareDir(dir);
  const groups = new Map<string, KubeObject[]>();
  let skipped = 0;
  for (const item of result.items) {
    const file = snapshotFileOf(item.object.kind, result.coverage);
    if (file === undefined) {
      skipped++;
      continue;
    }
    const list = groups.get(file);
    // Sanitised again here: whatever the source, nothing the snapshot must not hold reaches the disk.
    const object = sanitizeObject(item.object);
    if (list === undefined) groups.set(file, [object]);
    else list.push(object);
  }
  // Every type that was read gets its file, even an empty one: an empty list read is a fact ("there are none").
  for (const r of result.coverage.resources) {
    if (r.state !== 'read') continue;
    const file = snapshotFileOf(r.kind, result.coverage);
    if (file !== undefined && !groups.has(file)) groups.set(file, []);
  }
  const files: string[] = [];
  let objects = 0;
  for (const file of [...groups.keys()].sort()) {
    const list = groups.get(file)!;
    list.sort(compareObjects);
    await writeList(path.join(dir, file), list);
    files.push(file);
    objects += list.length;
  }
  const c = result.cluster;
  const manifest = {
    apiVersion: 'ktm.dev/v1alpha1',
    kind: 'Snapshot',
    cluster: {
      name: c.name,
      ...(c.server === undefined ? {} : { server: c.server }),
      ...(c.provider === undefined ? {} : { provider: c.provider }),
    },
    ...(c.serverVersion === undefined ? {} : { serverVersion: c.serverVersion }),
    collectedAt: c.collectedAt ?? new Date().toISOString(),
    ktmVersion: ktmVersion(),
    coverage: { resources: result.coverage.resources, facts: result.coverage.facts },
  };
  // Written last: a folder without it is not a snapshot, so an interrupted collect is never read as one.
  await writeFileAtomic(path.join(dir, SNAPSHOT_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  files.push(SNAPSHOT_MANIFEST);
  return { files, objects, skipped };
}

async function prepareDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    throw new KtmError(
      `cannot create the snapshot folder: ${(err as Error).message}`,
      dir,
      'choose a writable path',
    );
  }
  const entries = await readdir(dir);
  if (entries.length === 0) return;
  if (!entries.includes(SNAPSHOT_MANIFEST))
    throw new KtmError(
      'the folder is not empty and holds no ktm snapshot',
      dir,
      'choose a new or empty folder, or a previous snapshot folder to replace',
    );
  await rm(path.join(dir, SNAPSHOT_MANIFEST));
  for (const e of entries) if (OWNED_FILES.has(e)) await rm(path.join(dir, e), { force: true });
}

/** Same order whatever order the API returned: two snapshots of one cluster diff cleanly. */
function compareObjects(a: KubeObject, b: KubeObject): number {
  return cmp(a.metadata.namespace ?? '', b.metadata.namespace ?? '') || cmp(a.metadata.name, b.metadata.name);
}

/** Code-unit order, not localeCompare: the same bytes on every machine whatever its locale. */
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Writes `{"apiVersion":"v1","kind":"List","items":[...]}` exactly as JSON.stringify(list, null, 2)
 * would, but one item at a time (150,000 pods do not fit in one string), into a temporary file that
 * replaces `file` only once complete (writeAtomicWith): an interrupted collect leaves no cut list.
 */
async function writeList(file: string, items: readonly KubeObject[]): Promise<void> {
  await writeAtomicWith(file, async (handle) => {
    let pending: string[] = [];
    let size = 0;
    const flush = async (): Promise<void> => {
      if (pending.length === 0) return;
      await handle.write(pending.join(''));
      pending = [];
      size = 0;
    };
    const write = async (s: string): Promise<void> => {
      pending.push(s);
      size += s.length;
      if (size >= WRITE_BATCH) await flush();
    };
    if (items.length === 0) {
      await write('{\n  "apiVersion": "v1",\n  "kind": "List",\n  "items": []\n}\n');
    } else {
      await write('{\n  "apiVersion": "v1",\n  "kind": "List",\n  "items": [\n');
      for (let i = 0; i < items.length; i++) {
        // JSON strings never hold a raw newline, so indenting every line of the item is safe.
        const json = JSON.stringify(items[i], null, 2).replace(/\n/g, '\n    ');
        await write(`    ${json}${i === items.length - 1 ? '\n' : ',\n'}`);
      }
      await write('  ]\n}\n');
    }
    await flush();
  });
}

/** Characters gathered before one write(2): few system calls, little memory. */
const WRITE_BATCH = 1 << 20;
