// The assess stage: run the pipeline over an Inventory and return one serialisable, deterministic Assessment.
import type { Inventory, ClusterInfo } from './collect/inventory.js';
import type { Coverage } from './collect/coverage.js';
import type { Diagnostic } from './errors.js';
import type { Finding } from './rules/finding.js';
import { ktmVersion } from './version.js';

export const SCHEMA_VERSION = '1';

export interface KindCount {
  readonly kind: string;
  readonly count: number;
}

export interface InventorySummary {
  readonly objects: number;
  readonly kinds: readonly KindCount[];
  readonly namespaces: number;
  readonly nodes: number;
  readonly nodeFiles: readonly string[];
  readonly components: readonly {
    readonly component: string;
    readonly node?: string;
    readonly visibility: string;
  }[];
}

export interface Assessment {
  readonly schemaVersion: typeof SCHEMA_VERSION;
  readonly tool: { readonly name: 'ktm'; readonly version: string };
  readonly cluster: ClusterInfo;
  readonly inventory: InventorySummary;
  readonly coverage: Coverage;
  readonly diagnostics: readonly Diagnostic[];
  readonly findings: readonly Finding[];
}

export interface AssessOptions {
  readonly rules?: readonly string[];
  readonly skipRules?: readonly string[];
}

export function summarizeInventory(inv: Inventory): InventorySummary {
  const kinds = inv.kindNames().map((kind) => ({ kind, count: inv.ofKind(kind).length }));
  return {
    objects: inv.items.length,
    kinds,
    namespaces: inv.ofKind('Namespace').length,
    nodes: inv.ofKind('Node').length,
    nodeFiles: inv.nodeFiles.map((n) => n.node).sort(),
    components: inv.settings
      .map((s) => ({
        component: s.component,
        ...(s.node === undefined ? {} : { node: s.node }),
        visibility: s.visibility,
      }))
      .sort((a, b) => a.component.localeCompare(b.component) || (a.node ?? '').localeCompare(b.node ?? '')),
  };
}

export function assess(inv: Inventory, _options: AssessOptions = {}): Assessment {
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: { name: 'ktm', version: ktmVersion() },
    cluster: inv.cluster,
    inventory: summarizeInventory(inv),
    coverage: inv.coverage,
    diagnostics: inv.diagnostics,
    findings: [],
  };
}
