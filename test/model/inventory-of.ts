// Test helpers: an Inventory built in code from objects, and component settings with chosen flag values.
import { wholeClusterCoverage } from '../helpers/whole-cluster-coverage.js';
import { Inventory, type KubeObject } from '../../src/collect/inventory.js';
import type { ComponentName, ComponentSettings, Setting } from '../../src/collect/settings/types.js';
import type { Ref } from '../../src/types.js';

export function inventoryOf(
  objects: readonly KubeObject[],
  settings: readonly ComponentSettings[] = [],
  provider?: 'eks',
): Inventory {
  return new Inventory({
    cluster: { name: 'test', ...(provider ? { provider } : {}) },
    items: objects.map((object, i) => ({ object, source: { file: 'test.yaml', line: i + 1 } })),
    coverage: wholeClusterCoverage(),
    settings,
  });
}

/** Settings whose explicit flags are `values`; anything else is unset with origin `default`. */
export function fakeSettings(
  component: ComponentName,
  values: Readonly<Record<string, string>>,
  options: { node?: string; visibility?: 'visible' | 'managed' } = {},
): ComponentSettings {
  const ref: Ref = { kind: 'Pod', namespace: 'kube-system', name: `${component}-${options.node ?? 'x'}` };
  const get = (name: string): Setting => {
    const value = values[name];
    return value === undefined
      ? { name, value: undefined, origin: 'default', evidence: { ref } }
      : {
          name,
          value,
          origin: 'flag',
          evidence: { ref, path: 'spec.containers[0].command', value: `--${name}=${value}` },
        };
  };
  return {
    component,
    ...(options.node === undefined ? {} : { node: options.node }),
    ref,
    visibility: options.visibility ?? 'visible',
    get,
    isSet: (name) => values[name] !== undefined,
    explicit: () =>
      Object.keys(values)
        .sort()
        .map((n) => get(n)),
  };
}

export function node(name: string, labels: Record<string, string> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, labels }, spec: {} };
}

export function staticPod(component: string, nodeName: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${component}-${nodeName}`,
      namespace: 'kube-system',
      labels: { component, tier: 'control-plane' },
    },
    spec: { nodeName, containers: [{ name: component, image: `registry.k8s.io/${component}:v1.30.0` }] },
  };
}

export function deployment(
  namespace: string,
  name: string,
  labels: Record<string, string> = { app: name },
  spec: Record<string, unknown> = {},
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'busybox' }], ...spec } },
    },
  };
}
