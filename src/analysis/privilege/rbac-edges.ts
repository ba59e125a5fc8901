// Attack steps that come from RBAC: what each identity's rights let it reach (pods, secrets, tokens, roles, nodes).
import type { Evidence } from '../../types.js';
import { ruleGrantsNames, isWildcardRule, type NameGrant } from './rbac-match.js';
import {
  allowanceEvidence,
  SYSTEM_MASTERS,
  parseServiceAccountUsername,
  type Grant,
  type UserInfo,
} from './rbac-index.js';
import type { AttackStep } from './attack-graph.js';
import type { GraphContext } from './graph-context.js';

/** Dangerous rights ktm probes every rule for. `cluster` rights count only through ClusterRoleBindings. */
const PROBES = [
  { cap: 'podCreate', verbs: ['create'], group: '', resource: 'pods' },
  { cap: 'podCreate', verbs: ['create'], group: '', resource: 'replicationcontrollers' },
  { cap: 'podCreate', verbs: ['create'], group: 'apps', resource: 'deployments' },
  { cap: 'podCreate', verbs: ['create'], group: 'apps', resource: 'replicasets' },
  { cap: 'podCreate', verbs: ['create'], group: 'apps', resource: 'statefulsets' },
  { cap: 'podCreate', verbs: ['create'], group: 'apps', resource: 'daemonsets' },
  { cap: 'podCreate', verbs: ['create'], group: 'batch', resource: 'jobs' },
  { cap: 'podCreate', verbs: ['create'], group: 'batch', resource: 'cronjobs' },
  // Exec and attach were authorized as `get` over WebSockets before 1.30's create check.
  { cap: 'podExec', verbs: ['create', 'get'], group: '', resource: 'pods', sub: 'exec' },
  { cap: 'podAttach', verbs: ['create', 'get'], group: '', resource: 'pods', sub: 'attach' },
  { cap: 'podPortForward', verbs: ['create', 'get'], group: '', resource: 'pods', sub: 'portforward' },
  { cap: 'podPatch', verbs: ['patch', 'update'], group: '', resource: 'pods' },
  { cap: 'secretsList', verbs: ['list', 'watch'], group: '', resource: 'secrets' },
  { cap: 'secretsGet', verbs: ['get'], group: '', resource: 'secrets' },
  { cap: 'tokenCreate', verbs: ['create'], group: '', resource: 'serviceaccounts', sub: 'token' },
  { cap: 'impersonateSAs', verbs: ['impersonate'], group: '', resource: 'serviceaccounts' },
  { cap: 'impersonateUsers', verbs: ['impersonate'], group: '', resource: 'users', cluster: true },
  { cap: 'impersonateGroups', verbs: ['impersonate'], group: '', resource: 'groups', cluster: true },
  {
    cap: 'createRoleBindings',
    verbs: ['create', 'update', 'patch'],
    group: 'rbac.authorization.k8s.io',
    resource: 'rolebindings',
  },
  {
    cap: 'createClusterRoleBindings',
    verbs: ['create', 'update', 'patch'],
    group: 'rbac.authorization.k8s.io',
    resource: 'clusterrolebindings',
    cluster: true,
  },
  // `bind` on clusterroles is checked in the RoleBinding's namespace, so a RoleBinding can grant it.
  { cap: 'bindClusterRoles', verbs: ['bind'], group: 'rbac.authorization.k8s.io', resource: 'clusterroles' },
  { cap: 'escalateRoles', verbs: ['escalate'], group: 'rbac.authorization.k8s.io', resource: 'roles' },
  { cap: 'modifyRoles', verbs: ['update', 'patch'], group: 'rbac.authorization.k8s.io', resource: 'roles' },
  {
    cap: 'escalateClusterRoles',
    verbs: ['escalate'],
    group: 'rbac.authorization.k8s.io',
    resource: 'clusterroles',
    cluster: true,
  },
  {
    cap: 'modifyClusterRoles',
    verbs: ['update', 'patch'],
    group: 'rbac.authorization.k8s.io',
    resource: 'clusterroles',
    cluster: true,
  },
  { cap: 'nodesProxy', verbs: ['get', 'create'], group: '', resource: 'nodes', sub: 'proxy', cluster: true },
  {
    cap: 'csrApproval',
    verbs: ['update', 'patch'],
    group: 'certificates.k8s.io',
    resource: 'certificatesigningrequests',
    sub: 'approval',
    cluster: true,
  },
  { cap: 'csrSigner', verbs: ['approve'], group: 'certificates.k8s.io', resource: 'signers', cluster: true },
  {
    cap: 'csrCreate',
    verbs: ['create'],
    group: 'certificates.k8s.io',
    resource: 'certificatesigningrequests',
    cluster: true,
  },
  {
    cap: 'webhookMutating',
    verbs: ['create', 'update', 'patch'],
    group: 'admissionregistration.k8s.io',
    resource: 'mutatingwebhookconfigurations',
    cluster: true,
  },
  {
    cap: 'webhookValidating',
    verbs: ['create', 'update', 'patch'],
    group: 'admissionregistration.k8s.io',
    resource: 'validatingwebhookconfigurations',
    cluster: true,
  },
  { cap: 'pvCreate', verbs: ['create'], group: '', resource: 'persistentvolumes', cluster: true },
  { cap: 'pvcCreate', verbs: ['create'], group: '', resource: 'persistentvolumeclaims' },
] as const;

export type CapName = (typeof PROBES)[number]['cap'];

export interface CapValue {
  all: boolean;
  names: Set<string>;
  evidence: Evidence[];
}

/** Capabilities per scope: a namespace, or `*` for cluster-wide (ClusterRoleBindings). */
export type Caps = Map<string, Map<CapName, CapValue>>;

const CLUSTER_SCOPE = '*';

function merge(into: CapValue | undefined, grant: NameGrant, ev: Evidence[]): CapValue {
  const v = into ?? { all: false, names: new Set<string>(), evidence: [] };
  if (grant.all) v.all = true;
  else for (const n of grant.names) v.names.add(n);
  if (v.evidence.length < 4) v.evidence.push(...ev);
  return v;
}

export function capsOf(grants: readonly Grant[]): Caps {
  const caps: Caps = new Map();
  for (const g of grants) {
    const scope = g.namespace ?? CLUSTER_SCOPE;
    for (const r of g.rules) {
      if (r.rule.resources.length === 0) continue;
      for (const p of PROBES) {
        if ('cluster' in p && p.cluster && scope !== CLUSTER_SCOPE) continue;
        let grant: NameGrant | undefined;
        for (const verb of p.verbs) {
          grant = ruleGrantsNames(r.rule, verb, p.group, p.resource, 'sub' in p ? p.sub : undefined);
          if (grant !== undefined) break;
        }
        if (grant === undefined) continue;
        let m = caps.get(scope);
        if (m === undefined) caps.set(scope, (m = new Map<CapName, CapValue>()));
        m.set(p.cap, merge(m.get(p.cap), grant, allowanceEvidence({ grant: g, rule: r })));
      }
    }
  }
  return caps;
}

function capIn(caps: Caps, scope: string, cap: CapName): CapValue | undefined {
  const here = caps.get(scope)?.get(cap);
  const cluster = scope === CLUSTER_SCOPE ? undefined : caps.get(CLUSTER_SCOPE)?.get(cap);
  if (here === undefined) return cluster;
  if (cluster === undefined) return here;
  return {
    all: here.all || cluster.all,
    names: new Set([...here.names, ...cluster.names]),
    evidence: [...here.evidence, ...cluster.evidence].slice(0, 6),
  };
}

/** Names of ClusterRoles that hold every right (`*` on `*`), after aggregation. */
function wildcardClusterRoles(ctx: GraphContext): Set<string> {
  const out = new Set<string>();
  for (const [name, rules] of ctx.rbac.clusterRoles)
    if (rules.some((r) => isWildcardRule(r.rule))) out.add(name);
  return out;
}

/** ClusterRoles that, bound in one namespace, give its pods or secrets. */
function namespacePowerClusterRoles(ctx: GraphContext): Set<string> {
  const out = new Set<string>();
  for (const [name, rules] of ctx.rbac.clusterRoles) {
    const caps = capsOf([
      {
        id: 0,
        namespace: 'x',
        binding: { kind: 'RoleBinding', name: '' },
        roleRef: { kind: 'ClusterRole', name },
        roleFound: true,
        rules,
        subjects: [],
      },
    ]);
    const m = caps.get('x');
    if (m?.get('podCreate')?.all || m?.get('secretsList')?.all || m?.get('podExec')?.all) out.add(name);
  }
  return out;
}

export interface RbacEdgeSink {
  edge(type: AttackStep, to: number, evidence: readonly Evidence[], control: string): void;
}

function controlFor(ev: readonly Evidence[], what: string): string {
  const binding = ev.find((e) => e.path === 'roleRef');
  const rule = ev.find((e) => e.path?.startsWith('rules[') === true);
  if (binding === undefined || rule === undefined) return `remove ${what}`;
  const b = `${binding.ref.kind} ${binding.ref.namespace ? `${binding.ref.namespace}/` : ''}${binding.ref.name}`;
  const r = `${rule.ref.kind} ${rule.ref.namespace ? `${rule.ref.namespace}/` : ''}${rule.ref.name} ${rule.path ?? ''}`;
  return `remove ${what} from ${r}, or the subject from ${b}`;
}

/** Lazily computed role sets shared by every identity. */
export class RbacEdgeDeriver {
  private wildcard: Set<string> | undefined;
  private nsPower: Set<string> | undefined;

  constructor(private readonly ctx: GraphContext) {}

  private adminRoles(): Set<string> {
    return (this.wildcard ??= wildcardClusterRoles(this.ctx));
  }

  private nsPowerRoles(): Set<string> {
    return (this.nsPower ??= namespacePowerClusterRoles(this.ctx));
  }

  /** Draw the edges the grants give one identity vertex. `ui` is used to find the identity's own bindings for escalate. */
  derive(from: number, grants: readonly Grant[], sink?: RbacEdgeSink): void {
    const ctx = this.ctx;
    const g = ctx.graph;
    const out: RbacEdgeSink = sink ?? {
      edge: (type, to, ev, control) => g.edge(type, from, to, ev, control),
    };
    const caps = capsOf(grants);
    if (caps.size === 0) return;
    const scopes = [...caps.keys()].sort();
    const nsOf = (scope: string): string | undefined => (scope === CLUSTER_SCOPE ? undefined : scope);
    const named = (
      v: CapValue,
      scope: string,
      kind: 'Pod' | 'Secret' | 'ServiceAccount',
      hub: () => number,
      type: AttackStep,
      what: string,
    ): void => {
      if (v.all) {
        out.edge(type, hub(), v.evidence, controlFor(v.evidence, what));
        return;
      }
      const namespaces = scope === CLUSTER_SCOPE ? ctx.namespaces : [scope];
      for (const name of [...v.names].sort())
        for (const ns of namespaces) {
          const id = ctx.graph.find({ kind, namespace: ns, name });
          if (id !== undefined || kind === 'ServiceAccount')
            out.edge(type, id ?? ctx.sa(ns, name), v.evidence, controlFor(v.evidence, what));
        }
    };
    for (const scope of scopes) {
      const m = caps.get(scope)!;
      const ns = nsOf(scope);
      const c = (k: CapName): CapValue | undefined => m.get(k);
      const pc = c('podCreate');
      if (pc?.all)
        out.edge(
          'POD_CREATE',
          ctx.newPodHub(ns),
          pc.evidence,
          controlFor(pc.evidence, 'create on pods and pod controllers'),
        );
      const exec = c('podExec');
      if (exec) named(exec, scope, 'Pod', () => ctx.podsHub(ns), 'POD_EXEC', 'pods/exec');
      const attach = c('podAttach');
      if (attach) named(attach, scope, 'Pod', () => ctx.podsHub(ns), 'POD_ATTACH', 'pods/attach');
      // pods/portforward tunnels through the kubelet to any port of the pod, past every NetworkPolicy.
      const pf = c('podPortForward');
      if (pf) named(pf, scope, 'Pod', () => ctx.podsHub(ns), 'POD_PORT_FORWARD', 'pods/portforward');
      const patch = c('podPatch');
      if (patch) named(patch, scope, 'Pod', () => ctx.podsHub(ns), 'POD_PATCH', 'patch/update on pods');
      const list = c('secretsList');
      if (list) named(list, scope, 'Secret', () => ctx.secretsHub(ns), 'TOKEN_LIST', 'list/watch on secrets');
      const get = c('secretsGet');
      if (get && !list?.all) {
        if (get.all)
          out.edge(
            'TOKEN_BRUTEFORCE',
            ctx.secretsHub(ns),
            get.evidence,
            controlFor(get.evidence, 'get on secrets'),
          );
        else named(get, scope, 'Secret', () => ctx.secretsHub(ns), 'TOKEN_LIST', 'get on the named secrets');
      }
      const tok = c('tokenCreate');
      if (tok)
        named(
          tok,
          scope,
          'ServiceAccount',
          () => ctx.serviceAccountsHub(ns),
          'TOKEN_CREATE',
          'create on serviceaccounts/token',
        );
      const impSa = c('impersonateSAs');
      if (impSa)
        named(
          impSa,
          scope,
          'ServiceAccount',
          () => ctx.serviceAccountsHub(ns),
          'IDENTITY_IMPERSONATE',
          'impersonate on serviceaccounts',
        );
      if (scope === CLUSTER_SCOPE) this.clusterEdges(m, grants, out);
    }
    this.bindingEdges(caps, scopes, grants, out);
  }

  private clusterEdges(m: Map<CapName, CapValue>, grants: readonly Grant[], out: RbacEdgeSink): void {
    const ctx = this.ctx;
    const c = (k: CapName): CapValue | undefined => m.get(k);
    const users = c('impersonateUsers');
    if (users) {
      if (users.all)
        out.edge(
          'IDENTITY_IMPERSONATE',
          ctx.usersHub(),
          users.evidence,
          controlFor(users.evidence, 'impersonate on users'),
        );
      else
        for (const u of [...users.names].sort())
          if (parseServiceAccountUsername(u) === undefined)
            out.edge(
              'IDENTITY_IMPERSONATE',
              ctx.v({ kind: 'User', name: u }),
              users.evidence,
              controlFor(users.evidence, 'impersonate on users'),
            );
    }
    const groups = c('impersonateGroups');
    if (groups) {
      if (groups.all)
        out.edge(
          'IDENTITY_IMPERSONATE',
          ctx.groupsHub(),
          groups.evidence,
          controlFor(groups.evidence, 'impersonate on groups'),
        );
      else
        for (const gname of [...groups.names].sort())
          out.edge(
            'IDENTITY_IMPERSONATE',
            ctx.v({ kind: 'Group', name: gname }),
            groups.evidence,
            controlFor(groups.evidence, 'impersonate on groups'),
          );
    }
    const proxy = c('nodesProxy');
    if (proxy) {
      const ctl = `${controlFor(proxy.evidence, 'nodes/proxy')} (the kubelet API runs commands in every pod on the node, bypassing admission and audit)`;
      if (proxy.all) out.edge('NODES_PROXY', ctx.kubeletHub(undefined), proxy.evidence, ctl);
      else
        for (const n of [...proxy.names].sort())
          out.edge('NODES_PROXY', ctx.kubeletHub(n), proxy.evidence, ctl);
    }
    const approval = c('csrApproval');
    const signer = c('csrSigner');
    const csrCreate = c('csrCreate');
    const signerOk =
      signer !== undefined &&
      (signer.all ||
        signer.names.has('kubernetes.io/kube-apiserver-client') ||
        signer.names.has('kubernetes.io/*'));
    if (approval && signerOk && csrCreate && signer) {
      const ev = [
        ...csrCreate.evidence.slice(0, 2),
        ...approval.evidence.slice(0, 2),
        ...signer.evidence.slice(0, 2),
      ];
      const ctl = controlFor(
        approval.evidence,
        'update on certificatesigningrequests/approval and approve on signers',
      );
      out.edge('CSR_APPROVE', ctx.usersHub(), ev, ctl);
      // CertificateSubjectRestriction rejects kube-apiserver-client CSRs for system:masters.
      const mastersBlocked = ctx.facts.certificateSubjectRestriction.value;
      for (const s of ctx.rbac.subjects())
        if (s.kind === 'Group' && !(mastersBlocked && s.name === SYSTEM_MASTERS))
          out.edge('CSR_APPROVE', ctx.v({ kind: 'Group', name: s.name }), ev, ctl);
      if (!mastersBlocked)
        out.edge(
          'CSR_APPROVE',
          ctx.v({ kind: 'Group', name: SYSTEM_MASTERS }),
          [...ev, ...ctx.facts.certificateSubjectRestriction.evidence],
          ctl,
        );
    }
    const mut = c('webhookMutating');
    if (mut)
      out.edge(
        'WEBHOOK_MODIFY',
        ctx.newPodHub(undefined),
        mut.evidence,
        `${controlFor(mut.evidence, 'write access to mutatingwebhookconfigurations')} (a mutating webhook rewrites every pod: image, service account, privileges)`,
      );
    const val = c('webhookValidating');
    if (val)
      out.edge(
        'WEBHOOK_MODIFY',
        ctx.secretsHub(undefined),
        val.evidence,
        `${controlFor(val.evidence, 'write access to validatingwebhookconfigurations')} (a validating webhook receives every object written, secrets included)`,
      );
    const pv = c('pvCreate');
    if (pv?.all) {
      // A hostPath PersistentVolume needs a namespace where the identity can also create claims and pods.
      const caps = capsOf(grants);
      const where = [...caps.keys()].find(
        (s) => capIn(caps, s, 'podCreate')?.all && capIn(caps, s, 'pvcCreate')?.all,
      );
      if (where !== undefined) {
        const ev = [
          ...pv.evidence.slice(0, 2),
          ...(capIn(caps, where, 'podCreate')?.evidence.slice(0, 2) ?? []),
        ];
        out.edge(
          'HOSTPATH_PV',
          ctx.anyNodeHub(),
          ev,
          `${controlFor(pv.evidence, 'create on persistentvolumes')} (Pod Security does not check PersistentVolumes, TOB-K8S-038)`,
        );
      }
    }
  }

  private bindingEdges(
    caps: Caps,
    scopes: readonly string[],
    grants: readonly Grant[],
    out: RbacEdgeSink,
  ): void {
    const ctx = this.ctx;
    const all = new Set(scopes);
    // ROLE_BIND, cluster-wide: create a ClusterRoleBinding to a ClusterRole holding every right.
    const crb = capIn(caps, CLUSTER_SCOPE, 'createClusterRoleBindings');
    const bindC = capIn(caps, CLUSTER_SCOPE, 'bindClusterRoles');
    const admin = this.adminRoles();
    if (crb && bindC && (bindC.all || [...bindC.names].some((n) => admin.has(n))))
      out.edge(
        'ROLE_BIND',
        ctx.clusterAdmin(),
        [...crb.evidence.slice(0, 2), ...bindC.evidence.slice(0, 2)],
        controlFor(bindC.evidence, '`bind` on clusterroles (and create on clusterrolebindings)'),
      );
    // ROLE_BIND in a namespace: a RoleBinding to a powerful ClusterRole (bind is checked in that namespace).
    const power = this.nsPowerRoles();
    for (const scope of all) {
      const rb = capIn(caps, scope, 'createRoleBindings');
      const bind = capIn(caps, scope, 'bindClusterRoles');
      if (!rb || !bind) continue;
      if (!(bind.all || [...bind.names].some((n) => power.has(n) || admin.has(n)))) continue;
      const ns = scope === CLUSTER_SCOPE ? undefined : scope;
      out.edge(
        'ROLE_BIND',
        ctx.namespaceAdminHub(ns),
        [...rb.evidence.slice(0, 2), ...bind.evidence.slice(0, 2)],
        controlFor(bind.evidence, '`bind` on clusterroles (and create on rolebindings)'),
      );
    }
    // ROLE_ESCALATE: `escalate` plus update on a role the identity is already bound to: add any rule to it.
    const escC = capIn(caps, CLUSTER_SCOPE, 'escalateClusterRoles');
    const modC = capIn(caps, CLUSTER_SCOPE, 'modifyClusterRoles');
    if (escC && modC) {
      const ev = [...escC.evidence.slice(0, 2), ...modC.evidence.slice(0, 2)];
      const ctl = controlFor(escC.evidence, '`escalate` on clusterroles');
      for (const gr of grants) {
        if (gr.roleRef.kind !== 'ClusterRole' || !(modC.all || modC.names.has(gr.roleRef.name))) continue;
        out.edge(
          'ROLE_ESCALATE',
          gr.namespace === undefined ? ctx.clusterAdmin() : ctx.namespaceAdminHub(gr.namespace),
          ev,
          ctl,
        );
      }
    }
    for (const gr of grants) {
      if (gr.roleRef.kind !== 'Role' || gr.namespace === undefined) continue;
      const esc = capIn(caps, gr.namespace, 'escalateRoles');
      const mod = capIn(caps, gr.namespace, 'modifyRoles');
      if (esc && mod && (mod.all || mod.names.has(gr.roleRef.name)))
        out.edge(
          'ROLE_ESCALATE',
          ctx.namespaceAdminHub(gr.namespace),
          [...esc.evidence.slice(0, 2), ...mod.evidence.slice(0, 2)],
          controlFor(esc.evidence, '`escalate` on roles'),
        );
    }
  }
}

/** The groups an identity belongs to that carry rights of their own (so membership is worth an edge). */
export function groupsWithGrants(ctx: GraphContext, ui: UserInfo): string[] {
  return ui.groups.filter(
    (gname) => gname === SYSTEM_MASTERS || ctx.rbac.grantsOf({ groups: [gname] }).length > 0,
  );
}
