// Benchmark: RBAC index, privilege graph and attack-path search at 10,000 namespaces, 150,000 pods, 50,000 bindings.
import { performance } from 'node:perf_hooks';
import { Inventory, type InventoryItem, type KubeObject } from '../src/collect/inventory.js';
import { buildRbacIndex } from '../src/analysis/privilege/rbac-index.js';
import { buildPrivilegeGraph } from '../src/analysis/privilege/build-graph.js';
import { findAttackPaths } from '../src/analysis/privilege/attack-paths.js';

const NAMESPACES = Number(process.env['KTM_BENCH_NAMESPACES'] ?? 10_000);
const PODS_PER_NS = 15;
const NODES = 5_000;
const BINDINGS_PER_NS = 5;

function makeInventory(): Inventory {
  const items: InventoryItem[] = [];
  const add = (object: KubeObject): void => {
    items.push({ object, source: { file: 'bench' } });
  };
  for (let n = 0; n < NODES; n++)
    add({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: `node-${n}`,
        ...(n < 3 ? { labels: { 'node-role.kubernetes.io/control-plane': '' } } : {}),
      },
    });
  const rbacGroup = 'rbac.authorization.k8s.io';
  const clusterRole = (
    name: string,
    rules: unknown[],
    labels?: Record<string, string>,
    agg?: unknown,
  ): void =>
    add({
      apiVersion: `${rbacGroup}/v1`,
      kind: 'ClusterRole',
      metadata: { name, ...(labels ? { labels } : {}) },
      rules,
      ...(agg ? { aggregationRule: agg } : {}),
    });
  clusterRole('cluster-admin', [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]);
  clusterRole('view', [], undefined, { clusterRoleSelectors: [{ matchLabels: { 'agg-view': 'true' } }] });
  clusterRole('edit', [], undefined, { clusterRoleSelectors: [{ matchLabels: { 'agg-edit': 'true' } }] });
  clusterRole('admin', [], undefined, { clusterRoleSelectors: [{ matchLabels: { 'agg-admin': 'true' } }] });
  clusterRole(
    'view-parts',
    [
      {
        apiGroups: ['', 'apps'],
        resources: ['pods', 'services', 'deployments'],
        verbs: ['get', 'list', 'watch'],
      },
    ],
    {
      'agg-view': 'true',
      'agg-edit': 'true',
      'agg-admin': 'true',
    },
  );
  clusterRole(
    'edit-parts',
    [
      { apiGroups: [''], resources: ['pods', 'pods/exec', 'secrets'], verbs: ['*'] },
      { apiGroups: ['apps'], resources: ['deployments'], verbs: ['*'] },
    ],
    { 'agg-edit': 'true', 'agg-admin': 'true' },
  );
  clusterRole(
    'admin-parts',
    [{ apiGroups: [rbacGroup], resources: ['rolebindings', 'roles'], verbs: ['*'] }],
    { 'agg-admin': 'true' },
  );
  for (let i = 0; i < 60; i++)
    clusterRole(`system:controller:c${i}`, [{ apiGroups: [''], resources: ['events'], verbs: ['create'] }]);
  let crbs = 0;
  const crb = (name: string, role: string, subjects: unknown[]): void => {
    crbs++;
    add({
      apiVersion: `${rbacGroup}/v1`,
      kind: 'ClusterRoleBinding',
      metadata: { name },
      roleRef: { apiGroup: rbacGroup, kind: 'ClusterRole', name: role },
      subjects,
    });
  };
  for (let i = 0; i < 60; i++)
    crb(`system:controller:c${i}`, `system:controller:c${i}`, [
      { kind: 'ServiceAccount', namespace: 'kube-system', name: `c${i}` },
    ]);
  crb('ops-admins', 'cluster-admin', [{ kind: 'Group', apiGroup: rbacGroup, name: 'ops' }]);
  let rbs = 0;
  for (let ns = 0; ns < NAMESPACES; ns++) {
    const name = ns === 0 ? 'kube-system' : `team-${ns}`;
    add({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name,
        ...(ns % 3 === 0 ? { labels: { 'pod-security.kubernetes.io/enforce': 'baseline' } } : {}),
      },
    });
    for (let s = 0; s < 3; s++)
      add({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: `sa-${s}`, namespace: name } });
    add({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db', namespace: name }, type: 'Opaque' });
    add({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'tls', namespace: name },
      type: 'kubernetes.io/tls',
    });
    add({
      apiVersion: `${rbacGroup}/v1`,
      kind: 'Role',
      metadata: { name: 'cm-reader', namespace: name },
      rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }],
    });
    const roles: [string, string][] = [
      ['ClusterRole', 'view'],
      ['ClusterRole', 'edit'],
      ['ClusterRole', 'admin'],
      ['Role', 'cm-reader'],
      ['ClusterRole', ns % 500 === 7 ? 'missing-role' : 'view'],
    ];
    for (let b = 0; b < BINDINGS_PER_NS; b++) {
      rbs++;
      const [kind, role] = roles[b]!;
      add({
        apiVersion: `${rbacGroup}/v1`,
        kind: 'RoleBinding',
        metadata: { name: `rb-${b}`, namespace: name },
        roleRef: { apiGroup: rbacGroup, kind, name: role },
        subjects:
          b % 2 === 0
            ? [{ kind: 'ServiceAccount', namespace: name, name: `sa-${b % 3}` }]
            : [{ kind: 'Group', apiGroup: rbacGroup, name: `team-${ns}-devs` }],
      });
    }
    for (let p = 0; p < PODS_PER_NS; p++) {
      const i = ns * PODS_PER_NS + p;
      const privileged = i % 97 === 0;
      const hostRoot = i % 211 === 0;
      add({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: `pod-${p}`,
          namespace: name,
          labels: { app: `app-${p % 3}` },
          ownerReferences: [{ kind: 'ReplicaSet', name: `rs-${p % 3}`, controller: true }],
        },
        spec: {
          nodeName: `node-${i % NODES}`,
          serviceAccountName: `sa-${p % 3}`,
          containers: [
            {
              name: 'app',
              image: 'x',
              ports: [{ containerPort: 8080 }],
              ...(privileged ? { securityContext: { privileged: true } } : {}),
              ...(hostRoot ? { volumeMounts: [{ name: 'root', mountPath: '/host' }] } : {}),
            },
            { name: 'sidecar', image: 'y' },
          ],
          ...(hostRoot ? { volumes: [{ name: 'root', hostPath: { path: '/' } }] } : {}),
        },
      });
    }
    if (ns % 100 === 1)
      add({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'public', namespace: name },
        spec: { type: 'LoadBalancer', selector: { app: 'app-0' }, ports: [{ port: 80, targetPort: 8080 }] },
      });
  }
  console.log(
    `inventory: ${NAMESPACES} namespaces, ${NAMESPACES * PODS_PER_NS} pods, ${NODES} nodes, ${rbs + crbs} bindings (${rbs} RoleBindings, ${crbs} ClusterRoleBindings)`,
  );
  return new Inventory({
    cluster: { name: 'bench' },
    items,
    coverage: { mode: 'manifests', resources: [], facts: [] },
  });
}

/** Wall-clock and CPU time: the machine is shared, so CPU seconds are the steadier figure. */
function time<T>(label: string, f: () => T): T {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const r = f();
  const c = process.cpuUsage(c0);
  console.log(
    `${label}: ${(performance.now() - t0).toFixed(0)} ms wall, ${((c.user + c.system) / 1000).toFixed(0)} ms CPU`,
  );
  return r;
}

const inv = time('build inventory (in memory)', makeInventory);
const rbac = time('buildRbacIndex', () => buildRbacIndex(inv));
console.log(`  grants: ${rbac.grants.length}, diagnostics: ${rbac.diagnostics.length}`);
const Q = 10_000;
time(`can() x${Q}`, () => {
  let allowed = 0;
  for (let i = 0; i < Q; i++)
    if (
      rbac.can(
        { kind: 'ServiceAccount', namespace: `team-${(i % (NAMESPACES - 1)) + 1}`, name: 'sa-2' },
        {
          verb: 'create',
          group: '',
          resource: 'pods',
          subresource: 'exec',
          namespace: `team-${(i % (NAMESPACES - 1)) + 1}`,
        },
      )
    )
      allowed++;
  console.log(`  allowed ${allowed}/${Q}`);
});
time(`subjectsWith() x1000 (who can create pods/exec in NS)`, () => {
  let n = 0;
  for (let i = 0; i < 1000; i++)
    n += rbac.subjectsWith({
      verb: 'create',
      group: '',
      resource: 'pods',
      subresource: 'exec',
      namespace: `team-${i + 1}`,
    }).length;
  console.log(`  subjects found: ${n}`);
});
const pg = time('buildPrivilegeGraph', () => buildPrivilegeGraph(inv, { rbac }));
console.log(
  `  vertices: ${pg.graph.vertices.length}, edges: ${pg.graph.edges.length}, entry points: ${pg.entries.length}`,
);
const r = time('findAttackPaths (every entry x 4 jewel classes, BFS)', () =>
  findAttackPaths(pg, { limit: 50 }),
);
console.log(`  paths found: ${r.total}, shown: ${r.paths.length}`);
const mem = process.memoryUsage();
console.log(
  `heap used: ${(mem.heapUsed / 2 ** 20).toFixed(0)} MiB, rss: ${(mem.rss / 2 ** 20).toFixed(0)} MiB`,
);
