// deriveModel: the derive stage, a pure function from an Inventory to components, flows and nested trust zones.
import type { Inventory } from '../collect/inventory.js';
import { ModelBuilder } from './builder.js';
import { addControlPlane } from './control-plane.js';
import { cloudOf, collectNodes } from './nodes.js';
import type { Model } from './types.js';
import { addWorkloads } from './workload-flows.js';
import { buildZones } from './zones.js';
import type { ZonesFile } from './zones-file.js';

export interface DeriveOptions {
  /** Namespace label whose value groups namespaces into tenant zones under Container. */
  readonly tenantLabel?: string;
  /** A team's zoning over the derived zones (rename, merge, assign). */
  readonly zonesFile?: ZonesFile;
}

/** Plugins that implement NetworkPolicy, and those that do not; anything else is unknown. */
const ENFORCING = new Set([
  'calico',
  'canal',
  'cilium',
  'antrea',
  'weave',
  'kube-router',
  'azure-npm',
  'gke-dataplane-v2',
  'ovn-kubernetes',
]);
const NOT_ENFORCING = new Set(['flannel']);

export function deriveModel(inventory: Inventory, options: DeriveOptions = {}): Model {
  const b = new ModelBuilder();
  const extraNodes = new Set<string>();
  for (const p of inventory.ofKind('Pod'))
    if (p.object.spec?.nodeName) extraNodes.add(p.object.spec.nodeName);
  for (const s of inventory.settings) if (s.node !== undefined) extraNodes.add(s.node);
  for (const n of inventory.nodeFiles) extraNodes.add(n.node);
  const nodes = collectNodes(inventory, [...extraNodes].sort());
  if (nodes.length === 0)
    b.note('no nodes in the input: per-node kubelet, kube-proxy and runtime components not drawn');
  const cloud = cloudOf(inventory, nodes);

  addControlPlane(b, inventory, nodes);
  addWorkloads(b, inventory, cloud);

  // TODO(#3): take enforcement from src/analysis/network-plugin.ts once it lands; until then, recognised agents decide.
  const plugins = [...b.components.values()].flatMap((c) =>
    c.kind.type === 'workload' && c.kind.plugin !== undefined ? [c.kind.plugin] : [],
  );
  const enforcing = plugins.filter((p) => ENFORCING.has(p));
  const enforcement =
    enforcing.length > 0
      ? 'enforces'
      : plugins.length > 0 && plugins.every((p) => NOT_ENFORCING.has(p))
        ? 'does-not-enforce'
        : 'unknown';
  const enforcementNote =
    enforcement === 'enforces'
      ? `enforced by ${[...new Set(enforcing)].sort().join(', ')}`
      : enforcement === 'does-not-enforce'
        ? `declared but inert: ${[...new Set(plugins)].sort().join(', ')} does not enforce NetworkPolicy`
        : plugins.length > 0
          ? `enforcement unknown for ${[...new Set(plugins)].sort().join(', ')}`
          : 'enforcement unknown: no network plugin recognised';

  const components = [...b.components.values()].sort((x, y) => x.id.localeCompare(y.id));
  const flows = [...b.flows.values()].sort((x, y) => x.id.localeCompare(y.id));
  const built = buildZones(
    inventory,
    nodes,
    components,
    flows,
    {
      ...(options.tenantLabel === undefined ? {} : { tenantLabel: options.tenantLabel }),
      ...(options.zonesFile === undefined ? {} : { zonesFile: options.zonesFile }),
      enforcement,
      enforcementNote,
    },
    b.notes,
  );
  return {
    components: built.components,
    flows,
    zones: built.zones,
    // TODO(#3): workload → workload and workload → external flows come from the reachability engine
    // (src/analysis/network-policy/); add them with withReachability() once it lands.
    reachability: {
      state: 'not-computed',
      reason:
        'workload → workload and workload → external flows need the reachability engine (issue 3), not wired in yet',
    },
    notes: [...b.notes].sort(),
  };
}
