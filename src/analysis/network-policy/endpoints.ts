// The pods the analysis reasons about: real Pods, and pod templates of workloads that have no Pods in the input, each with its owning workload.
import type { Inventory, KubeObject } from '../../collect/inventory.js';
import { isProtocol, type Protocol } from './conn-set.js';
import type { Labels } from './label-selector.js';

export interface WorkloadRef {
  readonly namespace: string;
  readonly name: string;
  /** Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob, ReplicationController, or Pod for a bare pod. */
  readonly kind: string;
}

export interface ContainerPort {
  readonly name?: string;
  readonly protocol: Protocol;
  readonly port: number;
}

export interface Endpoint {
  readonly workload: WorkloadRef;
  readonly namespace: string;
  readonly labels: Labels;
  readonly ports: readonly ContainerPort[];
  /** The Pod's name, or the workload's for a template. */
  readonly name: string;
  readonly fromTemplate: boolean;
  /** spec.hostNetwork: the pod shares its node's network namespace and addresses. */
  readonly hostNetwork: boolean;
  /** spec.serviceAccountName ('default' when absent): Cilium and Calico selectors can name it. */
  readonly serviceAccount: string;
}

function serviceAccountOf(spec: unknown): string {
  return isRecord(spec) && typeof spec['serviceAccountName'] === 'string' && spec['serviceAccountName'] !== ''
    ? spec['serviceAccountName']
    : 'default';
}

export const TEMPLATE_KINDS = [
  'Deployment',
  'ReplicaSet',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'CronJob',
  'ReplicationController',
] as const;

export function workloadKey(w: WorkloadRef): string {
  return `${w.namespace}/${w.name}[${w.kind}]`;
}

interface PodSpecLike {
  containers?: readonly { ports?: readonly { name?: string; protocol?: string; containerPort?: number }[] }[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringRecord(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isRecord(v)) for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

/** Identical port lists are shared, so the engine keys each distinct list once. */
const interned = new Map<string, ContainerPort[]>();

/**
 * The inventory shares identical values between objects (pods of one template hold one frozen containers list,
 * one labels object): what is derived from such a value is derived once. Only frozen values are keys, since
 * only they cannot change after the first look.
 */
const portsByContainers = new WeakMap<object, ContainerPort[]>();
const labelsByObject = new WeakMap<object, Labels>();

function labelsOf(v: unknown): Labels {
  if (!isRecord(v) || !Object.isFrozen(v)) return stringRecord(v);
  let labels = labelsByObject.get(v);
  if (labels === undefined) labelsByObject.set(v, (labels = stringRecord(v)));
  return labels;
}

function portsOf(spec: unknown): ContainerPort[] {
  const containers = isRecord(spec) ? spec['containers'] : undefined;
  if (typeof containers !== 'object' || containers === null || !Object.isFrozen(containers))
    return internedPorts(spec);
  let ports = portsByContainers.get(containers);
  if (ports === undefined) portsByContainers.set(containers, (ports = internedPorts(spec)));
  return ports;
}

function internedPorts(spec: unknown): ContainerPort[] {
  const ports = readPorts(spec);
  const key = ports.map((p) => `${p.port}/${p.protocol}/${p.name ?? ''}`).join(',');
  const hit = interned.get(key);
  if (hit !== undefined) return hit;
  if (interned.size < 100_000) interned.set(key, ports);
  return ports;
}

function readPorts(spec: unknown): ContainerPort[] {
  const out: ContainerPort[] = [];
  if (!isRecord(spec)) return out;
  const containers = (spec as PodSpecLike).containers;
  if (!Array.isArray(containers)) return out;
  for (const c of containers) {
    if (!isRecord(c) || !Array.isArray(c.ports)) continue;
    for (const p of c.ports) {
      if (!isRecord(p) || typeof p.containerPort !== 'number') continue;
      // containerPort.protocol defaults to TCP.
      const protocol = typeof p.protocol === 'string' && isProtocol(p.protocol) ? p.protocol : 'TCP';
      out.push({ ...(typeof p.name === 'string' ? { name: p.name } : {}), protocol, port: p.containerPort });
    }
  }
  return out;
}

function controllerOwner(o: KubeObject): { kind: string; name: string } | undefined {
  const refs = o.metadata.ownerReferences ?? [];
  const ctrl = refs.find((r) => r.controller === true);
  // Static (mirror) pods are "owned" by their Node: they are bare pods for this purpose.
  if (ctrl === undefined || ctrl.kind === 'Node') return undefined;
  // An owner reference without a kind names its workload but not the kind: netpol-analyzer calls it a Pod.
  return { kind: typeof ctrl.kind === 'string' && ctrl.kind !== '' ? ctrl.kind : 'Pod', name: ctrl.name };
}

function templateOf(o: KubeObject): { labels: Labels; spec: unknown } | undefined {
  const spec = o['spec'];
  if (!isRecord(spec)) return undefined;
  const tpl =
    o.kind === 'CronJob' ? (isRecord(spec['jobTemplate']) ? spec['jobTemplate']['spec'] : undefined) : spec;
  if (!isRecord(tpl)) return undefined;
  const t = tpl['template'];
  if (!isRecord(t)) return undefined;
  const meta = isRecord(t['metadata']) ? t['metadata'] : {};
  return { labels: stringRecord(meta['labels']), spec: t['spec'] };
}

export interface EndpointSet {
  readonly endpoints: readonly Endpoint[];
  /** Namespace name → labels, with kubernetes.io/metadata.name always set (Kubernetes ≥ 1.21 sets it on every namespace). */
  readonly namespaces: ReadonlyMap<string, Labels>;
}

/**
 * Pods name their workload through ownerReferences, followed upward while the owner is in the input
 * (Pod → ReplicaSet → Deployment, Pod → Job → CronJob). Workloads with no Pods in the input are represented by
 * their pod template, unless an owned workload already stands for them.
 */
export function collectEndpoints(inv: Inventory): EndpointSet {
  // The reachability engine, the network rules and the privilege graph each ask: computed once per inventory.
  let set = endpointSets.get(inv);
  if (set === undefined) {
    set = endpointsOf(inv);
    endpointSets.set(inv, set);
  }
  return set;
}

const endpointSets = new WeakMap<Inventory, EndpointSet>();

function endpointsOf(inv: Inventory): EndpointSet {
  const owners = new Map<string, KubeObject>();
  for (const kind of TEMPLATE_KINDS)
    for (const it of inv.ofKind(kind))
      owners.set(
        `${kind}\u0000${it.object.metadata.namespace ?? 'default'}\u0000${it.object.metadata.name}`,
        it.object,
      );

  const resolveOwner = (ns: string, start: { kind: string; name: string }): WorkloadRef => {
    let cur = start;
    const seen = new Set<string>();
    for (;;) {
      const key = `${cur.kind}\u0000${ns}\u0000${cur.name}`;
      const obj = owners.get(key);
      if (obj === undefined || seen.has(key)) break;
      seen.add(key);
      const up = controllerOwner(obj);
      if (up === undefined || !(TEMPLATE_KINDS as readonly string[]).includes(up.kind)) break;
      cur = up;
    }
    return { namespace: ns, name: cur.name, kind: cur.kind === '' ? 'Pod' : cur.kind };
  };

  const endpoints: Endpoint[] = [];
  const represented = new Set<string>();
  // Pods of one ReplicaSet (Job, StatefulSet...) share their owner: its workload and ownership path are
  // resolved once, not once per pod.
  const byOwner = new Map<string, WorkloadRef>();
  const workloadOf = (ns: string, owner: { kind: string; name: string }): WorkloadRef => {
    const first = `${owner.kind}\u0000${ns}\u0000${owner.name}`;
    const known = byOwner.get(first);
    if (known !== undefined) return known;
    const workload = resolveOwner(ns, owner);
    byOwner.set(first, workload);
    // Every workload on the ownership path is represented by this pod.
    let cur: { kind: string; name: string } | undefined = owner;
    const seen = new Set<string>();
    while (cur !== undefined) {
      const key = `${cur.kind}\u0000${ns}\u0000${cur.name}`;
      if (seen.has(key)) break;
      seen.add(key);
      represented.add(key);
      const obj = owners.get(key);
      cur = obj === undefined ? undefined : controllerOwner(obj);
    }
    return workload;
  };
  for (const it of inv.ofKind('Pod')) {
    const o = it.object as unknown as KubeObject;
    const ns = o.metadata.namespace ?? 'default';
    const owner = controllerOwner(o);
    const workload =
      owner === undefined ? { namespace: ns, name: o.metadata.name, kind: 'Pod' } : workloadOf(ns, owner);
    endpoints.push({
      workload,
      namespace: ns,
      labels: labelsOf(o.metadata.labels),
      ports: portsOf(o['spec']),
      name: o.metadata.name,
      fromTemplate: false,
      hostNetwork: isRecord(o['spec']) && o['spec']['hostNetwork'] === true,
      serviceAccount: serviceAccountOf(o['spec']),
    });
  }
  // A workload owned by another workload in the input (a Deployment's ReplicaSet, a CronJob's Job) is not a
  // workload of its own: its owner's template stands for it.
  for (const [key, o] of owners) {
    if (represented.has(key)) continue;
    const up = controllerOwner(o);
    const ns = o.metadata.namespace ?? 'default';
    if (up !== undefined && owners.has(`${up.kind}\u0000${ns}\u0000${up.name}`)) continue;
    const tpl = templateOf(o);
    if (tpl === undefined) continue;
    endpoints.push({
      workload: { namespace: ns, name: o.metadata.name, kind: o.kind },
      namespace: ns,
      labels: tpl.labels,
      ports: portsOf(tpl.spec),
      name: o.metadata.name,
      fromTemplate: true,
      hostNetwork: isRecord(tpl.spec) && tpl.spec['hostNetwork'] === true,
      serviceAccount: serviceAccountOf(tpl.spec),
    });
  }

  const namespaces = new Map<string, Labels>();
  for (const it of inv.ofKind('Namespace')) {
    const o = it.object as unknown as KubeObject;
    namespaces.set(o.metadata.name, {
      ...stringRecord(o.metadata.labels),
      'kubernetes.io/metadata.name': o.metadata.name,
    });
  }
  return { endpoints, namespaces };
}

/** Labels of a namespace, or the ones Kubernetes would give it when the input lacks the Namespace object. */
export function namespaceLabels(set: EndpointSet, ns: string): Labels {
  return set.namespaces.get(ns) ?? { 'kubernetes.io/metadata.name': ns };
}
