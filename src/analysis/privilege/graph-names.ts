// The names people type for `ktm paths --from/--to`, resolved to privilege-graph vertices with the one name
// resolver (src/model/names.ts): identities (cluster-admin, ServiceAccount/ci/ci-deployer, sa/ci/ci-deployer,
// system:masters), pods, nodes, the audit's zones, the model's zones (a namespace like `ci`, a node, a pool),
// workloads (their pods) and component kinds (kubelet: every kubelet API; etcd: etcd's data).
import type { Inventory } from '../../collect/inventory.js';
import { KtmError } from '../../errors.js';
import { modelNameCandidates, resolveName, type NameCandidate } from '../../model/names.js';
import type { Model, TrustZone } from '../../model/types.js';
import { groupWorkloads } from '../../model/workloads.js';
import { ZONES, vertexLabel, type Vertex } from './attack-graph.js';
import { resolveSelector } from './attack-paths.js';
import type { PrivilegeGraph } from './build-graph.js';

/** What the model adds to the graph's own names: zones, workloads and component kinds. */
export interface GraphNameContext {
  readonly model: Model;
  readonly inventory: Inventory;
}

/** Vertex kinds known by their bare name (`cluster-admin`, `ci-deployer`, `system:masters`, `lab-cp-1`); hubs named `*` are not. */
const BARE_NAMED = new Set(['ServiceAccount', 'User', 'Group', 'PermissionSet', 'Node', 'Pod']);

/** In a namespace zone, these stand for "something in the zone" (entry or target). */
const IN_NAMESPACE = new Set(['Pod', 'Container', 'ServiceAccount', 'Secret']);

/** Every name the graph's vertices are known by, with the vertex ids each stands for. */
export function graphNameCandidates(
  pg: PrivilegeGraph,
  context?: GraphNameContext,
): NameCandidate<number[]>[] {
  const g = pg.graph;
  const out: NameCandidate<number[]>[] = [];
  for (const zone of ZONES) {
    const ids = resolveSelector(pg, zone);
    if (ids !== undefined && ids.length > 0) out.push({ target: ids, names: [zone], tier: 0 });
  }
  for (const v of g.vertices) {
    const names = [vertexLabel(v)];
    if (v.kind === 'PermissionSet' && v.namespace === undefined) names.push(`ClusterRole/${v.name}`);
    out.push({ target: [v.id], names, tier: 0 });
    if (v.name !== '*' && BARE_NAMED.has(v.kind))
      out.push({
        target: [v.id],
        names: v.namespace === undefined ? [v.name] : [v.name, `${v.namespace}/${v.name}`],
        tier: 1,
      });
  }
  if (context !== undefined) out.push(...modelCandidates(pg, context));
  return out;
}

function modelCandidates(
  pg: PrivilegeGraph,
  { model, inventory }: GraphNameContext,
): NameCandidate<number[]>[] {
  const g = pg.graph;
  const real = g.vertices.filter((v) => !v.hub);
  const nodeVertices = (names: readonly string[]): number[] =>
    names.flatMap((n) => {
      const id = g.find({ kind: 'Node', name: n });
      return id === undefined ? [] : [id];
    });
  const zoneById = new Map(model.zones.map((z) => [z.id, z]));
  const namespacesOf = (z: TrustZone): string[] =>
    z.kind === 'namespace'
      ? [z.name]
      : z.children.flatMap((c) => {
          const child = zoneById.get(c);
          return child === undefined ? [] : namespacesOf(child);
        });
  const inZone = (z: TrustZone): number[] => {
    if (z.kind === 'node' || z.kind === 'node-pool')
      return nodeVertices(z.kind === 'node' ? [z.name] : z.placement);
    const namespaces = new Set(namespacesOf(z));
    return real
      .filter(
        (v: Vertex) => v.namespace !== undefined && namespaces.has(v.namespace) && IN_NAMESPACE.has(v.kind),
      )
      .map((v) => v.id);
  };
  const podsOf = new Map<string, number[]>();
  for (const w of groupWorkloads(inventory))
    podsOf.set(
      w.id,
      w.pods.flatMap((p) => {
        const id = g.find({ kind: 'Pod', namespace: w.namespace, name: p.object.metadata?.name ?? '' });
        return id === undefined ? [] : [id];
      }),
    );
  const out: NameCandidate<number[]>[] = [];
  for (const c of modelNameCandidates(model)) {
    const t = c.target;
    // The audit's top-level zones are the graph's own (above); model zones below them add namespaces, nodes, pools.
    if (t.type === 'zone' && t.zone.kind !== 'top') out.push({ ...c, target: inZone(t.zone), tier: 2 });
    else if (t.type === 'node') out.push({ ...c, target: nodeVertices([t.node]), tier: 2 });
    else if (t.type === 'component') {
      const k = t.component.kind;
      if (k.type === 'workload') out.push({ ...c, target: podsOf.get(t.component.id) ?? [], tier: 3 });
      else if (k.type === 'node-agent' && k.agent === 'kubelet' && c.tier === 2)
        out.push({
          ...c,
          target: g.vertices.filter((v) => v.kind === 'Kubelet' && v.name !== '*').map((v) => v.id),
          tier: 3,
        });
      else if (k.type === 'control-plane' && k.process === 'etcd' && c.tier === 2)
        out.push({ ...c, target: resolveSelector(pg, 'Master Data') ?? [], tier: 3 });
    }
  }
  return out;
}

const HINT =
  'give an identity (cluster-admin, ServiceAccount/NS/NAME, sa/NS/NAME, a group), Kind/NS/NAME, a workload, a node, or a zone `ktm zones` lists';

/** The vertices a typed name stands for (sorted, never empty), or a one-line KtmError with the closest names. */
export function resolveGraphName(
  pg: PrivilegeGraph,
  typed: string,
  where: string,
  context?: GraphNameContext,
): number[] {
  const ids = [...new Set(resolveName(typed, graphNameCandidates(pg, context), where, HINT).flat())].sort(
    (a, b) => a - b,
  );
  if (ids.length === 0)
    throw new KtmError(
      `'${typed.trim()}' has nothing in the attack graph`,
      where,
      'it holds no pod, identity or node ktm draws attack steps for',
    );
  return ids;
}
