// Workload rules look at each pod template once, on the workload that owns it (a Deployment, not its 30 pods).
import type * as k8s from '@kubernetes/client-node';
import type { Inventory } from '../../collect/inventory.js';
import { groupWorkloads, type WorkloadRecord } from '../../model/workloads.js';
import type { Evidence } from '../../types.js';

export interface ContainerAt {
  /** An ephemeral container carries the fields a container does. */
  readonly container: k8s.V1Container | k8s.V1EphemeralContainer;
  /** `spec.template.spec.containers[0]` */
  readonly path: string;
  readonly kind: 'container' | 'initContainer' | 'ephemeralContainer';
}

export interface PodSpecAt {
  readonly workload: WorkloadRecord;
  readonly spec: k8s.V1PodSpec;
  /** Path of the pod spec inside the workload object. */
  readonly path: string;
  readonly containers: readonly ContainerAt[];
  evidence(path: string, value?: string): Evidence;
}

const cache = new WeakMap<Inventory, PodSpecAt[]>();
const withStatic = new WeakMap<Inventory, PodSpecAt[]>();

/** Every workload's pod spec with its containers, computed once per inventory and shared by the workload rules. */
export function podSpecs(
  inv: Inventory,
  options: { readonly includeStatic?: boolean } = {},
): readonly PodSpecAt[] {
  const store = options.includeStatic === true ? withStatic : cache;
  const hit = store.get(inv);
  if (hit !== undefined) return hit;
  const out: PodSpecAt[] = [];
  for (const w of groupWorkloads(inv)) {
    const spec = w.spec;
    if (spec === undefined || (options.includeStatic !== true && isStaticPod(w))) continue;
    const containers: ContainerAt[] = [];
    (spec.initContainers ?? []).forEach((c, i) =>
      containers.push({ container: c, path: `${w.specPath}.initContainers[${i}]`, kind: 'initContainer' }),
    );
    (spec.containers ?? []).forEach((c, i) =>
      containers.push({ container: c, path: `${w.specPath}.containers[${i}]`, kind: 'container' }),
    );
    (spec.ephemeralContainers ?? []).forEach((c, i) =>
      containers.push({
        container: c,
        path: `${w.specPath}.ephemeralContainers[${i}]`,
        kind: 'ephemeralContainer',
      }),
    );
    out.push({
      workload: w,
      spec,
      path: w.specPath,
      containers,
      evidence: (path, value) => ({
        ref: w.ref,
        path,
        ...(value === undefined ? {} : { value }),
        source: w.source,
      }),
    });
  }
  store.set(inv, out);
  return out;
}

/**
 * A static pod (its mirror pod is owned by the Node and annotated kubernetes.io/config.mirror, or it was read from a
 * node's manifests folder): the kubelet runs it from a file, outside admission and without a service-account token.
 * The control plane's static pods are judged by the control-plane rules (their flags), not as workloads.
 */
export function isStaticPod(w: WorkloadRecord): boolean {
  if (w.owner !== 'Pod') return false;
  const meta = w.pods[0]?.object.metadata;
  if (meta === undefined) return false;
  const annotations = meta.annotations ?? {};
  return (
    'kubernetes.io/config.mirror' in annotations ||
    annotations['kubernetes.io/config.source'] === 'file' ||
    'ktm.dev/static-pod-node' in annotations ||
    (meta.ownerReferences ?? []).some((o) => o.kind === 'Node')
  );
}

/** `Deployment shop/web` for messages. */
export function workloadName(w: WorkloadRecord): string {
  return `${w.owner} ${w.namespace}/${w.name}`;
}
