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
  // Nothing dropped: keep the caller's list (builders share one list between edges and never change it).
  return out.length === evidence.length ? evidence : out.slice();
}

const TYPE_INDEX = new Map<EdgeType, number>(EDGE_TYPES.map((t, i) => [t, i]));

/** Above this out-degree a vertex keeps a map of its edges; below it, a scan is faster than hashing. */
const SCAN_LIMIT = 16;

function isEvidenceList(ev: Evidence | readonly Evidence[]): ev is readonly Evidence[] {
  return Array.isArray(ev);
}

function compactEvidence(ev: readonly Evidence[]): Evidence | readonly Evidence[] {
  return ev.length === 1 ? ev[0]! : ev;
}

/** An Int32Array that doubles when full (typed arrays cannot grow in place). */
function grown(a: Int32Array<ArrayBuffer>, need: number, fill: number): Int32Array<ArrayBuffer> {
  if (need <= a.length) return a;
  const b = new Int32Array(Math.max(need, a.length * 2));
  b.set(a);
  if (fill !== 0) b.fill(fill, a.length);
  return b;
}

/**
 * Vertices and edges with out- and in-adjacency, built once and then searched.
 *
 * Edges are stored as columns (struct of arrays) rather than one object each: at 150,000 pods the graph holds
 * about 1.3 million edges, and an object, an adjacency slot in two growable arrays per vertex and a copied
 * control string per edge cost more than the rest of the analysis. Type, ends and next-edge links are typed
 * arrays; control and assumption strings are interned ids; the evidence lists are references to arrays the
 * builder shares between edges (a pod's placement evidence, for one). Adjacency is an intrusive linked list
 * per vertex (head, tail and next-edge arrays), kept in insertion order so searches visit edges as before.
 * `edgeAt(id)` gives one edge as an `Edge` object; `edges`, `out` and `in` build the whole lists on each call
 * (kept for library users; the analyses use the accessors).
 */
export class AttackGraph {
  readonly vertices: Vertex[] = [];
  /**
   * Vertex ids by kind, namespace ('' for none) and name: three lookups on strings the inventory already holds
   * (their hashes cached) instead of one on a key built, flattened and hashed per call.
   */
  private readonly byKind = new Map<string, Map<string, Map<string, number>>>();
  /** For high out-degree vertices: `to * 64 + type` → edge id (small integers, so the map stays fast). */
  private readonly wideOut = new Map<number, Map<number, number>>();

  private count = 0;
  private types = new Uint8Array(1024);
  private froms = new Int32Array(1024);
  private tos = new Int32Array(1024);
  private controls = new Int32Array(1024);
  /** Interned assumption id, -1 for none. */
  private assumptions = new Int32Array(1024);
  private nextOuts = new Int32Array(1024);
  private nextIns = new Int32Array(1024);
  /** Per edge its evidence list, or the one item of a single-item list (most edges: no array kept for it). */
  private readonly evidences: (Evidence | readonly Evidence[])[] = [];
  /** Per vertex: first and last out- and in-edge (-1 for none) and out-degree. */
  private headOut = new Int32Array(1024).fill(-1);
  private tailOut = new Int32Array(1024).fill(-1);
  private headIn = new Int32Array(1024).fill(-1);
  private tailIn = new Int32Array(1024).fill(-1);
  private outDegrees = new Int32Array(1024);
  /** Controls and assumptions: a few hundred distinct strings across a million edges. */
  private readonly strings: string[] = [];
  private readonly stringIds = new Map<string, number>();

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
    this.vertices.push(
      ref.namespace !== undefined
        ? { id, kind: ref.kind, namespace: ref.namespace, name: ref.name, hub }
        : { id, kind: ref.kind, name: ref.name, hub },
    );
    const need = id + 1;
    if (need > this.headOut.length) {
      this.headOut = grown(this.headOut, need, -1);
      this.tailOut = grown(this.tailOut, need, -1);
      this.headIn = grown(this.headIn, need, -1);
      this.tailIn = grown(this.tailIn, need, -1);
      this.outDegrees = grown(this.outDegrees, need, 0);
    }
    names.set(ref.name, id);
    return id;
  }

  find(ref: VertexRef): number | undefined {
    return this.byKind
      .get(ref.kind)
      ?.get(ref.namespace ?? '')
      ?.get(ref.name);
  }

  private intern(s: string): number {
    let id = this.stringIds.get(s);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(s);
      this.stringIds.set(s, id);
    }
    return id;
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
      const ev = this.edgeEvidence(found);
      if (ev.length < MAX_EVIDENCE)
        this.evidences[found] = compactEvidence(dedupeEvidence([...ev, ...evidence]));
      return found;
    }
    const id = this.count++;
    if (id >= this.froms.length) {
      const n = Math.max(1024, this.froms.length * 2);
      const types = new Uint8Array(n);
      types.set(this.types);
      this.types = types;
      this.froms = grown(this.froms, n, 0);
      this.tos = grown(this.tos, n, 0);
      this.controls = grown(this.controls, n, 0);
      this.assumptions = grown(this.assumptions, n, 0);
      this.nextOuts = grown(this.nextOuts, n, 0);
      this.nextIns = grown(this.nextIns, n, 0);
    }
    const t = TYPE_INDEX.get(type)!;
    this.types[id] = t;
    this.froms[id] = from;
    this.tos[id] = to;
    this.controls[id] = this.intern(control);
    this.assumptions[id] = assumption === undefined ? -1 : this.intern(assumption);
    this.evidences.push(compactEvidence(dedupeEvidence(evidence)));
    this.nextOuts[id] = -1;
    this.nextIns[id] = -1;
    if (this.tailOut[from] === -1) this.headOut[from] = id;
    else this.nextOuts[this.tailOut[from]!] = id;
    this.tailOut[from] = id;
    if (this.tailIn[to] === -1) this.headIn[to] = id;
    else this.nextIns[this.tailIn[to]!] = id;
    this.tailIn[to] = id;
    const degree = ++this.outDegrees[from]!;
    const tkey = to * 64 + t;
    const wide = this.wideOut.get(from);
    if (wide !== undefined) wide.set(tkey, id);
    else if (degree > SCAN_LIMIT) {
      const m = new Map<number, number>();
      for (let e = this.headOut[from]!; e !== -1; e = this.nextOuts[e]!)
        m.set(this.tos[e]! * 64 + this.types[e]!, e);
      this.wideOut.set(from, m);
    }
    return id;
  }

  /**
   * Building is done: drop the duplicate-edge index and the spare capacity of the columns (up to half of them).
   * Edges may still be added afterwards; the index is rebuilt as vertices grow.
   */
  seal(): void {
    this.wideOut.clear();
    const n = this.count;
    this.types = this.types.slice(0, n);
    this.froms = this.froms.slice(0, n);
    this.tos = this.tos.slice(0, n);
    this.controls = this.controls.slice(0, n);
    this.assumptions = this.assumptions.slice(0, n);
    this.nextOuts = this.nextOuts.slice(0, n);
    this.nextIns = this.nextIns.slice(0, n);
    const v = this.vertices.length;
    this.headOut = this.headOut.slice(0, v);
    this.tailOut = this.tailOut.slice(0, v);
    this.headIn = this.headIn.slice(0, v);
    this.tailIn = this.tailIn.slice(0, v);
    this.outDegrees = this.outDegrees.slice(0, v);
  }

  hasEdge(type: EdgeType, from: number, to: number): boolean {
    return this.findEdge(type, from, to) !== undefined;
  }

  private findEdge(type: EdgeType, from: number, to: number): number | undefined {
    const t = TYPE_INDEX.get(type)!;
    const wide = this.wideOut.get(from);
    if (wide !== undefined) return wide.get(to * 64 + t);
    for (let e = this.headOut[from]!; e !== -1; e = this.nextOuts[e]!)
      if (this.tos[e] === to && this.types[e] === t) return e;
    return undefined;
  }

  /** Number of edges; ids run from 0 to edgeCount - 1. */
  get edgeCount(): number {
    return this.count;
  }

  edgeType(id: number): EdgeType {
    return EDGE_TYPES[this.types[id]!]!;
  }

  edgeFrom(id: number): number {
    return this.froms[id]!;
  }

  edgeTo(id: number): number {
    return this.tos[id]!;
  }

  /** The edge's evidence (a single item is stored without its list: the list is built on each call). */
  edgeEvidence(id: number): readonly Evidence[] {
    const ev = this.evidences[id]!;
    return isEvidenceList(ev) ? ev : [ev];
  }

  edgeControl(id: number): string {
    return this.strings[this.controls[id]!]!;
  }

  edgeAssumption(id: number): string | undefined {
    const a = this.assumptions[id]!;
    return a === -1 ? undefined : this.strings[a];
  }

  /** One edge as an object (built on each call). */
  edgeAt(id: number): Edge {
    const assumption = this.edgeAssumption(id);
    return {
      id,
      type: this.edgeType(id),
      from: this.froms[id]!,
      to: this.tos[id]!,
      evidence: this.edgeEvidence(id),
      control: this.edgeControl(id),
      ...(assumption !== undefined ? { assumption } : {}),
    };
  }

  /** First out-edge of a vertex, -1 for none; then `nextOut(edge)` until -1 (insertion order). */
  firstOut(v: number): number {
    return this.headOut[v]!;
  }

  nextOut(edge: number): number {
    return this.nextOuts[edge]!;
  }

  /** First in-edge of a vertex, -1 for none; then `nextIn(edge)` until -1 (insertion order). */
  firstIn(v: number): number {
    return this.headIn[v]!;
  }

  nextIn(edge: number): number {
    return this.nextIns[edge]!;
  }

  outDegree(v: number): number {
    return this.outDegrees[v]!;
  }

  /** Out-edge ids of one vertex. */
  outEdges(v: number): number[] {
    const ids: number[] = [];
    for (let e = this.headOut[v]!; e !== -1; e = this.nextOuts[e]!) ids.push(e);
    return ids;
  }

  /** In-edge ids of one vertex. */
  inEdges(v: number): number[] {
    const ids: number[] = [];
    for (let e = this.headIn[v]!; e !== -1; e = this.nextIns[e]!) ids.push(e);
    return ids;
  }

  /** Every edge as an object, built on each call: for small graphs and library users; analyses use edgeAt. */
  get edges(): readonly Edge[] {
    const out: Edge[] = [];
    for (let id = 0; id < this.count; id++) out.push(this.edgeAt(id));
    return out;
  }

  /** Out-edge ids per vertex, built on each call (see outEdges). */
  get out(): readonly (readonly number[])[] {
    return this.vertices.map((v) => this.outEdges(v.id));
  }

  /** In-edge ids per vertex, built on each call (see inEdges). */
  get in(): readonly (readonly number[])[] {
    return this.vertices.map((v) => this.inEdges(v.id));
  }
}
