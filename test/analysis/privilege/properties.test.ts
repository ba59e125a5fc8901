// Property tests: adding a binding never removes a path; removing every binding removes every RBAC edge.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/collect/inventory.js';
import { vertexLabel } from '../../../src/analysis/privilege/attack-graph.js';
import { distancesTo } from '../../../src/analysis/privilege/attack-paths.js';
import {
  buildPrivilegeGraph,
  JEWEL_CLASSES,
  type PrivilegeGraph,
} from '../../../src/analysis/privilege/build-graph.js';
import { inventoryOf, k } from './helpers.js';

const NAMESPACES = ['a', 'b', 'kube-system'] as const;
const PALETTE: Record<
  string,
  { apiGroups?: string[]; resources?: string[]; verbs: string[]; resourceNames?: string[] }[]
> = {
  'create-pods': [{ apiGroups: [''], resources: ['pods'], verbs: ['create'] }],
  'list-secrets': [{ apiGroups: [''], resources: ['secrets'], verbs: ['list'] }],
  'get-secrets': [{ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }],
  exec: [{ apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] }],
  binder: [
    {
      apiGroups: ['rbac.authorization.k8s.io'],
      resources: ['clusterrolebindings', 'rolebindings'],
      verbs: ['create'],
    },
    { apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['bind'] },
  ],
  impersonate: [{ apiGroups: [''], resources: ['groups', 'serviceaccounts'], verbs: ['impersonate'] }],
  'node-proxy': [{ apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get'] }],
  token: [{ apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] }],
  everything: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }],
  harmless: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get'] }],
};
const ROLES = Object.keys(PALETTE);

const subjectArb = fc.oneof(
  fc.record({
    kind: fc.constant('ServiceAccount'),
    namespace: fc.constantFrom(...NAMESPACES),
    name: fc.constantFrom('s0', 's1', 'default'),
  }),
  fc.record({
    kind: fc.constant('Group'),
    name: fc.constantFrom('devs', 'system:authenticated', 'system:serviceaccounts:a'),
  }),
  fc.record({ kind: fc.constant('User'), name: fc.constantFrom('alice', 'bob') }),
);
const bindingArb = fc.record({
  cluster: fc.boolean(),
  namespace: fc.constantFrom(...NAMESPACES),
  role: fc.constantFrom(...ROLES),
  subjects: fc.array(subjectArb, { minLength: 1, maxLength: 2 }),
});
type BindingSpec = typeof bindingArb extends fc.Arbitrary<infer T> ? T : never;
const podArb = fc.record({
  namespace: fc.constantFrom(...NAMESPACES),
  sa: fc.constantFrom('s0', 's1', 'default'),
  node: fc.constantFrom('n1', 'cp'),
  privileged: fc.boolean(),
  hostRoot: fc.boolean(),
});
type PodSpec = typeof podArb extends fc.Arbitrary<infer T> ? T : never;

function world(pods: readonly PodSpec[], bindings: readonly BindingSpec[]): KubeObject[] {
  const objects: KubeObject[] = [
    { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } },
    {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'cp', labels: { 'node-role.kubernetes.io/control-plane': '' } },
    },
    ...NAMESPACES.map((ns): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } })),
    ...NAMESPACES.flatMap((ns) => [k.sa(ns, 's0'), k.sa(ns, 's1')]),
    ...ROLES.map((r) => k.clusterRole(r, PALETTE[r]!)),
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'tok',
        namespace: 'kube-system',
        annotations: { 'kubernetes.io/service-account.name': 's0' },
      },
      type: 'kubernetes.io/service-account-token',
    },
  ];
  pods.forEach((p, i) =>
    objects.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `p${i}`, namespace: p.namespace },
      spec: {
        nodeName: p.node,
        serviceAccountName: p.sa,
        containers: [
          {
            name: 'c',
            image: 'x',
            ...(p.privileged ? { securityContext: { privileged: true } } : {}),
            ...(p.hostRoot ? { volumeMounts: [{ name: 'root', mountPath: '/host' }] } : {}),
          },
        ],
        ...(p.hostRoot ? { volumes: [{ name: 'root', hostPath: { path: '/' } }] } : {}),
      },
    }),
  );
  bindings.forEach((b, i) => {
    const subjects = b.subjects.map((s) =>
      s.kind === 'ServiceAccount'
        ? k.saSubject(s.namespace, s.name)
        : s.kind === 'Group'
          ? k.group(s.name)
          : k.user(s.name),
    );
    objects.push(
      b.cluster
        ? k.clusterRoleBinding(`b${i}`, b.role, subjects)
        : k.roleBinding(b.namespace, `b${i}`, 'ClusterRole', b.role, subjects),
    );
  });
  return objects;
}

/** Every (vertex, jewel class) pair with a path, by vertex label. */
function reachable(pg: PrivilegeGraph): Set<string> {
  const out = new Set<string>();
  for (const j of JEWEL_CLASSES) {
    const targets = pg.jewels.get(j) ?? [];
    if (targets.length === 0) continue;
    const { dist } = distancesTo(pg, targets, 1000);
    pg.graph.vertices.forEach((v) => {
      if (dist[v.id]! >= 0) out.add(`${vertexLabel(v)} => ${j}`);
    });
  }
  return out;
}

describe('privilege graph properties', () => {
  it('adding a binding never removes a path', () => {
    fc.assert(
      fc.property(
        fc.array(podArb, { maxLength: 4 }),
        fc.array(bindingArb, { maxLength: 5 }),
        bindingArb,
        (pods, bindings, extra) => {
          const before = reachable(buildPrivilegeGraph(inventoryOf(world(pods, bindings))));
          const after = reachable(buildPrivilegeGraph(inventoryOf(world(pods, [...bindings, extra]))));
          const lost = [...before].filter((p) => !after.has(p));
          expect(lost).toEqual([]);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('removing every binding removes every RBAC edge', () => {
    fc.assert(
      fc.property(
        fc.array(podArb, { maxLength: 4 }),
        fc.array(bindingArb, { minLength: 1, maxLength: 5 }),
        (pods, bindings) => {
          const withBindings = buildPrivilegeGraph(inventoryOf(world(pods, bindings)));
          const cites = (pg: PrivilegeGraph) =>
            pg.graph.edges.filter((e) =>
              e.evidence.some((x) => x.ref.kind === 'RoleBinding' || x.ref.kind === 'ClusterRoleBinding'),
            );
          // A dangerous role's binding draws RBAC edges (so the property below is not vacuous); nodes/proxy
          // is cluster-scoped, so a RoleBinding of it grants nothing.
          if (bindings.some((b) => b.role !== 'harmless' && (b.cluster || b.role !== 'node-proxy')))
            expect(cites(withBindings).length).toBeGreaterThan(0);
          const pg = buildPrivilegeGraph(inventoryOf(world(pods, [])));
          expect(cites(pg)).toEqual([]);
          const g = pg.graph;
          const fromIdentities = g.edges.filter((e) => {
            const v = g.vertices[e.from]!;
            if (v.hub) return false;
            if (v.kind === 'ServiceAccount') return true;
            if (v.kind === 'User') return !v.name.startsWith('system:node:');
            if (v.kind === 'Group') return v.name !== 'system:masters';
            return false;
          });
          expect(fromIdentities.map((e) => `${e.type} ${vertexLabel(g.vertices[e.from]!)}`)).toEqual([]);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('hostile input', () => {
  it('never crashes on malformed pods, roles, bindings, services and nodes', () => {
    const kinds = [
      'Pod',
      'Role',
      'ClusterRole',
      'RoleBinding',
      'ClusterRoleBinding',
      'Service',
      'Ingress',
      'Node',
      'Secret',
      'ServiceAccount',
      'PersistentVolume',
      'PersistentVolumeClaim',
      'Namespace',
    ] as const;
    const objArb = fc.record({
      kind: fc.constantFrom(...kinds),
      name: fc.string({ maxLength: 8 }),
      namespace: fc.option(fc.constantFrom('a', 'b', 'kube-system'), { nil: undefined }),
      body: fc.dictionary(
        fc.constantFrom('spec', 'rules', 'subjects', 'roleRef', 'aggregationRule', 'status', 'type'),
        fc.anything({ maxDepth: 3 }),
      ),
    });
    fc.assert(
      fc.property(fc.array(objArb, { maxLength: 12 }), (objs) => {
        const objects = objs.map((o): KubeObject => ({
          apiVersion: 'v1',
          kind: o.kind,
          metadata: { name: o.name, ...(o.namespace !== undefined ? { namespace: o.namespace } : {}) },
          ...o.body,
        }));
        const pg = buildPrivilegeGraph(inventoryOf(objects));
        expect(pg.graph.vertices.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });
});

describe('hostile pod specs', () => {
  it('never crash on wrongly typed container, volume and security fields', () => {
    const any = fc.anything({ maxDepth: 2 });
    const containerArb = fc.record(
      {
        name: any,
        securityContext: fc.oneof(any, fc.record({ privileged: any, capabilities: fc.record({ add: any }) })),
        volumeMounts: fc.oneof(
          any,
          fc.array(fc.record({ name: fc.constantFrom('v', 'w'), readOnly: any, mountPath: any })),
        ),
        ports: fc.oneof(any, fc.array(fc.record({ hostPort: any, containerPort: any, name: any }))),
      },
      { requiredKeys: [] },
    );
    const specArb = fc.record(
      {
        nodeName: fc.oneof(any, fc.constant('n1')),
        hostPID: any,
        shareProcessNamespace: any,
        serviceAccountName: any,
        automountServiceAccountToken: any,
        containers: fc.oneof(any, fc.array(containerArb, { maxLength: 3 })),
        volumes: fc.oneof(
          any,
          fc.array(
            fc.record({
              name: fc.constantFrom('v', 'w'),
              hostPath: fc.oneof(any, fc.record({ path: any })),
              projected: any,
              secret: any,
              persistentVolumeClaim: any,
            }),
            { maxLength: 3 },
          ),
        ),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.array(specArb, { maxLength: 4 }), (specs) => {
        const objects: KubeObject[] = [
          { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } },
          ...specs.map((spec, i): KubeObject => ({
            apiVersion: 'v1',
            kind: 'Pod',
            metadata: { name: `p${i}`, namespace: 'a' },
            spec,
          })),
        ];
        expect(() => buildPrivilegeGraph(inventoryOf(objects))).not.toThrow();
      }),
      { numRuns: 300 },
    );
  });
});
