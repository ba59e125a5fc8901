// Cascade: what stops working when a zone, component or node stops — the dependency closure over the data flows.
//
// Two levels of harm, because Kubernetes degrades unevenly: a component *fails* when it can no longer serve
// (the API server without etcd quorum, a Service whose pods are all gone, a workload that cannot resolve names);
// it is *degraded* when it keeps running but loses a function (pods keep serving while the API server is down,
// but nothing can be scheduled, scaled or recovered).
import type * as k8s from '@kubernetes/client-node';
import type { Inventory } from '../collect/inventory.js';
import { DECLARED_INTENT, type Component, type Flow, type Model } from '../model/types.js';
import { KtmError } from '../errors.js';
import { resolveModelName, type ModelTarget } from '../model/names.js';
import { selectorMatches } from '../model/workloads.js';

export interface CascadeEntry {
  readonly component: string;
  readonly reason: string;
  /** Dependency chain from the stopped target to this component (component ids), target first. */
  readonly chain: readonly string[];
}

export interface CascadeResult {
  /** What was stopped, resolved to component ids. */
  readonly stopped: readonly string[];
  readonly stoppedNodes: readonly string[];
  readonly fails: readonly CascadeEntry[];
  readonly degraded: readonly CascadeEntry[];
  /** Writes the API server now rejects (failurePolicy Fail webhooks that are down). */
  readonly blockedWrites: readonly string[];
  readonly keepsRunning: readonly string[];
}

/** A target no zone, component, component kind, node or workload is named like (the message names the closest). */
export class UnknownTargetError extends KtmError {}

interface Cause {
  readonly by: string;
  readonly reason: string;
}

/**
 * Resolve a target with the one name resolver (src/model/names.ts): a zone id or name (with its nested zones), a
 * component id or name, a component kind (etcd, kubelet, kube-proxy: every instance), a node, a workload or Service.
 */
export function resolveTarget(
  model: Model,
  target: string,
  where = '--stop',
): { components: string[]; nodes: string[] } {
  let resolved: ModelTarget[];
  try {
    resolved = resolveModelName(model, target, where);
  } catch (err) {
    if (err instanceof KtmError) throw new UnknownTargetError(err.message, err.where, err.hint);
    throw err;
  }
  const zones = new Set<string>();
  const components = new Set<string>();
  const nodes = new Set<string>();
  for (const t of resolved) {
    if (t.type === 'zone') zones.add(t.zone.id);
    else if (t.type === 'component') components.add(t.component.id);
    else nodes.add(t.node);
  }
  for (let grew = zones.size > 0; grew;) {
    grew = false;
    for (const z of model.zones) {
      if (z.parent !== undefined && zones.has(z.parent) && !zones.has(z.id)) {
        zones.add(z.id);
        grew = true;
      }
    }
  }
  for (const c of model.components) if (zones.has(c.zone)) components.add(c.id);
  for (const z of model.zones) if (zones.has(z.id) && z.kind === 'node') nodes.add(z.name);
  return {
    components: model.components.filter((c) => components.has(c.id)).map((c) => c.id),
    nodes: [...nodes].sort(),
  };
}

/** Whether a webhook rule matches an UPDATE of `group/resource` (a subresource only through `x/sub`, `*\/sub` or `*\/*`). */
function ruleMatchesUpdate(r: k8s.V1RuleWithOperations, group: string, resource: string): boolean {
  const ops = r.operations ?? [];
  if (!ops.some((o) => o === '*' || o === 'UPDATE')) return false;
  if (!(r.apiGroups ?? []).some((g) => g === '*' || g === group)) return false;
  const [res, sub] = resource.split('/');
  return (r.resources ?? []).some((x) => {
    if (x === '*/*' || x === resource) return true;
    if (sub === undefined) return x === '*';
    return x === `*/${sub}` || x === `${res}/*`;
  });
}

/**
 * The heartbeats a fail-closed webhook intercepts (https://kubernetes.io/docs/concepts/architecture/leases/):
 * kubelets renew a Lease in kube-node-lease every 10 s and the node controller marks a node NotReady when it is
 * not renewed within --node-monitor-grace-period (40 s); kube-controller-manager and kube-scheduler hold
 * leader-election Leases in kube-system and stop when they cannot renew them.
 */
function heartbeatsBlocked(
  inv: Inventory,
  hook: k8s.V1ValidatingWebhook | undefined,
): { nodeLeases: boolean; nodeStatus: boolean; leaderElection: boolean } {
  const rules = hook?.rules ?? [];
  const inNamespace = (ns: string): boolean => {
    const sel = hook?.namespaceSelector;
    if (sel === undefined) return true;
    const labels = {
      'kubernetes.io/metadata.name': ns,
      ...(inv.get('Namespace', undefined, ns)?.object.metadata.labels ?? {}),
    };
    return selectorMatches(sel, labels);
  };
  const leases = rules.some((r) => ruleMatchesUpdate(r, 'coordination.k8s.io', 'leases'));
  return {
    nodeLeases: leases && inNamespace('kube-node-lease'),
    // nodes/status is cluster-scoped: a namespaceSelector never exempts it.
    nodeStatus: rules.some((r) => ruleMatchesUpdate(r, '', 'nodes/status')),
    leaderElection: leases && inNamespace('kube-system'),
  };
}

function webhookScope(
  inv: Inventory,
  flow: Flow,
): {
  text: string;
  namespaces: 'all' | Set<string> | 'selected';
  podsCreate: boolean;
  heartbeats: ReturnType<typeof heartbeatsBlocked>;
} {
  const w = flow.webhook!;
  const cfg = inv.get(w.configuration.kind, undefined, w.configuration.name)?.object as
    { webhooks?: k8s.V1ValidatingWebhook[] } | undefined;
  const hook = cfg?.webhooks?.find((h) => h.name === w.webhook);
  const rules = hook?.rules ?? [];
  const resources = [
    ...new Set(
      rules.flatMap((r) => (r.resources ?? []).map((res) => `${(r.operations ?? ['*']).join('/')} ${res}`)),
    ),
  ];
  const podsCreate = rules.some(
    (r) =>
      (r.resources ?? []).some((res) => res === '*' || res === 'pods' || res === '*/*') &&
      (r.operations ?? []).some((o) => o === '*' || o === 'CREATE'),
  );
  const sel = hook?.namespaceSelector;
  const unrestricted =
    sel === undefined ||
    (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0);
  return {
    text: `${w.webhook}: ${resources.length > 0 ? resources.join(', ') : 'its rules'}${unrestricted ? ' in every namespace' : ' in the namespaces it selects'}`,
    namespaces: unrestricted ? 'all' : 'selected',
    podsCreate,
    heartbeats: heartbeatsBlocked(inv, hook),
  };
}

/** The flows of a model indexed by component, built once per model and shared by every cascade over it. */
interface FlowIndex {
  readonly byId: ReadonlyMap<string, Component>;
  /** Flows out of each component (to the servers it depends on). */
  readonly serversOf: ReadonlyMap<string, readonly Flow[]>;
  /** Components with a flow to each component (its clients), by position in model.components. */
  readonly clientsOf: ReadonlyMap<string, readonly number[]>;
  /** Ids of the components a cascade can stop (every one but the external actors), sorted. */
  readonly stoppable: readonly string[];
}

const flowIndexes = new WeakMap<Model, FlowIndex>();

function flowIndex(model: Model): FlowIndex {
  const known = flowIndexes.get(model);
  if (known !== undefined) return known;
  const byId = new Map(model.components.map((c) => [c.id, c]));
  const position = new Map(model.components.map((c, i) => [c.id, i]));
  const serversOf = new Map<string, Flow[]>();
  const clientsOf = new Map<string, number[]>();
  for (const f of model.flows) {
    (serversOf.get(f.from) ?? serversOf.set(f.from, []).get(f.from)!).push(f);
    const client = position.get(f.from);
    if (client !== undefined) (clientsOf.get(f.to) ?? clientsOf.set(f.to, []).get(f.to)!).push(client);
  }
  const stoppable = model.components
    .filter((c) => c.kind.type !== 'external')
    .map((c) => c.id)
    .sort();
  const index = { byId, serversOf, clientsOf, stoppable };
  flowIndexes.set(model, index);
  return index;
}

export function computeCascade(model: Model, inv: Inventory, target: string): CascadeResult {
  const { components: targets, nodes: stoppedNodeList } = resolveTarget(model, target);
  const { byId, serversOf, clientsOf, stoppable } = flowIndex(model);
  const failed = new Map<string, Cause | undefined>();
  const degraded = new Map<string, Cause>();
  const stoppedNodes = new Set(stoppedNodeList);
  for (const t of targets) failed.set(t, undefined);
  // A node agent or runtime that stops takes its node's pods with it.
  for (const t of targets) {
    const c = byId.get(t);
    if (c?.kind.type === 'node-agent' && c.kind.agent !== 'kube-proxy')
      for (const n of c.nodes) stoppedNodes.add(n);
  }
  const blockedWrites: string[] = [];
  let blocksPodCreation: 'all' | 'selected' | undefined;
  let heartbeats:
    { webhook: string; nodeLeases: boolean; nodeStatus: boolean; leaderElection: boolean } | undefined;

  const nodeDown = (c: Component): boolean => c.nodes.length > 0 && c.nodes.every((n) => stoppedNodes.has(n));
  // A component is looked at in a round only when something it depends on has failed or its nodes are
  // down: the rest cannot change, so skipping them gives the same result as examining every component.
  const examine = new Uint8Array(model.components.length);
  const wake = (id: string): void => {
    for (const client of clientsOf.get(id) ?? []) examine[client] = 1;
  };
  const fail = (id: string, cause: Cause): boolean => {
    if (failed.has(id)) return false;
    failed.set(id, cause);
    degraded.delete(id);
    wake(id);
    return true;
  };
  const degrade = (id: string, cause: Cause): void => {
    if (!failed.has(id) && !degraded.has(id)) degraded.set(id, cause);
  };

  // Fixpoint: small number of rounds (each round can only add failures); components are re-examined each round.
  for (const t of failed.keys()) wake(t);
  model.components.forEach((c, i) => {
    if (nodeDown(c)) examine[i] = 1;
  });
  for (let changed = true, round = 0; changed && round < 100; round++) {
    changed = false;
    for (let i = 0; i < model.components.length; i++) {
      if (examine[i] === 0) continue;
      const c = model.components[i]!;
      if (failed.has(c.id)) continue;
      if (nodeDown(c)) {
        const n = c.nodes.join(', ');
        changed =
          fail(c.id, {
            by: c.nodes[0]!,
            reason:
              c.nodes.length === 1
                ? `runs only on ${n}, which is down`
                : `every replica sits on ${n}, all down`,
          }) || changed;
        continue;
      }
      const servers = serversOf.get(c.id) ?? [];
      // etcd quorum: the API server fails when a majority of etcd members is down.
      if (c.kind.type === 'control-plane' && c.kind.process === 'kube-apiserver') {
        const etcd = servers.filter(
          (f) => byId.get(f.to)?.kind.type === 'control-plane' && f.to.startsWith('etcd'),
        );
        const down = etcd.filter((f) => failed.has(f.to));
        if (etcd.length > 0 && down.length > etcd.length / 2) {
          const reason = `etcd quorum lost (${down.length} of ${etcd.length} members down): cluster state can be neither read nor written`;
          changed = fail(c.id, { by: down[0]!.to, reason }) || changed;
          continue;
        }
      }
      if (c.kind.type === 'service' || c.kind.type === 'ingress' || c.kind.type === 'gateway') {
        const backends = servers.filter((f) => f.from === c.id);
        if (backends.length > 0 && backends.every((f) => failed.has(f.to))) {
          changed =
            fail(c.id, {
              by: backends[0]!.to,
              reason: `every backend is down (${[...new Set(backends.map((f) => f.to))].join(', ')})`,
            }) || changed;
        }
        continue;
      }
      for (const f of servers) {
        if (!failed.has(f.to)) continue;
        const server = byId.get(f.to);
        if (server === undefined) continue;
        if (f.dependency !== undefined) {
          // An application dependency: a caller whose readiness probe checks it turns unready (fail-closed);
          // any other caller keeps running without that function.
          const how = f.evidence[0]?.note ?? 'inferred from its configuration';
          if (f.dependency.failClosed)
            changed =
              fail(c.id, {
                by: f.to,
                reason: `its readiness probe checks ${server.name}, which is down: its pods turn unready and leave their Services (${how})`,
              }) || changed;
          else
            degrade(c.id, {
              by: f.to,
              reason: DECLARED_INTENT.has(f.dependency.inferredFrom)
                ? `loses its calls to ${server.name}, which is down (${how})`
                : `its calls to ${server.name} fail (${how})`,
            });
          continue;
        }
        if (f.purpose === 'name resolution') {
          changed =
            fail(c.id, {
              by: f.to,
              reason: 'cluster DNS is down: names do not resolve, so calls to Services by name fail',
            }) || changed;
          break;
        }
        if (f.to === 'kube-apiserver') {
          degrade(c.id, {
            by: f.to,
            reason:
              c.kind.type === 'control-plane'
                ? 'cannot watch or write cluster state: nothing is scheduled, reconciled or recovered'
                : c.kind.type === 'node-agent'
                  ? c.kind.agent === 'kubelet'
                    ? 'running pods keep running, but no new pod starts and status is not reported'
                    : 'service routing is frozen at its last state'
                  : 'its calls to the Kubernetes API fail',
          });
          continue;
        }
        if (f.webhook !== undefined && c.id === 'kube-apiserver') {
          if (f.webhook.failurePolicy === 'Fail') {
            const scope = webhookScope(inv, f);
            blockedWrites.push(scope.text);
            const hb = scope.heartbeats;
            if (hb.nodeLeases || hb.nodeStatus || hb.leaderElection) {
              heartbeats = { webhook: f.to, ...hb };
              if (hb.nodeLeases)
                blockedWrites.push(
                  `${f.webhook.webhook} intercepts the kubelets' Lease renewals in kube-node-lease: every node turns NotReady after the node-monitor grace period (40 s by default) and its pods are evicted 5 minutes later`,
                );
              if (hb.nodeStatus)
                blockedWrites.push(`${f.webhook.webhook} intercepts the kubelets' nodes/status updates`);
              if (hb.leaderElection)
                blockedWrites.push(
                  `${f.webhook.webhook} intercepts the leader-election Leases in kube-system: kube-controller-manager and kube-scheduler lose leadership and stop reconciling and scheduling`,
                );
            }
            if (scope.podsCreate) {
              blocksPodCreation = scope.namespaces === 'all' ? 'all' : (blocksPodCreation ?? 'selected');
              if (scope.namespaces === 'all') {
                // The webhook's own pods are matched too: it cannot come back until its configuration is removed.
                blockedWrites.push(
                  `${f.webhook.webhook} matches its own pods: it cannot be recreated until ${f.webhook.configuration.kind}/${f.webhook.configuration.name} is deleted or set to failurePolicy Ignore`,
                );
              }
            }
            degrade(c.id, {
              by: f.to,
              reason: `admission webhook ${f.webhook.webhook} is down and fails closed: writes it matches are rejected`,
            });
          }
          continue;
        }
        if (c.id === 'kube-apiserver' && f.purpose.startsWith('aggregated API')) {
          degrade(c.id, {
            by: f.to,
            reason: `${f.purpose} is unavailable (and API discovery reports errors)`,
          });
          continue;
        }
        if (c.kind.type === 'node-agent' && c.kind.agent === 'kubelet' && server.kind.type === 'node-agent') {
          changed =
            fail(c.id, {
              by: f.to,
              reason: 'the container runtime is down: containers can be neither started nor inspected',
            }) || changed;
          break;
        }
      }
    }
  }
  if (blocksPodCreation !== undefined) {
    for (const c of model.components) {
      if (c.kind.type !== 'workload' || failed.has(c.id)) continue;
      degrade(c.id, {
        by: 'kube-apiserver',
        reason: `pod creation is rejected${blocksPodCreation === 'selected' ? ' in the namespaces the webhook selects' : ''}: the workload cannot scale, roll out or replace a lost pod`,
      });
    }
  }

  if (heartbeats !== undefined) {
    const hb = heartbeats;
    for (const c of model.components) {
      if (failed.has(c.id) || c.kind.type === 'external') continue;
      if (c.kind.type === 'node-agent' && c.kind.agent === 'kubelet' && (hb.nodeLeases || hb.nodeStatus))
        degrade(c.id, {
          by: hb.webhook,
          reason: hb.leaderElection
            ? 'its heartbeats (Lease in kube-node-lease, nodes/status) are rejected: the node health is no longer reported, and the node controller marks it NotReady after 40 s for as long as it keeps its own leadership'
            : 'its heartbeats (Lease in kube-node-lease, nodes/status) are rejected: the node turns NotReady after 40 s, gets no new pods, and its pods are evicted 5 minutes later',
        });
      if (
        c.kind.type === 'control-plane' &&
        (c.kind.process === 'kube-controller-manager' || c.kind.process === 'kube-scheduler') &&
        hb.leaderElection
      )
        degrade(c.id, {
          by: hb.webhook,
          reason:
            'cannot renew its leader-election Lease in kube-system: it loses leadership and stops working',
        });
    }
  }

  const chainOf = (id: string): string[] => {
    const chain = [id];
    const seen = new Set([id]);
    for (
      let cur = failed.get(id) ?? degraded.get(id);
      cur !== undefined && !seen.has(cur.by);
      cur = failed.get(cur.by) ?? degraded.get(cur.by)
    ) {
      chain.unshift(cur.by);
      seen.add(cur.by);
    }
    return chain;
  };
  const entries = (m: Map<string, Cause | undefined>): CascadeEntry[] =>
    [...m]
      .filter((e): e is [string, Cause] => e[1] !== undefined)
      .map(([component, cause]) => ({ component, reason: cause.reason, chain: chainOf(component) }))
      .sort((a, b) => a.chain.length - b.chain.length || a.component.localeCompare(b.component));
  return {
    stopped: [...targets].sort(),
    stoppedNodes: [...stoppedNodes].sort(),
    fails: entries(failed),
    degraded: entries(degraded),
    blockedWrites: [...new Set(blockedWrites)].sort(),
    keepsRunning: stoppable.filter((id) => !failed.has(id) && !degraded.has(id)),
  };
}

/** The cascade of a target, or undefined when the model has no such target; any other error is a bug and propagates. */
export function cascadeOrUndefined(model: Model, inv: Inventory, target: string): CascadeResult | undefined {
  try {
    return computeCascade(model, inv, target);
  } catch (err) {
    if (err instanceof UnknownTargetError) return undefined;
    throw err;
  }
}
