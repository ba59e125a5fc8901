// deriveModel: the derive stage, a pure function from an Inventory to components, flows and nested trust zones.
import { byCodeUnit } from './order.js';
import type { Inventory } from '../collect/inventory.js';
import { ModelBuilder } from './builder.js';
import { addControlPlane } from './control-plane.js';
import { cloudOf, collectNodes } from './nodes.js';
import { addReachabilityFlows, type ReachabilityGranularity } from './reachability-flows.js';
import type { Model, ModelNetwork, ReachabilityStatus } from './types.js';
import { addWorkloads } from './workload-flows.js';
import { buildZones } from './zones.js';
import type { ZonesFile } from './zones-file.js';

export interface DeriveOptions {
  /** Namespace label whose value groups namespaces into tenant zones under Container. */
  readonly tenantLabel?: string;
  /** A team's zoning over the derived zones (rename, merge, assign). */
  readonly zonesFile?: ZonesFile;
  /** Workload → workload flows from the reachability engine: per namespace pair (default), per workload pair, or off. */
  readonly reachability?: ReachabilityGranularity | 'off';
  /**
   * Listing every allowed pair is quadratic in workloads; above this many workloads (default 400) the flows are
   * not listed and the model says so (ask `ktm reach` about specific workloads instead).
   */
  readonly maxReachabilityWorkloads?: number;
  /**
   * The network analyses (plugin enforcement, allowed connections). Without them enforcement is unknown and no
   * workload → workload flows are drawn: callers use Analyses.model() (src/analysis/analyses.ts), which gives them.
   */
  readonly network?: ModelNetwork;
}

const NO_PLUGIN: ModelNetwork['plugin'] = { plugin: 'unknown', enforces: 'unknown' };

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

  const plugin = options.network?.plugin ?? NO_PLUGIN;
  const enforcement =
    plugin.enforces === 'yes' ? 'enforces' : plugin.enforces === 'no' ? 'does-not-enforce' : 'unknown';
  const enforcementNote =
    plugin.enforces === 'yes'
      ? `enforced by ${plugin.plugin}`
      : plugin.enforces === 'no'
        ? `declared but inert: ${plugin.plugin} does not enforce NetworkPolicy`
        : plugin.plugin === 'unknown'
          ? 'enforcement unknown: no network plugin recognised'
          : `enforcement unknown for ${plugin.plugin}`;

  const reachability = addReachability(b, options);

  const components = [...b.components.values()].sort((x, y) => byCodeUnit(x.id, y.id));
  const flows = [...b.flows.values()].sort((x, y) => byCodeUnit(x.id, y.id));
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
      ...(options.network?.pluginIsolation === undefined
        ? {}
        : { pluginIsolation: options.network.pluginIsolation }),
    },
    b.notes,
  );
  return {
    components: built.components,
    flows,
    zones: built.zones,
    reachability,
    notes: [...b.notes].sort(),
  };
}

function addReachability(b: ModelBuilder, options: DeriveOptions): ReachabilityStatus {
  const granularity = options.reachability ?? 'namespace';
  if (granularity === 'off') return { state: 'not-computed', reason: 'reachability turned off' };
  const network = options.network;
  if (network === undefined)
    return { state: 'not-computed', reason: 'network analyses not given (use Analyses.model())' };
  const plugin = network.plugin;
  const workloads = [...b.components.values()].filter((c) => c.kind.type === 'workload').length;
  const max = options.maxReachabilityWorkloads ?? 400;
  if (workloads > max) {
    return {
      state: 'not-computed',
      reason: `${workloads} workloads: listing every allowed pair is quadratic, so workload → workload flows are not drawn above ${max} (ask \`ktm reach\` about specific workloads)`,
    };
  }
  addReachabilityFlows(
    b,
    network.connections((id) => b.has(id)),
    granularity,
  );
  return {
    state: 'computed',
    granularity,
    enforcement:
      plugin.enforces === 'yes'
        ? `enforced by ${plugin.plugin}`
        : plugin.enforces === 'no'
          ? `not enforced (${plugin.plugin})`
          : `unknown (${plugin.plugin})`,
  };
}
