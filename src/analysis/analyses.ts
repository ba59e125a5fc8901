// Analyses: every expensive question about one inventory, each computed once, lazily, and shared by every consumer.
//
// One run builds one Analyses and hands it to the rules, criticality, assumptions, the RRA, what-if, paths and
// the reporters, so two consumers never answer the same question twice or differently (a model built without
// the zones file, a second reachability with another plugin guess).
import type { Inventory } from '../collect/inventory.js';
import { deriveModel, type DeriveOptions } from '../model/derive-model.js';
import type { Model, ModelNetwork } from '../model/types.js';
import { cascadeOrUndefined, type CascadeResult } from './cascade.js';
import { connectionsFrom } from './model-network.js';
import { detectNetworkPlugin, type NetworkPluginInfo } from './network-plugin.js';
import { collectEndpoints, type EndpointSet } from './network-policy/endpoints.js';
import { computeReachability, type Reachability } from './network-policy/reachability.js';
import { CALICO_POLICY_KINDS, CILIUM_POLICY_KINDS } from './network-policy/plugin-policies.js';
import { analysePlacement, type Placement } from './placement.js';
import { findAttackPaths, type PathResult } from './privilege/attack-paths.js';
import { buildPrivilegeGraph, type PrivilegeGraph } from './privilege/build-graph.js';
import { buildRbacIndex, type RbacIndex } from './privilege/rbac-index.js';

export const ANALYSIS_NAMES = [
  'model',
  'network-plugin',
  'endpoints',
  'reachability',
  'rbac-index',
  'privilege-graph',
  'attack-paths',
  'placement',
  'cascade',
] as const;
export type AnalysisName = (typeof ANALYSIS_NAMES)[number];

export interface AnalysesOptions {
  /** The model's options, the zones file (a threat model's zones merged in) included. */
  readonly modelOptions?: Omit<DeriveOptions, 'network'>;
  /** Called once per analysis computed (and once per cascade target): tests count them. */
  readonly onCompute?: (name: AnalysisName, key?: string) => void;
}

/** The lazily computed analyses of one inventory. Every getter computes on first use and returns the same value after. */
export class Analyses {
  private readonly values = new Map<string, unknown>();
  private readonly cascades = new Map<string, CascadeResult | undefined>();

  constructor(
    readonly inventory: Inventory,
    private readonly options: AnalysesOptions = {},
  ) {}

  private once<T>(name: AnalysisName, compute: () => T): T {
    if (this.values.has(name)) return this.values.get(name) as T;
    this.options.onCompute?.(name);
    const value = compute();
    this.values.set(name, value);
    return value;
  }

  /** The network plugin and whether it enforces NetworkPolicy. */
  networkPlugin(): NetworkPluginInfo {
    return this.once('network-plugin', () => detectNetworkPlugin(this.inventory));
  }

  /** Every pod and pod template as a network endpoint. */
  endpoints(): EndpointSet {
    return this.once('endpoints', () => collectEndpoints(this.inventory));
  }

  /** Which workloads may connect to which under NetworkPolicy and AdminNetworkPolicy. */
  reachability(): Reachability {
    return this.once('reachability', () =>
      computeReachability(this.inventory, { plugin: this.networkPlugin(), endpoints: this.endpoints() }),
    );
  }

  /** The data-flow model with its zones, the zones file applied. */
  model(): Model {
    return this.once('model', () => {
      const network: ModelNetwork = {
        plugin: this.networkPlugin(),
        connections: (hasComponent) => connectionsFrom(this.reachability(), hasComponent),
        ...([...CILIUM_POLICY_KINDS, ...CALICO_POLICY_KINDS].some((k) => this.inventory.ofKind(k).length > 0)
          ? { pluginIsolation: (ns, dir) => this.reachability().namespaceIsolation(ns, dir) }
          : {}),
      };
      return deriveModel(this.inventory, { ...(this.options.modelOptions ?? {}), network });
    });
  }

  rbacIndex(): RbacIndex {
    return this.once('rbac-index', () => buildRbacIndex(this.inventory));
  }

  /** Identities, pods, nodes, secrets and zones joined by attack edges. */
  privilegeGraph(): PrivilegeGraph {
    return this.once('privilege-graph', () =>
      buildPrivilegeGraph(this.inventory, {
        rbac: this.rbacIndex(),
        network: { reachability: () => this.reachability(), endpoints: () => this.endpoints() },
      }),
    );
  }

  /** Every attack path from the entry points to the crown jewels, worst first (consumers take the first n). */
  attackPaths(): PathResult {
    return this.once('attack-paths', () =>
      findAttackPaths(this.privilegeGraph(), { limit: Number.MAX_SAFE_INTEGER }),
    );
  }

  /** The first `limit` attack paths, and how many there are. */
  worstPaths(limit: number): PathResult {
    const all = this.attackPaths();
    return { ...all, paths: all.paths.slice(0, limit) };
  }

  /** What runs next to what. */
  placement(): Placement {
    return this.once('placement', () => analysePlacement(this.inventory, this.privilegeGraph()));
  }

  /**
   * What stops when `target` (a zone, component or node) stops; undefined when the model has no such target.
   * Any other error is a bug and propagates.
   */
  cascade(target: string): CascadeResult | undefined {
    if (this.cascades.has(target)) return this.cascades.get(target);
    this.options.onCompute?.('cascade', target);
    const result = cascadeOrUndefined(this.model(), this.inventory, target);
    this.cascades.set(target, result);
    return result;
  }
}

/** The model of an inventory with its network facts (a one-off Analyses: for callers that need only the model). */
export function modelOf(inventory: Inventory, options: Omit<DeriveOptions, 'network'> = {}): Model {
  return new Analyses(inventory, { modelOptions: options }).model();
}
