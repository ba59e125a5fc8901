// Shared by the RBAC rules: the cluster's RBAC index, each bound subject with its own grants, and the system identities excluded.
import type { Inventory } from '../../../collect/inventory.js';
import {
  subjectKey,
  type Grant,
  type RbacIndex,
  type Subject,
} from '../../../analysis/privilege/rbac-index.js';
import { isWildcardRule } from '../../../analysis/privilege/rbac-match.js';
import type { Ref } from '../../../types.js';

export interface BoundSubject {
  readonly subject: Subject;
  /** The grants whose binding names this subject itself (a group's grants are reported on the group). */
  readonly grants: readonly Grant[];
}

/** Every subject named by a binding, with the grants that name it, sorted by subject; one pass over the grants. */
export function boundSubjects(rbac: RbacIndex): BoundSubject[] {
  const by = new Map<string, { subject: Subject; grants: Grant[] }>();
  for (const g of rbac.grants)
    for (const s of g.subjects) {
      const key = subjectKey(s);
      const e = by.get(key);
      if (e === undefined) by.set(key, { subject: s, grants: [g] });
      else if (e.grants[e.grants.length - 1] !== g) e.grants.push(g);
    }
  return [...by.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, v]) => v);
}

export function subjectRef(s: Subject): Ref {
  return s.kind === 'ServiceAccount'
    ? { kind: 'ServiceAccount', namespace: s.namespace, name: s.name }
    : { kind: s.kind, name: s.name };
}

/**
 * Identities that hold dangerous rights by design, so reporting them says nothing about this cluster:
 * - system:masters bypasses RBAC in kube-apiserver (nothing RBAC can change);
 * - the kubelets (system:nodes, system:node:NAME), bounded by the Node authorizer and NodeRestriction;
 * - system:kube-controller-manager and system:kube-scheduler, the control plane's own identities;
 * - kube-system service accounts whose every grant comes from the bootstrap policy (bindings labelled
 *   kubernetes.io/bootstrapping=rbac-defaults, e.g. system:controller:replicaset-controller).
 * Anything else bound to these identities is still examined: a kube-system controller's service account that
 * a cluster operator bound to cluster-admin by hand is reported.
 * https://kubernetes.io/docs/reference/access-authn-authz/rbac/#core-component-roles
 */
export function systemExclusion(inv: Inventory, b: BoundSubject): string | undefined {
  const s = b.subject;
  if (s.kind === 'Group' && (s.name === 'system:masters' || s.name === 'system:nodes'))
    return `${s.name} is a built-in group`;
  if (s.kind === 'User') {
    if (s.name.startsWith('system:node:')) return 'a kubelet identity (Node authorizer)';
    if (s.name === 'system:kube-controller-manager' || s.name === 'system:kube-scheduler')
      return 'a control-plane component identity';
  }
  if (
    s.kind === 'ServiceAccount' &&
    s.namespace === 'kube-system' &&
    b.grants.every((g) => isBootstrap(inv, g))
  )
    return 'a kube-system controller bound only by the bootstrap policy';
  return undefined;
}

/** Whether a grant's binding is one of the API server's bootstrap-policy bindings. */
export function isBootstrap(inv: Inventory, g: Grant): boolean {
  const o = inv.get(g.binding.kind, g.binding.namespace, g.binding.name);
  return o?.object.metadata.labels?.['kubernetes.io/bootstrapping'] === 'rbac-defaults';
}

/**
 * Cluster-admin-equivalent through its own grants (a cluster-wide `*` on `*` of `*`): rbac-dangerous-rights reports
 * it once as cluster-admin, so the narrower rules (nodes/proxy, create PersistentVolumes) do not repeat it.
 */
export function isClusterAdminSubject(b: BoundSubject): boolean {
  return b.grants.some((g) => g.namespace === undefined && g.rules.some((r) => isWildcardRule(r.rule)));
}
