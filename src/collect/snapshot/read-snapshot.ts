// STUB (owned by the manifests helper): read a snapshot folder written by `ktm collect`.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { SourceReadResult } from '../source.js';

export async function isSnapshotDir(dir: string): Promise<boolean> {
  await Promise.resolve();
  return existsSync(path.join(dir, 'snapshot.json'));
}

export async function readSnapshot(dir: string): Promise<SourceReadResult> {
  await Promise.resolve();
  throw new Error(`readSnapshot not implemented yet (${dir})`);
}
