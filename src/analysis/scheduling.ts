// Where the scheduler may place a pod that is not bound yet: nodeSelector, required node affinity and tolerations against taints.
//
// Mirrors the scheduler's filter plugins NodeAffinity (nodeSelector + requiredDuringScheduling terms) and
// TaintToleration (NoSchedule and NoExecute taints must be tolerated; PreferNoSchedule only scores), plus the
// tolerations the DaemonSet controller adds to its pods:
// https://kubernetes.io/docs/concepts/scheduling-eviction/assign-pod-node/
// https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/
// https://kubernetes.io/docs/concepts/workloads/controllers/daemonset/#taints-and-tolerations

interface Taint {
  readonly key: string;
  readonly value?: string;
  readonly effect: string;
}

interface Toleration {
  readonly key?: string;
  readonly operator?: string;
  readonly value?: string;
  readonly effect?: string;
}

/** A Node as the scheduler's filters read it. */
export interface SchedulingNode {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly Taint[];
  readonly unschedulable: boolean;
}

function record(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function list(v: unknown): Record<string, unknown>[] {
  return Array.isArray(v) ? v.map(record) : [];
}

function text(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** The scheduling view of a Node object (taints without a key or effect are ignored, as the API rejects them). */
export function schedulingNode(node: {
  metadata: { name: string; labels?: Record<string, string> };
  spec?: unknown;
}): SchedulingNode {
  const spec = record(node.spec);
  const taints: Taint[] = [];
  for (const t of list(spec['taints'])) {
    const key = text(t['key']);
    const effect = text(t['effect']);
    if (key === undefined || effect === undefined) continue;
    const value = text(t['value']);
    taints.push(value === undefined ? { key, effect } : { key, value, effect });
  }
  return {
    name: node.metadata.name,
    labels: node.metadata.labels ?? {},
    taints,
    unschedulable: spec['unschedulable'] === true,
  };
}

/** The DaemonSet controller's tolerations (network-unavailable only for hostNetwork pods). */
function daemonSetTolerations(hostNetwork: boolean): Toleration[] {
  const out: Toleration[] = [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  ];
  if (hostNetwork)
    out.push({ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
  return out;
}

function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect !== undefined && t.effect !== '' && t.effect !== taint.effect) return false;
  const op = t.operator ?? 'Equal';
  if (t.key === undefined || t.key === '') return op === 'Exists';
  if (t.key !== taint.key) return false;
  return op === 'Exists' || (op === 'Equal' && (t.value ?? '') === (taint.value ?? ''));
}

function requirementMatches(r: Record<string, unknown>, value: string | undefined): boolean {
  const values = Array.isArray(r['values'])
    ? r['values'].filter((v): v is string => typeof v === 'string')
    : [];
  switch (r['operator']) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      const a = Number.parseInt(value ?? '', 10);
      const b = Number.parseInt(values[0] ?? '', 10);
      if (Number.isNaN(a) || Number.isNaN(b)) return false;
      return r['operator'] === 'Gt' ? a > b : a < b;
    }
    default:
      return false;
  }
}

/** One nodeSelectorTerm: its expressions and fields all hold; a term with neither matches no node. */
function termMatches(term: Record<string, unknown>, node: SchedulingNode): boolean {
  const exprs = list(term['matchExpressions']);
  const fields = list(term['matchFields']);
  if (exprs.length === 0 && fields.length === 0) return false;
  return (
    exprs.every((e) => requirementMatches(e, node.labels[text(e['key']) ?? ''])) &&
    fields.every((f) => text(f['key']) === 'metadata.name' && requirementMatches(f, node.name))
  );
}

/** Whether a pod spec (owned by `owner`) passes the scheduler's node filters on this node. */
export function schedulableOn(spec: Record<string, unknown>, owner: string, node: SchedulingNode): boolean {
  for (const [k, v] of Object.entries(record(spec['nodeSelector']))) if (node.labels[k] !== v) return false;
  const required = record(
    record(record(spec['affinity'])['nodeAffinity'])['requiredDuringSchedulingIgnoredDuringExecution'],
  );
  if (Object.keys(required).length > 0) {
    const terms = list(required['nodeSelectorTerms']);
    if (!terms.some((t) => termMatches(t, node))) return false;
  }
  const tolerations: Toleration[] = list(spec['tolerations']).map((t) => ({
    ...(text(t['key']) !== undefined ? { key: text(t['key'])! } : {}),
    ...(text(t['operator']) !== undefined ? { operator: text(t['operator'])! } : {}),
    ...(text(t['value']) !== undefined ? { value: text(t['value'])! } : {}),
    ...(text(t['effect']) !== undefined ? { effect: text(t['effect'])! } : {}),
  }));
  if (owner === 'DaemonSet') tolerations.push(...daemonSetTolerations(spec['hostNetwork'] === true));
  const taints: Taint[] = [...node.taints];
  // The node controller taints a cordoned node; an older snapshot may carry only spec.unschedulable.
  if (node.unschedulable && !taints.some((t) => t.key === 'node.kubernetes.io/unschedulable'))
    taints.push({ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' });
  return taints
    .filter((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute')
    .every((t) => tolerations.some((tol) => tolerates(tol, t)));
}

/** The nodes (by name, in the given order) on which the scheduler may place the pod. */
export function schedulableNodes(
  spec: Record<string, unknown>,
  owner: string,
  nodes: readonly SchedulingNode[],
): string[] {
  return nodes.filter((n) => schedulableOn(spec, owner, n)).map((n) => n.name);
}
