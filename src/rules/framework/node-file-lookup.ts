// Finding the node file a component flag names (encryption config, audit policy, webhook kubeconfig) among --node-files.
import path from 'node:path/posix';
import type { Inventory } from '../../collect/inventory.js';
import type { NodeFileSet } from '../../collect/node-files/types.js';
import type { ComponentSettings } from '../../collect/settings/types.js';

export type NodeFileKind = 'encryptionConfigs' | 'auditPolicies' | 'kubeconfigs';

export type NodeFileLookup<T> =
  | { readonly found: true; readonly file: T; readonly node: string }
  | { readonly found: false; readonly missing: string };

/**
 * The file at `filePath` from the component's node (or, when the node is unknown, any node). Static pods
 * usually mount host paths at the same path inside the container (kubeadm does); when the exact path is not
 * there, a single file of that kind with the same base name on the node is taken.
 */
export function lookupNodeFile<K extends NodeFileKind>(
  inv: Inventory,
  settings: ComponentSettings,
  kind: K,
  filePath: string,
): NodeFileLookup<NodeFileSet[K][number]> {
  const sets = inv.nodeFiles.filter((s) => settings.node === undefined || s.node === settings.node);
  const candidates = sets.flatMap((s) =>
    (s[kind] as readonly NodeFileSet[K][number][]).map((f) => ({ f, node: s.node })),
  );
  const exact = candidates.find((c) => c.f.path === filePath);
  const byName = candidates.filter((c) => path.basename(c.f.path) === path.basename(filePath));
  const hit = exact ?? (byName.length === 1 ? byName[0] : undefined);
  if (hit !== undefined) return { found: true, file: hit.f, node: hit.node };
  const where = settings.node === undefined ? 'the control-plane node' : `node ${settings.node}`;
  const what = {
    encryptionConfigs: 'encryption configuration',
    auditPolicies: 'audit policy',
    kubeconfigs: 'kubeconfig',
  }[kind];
  return {
    found: false,
    missing:
      sets.length === 0
        ? `${what} ${filePath} not collected: rerun with --node-files for ${where} (a copy of its /etc/kubernetes)`
        : `${what} ${filePath} not found in the node files of ${where}: copy it into the --node-files folder`,
  };
}
