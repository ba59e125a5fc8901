// What a rule reads (regolibrary's `match`), and which of it this run did not read: the runner's coverage check.
import type { Inventory } from '../../collect/inventory.js';
import type { CoverageState } from '../../collect/coverage.js';
import type { ComponentName } from '../../collect/settings/types.js';
import type { NodeFileKind } from './node-file-lookup.js';
import { TEMPLATE_KINDS } from '../../analysis/network-policy/endpoints.js';

export interface RuleInputs {
  /**
   * Resource kinds the rule reads, itself or through an analysis. When one was not read (forbidden, failed,
   * not in the manifests given) the rule cannot pass: the runner adds an unverifiable result naming it.
   * Failures about objects that were read still stand.
   */
  readonly kinds: readonly string[];
  /**
   * Kinds whose absence a failure may claim ("no NetworkPolicy selects this namespace"). When one was not
   * read, every failure of the rule becomes unverifiable: absence of what was never read proves nothing.
   */
  readonly absence?: readonly string[];
  /** Component settings the rule reads; none collected for one → unverifiable (as eachInstance reports). */
  readonly settings?: readonly ComponentName[];
  /**
   * Node files the rule reads when a component's flag names them (encryption config, audit policy,
   * kubeconfigs). Documentation: the rule reports a missing file itself (lookupNodeFile), since whether one is
   * needed depends on the flag.
   */
  readonly nodeFiles?: readonly NodeFileKind[];
}

/**
 * Pods and the kinds that template them (pod specs come from these). ReplicationController is left out: ktm
 * does not list it (it is not in RESOURCE_TYPES), so declaring it would make every workload rule unverifiable.
 */
export const WORKLOAD_KINDS = [
  'Pod',
  ...TEMPLATE_KINDS.filter((k) => k !== 'ReplicationController'),
] as const;
export const RBAC_KINDS = ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'] as const;
/** What the network plugin detection and the reachability engine read. */
export const REACHABILITY_KINDS = [
  ...WORKLOAD_KINDS,
  'Namespace',
  'Service',
  'Ingress',
  'NetworkPolicy',
  'AdminNetworkPolicy',
  'BaselineAdminNetworkPolicy',
] as const;
/** What the privilege graph reads. */
export const PRIVILEGE_GRAPH_KINDS = [
  ...WORKLOAD_KINDS,
  ...RBAC_KINDS,
  'Namespace',
  'Node',
  'ServiceAccount',
  'Secret',
  'Service',
  'Ingress',
] as const;
/** What placement reads (besides the privilege graph). */
export const PLACEMENT_KINDS = [
  ...PRIVILEGE_GRAPH_KINDS,
  'PodDisruptionBudget',
  'ResourceQuota',
  'LimitRange',
] as const;

/** A kind that counts as read: read, or not served by the API server (so none exist). */
const KNOWN: ReadonlySet<CoverageState> = new Set(['read', 'not-served']);

export interface MissingInput {
  /** `pods`, `kube-apiserver settings`. */
  readonly input: string;
  readonly kind?: string;
  readonly component?: ComponentName;
  readonly state: string;
  readonly reason?: string;
}

/** The declared kinds (and absence kinds) this inventory did not read, sorted, each once. */
export function missingKinds(inv: Inventory, kinds: readonly string[]): MissingInput[] {
  const out: MissingInput[] = [];
  for (const kind of [...new Set(kinds)].sort()) {
    const r = inv.coverage.resources.find((x) => x.kind === kind);
    if (r !== undefined && KNOWN.has(r.state)) continue;
    out.push({
      input: r?.resource ?? kind,
      kind,
      state: r?.state ?? 'not-collected',
      ...(r?.reason === undefined ? {} : { reason: r.reason }),
    });
  }
  return out;
}

/** Declared components with no settings at all (neither visible nor run by a provider). */
export function missingSettings(inv: Inventory, components: readonly ComponentName[]): MissingInput[] {
  return [...new Set(components)]
    .sort()
    .filter((c) => inv.settingsOf(c).length === 0)
    .map((c) => ({ input: `${c} settings`, component: c, state: 'not-collected' }));
}

/** One line naming what is missing: `pods (forbidden), deployments.apps (not-collected)`. */
export function describeMissing(missing: readonly MissingInput[]): string {
  return missing.map((m) => `${m.input} (${m.state})`).join(', ');
}
