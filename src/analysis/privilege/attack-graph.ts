// The privilege graph's data: vertices (identities, pods, containers, nodes, secrets, volumes, zones, hubs) and attack-step edges.
import { AUDIT_ZONES, type AuditZone, type Evidence } from '../../types.js';

/** Attack steps named as KubeHound names them (https://kubehound.io/reference/attacks/). */
export const KUBEHOUND_EDGE_TYPES = [
  'CE_PRIV_MOUNT',
  'CE_NSENTER',
  'CE_SYS_PTRACE',
  'CE_MODULE_LOAD',
  'CE_UMH_CORE_PATTERN',
  'CE_VAR_LOG_SYMLINK',
  'EXPLOIT_HOST_READ',
  'EXPLOIT_HOST_WRITE',
  'EXPLOIT_HOST_TRAVERSE',
  'EXPLOIT_CONTAINERD_SOCK',
  'SHARE_PS_NAMESPACE',
  'TOKEN_STEAL',
  'TOKEN_LIST',
  'TOKEN_BRUTEFORCE',
  'POD_CREATE',
  'POD_PATCH',
  'POD_EXEC',
  'POD_ATTACH',
  'CONTAINER_ATTACH',
  'ROLE_BIND',
  'IDENTITY_ASSUME',
  'IDENTITY_IMPERSONATE',
  'PERMISSION_DISCOVER',
  'ENDPOINT_EXPLOIT',
  'VOLUME_ACCESS',
  'VOLUME_DISCOVER',
] as const;

/** Steps KubeHound lacks, named in the same style (documented in docs/attack-graph.md). */
export const KTM_EDGE_TYPES = [
  'NODES_PROXY',
  'TOKEN_CREATE',
  'CSR_APPROVE',
  'ROLE_ESCALATE',
  'WEBHOOK_MODIFY',
  'CLOUD_METADATA_CREDS',
  'HOSTPATH_PV',
  'POD_PORT_FORWARD',
] as const;

/** Not an attack step: from a hub ("every pod of namespace X") to one of its members. Collapsed in paths. */
export const EXPAND = 'EXPAND' as const;

export const EDGE_TYPES = [...KUBEHOUND_EDGE_TYPES, ...KTM_EDGE_TYPES, EXPAND] as const;
export type EdgeType = (typeof EDGE_TYPES)[number];
export type AttackStep = Exclude<EdgeType, typeof EXPAND>;

/** Top-level trust zones of the 2019 audit. */
export const ZONES = AUDIT_ZONES;
export type ZoneName = AuditZone;

/**
 * Vertex kinds. Real objects: ServiceAccount, User, Group, Pod, Container (namespace = pod's, name = pod/container),
 * Node (the host, root on it), Secret, Volume (name = pod/volume), Zone. Hubs (name `*`, documented): Pod/NS/*
 * every pod of NS; Secret/NS/*; ServiceAccount/NS/*; Namespace/NS = "a pod of the attacker's choosing in NS";
 * Node/* = "any node"; Kubelet/NODE = the kubelet API of NODE; PermissionSet/cluster-admin and
 * PermissionSet/NS/namespace-admin = holding those rights; CloudIdentity/NODE = the node's cloud credentials.
 */
export const VERTEX_KINDS = [
  'ServiceAccount',
  'User',
  'Group',
  'Pod',
  'Container',
  'Node',
  'Secret',
  'Volume',
  'Zone',
  'Namespace',
  'Kubelet',
  'PermissionSet',
  'CloudIdentity',
] as const;
export type VertexKind = (typeof VERTEX_KINDS)[number];

export interface VertexRef {
  readonly kind: VertexKind;
  readonly namespace?: string;
  readonly name: string;
}

export interface Vertex extends VertexRef {
  readonly id: number;
  /** A hub stands for a set of vertices (name `*`, or Namespace/PermissionSet/Kubelet/Zone stand-ins). */
  readonly hub: boolean;
}

export interface Edge {
  readonly id: number;
  readonly type: EdgeType;
  readonly from: number;
  readonly to: number;
  /** The binding and rule, the pod field, the setting: why the step is possible. */
  readonly evidence: readonly Evidence[];
  /** What would cut this step. */
  readonly control: string;
  /** Set when the step rests on an assumption ktm could not verify (e.g. egress to the metadata service). */
  readonly assumption?: string;
}

/** A control that says no control cuts its step (`none: control of a pod is control of its containers`). */
export const NO_CONTROL = 'none:';

/** Whether a step's control is something a team can do: an issue is never filed for a step nothing cuts. */
export function isCuttable(control: string): boolean {
  return !control.startsWith(NO_CONTROL);
}

export function vertexLabel(v: VertexRef): string {
  return v.namespace === undefined ? `${v.kind}/${v.name}` : `${v.kind}/${v.namespace}/${v.name}`;
}

const MAX_EVIDENCE = 6;

/** The same binding or rule cited twice (two rights from one rule) is shown once. */
export function dedupeEvidence(evidence: readonly Evidence[]): readonly Evidence[] {
  if (evidence.length <= 1) return evidence;
  const seen = new Set<string>();
  const out: Evidence[] = [];
  for (const e of evidence) {
    const k = `${e.ref.kind}\u0000${e.ref.namespace ?? ''}\u0000${e.ref.name}\u0000${e.path ?? ''}\u0000${e.value ?? ''}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(e);
    if (out.length >= MAX_EVIDENCE) break;
  }
  return out;
}

const TYPE_INDEX = new Map<EdgeType, number>(EDGE_TYPES.map((t, i) => [t, i]));

/** Above this out-degree a vertex keeps a map of its edges; below it, a scan is faster than hashing. */
const SCAN_LIMIT = 16;

/** Vertices and edges with out- and in-adjacency, built once and then searched. */
export class AttackGraph {
  readonly vertices: Vertex[] = [];
  readonly edges: Edge[] = [];
  readonly out: number[][] = [];
  readonly in: number[][] = [];
  /**
   * Vertex ids by kind, namespace ('' for none) and name: three lookups on strings the inventory already holds
   * (their hashes cached) instead of one on a key built, flattened and hashed per call.
   */
  private readonly byKind = new Map<string, Map<string, Map<string, number>>>();
  /** For high out-degree vertices: `to * 64 + type` → edge id (small integers, so the map stays fast). */
  private readonly wideOut = new Map<number, Map<number, number>>();

  private namesOf(kind: string, namespace: string | undefined): Map<string, number> {
    let byNs = this.byKind.get(kind);
    if (byNs === undefined) this.byKind.set(kind, (byNs = new Map<string, Map<string, number>>()));
    const ns = namespace ?? '';
    let names = byNs.get(ns);
    if (names === undefined) byNs.set(ns, (names = new Map<string, number>()));
    return names;
  }

  vertex(ref: VertexRef, hub = false): number {
    const names = this.namesOf(ref.kind, ref.namespace);
    const found = names.get(ref.name);
    if (found !== undefined) return found;
    const id = this.vertices.length;
    this.vertices.push({
      id,
      kind: ref.kind,
      ...(ref.namespace !== undefined ? { namespace: ref.namespace } : {}),
      name: ref.name,
      hub,
    });
    this.out.push([]);
    this.in.push([]);
    names.set(ref.name, id);
    return id;
  }

  find(ref: VertexRef): number | undefined {
    return this.byKind
      .get(ref.kind)
      ?.get(ref.namespace ?? '')
      ?.get(ref.name);
  }

  /** Add an edge; a second edge of the same type between the same vertices adds its evidence to the first. */
  edge(
    type: EdgeType,
    from: number,
    to: number,
    evidence: readonly Evidence[],
    control: string,
    assumption?: string,
  ): number {
    if (from === to) return -1;
    const found = this.findEdge(type, from, to);
    if (found !== undefined) {
      const e = this.edges[found]!;
      if (e.evidence.length < MAX_EVIDENCE)
        this.edges[found] = { ...e, evidence: dedupeEvidence([...e.evidence, ...evidence]) };
      return found;
    }
    const id = this.edges.length;
    this.edges.push({
      id,
      type,
      from,
      to,
      evidence: dedupeEvidence(evidence),
      control,
      ...(assumption !== undefined ? { assumption } : {}),
    });
    const out = this.out[from]!;
    out.push(id);
    this.in[to]!.push(id);
    const tkey = to * 64 + TYPE_INDEX.get(type)!;
    const wide = this.wideOut.get(from);
    if (wide !== undefined) wide.set(tkey, id);
    else if (out.length > SCAN_LIMIT) {
      const m = new Map<number, number>();
      for (const eid of out) {
        const e = this.edges[eid]!;
        m.set(e.to * 64 + TYPE_INDEX.get(e.type)!, eid);
      }
      this.wideOut.set(from, m);
    }
    return id;
  }

  hasEdge(type: EdgeType, from: number, to: number): boolean {
    return this.findEdge(type, from, to) !== undefined;
  }

  private findEdge(type: EdgeType, from: number, to: number): number | undefined {
    const wide = this.wideOut.get(from);
    if (wide !== undefined) return wide.get(to * 64 + TYPE_INDEX.get(type)!);
    for (const eid of this.out[from]!) {
      const e = this.edges[eid]!;
      if (e.to === to && e.type === type) return eid;
    }
    return undefined;
  }
}
