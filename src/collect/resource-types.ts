// The resource types ktm reads from a cluster: one table shared by live collection, snapshots and coverage.

export interface ResourceType {
  /** Plural resource name as the API serves it, e.g. `pods`. */
  readonly resource: string;
  /** API group; '' for the core group. */
  readonly group: string;
  /** Versions to try, preferred first. */
  readonly versions: readonly string[];
  readonly kind: string;
  readonly namespaced: boolean;
  /** Read as PartialObjectMetadataList only (secret values never leave the API server). */
  readonly metadataOnly?: boolean;
  /** Only some objects are wanted (ConfigMaps): collection filters by name. */
  readonly selective?: boolean;
  /** Optional APIs (Gateway API, AdminNetworkPolicy, PodSecurityPolicy): 'not served' is expected, not a gap. */
  readonly optional?: boolean;
  /** Keep only names and groups (CustomResourceDefinitions): schemas are large and not needed. */
  readonly namesOnly?: boolean;
  /** Another view of the objects of the type with this resource id: read, but dropped when that one was read. */
  readonly fallbackFor?: string;
}

/**
 * Calico's namespaced policy is `kind: NetworkPolicy` in projectcalico.org/v3 and crd.projectcalico.org/v1, the
 * same kind as networking.k8s.io's: ktm's inventory names it CalicoNetworkPolicy so the two never mix.
 */
export const CALICO_NETWORK_POLICY = 'CalicoNetworkPolicy';
const CALICO_GROUPS = new Set(['projectcalico.org', 'crd.projectcalico.org']);

/** The kind ktm files an object under: the API's kind, except Calico's NetworkPolicy (see CALICO_NETWORK_POLICY). */
export function inventoryKind(apiVersion: string, kind: string): string {
  const group = groupOf(apiVersion);
  if (kind === 'NetworkPolicy' && CALICO_GROUPS.has(group)) return CALICO_NETWORK_POLICY;
  return MESH_KINDS[`${kind}.${group}`] ?? kind;
}

/**
 * Service-mesh kinds that share a name with another API's: Istio's Gateway and AuthorizationPolicy, Linkerd's
 * AuthorizationPolicy and HTTPRoute. The inventory files them under a mesh-prefixed kind so they never mix with
 * Gateway API objects (or with each other).
 */
export const ISTIO_GATEWAY = 'IstioGateway';
export const ISTIO_AUTHORIZATION_POLICY = 'IstioAuthorizationPolicy';
export const LINKERD_AUTHORIZATION_POLICY = 'LinkerdAuthorizationPolicy';
export const LINKERD_HTTP_ROUTE = 'LinkerdHTTPRoute';
const MESH_KINDS: Readonly<Record<string, string>> = {
  'Gateway.networking.istio.io': ISTIO_GATEWAY,
  'AuthorizationPolicy.security.istio.io': ISTIO_AUTHORIZATION_POLICY,
  'AuthorizationPolicy.policy.linkerd.io': LINKERD_AUTHORIZATION_POLICY,
  'HTTPRoute.policy.linkerd.io': LINKERD_HTTP_ROUTE,
};

const ISTIO_NETWORKING = 'networking.istio.io';
const ISTIO_NETWORKING_VERSIONS = ['v1', 'v1beta1', 'v1alpha3'] as const;

const t = (
  resource: string,
  group: string,
  versions: readonly string[],
  kind: string,
  namespaced: boolean,
  extra: Partial<
    Pick<ResourceType, 'metadataOnly' | 'selective' | 'optional' | 'namesOnly' | 'fallbackFor'>
  > = {},
): ResourceType => ({ resource, group, versions, kind, namespaced, ...extra });

export const RESOURCE_TYPES: readonly ResourceType[] = [
  t('nodes', '', ['v1'], 'Node', false),
  t('namespaces', '', ['v1'], 'Namespace', false),
  t('pods', '', ['v1'], 'Pod', true),
  t('services', '', ['v1'], 'Service', true),
  t('serviceaccounts', '', ['v1'], 'ServiceAccount', true),
  t('secrets', '', ['v1'], 'Secret', true, { metadataOnly: true }),
  t('configmaps', '', ['v1'], 'ConfigMap', true, { selective: true }),
  t('persistentvolumes', '', ['v1'], 'PersistentVolume', false),
  t('persistentvolumeclaims', '', ['v1'], 'PersistentVolumeClaim', true),
  t('resourcequotas', '', ['v1'], 'ResourceQuota', true),
  t('limitranges', '', ['v1'], 'LimitRange', true),
  t('deployments', 'apps', ['v1'], 'Deployment', true),
  t('replicasets', 'apps', ['v1'], 'ReplicaSet', true),
  t('statefulsets', 'apps', ['v1'], 'StatefulSet', true),
  t('daemonsets', 'apps', ['v1'], 'DaemonSet', true),
  t('jobs', 'batch', ['v1'], 'Job', true),
  t('cronjobs', 'batch', ['v1'], 'CronJob', true),
  t('endpointslices', 'discovery.k8s.io', ['v1'], 'EndpointSlice', true),
  t('ingresses', 'networking.k8s.io', ['v1'], 'Ingress', true),
  t('ingressclasses', 'networking.k8s.io', ['v1'], 'IngressClass', false),
  t('networkpolicies', 'networking.k8s.io', ['v1'], 'NetworkPolicy', true),
  t('gateways', 'gateway.networking.k8s.io', ['v1', 'v1beta1'], 'Gateway', true, { optional: true }),
  t('httproutes', 'gateway.networking.k8s.io', ['v1', 'v1beta1'], 'HTTPRoute', true, { optional: true }),
  t('adminnetworkpolicies', 'policy.networking.k8s.io', ['v1alpha1'], 'AdminNetworkPolicy', false, {
    optional: true,
  }),
  t(
    'baselineadminnetworkpolicies',
    'policy.networking.k8s.io',
    ['v1alpha1'],
    'BaselineAdminNetworkPolicy',
    false,
    {
      optional: true,
    },
  ),
  // Network plugins' own policy kinds (Cilium, Calico): served only where the plugin's CRDs are installed.
  t('ciliumnetworkpolicies', 'cilium.io', ['v2'], 'CiliumNetworkPolicy', true, { optional: true }),
  t('ciliumclusterwidenetworkpolicies', 'cilium.io', ['v2'], 'CiliumClusterwideNetworkPolicy', false, {
    optional: true,
  }),
  // Calico's API server serves projectcalico.org/v3; without it the same objects are read from the CRDs it stores
  // them in (crd.projectcalico.org/v1), which are then dropped when v3 was read (`fallbackFor`).
  t('networkpolicies', 'projectcalico.org', ['v3'], CALICO_NETWORK_POLICY, true, { optional: true }),
  t('globalnetworkpolicies', 'projectcalico.org', ['v3'], 'GlobalNetworkPolicy', false, { optional: true }),
  t('tiers', 'projectcalico.org', ['v3'], 'Tier', false, { optional: true }),
  t('networkpolicies', 'crd.projectcalico.org', ['v1'], CALICO_NETWORK_POLICY, true, {
    optional: true,
    fallbackFor: 'networkpolicies.projectcalico.org',
  }),
  t('globalnetworkpolicies', 'crd.projectcalico.org', ['v1'], 'GlobalNetworkPolicy', false, {
    optional: true,
    fallbackFor: 'globalnetworkpolicies.projectcalico.org',
  }),
  t('tiers', 'crd.projectcalico.org', ['v1'], 'Tier', false, {
    optional: true,
    fallbackFor: 'tiers.projectcalico.org',
  }),
  // Service meshes (application data flow, mTLS between meshed workloads): served only where Istio or Linkerd is.
  t('virtualservices', ISTIO_NETWORKING, ISTIO_NETWORKING_VERSIONS, 'VirtualService', true, {
    optional: true,
  }),
  t('destinationrules', ISTIO_NETWORKING, ISTIO_NETWORKING_VERSIONS, 'DestinationRule', true, {
    optional: true,
  }),
  t('serviceentries', ISTIO_NETWORKING, ISTIO_NETWORKING_VERSIONS, 'ServiceEntry', true, { optional: true }),
  t('gateways', ISTIO_NETWORKING, ISTIO_NETWORKING_VERSIONS, ISTIO_GATEWAY, true, { optional: true }),
  t('peerauthentications', 'security.istio.io', ['v1', 'v1beta1'], 'PeerAuthentication', true, {
    optional: true,
  }),
  t('authorizationpolicies', 'security.istio.io', ['v1', 'v1beta1'], ISTIO_AUTHORIZATION_POLICY, true, {
    optional: true,
  }),
  t('serviceprofiles', 'linkerd.io', ['v1alpha2'], 'ServiceProfile', true, { optional: true }),
  t('servers', 'policy.linkerd.io', ['v1beta3', 'v1beta2', 'v1beta1'], 'Server', true, { optional: true }),
  t('serverauthorizations', 'policy.linkerd.io', ['v1beta1'], 'ServerAuthorization', true, {
    optional: true,
  }),
  t('authorizationpolicies', 'policy.linkerd.io', ['v1alpha1'], LINKERD_AUTHORIZATION_POLICY, true, {
    optional: true,
  }),
  t('meshtlsauthentications', 'policy.linkerd.io', ['v1alpha1'], 'MeshTLSAuthentication', true, {
    optional: true,
  }),
  t('httproutes', 'policy.linkerd.io', ['v1beta3', 'v1beta2', 'v1beta1'], LINKERD_HTTP_ROUTE, true, {
    optional: true,
  }),
  t('podsecuritypolicies', 'policy', ['v1beta1'], 'PodSecurityPolicy', false, { optional: true }),
  t('poddisruptionbudgets', 'policy', ['v1'], 'PodDisruptionBudget', true),
  t('roles', 'rbac.authorization.k8s.io', ['v1'], 'Role', true),
  t('rolebindings', 'rbac.authorization.k8s.io', ['v1'], 'RoleBinding', true),
  t('clusterroles', 'rbac.authorization.k8s.io', ['v1'], 'ClusterRole', false),
  t('clusterrolebindings', 'rbac.authorization.k8s.io', ['v1'], 'ClusterRoleBinding', false),
  t('storageclasses', 'storage.k8s.io', ['v1'], 'StorageClass', false),
  t(
    'validatingwebhookconfigurations',
    'admissionregistration.k8s.io',
    ['v1'],
    'ValidatingWebhookConfiguration',
    false,
  ),
  t(
    'mutatingwebhookconfigurations',
    'admissionregistration.k8s.io',
    ['v1'],
    'MutatingWebhookConfiguration',
    false,
  ),
  t(
    'validatingadmissionpolicies',
    'admissionregistration.k8s.io',
    ['v1', 'v1beta1'],
    'ValidatingAdmissionPolicy',
    false,
    {
      optional: true,
    },
  ),
  t(
    'validatingadmissionpolicybindings',
    'admissionregistration.k8s.io',
    ['v1', 'v1beta1'],
    'ValidatingAdmissionPolicyBinding',
    false,
    { optional: true },
  ),
  t('apiservices', 'apiregistration.k8s.io', ['v1'], 'APIService', false),
  t('customresourcedefinitions', 'apiextensions.k8s.io', ['v1'], 'CustomResourceDefinition', false, {
    namesOnly: true,
  }),
  t('priorityclasses', 'scheduling.k8s.io', ['v1'], 'PriorityClass', false),
  t('certificatesigningrequests', 'certificates.k8s.io', ['v1'], 'CertificateSigningRequest', false),
];

/** ConfigMaps the analysis reads (namespace/name); more can be named with --configmap. */
export const WANTED_CONFIGMAPS: readonly string[] = [
  'kube-system/kubeadm-config',
  'kube-system/kubelet-config',
  'kube-system/kube-proxy',
  'kube-system/coredns',
  'kube-public/cluster-info',
];

/** `pods`, `deployments.apps`: the name kubectl and the snapshot files use. */
export function resourceId(rt: Pick<ResourceType, 'resource' | 'group'>): string {
  return rt.group === '' ? rt.resource : `${rt.resource}.${rt.group}`;
}

/** The preferred type of each kind (a `fallbackFor` type never is). */
const byKind = new Map(
  RESOURCE_TYPES.filter((rt) => rt.fallbackFor === undefined).map((rt) => [rt.kind, rt]),
);

export function resourceTypeOfKind(kind: string): ResourceType | undefined {
  return byKind.get(kind);
}

/** The API group of an apiVersion string (`apps/v1` → `apps`, `v1` → ''). */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}
