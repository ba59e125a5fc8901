// Builds the privilege graph from an inventory: workload and node steps, RBAC steps, hubs, entry points and crown jewels.
import { plural } from '../../text/plural.js';
import type { Inventory } from '../../collect/inventory.js';
import type { Evidence } from '../../types.js';
import type { AttackGraph } from './attack-graph.js';
import { type VertexRef } from './attack-graph.js';
import { GraphContext, SYSTEM_NAMESPACES, type ClusterFacts, type GraphNetwork } from './graph-context.js';
import {
  AUTHENTICATED,
  buildRbacIndex,
  SYSTEM_MASTERS,
  UNAUTHENTICATED,
  userInfoOf,
  type RbacIndex,
  type Subject,
} from './rbac-index.js';
import { groupsWithGrants, RbacEdgeDeriver } from './rbac-edges.js';
import { addExposureEdges, addNodeEdges, addPodEdges, tokenVolumes } from './workload-edges.js';

export const JEWEL_CLASSES = [
  'cluster-admin',
  'etcd-data',
  'control-plane-node',
  'kube-system-credentials',
] as const;
export type JewelClass = (typeof JEWEL_CLASSES)[number];

export type EntryKind = 'internet' | 'pod' | 'identity';

export interface EntryPoint {
  readonly vertex: number;
  readonly kind: EntryKind;
}

export interface PrivilegeGraph {
  readonly graph: AttackGraph;
  readonly rbac: RbacIndex;
  readonly facts: ClusterFacts;
  readonly jewels: ReadonlyMap<JewelClass, readonly number[]>;
  readonly entries: readonly EntryPoint[];
  /** What the graph assumed or could not see: shown with every report. */
  readonly limits: readonly string[];
}

export interface BuildOptions {
  /** Reuse an index already built (other analyses share it). */
  readonly rbac?: RbacIndex;
  /** Reuse the network analyses (the metadata-service check asks reachability). */
  readonly network?: GraphNetwork;
}

const PSA_ENFORCE = 'pod-security.kubernetes.io/enforce';

/** Build the privilege graph. Linear in pods, bindings and namespaces (hubs stand for "every X of a namespace"). */
export function buildPrivilegeGraph(inventory: Inventory, options: BuildOptions = {}): PrivilegeGraph {
  const rbac = options.rbac ?? buildRbacIndex(inventory);
  const ctx = new GraphContext(inventory, rbac, options.network);
  const g = ctx.graph;
  const limits: string[] = [];

  // Workloads: token volumes first (hostPath traversal links to other pods' tokens), then every pod's steps.
  const tokens = new Map(ctx.pods.map((pod) => [pod, tokenVolumes(ctx, pod)] as const));
  for (const [pod, t] of tokens) ctx.tokenVols.set(pod, t);
  for (const [pod, t] of tokens) addPodEdges(ctx, pod, t);
  addNodeEdges(ctx);
  addExposureEdges(ctx);

  // A legacy service-account token Secret is that account's credential.
  for (const [ns, secrets] of ctx.secretsByNs)
    for (const sec of secrets)
      if (sec.serviceAccount !== undefined)
        g.edge(
          'IDENTITY_ASSUME',
          g.vertex({ kind: 'Secret', namespace: ns, name: sec.name }),
          ctx.sa(ns, sec.serviceAccount),
          [
            {
              ref: sec.ref,
              path: 'metadata.annotations["kubernetes.io/service-account.name"]',
              value: sec.serviceAccount,
            },
          ],
          'delete legacy service-account token Secrets; use short-lived projected tokens (TokenRequest)',
        );

  // Identities and their RBAC steps.
  const deriver = new RbacEdgeDeriver(ctx);
  const identities: Subject[] = [];
  const seen = new Set<string>();
  const addIdentity = (s: Subject): void => {
    const k = s.kind === 'ServiceAccount' ? `sa:${s.namespace}/${s.name}` : `${s.kind}:${s.name}`;
    if (seen.has(k)) return;
    seen.add(k);
    identities.push(s);
  };
  for (const ns of [...ctx.serviceAccounts.keys()].sort())
    for (const name of [...ctx.serviceAccounts.get(ns)!].sort())
      addIdentity({ kind: 'ServiceAccount', namespace: ns, name });
  for (const s of rbac.subjects()) addIdentity(s);
  for (const n of ctx.nodes) addIdentity({ kind: 'User', name: `system:node:${n}` });
  addIdentity({ kind: 'Group', name: SYSTEM_MASTERS });
  const admin = ctx.clusterAdmin();
  // Groups first: an identity's own steps are drawn only where its groups do not already draw them.
  const ordered = [
    ...identities.filter((s) => s.kind === 'Group'),
    ...identities.filter((s) => s.kind !== 'Group'),
  ];
  for (const s of ordered) {
    const id = g.vertex(
      s.kind === 'ServiceAccount'
        ? { kind: s.kind, namespace: s.namespace, name: s.name }
        : { kind: s.kind, name: s.name },
    );
    const ui = userInfoOf(s);
    const own = s.kind === 'Group' ? { groups: ui.groups } : { name: ui.name!, groups: [] };
    const adminEv = rbac.clusterAdminEvidence(own);
    const groups = s.kind === 'Group' ? [] : groupsWithGrants(ctx, { groups: ui.groups });
    const groupIds = groups.map((group) => g.vertex({ kind: 'Group', name: group }));
    // A cluster-admin-equivalent identity is a crown jewel itself; its lesser steps add nothing.
    if (adminEv !== undefined)
      g.edge(
        'PERMISSION_DISCOVER',
        id,
        admin,
        adminEv,
        'remove the cluster-wide binding to a role holding every right',
      );
    else if (groupIds.length === 0) deriver.derive(id, rbac.grantsOf(own));
    else if (rbac.grantsOf(own).length > 0 || groupIds.length > 1)
      // Rights combine across the identity's own bindings and its groups' (create rolebindings from one,
      // bind from another), so derive from all of them and keep what no group already gives.
      deriver.derive(id, rbac.grantsOf(ui), {
        edge: (type, to, ev, control) => {
          if (!groupIds.some((gid) => g.hasEdge(type, gid, to))) g.edge(type, id, to, ev, control);
        },
      });
    groups.forEach((group, i) => {
      const ev: Evidence[] = [
        { ref: { kind: 'Group', name: group }, value: `${ui.name ?? ''} is a member of ${group}` },
      ];
      g.edge(
        'PERMISSION_DISCOVER',
        id,
        groupIds[i]!,
        ev,
        group === AUTHENTICATED
          ? `remove the bindings that grant rights to ${group} (every authenticated identity holds them)`
          : `remove the bindings that grant rights to ${group}`,
      );
    });
  }
  // Anonymous requests: the Internet is system:anonymous when anonymous auth is on and the API server is reachable.
  const anonymousBound = rbac
    .subjects()
    .some(
      (s) =>
        (s.kind === 'User' && s.name === 'system:anonymous') ||
        (s.kind === 'Group' && s.name === UNAUTHENTICATED),
    );
  if (anonymousBound && ctx.facts.anonymousAuth.value) {
    const anon = g.vertex({ kind: 'User', name: 'system:anonymous' });
    g.edge(
      'IDENTITY_ASSUME',
      ctx.zone('Internet'),
      anon,
      [
        ...ctx.facts.anonymousAuth.evidence,
        { ref: { kind: 'Group', name: UNAUTHENTICATED }, value: 'bound by RBAC' },
      ],
      'set --anonymous-auth=false on kube-apiserver, or remove the bindings to system:anonymous / system:unauthenticated',
      ctx.facts.anonymousAuth.known
        ? 'the API server is reachable from the Internet'
        : `anonymous auth assumed on (${ctx.facts.anonymousAuth.note}); the API server is reachable from the Internet`,
    );
    if (rbac.grantsOf({ groups: [UNAUTHENTICATED] }).length > 0)
      g.edge(
        'PERMISSION_DISCOVER',
        anon,
        g.vertex({ kind: 'Group', name: UNAUTHENTICATED }),
        [{ ref: { kind: 'Group', name: UNAUTHENTICATED }, value: 'anonymous requests carry this group' }],
        `remove the bindings that grant rights to ${UNAUTHENTICATED}`,
      );
  }
  g.edge(
    'PERMISSION_DISCOVER',
    g.vertex({ kind: 'Group', name: SYSTEM_MASTERS }),
    admin,
    [{ ref: { kind: 'Group', name: SYSTEM_MASTERS }, value: 'system:masters bypasses authorization' }],
    'issue no credentials in system:masters; use a break-glass process',
  );

  // Cluster-admin can do everything; these edges keep reachability monotonic (an identity that becomes
  // cluster-admin still reaches every pod, secret and service account).
  const adminEv: Evidence[] = [
    { ref: { kind: 'ClusterRole', name: 'cluster-admin' }, value: 'every verb on every resource' },
  ];
  const adminCut = 'remove the path to cluster-admin rights';
  g.edge('POD_CREATE', admin, ctx.newPodHub(undefined), adminEv, adminCut);
  g.edge('TOKEN_LIST', admin, ctx.secretsHub(undefined), adminEv, adminCut);
  g.edge('POD_EXEC', admin, ctx.podsHub(undefined), adminEv, adminCut);
  g.edge('TOKEN_CREATE', admin, ctx.serviceAccountsHub(undefined), adminEv, adminCut);
  // Even where Pod Security restricts every namespace, cluster-admin relabels a namespace and runs a privileged pod.
  g.edge('POD_CREATE', admin, ctx.anyNodeHub(), adminEv, adminCut);
  g.edge('NODES_PROXY', admin, ctx.kubeletHub(undefined), adminEv, adminCut);
  g.edge('IDENTITY_IMPERSONATE', admin, ctx.usersHub(), adminEv, adminCut);
  g.edge('IDENTITY_IMPERSONATE', admin, ctx.groupsHub(), adminEv, adminCut);
  g.edge('ROLE_BIND', admin, ctx.namespaceAdminHub(undefined), adminEv, adminCut);

  expandDeferredHubs(ctx);

  // Crown jewels.
  const jewels = new Map<JewelClass, number[]>();
  jewels.set('cluster-admin', [admin]);
  const md = g.find({ kind: 'Zone', name: 'Master Data' });
  jewels.set('etcd-data', md === undefined ? [] : [md]);
  jewels.set(
    'control-plane-node',
    [...ctx.controlPlaneNodes].sort().map((n) => g.vertex({ kind: 'Node', name: n })),
  );
  const ks: number[] = [];
  for (const v of g.vertices)
    if (!v.hub && v.namespace === 'kube-system' && (v.kind === 'ServiceAccount' || v.kind === 'Secret'))
      ks.push(v.id);
  jewels.set('kube-system-credentials', ks);

  // Entry points.
  const entries: EntryPoint[] = [];
  const internet = g.find({ kind: 'Zone', name: 'Internet' });
  if (internet !== undefined && g.outDegree(internet) > 0)
    entries.push({ vertex: internet, kind: 'internet' });
  const owners = new Set<string>();
  for (const pod of ctx.pods) {
    // A control-plane component's own pod is already inside the zone the jewels live in.
    if (pod.controlPlane !== undefined) continue;
    const owner = pod.object.metadata.ownerReferences?.find((o) => o.controller === true);
    const key =
      owner === undefined
        ? `pod:${pod.namespace}/${pod.name}`
        : `${owner.kind}:${pod.namespace}/${owner.name}`;
    if (owners.has(key)) continue;
    owners.add(key);
    const id = g.find({ kind: 'Pod', namespace: pod.namespace, name: pod.name });
    if (id !== undefined) entries.push({ vertex: id, kind: 'pod' });
  }
  for (const v of g.vertices) {
    if (v.hub) continue;
    if (v.kind === 'ServiceAccount' && v.namespace !== undefined && !SYSTEM_NAMESPACES.has(v.namespace))
      entries.push({ vertex: v.id, kind: 'identity' });
    else if (
      (v.kind === 'User' && !v.name.startsWith('system:')) ||
      (v.kind === 'Group' && v.name !== SYSTEM_MASTERS && !v.name.startsWith('system:node'))
    )
      entries.push({ vertex: v.id, kind: 'identity' });
  }

  const f = ctx.facts;
  if (!f.nodeRestriction.known)
    limits.push(
      `NodeRestriction admission not verified (${f.nodeRestriction.note}); a kubelet without it could create pods anywhere, not drawn`,
    );
  if (!f.nodeAuthorizer.known) limits.push(`Node authorizer assumed on (${f.nodeAuthorizer.note})`);
  if (!f.podSecurityAdmission.known)
    limits.push(`PodSecurity admission assumed on (${f.podSecurityAdmission.note})`);
  if (f.cloud !== undefined)
    limits.push(
      'CLOUD_METADATA_CREDS: egress NetworkPolicy is applied as the detected network plugin enforces it; IMDS hop limits and metadata concealment are not visible',
    );

  limits.push(
    'admission webhooks and policy engines (Kyverno, Gatekeeper) that could reject privileged pods are not evaluated: POD_CREATE assumes only Pod Security labels restrict pods',
  );
  if (rbac.diagnostics.length > 0)
    limits.push(
      `${plural(rbac.diagnostics.length, 'RBAC problem')}, e.g. bindings to roles that do not exist: see diagnostics`,
    );
  g.seal();
  return { graph: g, rbac, facts: ctx.facts, jewels, entries, limits };
}

function expandDeferredHubs(ctx: GraphContext): void {
  const g = ctx.graph;
  let progress = true;
  while (progress) {
    progress = false;
    while (ctx.pendingNamespaces.length > 0) {
      progress = true;
      const ns = ctx.pendingNamespaces.shift()!;
      const hub = ctx.newPodHub(ns);
      const nsRef = { kind: 'Namespace', name: ns };
      g.edge(
        'IDENTITY_ASSUME',
        hub,
        ctx.serviceAccountsHub(ns),
        [
          {
            ref: nsRef,
            value: 'a new pod may name any service account of its namespace (spec.serviceAccountName)',
          },
        ],
        'none inside the namespace: restrict who may create pods there, keep powerful service accounts in their own namespace',
      );
      const item = ctx.namespaceObjects.get(ns);
      const level = item?.object.metadata.labels?.[PSA_ENFORCE];
      const enforced =
        (level === 'baseline' || level === 'restricted') && ctx.facts.podSecurityAdmission.value;
      if (!enforced) {
        const ev: Evidence[] = [
          item !== undefined
            ? {
                ref: nsRef,
                path: `metadata.labels["${PSA_ENFORCE}"]`,
                value: level ?? 'unset (privileged)',
                source: item.source,
              }
            : {
                ref: nsRef,
                value: 'namespace object not seen: Pod Security level unknown, assumed privileged',
              },
          ...(level !== undefined && !ctx.facts.podSecurityAdmission.value
            ? ctx.facts.podSecurityAdmission.evidence
            : []),
        ];
        g.edge(
          'POD_CREATE',
          hub,
          ctx.anyNodeHub(),
          ev,
          `label namespace ${ns} pod-security.kubernetes.io/enforce=baseline (or restricted): privileged, hostPID and hostPath pods are then rejected`,
        );
      }
    }
    while (ctx.pendingKubelets.length > 0) {
      progress = true;
      const node = ctx.pendingKubelets.shift()!;
      const k = ctx.kubeletHub(node);
      for (const p of ctx.podsByNode.get(node) ?? [])
        g.edge(
          'POD_EXEC',
          k,
          g.vertex({ kind: 'Pod', namespace: p.namespace, name: p.name }),
          // p is bound to node: its placement evidence is its spec.nodeName, shared with its node's other steps.
          ctx.placementOf(p).evidenceLists[0]!,
          'restrict nodes/proxy; the kubelet API runs commands in any pod of its node without admission or audit',
        );
    }
    while (ctx.pendingNsAdmins.length > 0) {
      progress = true;
      const ns = ctx.pendingNsAdmins.shift()!;
      const a = ctx.namespaceAdminHub(ns);
      const ev: Evidence[] = [
        {
          ref: { kind: 'Namespace', name: ns },
          value: 'a binding to a powerful ClusterRole in this namespace',
        },
      ];
      g.edge('POD_CREATE', a, ctx.newPodHub(ns), ev, 'remove the binding rights that lead here');
      g.edge('TOKEN_LIST', a, ctx.secretsHub(ns), ev, 'remove the binding rights that lead here');
      g.edge('POD_EXEC', a, ctx.podsHub(ns), ev, 'remove the binding rights that lead here');
      g.edge('TOKEN_CREATE', a, ctx.serviceAccountsHub(ns), ev, 'remove the binding rights that lead here');
    }
  }
  if (ctx.pendingUsersHub) {
    const hub = ctx.usersHub();
    for (const v of [...g.vertices])
      if (v.kind === 'User' && !v.hub) ctx.expand(hub, v.id, 'any user name', { kind: 'User', name: v.name });
  }
  if (ctx.pendingGroupsHub) {
    const hub = ctx.groupsHub();
    for (const v of [...g.vertices])
      if (v.kind === 'Group' && !v.hub)
        ctx.expand(hub, v.id, 'any group name', { kind: 'Group', name: v.name });
  }
}

export function refOfVertex(pg: PrivilegeGraph, id: number): VertexRef {
  const v = pg.graph.vertices[id]!;
  return v.namespace === undefined
    ? { kind: v.kind, name: v.name }
    : { kind: v.kind, namespace: v.namespace, name: v.name };
}
