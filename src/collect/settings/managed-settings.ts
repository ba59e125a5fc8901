// Where a managed Kubernetes provider lets its customer configure what ktm cannot see on a hidden control plane.
import type { Provider } from '../inventory.js';
import type { ComponentName } from './types.js';

/** Providers that run the control plane for the customer (OpenShift runs its own: its control plane is visible). */
export const MANAGED_PROVIDERS: ReadonlySet<Provider> = new Set([
  'eks',
  'gke',
  'aks',
  'digitalocean',
  'linode',
  'oke',
  'iks',
]);

export const PROVIDER_NAMES: Readonly<Record<Provider, string>> = {
  eks: 'Amazon EKS',
  gke: 'Google GKE',
  aks: 'Azure AKS',
  openshift: 'Red Hat OpenShift',
  digitalocean: 'DigitalOcean Kubernetes',
  linode: 'Linode Kubernetes Engine',
  oke: 'Oracle Container Engine for Kubernetes',
  iks: 'IBM Cloud Kubernetes Service',
};

/** What a rule should tell the reader to check instead, per provider and topic. */
export interface ProviderSetting {
  /** The provider's own name for the setting and where it lives. */
  readonly where: string;
  readonly reference: string;
}

/** Topics a control-plane setting belongs to; each setting name maps to one. */
export type ManagedTopic =
  | 'secrets-encryption'
  | 'audit-logging'
  | 'api-endpoint-access'
  | 'authentication'
  | 'authorization'
  | 'control-plane';

/** Flag name → topic, for the settings rules ask about. Unlisted settings fall back to 'control-plane'. */
export const SETTING_TOPICS: Readonly<Record<string, ManagedTopic>> = {
  'encryption-provider-config': 'secrets-encryption',
  'audit-log-path': 'audit-logging',
  'audit-policy-file': 'audit-logging',
  'audit-webhook-config-file': 'audit-logging',
  'anonymous-auth': 'authentication',
  'token-auth-file': 'authentication',
  'oidc-issuer-url': 'authentication',
  'authentication-config': 'authentication',
  'authorization-mode': 'authorization',
  'authorization-config': 'authorization',
  'bind-address': 'api-endpoint-access',
  'secure-port': 'api-endpoint-access',
  'insecure-port': 'api-endpoint-access',
};

/**
 * Provider → topic → where the customer configures or checks it. Exported for rules and reports.
 */
export const MANAGED_SETTINGS: Readonly<
  Partial<Record<Provider, Readonly<Record<ManagedTopic, ProviderSetting>>>>
> = {
  eks: {
    'secrets-encryption': {
      where:
        'EKS cluster encryptionConfig (envelope encryption of Secrets with a KMS key): `aws eks describe-cluster --query cluster.encryptionConfig`',
      reference: 'https://docs.aws.amazon.com/eks/latest/userguide/envelope-encryption.html',
    },
    'audit-logging': {
      where:
        'EKS control-plane logging (api, audit, authenticator log types to CloudWatch): `aws eks describe-cluster --query cluster.logging`',
      reference: 'https://docs.aws.amazon.com/eks/latest/userguide/control-plane-logs.html',
    },
    'api-endpoint-access': {
      where:
        'EKS cluster endpoint access (endpointPublicAccess, publicAccessCidrs, endpointPrivateAccess): `aws eks describe-cluster --query cluster.resourcesVpcConfig`',
      reference: 'https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html',
    },
    authentication: {
      where:
        'EKS access entries / aws-auth ConfigMap and the cluster authenticationMode; OIDC identity provider configs',
      reference: 'https://docs.aws.amazon.com/eks/latest/userguide/grant-k8s-access.html',
    },
    authorization: {
      where: 'EKS runs Node,RBAC authorization (not configurable); review access entries and RBAC',
      reference: 'https://docs.aws.amazon.com/eks/latest/userguide/grant-k8s-access.html',
    },
    'control-plane': {
      where: 'managed by AWS (EKS platform version); see the EKS best practices guide',
      reference: 'https://docs.aws.amazon.com/eks/latest/best-practices/security.html',
    },
  },
  gke: {
    'secrets-encryption': {
      where:
        'GKE application-layer secrets encryption (databaseEncryption with a Cloud KMS key): `gcloud container clusters describe --format=value(databaseEncryption)`',
      reference: 'https://cloud.google.com/kubernetes-engine/docs/how-to/encrypting-secrets',
    },
    'audit-logging': {
      where:
        'GKE Cloud Audit Logs (Admin Activity always on; Data Access logs configured in the project IAM audit config)',
      reference: 'https://cloud.google.com/kubernetes-engine/docs/how-to/audit-logging',
    },
    'api-endpoint-access': {
      where:
        'GKE control-plane authorized networks and private endpoint (masterAuthorizedNetworksConfig, privateClusterConfig)',
      reference: 'https://cloud.google.com/kubernetes-engine/docs/how-to/authorized-networks',
    },
    authentication: {
      where: 'GKE legacy client certificate and basic auth disabled (masterAuth), Google groups for RBAC',
      reference: 'https://cloud.google.com/kubernetes-engine/docs/how-to/hardening-your-cluster',
    },
    authorization: {
      where: 'GKE legacy ABAC disabled (legacyAbac.enabled=false); RBAC',
      reference: 'https://cloud.google.com/kubernetes-engine/docs/how-to/hardening-your-cluster',
    },
    'control-plane': {
      where: 'managed by Google; see the GKE hardening guide',
      reference: 'https://cloud.google.com/kubernetes-engine/docs/how-to/hardening-your-cluster',
    },
  },
  aks: {
    'secrets-encryption': {
      where:
        'AKS KMS etcd encryption with Azure Key Vault (securityProfile.azureKeyVaultKms): `az aks show --query securityProfile`',
      reference: 'https://learn.microsoft.com/azure/aks/use-kms-etcd-encryption',
    },
    'audit-logging': {
      where: 'AKS diagnostic settings (kube-audit / kube-audit-admin categories to Log Analytics or storage)',
      reference: 'https://learn.microsoft.com/azure/aks/monitor-aks-reference',
    },
    'api-endpoint-access': {
      where: 'AKS API server authorized IP ranges or private cluster (apiServerAccessProfile)',
      reference: 'https://learn.microsoft.com/azure/aks/api-server-authorized-ip-ranges',
    },
    authentication: {
      where: 'AKS Microsoft Entra ID integration and disabled local accounts (disableLocalAccounts)',
      reference: 'https://learn.microsoft.com/azure/aks/manage-local-accounts-managed-azure-ad',
    },
    authorization: {
      where: 'AKS Kubernetes RBAC / Azure RBAC for Kubernetes authorization (aadProfile.enableAzureRbac)',
      reference: 'https://learn.microsoft.com/azure/aks/manage-azure-rbac',
    },
    'control-plane': {
      where: 'managed by Microsoft; see the AKS security baseline',
      reference: 'https://learn.microsoft.com/azure/aks/concepts-security',
    },
  },
};

/** The provider setting to check for a component's setting, for the evidence of a not-visible Setting. */
export function managedSettingHint(provider: Provider, _component: ComponentName, name: string): string {
  const topic = SETTING_TOPICS[name] ?? 'control-plane';
  const entry = MANAGED_SETTINGS[provider]?.[topic];
  const who = PROVIDER_NAMES[provider];
  if (entry === undefined) return `${who} runs the control plane; check the provider's ${topic} setting`;
  return `${who}: ${entry.where} (${entry.reference})`;
}
