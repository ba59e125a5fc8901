// The Inventory: every object ktm read, slimmed, indexed by kind, with where it came from and what could not be read.
import type * as k8s from '@kubernetes/client-node';
import type { Diagnostic } from '../errors.js';
import type { Ref, Source } from '../types.js';
import type { Coverage } from './coverage.js';
import type { ComponentSettings } from './settings/types.js';
import type { NodeFileSet } from './node-files/types.js';

export interface ObjectMeta {
  readonly name: string;
  readonly namespace?: string;
  readonly uid?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
  readonly ownerReferences?: readonly { kind: string; name: string; uid?: string; controller?: boolean }[];
  readonly creationTimestamp?: string;
}

/** Any Kubernetes object as parsed from JSON or YAML (the envelope is validated, the rest is the API's shape). */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: ObjectMeta;
  readonly [field: string]: unknown;
}

/**
 * The typed view of the kinds the analysis reads. The shapes are @kubernetes/client-node's models,
 * which mirror the API's JSON (timestamps stay strings in ktm: they are never revived to Dates).
 */
export interface KindMap {
  Node: k8s.V1Node;
  Namespace: k8s.V1Namespace;
  Pod: k8s.V1Pod;
  Service: k8s.V1Service;
  ServiceAccount: k8s.V1ServiceAccount;
  Secret: { apiVersion?: string; kind?: string; metadata?: k8s.V1ObjectMeta; type?: string };
  ConfigMap: k8s.V1ConfigMap;
  PersistentVolume: k8s.V1PersistentVolume;
  PersistentVolumeClaim: k8s.V1PersistentVolumeClaim;
  ResourceQuota: k8s.V1ResourceQuota;
  LimitRange: k8s.V1LimitRange;
  Deployment: k8s.V1Deployment;
  ReplicaSet: k8s.V1ReplicaSet;
  StatefulSet: k8s.V1StatefulSet;
  DaemonSet: k8s.V1DaemonSet;
  Job: k8s.V1Job;
  CronJob: k8s.V1CronJob;
  EndpointSlice: k8s.V1EndpointSlice;
  Ingress: k8s.V1Ingress;
  IngressClass: k8s.V1IngressClass;
  NetworkPolicy: k8s.V1NetworkPolicy;
  PodDisruptionBudget: k8s.V1PodDisruptionBudget;
  Role: k8s.V1Role;
  RoleBinding: k8s.V1RoleBinding;
  ClusterRole: k8s.V1ClusterRole;
  ClusterRoleBinding: k8s.V1ClusterRoleBinding;
  StorageClass: k8s.V1StorageClass;
  ValidatingWebhookConfiguration: k8s.V1ValidatingWebhookConfiguration;
  MutatingWebhookConfiguration: k8s.V1MutatingWebhookConfiguration;
  APIService: k8s.V1APIService;
  CustomResourceDefinition: k8s.V1CustomResourceDefinition;
  PriorityClass: k8s.V1PriorityClass;
  CertificateSigningRequest: k8s.V1CertificateSigningRequest;
}

export type KnownKind = keyof KindMap;

/** One object with its source. `object` is the parsed document; ktm never mutates it. */
export interface InventoryItem<T = KubeObject> {
  readonly object: T & KubeObject;
  readonly source: Source;
}

export interface ServerVersion {
  readonly major: string;
  readonly minor: string;
  readonly gitVersion: string;
  readonly platform?: string;
}

export type Provider = 'eks' | 'gke' | 'aks' | 'openshift' | 'digitalocean' | 'linode' | 'oke' | 'iks';

export interface ClusterInfo {
  /** Context or cluster name (live/snapshot); the input path for manifests. */
  readonly name: string;
  readonly server?: string;
  readonly serverVersion?: ServerVersion;
  /** A managed control plane, recognised from nodes' providerID and labels. */
  readonly provider?: Provider;
  readonly collectedAt?: string;
  readonly ktmVersion?: string;
}

export interface InventoryInit {
  readonly cluster: ClusterInfo;
  readonly items: readonly InventoryItem[];
  readonly coverage: Coverage;
  readonly diagnostics?: readonly Diagnostic[];
  readonly nodeFiles?: readonly NodeFileSet[];
  readonly settings?: readonly ComponentSettings[];
}

export class Inventory {
  readonly cluster: ClusterInfo;
  readonly coverage: Coverage;
  readonly diagnostics: readonly Diagnostic[];
  readonly nodeFiles: readonly NodeFileSet[];
  readonly settings: readonly ComponentSettings[];
  readonly items: readonly InventoryItem[];
  private readonly kinds = new Map<string, InventoryItem[]>();
  private readonly keys = new Map<string, InventoryItem>();

  constructor(init: InventoryInit) {
    this.cluster = init.cluster;
    this.coverage = init.coverage;
    this.diagnostics = init.diagnostics ?? [];
    this.nodeFiles = init.nodeFiles ?? [];
    this.settings = init.settings ?? [];
    this.items = init.items;
    for (const item of init.items) {
      const list = this.kinds.get(item.object.kind);
      if (list === undefined) this.kinds.set(item.object.kind, [item]);
      else list.push(item);
      this.keys.set(objectKey(item.object), item);
    }
  }

  /** Every object of one kind, in input order. */
  ofKind<K extends KnownKind>(kind: K): readonly InventoryItem<KindMap[K]>[];
  ofKind(kind: string): readonly InventoryItem[];
  ofKind(kind: string): readonly InventoryItem[] {
    return this.kinds.get(kind) ?? [];
  }

  /** Kinds present, sorted. */
  kindNames(): string[] {
    return [...this.kinds.keys()].sort();
  }

  get<K extends KnownKind>(
    kind: K,
    namespace: string | undefined,
    name: string,
  ): InventoryItem<KindMap[K]> | undefined;
  get(kind: string, namespace: string | undefined, name: string): InventoryItem | undefined;
  get(kind: string, namespace: string | undefined, name: string): InventoryItem | undefined {
    return this.keys.get(`${kind}\u0000${namespace ?? ''}\u0000${name}`);
  }

  /** Component settings of one component (one entry per instance: per node for the kubelet). */
  settingsOf(component: ComponentSettings['component']): readonly ComponentSettings[] {
    return this.settings.filter((s) => s.component === component);
  }
}

/** Identity of an object across inputs: kind, namespace, name (apiVersion versions of one kind are the same object). */
export function objectKey(o: Pick<KubeObject, 'kind' | 'metadata'>): string {
  return `${o.kind}\u0000${o.metadata.namespace ?? ''}\u0000${o.metadata.name}`;
}

export function refOf(o: Pick<KubeObject, 'kind' | 'metadata'>): Ref {
  return o.metadata.namespace === undefined
    ? { kind: o.kind, name: o.metadata.name }
    : { kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name };
}
