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
}
