// STUB (owned by the live-collection helper): list resources from a live cluster.
import type { Progress, SourceReadResult } from '../source.js';

export interface LiveOptions {
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly timeoutMs?: number;
  readonly kubeletConfig?: boolean;
  readonly configmaps?: readonly string[];
  readonly onProgress?: (p: Progress) => void;
}

export async function collectLive(_options: LiveOptions): Promise<SourceReadResult> {
  await Promise.resolve();
  throw new Error('collectLive not implemented yet');
}
