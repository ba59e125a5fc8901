// Effective settings of every control-plane and node component, from mirror pods, node files, ConfigMaps and configz.
import path from 'node:path';
import type { Ref, Source } from '../../types.js';
import {
  refOf,
  type InventoryItem,
  type KubeObject,
  type Provider,
  type ServerVersion,
} from '../inventory.js';
import { STATIC_POD_NODE_ANNOTATION } from '../node-files/read-node-files.js';
import type { NodeFileSet, RancherConfigSummary } from '../node-files/types.js';
import { isRecord, parseYamlDocuments } from '../node-files/yaml-documents.js';
import { detectProvider } from '../provider.js';
import { containerTokens, parseFlags, parseMapFlag } from './command-line.js';
import { SettingsRecord, flagLayer, type SettingsLayer } from './component-settings.js';
import {
  ETCD_CONFIG_FIELDS,
  KUBELET_CONFIG_FIELDS,
  KUBE_PROXY_CONFIG_FIELDS,
  configLayer,
} from './config-fields.js';
import {
  ASSUMED_MINOR_VERSION,
  DISTRIBUTION_BUILTINS,
  FEATURE_GATE_DEFAULTS,
  type KubeletMode,
} from './defaults.js';
import { MANAGED_PROVIDERS } from './managed-settings.js';
import type { ComponentName, ComponentSettings } from './types.js';

export interface SettingsInput {
  readonly items: readonly InventoryItem[];
  readonly nodeFiles: readonly NodeFileSet[];
  readonly serverVersion?: ServerVersion;
  readonly provider?: Provider;
}

const CONTROL_PLANE: readonly ComponentName[] = [
  'kube-apiserver',
  'etcd',
  'kube-scheduler',
  'kube-controller-manager',
  'cloud-controller-manager',
];

/** hyperkube's sub-command names for the components it bundles. */
const HYPERKUBE: Readonly<Record<string, ComponentName>> = {
  apiserver: 'kube-apiserver',
  'kube-apiserver': 'kube-apiserver',
  scheduler: 'kube-scheduler',
  'kube-scheduler': 'kube-scheduler',
  'controller-manager': 'kube-controller-manager',
  'kube-controller-manager': 'kube-controller-manager',
  proxy: 'kube-proxy',
  'kube-proxy': 'kube-proxy',
};

/** The Kubernetes minor version from the server version (`"28+"`, or the gitVersion `v1.28.3-eks-...`). */
export function minorVersionOf(v: ServerVersion | undefined): number | undefined {
  if (v === undefined) return undefined;
  const m = Number.parseInt(v.minor, 10);
  if (Number.isFinite(m)) return m;
  const g = /^v?1\.(\d+)/.exec(v.gitVersion);
  return g?.[1] === undefined ? undefined : Number.parseInt(g[1], 10);
}

interface Context {
  readonly minor: number;
  readonly versionKnown: boolean;
}

function containersOf(spec: unknown): Record<string, unknown>[] {
  return isRecord(spec) && Array.isArray(spec['containers']) ? spec['containers'].filter(isRecord) : [];
}

function words(v: unknown): string[] | undefined {
  return Array.isArray(v) ? v.filter((w): w is string => typeof w === 'string') : undefined;
}

/** The component a container runs, from its binary (or hyperkube sub-command), or undefined. */
function componentOfContainer(c: Record<string, unknown>): ComponentName | undefined {
  const t = containerTokens(words(c['command']), words(c['args']), '').tokens;
  for (const w of t.slice(0, 3)) {
    const b = path.posix.basename(w);
    if ((CONTROL_PLANE as readonly string[]).includes(b) || b === 'kube-proxy' || b === 'kubelet') {
      return b as ComponentName;
    }
    // Provider builds: aws-cloud-controller-manager, openstack-cloud-controller-manager, ...
    if (b.endsWith('-cloud-controller-manager')) return 'cloud-controller-manager';
    const h = HYPERKUBE[b];
    if (h !== undefined && t.some((x) => path.posix.basename(x) === 'hyperkube')) return h;
  }
  return undefined;
}

interface PodComponent {
  readonly component: ComponentName;
  readonly containerIndex: number;
}

/** Which control-plane component a kube-system (or static) pod runs: its `component` label, else its containers. */
function controlPlaneComponent(o: KubeObject): PodComponent | undefined {
  const containers = containersOf(o['spec']);
  const label = o.metadata.labels?.['component'];
  const byLabel = (CONTROL_PLANE as readonly string[]).includes(label ?? '')
    ? (label as ComponentName)
    : undefined;
  for (let i = 0; i < containers.length; i++) {
    const c = containers[i]!;
    const runs = componentOfContainer(c);
    if (byLabel !== undefined && (c['name'] === byLabel || runs === byLabel))
      return { component: byLabel, containerIndex: i };
    if (byLabel === undefined && runs !== undefined && (CONTROL_PLANE as readonly string[]).includes(runs))
      return { component: runs, containerIndex: i };
  }
  return byLabel === undefined ? undefined : { component: byLabel, containerIndex: 0 };
}

function nodeOfPod(o: KubeObject, component: string): string | undefined {
  const annotated = o.metadata.annotations?.[STATIC_POD_NODE_ANNOTATION];
  if (annotated !== undefined) return annotated;
  const spec = o['spec'];
  if (isRecord(spec) && typeof spec['nodeName'] === 'string' && spec['nodeName'] !== '')
    return spec['nodeName'];
  const owner = o.metadata.ownerReferences?.find((r) => r.kind === 'Node');
  if (owner !== undefined) return owner.name;
  const prefix = `${component}-`;
  return o.metadata.name.startsWith(prefix) && o.metadata.name.length > prefix.length
    ? o.metadata.name.slice(prefix.length)
    : undefined;
}

/** Flag layer of a pod's container: command and args together, shell wrappers unwrapped. */
function podFlagLayer(item: InventoryItem, containerIndex: number, binary: string): SettingsLayer {
  const c = containersOf(item.object['spec'])[containerIndex] ?? {};
  const t = containerTokens(
    words(c['command']),
    words(c['args']),
    `spec.containers[${containerIndex}]`,
    binary,
  );
  return flagLayer(t.tokens, t.paths, refOf(item.object), item.source);
}

function templateSpec(o: KubeObject): unknown {
  const spec = o['spec'];
  if (!isRecord(spec) || !isRecord(spec['template'])) return undefined;
  return spec['template']['spec'];
}

function fileRef(node: string, nodePath: string): Ref {
  return { kind: 'NodeFile', name: `${node}:${nodePath}` };
}

function localSource(set: NodeFileSet, nodePath: string): Source {
  return { file: path.join(set.root, nodePath) };
}

/** Control-plane records from mirror pods and static manifests; a static manifest wins over its mirror pod. */
function controlPlaneRecords(input: SettingsInput, ctx: Context): ComponentSettings[] {
  interface Candidate {
    readonly item: InventoryItem;
    readonly pc: PodComponent;
    readonly node: string | undefined;
    readonly fromFile: boolean;
  }
  const byKey = new Map<string, Candidate>();
  const notes = new Map<string, string[]>();
  const consider = (item: InventoryItem, fromFile: boolean): void => {
    const o = item.object;
    const pc = controlPlaneComponent(o);
    if (pc === undefined) return;
    const node = nodeOfPod(o, pc.component);
    const key = `${pc.component}\u0000${node ?? o.metadata.name}`;
    const prev = byKey.get(key);
    if (prev === undefined) {
      byKey.set(key, { item, pc, node, fromFile });
      return;
    }
    const keepNew = fromFile && !prev.fromFile;
    const kept = keepNew ? item : prev.item;
    const dropped = keepNew ? prev.item : item;
    if (keepNew) byKey.set(key, { item, pc, node, fromFile });
    const list = notes.get(key) ?? [];
    list.push(
      `also seen as ${dropped.source.file}${dropped.object.metadata.annotations?.[STATIC_POD_NODE_ANNOTATION] === undefined ? ' (mirror pod)' : ''}; settings read from ${kept.source.file}`,
    );
    notes.set(key, list);
  };
  for (const item of input.items) {
    if (item.object.kind !== 'Pod') continue;
    const fromFile = item.object.metadata.annotations?.[STATIC_POD_NODE_ANNOTATION] !== undefined;
    if (!fromFile && item.object.metadata.namespace !== 'kube-system') continue;
    consider(item, fromFile);
  }
  for (const set of input.nodeFiles) for (const item of set.staticPods) consider(item, true);

  const out: ComponentSettings[] = [];
  for (const [key, c] of [...byKey.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    const set = input.nodeFiles.find((s) => s.node === c.node);
    const distribution = set?.distribution;
    const flags = podFlagLayer(c.item, c.pc.containerIndex, c.pc.component);
    const layers: SettingsLayer[] = [flags];
    const extraNotes: string[] = [];
    let unreadConfig: { description: string; hint: string } | undefined;
    // etcd given --config-file ignores its other flags and environment: the file is the configuration.
    // https://etcd.io/docs/v3.5/op-guide/configuration/#configuration-file
    const etcdConfigPath = c.pc.component === 'etcd' ? flags.get('config-file')?.value : undefined;
    if (etcdConfigPath !== undefined) {
      const cfg = set?.etcdConfigs?.find((e) => e.path === path.posix.resolve('/', etcdConfigPath));
      if (set !== undefined && cfg !== undefined) {
        layers.unshift(
          configLayer(
            cfg.config,
            ETCD_CONFIG_FIELDS,
            'config-file',
            fileRef(set.node, cfg.path),
            '',
            localSource(set, cfg.path),
          ),
        );
        extraNotes.push(
          `etcd configuration read from ${cfg.path} (--config-file); other flags are ignored by etcd`,
        );
      } else {
        unreadConfig = {
          description: `${etcdConfigPath} (etcd --config-file)`,
          hint: `rerun with --node-files holding that file for node ${c.node ?? '(unknown)'}`,
        };
      }
    }
    out.push(
      new SettingsRecord({
        component: c.pc.component,
        ...(c.node === undefined ? {} : { node: c.node }),
        ref: refOf(c.item.object),
        source: c.item.source,
        visibility: 'visible',
        minor: ctx.minor,
        versionKnown: ctx.versionKnown,
        layers,
        ...(unreadConfig === undefined ? {} : { unreadConfig }),
        notes: [
          ...extraNotes,
          ...(notes.get(key) ?? []),
          ...(distribution === undefined ? [] : [`node layout: ${distribution}`]),
          ...(c.fromFile ? ['read from the static pod manifest'] : ['read from the pod in the API']),
        ],
      }),
    );
  }
  return out;
}

/** k3s runs its control plane inside one process: settings come from its config and built-in flags. */
function k3sRecords(set: NodeFileSet, rc: RancherConfigSummary, ctx: Context): ComponentSettings[] {
  const isAgent =
    rc.paths.some((p) => p.endsWith('-agent.service')) && !rc.paths.some((p) => p.endsWith('/k3s.service'));
  const out: ComponentSettings[] = [];
  const source = rc.paths[0] === undefined ? undefined : localSource(set, rc.paths[0]);
  const ref = fileRef(set.node, rc.paths[0] ?? '/etc/rancher/k3s/config.yaml');
  const components: ComponentName[] = [];
  if (!isAgent) {
    if (rc.options['disable-apiserver'] !== 'true') components.push('kube-apiserver');
    if (rc.options['disable-scheduler'] !== 'true') components.push('kube-scheduler');
    if (rc.options['disable-controller-manager'] !== 'true') components.push('kube-controller-manager');
    if (rc.options['cluster-init'] === 'true' || rc.componentArgs['etcd'] !== undefined)
      components.push('etcd');
  }
  if (rc.options['disable-kube-proxy'] !== 'true') components.push('kube-proxy');
  for (const component of components) {
    const tokens = rc.componentArgs[component] ?? [];
    const layer = flagLayer(
      tokens,
      tokens.map((_, i) => `${component}-arg[${i}]`),
      ref,
      source,
    );
    const builtins: Record<string, string> = { ...(DISTRIBUTION_BUILTINS.k3s[component] ?? {}) };
    if (component === 'kube-apiserver' && rc.options['secrets-encryption'] === 'true')
      builtins['encryption-provider-config'] = '/var/lib/rancher/k3s/server/cred/encryption-config.json';
    out.push(
      new SettingsRecord({
        component,
        node: set.node,
        ref,
        ...(source === undefined ? {} : { source }),
        visibility: 'visible',
        minor: ctx.minor,
        versionKnown: ctx.versionKnown,
        layers: [layer],
        builtins: { distribution: 'k3s', values: builtins },
        notes: [`k3s embeds ${component}: settings from ${rc.paths.join(', ')} and k3s built-in flags`],
      }),
    );
  }
  return out;
}

function kubeletConfigMapLayer(
  items: readonly InventoryItem[],
): { layer: SettingsLayer; name: string } | undefined {
  // kubeadm stores the cluster-wide KubeletConfiguration in kube-system/kubelet-config (kubelet-config-1.NN before 1.24).
  // https://kubernetes.io/docs/setup/production-environment/tools/kubeadm/kubelet-integration/
  let best: InventoryItem | undefined;
  let bestRank = -1;
  for (const item of items) {
    const o = item.object;
    if (o.kind !== 'ConfigMap' || o.metadata.namespace !== 'kube-system') continue;
    const m = /^kubelet-config(?:-1\.(\d+))?$/.exec(o.metadata.name);
    if (m === null) continue;
    const rank = m[1] === undefined ? 1000 : Number.parseInt(m[1], 10);
    if (rank > bestRank) {
      best = item;
      bestRank = rank;
    }
  }
  if (best === undefined) return undefined;
  const data = best.object['data'];
  const text = isRecord(data) && typeof data['kubelet'] === 'string' ? data['kubelet'] : undefined;
  if (text === undefined) return undefined;
  const doc = parseYamlDocuments(text, best.source.file).docs[0]?.value;
  if (!isRecord(doc)) return undefined;
  return {
    layer: configLayer(
      doc,
      KUBELET_CONFIG_FIELDS,
      'config-file',
      refOf(best.object),
      'data.kubelet',
      best.source,
    ),
    name: best.object.metadata.name,
  };
}

/**
 * One kubelet record per node with node files, a KubeletConfigz item or coverage by the kubeadm ConfigMap.
 * Precedence: configz (the live merged configuration) > node flags > node config file > kubelet-config ConfigMap
 * (kubeadm's template, written to every node at join time) > distribution built-ins > defaults for the start-up mode.
 */
function kubeletRecords(input: SettingsInput, ctx: Context): ComponentSettings[] {
  const byNode = new Map<string, { set?: NodeFileSet; configz?: InventoryItem; listed?: boolean }>();
  const entry = (node: string): { set?: NodeFileSet; configz?: InventoryItem; listed?: boolean } => {
    let e = byNode.get(node);
    if (e === undefined) {
      e = {};
      byNode.set(node, e);
    }
    return e;
  };
  const cm = kubeletConfigMapLayer(input.items);
  for (const item of input.items) {
    if (item.object.kind === 'KubeletConfigz') entry(item.object.metadata.name).configz = item;
    else if (cm !== undefined && item.object.kind === 'Node') entry(item.object.metadata.name).listed = true;
  }
  for (const set of input.nodeFiles) {
    // RKE2 and k3s start the kubelet themselves: a node with their configuration has a kubelet even without kubelet-arg.
    if (set.kubeletArgs !== undefined || set.kubeletConfig !== undefined || set.rancherConfig !== undefined)
      entry(set.node).set = set;
  }
  const out: ComponentSettings[] = [];
  for (const node of [...byNode.keys()].sort()) {
    const e = byNode.get(node)!;
    const layers: SettingsLayer[] = [];
    const notes: string[] = [];
    const nodeRef: Ref = { kind: 'Node', name: node };
    let usedConfigMap = false;
    let source: Source | undefined;
    if (e.configz !== undefined) {
      const kc = e.configz.object['kubeletconfig'];
      if (isRecord(kc)) {
        layers.push(
          configLayer(
            kc,
            KUBELET_CONFIG_FIELDS,
            'configz',
            refOf(e.configz.object),
            'kubeletconfig',
            e.configz.source,
          ),
        );
        notes.push('configz (the running kubelet) read: it wins over files');
      }
    }
    const set = e.set;
    const flags = set?.kubeletArgs;
    if (set !== undefined && flags !== undefined) {
      const src = localSource(set, flags.path);
      source ??= src;
      layers.push(
        flagLayer(
          flags.args,
          flags.args.map((_, i) => `${flags.path} word ${i + 1}`),
          fileRef(node, flags.path),
          src,
        ),
      );
    }
    if (set?.kubeletConfig !== undefined) {
      const src = localSource(set, set.kubeletConfig.path);
      source ??= src;
      layers.push(
        configLayer(
          set.kubeletConfig.config,
          KUBELET_CONFIG_FIELDS,
          'config-file',
          fileRef(node, set.kubeletConfig.path),
          '',
          src,
        ),
      );
    } else if (cm !== undefined && (e.listed === true || set !== undefined)) {
      usedConfigMap = true;
      layers.push(cm.layer);
      notes.push(
        `configuration from the cluster-wide ConfigMap kube-system/${cm.name} (kubeadm writes it to each node at join; a node's own file may differ)`,
      );
    }
    // Only kubeadm-flags.env was copied: kubeadm's systemd drop-in always adds --config=/var/lib/kubelet/config.yaml.
    // https://kubernetes.io/docs/setup/production-environment/tools/kubeadm/kubelet-integration/
    const kubeadmEnvOnly = flags?.path === '/var/lib/kubelet/kubeadm-flags.env';
    if (kubeadmEnvOnly)
      notes.push(
        'kubelet flags from kubeadm-flags.env; kubeadm runs the kubelet with --config=/var/lib/kubelet/config.yaml',
      );
    const configFlag =
      (flags === undefined ? undefined : parseFlags(flags.args).flags.get('config')?.value) ??
      (kubeadmEnvOnly ? '/var/lib/kubelet/config.yaml' : undefined);
    const hasConfigFlag = configFlag !== undefined;
    const unreadConfig =
      configFlag !== undefined &&
      e.configz === undefined &&
      set?.kubeletConfig === undefined &&
      !usedConfigMap
        ? {
            description: `${configFlag} (kubelet --config)`,
            hint: `copy it into the --node-files folder of ${node}, or rerun with --kubelet-config`,
          }
        : undefined;
    const distribution = set?.distribution;
    const rancher = distribution === 'rke2' || distribution === 'k3s' ? distribution : undefined;
    const configMode =
      e.configz !== undefined ||
      set?.kubeletConfig !== undefined ||
      hasConfigFlag ||
      rancher !== undefined ||
      flags === undefined;
    const mode: KubeletMode = configMode ? 'config-file' : 'flags';
    if (flags !== undefined && !hasConfigFlag && rancher === undefined && set?.kubeletConfig === undefined)
      notes.push('kubelet started without --config: command-line flag defaults apply');
    out.push(
      new SettingsRecord({
        component: 'kubelet',
        node,
        ref: nodeRef,
        ...(source === undefined ? {} : { source }),
        visibility: 'visible',
        minor: ctx.minor,
        versionKnown: ctx.versionKnown,
        layers,
        kubeletMode: mode,
        ...(unreadConfig === undefined ? {} : { unreadConfig }),
        ...(rancher === undefined
          ? {}
          : { builtins: { distribution: rancher, values: DISTRIBUTION_BUILTINS[rancher].kubelet ?? {} } }),
        notes,
      }),
    );
  }
  return out;
}

/** The KubeProxyConfiguration a kube-proxy reads: the ConfigMap key named by --config, else kube-system/kube-proxy. */
function kubeProxyConfig(
  configMaps: ReadonlyMap<string, InventoryItem>,
  podSpec: unknown,
  namespace: string,
  configPath: string,
): { layer: SettingsLayer; ref: string } | undefined {
  const key = path.posix.basename(configPath);
  const names: string[] = [];
  if (isRecord(podSpec) && Array.isArray(podSpec['volumes'])) {
    for (const v of podSpec['volumes']) {
      if (isRecord(v) && isRecord(v['configMap']) && typeof v['configMap']['name'] === 'string')
        names.push(v['configMap']['name']);
    }
  }
  names.push('kube-proxy');
  for (const name of names) {
    const item = configMaps.get(`${namespace}/${name}`) ?? configMaps.get(`kube-system/${name}`);
    const data = item?.object['data'];
    if (item === undefined || !isRecord(data)) continue;
    const text = data[key];
    if (typeof text !== 'string') continue;
    // Thousands of kube-proxy pods share one ConfigMap: parse each key once.
    let perKey = parsedProxyConfigs.get(item.object);
    if (perKey === undefined) {
      perKey = new Map();
      parsedProxyConfigs.set(item.object, perKey);
    }
    const cached = perKey.get(key);
    if (cached !== undefined) {
      if (cached === null) continue;
      return cached;
    }
    const doc = parseYamlDocuments(text, item.source.file).docs[0]?.value;
    if (!isRecord(doc)) {
      perKey.set(key, null);
      continue;
    }
    const result = {
      layer: configLayer(
        doc,
        KUBE_PROXY_CONFIG_FIELDS,
        'config-file',
        refOf(item.object),
        `data["${key}"]`,
        item.source,
      ),
      ref: `${item.object.metadata.namespace ?? ''}/${item.object.metadata.name}`,
    };
    perKey.set(key, result);
    return result;
  }
  return undefined;
}

const parsedProxyConfigs = new WeakMap<object, Map<string, { layer: SettingsLayer; ref: string } | null>>();

/** kube-proxy: one record per kube-proxy pod (per node); per DaemonSet when its pods were not collected. */
function kubeProxyRecords(input: SettingsInput, ctx: Context): ComponentSettings[] {
  const configMaps = new Map<string, InventoryItem>();
  const daemonSets: InventoryItem[] = [];
  const pods: InventoryItem[] = [];
  for (const item of input.items) {
    const o = item.object;
    if (o.kind === 'ConfigMap') {
      if (o.metadata.name.includes('proxy'))
        configMaps.set(`${o.metadata.namespace ?? ''}/${o.metadata.name}`, item);
    } else if (o.kind === 'DaemonSet') {
      const c = containersOf(templateSpec(o));
      if (c.some((x) => componentOfContainer(x) === 'kube-proxy' || x['name'] === 'kube-proxy'))
        daemonSets.push(item);
    } else if (o.kind === 'Pod' && o.metadata.namespace === 'kube-system') {
      if (o.metadata.labels?.['k8s-app'] === 'kube-proxy' || o.metadata.name.startsWith('kube-proxy'))
        pods.push(item);
    }
  }
  for (const set of input.nodeFiles) {
    for (const p of set.staticPods) if (p.object.metadata.name.startsWith('kube-proxy')) pods.push(p);
  }
  const out: ComponentSettings[] = [];
  const seenNodes = new Set<string>();
  const coveredDaemonSets = new Set<string>();
  const build = (
    item: InventoryItem,
    spec: unknown,
    base: 'spec' | 'template',
    node: string | undefined,
  ): void => {
    const containers = containersOf(spec);
    const i = Math.max(
      0,
      containers.findIndex((c) => componentOfContainer(c) === 'kube-proxy' || c['name'] === 'kube-proxy'),
    );
    const c = containers[i] ?? {};
    const prefix = base === 'spec' ? `spec.containers[${i}]` : `spec.template.spec.containers[${i}]`;
    const t = containerTokens(words(c['command']), words(c['args']), prefix, 'kube-proxy');
    const flags = flagLayer(t.tokens, t.paths, refOf(item.object), item.source);
    const configPath = flags.get('config')?.value;
    const layers: SettingsLayer[] = [];
    const notes: string[] = [];
    let unreadConfig: { description: string; hint: string } | undefined;
    if (configPath !== undefined) {
      const cfg = kubeProxyConfig(
        configMaps,
        spec,
        item.object.metadata.namespace ?? 'kube-system',
        configPath,
      );
      if (cfg !== undefined) {
        // kube-proxy ignores most flags when --config is given, so the file wins.
        // https://kubernetes.io/docs/reference/command-line-tools-reference/kube-proxy/
        layers.push(cfg.layer);
        notes.push(`--config read from ConfigMap ${cfg.ref}; it takes precedence over flags`);
      } else {
        unreadConfig = {
          description: `${configPath} (kube-proxy --config)`,
          hint: 'collect the ConfigMap the kube-proxy pods mount (kube-system/kube-proxy)',
        };
      }
    }
    layers.push(flags);
    out.push(
      new SettingsRecord({
        component: 'kube-proxy',
        ...(node === undefined ? {} : { node }),
        ref: refOf(item.object),
        source: item.source,
        visibility: 'visible',
        minor: ctx.minor,
        versionKnown: ctx.versionKnown,
        layers,
        ...(unreadConfig === undefined ? {} : { unreadConfig }),
        notes,
      }),
    );
  };
  for (const p of pods) {
    const spec = p.object['spec'];
    const node =
      isRecord(spec) && typeof spec['nodeName'] === 'string'
        ? spec['nodeName']
        : nodeOfPod(p.object, 'kube-proxy');
    if (node !== undefined) {
      if (seenNodes.has(node)) continue;
      seenNodes.add(node);
    }
    const owner = p.object.metadata.ownerReferences?.find((r) => r.kind === 'DaemonSet');
    if (owner !== undefined) coveredDaemonSets.add(`${p.object.metadata.namespace ?? ''}/${owner.name}`);
    build(p, spec, 'spec', node);
  }
  for (const ds of daemonSets) {
    if (coveredDaemonSets.has(`${ds.object.metadata.namespace ?? ''}/${ds.object.metadata.name}`)) continue;
    build(ds, templateSpec(ds.object), 'template', undefined);
  }
  return out;
}

function managedRecords(provider: Provider, ctx: Context): ComponentSettings[] {
  const ref: Ref = { kind: 'ManagedControlPlane', name: provider };
  return (['kube-apiserver', 'etcd', 'kube-scheduler', 'kube-controller-manager'] as const).map(
    (component) =>
      new SettingsRecord({
        component,
        ref,
        visibility: 'managed',
        minor: ctx.minor,
        versionKnown: ctx.versionKnown,
        layers: [],
        provider,
        notes: [`the control plane is run by the provider (${provider}); its settings are not visible`],
      }),
  );
}

/** Every component instance's settings: flags, then config files, then the defaults of the detected version. */
export function deriveSettings(input: SettingsInput): ComponentSettings[] {
  const known = minorVersionOf(input.serverVersion);
  const ctx: Context = { minor: known ?? ASSUMED_MINOR_VERSION, versionKnown: known !== undefined };
  const provider = input.provider ?? detectProvider(input.items, input.serverVersion);
  const managed = provider !== undefined && MANAGED_PROVIDERS.has(provider);
  const out: ComponentSettings[] = [];
  if (managed) out.push(...managedRecords(provider, ctx));
  else out.push(...controlPlaneRecords(input, ctx));
  for (const set of input.nodeFiles) {
    if (set.distribution === 'k3s' && set.rancherConfig !== undefined && !managed) {
      out.push(...k3sRecords(set, set.rancherConfig, ctx));
    }
  }
  out.push(...kubeletRecords(input, ctx));
  const k3sProxies = new Set(out.filter((s) => s.component === 'kube-proxy').map((s) => s.node));
  out.push(...kubeProxyRecords(input, ctx).filter((s) => s.node === undefined || !k3sProxies.has(s.node)));
  return out;
}

/**
 * Whether a feature gate is on for a component: its --feature-gates / featureGates value, else the gate's default
 * for the version. undefined when the gate is unknown to ktm and not set.
 */
export function featureGateEnabled(settings: ComponentSettings, gate: string): boolean | undefined {
  const s = settings.get('feature-gates');
  const v = s.value === undefined ? undefined : parseMapFlag(s.value).get(gate);
  if (v !== undefined) return v.toLowerCase() === 'true';
  const d = FEATURE_GATE_DEFAULTS[gate];
  if (d === undefined) return undefined;
  return (settings.minorVersion ?? ASSUMED_MINOR_VERSION) >= d.since;
}
