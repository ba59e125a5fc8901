// Benchmark: the whole pipeline at the reference scale (5,000 nodes, 150,000 pods, 10,000 namespaces, 10,000
// NetworkPolicies, 30,000 Deployments, 50,000 RoleBindings) from a generated snapshot folder: read, settings,
// model, rules, privilege graph and attack paths. Prints seconds per stage and peak RSS. Arg: a scale factor (default 1).
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { loadInventory } from '../src/collect/load.js';
import { RESOURCE_TYPES, resourceId } from '../src/collect/resource-types.js';
import { assess } from '../src/assess.js';

const scale = Number(process.argv[2] ?? '1');
const NODES = Math.round(5_000 * scale);
const NAMESPACES = Math.round(10_000 * scale);
const DEPLOYMENTS = Math.round(30_000 * scale);
const PODS = Math.round(150_000 * scale);
const BINDINGS = Math.round(50_000 * scale);

let peak = 0;
const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 200);

async function writeList(
  dir: string,
  file: string,
  count: number,
  item: (i: number) => unknown,
): Promise<void> {
  const out = createWriteStream(path.join(dir, file));
  out.write('{"apiVersion":"v1","kind":"List","items":[\n');
  for (let i = 0; i < count; i++) {
    if (!out.write(`${i === 0 ? '' : ',\n'}${JSON.stringify(item(i))}`)) await once(out, 'drain');
  }
  out.end('\n]}\n');
  await once(out, 'finish');
}

const ns = (i: number): string => `team-${i % NAMESPACES}`;
const labels = (d: number): Record<string, string> => ({
  app: `app-${d}`,
  tier: d % 3 === 0 ? 'web' : 'backend',
});

async function generate(dir: string): Promise<void> {
  const counts = new Map<string, number>();
  const list = async (kind: string, count: number, item: (i: number) => unknown): Promise<void> => {
    const rt = RESOURCE_TYPES.find((r) => r.kind === kind)!;
    counts.set(kind, count);
    await writeList(dir, `${resourceId(rt)}.json`, count, item);
  };
  await list('Node', NODES, (i) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: `node-${i}`,
      labels: {
        'topology.kubernetes.io/zone': `zone-${i % 3}`,
        ...(i < 3 ? { 'node-role.kubernetes.io/control-plane': '' } : {}),
      },
    },
    spec: i < 3 ? { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] } : {},
    status: {
      addresses: [{ type: 'InternalIP', address: `10.1.${i >> 8}.${i & 255}` }],
      nodeInfo: { containerRuntimeVersion: 'containerd://1.7.20', kubeletVersion: 'v1.30.4' },
    },
  }));
  await list('Namespace', NAMESPACES, (i) => ({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: ns(i),
      labels: {
        'kubernetes.io/metadata.name': ns(i),
        ...(i % 2 === 0 ? { 'pod-security.kubernetes.io/enforce': 'baseline' } : {}),
      },
    },
  }));
  await list('NetworkPolicy', NAMESPACES, (i) => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name: 'default-deny-allow-web', namespace: ns(i) },
    spec: {
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [{ podSelector: { matchLabels: { tier: 'web' } } }],
          ports: [{ protocol: 'TCP', port: 8080 }],
        },
      ],
    },
  }));
  const template = (d: number) => ({
    metadata: { labels: labels(d) },
    spec: {
      serviceAccountName: `sa-${d % 5}`,
      containers: [
        {
          name: 'app',
          image: `registry.example.com/app-${d}:1.0`,
          ports: [{ name: 'http', containerPort: 8080 }],
          resources: d % 2 === 0 ? { limits: { cpu: '500m', memory: '256Mi' } } : {},
          securityContext: d % 50 === 0 ? { privileged: true } : { allowPrivilegeEscalation: false },
        },
      ],
      volumes: d % 100 === 0 ? [{ name: 'logs', hostPath: { path: '/var/log' } }] : [],
    },
  });
  await list('Deployment', DEPLOYMENTS, (d) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: `app-${d}`, namespace: ns(d), uid: `dep-${d}` },
    spec: { replicas: 5, selector: { matchLabels: labels(d) }, template: template(d) },
  }));
  await list('ReplicaSet', DEPLOYMENTS, (d) => ({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `app-${d}-5f7c9`,
      namespace: ns(d),
      uid: `rs-${d}`,
      ownerReferences: [
        { apiVersion: 'apps/v1', kind: 'Deployment', name: `app-${d}`, uid: `dep-${d}`, controller: true },
      ],
    },
    spec: { replicas: 5, selector: { matchLabels: labels(d) }, template: template(d) },
  }));
  await list('Pod', PODS, (p) => {
    const d = p % DEPLOYMENTS;
    const t = template(d);
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `app-${d}-5f7c9-${p}`,
        namespace: ns(d),
        labels: { ...labels(d), 'pod-template-hash': '5f7c9' },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: `app-${d}-5f7c9`,
            uid: `rs-${d}`,
            controller: true,
          },
        ],
      },
      spec: { ...t.spec, nodeName: `node-${3 + (p % (NODES - 3))}` },
      status: { podIP: `10.2.${(p >> 8) & 255}.${p & 255}`, phase: 'Running' },
    };
  });
  await list('Service', DEPLOYMENTS, (d) => ({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: `app-${d}`, namespace: ns(d) },
    spec: {
      type: d % 1000 === 0 ? 'LoadBalancer' : 'ClusterIP',
      selector: labels(d),
      ports: [{ port: 80, targetPort: 'http' }],
    },
  }));
  await list('ServiceAccount', NAMESPACES * 5, (i) => ({
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name: `sa-${i % 5}`, namespace: ns(Math.floor(i / 5)) },
  }));
  await list('Role', NAMESPACES, (i) => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'app', namespace: ns(i) },
    rules: [{ apiGroups: [''], resources: ['configmaps', 'secrets'], verbs: ['get', 'list'] }],
  }));
  await list('RoleBinding', BINDINGS, (i) => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: `app-${i}`, namespace: ns(i) },
    roleRef: {
      apiGroup: 'rbac.authorization.k8s.io',
      kind: i % 10 === 0 ? 'ClusterRole' : 'Role',
      name: i % 10 === 0 ? 'edit' : 'app',
    },
    subjects: [{ kind: 'ServiceAccount', name: `sa-${i % 5}`, namespace: ns(i) }],
  }));
  await list('ClusterRole', 2, (i) => ({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: i === 0 ? 'edit' : 'cluster-admin' },
    rules:
      i === 0
        ? [{ apiGroups: ['', 'apps'], resources: ['pods', 'deployments', 'secrets'], verbs: ['*'] }]
        : [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }],
  }));
  await list('DaemonSet', 1, () => ({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'calico-node', namespace: 'kube-system' },
    spec: {
      selector: { matchLabels: { k8s: 'calico-node' } },
      template: {
        metadata: { labels: { k8s: 'calico-node' } },
        spec: {
          hostNetwork: true,
          containers: [
            {
              name: 'calico-node',
              image: 'docker.io/calico/node:v3.28.1',
              securityContext: { privileged: true },
            },
          ],
        },
      },
    },
  }));
  const resources = RESOURCE_TYPES.map((rt) => ({
    resource: resourceId(rt),
    kind: rt.kind,
    state: counts.has(rt.kind) ? 'read' : rt.optional === true ? 'not-served' : 'read',
    count: counts.get(rt.kind) ?? 0,
  }));
  for (const r of resources)
    if (r.state === 'read' && !counts.has(r.kind)) await writeList(dir, `${r.resource}.json`, 0, () => ({}));
  await writeFile(
    path.join(dir, 'snapshot.json'),
    JSON.stringify({
      apiVersion: 'ktm.dev/v1alpha1',
      kind: 'Snapshot',
      cluster: { name: 'reference-scale' },
      serverVersion: { major: '1', minor: '30', gitVersion: 'v1.30.4' },
      collectedAt: '2026-11-26T00:00:00Z',
      ktmVersion: '0.1.0',
      coverage: { resources, facts: [] },
    }),
  );
}

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ktm-bench-scale-'));
  try {
    let t = performance.now();
    await generate(dir);
    console.log(
      `generated snapshot: ${NODES} nodes, ${PODS} pods, ${NAMESPACES} namespaces, ${DEPLOYMENTS} deployments, ${BINDINGS} rolebindings in ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );
    t = performance.now();
    const inv = await loadInventory({ kind: 'paths', paths: [dir] });
    const read = (performance.now() - t) / 1000;
    console.log(
      `read + settings: ${read.toFixed(1)} s (${inv.items.length} objects, ${inv.diagnostics.length} diagnostics)`,
    );
    t = performance.now();
    const a = assess(inv);
    const assessed = (performance.now() - t) / 1000;
    console.log(
      `assess (rules, model, reachability, privilege graph, attack paths): ${assessed.toFixed(1)} s — ` +
        `${a.findings.length} findings, ${a.model.components.length} components, ${a.model.flows.length} flows, ` +
        `${a.model.zones.length} zones, ${a.attackGraph.totalEdges} attack edges, ${a.attackGraph.totalPaths} paths`,
    );
    console.log(`total ${(read + assessed).toFixed(1)} s, peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB`);
  } finally {
    clearInterval(sampler);
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
