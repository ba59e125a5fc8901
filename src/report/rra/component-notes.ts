// What ktm knows about each Kubernetes component for the Rapid Risk Assessment: how it works, its data, its settings per control family.
//
// The texts summarise the 2019 audit's RRA notes (trailofbits/audit-kubernetes, rra/) and the component docs
// (https://kubernetes.io/docs/reference/command-line-tools-reference/); they are ktm-authored, never cluster data.

export const CONTROL_FAMILIES = [
  'networking',
  'cryptography',
  'secrets-management',
  'authentication',
  'authorization',
  'multi-tenancy-isolation',
] as const;
export type ControlFamily = (typeof CONTROL_FAMILIES)[number];

export const FAMILY_TITLES: Record<ControlFamily, string> = {
  networking: 'Networking',
  cryptography: 'Cryptography',
  'secrets-management': 'Secrets management',
  authentication: 'Authentication',
  authorization: 'Authorization',
  'multi-tenancy-isolation': 'Multi-tenancy isolation',
};

/**
 * Which control families a rule's findings speak to (a rule may speak to several). Rules not listed (denial of
 * service, resource claims, auditing) go under the secondary families the audit kept in view.
 */
export const RULE_FAMILIES: Readonly<Record<string, readonly ControlFamily[]>> = {
  'plaintext-listener': ['networking', 'cryptography'],
  'policy-not-enforced': ['networking', 'multi-tenancy-isolation'],
  'unrestricted-network': ['networking', 'multi-tenancy-isolation'],
  'internet-exposure': ['networking'],
  'probe-host-enumeration': ['networking'],
  'dns-cross-namespace': ['networking', 'multi-tenancy-isolation'],
  'outbound-plaintext': ['networking', 'cryptography'],
  'weak-tls': ['cryptography'],
  'mutual-tls-missing': ['cryptography', 'authentication'],
  'secrets-not-encrypted-at-rest': ['cryptography', 'secrets-management'],
  'no-certificate-revocation': ['cryptography', 'authentication'],
  'credentials-in-logs': ['secrets-management'],
  'credentials-in-environment': ['secrets-management'],
  'token-automount': ['secrets-management', 'authentication'],
  'secret-mounted-workload': ['secrets-management'],
  'api-server-authentication': ['authentication', 'authorization'],
  'kubelet-unauthenticated': ['authentication', 'authorization', 'networking'],
  'rbac-dangerous-rights': ['authorization'],
  'nodes-proxy-escalation': ['authorization'],
  'controller-least-authority': ['authorization'],
  'attack-path': ['authorization', 'multi-tenancy-isolation'],
  'privileged-workload': ['multi-tenancy-isolation'],
  'pod-security-not-enforced': ['multi-tenancy-isolation'],
  'seccomp-disabled': ['multi-tenancy-isolation'],
  'host-log-access': ['multi-tenancy-isolation', 'secrets-management'],
  'sensitive-host-mount': ['multi-tenancy-isolation'],
  'control-plane-colocation': ['multi-tenancy-isolation'],
};

export interface DataItem {
  readonly name: string;
  /** Which rating dimension sets its classification. */
  readonly dimension: 'confidentiality' | 'integrity';
  readonly comment: string;
}

export interface ComponentNotes {
  readonly howItWorks: string;
  readonly storage: string;
  /** Settings whose value is where data is stored (shown with the storage note). */
  readonly storageSettings: readonly string[];
  readonly data: readonly DataItem[];
  readonly families: Readonly<
    Record<ControlFamily, { readonly does: string; readonly settings: readonly string[] }>
  >;
  /** Settings of the secondary families the audit kept in view (auditing and logging, configuration). */
  readonly otherSettings: readonly string[];
}

const none = { does: 'Nothing specific to this component: see its zone.', settings: [] } as const;

export const NOTES: Readonly<Record<string, ComponentNotes>> = {
  'kube-apiserver': {
    howItWorks:
      'kube-apiserver is the front door of the control plane: it authenticates and authorises every request, runs admission (built-in plugins and webhooks), validates objects and stores them in etcd. Every other component (controllers, scheduler, kubelets, kube-proxy, users and workloads) works through watches and requests to it; it also calls out to kubelets (logs, exec, port-forward), admission webhooks and aggregated APIs.',
    storage:
      'It stores nothing itself: every object goes to etcd over the etcd client connection; Secrets are encrypted before they are written only when an encryption configuration puts a real provider first. Audit records go to the audit log file or webhook.',
    storageSettings: ['etcd-servers', 'encryption-provider-config', 'audit-log-path'],
    data: [
      {
        name: 'Secrets and service-account tokens',
        dimension: 'confidentiality',
        comment: 'served to every identity RBAC allows; written to etcd',
      },
      {
        name: 'Service-account signing key',
        dimension: 'integrity',
        comment: 'whoever holds it can mint a token for any service account',
      },
      {
        name: 'Serving and client certificates and keys (etcd, kubelet, front proxy)',
        dimension: 'confidentiality',
        comment: 'the etcd client key is equivalent to root on the cluster',
      },
      {
        name: 'Every API object (pod specs, RBAC, configuration)',
        dimension: 'integrity',
        comment: 'what the cluster runs and who may do what',
      },
      {
        name: 'Audit log',
        dimension: 'confidentiality',
        comment: 'records requests; with request bodies at RequestResponse level it records Secrets too',
      },
    ],
    families: {
      networking: {
        does: 'Listens on the secure port for everyone (administrators, nodes, pods); connects out to etcd, kubelets, webhooks and aggregated APIs.',
        settings: [
          'bind-address',
          'secure-port',
          'advertise-address',
          'service-cluster-ip-range',
          'kubelet-preferred-address-types',
        ],
      },
      cryptography: {
        does: 'Terminates TLS for every client; verifies etcd with its own CA; verifies kubelets only when given their CA; encrypts Secrets at rest when configured.',
        settings: [
          'tls-cert-file',
          'tls-private-key-file',
          'tls-min-version',
          'tls-cipher-suites',
          'etcd-cafile',
          'etcd-certfile',
          'kubelet-certificate-authority',
          'encryption-provider-config',
        ],
      },
      'secrets-management': {
        does: 'Stores and serves Secrets; issues and verifies service-account tokens.',
        settings: [
          'encryption-provider-config',
          'service-account-key-file',
          'service-account-signing-key-file',
          'service-account-issuer',
          'service-account-extend-token-expiration',
          'token-auth-file',
        ],
      },
      authentication: {
        does: 'Authenticates client certificates, bearer tokens (service accounts, bootstrap, OIDC, webhook) and front-proxy headers; anonymous requests are user system:anonymous unless turned off.',
        settings: [
          'anonymous-auth',
          'client-ca-file',
          'enable-bootstrap-token-auth',
          'token-auth-file',
          'oidc-issuer-url',
          'requestheader-client-ca-file',
          'requestheader-allowed-names',
          'service-account-lookup',
        ],
      },
      authorization: {
        does: 'Decides every request with the configured authorizers (Node, RBAC, webhook) and admission.',
        settings: ['authorization-mode', 'enable-admission-plugins', 'disable-admission-plugins'],
      },
      'multi-tenancy-isolation': {
        does: 'Enforces namespaces as the tenancy boundary through RBAC, Pod Security admission, quotas and NetworkPolicy objects (enforced by the network plugin).',
        settings: ['enable-admission-plugins', 'admission-control-config-file', 'allow-privileged'],
      },
    },
    otherSettings: [
      'audit-log-path',
      'audit-log-maxage',
      'audit-policy-file',
      'profiling',
      'enable-logs-handler',
      'v',
    ],
  },
  etcd: {
    howItWorks:
      'etcd is the key-value store holding the whole cluster state. Only kube-apiserver should talk to it (client port 2379); members replicate over the peer port 2380 with Raft.',
    storage:
      'On the node’s disk in the data directory (write-ahead log and snapshots), plaintext unless the API server encrypts Secrets before writing them.',
    storageSettings: ['data-dir'],
    data: [
      {
        name: 'Every object of the cluster, Secrets and tokens included',
        dimension: 'confidentiality',
        comment: 'read access is root on the cluster',
      },
      {
        name: 'Write-ahead log and snapshots',
        dimension: 'integrity',
        comment: 'not signed (TOB-K8S-TM09); a write is a change to the cluster',
      },
      {
        name: 'Peer and server certificates and keys',
        dimension: 'confidentiality',
        comment: 'under the etcd PKI directory',
      },
    ],
    families: {
      networking: {
        does: 'Listens for clients and peers.',
        settings: ['listen-client-urls', 'advertise-client-urls', 'listen-peer-urls', 'listen-metrics-urls'],
      },
      cryptography: {
        does: 'Serves TLS to clients and peers.',
        settings: [
          'cert-file',
          'key-file',
          'trusted-ca-file',
          'peer-cert-file',
          'peer-key-file',
          'peer-trusted-ca-file',
          'auto-tls',
          'peer-auto-tls',
          'cipher-suites',
        ],
      },
      'secrets-management': { does: 'Holds every Secret as the API server wrote it.', settings: [] },
      authentication: {
        does: 'Authenticates clients and peers by certificate only when client-cert-auth is on.',
        settings: ['client-cert-auth', 'peer-client-cert-auth'],
      },
      authorization: {
        does: 'None of its own in a Kubernetes deployment: any authenticated client may read and write everything.',
        settings: [],
      },
      'multi-tenancy-isolation': none,
    },
    otherSettings: ['data-dir'],
  },
  'kube-scheduler': {
    howItWorks:
      'kube-scheduler watches unscheduled pods through the API server and binds each to a node, weighing resources, affinity, taints and topology spread.',
    storage: 'Stores nothing; works from its watch cache.',
    storageSettings: [],
    data: [
      {
        name: 'Pod specs and node state (from its watches)',
        dimension: 'integrity',
        comment: 'a compromised scheduler can place any pod on any node, control-plane nodes included',
      },
    ],
    families: {
      networking: {
        does: 'Serves health and metrics on its secure port; talks only to the API server.',
        settings: ['bind-address', 'secure-port'],
      },
      cryptography: {
        does: 'TLS to the API server through its kubeconfig.',
        settings: ['tls-cert-file', 'tls-min-version'],
      },
      'secrets-management': { does: 'Holds its kubeconfig credential.', settings: ['kubeconfig'] },
      authentication: {
        does: 'Delegates authentication of its own endpoints to the API server.',
        settings: ['authentication-kubeconfig'],
      },
      authorization: {
        does: 'Delegates authorization of its own endpoints to the API server.',
        settings: ['authorization-kubeconfig'],
      },
      'multi-tenancy-isolation': { does: 'Decides which workloads share nodes.', settings: [] },
    },
    otherSettings: ['profiling', 'leader-elect'],
  },
  'kube-controller-manager': {
    howItWorks:
      'kube-controller-manager runs the built-in controllers (Deployments, ReplicaSets, service accounts, tokens, nodes, certificates…) that reconcile the cluster through the API server.',
    storage:
      'Stores nothing itself; it holds the service-account private key and the cluster CA key when it signs certificates.',
    storageSettings: ['service-account-private-key-file', 'cluster-signing-cert-file'],
    data: [
      {
        name: 'Service-account private key',
        dimension: 'integrity',
        comment: 'signs legacy tokens; whoever holds it can mint tokens',
      },
      {
        name: 'Cluster CA key (when it signs CSRs)',
        dimension: 'integrity',
        comment: 'issues client certificates for any identity',
      },
    ],
    families: {
      networking: {
        does: 'Serves health and metrics on its secure port; talks only to the API server.',
        settings: ['bind-address', 'secure-port'],
      },
      cryptography: {
        does: 'Signs certificates for approved CSRs.',
        settings: ['cluster-signing-cert-file', 'cluster-signing-key-file', 'root-ca-file'],
      },
      'secrets-management': {
        does: 'Creates service-account token Secrets on request and rotates nothing by itself.',
        settings: ['service-account-private-key-file'],
      },
      authentication: {
        does: 'Delegates authentication of its own endpoints to the API server.',
        settings: ['authentication-kubeconfig'],
      },
      authorization: {
        does: 'Runs each controller with its own service account only when asked to.',
        settings: ['use-service-account-credentials', 'authorization-kubeconfig'],
      },
      'multi-tenancy-isolation': none,
    },
    otherSettings: ['profiling', 'terminated-pod-gc-threshold'],
  },
  'cloud-controller-manager': {
    howItWorks:
      'cloud-controller-manager reconciles nodes, routes and load balancers with the cloud provider’s API.',
    storage: 'Stores nothing; holds cloud credentials.',
    storageSettings: [],
    data: [
      {
        name: 'Cloud provider credentials',
        dimension: 'confidentiality',
        comment: 'reach beyond the cluster',
      },
    ],
    families: {
      networking: { does: 'Creates load balancers and routes.', settings: ['bind-address', 'secure-port'] },
      cryptography: none,
      'secrets-management': { does: 'Holds cloud credentials.', settings: [] },
      authentication: none,
      authorization: {
        does: 'Runs with its own service accounts when asked to.',
        settings: ['use-service-account-credentials'],
      },
      'multi-tenancy-isolation': none,
    },
    otherSettings: ['profiling'],
  },
  kubelet: {
    howItWorks:
      'The kubelet runs on every node: it starts the pods the API server assigns to it through the container runtime, mounts their volumes and Secrets, reports status and serves the kubelet API (logs, exec, attach, port-forward) on 10250.',
    storage:
      'Pod volumes, projected tokens and Secrets under /var/lib/kubelet/pods (Secrets on tmpfs); its own client certificate under /var/lib/kubelet/pki.',
    storageSettings: ['root-dir'],
    data: [
      {
        name: 'Secrets and tokens of the pods on its node',
        dimension: 'confidentiality',
        comment: 'bounded to its node’s pods by the Node authorizer and NodeRestriction',
      },
      {
        name: 'Its node client certificate',
        dimension: 'integrity',
        comment: 'the identity system:node:NAME',
      },
      {
        name: 'Container logs and host logs (/logs/)',
        dimension: 'confidentiality',
        comment: 'served over the kubelet API',
      },
    ],
    families: {
      networking: {
        does: 'Serves the kubelet API, the read-only port when open, and health.',
        settings: ['address', 'port', 'read-only-port', 'healthz-bind-address'],
      },
      cryptography: {
        does: 'Serves TLS with a self-signed certificate unless configured; rotates its client certificate when asked.',
        settings: [
          'tls-cert-file',
          'tls-min-version',
          'tls-cipher-suites',
          'rotate-certificates',
          'rotate-server-certificates',
        ],
      },
      'secrets-management': { does: 'Fetches and mounts the Secrets of its pods.', settings: [] },
      authentication: {
        does: 'Authenticates API requests by client certificate or token review; anonymous requests when allowed.',
        settings: ['anonymous-auth', 'client-ca-file', 'authentication-token-webhook'],
      },
      authorization: {
        does: 'Authorises its API with the API server (Webhook) or allows everything (AlwaysAllow).',
        settings: ['authorization-mode'],
      },
      'multi-tenancy-isolation': {
        does: 'Runs pods of every namespace side by side; seccomp, kernel protections.',
        settings: [
          'seccomp-default',
          'protect-kernel-defaults',
          'enable-debugging-handlers',
          'enable-system-log-handler',
        ],
      },
    },
    otherSettings: ['event-qps', 'make-iptables-util-chains'],
  },
  'kube-proxy': {
    howItWorks:
      'kube-proxy watches Services and EndpointSlices and programs the node’s packet filter (iptables, IPVS or nftables) so that Service addresses reach their pods.',
    storage: 'Stores nothing; the rules live in the node’s kernel.',
    storageSettings: [],
    data: [
      {
        name: 'Service routing rules',
        dimension: 'integrity',
        comment: 'a change redirects traffic for the whole node',
      },
    ],
    families: {
      networking: {
        does: 'Programs Service routing; serves metrics and health.',
        settings: ['metrics-bind-address', 'healthz-bind-address', 'proxy-mode'],
      },
      cryptography: none,
      'secrets-management': { does: 'Holds its kubeconfig credential.', settings: [] },
      authentication: none,
      authorization: none,
      'multi-tenancy-isolation': none,
    },
    otherSettings: [],
  },
  'container-runtime': {
    howItWorks:
      'The container runtime (containerd, CRI-O) pulls images and runs containers for the kubelet through a local socket.',
    storage: 'Images and container filesystems on the node’s disk.',
    storageSettings: [],
    data: [
      {
        name: 'Container images and filesystems',
        dimension: 'integrity',
        comment: 'its socket is root on the node',
      },
    ],
    families: {
      networking: { does: 'A local socket only.', settings: [] },
      cryptography: { does: 'Pulls images over TLS from registries.', settings: [] },
      'secrets-management': { does: 'Holds image pull credentials.', settings: [] },
      authentication: { does: 'Socket file permissions only.', settings: [] },
      authorization: none,
      'multi-tenancy-isolation': {
        does: 'Namespaces, cgroups, seccomp and capabilities separate containers.',
        settings: [],
      },
    },
    otherSettings: [],
  },
};

/** Notes for anything ktm has no specific knowledge of (workloads, services, zones). */
export const GENERIC_NOTES: ComponentNotes = {
  howItWorks: '',
  storage: '',
  storageSettings: [],
  data: [],
  families: {
    networking: { does: 'Receives and sends the flows listed under Protocols.', settings: [] },
    cryptography: { does: 'TLS on its flows as observed.', settings: [] },
    'secrets-management': { does: 'Holds the Secrets and tokens mounted into its pods.', settings: [] },
    authentication: {
      does: 'Authenticates to the API server with its service account token, when mounted.',
      settings: [],
    },
    authorization: { does: 'Holds the RBAC rights of its service account.', settings: [] },
    'multi-tenancy-isolation': {
      does: 'Separated from other namespaces by RBAC, Pod Security and NetworkPolicy as observed.',
      settings: [],
    },
  },
  otherSettings: [],
};
