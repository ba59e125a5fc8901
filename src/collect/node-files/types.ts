// What ktm reads from a node's /etc/kubernetes and /var/lib/kubelet: never key material, never secret values.
import type { InventoryItem } from '../inventory.js';

export interface KubeconfigSummary {
  /** Path on the node (as it appears under the node folder, e.g. /etc/kubernetes/admin.conf). */
  readonly path: string;
  readonly server?: string;
  readonly user?: string;
  /** How the user authenticates; the credential itself is never kept. */
  readonly credential: 'client-certificate' | 'token' | 'exec' | 'auth-provider' | 'basic' | 'none';
  readonly insecureSkipTLSVerify: boolean;
  readonly hasCertificateAuthority: boolean;
}

export interface EncryptionConfigSummary {
  readonly path: string;
  /** One entry per `resources` stanza: the resources it covers and its providers, in order. */
  readonly resources: readonly {
    readonly resources: readonly string[];
    /** Provider names in order (`identity`, `aescbc`, `aesgcm`, `secretbox`, `kms`); kms carries its apiVersion as `kms:v2`. */
    readonly providers: readonly string[];
  }[];
}

export interface AuditPolicyRule {
  readonly level: string;
  readonly resources?: readonly { readonly group?: string; readonly resources?: readonly string[] }[];
  readonly namespaces?: readonly string[];
  readonly verbs?: readonly string[];
  readonly users?: readonly string[];
  readonly userGroups?: readonly string[];
  readonly nonResourceURLs?: readonly string[];
}

export interface AuditPolicySummary {
  readonly path: string;
  readonly omitStages?: readonly string[];
  readonly rules: readonly AuditPolicyRule[];
}

/** One node's folder given with --node-files. */
export interface NodeFileSet {
  /** Node name: the folder's name, or the hostname found in the kubelet configuration. */
  readonly node: string;
  /** The folder on the machine running ktm. */
  readonly root: string;
  /** Static pod manifests (/etc/kubernetes/manifests), as inventory items with their file as source. */
  readonly staticPods: readonly InventoryItem[];
  /** The kubelet configuration file (KubeletConfiguration), parsed. */
  readonly kubeletConfig?: { readonly path: string; readonly config: Readonly<Record<string, unknown>> };
  /** The kubelet's command-line flags, from a systemd unit, drop-in, or kubeadm-flags.env. */
  readonly kubeletArgs?: { readonly path: string; readonly args: readonly string[] };
  readonly kubeconfigs: readonly KubeconfigSummary[];
  readonly encryptionConfigs: readonly EncryptionConfigSummary[];
  readonly auditPolicies: readonly AuditPolicySummary[];
  /** kubeadm ClusterConfiguration, when present (e.g. /etc/kubernetes/kubeadm-config.yaml). */
  readonly kubeadmConfig?: { readonly path: string; readonly config: Readonly<Record<string, unknown>> };
  /** Which installer laid the node out (added for settings: kind/minikube are kubeadm-like). */
  readonly distribution?: NodeDistribution;
  /** RKE2/k3s configuration merged from its config files and server command line. */
  readonly rancherConfig?: RancherConfigSummary;
  /** etcd configuration files named by a static pod's `--config-file` (RKE2 runs etcd this way), credentials removed. */
  readonly etcdConfigs?: readonly {
    readonly path: string;
    readonly config: Readonly<Record<string, unknown>>;
  }[];
}

/** Which installer laid the node out, judged from the paths present (kind and minikube are kubeadm-like). */
export type NodeDistribution = 'kubeadm' | 'minikube' | 'kind' | 'rke2' | 'k3s' | 'unknown';

/**
 * RKE2 or k3s configuration: /etc/rancher/{rke2,k3s}/config.yaml, its config.yaml.d drop-ins and the
 * `rke2 server` / `k3s server` command line of the systemd unit, merged in that order (later wins).
 * Component arguments (`kube-apiserver-arg`, `kubelet-arg`, ...) become flag tokens per component;
 * other scalar options are kept by name, except credentials (`token`, `agent-token`, ...), which are never kept.
 */
export interface RancherConfigSummary {
  readonly distribution: 'rke2' | 'k3s';
  readonly paths: readonly string[];
  /** `--flag=value` tokens per component, in order, from `<component>-arg` keys (`kube-apiserver-arg`, `etcd-arg`...). */
  readonly componentArgs: Readonly<Record<string, readonly string[]>>;
  /** Other top-level options as strings (lists joined with ','), credential-bearing keys removed. */
  readonly options: Readonly<Record<string, string>>;
}
