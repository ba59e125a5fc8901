// What ktm keeps of an object: never secret values, never managedFields or last-applied-configuration.
import type { KubeObject } from './inventory.js';
import { inventoryKind } from './resource-types.js';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/**
 * Returns the object as ktm keeps it. Secrets lose `data` and `stringData` (only metadata and `type`
 * remain; a manifest file may hold values, ktm never keeps them); every object loses
 * `metadata.managedFields` and the last-applied-configuration annotation, which can embed a Secret's
 * data when it was created with `kubectl apply`. CustomResourceDefinitions keep names and group only.
 * Calico's NetworkPolicy is filed as CalicoNetworkPolicy (resource-types.ts says why).
 */
export function sanitizeObject(input: KubeObject): KubeObject {
  const kind = inventoryKind(input.apiVersion, input.kind);
  const o = kind === input.kind ? input : { ...input, kind };
  const meta = o.metadata as KubeObject['metadata'] & { managedFields?: unknown };
  let metadata: KubeObject['metadata'] = meta;
  if (
    meta.managedFields !== undefined ||
    (meta.annotations !== undefined && LAST_APPLIED in meta.annotations)
  ) {
    const { managedFields: _mf, ...rest } = meta;
    metadata = rest;
    if (meta.annotations !== undefined && LAST_APPLIED in meta.annotations) {
      const { [LAST_APPLIED]: _la, ...annotations } = meta.annotations;
      metadata = { ...rest, annotations };
    }
  }
  if (o.kind === 'Secret') {
    const type = typeof o['type'] === 'string' ? { type: o['type'] } : {};
    return { apiVersion: o.apiVersion, kind: o.kind, metadata, ...type };
  }
  if (o.kind === 'CustomResourceDefinition') {
    const spec = (o['spec'] ?? {}) as { group?: unknown; names?: unknown; scope?: unknown };
    return {
      apiVersion: o.apiVersion,
      kind: o.kind,
      metadata,
      spec: { group: spec.group, names: spec.names, scope: spec.scope },
    };
  }
  return metadata === o.metadata ? o : { ...o, metadata };
}
