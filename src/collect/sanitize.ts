// What ktm keeps of an object: never secret values, never managedFields or last-applied-configuration, status slimmed.
import type { KubeObject } from './inventory.js';
import { inventoryKind } from './resource-types.js';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** Bookkeeping fields of metadata no analysis reads (large clusters hold hundreds of thousands of them). */
const METADATA_DROPPED = ['resourceVersion', 'selfLink', 'generation'] as const;

const DROPPED: ReadonlySet<string> = new Set(METADATA_DROPPED);

const REPLICA_COUNTS = ['replicas', 'readyReplicas', 'availableReplicas', 'updatedReplicas'];

/**
 * The status fields kept per kind: what rules, analyses and reports read (a pod's phase and addresses,
 * its QoS class; a controller's replica counts). A pod's conditions and container statuses are a third
 * of a real pod's size and nothing reads them. Kinds not listed keep their status whole, except a
 * Node's image list (every image on the node, often hundreds).
 */
const STATUS_KEPT: Readonly<Record<string, readonly string[]>> = {
  Pod: ['phase', 'podIP', 'podIPs', 'hostIP', 'hostIPs', 'qosClass', 'nominatedNodeName', 'reason'],
  Deployment: REPLICA_COUNTS,
  ReplicaSet: REPLICA_COUNTS,
  StatefulSet: REPLICA_COUNTS,
  DaemonSet: ['desiredNumberScheduled', 'currentNumberScheduled', 'numberReady'],
};

function slimStatus(kind: string, status: unknown): unknown {
  if (typeof status !== 'object' || status === null || Array.isArray(status)) return status;
  const from = status as Record<string, unknown>;
  const kept = STATUS_KEPT[kind];
  if (kept === undefined) {
    if (kind !== 'Node' || !('images' in from)) return status;
    const { images: _images, ...rest } = from;
    return rest;
  }
  const out: Record<string, unknown> = {};
  for (const k of kept) if (from[k] !== undefined) out[k] = from[k];
  return out;
}

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

/**
 * The slim record the inventory keeps of a sanitised object: status cut to what is read (STATUS_KEPT)
 * and metadata without its bookkeeping fields, so a 150,000-pod cluster is held as slim records rather
 * than whole objects. Applied as objects are read (files, snapshots, live lists), before they are kept.
 */
export function slimObject(o: KubeObject): KubeObject {
  const meta = o.metadata as KubeObject['metadata'] & Record<string, unknown>;
  let metadata: KubeObject['metadata'] = meta;
  if (METADATA_DROPPED.some((k) => meta[k] !== undefined)) {
    // Copied key by key (never `delete`, which turns an object into a slow dictionary in V8).
    const rest: Record<string, unknown> = {};
    for (const k of Object.keys(meta))
      if (DROPPED.has(k)) continue;
      // A `__proto__` key (hostile input) stays an own property, as JSON.parse made it.
      else if (k === '__proto__')
        Object.defineProperty(rest, k, {
          value: meta[k],
          enumerable: true,
          writable: true,
          configurable: true,
        });
      else rest[k] = meta[k];
    metadata = rest as unknown as KubeObject['metadata'];
  }
  const status = o['status'] === undefined ? undefined : slimStatus(o.kind, o['status']);
  if (metadata === o.metadata && status === o['status']) return o;
  return status === undefined ? { ...o, metadata } : { ...o, metadata, status };
}

/** Metadata keys the slim record leaves out: bookkeeping and managed fields. */
const METADATA_LEFT_OUT: ReadonlySet<string> = new Set([...METADATA_DROPPED, 'managedFields']);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function nonEmptyString(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0;
}

/**
 * The slim record of a parsed object in one copy, for the common case: what validating the envelope
 * (apiVersion, kind and metadata first, then metadata's name and namespace, then the other keys in
 * their order), `sanitizeObject` and `slimObject` make of it, without the three copies they take.
 * Undefined when the object needs the general path: an envelope that is not valid (its problem is
 * named there), a kind the inventory renames, a Secret or CustomResourceDefinition, a
 * last-applied-configuration annotation, or a `__proto__` key.
 */
export function slimRecord(input: Record<string, unknown>): KubeObject | undefined {
  const { apiVersion, kind } = input;
  const meta = input['metadata'];
  if (!nonEmptyString(apiVersion) || !nonEmptyString(kind) || !isRecord(meta)) return undefined;
  if (!nonEmptyString(meta['name'])) return undefined;
  if ('namespace' in meta && typeof meta['namespace'] !== 'string') return undefined;
  if (kind === 'Secret' || kind === 'CustomResourceDefinition' || inventoryKind(apiVersion, kind) !== kind)
    return undefined;
  if (Object.hasOwn(input, '__proto__') || Object.hasOwn(meta, '__proto__')) return undefined;
  const annotations = meta['annotations'];
  if (isRecord(annotations) && LAST_APPLIED in annotations) return undefined;
  const metadata: Record<string, unknown> = { name: meta['name'] };
  if ('namespace' in meta) metadata['namespace'] = meta['namespace'];
  for (const k in meta)
    if (k !== 'name' && k !== 'namespace' && !METADATA_LEFT_OUT.has(k) && Object.hasOwn(meta, k))
      metadata[k] = meta[k];
  const out: Record<string, unknown> = { apiVersion, kind, metadata };
  for (const k in input) {
    if (k === 'apiVersion' || k === 'kind' || k === 'metadata' || !Object.hasOwn(input, k)) continue;
    out[k] = k === 'status' ? slimStatus(kind, input[k]) : input[k];
  }
  return out as unknown as KubeObject;
}
