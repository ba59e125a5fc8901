// Test helper: inventories and component settings built in memory, for framework tests that need no input files.
import { wholeClusterCoverage } from '../../helpers/whole-cluster-coverage.js';
import {
  Inventory,
  type InventoryItem,
  type KubeObject,
  type ClusterInfo,
} from '../../../src/collect/inventory.js';
import type { ComponentName, ComponentSettings, Setting } from '../../../src/collect/settings/types.js';
import type { Ref } from '../../../src/types.js';

export function obj(
  kind: string,
  name: string,
  namespace?: string,
  extra: Record<string, unknown> = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind,
    metadata: namespace === undefined ? { name } : { name, namespace },
    ...extra,
  };
}

export function item(o: KubeObject, file = 'test.yaml', line = 1): InventoryItem {
  return { object: o, source: { file, line } };
}

/** Settings of one component instance from explicit flags and defaults (name → value). */
export function fakeSettings(
  component: ComponentName,
  flags: Readonly<Record<string, string>>,
  opts: {
    readonly ref?: Ref;
    readonly node?: string;
    readonly defaults?: Readonly<Record<string, string>>;
    readonly visibility?: 'visible' | 'managed';
  } = {},
): ComponentSettings {
  const ref = opts.ref ?? { kind: 'Pod', namespace: 'kube-system', name: `${component}-cp1` };
  const defaults = opts.defaults ?? {};
  const get = (name: string): Setting => {
    if (Object.hasOwn(flags, name))
      return {
        name,
        value: flags[name],
        origin: 'flag',
        evidence: { ref, path: 'spec.containers[0].command', value: `--${name}=${flags[name]!}` },
      };
    return { name, value: defaults[name], origin: 'default', evidence: { ref } };
  };
  return {
    component,
    ...(opts.node === undefined ? {} : { node: opts.node }),
    ref,
    visibility: opts.visibility ?? 'visible',
    get,
    isSet: (name) => Object.hasOwn(flags, name),
    explicit: () =>
      Object.keys(flags)
        .sort()
        .map((n) => get(n)),
  };
}

export function fakeInventory(
  items: readonly InventoryItem[] = [],
  settings: readonly ComponentSettings[] = [],
  cluster: Partial<ClusterInfo> = {},
): Inventory {
  return new Inventory({
    cluster: { name: 'test', ...cluster },
    items,
    coverage: wholeClusterCoverage(),
    settings,
  });
}
