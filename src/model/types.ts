// The Model: components, data flows between them and nested trust zones, derived from an Inventory.
import type { Evidence, Ref } from '../types.js';
import type { ReachabilityResult } from './reachability-flows.js';

export const TLS_STATES = ['none', 'unverified', 'verified', 'mutual', 'unknown'] as const;
/** none: plaintext; unverified: TLS without checking the peer; verified: server checked; mutual: both checked. */
export type TlsState = (typeof TLS_STATES)[number];

export const AUTHN_STATES = ['none', 'anonymous', 'token', 'certificate', 'unknown'] as const;
export type AuthnState = (typeof AUTHN_STATES)[number];

export const CONTROL_PLANE_PROCESSES = [
  'kube-apiserver',
  'etcd',
  'kube-scheduler',
  'kube-controller-manager',
  'cloud-controller-manager',
] as const;
export type ControlPlaneProcess = (typeof CONTROL_PLANE_PROCESSES)[number];

export const WORKLOAD_OWNERS = [
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'CronJob',
  'Job',
  'ReplicaSet',
  'Pod',
] as const;
export type WorkloadOwner = (typeof WORKLOAD_OWNERS)[number];

/** What a workload does for the cluster, when ktm recognises it. */
export const WORKLOAD_ROLES = [
  'cluster-dns',
  'network-agent',
  'ingress-controller',
  'gateway-controller',
  'admission-webhook',
  'aggregated-api',
] as const;
export type WorkloadRole = (typeof WORKLOAD_ROLES)[number];

export const EXTERNAL_ACTORS = [
  'internet',
  'administrators',
  'cloud-metadata',
  'external-address',
  'webhook-backend',
] as const;
export type ExternalActor = (typeof EXTERNAL_ACTORS)[number];

/** What a component is; discriminated on `type`. */
export type ComponentKind =
  | {
      readonly type: 'control-plane';
      readonly process: ControlPlaneProcess;
      /** Run by the cloud provider: its settings are not visible. */
      readonly managed: boolean;
      /** Seen in the input (pod, static pod, settings), or only inferred because every cluster has one. */
      readonly observed: boolean;
    }
  | {
      readonly type: 'node-agent';
      readonly agent: 'kubelet' | 'kube-proxy' | 'container-runtime';
      /** containerd://1.7.2 for the runtime, from the node's status. */
      readonly version?: string;
    }
  | {
      readonly type: 'workload';
      readonly owner: WorkloadOwner;
      readonly namespace: string;
      readonly name: string;
      /** Pods seen running for it (0 for manifests without pods). */
      readonly pods: number;
      readonly roles: readonly WorkloadRole[];
      readonly serviceAccount: string;
      /** Recognised network plugin, for network agents. */
      readonly plugin?: string;
    }
  | {
      readonly type: 'service';
      readonly namespace: string;
      readonly name: string;
      readonly serviceType: string;
    }
  /** All workloads of a namespace: the endpoint of reachability flows aggregated per namespace pair. */
  | { readonly type: 'namespace-workloads'; readonly namespace: string }
  /**
   * Any workload of a service mesh: the caller of a mesh route when the mesh resource does not name one (an Istio
   * VirtualService bound to `mesh` applies to whichever sidecar sends to its hosts; a ServiceEntry to whichever
   * sidecar calls the outside host; a Linkerd ServiceProfile describes a Service's routes, not its clients).
   */
  | { readonly type: 'mesh'; readonly mesh: ServiceMesh }
  | { readonly type: 'ingress'; readonly namespace: string; readonly name: string }
  | { readonly type: 'gateway'; readonly namespace: string; readonly name: string }
  | {
      readonly type: 'external';
      readonly actor: ExternalActor;
      /** A URL, host or CIDR for webhook backends and external addresses. */
      readonly address?: string;
    };

export type ComponentType = ComponentKind['type'];

/** A listener a component offers, whether or not ktm knows a client of it. */
export interface Endpoint {
  readonly port?: number;
  /** A local socket path instead of a port (the container runtime). */
  readonly socket?: string;
  readonly protocol: string;
  readonly tls: TlsState;
  readonly authn: AuthnState;
  /** 0.0.0.0, 127.0.0.1, ...; undefined when not known. */
  readonly bindAddress?: string;
  /** Whether the listener is open: `unknown` when the setting that opens it is not visible. */
  readonly open: 'yes' | 'unknown';
  readonly purpose: string;
  readonly evidence: readonly AttributeEvidence[];
}

export interface Component {
  /** Stable id, e.g. `kube-apiserver`, `kubelet:node-1`, `workload:ns/Deployment/web`. */
  readonly id: string;
  /** Human name for diagrams. */
  readonly name: string;
  readonly kind: ComponentKind;
  /** Id of the innermost trust zone holding it. */
  readonly zone: string;
  /** Nodes it runs on, sorted. */
  readonly nodes: readonly string[];
  /** Objects it was derived from. */
  readonly refs: readonly Ref[];
  readonly listens: readonly Endpoint[];
}

/** Why a flow attribute has its value: the evidence, and a note saying how it was derived or why it is unknown. */
export interface AttributeEvidence {
  readonly attribute: 'flow' | 'port' | 'protocol' | 'tls' | 'authn' | 'identity' | 'policy' | 'open';
  readonly evidence: readonly Evidence[];
  readonly note?: string;
}

/** Whether declared egress/ingress policy lets the flow through (before asking whether the plugin enforces it). */
export type PolicyVerdict = 'allowed' | 'blocked' | 'unknown';

export interface WebhookDetail {
  readonly configuration: Ref;
  readonly webhook: string;
  readonly target: 'service' | 'url';
  readonly caBundle: boolean;
  readonly failurePolicy: string;
  readonly timeoutSeconds: number;
}

export const SERVICE_MESHES = ['istio', 'linkerd'] as const;
export type ServiceMesh = (typeof SERVICE_MESHES)[number];

/** Where an application flow was found: the pod spec, NetworkPolicy intent, or a service-mesh resource. */
export const FLOW_INFERENCES = [
  'env',
  'args',
  'configmap',
  'readiness-probe',
  'network-policy',
  'istio-virtualservice',
  'istio-serviceentry',
  'istio-authorization-policy',
  'linkerd-serviceprofile',
  'linkerd-authorization',
] as const;
export type FlowInference = (typeof FLOW_INFERENCES)[number];

/** Inferences that are declared intent (a policy names the caller), not a call found in the caller's configuration. */
export const DECLARED_INTENT: ReadonlySet<FlowInference> = new Set([
  'network-policy',
  'istio-authorization-policy',
  'linkerd-authorization',
]);

/** How an application flow was inferred: where the address was found, and whether the caller fails without it. */
export interface FlowDependency {
  /** The first source found; a flow found by several keeps the others' evidence (`evidence`) and `alsoFrom`. */
  readonly inferredFrom: FlowInference;
  readonly alsoFrom?: readonly FlowInference[];
  /** The caller stops serving when this dependency is down (a readiness probe aimed at it). */
  readonly failClosed: boolean;
}

export interface Flow {
  /** Stable id: `from->to:protocol/port#purpose`. */
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly protocol: string;
  readonly port?: number;
  readonly socket?: string;
  readonly tls: TlsState;
  readonly authn: AuthnState;
  /** The authentication modes the receiver accepts, when several (administrators → kube-apiserver). */
  readonly authnModes?: readonly string[];
  /** The identity the client presents (a service account), when known. */
  readonly identity?: string;
  readonly purpose: string;
  readonly webhook?: WebhookDetail;
  /** Set on workload → workload flows inferred from the configuration (application data flow). */
  readonly dependency?: FlowDependency;
  /** Declared NetworkPolicy verdict for flows policy can stop (pods → cloud metadata). */
  readonly policy?: PolicyVerdict;
  /** How many underlying flows an aggregated flow stands for (diagrams; reachability per namespace pair). */
  readonly count?: number;
  readonly evidence: readonly AttributeEvidence[];
}

export const CONTROL_KINDS = [
  'inbound-authentication',
  'inbound-tls',
  'network-policy-default-deny',
  'pod-security',
  'rbac-scope',
  'resource-quota',
  'node-isolation',
] as const;
export type ControlKind = (typeof CONTROL_KINDS)[number];

export interface Control {
  readonly kind: ControlKind;
  /** present: in force; partial: some of the zone; inert: declared but not enforced; absent; unknown (not visible). */
  readonly status: 'present' | 'partial' | 'inert' | 'absent' | 'unknown';
  readonly detail: string;
  readonly evidence: readonly Evidence[];
}

/** A flow crossing this zone's boundary, with the controls guarding it. */
export interface BoundaryFlow {
  readonly flow: string;
  readonly direction: 'inbound' | 'outbound';
  /** The zone on the other side (innermost). */
  readonly peerZone: string;
  /** e.g. `tls:verified`, `authn:certificate`, `policy:blocked`. */
  readonly controls: readonly string[];
}

export const TOP_LEVEL_ZONES = [
  { id: 'internet', name: 'Internet' },
  { id: 'api-server', name: 'API Server' },
  { id: 'master-components', name: 'Master Components' },
  { id: 'master-data', name: 'Master Data' },
  { id: 'worker', name: 'Worker' },
  { id: 'container', name: 'Container' },
] as const;
export type TopLevelZoneId = (typeof TOP_LEVEL_ZONES)[number]['id'];

export type ZoneKind = 'top' | 'node-pool' | 'node' | 'tenant' | 'namespace' | 'custom';

export interface TrustZone {
  readonly id: string;
  readonly name: string;
  readonly kind: ZoneKind;
  readonly parent?: string;
  /** Component ids directly in this zone (not in a child zone), sorted. */
  readonly members: readonly string[];
  /** Child zone ids, sorted. */
  readonly children: readonly string[];
  readonly controls: readonly Control[];
  /** NetworkPolicies, Pod Security labels, quotas, RoleBindings that apply to the zone. */
  readonly policies: readonly Ref[];
  /** Nodes the zone's components run on, sorted. */
  readonly placement: readonly string[];
  readonly boundaryFlows: readonly BoundaryFlow[];
}

/** Workload → workload flows come from the reachability engine; until it is wired in they are not computed. */
export type ReachabilityStatus =
  | {
      readonly state: 'computed';
      readonly granularity: 'namespace' | 'workload';
      readonly enforcement: string;
    }
  | { readonly state: 'not-computed'; readonly reason: string };

/**
 * What the model needs from the network analyses (src/analysis/analyses.ts provides it): the network plugin's
 * enforcement and the connections NetworkPolicy allows. Given by the caller, so the model never imports an analysis.
 */
export interface ModelNetwork {
  readonly plugin: { readonly plugin: string; readonly enforces: 'yes' | 'no' | 'unknown' };
  /** Allowed connections between the workloads the model draws (`hasComponent`), computed on demand. */
  readonly connections: (hasComponent: (id: string) => boolean) => ReachabilityResult;
  /**
   * When the inventory holds Cilium or Calico policies: whether the plugin's policies isolate every, some or no
   * workload of a namespace (a zone's default-deny control counts them).
   */
  readonly pluginIsolation?: (
    namespace: string,
    dir: 'ingress' | 'egress',
  ) => 'all' | 'some' | 'none' | 'empty';
}

export interface Model {
  readonly components: readonly Component[];
  readonly flows: readonly Flow[];
  readonly zones: readonly TrustZone[];
  readonly reachability: ReachabilityStatus;
  /** Things ktm could not determine, in words (a missing input, a managed control plane). */
  readonly notes: readonly string[];
}
