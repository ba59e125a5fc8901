// Placement: what runs next to what. Control-plane nodes open to ordinary workloads, escape-capable pods beside more
// trusted ones, replicas of one component on one node or one topology zone, shared capacity without quotas.
import type * as k8s from '@kubernetes/client-node';
import type { Inventory } from '../collect/inventory.js';
import { groupWorkloads, selectorMatches, type WorkloadRecord } from '../model/workloads.js';
import type { Evidence, Ref } from '../types.js';
import type { PrivilegeGraph } from './privilege/build-graph.js';

const CONTROL_PLANE_TAINT_KEYS = ['node-role.kubernetes.io/control-plane', 'node-role.kubernetes.io/master'];
const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease']);

export interface NodePlacement {
  readonly name: string;
  readonly controlPlane: boolean;
  /** Control-plane node without a NoSchedule/NoExecute control-plane taint: any workload may land there. */
  readonly openToWorkloads: boolean;
  readonly topologyZone?: string;
  /** Workload ids with pods on the node, sorted. */
  readonly workloads: readonly string[];
  /** Workload ids whose pods can reach the node (escape edges in the privilege graph), sorted. */
  readonly escapeCapable: readonly string[];
  readonly evidence: readonly Evidence[];
}

export interface WorkloadPlacement {
  readonly id: string;
  readonly ref: Ref;
  readonly namespace: string;
  /** Desired replicas (spec.replicas; pods for DaemonSets and bare pods). */
  readonly replicas: number;
  readonly pods: number;
  readonly nodes: readonly string[];
  readonly topologyZones: readonly string[];
  /** Two or more pods, all on one node. */
  readonly singleNode: boolean;
  /** Two or more pods across nodes that all sit in one topology zone (when nodes carry zone labels). */
  readonly singleZone: boolean;
  readonly disruptionBudget?: Ref;
  /** Tolerates the control-plane taint (explicitly, or with an operator: Exists toleration without key). */
  readonly toleratesControlPlane: boolean;
  readonly onControlPlane: boolean;
}

export interface Colocation {
  readonly node: string;
  /** An escape-capable workload ... */
  readonly workload: string;
  /** ... shares the node with these workloads of other namespaces or with the control plane. */
  readonly neighbours: readonly string[];
  readonly controlPlane: boolean;
}

export interface NamespaceCapacity {
  readonly namespace: string;
  readonly workloads: number;
  readonly resourceQuota: boolean;
  readonly limitRange: boolean;
  /** Containers without both CPU and memory limits. */
  readonly containersWithoutLimits: number;
}

export interface Placement {
  readonly nodes: readonly NodePlacement[];
  readonly workloads: readonly WorkloadPlacement[];
  readonly colocations: readonly Colocation[];
  readonly capacity: readonly NamespaceCapacity[];
  readonly controlPlaneNodes: number;
}

function isControlPlane(node: k8s.V1Node): boolean {
  const labels = node.metadata?.labels ?? {};
  return CONTROL_PLANE_TAINT_KEYS.some((k) => k in labels);
}

function hasControlPlaneTaint(node: k8s.V1Node): boolean {
  return (node.spec?.taints ?? []).some(
    (t) =>
      CONTROL_PLANE_TAINT_KEYS.includes(t.key) && (t.effect === 'NoSchedule' || t.effect === 'NoExecute'),
  );
}

function toleratesControlPlane(spec: k8s.V1PodSpec | undefined): boolean {
  return (spec?.tolerations ?? []).some(
    (t) =>
      (t.operator === 'Exists' && (t.key === undefined || t.key === '')) ||
      (t.key !== undefined &&
        CONTROL_PLANE_TAINT_KEYS.includes(t.key) &&
        (t.effect === undefined || t.effect === '' || t.effect === 'NoSchedule')),
  );
}

function desiredReplicas(w: WorkloadRecord, inv: Inventory): number {
  if (w.owner === 'Deployment' || w.owner === 'StatefulSet' || w.owner === 'ReplicaSet') {
    const o = inv.get(w.owner, w.namespace, w.name)?.object as { spec?: { replicas?: number } } | undefined;
    return o?.spec?.replicas ?? 1;
  }
  return w.pods.length;
}

/** A PodDisruptionBudget's selector (policy/v1): null selects no pod, empty selects every pod of the namespace. */
function matches(
  selector: k8s.V1LabelSelector | undefined,
  labels: Readonly<Record<string, string>>,
): boolean {
  return selector !== undefined && selectorMatches(selector, labels);
}

/** Workload ids whose pods have an escape edge to their node in the privilege graph. */
function escapeCapableWorkloads(
  graph: PrivilegeGraph | undefined,
  podToWorkload: ReadonlyMap<string, string>,
): Set<string> {
  const out = new Set<string>();
  if (graph === undefined) return out;
  const g = graph.graph;
  for (let id = 0; id < g.edgeCount; id++) {
    const type = g.edgeType(id);
    if (!(type.startsWith('CE_') || type.startsWith('EXPLOIT_HOST') || type === 'EXPLOIT_CONTAINERD_SOCK'))
      continue;
    const from = g.vertices[g.edgeFrom(id)]!;
    if (g.vertices[g.edgeTo(id)]!.kind !== 'Node' || (from.kind !== 'Pod' && from.kind !== 'Container'))
      continue;
    const podName = from.kind === 'Container' ? from.name.split('/')[0]! : from.name;
    const w = podToWorkload.get(`${from.namespace ?? ''}/${podName}`);
    if (w !== undefined) out.add(w);
  }
  return out;
}

export function analysePlacement(inv: Inventory, graph?: PrivilegeGraph): Placement {
  const workloads = groupWorkloads(inv);
  const podToWorkload = new Map<string, string>();
  for (const w of workloads)
    for (const p of w.pods)
      podToWorkload.set(`${p.object.metadata.namespace ?? ''}/${p.object.metadata.name}`, w.id);
  const escape = escapeCapableWorkloads(graph, podToWorkload);
  const nodes = new Map(inv.ofKind('Node').map((n) => [n.object.metadata.name, n] as const));
  const zoneOf = (node: string): string | undefined =>
    nodes.get(node)?.object.metadata.labels?.['topology.kubernetes.io/zone'];
  const pdbs = inv.ofKind('PodDisruptionBudget');

  const byNode = new Map<string, Set<string>>();
  const placed: WorkloadPlacement[] = workloads.map((w) => {
    for (const n of w.nodes) {
      let set = byNode.get(n);
      if (set === undefined) byNode.set(n, (set = new Set()));
      set.add(w.id);
    }
    const nodeList = [...w.nodes].sort();
    const zones = [...new Set(nodeList.map(zoneOf).filter((z): z is string => z !== undefined))].sort();
    const pdb = pdbs.find(
      (p) => p.object.metadata.namespace === w.namespace && matches(p.object.spec?.selector, w.labels),
    );
    const onControlPlane = nodeList.some((n) => {
      const node = nodes.get(n)?.object;
      return node !== undefined && isControlPlane(node);
    });
    return {
      id: w.id,
      ref: w.ref,
      namespace: w.namespace,
      replicas: desiredReplicas(w, inv),
      pods: w.pods.length,
      nodes: nodeList,
      topologyZones: zones,
      singleNode: w.pods.length >= 2 && nodeList.length === 1,
      singleZone:
        w.pods.length >= 2 &&
        nodeList.length >= 1 &&
        zones.length === 1 &&
        nodeList.every((n) => zoneOf(n) !== undefined),
      ...(pdb === undefined
        ? {}
        : {
            disruptionBudget: {
              kind: 'PodDisruptionBudget',
              namespace: w.namespace,
              name: pdb.object.metadata.name,
            },
          }),
      toleratesControlPlane: toleratesControlPlane(w.spec),
      onControlPlane,
    };
  });
  const workloadById = new Map(placed.map((w) => [w.id, w]));

  const nodePlacements: NodePlacement[] = [...nodes.values()]
    .map((n) => {
      const name = n.object.metadata.name;
      const cp = isControlPlane(n.object);
      const here = [...(byNode.get(name) ?? [])].sort();
      const zone = zoneOf(name);
      return {
        name,
        controlPlane: cp,
        openToWorkloads: cp && !hasControlPlaneTaint(n.object),
        ...(zone === undefined ? {} : { topologyZone: zone }),
        workloads: here,
        escapeCapable: here.filter((w) => escape.has(w)),
        evidence: [
          {
            ref: { kind: 'Node', name },
            path: 'spec.taints',
            value: JSON.stringify(n.object.spec?.taints ?? []),
            source: n.source,
          },
        ],
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name));

  const colocations: Colocation[] = [];
  for (const node of nodePlacements) {
    for (const w of node.escapeCapable) {
      const ns = workloadById.get(w)!.namespace;
      const neighbours = node.workloads.filter((o) => o !== w && workloadById.get(o)!.namespace !== ns);
      if (neighbours.length > 0 || node.controlPlane)
        colocations.push({ node: node.name, workload: w, neighbours, controlPlane: node.controlPlane });
    }
  }

  const quotas = new Set(inv.ofKind('ResourceQuota').map((q) => q.object.metadata.namespace));
  const limitRanges = new Set(inv.ofKind('LimitRange').map((q) => q.object.metadata.namespace));
  const perNs = new Map<string, { workloads: number; without: number }>();
  for (const w of workloads) {
    const entry = perNs.get(w.namespace) ?? { workloads: 0, without: 0 };
    entry.workloads++;
    for (const c of w.spec?.containers ?? []) {
      const limits = c.resources?.limits ?? {};
      if (!('cpu' in limits && 'memory' in limits)) entry.without++;
    }
    perNs.set(w.namespace, entry);
  }
  const capacity = [...perNs]
    .filter(([ns]) => !SYSTEM_NAMESPACES.has(ns))
    .map(([namespace, e]) => ({
      namespace,
      workloads: e.workloads,
      resourceQuota: quotas.has(namespace),
      limitRange: limitRanges.has(namespace),
      containersWithoutLimits: e.without,
    }))
    .sort((a, b) => a.namespace.localeCompare(b.namespace));

  return {
    nodes: nodePlacements,
    workloads: placed,
    colocations,
    capacity,
    controlPlaneNodes: nodePlacements.filter((n) => n.controlPlane).length,
  };
}
