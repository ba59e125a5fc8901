// The RBAC index: roles resolved (aggregation included), bindings joined to subjects, and fast "can", "who can", "what can".
//
// Decides like the RBAC authorizer (plugin/pkg/auth/authorizer/rbac/rbac.go): ClusterRoleBindings apply to every
// namespace and to cluster-scoped requests; RoleBindings apply only to requests in their own namespace, so they
// never grant cluster-scoped resources or non-resource URLs. system:masters is allowed everything by the
// apiserver before RBAC is asked. https://kubernetes.io/docs/reference/access-authn-authz/rbac/
import type { Diagnostic } from '../../errors.js';
import type { Inventory, KubeObject } from '../../collect/inventory.js';
import { refOf } from '../../collect/inventory.js';
import type { Evidence, Ref, Source } from '../../types.js';
import {
  labelSelectorSchema,
  matches,
  parseSelector,
  type Selector,
} from '../network-policy/label-selector.js';
import {
  isNonResource,
  isWildcardRule,
  ruleAllows,
  ruleText,
  toPolicyRule,
  type PolicyRule,
  type RequestAttributes,
  type ResourceAttributes,
} from './rbac-match.js';

/** A binding subject, or an identity asking. */
export type Subject =
  | { readonly kind: 'User'; readonly name: string }
  | { readonly kind: 'Group'; readonly name: string }
  | { readonly kind: 'ServiceAccount'; readonly namespace: string; readonly name: string };

/** What the authorizer sees of a requester: a user name (absent for "a member of these groups") and groups. */
export interface UserInfo {
  readonly name?: string;
  readonly groups: readonly string[];
}

export const SYSTEM_MASTERS = 'system:masters';
export const AUTHENTICATED = 'system:authenticated';
export const UNAUTHENTICATED = 'system:unauthenticated';
export const SERVICE_ACCOUNTS = 'system:serviceaccounts';
export const NODES_GROUP = 'system:nodes';

export function serviceAccountUsername(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

/** Parse `system:serviceaccount:NS:NAME` back into its parts. */
export function parseServiceAccountUsername(user: string): { namespace: string; name: string } | undefined {
  const m = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(user);
  return m ? { namespace: m[1]!, name: m[2]! } : undefined;
}

/**
 * The authenticator's view of a subject. Service accounts are members of system:serviceaccounts and
 * system:serviceaccounts:NS; every authenticated user of system:authenticated; kubelets (system:node:NAME) of
 * system:nodes. A Group subject stands for "a member of this group": only that group's own bindings.
 */
export function userInfoOf(s: Subject): UserInfo {
  switch (s.kind) {
    case 'ServiceAccount':
      return {
        name: serviceAccountUsername(s.namespace, s.name),
        groups: [SERVICE_ACCOUNTS, `${SERVICE_ACCOUNTS}:${s.namespace}`, AUTHENTICATED],
      };
    case 'User':
      if (s.name === 'system:anonymous') return { name: s.name, groups: [UNAUTHENTICATED] };
      if (s.name.startsWith('system:node:')) return { name: s.name, groups: [NODES_GROUP, AUTHENTICATED] };
      return { name: s.name, groups: [AUTHENTICATED] };
    case 'Group':
      return { groups: [s.name] };
  }
}

/**
 * A service account as bindings can name it on purpose: its user name and its two service-account groups, without
 * system:authenticated (which every identity carries, so it says nothing about this account).
 */
export function serviceAccountOwnIdentity(namespace: string, name: string): UserInfo {
  return {
    name: serviceAccountUsername(namespace, name),
    groups: [SERVICE_ACCOUNTS, `${SERVICE_ACCOUNTS}:${namespace}`],
  };
}

export function subjectKey(s: Subject): string {
  return s.kind === 'ServiceAccount' ? `ServiceAccount/${s.namespace}/${s.name}` : `${s.kind}/${s.name}`;
}

/** One rule of a resolved role, with where it came from (an aggregated role's rule names its source role). */
export interface ResolvedRule {
  readonly rule: PolicyRule;
  readonly role: Ref;
  readonly index: number;
  readonly source?: Source;
}

/** A binding of a resolved role to its subjects, in one scope. */
export interface Grant {
  readonly id: number;
  /** The RoleBinding's namespace; undefined for a ClusterRoleBinding (every namespace and cluster scope). */
  readonly namespace?: string;
  readonly binding: Ref;
  readonly bindingSource?: Source;
  readonly roleRef: Ref;
  readonly roleFound: boolean;
  readonly rules: readonly ResolvedRule[];
  readonly subjects: readonly Subject[];
}

/** A rule that allows a request, through one grant: the evidence for an RBAC edge. */
export interface Allowance {
  readonly grant: Grant;
  readonly rule: ResolvedRule;
}

export function allowanceEvidence(a: Allowance): Evidence[] {
  return [
    {
      ref: a.grant.binding,
      path: 'roleRef',
      value: `${a.grant.roleRef.kind}/${a.grant.roleRef.name}`,
      ...(a.grant.bindingSource ? { source: a.grant.bindingSource } : {}),
    },
    {
      ref: a.rule.role,
      path: `rules[${a.rule.index}]`,
      value: ruleText(a.rule.rule),
      ...(a.rule.source ? { source: a.rule.source } : {}),
    },
  ];
}

interface IndexEntry {
  readonly grant: Grant;
  readonly rule: ResolvedRule;
}

const CLUSTER = '\u0000cluster';

/** The RBAC state of a cluster, indexed both by subject and by (group, resource). */
export class RbacIndex {
  readonly grants: readonly Grant[];
  readonly diagnostics: readonly Diagnostic[];
  /** Every resolved ClusterRole (stored rules united with the rules its aggregationRule selects). */
  readonly clusterRoles: ReadonlyMap<string, readonly ResolvedRule[]>;
  private readonly bySubject = new Map<string, number[]>();
  /** scope → `${group}\0${resource}` (as written in the rule, wildcards included) → entries. */
  private readonly byResource = new Map<string, Map<string, IndexEntry[]>>();
  private readonly nonResource: IndexEntry[] = [];
  private readonly subjectsByKey = new Map<string, Subject>();

  constructor(
    grants: readonly Grant[],
    clusterRoles: ReadonlyMap<string, readonly ResolvedRule[]>,
    diagnostics: readonly Diagnostic[],
  ) {
    this.grants = grants;
    this.clusterRoles = clusterRoles;
    this.diagnostics = diagnostics;
    for (const g of grants) {
      for (const s of g.subjects) {
        const key = matchKey(s);
        const list = this.bySubject.get(key);
        if (list === undefined) this.bySubject.set(key, [g.id]);
        else list.push(g.id);
        this.subjectsByKey.set(subjectKey(s), s);
      }
      const scope = g.namespace ?? CLUSTER;
      let bucket = this.byResource.get(scope);
      if (bucket === undefined) {
        bucket = new Map();
        this.byResource.set(scope, bucket);
      }
      for (const r of g.rules) {
        if (r.rule.nonResourceURLs.length > 0 && g.namespace === undefined)
          this.nonResource.push({ grant: g, rule: r });
        for (const group of r.rule.apiGroups)
          for (const res of r.rule.resources) {
            const k = `${group}\u0000${res}`;
            const l = bucket.get(k);
            if (l === undefined) bucket.set(k, [{ grant: g, rule: r }]);
            else l.push({ grant: g, rule: r });
          }
      }
    }
  }

  /** Every subject named by a binding, sorted. */
  subjects(): Subject[] {
    return [...this.subjectsByKey.values()].sort((a, b) => subjectKey(a).localeCompare(subjectKey(b)));
  }

  /** The grants whose subjects match this requester (by user name or group), in binding order. */
  grantsOf(who: Subject | UserInfo): Grant[] {
    const ui = asUserInfo(who);
    const ids = new Set<number>();
    if (ui.name !== undefined) for (const id of this.bySubject.get(`u:${ui.name}`) ?? []) ids.add(id);
    for (const g of ui.groups) for (const id of this.bySubject.get(`g:${g}`) ?? []) ids.add(id);
    return [...ids].sort((a, b) => a - b).map((id) => this.grants[id]!);
  }

  /** Whether the authorizer allows the request. */
  can(who: Subject | UserInfo, attrs: RequestAttributes): boolean {
    const ui = asUserInfo(who);
    if (ui.groups.includes(SYSTEM_MASTERS)) return true;
    return this.explain(ui, attrs, 1).length > 0;
  }

  /** The grants and rules that allow the request (up to `limit`), for evidence. Empty when denied. */
  explain(who: Subject | UserInfo, attrs: RequestAttributes, limit = Infinity): Allowance[] {
    const a = normalise(attrs);
    const out: Allowance[] = [];
    for (const g of this.grantsOf(who)) {
      if (!grantApplies(g, a)) continue;
      for (const r of g.rules) {
        if (ruleAllows(r.rule, a)) {
          out.push({ grant: g, rule: r });
          if (out.length >= limit) return out;
          break;
        }
      }
    }
    return out;
  }

  /**
   * Who can make this request: the subjects of every binding that allows it (groups as groups, service
   * accounts as service accounts), plus system:masters. Looks only at the request's namespace and the
   * cluster scope, and only at rules naming the resource or a wildcard, so it does not scan all bindings.
   */
  subjectsWith(attrs: RequestAttributes): Subject[] {
    const a = normalise(attrs);
    const found = new Map<string, Subject>([
      [subjectKey({ kind: 'Group', name: SYSTEM_MASTERS }), { kind: 'Group', name: SYSTEM_MASTERS }],
    ]);
    const consider = (e: IndexEntry): void => {
      if (!grantApplies(e.grant, a) || !ruleAllows(e.rule.rule, a)) return;
      for (const s of e.grant.subjects) found.set(subjectKey(s), s);
    };
    if (isNonResource(a)) {
      for (const e of this.nonResource) consider(e);
    } else {
      const scopes = a.namespace === undefined ? [CLUSTER] : [CLUSTER, a.namespace];
      const combined = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
      const resKeys = new Set([combined, '*', ...(a.subresource ? [`*/${a.subresource}`] : [])]);
      for (const scope of scopes) {
        const bucket = this.byResource.get(scope);
        if (bucket === undefined) continue;
        for (const group of new Set([a.group, '*']))
          for (const res of resKeys) for (const e of bucket.get(`${group}\u0000${res}`) ?? []) consider(e);
      }
    }
    return [...found.values()].sort((x, y) => subjectKey(x).localeCompare(subjectKey(y)));
  }

  /** What a subject can do: every rule it holds, with the scope it holds it in (undefined = cluster-wide). */
  rulesOf(who: Subject | UserInfo): { namespace?: string; grant: Grant; rule: ResolvedRule }[] {
    const out: { namespace?: string; grant: Grant; rule: ResolvedRule }[] = [];
    for (const g of this.grantsOf(who))
      for (const r of g.rules)
        out.push(
          g.namespace === undefined ? { grant: g, rule: r } : { namespace: g.namespace, grant: g, rule: r },
        );
    return out;
  }

  /**
   * Cluster-admin-equivalent: a member of system:masters, or bound cluster-wide to a rule allowing every
   * verb on every resource of every API group (cluster-admin's rule, whatever the role is called).
   */
  isClusterAdminEquivalent(who: Subject | UserInfo): boolean {
    return this.clusterAdminEvidence(who) !== undefined;
  }

  /** The evidence for cluster-admin equivalence, or undefined. */
  clusterAdminEvidence(who: Subject | UserInfo): Evidence[] | undefined {
    const ui = asUserInfo(who);
    if (ui.groups.includes(SYSTEM_MASTERS))
      return [
        {
          ref: { kind: 'Group', name: SYSTEM_MASTERS },
          value: 'system:masters bypasses authorization (hard-wired in kube-apiserver)',
        },
      ];
    for (const g of this.grantsOf(ui)) {
      if (g.namespace !== undefined) continue;
      const r = g.rules.find((x) => isWildcardRule(x.rule));
      if (r !== undefined) return allowanceEvidence({ grant: g, rule: r });
    }
    return undefined;
  }
}

function matchKey(s: Subject): string {
  switch (s.kind) {
    case 'User':
      return `u:${s.name}`;
    case 'Group':
      return `g:${s.name}`;
    case 'ServiceAccount':
      // The authorizer compares the service account's user name, so a User subject spelled
      // system:serviceaccount:NS:NAME matches the same identity.
      return `u:${serviceAccountUsername(s.namespace, s.name)}`;
  }
}

function asUserInfo(who: Subject | UserInfo): UserInfo {
  return 'kind' in who ? userInfoOf(who) : who;
}

/** A request for a Namespace object is evaluated in that namespace (apiserver RequestInfo sets namespace = name). */
function normalise(a: RequestAttributes): RequestAttributes {
  if (isNonResource(a)) return a;
  if (a.group === '' && a.resource === 'namespaces' && a.namespace === undefined && a.name)
    return { ...a, namespace: a.name } satisfies ResourceAttributes;
  return a;
}

function grantApplies(g: Grant, a: RequestAttributes): boolean {
  if (g.namespace === undefined) return true;
  if (isNonResource(a)) return false;
  return a.namespace !== undefined && a.namespace === g.namespace;
}

// ---------- building ----------

function rulesOfObject(o: KubeObject, source: Source): ResolvedRule[] {
  const raw = o['rules'];
  if (!Array.isArray(raw)) return [];
  const out: ResolvedRule[] = [];
  raw.forEach((r: unknown, i) => {
    const rule = toPolicyRule(r);
    if (rule !== undefined) out.push({ rule, role: refOf(o), index: i, source });
  });
  return out;
}

function aggregationSelectors(o: KubeObject): Selector[] | undefined {
  const agg = o['aggregationRule'];
  if (typeof agg !== 'object' || agg === null) return undefined;
  const sels = (agg as Record<string, unknown>)['clusterRoleSelectors'];
  if (!Array.isArray(sels)) return [];
  const out: Selector[] = [];
  for (const s of sels) {
    const parsed = labelSelectorSchema.safeParse(s);
    if (parsed.success) out.push(parseSelector(parsed.data));
  }
  return out;
}

function ruleIdentity(r: PolicyRule): string {
  return JSON.stringify([r.verbs, r.apiGroups, r.resources, r.resourceNames, r.nonResourceURLs]);
}

/**
 * Resolve ClusterRoles, including aggregation: the rules of an aggregated ClusterRole are its stored rules
 * united with the (recursively resolved) rules of every other ClusterRole its selectors match. The stored
 * rules are what the authorizer uses now; the selected ones are what the aggregation controller will write.
 */
function resolveClusterRoles(inv: Inventory): Map<string, ResolvedRule[]> {
  const items = inv.ofKind('ClusterRole') as readonly { object: KubeObject; source: Source }[];
  const stored = new Map<string, ResolvedRule[]>();
  const labels = new Map<string, Readonly<Record<string, string>>>();
  const selectors = new Map<string, Selector[]>();
  for (const { object, source } of items) {
    const name = object.metadata.name;
    stored.set(name, rulesOfObject(object, source));
    labels.set(name, object.metadata.labels ?? {});
    const sels = aggregationSelectors(object);
    if (sels !== undefined) selectors.set(name, sels);
  }
  const names = [...stored.keys()].sort();
  const resolved = new Map<string, ResolvedRule[]>();
  const resolving = new Set<string>();
  const resolve = (name: string): ResolvedRule[] => {
    const done = resolved.get(name);
    if (done !== undefined) return done;
    const own = stored.get(name) ?? [];
    const sels = selectors.get(name);
    if (sels === undefined || resolving.has(name)) return own;
    resolving.add(name);
    const seen = new Set(own.map((r) => ruleIdentity(r.rule)));
    const out = [...own];
    for (const other of names) {
      if (other === name) continue;
      const l = labels.get(other) ?? {};
      if (!sels.some((s) => matches(s, l))) continue;
      for (const r of resolve(other)) {
        const id = ruleIdentity(r.rule);
        if (seen.has(id)) continue;
        seen.add(id);
        out.push(r);
      }
    }
    resolving.delete(name);
    resolved.set(name, out);
    return out;
  };
  for (const n of names) resolved.set(n, resolve(n));
  return resolved;
}

function whereOf(ref: Ref, source: Source): string {
  const at = source.line === undefined ? source.file : `${source.file}:${source.line}`;
  return `${at} (${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name})`;
}

/**
 * A binding's subjects as the authorizer reads them (rbac/v1 helpers `appliesToUser`): a ServiceAccount subject
 * without namespace is the service account of that name in a RoleBinding's own namespace; in a ClusterRoleBinding
 * it names nobody (the API server rejects it), so it is dropped with a diagnostic.
 */
function parseSubjects(
  o: KubeObject,
  source: Source,
  diags: Diagnostic[],
  bindingNamespace: string | undefined,
): Subject[] {
  const raw = o['subjects'];
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    diags.push({
      severity: 'warning',
      where: whereOf(refOf(o), source),
      message: 'subjects is not a list; ignored',
    });
    return [];
  }
  const out: Subject[] = [];
  raw.forEach((s: unknown, i) => {
    if (typeof s !== 'object' || s === null) return;
    const r = s as Record<string, unknown>;
    const kind = r['kind'];
    const name = r['name'];
    if (typeof name !== 'string' || name === '') {
      diags.push({
        severity: 'warning',
        where: whereOf(refOf(o), source),
        message: `subjects[${i}] has no name; ignored`,
      });
      return;
    }
    if (kind === 'User' || kind === 'Group') out.push({ kind, name });
    else if (kind === 'ServiceAccount') {
      const own = r['namespace'];
      const ns = typeof own === 'string' && own !== '' ? own : bindingNamespace;
      if (ns === undefined) {
        diags.push({
          severity: 'warning',
          where: whereOf(refOf(o), source),
          message: `subjects[${i}] ServiceAccount ${name} has no namespace; the API server rejects it in a ClusterRoleBinding, ignored`,
        });
        return;
      }
      out.push({ kind, namespace: ns, name });
    } else {
      diags.push({
        severity: 'warning',
        where: whereOf(refOf(o), source),
        message: `subjects[${i}] has unknown kind ${String(kind)}; ignored`,
      });
    }
  });
  return out;
}

/** Build the RBAC index from an inventory's Roles, ClusterRoles, RoleBindings and ClusterRoleBindings. */
export function buildRbacIndex(inv: Inventory): RbacIndex {
  const diags: Diagnostic[] = [];
  const clusterRoles = resolveClusterRoles(inv);
  const roles = new Map<string, ResolvedRule[]>();
  for (const { object, source } of inv.ofKind('Role') as readonly { object: KubeObject; source: Source }[]) {
    roles.set(`${object.metadata.namespace ?? ''}/${object.metadata.name}`, rulesOfObject(object, source));
  }
  const grants: Grant[] = [];
  const add = (o: KubeObject, source: Source, namespace: string | undefined): void => {
    const ref = refOf(o);
    const roleRef = o['roleRef'];
    const rr = typeof roleRef === 'object' && roleRef !== null ? (roleRef as Record<string, unknown>) : {};
    const kind = rr['kind'];
    const name = rr['name'];
    if ((kind !== 'Role' && kind !== 'ClusterRole') || typeof name !== 'string') {
      diags.push({
        severity: 'warning',
        where: whereOf(ref, source),
        message: 'roleRef is missing or invalid; ignored',
      });
      return;
    }
    if (namespace === undefined && kind === 'Role') {
      diags.push({
        severity: 'warning',
        where: whereOf(ref, source),
        message: 'a ClusterRoleBinding cannot reference a Role; ignored',
      });
      return;
    }
    const rules = kind === 'Role' ? roles.get(`${namespace ?? ''}/${name}`) : clusterRoles.get(name);
    const target: Ref =
      kind === 'Role' && namespace !== undefined ? { kind, namespace, name } : { kind, name };
    if (rules === undefined) {
      diags.push({
        severity: 'warning',
        where: whereOf(ref, source),
        message: `binds ${kind} ${name}, which does not exist: it grants nothing now, and whoever creates that ${kind} later grants its rules to these subjects`,
      });
    }
    grants.push({
      id: grants.length,
      ...(namespace !== undefined ? { namespace } : {}),
      binding: ref,
      bindingSource: source,
      roleRef: target,
      roleFound: rules !== undefined,
      rules: rules ?? [],
      subjects: parseSubjects(o, source, diags, namespace),
    });
  };
  for (const { object, source } of inv.ofKind('ClusterRoleBinding') as readonly {
    object: KubeObject;
    source: Source;
  }[])
    add(object, source, undefined);
  for (const { object, source } of inv.ofKind('RoleBinding') as readonly {
    object: KubeObject;
    source: Source;
  }[]) {
    const ns = object.metadata.namespace;
    if (ns === undefined || ns === '') {
      diags.push({
        severity: 'warning',
        where: whereOf(refOf(object), source),
        message: 'RoleBinding without namespace; ignored',
      });
      continue;
    }
    add(object, source, ns);
  }
  return new RbacIndex(grants, clusterRoles, diags);
}
