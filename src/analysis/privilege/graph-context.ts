// Shared state while the privilege graph is built: indexes of pods, service accounts, secrets and nodes, cluster facts, and lazily built hubs.
import type { Inventory, KubeObject } from '../../collect/inventory.js';
import { refOf } from '../../collect/inventory.js';
import { lookupSetting, settingsFor } from '../../model/settings-lookup.js';
import { controlPlaneProcessOfPod } from '../../model/roles.js';
import { cloudOf, collectNodes } from '../../model/nodes.js';
import { groupWorkloads } from '../../model/workloads.js';
import { schedulableNodes, schedulingNode, type SchedulingNode } from '../scheduling.js';
import type { Evidence, Ref, Source } from '../../types.js';
import { AttackGraph, EXPAND, type VertexRef } from './attack-graph.js';
import type { RbacIndex } from './rbac-index.js';
import { computeReachability, type Reachability } from '../network-policy/reachability.js';
import {
  collectEndpoints,
  workloadKey,
  type EndpointSet,
  type WorkloadRef,
} from '../network-policy/endpoints.js';
import { formatConns, isEmpty } from '../network-policy/conn-set.js';

/** The cloud instance metadata service. */
export const METADATA_CIDR = '169.254.169.254/32';

export type MetadataEgress = { readonly state: 'open' | 'blocked' | 'unverified'; readonly detail: string };

export interface PodInfo {
  readonly object: KubeObject;
  readonly source: Source;
  readonly ref: Ref;
  readonly namespace: string;
  readonly name: string;
  readonly node?: string;
  readonly serviceAccount: string;
  readonly spec: Record<string, unknown>;
  /** kube-apiserver, etcd, ... when the pod is a control-plane static pod. */
  readonly controlPlane?: string;
  /** The pod's labels (a template's labels for a workload without pods). */
  readonly labels: Readonly<Record<string, string>>;
  /**
   * Set for a workload read without any pod (manifests carry templates): the pod it will create, its owner kind
   * and where the template sits in the owner (`spec.template`, `spec.jobTemplate.spec.template`).
   */
  readonly template?: { readonly owner: string; readonly path: string };
}

/** Where a pod runs or may run: node vertices, with the evidence and (for an unbound pod) the assumption. */
export interface Placement {
  readonly nodes: readonly { readonly vertex: number; readonly name?: string }[];
  readonly evidence: (node: string | undefined) => Evidence;
  /** `[evidence(node)]` for each of `nodes`, built once: every step from those nodes shares the list. */
  readonly evidenceLists: readonly (readonly [Evidence])[];
  readonly assumption?: (node: string | undefined) => string;
}

/** A fact about the apiserver that cuts or opens steps: known (with evidence) or not visible. */
export interface ClusterFact {
  readonly known: boolean;
  readonly value: boolean;
  readonly evidence: readonly Evidence[];
  readonly note: string;
}

export interface ClusterFacts {
  readonly nodeRestriction: ClusterFact;
  readonly nodeAuthorizer: ClusterFact;
  readonly podSecurityAdmission: ClusterFact;
  readonly certificateSubjectRestriction: ClusterFact;
  readonly anonymousAuth: ClusterFact;
  /** The nodes run in a cloud with an instance metadata service (provider detected or providerID set). */
  readonly cloud: string | undefined;
}

export const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease']);

function asRecord(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

export function recordOf(v: unknown): Record<string, unknown> {
  return asRecord(v);
}

export function listOf(v: unknown): Record<string, unknown>[] {
  return Array.isArray(v) ? v.map(asRecord) : [];
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** Whether an admission plugin runs, from --enable-admission-plugins / --disable-admission-plugins. */
function admissionFact(inv: Inventory, plugin: string, defaultOn: boolean): ClusterFact {
  const s = settingsFor(inv, 'kube-apiserver');
  const en = lookupSetting(s, 'kube-apiserver', 'enable-admission-plugins');
  const dis = lookupSetting(s, 'kube-apiserver', 'disable-admission-plugins');
  if (!en.known) return { known: false, value: defaultOn, evidence: en.evidence, note: en.note };
  const list = (v: string | undefined): string[] => (v ?? '').split(',').map((x) => x.trim());
  const disabled = dis.known && list(dis.value).includes(plugin);
  const enabled = !disabled && (defaultOn || list(en.value).includes(plugin));
  return {
    known: true,
    value: enabled,
    evidence: [...en.evidence, ...(disabled ? dis.evidence : [])],
    note: `${plugin} ${enabled ? 'enabled' : 'not enabled'} (${en.note}${disabled ? `; ${dis.note}` : ''})`,
  };
}

export function clusterFacts(inv: Inventory): ClusterFacts {
  const s = settingsFor(inv, 'kube-apiserver');
  const mode = lookupSetting(s, 'kube-apiserver', 'authorization-mode');
  const anon = lookupSetting(s, 'kube-apiserver', 'anonymous-auth');
  // One answer for the whole run: the model's (provider, or the nodes' providerID scheme).
  const cloud = cloudOf(inv, collectNodes(inv, []));
  return {
    // NodeRestriction is not in the apiserver's default plugin list; kubeadm enables it.
    nodeRestriction: admissionFact(inv, 'NodeRestriction', false),
    nodeAuthorizer: mode.known
      ? {
          known: true,
          value: (mode.value ?? '').split(',').includes('Node'),
          evidence: mode.evidence,
          note: mode.note,
        }
      : { known: false, value: true, evidence: mode.evidence, note: mode.note },
    // PodSecurity and CertificateSubjectRestriction are on by default since 1.25 / 1.19.
    podSecurityAdmission: admissionFact(inv, 'PodSecurity', true),
    certificateSubjectRestriction: admissionFact(inv, 'CertificateSubjectRestriction', true),
    anonymousAuth: anon.known
      ? { known: true, value: anon.value !== 'false', evidence: anon.evidence, note: anon.note }
      : { known: false, value: true, evidence: anon.evidence, note: anon.note },
    cloud,
  };
}

/** The builder's shared state. Hubs are created on first use, with their expansion edges. */
/** Network analyses computed elsewhere (src/analysis/analyses.ts), each asked for only when needed. */
export interface GraphNetwork {
  reachability(): Reachability;
  endpoints(): EndpointSet;
}

export class GraphContext {
  readonly graph = new AttackGraph();
  readonly pods: PodInfo[] = [];
  readonly podsByNs = new Map<string, PodInfo[]>();
  readonly podsByNode = new Map<string, PodInfo[]>();
  readonly serviceAccounts = new Map<string, Set<string>>();
  readonly secretsByNs = new Map<
    string,
    { name: string; type?: string; serviceAccount?: string; ref: Ref }[]
  >();
  readonly nodes: string[];
  readonly nodeObjects = new Map<string, KubeObject>();
  readonly namespaces: string[];
  readonly namespaceObjects = new Map<string, { object: KubeObject; source: Source }>();
  readonly controlPlaneNodes = new Set<string>();
  readonly etcdNodes = new Set<string>();
  readonly facts: ClusterFacts;
  private readonly hubs = new Map<string, number>();
  /** Token volumes per pod (filled before hostPath traversal edges are drawn). */
  readonly tokenVols = new Map<PodInfo, readonly { readonly name: string }[]>();

  tokenVolumesOf(p: PodInfo): readonly { readonly name: string }[] {
    return this.tokenVols.get(p) ?? [];
  }

  /** One `spec.serviceAccountName` evidence per pod, shared by its token steps. */
  readonly serviceAccountEvidence = new Map<PodInfo, Evidence>();

  private reach: Reachability | undefined;
  private workloadOfPod: Map<string, WorkloadRef> | undefined;
  private readonly metadataCache = new Map<string, MetadataEgress>();

  /**
   * Whether NetworkPolicy lets a pod reach the metadata service: `open` with the allowed connections, `blocked`
   * when policies block it and the network plugin is known to enforce them, `unverified` when policies block it
   * but the plugin's enforcement is unknown. Built on first use (cloud clusters only).
   */
  metadataEgress(pod: PodInfo): MetadataEgress {
    if (this.reach === undefined) {
      this.reach = this.network?.reachability() ?? computeReachability(this.inventory);
      this.workloadOfPod = new Map(
        (this.network?.endpoints() ?? collectEndpoints(this.inventory)).endpoints
          .filter((e) => !e.fromTemplate)
          .map((e) => [`${e.namespace}/${e.name}`, e.workload]),
      );
    }
    const w = this.workloadOfPod!.get(`${pod.namespace}/${pod.name}`) ?? {
      namespace: pod.namespace,
      name: pod.ref.name,
      kind: pod.template?.owner ?? 'Pod',
    };
    const key = workloadKey(w);
    let r = this.metadataCache.get(key);
    if (r === undefined) {
      const c = this.reach.allowedToAddress(w, METADATA_CIDR);
      const plugin = this.reach.plugin;
      const unknown =
        plugin.plugin === 'unknown'
          ? 'the network plugin was not recognised'
          : `${plugin.plugin} enforcement is ${plugin.enforces}`;
      r =
        c !== undefined && !isEmpty(c)
          ? { state: 'open', detail: formatConns(c) }
          : plugin.enforces === 'yes'
            ? {
                state: 'blocked',
                detail: `egress NetworkPolicy blocks it (${plugin.plugin} enforces policies)`,
              }
            : { state: 'unverified', detail: `egress NetworkPolicy would block it, but ${unknown}` };
      this.metadataCache.set(key, r);
    }
    return r;
  }

  constructor(
    readonly inventory: Inventory,
    readonly rbac: RbacIndex,
    private readonly network?: GraphNetwork,
  ) {
    this.facts = clusterFacts(inventory);
    const nsSet = new Set<string>();
    const nodeSet = new Set<string>();
    for (const { object } of inventory.ofKind('Node')) {
      nodeSet.add(object.metadata.name);
      this.nodeObjects.set(object.metadata.name, object);
      const l = object.metadata.labels ?? {};
      if ('node-role.kubernetes.io/control-plane' in l || 'node-role.kubernetes.io/master' in l)
        this.controlPlaneNodes.add(object.metadata.name);
    }
    for (const item of inventory.ofKind('Namespace')) {
      nsSet.add(item.object.metadata.name);
      this.namespaceObjects.set(item.object.metadata.name, item);
    }
    for (const { object } of inventory.ofKind('ServiceAccount')) {
      const ns = object.metadata.namespace;
      if (ns !== undefined) this.addServiceAccount(ns, object.metadata.name);
    }
    for (const { object } of inventory.ofKind('Secret')) {
      const ns = object.metadata.namespace;
      if (ns === undefined) continue;
      const type = str(object['type']);
      const sa = object.metadata.annotations?.['kubernetes.io/service-account.name'];
      let l = this.secretsByNs.get(ns);
      if (l === undefined) this.secretsByNs.set(ns, (l = []));
      l.push({
        name: object.metadata.name,
        ...(type !== undefined ? { type } : {}),
        ...(type === 'kubernetes.io/service-account-token' && sa !== undefined ? { serviceAccount: sa } : {}),
        ref: refOf(object),
      });
    }
    for (const { object, source } of inventory.ofKind('Pod') as readonly {
      object: KubeObject;
      source: Source;
    }[]) {
      const ns = object.metadata.namespace ?? 'default';
      const spec = asRecord(object['spec']);
      const phase = str(asRecord(object['status'])['phase']);
      // Completed pods run nothing: no exec, no escape, no token in use.
      if (phase === 'Succeeded' || phase === 'Failed') continue;
      const node = str(spec['nodeName']);
      const sa = str(spec['serviceAccountName']) ?? str(spec['serviceAccount']) ?? 'default';
      const cp = controlPlaneProcessOfPod(object.metadata.labels ?? {}, object.metadata.name, ns);
      const info: PodInfo = {
        object,
        source,
        ref: refOf(object),
        namespace: ns,
        name: object.metadata.name,
        ...(node !== undefined && node !== '' ? { node } : {}),
        serviceAccount: sa,
        spec,
        ...(cp !== undefined ? { controlPlane: cp } : {}),
        labels: object.metadata.labels ?? {},
      };
      this.pods.push(info);
      nsSet.add(ns);
      this.addServiceAccount(ns, sa);
      push(this.podsByNs, ns, info);
      if (info.node !== undefined) {
        nodeSet.add(info.node);
        push(this.podsByNode, info.node, info);
        if (
          cp === 'kube-apiserver' ||
          cp === 'etcd' ||
          cp === 'kube-controller-manager' ||
          cp === 'kube-scheduler'
        )
          this.controlPlaneNodes.add(info.node);
        if (cp === 'etcd') this.etcdNodes.add(info.node);
      }
    }
    // A workload read without pods (manifests, or a controller that has not created any yet) stands for the pod
    // its template will create, so its escapes, tokens and exposure are drawn as a running pod's are.
    for (const w of groupWorkloads(inventory)) {
      if (w.owner === 'Pod' || w.pods.length > 0 || w.spec === undefined) continue;
      const item = inventory.get(w.owner, w.namespace, w.name);
      if (item === undefined) continue;
      const spec = asRecord(w.spec);
      const sa = str(spec['serviceAccountName']) ?? str(spec['serviceAccount']) ?? 'default';
      const taken = (this.podsByNs.get(w.namespace) ?? []).some((p) => p.name === w.name);
      const info: PodInfo = {
        object: item.object,
        source: item.source,
        ref: w.ref,
        namespace: w.namespace,
        name: taken ? `${w.name}-${w.owner.toLowerCase()}` : w.name,
        serviceAccount: sa,
        spec,
        labels: w.labels,
        template: { owner: w.owner, path: w.specPath.slice(0, -'.spec'.length) },
      };
      this.pods.push(info);
      nsSet.add(w.namespace);
      this.addServiceAccount(w.namespace, sa);
      push(this.podsByNs, w.namespace, info);
    }
    this.schedulingNodes = [...nodeSet]
      .sort()
      .map((n) => this.nodeObjects.get(n))
      .filter((n): n is KubeObject => n !== undefined)
      .map(schedulingNode);
    for (const ns of this.serviceAccounts.keys()) nsSet.add(ns);
    for (const ns of this.secretsByNs.keys()) nsSet.add(ns);
    // Every namespace has a `default` service account (created by the ServiceAccount controller).
    for (const ns of nsSet) this.addServiceAccount(ns, 'default');
    this.namespaces = [...nsSet].sort();
    this.nodes = [...nodeSet].sort();
  }

  private readonly schedulingNodes: readonly SchedulingNode[];
  private readonly placements = new Map<PodInfo, Placement>();

  /**
   * Where a pod runs: its node; for a pod not bound yet (a template, a pending pod) every known node its
   * nodeSelector, required affinity and tolerations allow, or the "any node" vertex when no Node was read.
   */
  placementOf(pod: PodInfo): Placement {
    const known = this.placements.get(pod);
    if (known !== undefined) return known;
    let p: Placement;
    if (pod.node !== undefined) {
      const node = pod.node;
      // One evidence object per bound pod, shared by its steps from the node (evidence is never changed).
      const placed: Evidence = { ref: pod.ref, path: 'spec.nodeName', value: node, source: pod.source };
      p = {
        nodes: [{ vertex: this.v({ kind: 'Node', name: node }), name: node }],
        evidence: () => placed,
        evidenceLists: [[placed]],
      };
    } else if (this.schedulingNodes.length === 0) {
      const why = 'not bound to a node, and no Node was read: it may run on any node';
      const evidence = (): Evidence => ({ ref: pod.ref, value: why, source: pod.source });
      p = {
        nodes: [{ vertex: this.anyNodeHub() }],
        evidence,
        evidenceLists: [[evidence()]],
        assumption: () => why,
      };
    } else {
      const owner = pod.template?.owner ?? 'Pod';
      const names = schedulableNodes(pod.spec, owner, this.schedulingNodes);
      const prefix = pod.template === undefined ? 'spec' : `${pod.template.path}.spec`;
      const evidence = (node: string | undefined): Evidence => ({
        ref: pod.ref,
        path: `${prefix}.nodeSelector, affinity, tolerations`,
        value: `not bound to a node; the scheduler may place it on ${node ?? 'a node'}`,
        source: pod.source,
      });
      p = {
        nodes: names.map((name) => ({ vertex: this.v({ kind: 'Node', name }), name })),
        evidence,
        evidenceLists: names.map((name) => [evidence(name)] as const),
        assumption: (node) => `the scheduler places it on ${node ?? 'this node'}`,
      };
    }
    this.placements.set(pod, p);
    return p;
  }

  /**
   * The pods that run or may run on a node (undefined: on the "any node" vertex): the pods bound to it and the
   * unbound pods whose placement includes it.
   */
  private unbound: PodInfo[] | undefined;

  podsThatMayRunOn(node: string | undefined): PodInfo[] {
    const bound = node === undefined ? [] : (this.podsByNode.get(node) ?? []);
    this.unbound ??= this.pods.filter((p) => p.node === undefined);
    const unbound = this.unbound.filter((p) => this.placementOf(p).nodes.some((n) => n.name === node));
    return [...bound, ...unbound];
  }

  private addServiceAccount(ns: string, name: string): void {
    let s = this.serviceAccounts.get(ns);
    if (s === undefined) this.serviceAccounts.set(ns, (s = new Set()));
    s.add(name);
  }

  v(ref: VertexRef): number {
    return this.graph.vertex(ref);
  }

  sa(ns: string, name: string): number {
    return this.graph.vertex({ kind: 'ServiceAccount', namespace: ns, name });
  }

  private hub(key: string, ref: VertexRef, expand: (id: number) => void): number {
    const found = this.hubs.get(key);
    if (found !== undefined) return found;
    const id = this.graph.vertex(ref, true);
    this.hubs.set(key, id);
    expand(id);
    return id;
  }

  private expandEdge(from: number, to: number, why: string, ref?: Ref): void {
    this.graph.edge(EXPAND, from, to, ref ? [{ ref, value: why }] : [], 'n/a (membership)');
  }

  /** Every pod of a namespace, or (ns undefined) of every namespace. */
  podsHub(ns?: string): number {
    if (ns === undefined)
      return this.hub('pods:*', { kind: 'Pod', name: '*' }, (id) => {
        for (const n of this.namespaces)
          if (this.podsByNs.has(n))
            this.expandEdge(id, this.podsHub(n), 'every namespace', { kind: 'Namespace', name: n });
      });
    return this.hub(`pods:${ns}`, { kind: 'Pod', namespace: ns, name: '*' }, (id) => {
      for (const p of this.podsByNs.get(ns) ?? [])
        this.expandEdge(
          id,
          this.v({ kind: 'Pod', namespace: ns, name: p.name }),
          'pod of the namespace',
          p.ref,
        );
    });
  }

  secretsHub(ns?: string): number {
    if (ns === undefined)
      return this.hub('secrets:*', { kind: 'Secret', name: '*' }, (id) => {
        for (const n of this.namespaces)
          if (this.secretsByNs.has(n))
            this.expandEdge(id, this.secretsHub(n), 'every namespace', { kind: 'Namespace', name: n });
      });
    return this.hub(`secrets:${ns}`, { kind: 'Secret', namespace: ns, name: '*' }, (id) => {
      for (const s of this.secretsByNs.get(ns) ?? [])
        this.expandEdge(
          id,
          this.v({ kind: 'Secret', namespace: ns, name: s.name }),
          'secret of the namespace',
          s.ref,
        );
    });
  }

  serviceAccountsHub(ns?: string): number {
    if (ns === undefined)
      return this.hub('sas:*', { kind: 'ServiceAccount', name: '*' }, (id) => {
        for (const n of this.namespaces)
          this.expandEdge(id, this.serviceAccountsHub(n), 'every namespace', { kind: 'Namespace', name: n });
      });
    return this.hub(`sas:${ns}`, { kind: 'ServiceAccount', namespace: ns, name: '*' }, (id) => {
      for (const name of [...(this.serviceAccounts.get(ns) ?? [])].sort())
        this.expandEdge(id, this.sa(ns, name), 'service account of the namespace', {
          kind: 'ServiceAccount',
          namespace: ns,
          name,
        });
    });
  }

  /** "A pod of the attacker's choosing in NS" (or in any namespace): reached by creating pods or workloads. */
  newPodHub(ns?: string): number {
    if (ns === undefined)
      return this.hub('newpod:*', { kind: 'Namespace', name: '*' }, (id) => {
        for (const n of this.namespaces)
          this.expandEdge(id, this.newPodHub(n), 'every namespace', { kind: 'Namespace', name: n });
      });
    return this.hub(`newpod:${ns}`, { kind: 'Namespace', name: ns }, () => {
      // Expansion (service accounts, nodes) is added by the builder once every hub kind exists.
      this.pendingNamespaces.push(ns);
    });
  }

  readonly pendingNamespaces: string[] = [];

  anyNodeHub(): number {
    return this.hub('nodes:*', { kind: 'Node', name: '*' }, (id) => {
      for (const n of this.nodes)
        this.expandEdge(
          id,
          this.v({ kind: 'Node', name: n }),
          'spec.nodeName places a pod on any node, past the scheduler and NoSchedule taints',
          { kind: 'Node', name: n },
        );
    });
  }

  kubeletHub(node?: string): number {
    if (node === undefined)
      return this.hub('kubelet:*', { kind: 'Kubelet', name: '*' }, (id) => {
        for (const n of this.nodes)
          this.expandEdge(id, this.kubeletHub(n), 'every node', { kind: 'Node', name: n });
      });
    return this.hub(`kubelet:${node}`, { kind: 'Kubelet', name: node }, () => {
      this.pendingKubelets.push(node);
    });
  }

  readonly pendingKubelets: string[] = [];

  usersHub(): number {
    return this.hub('users:*', { kind: 'User', name: '*' }, () => {
      this.pendingUsersHub = true;
    });
  }

  groupsHub(): number {
    return this.hub('groups:*', { kind: 'Group', name: '*' }, () => {
      this.pendingGroupsHub = true;
    });
  }

  pendingUsersHub = false;
  pendingGroupsHub = false;

  clusterAdmin(): number {
    return this.graph.vertex({ kind: 'PermissionSet', name: 'cluster-admin' }, true);
  }

  namespaceAdminHub(ns?: string): number {
    if (ns === undefined)
      return this.hub('nsadmin:*', { kind: 'PermissionSet', name: 'namespace-admin' }, (id) => {
        for (const n of this.namespaces)
          this.expandEdge(id, this.namespaceAdminHub(n), 'every namespace', { kind: 'Namespace', name: n });
      });
    return this.hub(
      `nsadmin:${ns}`,
      { kind: 'PermissionSet', namespace: ns, name: 'namespace-admin' },
      () => {
        this.pendingNsAdmins.push(ns);
      },
    );
  }

  readonly pendingNsAdmins: string[] = [];

  zone(name: string): number {
    return this.graph.vertex({ kind: 'Zone', name }, true);
  }

  /** Mark an EXPAND edge from a hub to a member (used by the builder for the deferred hubs). */
  expand(from: number, to: number, why: string, ref?: Ref): void {
    this.expandEdge(from, to, why, ref);
  }
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V): void {
  const l = m.get(k);
  if (l === undefined) m.set(k, [v]);
  else l.push(v);
}
