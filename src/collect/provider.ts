// Recognises a managed control plane (EKS, GKE, AKS, ...) from nodes' providerID and labels and the server version.
import type { InventoryItem, Provider, ServerVersion } from './inventory.js';

interface Signals {
  /** Node labels only a provider's managed node pools carry. */
  readonly labels: readonly string[];
  /** spec.providerID prefixes: also used by self-managed clusters on the same cloud, so only a weak signal. */
  readonly providerIds: readonly string[];
  /** Substrings of the server's gitVersion (`v1.29.4-eks-036c24b`, `v1.29.4-gke.1043002`). */
  readonly gitVersion: readonly string[];
}

/**
 * Signals per provider. Labels: https://docs.aws.amazon.com/eks/latest/userguide/managed-node-groups.html,
 * https://cloud.google.com/kubernetes-engine/docs/concepts/node-pools, https://learn.microsoft.com/azure/aks/use-labels.
 */
const SIGNALS: readonly (readonly [Provider, Signals])[] = [
  [
    'eks',
    {
      labels: [
        'eks.amazonaws.com/nodegroup',
        'eks.amazonaws.com/compute-type',
        'eks.amazonaws.com/capacityType',
        'alpha.eksctl.io/cluster-name',
      ],
      providerIds: ['aws://'],
      gitVersion: ['-eks-'],
    },
  ],
  [
    'gke',
    {
      labels: [
        'cloud.google.com/gke-nodepool',
        'cloud.google.com/gke-os-distribution',
        'cloud.google.com/gke-boot-disk',
      ],
      providerIds: ['gce://'],
      gitVersion: ['-gke.'],
    },
  ],
  [
    'aks',
    {
      labels: ['kubernetes.azure.com/cluster', 'kubernetes.azure.com/agentpool', 'kubernetes.azure.com/role'],
      providerIds: ['azure://'],
      gitVersion: [],
    },
  ],
  ['openshift', { labels: ['node.openshift.io/os_id'], providerIds: [], gitVersion: [] }],
  [
    'digitalocean',
    {
      labels: ['doks.digitalocean.com/node-pool', 'doks.digitalocean.com/node-id'],
      providerIds: ['digitalocean://'],
      gitVersion: [],
    },
  ],
  ['linode', { labels: ['lke.linode.com/pool-id'], providerIds: ['linode://'], gitVersion: [] }],
  [
    'oke',
    {
      labels: ['oke.oraclecloud.com/node.info.private_subnet', 'oci.oraclecloud.com/fault-domain'],
      providerIds: ['ocid1.instance.'],
      gitVersion: [],
    },
  ],
  [
    'iks',
    {
      labels: ['ibm-cloud.kubernetes.io/worker-id', 'ibm-cloud.kubernetes.io/worker-pool-id'],
      providerIds: ['ibm://'],
      gitVersion: [],
    },
  ],
];

const CONTROL_PLANE_COMPONENTS: ReadonlySet<string> = new Set([
  'kube-apiserver',
  'etcd',
  'kube-controller-manager',
  'kube-scheduler',
]);

/**
 * The provider running the cluster, or undefined for a self-managed one. Provider labels and a provider build of
 * Kubernetes are decisive; a cloud providerID alone (kops, Cluster API and kubeadm clusters have them too) counts only
 * when no control-plane pod is visible in kube-system.
 */
export function detectProvider(
  items: readonly InventoryItem[],
  serverVersion?: ServerVersion,
): Provider | undefined {
  const git = serverVersion?.gitVersion ?? '';
  for (const [provider, s] of SIGNALS) {
    if (s.gitVersion.some((g) => git.includes(g))) return provider;
  }
  let weak: Provider | undefined;
  let controlPlaneVisible = false;
  for (const item of items) {
    const o = item.object;
    if (o.kind === 'Pod') {
      if (!controlPlaneVisible && o.metadata.namespace === 'kube-system') {
        const c = o.metadata.labels?.['component'];
        if (c !== undefined && CONTROL_PLANE_COMPONENTS.has(c)) controlPlaneVisible = true;
      }
      continue;
    }
    if (o.kind !== 'Node') continue;
    const labels = o.metadata.labels ?? {};
    for (const [provider, s] of SIGNALS) {
      if (s.labels.some((l) => l in labels)) return provider;
    }
    const spec = o['spec'];
    const providerID =
      typeof spec === 'object' && spec !== null && 'providerID' in spec && typeof spec.providerID === 'string'
        ? spec.providerID
        : '';
    if (weak === undefined && providerID !== '') {
      weak = SIGNALS.find(([, s]) => s.providerIds.some((p) => providerID.startsWith(p)))?.[0];
    }
  }
  return controlPlaneVisible ? undefined : weak;
}
