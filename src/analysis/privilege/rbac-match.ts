// RBAC policy-rule matching exactly as the Kubernetes RBAC authorizer decides it (verbs, groups, resources, subresources, names, URLs).
//
// Mirrors k8s.io/kubernetes/pkg/apis/rbac/v1/evaluation_helpers.go:
// https://github.com/kubernetes/kubernetes/blob/master/pkg/apis/rbac/v1/evaluation_helpers.go

/** The fields of a PolicyRule the authorizer reads (absent lists are empty). */
export interface PolicyRule {
  readonly verbs: readonly string[];
  readonly apiGroups: readonly string[];
  readonly resources: readonly string[];
  readonly resourceNames: readonly string[];
  readonly nonResourceURLs: readonly string[];
}

/** A resource request as the authorizer sees it. `namespace` undefined = cluster-scoped. */
export interface ResourceAttributes {
  readonly verb: string;
  readonly group: string;
  readonly resource: string;
  readonly subresource?: string;
  readonly namespace?: string;
  readonly name?: string;
}

/** A request to a non-resource URL such as /metrics or /debug/pprof/. */
export interface NonResourceAttributes {
  readonly verb: string;
  readonly path: string;
}

export type RequestAttributes = ResourceAttributes | NonResourceAttributes;

export function isNonResource(a: RequestAttributes): a is NonResourceAttributes {
  return 'path' in a;
}

const ALL = '*';

export function verbMatches(rule: PolicyRule, verb: string): boolean {
  return rule.verbs.some((v) => v === ALL || v === verb);
}

export function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return rule.apiGroups.some((g) => g === ALL || g === group);
}

/**
 * `*` matches every resource and subresource; `pods/exec` matches exactly; `* /scale` (written `*\/scale`)
 * matches that subresource of any resource. `pods/*` is NOT a wildcard for the authorizer.
 */
export function resourceMatches(rule: PolicyRule, resource: string, subresource?: string): boolean {
  const combined = subresource === undefined || subresource === '' ? resource : `${resource}/${subresource}`;
  for (const r of rule.resources) {
    if (r === ALL || r === combined) return true;
    if (subresource !== undefined && subresource !== '' && r === `*/${subresource}`) return true;
  }
  return false;
}

/** An empty resourceNames list allows every name; otherwise the request must name one of them. */
export function resourceNameMatches(rule: PolicyRule, name: string | undefined): boolean {
  if (rule.resourceNames.length === 0) return true;
  return name !== undefined && name !== '' && rule.resourceNames.includes(name);
}

/** `*` matches every path; a trailing `*` is a prefix match; otherwise exact. */
export function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  for (const u of rule.nonResourceURLs) {
    if (u === ALL || u === path) return true;
    if (u.endsWith('*') && path.startsWith(u.slice(0, -1))) return true;
  }
  return false;
}

export function ruleAllows(rule: PolicyRule, a: RequestAttributes): boolean {
  if (isNonResource(a)) return verbMatches(rule, a.verb) && nonResourceURLMatches(rule, a.path);
  return (
    verbMatches(rule, a.verb) &&
    apiGroupMatches(rule, a.group) &&
    resourceMatches(rule, a.resource, a.subresource) &&
    resourceNameMatches(rule, a.name)
  );
}

/**
 * What a rule grants for one verb/group/resource regardless of the object's name: nothing,
 * every name, or only the listed names. Used to derive attack edges without enumerating names.
 */
export type NameGrant = { readonly all: true } | { readonly all: false; readonly names: readonly string[] };

export function ruleGrantsNames(
  rule: PolicyRule,
  verb: string,
  group: string,
  resource: string,
  subresource?: string,
): NameGrant | undefined {
  if (
    !verbMatches(rule, verb) ||
    !apiGroupMatches(rule, group) ||
    !resourceMatches(rule, resource, subresource)
  )
    return undefined;
  return rule.resourceNames.length === 0 ? { all: true } : { all: false, names: rule.resourceNames };
}

/** True when the rule is `*` on every verb, group and resource (cluster-admin's first rule). */
export function isWildcardRule(rule: PolicyRule): boolean {
  return (
    rule.verbs.includes(ALL) &&
    rule.apiGroups.includes(ALL) &&
    rule.resources.includes(ALL) &&
    rule.resourceNames.length === 0
  );
}

/** Compact text of a rule for evidence: `verbs=get,list apiGroups="" resources=secrets`. */
export function ruleText(rule: PolicyRule): string {
  const parts: string[] = [`verbs=${rule.verbs.join(',')}`];
  if (rule.nonResourceURLs.length > 0) parts.push(`nonResourceURLs=${rule.nonResourceURLs.join(',')}`);
  if (rule.resources.length > 0 || rule.apiGroups.length > 0) {
    parts.push(`apiGroups=${rule.apiGroups.map((g) => (g === '' ? '""' : g)).join(',')}`);
    parts.push(`resources=${rule.resources.join(',')}`);
  }
  if (rule.resourceNames.length > 0) parts.push(`resourceNames=${rule.resourceNames.join(',')}`);
  return parts.join(' ');
}

/** Narrow an unknown `rules` entry from the API into a PolicyRule (missing lists become empty; non-strings dropped). */
export function toPolicyRule(raw: unknown): PolicyRule | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  const list = (v: unknown): string[] =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
  return {
    verbs: list(r['verbs']),
    apiGroups: list(r['apiGroups']),
    resources: list(r['resources']),
    resourceNames: list(r['resourceNames']),
    nonResourceURLs: list(r['nonResourceURLs']),
  };
}
