// Which network plugin runs in the cluster and whether it enforces NetworkPolicy, from DaemonSets, Pods and ConfigMaps.
import type { Inventory, KubeObject } from '../collect/inventory.js';
import type { Evidence } from '../types.js';

export type Enforcement = 'yes' | 'no' | 'unknown';

export interface NetworkPluginInfo {
  /** e.g. calico, cilium, antrea, weave, kube-router, flannel, canal, aws-vpc-cni, azure-npm, gke-dataplane-v2, ovn-kubernetes, kindnet; 'unknown' when none was recognised. */
  readonly plugin: string;
  readonly enforces: Enforcement;
  readonly evidence: readonly Evidence[];
  /** Every plugin recognised (a cluster may run a CNI plus a policy engine, e.g. AWS VPC CNI with Calico). */
  readonly detected: readonly {
    readonly plugin: string;
    readonly enforces: Enforcement;
    readonly reason: string;
  }[];
}

interface Agent {
  readonly object: KubeObject;
  readonly name: string;
  readonly containers: readonly {
    name: string;
    image: string;
    args: string[];
    env: Record<string, string>;
  }[];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function podSpecOf(o: KubeObject): Record<string, unknown> | undefined {
  const spec = o['spec'];
  if (!isRecord(spec)) return undefined;
  if (o.kind === 'Pod') return spec;
  const t = spec['template'];
  return isRecord(t) && isRecord(t['spec']) ? t['spec'] : undefined;
}

function agentOf(o: KubeObject): Agent {
  const spec = podSpecOf(o);
  const list =
    spec !== undefined && Array.isArray(spec['containers']) ? (spec['containers'] as unknown[]) : [];
  const initList =
    spec !== undefined && Array.isArray(spec['initContainers']) ? (spec['initContainers'] as unknown[]) : [];
  const containers = [...list, ...initList].filter(isRecord).map((c) => {
    const env: Record<string, string> = {};
    if (Array.isArray(c['env']))
      for (const e of c['env'] as unknown[])
        if (isRecord(e) && typeof e['name'] === 'string' && typeof e['value'] === 'string')
          env[e['name']] = e['value'];
    const strs = (v: unknown): string[] =>
      Array.isArray(v) ? (v as unknown[]).filter((x): x is string => typeof x === 'string') : [];
    return {
      name: typeof c['name'] === 'string' ? c['name'] : '',
      image: typeof c['image'] === 'string' ? c['image'] : '',
      args: [...strs(c['command']), ...strs(c['args'])],
      env,
    };
  });
  return { object: o, name: o.metadata.name, containers };
}

function ev(o: KubeObject, path?: string, value?: string): Evidence {
  const ref =
    o.metadata.namespace === undefined
      ? { kind: o.kind, name: o.metadata.name }
      : { kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name };
  return { ref, ...(path !== undefined ? { path } : {}), ...(value !== undefined ? { value } : {}) };
}

interface Finding {
  plugin: string;
  enforces: Enforcement;
  reason: string;
  evidence: Evidence[];
}

function flagValue(args: readonly string[], flag: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === flag) return args[i + 1] ?? 'true';
    if (a.startsWith(`${flag}=`)) return a.slice(flag.length + 1);
  }
  return undefined;
}

function configMap(inv: Inventory, ns: string, name: string): KubeObject | undefined {
  const item = inv.get('ConfigMap', ns, name);
  return item === undefined ? undefined : item.object;
}

function cmData(o: KubeObject | undefined, key: string): string | undefined {
  if (o === undefined || !isRecord(o['data'])) return undefined;
  const v = o['data'][key];
  return typeof v === 'string' ? v : undefined;
}

const has = (a: Agent, re: RegExp): boolean =>
  re.test(a.name) || a.containers.some((c) => re.test(c.image) || re.test(c.name));

/** Recognise each known plugin in one agent (DaemonSet or Pod). */
function recognise(a: Agent, inv: Inventory): Finding[] {
  const out: Finding[] = [];
  const o = a.object;
  const img = (re: RegExp): string | undefined => a.containers.find((c) => re.test(c.image))?.image;
  if (/^canal/.test(a.name))
    out.push({
      plugin: 'canal',
      enforces: 'yes',
      reason: 'Canal runs Calico Felix, which enforces NetworkPolicy',
      evidence: [ev(o, 'metadata.name', a.name)],
    });
  else if (has(a, /calico[-/]node|^calico-node/))
    out.push({
      plugin: 'calico',
      enforces: 'yes',
      reason: 'calico-node (Felix) enforces NetworkPolicy',
      evidence: [ev(o, 'spec.template.spec.containers[].image', img(/calico/) ?? a.name)],
    });
  if (a.name === 'anetd' || has(a, /gke.*anetd|\/anetd:/)) {
    out.push({
      plugin: 'gke-dataplane-v2',
      enforces: 'yes',
      reason: 'GKE Dataplane V2 (anetd, Cilium-based) enforces NetworkPolicy',
      evidence: [ev(o, 'metadata.name', a.name)],
    });
  } else if (a.name === 'cilium' || has(a, /cilium\/cilium:|cilium\/cilium@|quay\.io\/cilium\/cilium/)) {
    // Cilium's `enable-policy: never` turns enforcement off (https://docs.cilium.io/en/stable/security/policy/intro/#policy-enforcement-modes).
    const mode = cmData(
      configMap(inv, o.metadata.namespace ?? 'kube-system', 'cilium-config'),
      'enable-policy',
    );
    out.push({
      plugin: 'cilium',
      enforces: mode === 'never' ? 'no' : 'yes',
      reason:
        mode === 'never' ? 'cilium-config enable-policy is never' : 'the Cilium agent enforces NetworkPolicy',
      evidence: [
        ev(o, 'metadata.name', a.name),
        ...(mode !== undefined
          ? [
              ev(
                configMap(inv, o.metadata.namespace ?? 'kube-system', 'cilium-config')!,
                'data.enable-policy',
                mode,
              ),
            ]
          : []),
      ],
    });
  }
  if (has(a, /antrea-agent|antrea\/antrea/))
    out.push({
      plugin: 'antrea',
      enforces: 'yes',
      reason: 'antrea-agent enforces NetworkPolicy',
      evidence: [ev(o, 'metadata.name', a.name)],
    });
  if (a.name === 'weave-net' || has(a, /weaveworks\/weave-kube|weave-kube/)) {
    // Weave Net enforces policy in its weave-npc container; without it nothing does.
    const npc = a.containers.some((c) => c.name === 'weave-npc' || /weave-npc/.test(c.image));
    out.push({
      plugin: 'weave',
      enforces: npc ? 'yes' : 'no',
      reason: npc ? 'weave-npc enforces NetworkPolicy' : 'Weave Net without its weave-npc container',
      evidence: [ev(o, 'spec.template.spec.containers[].name', npc ? 'weave-npc' : a.name)],
    });
  }
  if (a.name === 'kube-router' || has(a, /cloudnativelabs\/kube-router/)) {
    // kube-router's --run-firewall (default true) is its NetworkPolicy controller.
    const c = a.containers.find((x) => /kube-router/.test(x.image) || x.name === 'kube-router');
    const fw = c === undefined ? undefined : flagValue(c.args, '--run-firewall');
    const off = fw === 'false';
    out.push({
      plugin: 'kube-router',
      enforces: off ? 'no' : 'yes',
      reason: off
        ? 'kube-router runs with --run-firewall=false'
        : 'kube-router runs its NetworkPolicy firewall',
      evidence: [
        ev(
          o,
          'spec.template.spec.containers[].args',
          fw === undefined ? '(--run-firewall default true)' : `--run-firewall=${fw}`,
        ),
      ],
    });
  }
  if (/flannel/.test(a.name) && !/^canal/.test(a.name))
    out.push({
      plugin: 'flannel',
      enforces: 'no',
      reason: 'Flannel provides connectivity only and enforces no NetworkPolicy',
      evidence: [ev(o, 'metadata.name', a.name)],
    });
  if (a.name === 'aws-node' || has(a, /amazon-k8s-cni/)) {
    // EKS enforces NetworkPolicy only with the VPC CNI's network policy agent on and the controller enabled
    // (https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy.html).
    const agent = a.containers.find(
      (c) => c.name === 'aws-network-policy-agent' || /aws-network-policy-agent/.test(c.image),
    );
    const flag = agent === undefined ? undefined : flagValue(agent.args, '--enable-network-policy');
    const cm = configMap(inv, 'kube-system', 'amazon-vpc-cni');
    const ctrl = cmData(cm, 'enable-network-policy-controller');
    const on = agent !== undefined && (flag === 'true' || ctrl === 'true');
    const evidence: Evidence[] = [
      ev(
        o,
        'spec.template.spec.containers[].name',
        agent === undefined
          ? 'no aws-network-policy-agent container'
          : `aws-network-policy-agent --enable-network-policy=${flag ?? 'false'}`,
      ),
    ];
    if (cm !== undefined && ctrl !== undefined)
      evidence.push(ev(cm, 'data.enable-network-policy-controller', ctrl));
    out.push({
      plugin: 'aws-vpc-cni',
      enforces: on ? 'yes' : 'no',
      reason: on
        ? 'the VPC CNI network policy agent is enabled'
        : 'AWS VPC CNI without an enabled network policy agent',
      evidence,
    });
  }
  if (a.name === 'azure-npm' || has(a, /azure-npm/))
    out.push({
      plugin: 'azure-npm',
      enforces: 'yes',
      reason: 'Azure Network Policy Manager enforces NetworkPolicy',
      evidence: [ev(o, 'metadata.name', a.name)],
    });
  else if (a.name === 'azure-cns' || a.name === 'azure-cni' || has(a, /azure-cni|azure-cns/))
    out.push({
      plugin: 'azure-cni',
      enforces: 'no',
      reason: 'Azure CNI without Azure NPM, Calico or Cilium enforces no NetworkPolicy',
      evidence: [ev(o, 'metadata.name', a.name)],
    });
  if (/^ovnkube-node/.test(a.name) || has(a, /ovn-kubernetes|ovnkube/))
    out.push({
      plugin: 'ovn-kubernetes',
      enforces: 'yes',
      reason: 'OVN-Kubernetes enforces NetworkPolicy',
      evidence: [ev(o, 'metadata.name', a.name)],
    });
  if (a.name === 'sdn' && (o.metadata.namespace ?? '') === 'openshift-sdn')
    out.push({
      plugin: 'openshift-sdn',
      enforces: 'yes',
      reason: 'OpenShift SDN enforces NetworkPolicy (networkpolicy mode)',
      evidence: [ev(o, 'metadata.name', a.name)],
    });
  if (/^kube-ovn-cni/.test(a.name))
    out.push({
      plugin: 'kube-ovn',
      enforces: 'yes',
      reason: 'Kube-OVN enforces NetworkPolicy',
      evidence: [ev(o, 'metadata.name', a.name)],
    });
  if (/^kindnet/.test(a.name) || has(a, /kindnetd|\/kindnet:/)) {
    // kindnetd enforces NetworkPolicy since kind v0.24.0 (image kindest/kindnetd:v20240813-c6f155d6, kube-network-policies;
    // https://github.com/kubernetes-sigs/kind/releases/tag/v0.24.0, https://kindnet.es/docs/user/network-policies).
    const image = img(/kindnet/) ?? '';
    const m = /kindnetd:v(\d{8})/.exec(image);
    const enforces: Enforcement =
      m !== null
        ? Number(m[1]) >= 20240813
          ? 'yes'
          : 'no'
        : /aojea\/kindnet|kindnet\.es/.test(image)
          ? 'yes'
          : 'unknown';
    out.push({
      plugin: 'kindnet',
      enforces,
      reason:
        enforces === 'yes'
          ? 'kindnetd from kind ≥ 0.24 enforces NetworkPolicy'
          : enforces === 'no'
            ? 'kindnetd older than kind 0.24 enforces no NetworkPolicy'
            : 'kindnetd of unknown version',
      evidence: [ev(o, 'spec.template.spec.containers[].image', image || a.name)],
    });
  }
  return out;
}

/**
 * Identify the network plugin. When several are recognised, one that enforces wins (a policy engine beside a
 * connectivity-only CNI, such as Calico on AWS VPC CNI or Canal's Flannel); none recognised is 'unknown'.
 */
export function detectNetworkPlugin(inv: Inventory): NetworkPluginInfo {
  const findings: Finding[] = [];
  const seen = new Set<string>();
  const sources: KubeObject[] = [
    ...inv.ofKind('DaemonSet').map((i) => i.object as unknown as KubeObject),
    ...inv.ofKind('Deployment').map((i) => i.object as unknown as KubeObject),
    ...inv
      .ofKind('Pod')
      .map((i) => i.object as unknown as KubeObject)
      .filter((p) => {
        const ns = p.metadata.namespace ?? '';
        return /system|calico|cilium|antrea|tigera|openshift-(sdn|ovn)/.test(ns);
      }),
  ];
  for (const o of sources) {
    for (const f of recognise(agentOf(o), inv)) {
      const key = `${f.plugin}/${f.enforces}`;
      if (o.kind === 'Pod' && [...seen].some((k) => k.startsWith(`${f.plugin}/`))) continue;
      seen.add(key);
      findings.push(f);
    }
  }
  // The Cilium operator or a Calico Deployment alone are not agents; keep DaemonSet/Pod evidence first.
  const rank = (e: Enforcement): number => (e === 'yes' ? 0 : e === 'unknown' ? 1 : 2);
  findings.sort((a, b) => rank(a.enforces) - rank(b.enforces) || a.plugin.localeCompare(b.plugin));
  const best = findings[0];
  const detected = findings.map((f) => ({ plugin: f.plugin, enforces: f.enforces, reason: f.reason }));
  if (best === undefined) return { plugin: 'unknown', enforces: 'unknown', evidence: [], detected };
  return { plugin: best.plugin, enforces: best.enforces, evidence: best.evidence, detected };
}
