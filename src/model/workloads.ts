// Workloads grouped by owner (Deployment, StatefulSet, DaemonSet, CronJob, Job, bare Pod), and label selectors.
import { byCodeUnit } from './order.js';
import type * as k8s from '@kubernetes/client-node';
import type { Inventory, InventoryItem, KubeObject } from '../collect/inventory.js';
import type { Ref, Source } from '../types.js';
import type { WorkloadOwner } from './types.js';

export interface WorkloadRecord {
  readonly id: string;
  readonly owner: WorkloadOwner;
  readonly namespace: string;
  readonly name: string;
  readonly ref: Ref;
  readonly source: Source;
  /** Pod template labels (or the first pod's labels). */
  readonly labels: Readonly<Record<string, string>>;
  /** Pod template spec (or the first pod's spec). */
  readonly spec: k8s.V1PodSpec | undefined;
  /** Field path of the pod spec inside the owner object, for evidence. */
  readonly specPath: string;
  readonly pods: InventoryItem<k8s.V1Pod>[];
  readonly nodes: Set<string>;
}

export function workloadId(namespace: string, owner: string, name: string): string {
  return `workload:${namespace}/${owner}/${name}`;
}

const SPEC_PATH: Record<WorkloadOwner, string> = {
  Deployment: 'spec.template.spec',
  StatefulSet: 'spec.template.spec',
  DaemonSet: 'spec.template.spec',
  ReplicaSet: 'spec.template.spec',
  Job: 'spec.template.spec',
  CronJob: 'spec.jobTemplate.spec.template.spec',
  Pod: 'spec',
};

function controllerOf(o: KubeObject): { kind: string; name: string } | undefined {
  return o.metadata.ownerReferences?.find((r) => r.controller === true) ?? o.metadata.ownerReferences?.[0];
}

const grouped = new WeakMap<Inventory, readonly WorkloadRecord[]>();

/**
 * Groups every pod under its top-level owner and adds owners without pods (manifests carry templates, not pods).
 * Linear in pods: each pod is resolved through at most two owner lookups in the inventory's index. Computed once
 * per inventory (an inventory never changes) and shared by the model, the analyses and the rules; each caller
 * gets its own array of the shared records, which no caller changes.
 */
export function groupWorkloads(inv: Inventory): WorkloadRecord[] {
  let records = grouped.get(inv);
  if (records === undefined) {
    records = computeWorkloads(inv);
    grouped.set(inv, records);
  }
  return [...records];
}

function computeWorkloads(inv: Inventory): WorkloadRecord[] {
  const byId = new Map<string, WorkloadRecord>();
  const add = (
    owner: WorkloadOwner,
    item: { readonly object: KubeObject; readonly source: Source },
    labels: Readonly<Record<string, string>> | undefined,
    spec: k8s.V1PodSpec | undefined,
  ): WorkloadRecord => {
    const ns = item.object.metadata.namespace ?? 'default';
    const id = workloadId(ns, owner, item.object.metadata.name);
    let w = byId.get(id);
    if (w === undefined) {
      w = {
        id,
        owner,
        namespace: ns,
        name: item.object.metadata.name,
        ref: { kind: owner, namespace: ns, name: item.object.metadata.name },
        source: item.source,
        labels: labels ?? {},
        spec,
        specPath: SPEC_PATH[owner],
        pods: [],
        nodes: new Set(),
      };
      byId.set(id, w);
    }
    return w;
  };
  for (const d of inv.ofKind('Deployment'))
    add('Deployment', d, d.object.spec?.template.metadata?.labels, d.object.spec?.template.spec);
  for (const s of inv.ofKind('StatefulSet'))
    add('StatefulSet', s, s.object.spec?.template.metadata?.labels, s.object.spec?.template.spec);
  for (const s of inv.ofKind('DaemonSet'))
    add('DaemonSet', s, s.object.spec?.template.metadata?.labels, s.object.spec?.template.spec);
  for (const c of inv.ofKind('CronJob')) {
    const t = c.object.spec?.jobTemplate.spec?.template;
    add('CronJob', c, t?.metadata?.labels, t?.spec);
  }
  for (const j of inv.ofKind('Job')) {
    const owner = controllerOf(j.object);
    if (owner?.kind === 'CronJob') continue;
    add('Job', j, j.object.spec?.template.metadata?.labels, j.object.spec?.template.spec);
  }
  for (const r of inv.ofKind('ReplicaSet')) {
    const owner = controllerOf(r.object);
    if (owner?.kind === 'Deployment') continue;
    add('ReplicaSet', r, r.object.spec?.template?.metadata?.labels, r.object.spec?.template?.spec);
  }
  for (const p of inv.ofKind('Pod')) {
    const w = resolvePodOwner(inv, p, byId) ?? add('Pod', p, p.object.metadata.labels, p.object.spec);
    w.pods.push(p);
    const node = p.object.spec?.nodeName;
    if (node !== undefined && node !== '') w.nodes.add(node);
  }
  return [...byId.values()].sort((a, b) => byCodeUnit(a.id, b.id));
}

function resolvePodOwner(
  inv: Inventory,
  pod: InventoryItem<k8s.V1Pod>,
  byId: Map<string, WorkloadRecord>,
): WorkloadRecord | undefined {
  const ns = pod.object.metadata.namespace ?? 'default';
  const owner = controllerOf(pod.object);
  if (owner === undefined) return undefined;
  const direct = byId.get(workloadId(ns, owner.kind, owner.name));
  if (direct !== undefined) return direct;
  if (owner.kind === 'ReplicaSet') {
    const rs = inv.get('ReplicaSet', ns, owner.name);
    const rsOwner = rs === undefined ? undefined : controllerOf(rs.object);
    // Without the ReplicaSet, a Deployment's ReplicaSet is named `<deployment>-<pod-template-hash>`.
    const hash = pod.object.metadata.labels?.['pod-template-hash'];
    const depName =
      rsOwner?.kind === 'Deployment'
        ? rsOwner.name
        : hash !== undefined && owner.name.endsWith(`-${hash}`)
          ? owner.name.slice(0, -hash.length - 1)
          : undefined;
    if (depName !== undefined) return byId.get(workloadId(ns, 'Deployment', depName));
  }
  if (owner.kind === 'Job') {
    const job = inv.get('Job', ns, owner.name);
    const jobOwner = job === undefined ? undefined : controllerOf(job.object);
    if (jobOwner?.kind === 'CronJob') return byId.get(workloadId(ns, 'CronJob', jobOwner.name));
  }
  return undefined;
}

/** Kubernetes label selector semantics (matchLabels AND matchExpressions); an empty selector matches everything. */
export function selectorMatches(
  selector: k8s.V1LabelSelector | undefined,
  labels: Readonly<Record<string, string>>,
): boolean {
  if (selector === undefined) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const val = labels[e.key];
    switch (e.operator) {
      case 'In':
        if (!has || !(e.values ?? []).includes(val ?? '')) return false;
        break;
      case 'NotIn':
        if (has && (e.values ?? []).includes(val ?? '')) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}

/** A Service's plain map selector (Services do not use matchExpressions); absent selector selects nothing. */
export function serviceSelects(
  selector: Readonly<Record<string, string>> | undefined,
  labels: Readonly<Record<string, string>>,
): boolean {
  if (selector === undefined || Object.keys(selector).length === 0) return false;
  for (const [k, v] of Object.entries(selector)) if (labels[k] !== v) return false;
  return true;
}
