// The names people type for what ktm models: zones, components, component kinds, nodes, workloads and Services,
// as `ktm zones`, `ktm dataflow` and `kubectl` show them. One resolver for every command; an unknown name is a
// one-line error naming the closest matches (edit distance).
import { KtmError } from '../errors.js';
import type { Component, Model, TrustZone } from './types.js';

/** A thing a name can stand for, and every spelling of it, by tier: a lower tier wins when both match. */
export interface NameCandidate<T> {
  readonly target: T;
  /** Spellings that name exactly this thing (ids, names as listed). */
  readonly names: readonly string[];
  /**
   * 0: an id; 1: a listed name (zone, component, node); 2: a component kind (all its instances);
   * 3: a workload's or Service's short and kubectl spellings.
   */
  readonly tier: number;
}

/** kubectl's short resource names and plural forms, to the kind ktm writes in refs. */
const KUBECTL_KINDS: Readonly<Record<string, string>> = {
  deploy: 'Deployment',
  deployment: 'Deployment',
  deployments: 'Deployment',
  'deployment.apps': 'Deployment',
  ds: 'DaemonSet',
  daemonset: 'DaemonSet',
  daemonsets: 'DaemonSet',
  'daemonset.apps': 'DaemonSet',
  sts: 'StatefulSet',
  statefulset: 'StatefulSet',
  statefulsets: 'StatefulSet',
  'statefulset.apps': 'StatefulSet',
  rs: 'ReplicaSet',
  replicaset: 'ReplicaSet',
  'replicaset.apps': 'ReplicaSet',
  cj: 'CronJob',
  cronjob: 'CronJob',
  cronjobs: 'CronJob',
  'cronjob.batch': 'CronJob',
  job: 'Job',
  jobs: 'Job',
  'job.batch': 'Job',
  po: 'Pod',
  pod: 'Pod',
  pods: 'Pod',
  svc: 'Service',
  service: 'Service',
  services: 'Service',
  ns: 'Namespace',
  namespace: 'Namespace',
  namespaces: 'Namespace',
  no: 'Node',
  node: 'Node',
  nodes: 'Node',
  sa: 'ServiceAccount',
  serviceaccount: 'ServiceAccount',
  serviceaccounts: 'ServiceAccount',
  ing: 'Ingress',
  ingress: 'Ingress',
  'ingress.networking.k8s.io': 'Ingress',
  secret: 'Secret',
  secrets: 'Secret',
  user: 'User',
  group: 'Group',
  clusterrole: 'ClusterRole',
  'clusterrole.rbac.authorization.k8s.io': 'ClusterRole',
};

/** The kind a typed kind means: `deploy`, `deployment.apps`, `Deployment` → Deployment (undefined when unknown). */
export function kubectlKind(typed: string): string | undefined {
  return KUBECTL_KINDS[typed.toLowerCase()];
}

/**
 * A typed `KIND/NAME` or `KIND/NAMESPACE/NAME` with the kind in kubectl's spelling (deploy/web,
 * deployment.apps/web, ServiceAccount/ci/ci-deployer), normalised to `Kind/name` or `Kind/namespace/name`;
 * undefined when the input has no known kind in front.
 */
export function normaliseKindName(input: string): string | undefined {
  const parts = input.split('/');
  if (parts.length < 2 || parts.length > 3) return undefined;
  const kind = kubectlKind(parts[0]!);
  return kind === undefined ? undefined : [kind, ...parts.slice(1)].join('/');
}

/** Levenshtein distance (insertions, deletions, substitutions), two rows of memory. */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost));
    }
    prev = row;
  }
  return prev[b.length]!;
}

/**
 * The names closest to a typed one, nearest first: edit distance (case-insensitive) within about half the typed
 * length, a name containing what was typed counting as close; ties by name.
 */
export function closestNames(typed: string, names: readonly string[], limit = 3): string[] {
  const t = typed.toLowerCase();
  const budget = Math.max(2, Math.ceil(t.length / 2));
  const scored = new Map<string, number>();
  const seen = new Set<string>();
  for (const name of names) {
    const n = name.toLowerCase();
    // One spelling per name: `worker` and `Worker` are one suggestion.
    if (seen.has(n)) continue;
    seen.add(n);
    const d = n.includes(t) || t.includes(n) ? Math.min(1, editDistance(t, n)) : editDistance(t, n);
    if (d <= budget && (scored.get(name) ?? Infinity) > d) scored.set(name, d);
  }
  return [...scored]
    .sort((x, y) => x[1] - y[1] || x[0].length - y[0].length || x[0].localeCompare(y[0]))
    .slice(0, limit)
    .map(([name]) => name);
}

/** Candidates indexed by spelling (exact and case-folded), so resolving a name does not scan every candidate. */
export interface NameIndex<T> {
  readonly candidates: readonly NameCandidate<T>[];
  /** Positions in `candidates` of the candidates with each exact spelling, ascending. */
  readonly exact: ReadonlyMap<string, readonly number[]>;
  /** Positions of the candidates with each lower-cased spelling, ascending. */
  readonly folded: ReadonlyMap<string, readonly number[]>;
}

/** Index candidates by their spellings (build once, resolve many names against it). */
export function indexNames<T>(candidates: readonly NameCandidate<T>[]): NameIndex<T> {
  const exact = new Map<string, number[]>();
  const folded = new Map<string, number[]>();
  const add = (m: Map<string, number[]>, key: string, i: number): void => {
    const list = m.get(key);
    if (list === undefined) m.set(key, [i]);
    else if (list[list.length - 1] !== i) list.push(i);
  };
  candidates.forEach((c, i) => {
    for (const n of c.names) {
      add(exact, n, i);
      add(folded, n.toLowerCase(), i);
    }
  });
  return { candidates, exact, folded };
}

/**
 * Resolve a typed name against candidates: exact spellings first, then case-insensitive, then a typed
 * `kind/name` in kubectl's spelling; within the matches, the lowest tier only. A KtmError names the closest
 * matches when nothing matches.
 */
export function resolveName<T>(
  typed: string,
  candidates: readonly NameCandidate<T>[] | NameIndex<T>,
  where: string,
  hint: string,
): T[] {
  const index = 'exact' in candidates ? candidates : indexNames(candidates);
  const input = typed.trim();
  const normalised = normaliseKindName(input);
  const attempts: (readonly number[] | undefined)[] = [
    index.exact.get(input),
    index.folded.get(input.toLowerCase()),
    ...(normalised === undefined ? [] : [index.folded.get(normalised.toLowerCase())]),
  ];
  for (const positions of attempts) {
    if (positions === undefined || positions.length === 0) continue;
    const hits = positions.map((i) => index.candidates[i]!);
    const tier = hits.reduce((low, h) => Math.min(low, h.tier), Infinity);
    return hits.filter((h) => h.tier === tier).map((h) => h.target);
  }
  const near = closestNames(
    input,
    index.candidates.flatMap((c) => c.names),
  );
  throw new KtmError(
    `nothing named '${input}'`,
    where,
    near.length > 0 ? `did you mean ${near.map((n) => `'${n}'`).join(', ')}? ${hint}` : hint,
  );
}

/** What a model name stands for. */
export type ModelTarget =
  | { readonly type: 'zone'; readonly zone: TrustZone }
  | { readonly type: 'component'; readonly component: Component }
  | { readonly type: 'node'; readonly node: string };

/** The kind name of a control-plane process or node agent (`etcd`, `kubelet`, `kube-proxy`), else undefined. */
export function componentKindName(c: Component): string | undefined {
  if (c.kind.type === 'control-plane') return c.kind.process;
  if (c.kind.type === 'node-agent') return c.kind.agent;
  return undefined;
}

/** The spellings a workload, Service, Ingress or Gateway is known by: `web`, `shop/web`, `deploy/web`, `Deployment/shop/web`. */
function shortNames(c: Component): string[] {
  const k = c.kind;
  if (k.type !== 'workload' && k.type !== 'service' && k.type !== 'ingress' && k.type !== 'gateway')
    return [];
  const kind =
    k.type === 'workload'
      ? k.owner
      : k.type === 'service'
        ? 'Service'
        : k.type === 'ingress'
          ? 'Ingress'
          : 'Gateway';
  return [
    k.name,
    `${k.namespace}/${k.name}`,
    `${kind}/${k.name}`,
    `${kind}/${k.namespace}/${k.name}`,
    `${k.namespace}/${kind}/${k.name}`,
  ];
}

/** The objects a component was derived from, as kubectl names them: `Pod/etcd-cp-1`, `etcd-cp-1` (a pod). */
function refNames(c: Component): string[] {
  return c.refs.flatMap((r) => [
    `${r.kind}/${r.name}`,
    ...(r.namespace === undefined ? [] : [`${r.kind}/${r.namespace}/${r.name}`]),
    ...(r.kind === 'Pod' ? [r.name] : []),
  ]);
}

/** Every name of the model, with what it stands for. */
export function modelNameCandidates(model: Model): NameCandidate<ModelTarget>[] {
  const out: NameCandidate<ModelTarget>[] = [];
  for (const zone of model.zones) {
    out.push({ target: { type: 'zone', zone }, names: [zone.id], tier: 0 });
    out.push({
      target: { type: 'zone', zone },
      names: [zone.name, ...(zone.kind === 'namespace' ? [`Namespace/${zone.name}`] : [])],
      tier: 1,
    });
  }
  const nodes = new Set<string>();
  for (const c of model.components) {
    out.push({ target: { type: 'component', component: c }, names: [c.id], tier: 0 });
    out.push({ target: { type: 'component', component: c }, names: [c.name], tier: 1 });
    const kindName = componentKindName(c);
    if (kindName !== undefined)
      out.push({ target: { type: 'component', component: c }, names: [kindName], tier: 2 });
    const short = [...shortNames(c), ...refNames(c)];
    if (short.length > 0) out.push({ target: { type: 'component', component: c }, names: short, tier: 3 });
    for (const n of c.nodes) nodes.add(n);
  }
  for (const node of [...nodes].sort())
    out.push({ target: { type: 'node', node }, names: [node, `Node/${node}`], tier: 1 });
  return out;
}

const MODEL_HINT = '`ktm zones` and `ktm dataflow -o json` list the names';

const modelNameIndexes = new WeakMap<Model, NameIndex<ModelTarget>>();
const modelIdIndexes = new WeakMap<Model, ReadonlyMap<string, readonly ModelTarget[]>>();

/** The model's names indexed once per model: the cascade resolves one target per zone it stops. */
function modelNameIndex(model: Model): NameIndex<ModelTarget> {
  let index = modelNameIndexes.get(model);
  if (index === undefined) {
    index = indexNames(modelNameCandidates(model));
    modelNameIndexes.set(model, index);
  }
  return index;
}

/** Zones and components by id (tier 0), in candidate order: zones first, then components. */
function modelIdIndex(model: Model): ReadonlyMap<string, readonly ModelTarget[]> {
  let index = modelIdIndexes.get(model);
  if (index === undefined) {
    const byId = new Map<string, ModelTarget[]>();
    const add = (id: string, t: ModelTarget): void => {
      const list = byId.get(id);
      if (list === undefined) byId.set(id, [t]);
      else list.push(t);
    };
    for (const zone of model.zones) add(zone.id, { type: 'zone', zone });
    for (const component of model.components) add(component.id, { type: 'component', component });
    index = byId;
    modelIdIndexes.set(model, index);
  }
  return index;
}

/** What a typed name means in the model: zones, components (every instance of a kind), nodes. */
export function resolveModelName(model: Model, typed: string, where: string): ModelTarget[] {
  // An id is the lowest tier, so an exact id match is the whole answer: the analyses (cascades of every zone)
  // resolve ids only and need not index every spelling of a large model.
  const byId = modelIdIndex(model).get(typed.trim());
  if (byId !== undefined) return [...byId];
  return resolveName(typed, modelNameIndex(model), where, MODEL_HINT);
}

/** A zone by a typed name (id, name, `Namespace/NAME`, case-insensitive), or a KtmError with the closest zones. */
export function resolveZone(model: Model, typed: string, where: string): TrustZone {
  const zones = resolveName(
    typed,
    modelNameCandidates(model).filter((c) => c.target.type === 'zone'),
    where,
    '`ktm zones` lists them',
  );
  return (zones[0] as Extract<ModelTarget, { type: 'zone' }>).zone;
}
