// STUB (owned by the settings helper): read nodes' /etc/kubernetes and /var/lib/kubelet folders.
import type { Diagnostic } from '../../errors.js';
import type { NodeFileSet } from './types.js';

export async function readNodeFiles(
  dirs: readonly string[],
): Promise<{ sets: NodeFileSet[]; diagnostics: Diagnostic[] }> {
  await Promise.resolve();
  if (dirs.length > 0) throw new Error('readNodeFiles not implemented yet');
  return { sets: [], diagnostics: [] };
}
