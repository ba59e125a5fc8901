// One scenario per attack step, read from manifests: the step appears where it should and nowhere else.
import { describe, expect, it } from 'vitest';
import { findAttackPaths, resolveSelector } from '../../../src/analysis/privilege/attack-paths.js';
import { buildPrivilegeGraph } from '../../../src/analysis/privilege/build-graph.js';
import { edgeStrings, graphOf, hasEdge, inventoryOf, k, reaches } from './helpers.js';

describe('container escapes', () => {
  it('privileged: CE_PRIV_MOUNT and CE_MODULE_LOAD, no CE_NSENTER without hostPID', async () => {
    const pg = await graphOf('edges/ce-priv-mount.yaml');
    expect(hasEdge(pg, 'CE_PRIV_MOUNT', 'Container/app/priv/c', 'Node/n1')).toBe(true);
    expect(hasEdge(pg, 'CE_MODULE_LOAD', 'Container/app/priv/c', 'Node/n1')).toBe(true);
    expect(edgeStrings(pg, 'CE_NSENTER')).toEqual([]);
  });
  it('privileged + hostPID: CE_NSENTER', async () => {
    const pg = await graphOf('edges/ce-nsenter.yaml');
    expect(hasEdge(pg, 'CE_NSENTER', 'Container/app/nsenter/c', 'Node/n1')).toBe(true);
  });
  it('hostPID + SYS_PTRACE + SYS_ADMIN: CE_SYS_PTRACE only', async () => {
    const pg = await graphOf('edges/ce-sys-ptrace.yaml');
    expect(hasEdge(pg, 'CE_SYS_PTRACE', 'Container/app/ptrace/c', 'Node/n1')).toBe(true);
    expect(edgeStrings(pg, 'CE_PRIV_MOUNT')).toEqual([]);
    expect(edgeStrings(pg, 'CE_NSENTER')).toEqual([]);
  });
  it('CAP_SYS_MODULE: CE_MODULE_LOAD', async () => {
    const pg = await graphOf('edges/ce-module-load.yaml');
    expect(hasEdge(pg, 'CE_MODULE_LOAD', 'Container/app/modload/c', 'Node/n1')).toBe(true);
  });
  it('writable /proc/sys/kernel: CE_UMH_CORE_PATTERN', async () => {
    const pg = await graphOf('edges/ce-umh-core-pattern.yaml');
    expect(hasEdge(pg, 'CE_UMH_CORE_PATTERN', 'Container/app/procsys/c', 'Node/n1')).toBe(true);
  });
  it('writable /var/log as root: CE_VAR_LOG_SYMLINK; as non-root: none', async () => {
    const pg = await graphOf('edges/ce-var-log-symlink.yaml');
    expect(hasEdge(pg, 'CE_VAR_LOG_SYMLINK', 'Container/app/logs/c', 'Node/n1')).toBe(true);
    const nonRoot = await graphOf('edges/ce-var-log-nonroot.yaml');
    expect(edgeStrings(nonRoot, 'CE_VAR_LOG_SYMLINK')).toEqual([]);
  });
  it('read-only /etc/kubernetes: EXPLOIT_HOST_READ, not WRITE', async () => {
    const pg = await graphOf('edges/exploit-host-read.yaml');
    expect(hasEdge(pg, 'EXPLOIT_HOST_READ', 'Container/app/reader/c', 'Node/n1')).toBe(true);
    expect(edgeStrings(pg, 'EXPLOIT_HOST_WRITE')).toEqual([]);
    expect(hasEdge(pg, 'VOLUME_DISCOVER', 'Container/app/reader/c', 'Volume/app/reader/host')).toBe(true);
  });
  it('writable /etc: EXPLOIT_HOST_WRITE; writable /run/flannel: nothing', async () => {
    const pg = await graphOf('edges/exploit-host-write.yaml');
    expect(hasEdge(pg, 'EXPLOIT_HOST_WRITE', 'Container/app/writer/c', 'Node/n1')).toBe(true);
    const benign = await graphOf('edges/hostpath-benign.yaml');
    expect(edgeStrings(benign).filter((e) => /CE_|EXPLOIT_/.test(e))).toEqual([]);
  });
  it('runtime socket: EXPLOIT_CONTAINERD_SOCK', async () => {
    const pg = await graphOf('edges/exploit-containerd-sock.yaml');
    expect(hasEdge(pg, 'EXPLOIT_CONTAINERD_SOCK', 'Container/app/sock/c', 'Node/n1')).toBe(true);
  });
  it('/var/lib/kubelet/pods: EXPLOIT_HOST_TRAVERSE to token volumes on the same node only', async () => {
    const pg = await graphOf('edges/exploit-host-traverse.yaml');
    const traverse = edgeStrings(pg, 'EXPLOIT_HOST_TRAVERSE');
    expect(traverse).toEqual([
      'EXPLOIT_HOST_TRAVERSE Volume/app/traverse/host -> Volume/victim/victim/kube-api-access',
    ]);
    expect(
      hasEdge(pg, 'TOKEN_STEAL', 'Volume/victim/victim/kube-api-access', 'ServiceAccount/victim/victim-sa'),
    ).toBe(true);
    expect(reaches(pg, 'Container/app/traverse/c', 'ServiceAccount/victim/victim-sa')).toBe(true);
  });
  it('a plain pod gives no escape edge', async () => {
    const pg = await graphOf('edges/plain-pod.yaml');
    expect(edgeStrings(pg).filter((e) => /^(CE_|EXPLOIT_)/.test(e))).toEqual([]);
    expect(reaches(pg, 'Pod/app/plain', 'Node/n1')).toBe(false);
  });
});

describe('SHARE_PS_NAMESPACE (KubeHound: containers of one pod)', () => {
  it('links the containers of one pod both ways, and never two pods', async () => {
    const pg = await graphOf('edges/share-ps-namespace.yaml');
    expect(edgeStrings(pg, 'SHARE_PS_NAMESPACE')).toEqual([
      'SHARE_PS_NAMESPACE Container/app/shared/a -> Container/app/shared/b',
      'SHARE_PS_NAMESPACE Container/app/shared/b -> Container/app/shared/a',
    ]);
    expect(reaches(pg, 'Container/app/other1/x', 'Container/app/other2/y')).toBe(false);
    expect(reaches(pg, 'Container/app/other2/y', 'Container/app/other1/x')).toBe(false);
  });
});

describe('tokens', () => {
  it('automounted token: VOLUME_DISCOVER and TOKEN_STEAL', async () => {
    const pg = await graphOf('edges/token-steal.yaml');
    expect(hasEdge(pg, 'VOLUME_DISCOVER', 'Container/app/tok/c', 'Volume/app/tok/kube-api-access')).toBe(
      true,
    );
    expect(hasEdge(pg, 'TOKEN_STEAL', 'Volume/app/tok/kube-api-access', 'ServiceAccount/app/worker')).toBe(
      true,
    );
  });
  it('automount off on the ServiceAccount: no TOKEN_STEAL', async () => {
    const pg = await graphOf('edges/token-automount-off.yaml');
    expect(edgeStrings(pg, 'TOKEN_STEAL')).toEqual([]);
  });
  it('pods/portforward: POD_PORT_FORWARD to the pods of the namespace, and nothing else', async () => {
    const pg = await graphOf('edges/pod-port-forward.yaml');
    expect(edgeStrings(pg, 'POD_PORT_FORWARD')).toEqual([
      'POD_PORT_FORWARD User/support-engineer -> Pod/payments/*',
    ]);
    expect(edgeStrings(pg, 'POD_EXEC').filter((e) => e.includes('support-engineer'))).toEqual([]);
    expect(reaches(pg, 'User/support-engineer', 'Pod/payments/api')).toBe(true);
  });
  it('list secrets: TOKEN_LIST to the namespace secrets', async () => {
    const pg = await graphOf('edges/token-list.yaml');
    expect(hasEdge(pg, 'TOKEN_LIST', 'ServiceAccount/app/reader', 'Secret/app/*')).toBe(true);
    expect(reaches(pg, 'ServiceAccount/app/reader', 'Secret/app/db-password')).toBe(true);
    const e = pg.graph.edges.find((x) => x.type === 'TOKEN_LIST')!;
    expect(e.evidence.map((x) => `${x.ref.kind}/${x.ref.name} ${x.path ?? ''}`)).toEqual([
      'RoleBinding/reader roleRef',
      'Role/secret-reader rules[0]',
    ]);
    expect(e.control).toContain('Role app/secret-reader');
  });
  it('a RoleBinding ServiceAccount subject without namespace is the account of the binding namespace', async () => {
    const pg = await graphOf('edges/token-list-sa-default-namespace.yaml');
    expect(edgeStrings(pg, 'TOKEN_LIST')).toEqual(['TOKEN_LIST ServiceAccount/app/reader -> Secret/app/*']);
    expect(reaches(pg, 'ServiceAccount/app/reader', 'Secret/app/db-password')).toBe(true);
  });
  it('get secrets: TOKEN_BRUTEFORCE, and a legacy token secret leads to its service account', async () => {
    const pg = await graphOf('edges/token-bruteforce.yaml');
    expect(hasEdge(pg, 'TOKEN_BRUTEFORCE', 'ServiceAccount/app/getter', 'Secret/app/*')).toBe(true);
    expect(edgeStrings(pg, 'TOKEN_LIST')).toEqual([]);
    expect(reaches(pg, 'ServiceAccount/app/getter', 'ServiceAccount/app/builder')).toBe(true);
  });
  it('create serviceaccounts/token for a named account: TOKEN_CREATE to that one only', async () => {
    const pg = await graphOf('edges/token-create.yaml');
    expect(edgeStrings(pg, 'TOKEN_CREATE')).toEqual([
      'TOKEN_CREATE ServiceAccount/app/minter -> ServiceAccount/app/target',
    ]);
  });
});

describe('RBAC steps', () => {
  it('create deployments: POD_CREATE, any service account of the namespace, any node', async () => {
    const pg = await graphOf('edges/pod-create.yaml');
    expect(hasEdge(pg, 'POD_CREATE', 'ServiceAccount/app/deployer', 'Namespace/app')).toBe(true);
    expect(reaches(pg, 'ServiceAccount/app/deployer', 'ServiceAccount/app/powerful')).toBe(true);
    expect(reaches(pg, 'ServiceAccount/app/deployer', 'Node/n1')).toBe(true);
  });
  it('Pod Security baseline cuts the node, not the service accounts', async () => {
    const pg = await graphOf('edges/pod-create-restricted.yaml');
    expect(hasEdge(pg, 'POD_CREATE', 'ServiceAccount/app/deployer', 'Namespace/app')).toBe(true);
    expect(reaches(pg, 'ServiceAccount/app/deployer', 'ServiceAccount/app/default')).toBe(true);
    expect(reaches(pg, 'ServiceAccount/app/deployer', 'Node/n1')).toBe(false);
  });
  it('pods/exec, pods/attach, patch pods', async () => {
    const pg = await graphOf('edges/pod-exec-attach-patch.yaml');
    for (const t of ['POD_EXEC', 'POD_ATTACH', 'POD_PATCH'] as const)
      expect(hasEdge(pg, t, 'ServiceAccount/app/operator', 'Pod/app/*')).toBe(true);
    expect(reaches(pg, 'ServiceAccount/app/operator', 'Container/app/target/c')).toBe(true);
  });
  it('ROLE_BIND through a ClusterRoleBinding reaches cluster-admin', async () => {
    const pg = await graphOf('edges/role-bind.yaml');
    expect(hasEdge(pg, 'ROLE_BIND', 'ServiceAccount/app/binder', 'PermissionSet/cluster-admin')).toBe(true);
  });
  it('the same ClusterRole through a RoleBinding gives no ROLE_BIND (cluster-scoped)', async () => {
    const pg = await graphOf('edges/role-bind-through-rolebinding.yaml');
    expect(edgeStrings(pg, 'ROLE_BIND')).toEqual([]);
    expect(reaches(pg, 'ServiceAccount/app/binder', 'PermissionSet/cluster-admin')).toBe(false);
  });
  it('create rolebindings + bind admin in a namespace: ROLE_BIND to the namespace admin rights', async () => {
    const pg = await graphOf('edges/role-bind-namespace.yaml');
    expect(edgeStrings(pg, 'ROLE_BIND')).toEqual([
      'ROLE_BIND ServiceAccount/app/binder -> PermissionSet/app/namespace-admin',
    ]);
  });
  it('escalate + update on its own ClusterRole: ROLE_ESCALATE to cluster-admin', async () => {
    const pg = await graphOf('edges/role-escalate.yaml');
    expect(hasEdge(pg, 'ROLE_ESCALATE', 'ServiceAccount/app/escalator', 'PermissionSet/cluster-admin')).toBe(
      true,
    );
  });
  it('impersonate groups: IDENTITY_IMPERSONATE to system:masters, so cluster-admin', async () => {
    const pg = await graphOf('edges/identity-impersonate.yaml');
    expect(hasEdge(pg, 'IDENTITY_IMPERSONATE', 'ServiceAccount/app/impersonator', 'Group/*')).toBe(true);
    expect(reaches(pg, 'ServiceAccount/app/impersonator', 'PermissionSet/cluster-admin')).toBe(true);
  });
  it('bound to every right cluster-wide: PERMISSION_DISCOVER to cluster-admin', async () => {
    const pg = await graphOf('edges/permission-discover.yaml');
    expect(
      hasEdge(pg, 'PERMISSION_DISCOVER', 'ServiceAccount/app/admin', 'PermissionSet/cluster-admin'),
    ).toBe(true);
    expect(
      pg.rbac.isClusterAdminEquivalent({ kind: 'ServiceAccount', namespace: 'app', name: 'admin' }),
    ).toBe(true);
  });
  it('a right of system:authenticated reaches every identity through the group, reported once', async () => {
    const pg = await graphOf('edges/group-authenticated.yaml');
    expect(
      hasEdge(pg, 'PERMISSION_DISCOVER', 'ServiceAccount/app/anyone', 'Group/system:authenticated'),
    ).toBe(true);
    expect(hasEdge(pg, 'TOKEN_LIST', 'Group/system:authenticated', 'Secret/*')).toBe(true);
    const r = findAttackPaths(pg);
    const toKs = r.paths.filter((p) => p.jewel === 'kube-system-credentials');
    expect(toKs.map((p) => `${p.entry.kind}/${p.entry.name}`)).toEqual(['Group/system:authenticated']);
  });
  it('nodes/proxy cluster-wide: NODES_PROXY then POD_EXEC; through a RoleBinding: nothing', async () => {
    const pg = await graphOf('edges/nodes-proxy.yaml');
    expect(edgeStrings(pg, 'NODES_PROXY')).toEqual([
      'NODES_PROXY ServiceAccount/monitoring/scraper -> Kubelet/*',
    ]);
    expect(hasEdge(pg, 'POD_EXEC', 'Kubelet/n1', 'Pod/app/victim')).toBe(true);
  });
  it('CSR approval for kube-apiserver-client: CSR_APPROVE, never to system:masters (CertificateSubjectRestriction)', async () => {
    const pg = await graphOf('edges/csr-approve.yaml');
    expect(hasEdge(pg, 'CSR_APPROVE', 'ServiceAccount/app/approver', 'Group/platform-admins')).toBe(true);
    expect(hasEdge(pg, 'CSR_APPROVE', 'ServiceAccount/app/approver', 'Group/system:masters')).toBe(false);
    expect(reaches(pg, 'ServiceAccount/app/approver', 'PermissionSet/cluster-admin')).toBe(true);
  });
  it('mutating webhooks: WEBHOOK_MODIFY to every new pod', async () => {
    const pg = await graphOf('edges/webhook-modify.yaml');
    expect(hasEdge(pg, 'WEBHOOK_MODIFY', 'ServiceAccount/app/hooker', 'Namespace/*')).toBe(true);
  });
  it('create PersistentVolumes with pods and claims: HOSTPATH_PV to any node', async () => {
    const pg = await graphOf('edges/hostpath-pv.yaml');
    expect(hasEdge(pg, 'HOSTPATH_PV', 'ServiceAccount/app/storage', 'Node/*')).toBe(true);
  });
  it('a claim bound to a hostPath PV of /etc: EXPLOIT_HOST_WRITE', async () => {
    const pg = await graphOf('edges/hostpath-pv-mounted.yaml');
    expect(hasEdge(pg, 'EXPLOIT_HOST_WRITE', 'Container/app/uses-pv/c', 'Node/n1')).toBe(true);
  });
});

describe('exposure, nodes and the cloud', () => {
  it('LoadBalancer: ENDPOINT_EXPLOIT to the container serving the target port; ClusterIP: none', async () => {
    const pg = await graphOf('edges/endpoint-exploit.yaml');
    expect(edgeStrings(pg, 'ENDPOINT_EXPLOIT')).toEqual([
      'ENDPOINT_EXPLOIT Zone/Internet -> Container/web/frontend-1/web',
    ]);
  });
  it('workloads without pods escape to the nodes the scheduler may place them on', async () => {
    const pg = await graphOf('edges/escape-schedulable-nodes.yaml');
    const escapes = edgeStrings(pg).filter((e) => /^(CE_|EXPLOIT_)/.test(e));
    expect(escapes).toEqual([
      'CE_MODULE_LOAD Container/app/hostpid/c -> Node/web1',
      'CE_MODULE_LOAD Container/ml/trainer/c -> Node/gpu1',
      'CE_NSENTER Container/app/hostpid/c -> Node/web1',
      'CE_PRIV_MOUNT Container/app/hostpid/c -> Node/web1',
      'CE_VAR_LOG_SYMLINK Container/ops/logs/c -> Node/web1',
      'CE_VAR_LOG_SYMLINK Container/ops/logs/c -> Node/web2',
      'EXPLOIT_CONTAINERD_SOCK Container/ops/agent/c -> Node/cp1',
      'EXPLOIT_CONTAINERD_SOCK Container/ops/agent/c -> Node/gpu1',
      'EXPLOIT_CONTAINERD_SOCK Container/ops/agent/c -> Node/web1',
      'EXPLOIT_CONTAINERD_SOCK Container/ops/agent/c -> Node/web2',
    ]);
    const e = pg.graph.edges.find((x) => x.type === 'CE_NSENTER')!;
    expect(e.assumption).toBe('the scheduler places it on web1');
    expect(e.evidence.map((x) => x.path)).toContain(
      'spec.template.spec.containers[0].securityContext.privileged',
    );
    // The cron job's template sits deeper in its owner.
    const t = pg.graph.edges.find(
      (x) => x.type === 'CE_MODULE_LOAD' && x.evidence[0]!.ref.name === 'trainer',
    )!;
    expect(t.evidence[0]!.path).toBe(
      'spec.jobTemplate.spec.template.spec.containers[0].securityContext.capabilities.add',
    );
  });
  it('cloud nodes: CLOUD_METADATA_CREDS unless an enforced egress policy blocks the metadata service', async () => {
    const pg = await graphOf('edges/cloud-metadata.yaml');
    expect(hasEdge(pg, 'CLOUD_METADATA_CREDS', 'Container/app/web/c', 'CloudIdentity/n1')).toBe(true);
    const e = pg.graph.edges.find((x) => x.type === 'CLOUD_METADATA_CREDS')!;
    expect(e.evidence.some((x) => /egress to 169\.254\.169\.254 allowed/.test(x.value ?? ''))).toBe(true);
    const denied = await graphOf('edges/cloud-metadata-denied.yaml');
    // The calico-node DaemonSet has no pod in the file: its template may run on n1, and no policy selects it.
    expect(edgeStrings(denied, 'CLOUD_METADATA_CREDS')).toEqual([
      'CLOUD_METADATA_CREDS Container/kube-system/calico-node/calico-node -> CloudIdentity/n1',
      'CLOUD_METADATA_CREDS Container/other/open/c -> CloudIdentity/n1',
    ]);
    const unverified = await graphOf('edges/cloud-metadata-unverified.yaml');
    const blockedIfEnforced = unverified.graph.edges.find(
      (x) => x.type === 'CLOUD_METADATA_CREDS' && unverified.graph.vertices[x.from]!.name === 'web/c',
    );
    expect(blockedIfEnforced?.assumption).toMatch(/not recognised/);
    const plain = await graphOf('edges/plain-pod.yaml');
    expect(edgeStrings(plain, 'CLOUD_METADATA_CREDS')).toEqual([]);
  });
  it('node: kubelet identity, POD_ATTACH, VOLUME_ACCESS, TOKEN_CREATE; POD_CREATE without NodeRestriction', async () => {
    const pg = await graphOf('edges/node-identity.yaml');
    expect(hasEdge(pg, 'IDENTITY_ASSUME', 'Node/n1', 'User/system:node:n1')).toBe(true);
    expect(hasEdge(pg, 'POD_ATTACH', 'Node/n1', 'Pod/app/w')).toBe(true);
    expect(hasEdge(pg, 'VOLUME_ACCESS', 'Node/n1', 'Volume/app/w/kube-api-access')).toBe(true);
    expect(hasEdge(pg, 'TOKEN_CREATE', 'User/system:node:n1', 'ServiceAccount/app/worker')).toBe(true);
    expect(hasEdge(pg, 'TOKEN_CREATE', 'User/system:node:cp1', 'ServiceAccount/app/worker')).toBe(false);
    expect(hasEdge(pg, 'POD_CREATE', 'User/system:node:n1', 'Namespace/*')).toBe(true);
    expect(pg.jewels.get('control-plane-node')!.map((id) => pg.graph.vertices[id]!.name)).toEqual(['cp1']);
  });
  it('rights of system:unauthenticated: the Internet assumes system:anonymous', async () => {
    const pg = await graphOf('edges/anonymous.yaml');
    expect(hasEdge(pg, 'IDENTITY_ASSUME', 'Zone/Internet', 'User/system:anonymous')).toBe(true);
    expect(hasEdge(pg, 'PERMISSION_DISCOVER', 'User/system:anonymous', 'Group/system:unauthenticated')).toBe(
      true,
    );
  });
});

describe('paths', () => {
  it('--from and --to resolve references and zones', async () => {
    const pg = await graphOf('edges/role-bind.yaml');
    const from = resolveSelector(pg, 'serviceaccount/app/binder');
    expect(from).toHaveLength(1);
    const r = findAttackPaths(pg, { from: from!, to: resolveSelector(pg, 'PermissionSet/cluster-admin')! });
    expect(r.paths).toHaveLength(1);
    expect(r.paths[0]!.steps.map((s) => s.type)).toEqual(['ROLE_BIND']);
    expect(resolveSelector(pg, 'Nope/x')).toBeUndefined();
  });
});

describe('rights that combine across an identity and its groups', () => {
  it('create rolebindings (own binding) + bind clusterroles (its namespace group): ROLE_BIND from the service account', () => {
    const pg = buildPrivilegeGraph(
      inventoryOf([
        k.sa('app', 'ci'),
        k.clusterRole('admin', [{ apiGroups: [''], resources: ['pods', 'secrets'], verbs: ['*'] }]),
        k.role('app', 'rb-writer', [
          { apiGroups: ['rbac.authorization.k8s.io'], resources: ['rolebindings'], verbs: ['create'] },
        ]),
        k.role('app', 'binder', [
          { apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['bind'] },
        ]),
        k.roleBinding('app', 'ci-writes', 'Role', 'rb-writer', [k.saSubject('app', 'ci')]),
        k.roleBinding('app', 'all-bind', 'Role', 'binder', [k.group('system:serviceaccounts:app')]),
      ]),
    );
    expect(edgeStrings(pg, 'ROLE_BIND')).toEqual([
      'ROLE_BIND ServiceAccount/app/ci -> PermissionSet/app/namespace-admin',
    ]);
  });
  it('a right the group already gives is not drawn again from the member', () => {
    const pg = buildPrivilegeGraph(
      inventoryOf([
        k.sa('app', 'ci'),
        k.role('app', 'lister', [{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }]),
        k.roleBinding('app', 'own', 'Role', 'lister', [k.saSubject('app', 'ci')]),
        k.roleBinding('app', 'group', 'Role', 'lister', [k.group('system:serviceaccounts:app')]),
      ]),
    );
    expect(edgeStrings(pg, 'TOKEN_LIST')).toEqual([
      'TOKEN_LIST Group/system:serviceaccounts:app -> Secret/app/*',
    ]);
  });
});
