// Cilium and Calico policies of the inventory, and which of them the cluster's network plugin enforces (only its own kinds).
import type { Diagnostic } from '../../errors.js';
import type { Inventory } from '../../collect/inventory.js';
import { CALICO_NETWORK_POLICY } from '../../collect/resource-types.js';
import type { Ref } from '../../types.js';
import type { Enforcement, NetworkPluginInfo } from '../network-plugin.js';
import { compileCalicoPolicy, compileTiers, DEFAULT_TIER_ORDER } from './calico-policies.js';
import { compileCiliumPolicy } from './cilium-policies.js';
import { refOf, type CompiledPolicy } from './policies.js';

export const CILIUM_POLICY_KINDS = ['CiliumNetworkPolicy', 'CiliumClusterwideNetworkPolicy'] as const;
export const CALICO_POLICY_KINDS = [CALICO_NETWORK_POLICY, 'GlobalNetworkPolicy'] as const;

export type PolicyPlugin = 'cilium' | 'calico';

/** A plugin policy no running plugin reads: it changes nothing. */
export interface InertPluginPolicy {
  readonly ref: Ref;
  readonly plugin: PolicyPlugin;
  /** The plugin the cluster runs instead. */
  readonly running: string;
}

export interface PluginPolicies {
  /** Policies of the plugin that reads them (or of a plugin that may run, when detection is unsure). */
  readonly active: readonly CompiledPolicy[];
  readonly inert: readonly InertPluginPolicy[];
  /** Per plugin whose kinds are present: does it run here ('unknown': nothing recognised, or not sure). */
  readonly runs: ReadonlyMap<PolicyPlugin, Enforcement>;
  /** Order of Calico's default tier (where Kubernetes NetworkPolicies sit). */
  readonly defaultTierOrder: number;
}

/**
 * Whether the plugin that reads `family`'s kinds runs. Calico and Canal (Calico's Felix) read Calico's; the Cilium
 * agent reads Cilium's. GKE Dataplane V2 is built on Cilium but documents its own subset: unknown.
 */
export function policyPluginRuns(family: PolicyPlugin, plugin: NetworkPluginInfo): Enforcement {
  const names = new Set(plugin.detected.map((d) => d.plugin));
  if (plugin.plugin !== 'unknown') names.add(plugin.plugin);
  if (names.size === 0 || (names.size === 1 && names.has('unknown'))) return 'unknown';
  if (family === 'calico') return names.has('calico') || names.has('canal') ? 'yes' : 'no';
  if (names.has('cilium')) return 'yes';
  return names.has('gke-dataplane-v2') ? 'unknown' : 'no';
}

export function pluginPolicies(
  inv: Inventory,
  plugin: NetworkPluginInfo,
  diags: Diagnostic[],
): PluginPolicies {
  const active: CompiledPolicy[] = [];
  const inert: InertPluginPolicy[] = [];
  const state = new Map<PolicyPlugin, Enforcement>();
  const tiers = compileTiers(
    inv.ofKind('Tier').map((t) => t.object),
    diags,
  );
  const families: readonly [PolicyPlugin, readonly string[]][] = [
    ['cilium', CILIUM_POLICY_KINDS],
    ['calico', CALICO_POLICY_KINDS],
  ];
  for (const [family, kinds] of families) {
    const items = kinds.flatMap((k) => inv.ofKind(k));
    if (items.length === 0) continue;
    const r = policyPluginRuns(family, plugin);
    state.set(family, r);
    for (const it of items) {
      if (r === 'no') {
        inert.push({ ref: refOf(it.object), plugin: family, running: plugin.plugin });
        continue;
      }
      if (family === 'cilium') active.push(...compileCiliumPolicy(it.object, diags));
      else {
        const p = compileCalicoPolicy(it.object, tiers, diags);
        if (p !== undefined) active.push(p);
      }
    }
  }
  if (state.get('cilium') === 'unknown' && state.get('calico') === 'unknown')
    diags.push({
      severity: 'warning',
      where: 'network plugin',
      message:
        'both Cilium and Calico policies are present and no network plugin was recognised: both are evaluated, though one cluster runs one of them',
    });
  return {
    active,
    inert,
    runs: state,
    defaultTierOrder: tiers.get('default')?.order ?? DEFAULT_TIER_ORDER,
  };
}
