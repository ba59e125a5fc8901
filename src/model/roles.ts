// Recognising what a workload does for the cluster (DNS, network agent, ingress/gateway controller) from names and images.
import type { WorkloadRecord } from './workloads.js';
import type { WorkloadRole } from './types.js';

/** Network plugin agents by DaemonSet name or image fragment; the first match names the plugin. */
const NETWORK_AGENTS: readonly { plugin: string; names: readonly RegExp[]; images: readonly RegExp[] }[] = [
  { plugin: 'cilium', names: [/^cilium(-agent)?$/], images: [/cilium\/cilium/] },
  { plugin: 'calico', names: [/^calico-node$/], images: [/calico\/node/] },
  { plugin: 'canal', names: [/^canal$/], images: [] },
  { plugin: 'antrea', names: [/^antrea-agent$/], images: [/antrea\/antrea/] },
  { plugin: 'weave', names: [/^weave-net$/], images: [/weaveworks\/weave-kube/] },
  { plugin: 'kube-router', names: [/^kube-router$/], images: [/cloudnativelabs\/kube-router/] },
  { plugin: 'flannel', names: [/^kube-flannel(-ds)?$/, /^flannel$/], images: [/flannel/] },
  { plugin: 'aws-vpc-cni', names: [/^aws-node$/], images: [/amazon-k8s-cni/] },
  { plugin: 'azure-npm', names: [/^azure-npm$/], images: [/azure-npm/] },
  { plugin: 'azure-cni', names: [/^azure-cns$/, /^azure-ip-masq-agent$/], images: [] },
  { plugin: 'gke-dataplane-v2', names: [/^anetd$/], images: [] },
  { plugin: 'ovn-kubernetes', names: [/^ovnkube-node$/], images: [/ovn-kubernetes/] },
  { plugin: 'kindnet', names: [/^kindnet$/], images: [/kindnetd/] },
];

const INGRESS_CONTROLLERS: readonly RegExp[] = [
  /ingress-nginx/,
  /nginx-ingress/,
  /traefik/,
  /haproxy-ingress/,
  /kong/,
  /contour/,
  /ingress-controller/,
];
const GATEWAY_CONTROLLERS: readonly RegExp[] = [
  /envoy-gateway/,
  /istio-ingressgateway/,
  /gateway-api/,
  /eg-envoy/,
  /cilium-gateway/,
];

function images(w: WorkloadRecord): string[] {
  return [...(w.spec?.containers ?? []), ...(w.spec?.initContainers ?? [])].map((c) => c.image ?? '');
}

/** The network plugin a DaemonSet is the agent of, if it is one. */
export function networkPluginOf(w: WorkloadRecord): string | undefined {
  if (w.owner !== 'DaemonSet') return undefined;
  const imgs = images(w);
  for (const a of NETWORK_AGENTS) {
    if (a.names.some((r) => r.test(w.name)) || a.images.some((r) => imgs.some((i) => r.test(i))))
      return a.plugin;
  }
  return undefined;
}

/** kube-proxy runs per node; ktm shows it as a node agent, not as a workload. */
export function isKubeProxy(w: WorkloadRecord): boolean {
  return (
    w.owner === 'DaemonSet' &&
    (w.name === 'kube-proxy' ||
      w.labels['k8s-app'] === 'kube-proxy' ||
      images(w).some((i) => /kube-proxy/.test(i)))
  );
}

/** Cluster DNS: CoreDNS (k8s-app=kube-dns is the label kubeadm and most distributions keep). */
export function isClusterDns(w: WorkloadRecord): boolean {
  return (
    w.labels['k8s-app'] === 'kube-dns' ||
    w.name === 'coredns' ||
    w.name === 'kube-dns' ||
    images(w).some((i) => /coredns/.test(i))
  );
}

export function baseRoles(w: WorkloadRecord): WorkloadRole[] {
  const roles: WorkloadRole[] = [];
  if (isClusterDns(w)) roles.push('cluster-dns');
  if (networkPluginOf(w) !== undefined) roles.push('network-agent');
  const hay = [w.name, ...images(w)];
  if (hay.some((h) => INGRESS_CONTROLLERS.some((r) => r.test(h)))) roles.push('ingress-controller');
  if (hay.some((h) => GATEWAY_CONTROLLERS.some((r) => r.test(h)))) roles.push('gateway-controller');
  return roles;
}

/** Control-plane static pods (kubeadm's `component` label, or the name prefix) are control-plane components, not workloads. */
export function controlPlaneProcessOfPod(
  labels: Readonly<Record<string, string>>,
  name: string,
  namespace: string,
): string | undefined {
  if (namespace !== 'kube-system') return undefined;
  const c = labels.component;
  const names = [
    'kube-apiserver',
    'etcd',
    'kube-scheduler',
    'kube-controller-manager',
    'cloud-controller-manager',
  ] as const;
  if (c !== undefined && (names as readonly string[]).includes(c)) return c;
  // kubeadm mirror pods are named `<component>-<node>` and labelled tier=control-plane.
  if (labels.tier !== 'control-plane') return undefined;
  return names.find((n) => name === n || name.startsWith(`${n}-`));
}
