// What every input source (manifest files, a snapshot folder, a live cluster) hands to the loader.
import type { Diagnostic } from '../errors.js';
import type { Coverage } from './coverage.js';
import type { ClusterInfo, InventoryItem } from './inventory.js';

export interface SourceReadResult {
  readonly cluster: ClusterInfo;
  readonly items: readonly InventoryItem[];
  readonly coverage: Coverage;
  readonly diagnostics: readonly Diagnostic[];
}

/** Progress of a long read, shown on stderr by the CLI when it is a terminal. */
export interface Progress {
  readonly typesDone: number;
  readonly typesTotal: number;
  readonly objects: number;
  readonly elapsedMs: number;
}
