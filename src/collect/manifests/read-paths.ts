// STUB (owned by the manifests helper): read manifest files, folders and stdin.
import type { SourceReadResult } from '../source.js';

export async function readPaths(
  paths: readonly string[],
  _options: { stdin?: NodeJS.ReadableStream },
): Promise<SourceReadResult> {
  await Promise.resolve();
  throw new Error(`readPaths not implemented yet (${paths.join(', ')})`);
}
