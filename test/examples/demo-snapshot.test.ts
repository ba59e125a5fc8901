// The bundled example cluster is a valid snapshot, internally consistent, and exactly what its generator produces.
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { RESOURCE_TYPES, resourceId, WANTED_CONFIGMAPS } from '../../src/collect/resource-types.js';
import { COVERAGE_STATES, type Coverage } from '../../src/collect/coverage.js';
import type { InventoryItem } from '../../src/collect/inventory.js';
import { writeSnapshot } from '../../src/collect/snapshot/write-snapshot.js';
import { demoPaths } from '../../src/collect/demo.js';
import { buildDemo, DEMO_EXTRA_CONFIGMAPS } from '../../scripts/build-demo.js';

interface Meta {
  name: string;
  namespace?: string;
  uid?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }[];
  managedFields?: unknown;
}
interface Obj {
  apiVersion: string;
  kind: string;
  metadata: Meta;
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  [k: string]: unknown;
}
interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string } } }[];
  ports?: { name?: string; containerPort: number }[];
}
interface PodSpec {
  nodeName: string;
  hostNetwork?: boolean;
  serviceAccountName: string;
  containers: Container[];
  initContainers?: Container[];
  volumes?: { name: string; secret?: { secretName: string }; persistentVolumeClaim?: { claimName: string } }[];
}
interface ResourceEntry {
  resource: string;
  kind: string;
  state: string;
  count: number;
  reason?: string;
}

const demo = demoPaths();
const snapshotDir = demo.snapshot;
const nodeDir = demo.nodeFiles[0]!;
const demoRoot = path.dirname(snapshotDir);

function readList(file: string): Obj[] {
  const list = JSON.parse(readFileSync(path.join(snapshotDir, file), 'utf8')) as { items: Obj[] };
  return list.items;
}
const manifest = JSON.parse(readFileSync(path.join(snapshotDir, 'snapshot.json'), 'utf8')) as {
  apiVersion: string;
  kind: string;
  cluster: { name: string; server: string };
  serverVersion: { major: string; minor: string; gitVersion: string };
  coverage: { resources: ResourceEntry[]; facts: { fact: string; state: string }[] };
};
const all = new Map<string, Obj[]>();
for (const rt of RESOURCE_TYPES) {
  const entry = manifest.coverage.resources.find((c) => c.resource === resourceId(rt));
  if (entry?.state === 'read') all.set(rt.kind, readList(`${resourceId(rt)}.json`));
}
const ofKind = (kind: string): Obj[] => all.get(kind) ?? [];
const key = (o: Obj): string => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
const find = (kind: string, ns: string | undefined, name: string): Obj | undefined =>
  ofKind(kind).find((o) => o.metadata.name === name && (o.metadata.namespace ?? '') === (ns ?? ''));
const podSpec = (p: Obj): PodSpec => p.spec as unknown as PodSpec;
const pods = ofKind('Pod');

describe('the generator', () => {
  it('produces exactly the committed snapshot (run `node dist/scripts/build-demo.js` after editing the sources)', () => {
    const files = buildDemo(demoRoot);
    expect([...files.keys()].sort()).toEqual(readdirSync(snapshotDir).sort());
    for (const [name, content] of files) expect(readFileSync(path.join(snapshotDir, name), 'utf8'), name).toBe(content);
  });
});

describe('snapshot format (docs/snapshot-format.md)', () => {
  it('has a manifest naming the cluster and a v1.30 server', () => {
    expect(manifest.apiVersion).toBe('ktm.dev/v1alpha1');
    expect(manifest.kind).toBe('Snapshot');
    expect(manifest.cluster.name).toBe('lab');
    expect(manifest.serverVersion.minor).toBe('30');
    expect(manifest.serverVersion.gitVersion).toMatch(/^v1\.30\.\d+$/);
  });

  it('records every resource type exactly once, with a file exactly when it was read', () => {
    const ids = manifest.coverage.resources.map((c) => c.resource);
    expect(ids.sort()).toEqual(RESOURCE_TYPES.map(resourceId).sort());
    const files = new Set(readdirSync(snapshotDir));
    for (const c of manifest.coverage.resources) {
      expect(COVERAGE_STATES).toContain(c.state);
      expect(files.has(`${c.resource}.json`), c.resource).toBe(c.state === 'read');
      if (c.state === 'read') expect(readList(`${c.resource}.json`).length, c.resource).toBe(c.count);
      else expect(c.reason, c.resource).toBeTruthy();
    }
    expect(files.size).toBe(manifest.coverage.resources.filter((c) => c.state === 'read').length + 1);
  });

  it('marks PodSecurityPolicy and the Gateway/AdminNetworkPolicy APIs not served and CSRs read', () => {
    const state = (r: string): string | undefined => manifest.coverage.resources.find((c) => c.resource === r)?.state;
    expect(state('podsecuritypolicies.policy')).toBe('not-served');
    for (const r of [
      'gateways.gateway.networking.k8s.io',
      'httproutes.gateway.networking.k8s.io',
      'adminnetworkpolicies.policy.networking.k8s.io',
      'baselineadminnetworkpolicies.policy.networking.k8s.io',
    ])
      expect(state(r), r).toBe('not-served');
    expect(state('certificatesigningrequests.certificates.k8s.io')).toBe('read');
    expect(ofKind('CertificateSigningRequest').length).toBeGreaterThan(0);
  });

  it('writes Lists of items that carry apiVersion, kind and name, of the file’s kind, sorted by namespace then name', () => {
    for (const rt of RESOURCE_TYPES) {
      const items = all.get(rt.kind);
      if (items === undefined) continue;
      const raw = readFileSync(path.join(snapshotDir, `${resourceId(rt)}.json`), 'utf8');
      expect(raw, 'pretty-printed with two spaces').toBe(JSON.stringify(JSON.parse(raw), null, 2) + '\n');
      for (const o of items) {
        expect(typeof o.apiVersion).toBe('string');
        expect(o.kind).toBe(rt.kind);
        expect(o.metadata.name.length).toBeGreaterThan(0);
        expect(o.metadata.namespace !== undefined, key(o)).toBe(rt.namespaced);
        expect(o.apiVersion === 'v1' ? '' : o.apiVersion.split('/')[0]).toBe(rt.group);
      }
      const order = items.map((o) => `${o.metadata.namespace ?? ''}\u0000${o.metadata.name}`);
      expect(order, rt.resource).toEqual([...order].sort((a, b) => a.localeCompare(b)));
    }
  });

  it('holds no secret values, managed fields, last-applied configuration or generator annotations', () => {
    for (const s of ofKind('Secret')) {
      for (const k of Object.keys(s)) expect(['apiVersion', 'kind', 'metadata', 'type'], key(s)).toContain(k);
    }
    for (const items of all.values())
      for (const o of items) {
        expect(o.metadata.managedFields, key(o)).toBeUndefined();
        for (const a of Object.keys(o.metadata.annotations ?? {})) {
          expect(a).not.toBe('kubectl.kubernetes.io/last-applied-configuration');
          expect(a.startsWith('demo.ktm.dev/'), `${key(o)} ${a}`).toBe(false);
        }
      }
    const text = readdirSync(snapshotDir)
      .map((f) => readFileSync(path.join(snapshotDir, f), 'utf8'))
      .join('\n');
    expect(text).not.toMatch(/"(data|stringData)":\s*\{[^}]*"(password|token|tls\.key)"/);
  });

  it('is byte for byte what the snapshot writer of `ktm collect` writes for the same objects', async () => {
    const items: InventoryItem[] = [];
    for (const list of all.values()) for (const o of list) items.push({ object: o, source: { file: 'demo' } });
    const out = await mkdtemp(path.join(tmpdir(), 'ktm-demo-'));
    try {
      await writeSnapshot(out, {
        cluster: { name: 'lab', server: manifest.cluster.server, serverVersion: manifest.serverVersion, collectedAt: '2026-11-20T10:00:00Z' },
        items,
        coverage: { mode: 'snapshot', ...(manifest.coverage as unknown as Pick<Coverage, 'resources' | 'facts'>) },
        diagnostics: [],
      });
      expect(readdirSync(out).sort()).toEqual(readdirSync(snapshotDir).sort());
      for (const f of readdirSync(out)) {
        if (f === 'snapshot.json') {
          const { ktmVersion: _a, ...written } = JSON.parse(readFileSync(path.join(out, f), 'utf8')) as Record<string, unknown>;
          const { ktmVersion: _b, ...ours } = manifest as unknown as Record<string, unknown>;
          expect(written).toEqual(ours);
        } else expect(readFileSync(path.join(out, f), 'utf8'), f).toBe(readFileSync(path.join(snapshotDir, f), 'utf8'));
      }
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  });

  it('keeps only the ConfigMaps ktm collects (plus the one named with --configmap)', () => {
    for (const cm of ofKind('ConfigMap')) {
      const k = `${cm.metadata.namespace ?? ''}/${cm.metadata.name}`;
      expect([...WANTED_CONFIGMAPS, ...DEMO_EXTRA_CONFIGMAPS], k).toContain(k);
    }
  });
});

describe('consistency of the example cluster', () => {
  it('gives every object a unique uid', () => {
    const seen = new Map<string, string>();
    for (const items of all.values())
      for (const o of items) {
        const uid = o.metadata.uid;
        expect(uid, key(o)).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        expect(seen.get(uid!), `${key(o)} shares its uid`).toBeUndefined();
        seen.set(uid!, key(o));
      }
  });

  it('resolves every ownerReference by kind, name and uid', () => {
    let checked = 0;
    for (const items of all.values())
      for (const o of items)
        for (const ref of o.metadata.ownerReferences ?? []) {
          const owner = find(ref.kind, ref.kind === 'Node' ? undefined : o.metadata.namespace, ref.name);
          expect(owner, `${key(o)} → ${ref.kind}/${ref.name}`).toBeDefined();
          expect(owner!.metadata.uid, `${key(o)} → ${ref.kind}/${ref.name}`).toBe(ref.uid);
          checked += 1;
        }
    expect(checked).toBeGreaterThan(40);
  });

  it('chains every Deployment pod through its ReplicaSet to the Deployment, with the template hash label', () => {
    for (const d of ofKind('Deployment')) {
      const rss = ofKind('ReplicaSet').filter((rs) => rs.metadata.ownerReferences?.[0]?.uid === d.metadata.uid);
      expect(rss, key(d)).toHaveLength(1);
      const rs = rss[0]!;
      const owned = pods.filter((p) => p.metadata.ownerReferences?.[0]?.uid === rs.metadata.uid);
      expect(owned.length, key(d)).toBe((d.spec as { replicas: number }).replicas);
      for (const p of owned) {
        expect(p.metadata.labels?.['pod-template-hash']).toBe(rs.metadata.labels?.['pod-template-hash']);
        const sel = (d.spec as { selector: { matchLabels: Record<string, string> } }).selector.matchLabels;
        for (const [k, v] of Object.entries(sel)) expect(p.metadata.labels?.[k], `${key(p)} ${k}`).toBe(v);
      }
    }
  });

  it('owns every pod by a controller or, for mirror pods, by the node', () => {
    for (const p of pods) {
      const refs = p.metadata.ownerReferences ?? [];
      expect(refs, key(p)).toHaveLength(1);
      expect(['ReplicaSet', 'DaemonSet', 'StatefulSet', 'Job', 'Node']).toContain(refs[0]!.kind);
    }
  });

  it('places every pod on a node, with that node’s address and an IP from its pod CIDR', () => {
    const nodes = new Map(ofKind('Node').map((n) => [n.metadata.name, n]));
    for (const p of pods) {
      const spec = podSpec(p);
      const node = nodes.get(spec.nodeName);
      expect(node, `${key(p)} on ${spec.nodeName}`).toBeDefined();
      const addresses = (node!.status as { addresses: { type: string; address: string }[] }).addresses;
      const ip = addresses.find((a) => a.type === 'InternalIP')!.address;
      const status = p.status as { hostIP: string; podIP: string };
      expect(status.hostIP, key(p)).toBe(ip);
      if (spec.hostNetwork === true) expect(status.podIP, key(p)).toBe(ip);
      else {
        const cidr = (node!.spec as { podCIDR: string }).podCIDR.replace(/0\/24$/, '');
        expect(status.podIP.startsWith(cidr), `${key(p)} ${status.podIP} in ${cidr}0/24`).toBe(true);
      }
    }
    const running = pods.filter((p) => (p.status as { phase: string }).phase === 'Running');
    const ips = running.filter((p) => podSpec(p).hostNetwork !== true).map((p) => (p.status as { podIP: string }).podIP);
    expect(new Set(ips).size).toBe(ips.length);
  });

  it('keeps ordinary workloads off the tainted control-plane node', () => {
    for (const p of pods) {
      if (podSpec(p).nodeName !== 'lab-cp-1') continue;
      const owner = p.metadata.ownerReferences![0]!;
      expect(['Node', 'DaemonSet'], key(p)).toContain(owner.kind);
    }
  });

  it('refers only to service accounts, secrets and claims that exist', () => {
    for (const p of pods) {
      const spec = podSpec(p);
      const ns = p.metadata.namespace;
      if (p.metadata.ownerReferences?.[0]?.kind !== 'Node')
        expect(find('ServiceAccount', ns, spec.serviceAccountName), key(p)).toBeDefined();
      for (const c of [...spec.containers, ...(spec.initContainers ?? [])])
        for (const e of c.env ?? [])
          if (e.valueFrom?.secretKeyRef) expect(find('Secret', ns, e.valueFrom.secretKeyRef.name), key(p)).toBeDefined();
      for (const v of spec.volumes ?? []) {
        if (v.secret) expect(find('Secret', ns, v.secret.secretName), `${key(p)} ${v.name}`).toBeDefined();
        if (v.persistentVolumeClaim)
          expect(find('PersistentVolumeClaim', ns, v.persistentVolumeClaim.claimName), key(p)).toBeDefined();
      }
    }
  });

  it('binds only roles that exist', () => {
    for (const b of [...ofKind('RoleBinding'), ...ofKind('ClusterRoleBinding')]) {
      const ref = b['roleRef'] as { kind: string; name: string };
      const role = ref.kind === 'ClusterRole' ? find('ClusterRole', undefined, ref.name) : find('Role', b.metadata.namespace, ref.name);
      expect(role, `${key(b)} → ${ref.kind}/${ref.name}`).toBeDefined();
    }
  });

  it('points every EndpointSlice at its Service and at running pods with the right IP and resolved ports', () => {
    for (const s of ofKind('EndpointSlice')) {
      const svcName = s.metadata.labels?.['kubernetes.io/service-name'];
      expect(find('Service', s.metadata.namespace, svcName ?? ''), key(s)).toBeDefined();
      for (const e of s['endpoints'] as { addresses: string[]; targetRef?: { name: string; uid: string } }[]) {
        if (e.targetRef === undefined) continue;
        const pod = find('Pod', s.metadata.namespace, e.targetRef.name);
        expect(pod?.metadata.uid, key(s)).toBe(e.targetRef.uid);
        expect(e.addresses).toEqual([(pod!.status as { podIP: string }).podIP]);
      }
      for (const p of s['ports'] as { port: unknown }[]) expect(typeof p.port, key(s)).toBe('number');
    }
    for (const svc of ofKind('Service')) {
      if ((svc.spec as { selector?: unknown }).selector === undefined && svc.metadata.name !== 'kubernetes') continue;
      const slices = ofKind('EndpointSlice').filter(
        (s) =>
          s.metadata.namespace === svc.metadata.namespace &&
          s.metadata.labels?.['kubernetes.io/service-name'] === svc.metadata.name,
      );
      expect(slices.length, key(svc)).toBe(1);
      expect((slices[0]!['endpoints'] as unknown[]).length, `${key(svc)} has endpoints`).toBeGreaterThan(0);
    }
  });

  it('binds the hostPath PersistentVolume to its claim both ways', () => {
    for (const pvc of ofKind('PersistentVolumeClaim')) {
      const pv = find('PersistentVolume', undefined, (pvc.spec as { volumeName: string }).volumeName);
      const claimRef = (pv!.spec as { claimRef: { uid: string; name: string } }).claimRef;
      expect(claimRef.uid).toBe(pvc.metadata.uid);
      expect((pvc.status as { phase: string }).phase).toBe('Bound');
    }
  });
});

describe('the control-plane node files', () => {
  const manifestsDir = path.join(nodeDir, 'etc', 'kubernetes', 'manifests');
  const docs = (file: string): unknown[] =>
    parseAllDocuments(readFileSync(file, 'utf8'), { version: '1.1' }).map((d) => d.toJS() as unknown);

  it('has one mirror pod per static manifest, with the same image, command and arguments', () => {
    const files = readdirSync(manifestsDir).filter((f) => f.endsWith('.yaml'));
    expect(files.sort()).toEqual(['etcd.yaml', 'kube-apiserver.yaml', 'kube-controller-manager.yaml', 'kube-scheduler.yaml']);
    for (const f of files) {
      const m = docs(path.join(manifestsDir, f))[0] as Obj;
      const mirror = find('Pod', 'kube-system', `${m.metadata.name}-lab-cp-1`);
      expect(mirror, f).toBeDefined();
      expect(mirror!.metadata.annotations?.['kubernetes.io/config.mirror'], f).toBeTruthy();
      const want = (m.spec as unknown as PodSpec).containers;
      const got = podSpec(mirror!).containers;
      expect(got.map((c) => [c.name, c.image, c.command, c.args])).toEqual(
        want.map((c) => [c.name, c.image, c.command, c.args]),
      );
    }
  });

  it('holds only obviously fake certificate and key material', () => {
    const etc = path.join(nodeDir, 'etc', 'kubernetes');
    for (const f of readdirSync(etc).filter((n) => n.endsWith('.conf'))) {
      const text = readFileSync(path.join(etc, f), 'utf8');
      for (const m of text.matchAll(/-data:\s*(\S+)/g))
        expect(Buffer.from(m[1]!, 'base64').toString(), f).toMatch(/^DEMO-NOT-A-REAL-(CERT|KEY)$/);
    }
    const enc = readFileSync(path.join(etc, 'enc', 'encryption-config.yaml'), 'utf8');
    for (const m of enc.matchAll(/secret:\s*(\S+)/g))
      expect(Buffer.from(m[1]!, 'base64').toString()).toMatch(/^DEMO-NOT-A-REAL-KEY/);
    const everything = readdirSync(nodeDir, { recursive: true, encoding: 'utf8' })
      .map((f) => path.join(nodeDir, f))
      .filter((f) => /\.(ya?ml|conf|env)$/.test(f))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    expect(everything).not.toMatch(/BEGIN [A-Z ]*PRIVATE KEY/);
  });
});
