// Benchmark: reachability on a generated cluster at the reference scale (150,000 pods, 10,000 namespaces, 10,000 NetworkPolicies).
// Run: npm run build && node dist/bench/reachability.js [pods] [policies]
import { Inventory, type KubeObject } from '../src/collect/inventory.js';
import { computeReachability, type ReachPeer } from '../src/analysis/network-policy/reachability.js';
import { isEmpty } from '../src/analysis/network-policy/conn-set.js';

const PODS = Number(process.argv[2] ?? 150_000);
const POLICIES = Number(process.argv[3] ?? 10_000);
const NAMESPACES = 10_000;
const APPS = ['frontend', 'backend', 'db'] as const;

function generate(): KubeObject[] {
  const objs: KubeObject[] = [];
  for (let n = 0; n < NAMESPACES; n++)
    objs.push({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: `ns-${n}`, labels: { team: `team-${n % 50}`, env: n % 3 === 0 ? 'prod' : 'dev' } },
    });
  for (let i = 0; i < PODS; i++) {
    const n = i % NAMESPACES;
    const app = APPS[Math.floor(i / NAMESPACES) % APPS.length]!;
    const rs = `${app}-${(n * 7919) % 100000}`;
    objs.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `${rs}-${i}`,
        namespace: `ns-${n}`,
        // A per-pod label no selector reads: class folding must ignore it.
        labels: { app, 'pod-template-hash': `${(n * 7919) % 100000}`, 'pod-name': `${rs}-${i}` },
        ownerReferences: [{ kind: 'ReplicaSet', name: rs, controller: true }],
      },
      spec: {
        containers: [
          {
            name: app,
            image: `example/${app}:1`,
            ports: [
              { name: 'http', containerPort: 8080 },
              { name: 'metrics', containerPort: 9100 },
            ],
          },
        ],
      },
    });
  }
  for (let p = 0; p < POLICIES; p++) {
    const n = p % NAMESPACES;
    const ns = `ns-${n}`;
    let spec: Record<string, unknown>;
    switch (p % 4) {
      case 0:
        spec = { podSelector: {}, policyTypes: ['Ingress', 'Egress'] };
        break;
      case 1:
        spec = {
          podSelector: { matchLabels: { app: 'backend' } },
          ingress: [
            { from: [{ podSelector: { matchLabels: { app: 'frontend' } } }], ports: [{ port: 'http' }] },
          ],
        };
        break;
      case 2:
        spec = {
          podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['db', 'backend'] }] },
          ingress: [
            {
              from: [
                {
                  namespaceSelector: { matchLabels: { team: `team-${n % 50}` } },
                  podSelector: { matchLabels: { app: 'backend' } },
                },
              ],
              ports: [{ port: 5432 }, { port: 'metrics' }],
            },
          ],
          egress: [
            { to: [{ namespaceSelector: {} }], ports: [{ port: 53, protocol: 'UDP' }] },
            { to: [{ ipBlock: { cidr: `10.${n % 256}.0.0/16`, except: [`10.${n % 256}.1.0/24`] } }] },
          ],
        };
        break;
      default:
        spec = {
          podSelector: { matchLabels: { app: 'frontend' } },
          ingress: [
            {
              from: [
                { ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } },
                { namespaceSelector: { matchLabels: { env: 'prod' } } },
              ],
              ports: [{ port: 8080, endPort: 8090 }],
            },
          ],
        };
    }
    objs.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: `np-${p}`, namespace: ns },
      spec,
    });
  }
  objs.push({
    apiVersion: 'policy.networking.k8s.io/v1alpha1',
    kind: 'AdminNetworkPolicy',
    metadata: { name: 'protect-prod-db' },
    spec: {
      priority: 10,
      subject: {
        pods: {
          namespaceSelector: { matchLabels: { env: 'prod' } },
          podSelector: { matchLabels: { app: 'db' } },
        },
      },
      ingress: [{ action: 'Deny', from: [{ namespaces: { matchLabels: { env: 'dev' } } }] }],
    },
  });
  return objs;
}

// Wall and CPU time: on a shared machine the wall clock includes waiting for the CPU.
const cpuAt = new Map<bigint, NodeJS.CpuUsage>();
function mark(): bigint {
  const t = process.hrtime.bigint();
  cpuAt.set(t, process.cpuUsage());
  return t;
}
function ms(start: bigint): string {
  const cpu = process.cpuUsage(cpuAt.get(start));
  return `${(Number(process.hrtime.bigint() - start) / 1e6).toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU`;
}

const t0 = mark();
const objects = generate();
const inv = new Inventory({
  cluster: { name: 'bench' },
  items: objects.map((object) => ({ object, source: { file: 'bench' } })),
  coverage: { mode: 'manifests', resources: [], facts: [] },
});
console.log(
  `generated ${PODS} pods, ${NAMESPACES} namespaces, ${POLICIES} NetworkPolicies + 1 ANP: ${ms(t0)}`,
);

const t1 = mark();
const reach = computeReachability(inv, {
  plugin: { plugin: 'calico', enforces: 'yes', evidence: [], detected: [] },
});
console.log(
  `reachability built (classes, selector indexes, policies applied): ${ms(t1)} — ${reach.endpointCount} pods in ${reach.classCount} classes, ${reach.workloads.length} workloads, ${reach.externalSources.length}+${reach.externalDestinations.length} external ranges`,
);

const peers: ReachPeer[] = reach.workloads.map((workload) => ({ kind: 'workload', workload }));
let seed = 42;
const rnd = (n: number): number => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed % n;
};
const t2 = mark();
let open = 0;
const Q = 100_000;
for (let q = 0; q < Q; q++)
  if (!isEmpty(reach.allowed(peers[rnd(peers.length)]!, peers[rnd(peers.length)]!, 'effective'))) open++;
console.log(`${Q} random workload-pair queries: ${ms(t2)} (${open} open)`);

const t3 = mark();
// A frontend in a namespace whose policy (type 1) isolates only the backend: it reaches a good part of the cluster.
const src =
  peers.find(
    (p) => p.kind === 'workload' && p.workload.namespace === 'ns-1' && p.workload.name.startsWith('frontend'),
  ) ?? peers[0]!;
let reachable = 0;
for (const d of peers) if (d !== src && !isEmpty(reach.allowed(src, d, 'effective'))) reachable++;
for (const r of reach.externalDestinations)
  if (!isEmpty(reach.allowed(src, { kind: 'external', range: r }, 'effective'))) reachable++;
console.log(
  `one workload's full row (${peers.length} workloads + ${reach.externalDestinations.length} ranges): ${ms(t3)} (${reachable} reachable)`,
);

const t4 = mark();
let inbound = 0;
for (const s of peers) if (s !== src && !isEmpty(reach.allowed(s, src, 'effective'))) inbound++;
console.log(`one workload's full column: ${ms(t4)} (${inbound} can reach it)`);
console.log(`total: ${ms(t0)}; heap used ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MiB`);

// The full connlist is quadratic in workloads: measure it on a slice (the first namespaces' workloads).
const SLICE = Number(process.argv[4] ?? 0);
if (SLICE > 0) {
  const keep = new Set(Array.from({ length: SLICE }, (_, i) => `ns-${i}`));
  const small = objects.filter((o) => o.kind !== 'Pod' || keep.has(o.metadata.namespace ?? ''));
  const sinv = new Inventory({
    cluster: { name: 'bench-slice' },
    items: small.map((object) => ({ object, source: { file: 'bench' } })),
    coverage: { mode: 'manifests', resources: [], facts: [] },
  });
  const t5 = mark();
  const sreach = computeReachability(sinv, {
    plugin: { plugin: 'calico', enforces: 'yes', evidence: [], detected: [] },
  });
  const conns = sreach.connections('effective');
  console.log(
    `full connlist of ${sreach.workloads.length} workloads (${sreach.workloads.length ** 2} pairs): ${ms(t5)} (${conns.length} connections)`,
  );
}
