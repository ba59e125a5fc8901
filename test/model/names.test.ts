// The one name resolver: the names `ktm zones`, `ktm dataflow` and kubectl show, component kinds meaning every
// instance, identities and zones for attack paths, and the closest matches for an unknown name.
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/collect/load.js';
import type { Inventory } from '../../src/collect/inventory.js';
import { deriveModel } from '../../src/model/index.js';
import type { Model } from '../../src/model/types.js';
import {
  closestNames,
  editDistance,
  modelNameCandidates,
  normaliseKindName,
  resolveModelName,
  resolveZone,
  type ModelTarget,
} from '../../src/model/names.js';
import { buildPrivilegeGraph, type PrivilegeGraph } from '../../src/analysis/privilege/build-graph.js';
import { resolveGraphName } from '../../src/analysis/privilege/graph-names.js';
import { vertexLabel } from '../../src/analysis/privilege/attack-graph.js';
import { KtmError } from '../../src/errors.js';
import { runKtm } from '../helpers/capture-io.js';

const FIXTURE = path.join('test', 'fixtures', 'names', 'cluster.yaml');

const ids = (ts: readonly ModelTarget[]): string[] =>
  ts
    .map((t) =>
      t.type === 'zone' ? `zone ${t.zone.id}` : t.type === 'node' ? `node ${t.node}` : t.component.id,
    )
    .sort();

describe('edit distance and closest names', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('kubelet', 'kubelet')).toBe(0);
    expect(editDistance('kubelett', 'kubelet')).toBe(1);
    expect(editDistance('etdc', 'etcd')).toBe(2);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('offers the nearest names first and nothing far away', () => {
    expect(closestNames('kubelett', ['kube-proxy', 'kube-dns', 'kubelet', 'etcd'])).toEqual([
      'kubelet',
      'kube-dns',
    ]);
    expect(closestNames('runner', ['ci-runner', 'web'])).toEqual(['ci-runner']);
    expect(closestNames('zzzzzz', ['etcd', 'web'])).toEqual([]);
  });
});

describe('model names', () => {
  let model: Model;
  beforeAll(async () => {
    model = deriveModel(await loadInventory({ kind: 'paths', paths: [FIXTURE] }));
  });

  it('a component kind means every instance', () => {
    expect(ids(resolveModelName(model, 'etcd', '--stop'))).toEqual(['etcd:cp-1']);
    expect(ids(resolveModelName(model, 'kubelet', '--stop'))).toEqual(['kubelet:cp-1', 'kubelet:worker-1']);
    expect(ids(resolveModelName(model, 'kube-proxy', '--stop'))).toEqual([
      'kube-proxy:cp-1',
      'kube-proxy:worker-1',
    ]);
  });

  it('takes ids, zone names, nodes and kubectl spellings', () => {
    expect(ids(resolveModelName(model, 'kube-apiserver', 'x'))).toEqual(['kube-apiserver']);
    expect(ids(resolveModelName(model, 'ci', 'x'))).toEqual(['zone namespace:ci']);
    expect(ids(resolveModelName(model, 'ns/ci', 'x'))).toEqual(['zone namespace:ci']);
    expect(ids(resolveModelName(model, 'Master Data', 'x'))).toEqual(['zone master-data']);
    expect(ids(resolveModelName(model, 'master data', 'x'))).toEqual(['zone master-data']);
    expect(ids(resolveModelName(model, 'worker-1', 'x'))).toEqual(['node worker-1', 'zone node:worker-1']);
    expect(ids(resolveModelName(model, 'deploy/ci-runner', 'x'))).toEqual([
      'workload:ci/Deployment/ci-runner',
    ]);
    expect(ids(resolveModelName(model, 'deployment.apps/ci-runner', 'x'))).toEqual([
      'workload:ci/Deployment/ci-runner',
    ]);
    expect(ids(resolveModelName(model, 'ci/ci-runner', 'x'))).toEqual(['workload:ci/Deployment/ci-runner']);
    expect(ids(resolveModelName(model, 'svc/web', 'x'))).toEqual(['service:shop/web']);
    // The pods `kubectl get pods -n kube-system` lists name their component.
    expect(ids(resolveModelName(model, 'etcd-cp-1', 'x'))).toEqual(['etcd:cp-1']);
    expect(ids(resolveModelName(model, 'pod/kube-apiserver-cp-1', 'x'))).toEqual(['kube-apiserver']);
    // A bare name shared by a Deployment and its Service means both.
    expect(ids(resolveModelName(model, 'web', 'x'))).toEqual([
      'service:shop/web',
      'workload:shop/Deployment/web',
    ]);
  });

  it('an unknown name is one line naming the closest matches', () => {
    expect(() => resolveModelName(model, 'kubelett', '--stop')).toThrow(KtmError);
    try {
      resolveModelName(model, 'kubelett', '--stop');
    } catch (err) {
      const line = (err as KtmError).line();
      expect(line).toMatch(/^--stop: nothing named 'kubelett' \(did you mean 'kubelet'/);
      expect(line).not.toContain('\n');
    }
  });

  it('resolves every spelling, in order, as a scan of every candidate does (the index and the id shortcut change nothing)', () => {
    const candidates = modelNameCandidates(model);
    // The resolver's rule written as a scan: exact, then case-insensitive, then kubectl's kind spelling; lowest tier.
    const scan = (typed: string): ModelTarget[] | undefined => {
      const input = typed.trim();
      const kind = normaliseKindName(input)?.toLowerCase();
      const attempts = [
        (n: string) => n === input,
        (n: string) => n.toLowerCase() === input.toLowerCase(),
        ...(kind === undefined ? [] : [(n: string) => n.toLowerCase() === kind]),
      ];
      for (const m of attempts) {
        const hits = candidates.filter((c) => c.names.some(m));
        if (hits.length === 0) continue;
        const tier = Math.min(...hits.map((h) => h.tier));
        return hits.filter((h) => h.tier === tier).map((h) => h.target);
      }
      return undefined;
    };
    const spellings = [...new Set(candidates.flatMap((c) => c.names))];
    const typed = [
      ...spellings,
      ...spellings.map((n) => n.toUpperCase()),
      ...spellings.map((n) => ` ${n} `),
      'DEPLOY/ci-runner',
      'po/etcd-cp-1',
    ];
    expect(spellings.length).toBeGreaterThan(50);
    for (const t of typed) {
      const want = scan(t);
      if (want === undefined) expect(() => resolveModelName(model, t, 'x')).toThrow(KtmError);
      else expect(resolveModelName(model, t, 'x'), t).toEqual(want);
    }
  });

  it('--zone takes a zone by any of its names, and nothing else', () => {
    expect(resolveZone(model, 'CI', '--zone').id).toBe('namespace:ci');
    expect(() => resolveZone(model, 'etcd', '--zone')).toThrow(/nothing named 'etcd'/);
  });
});

describe('attack-graph names', () => {
  let inv: Inventory;
  let pg: PrivilegeGraph;
  let context: { model: Model; inventory: Inventory };
  const labels = (sel: string): string[] =>
    resolveGraphName(pg, sel, '--from', context).map((id) => vertexLabel(pg.graph.vertices[id]!));
  beforeAll(async () => {
    inv = await loadInventory({ kind: 'paths', paths: [FIXTURE] });
    pg = buildPrivilegeGraph(inv);
    context = { model: deriveModel(inv), inventory: inv };
  });

  it('takes identities as people write them', () => {
    expect(labels('cluster-admin')).toEqual(['PermissionSet/cluster-admin']);
    expect(labels('ClusterRole/cluster-admin')).toEqual(['PermissionSet/cluster-admin']);
    expect(labels('ServiceAccount/ci/ci-deployer')).toEqual(['ServiceAccount/ci/ci-deployer']);
    expect(labels('sa/ci/ci-deployer')).toEqual(['ServiceAccount/ci/ci-deployer']);
    expect(labels('ci-deployer')).toEqual(['ServiceAccount/ci/ci-deployer']);
  });

  it('a namespace zone stands for what is in it; a workload for its pods; a node for its host', () => {
    expect(labels('ci')).toEqual(
      expect.arrayContaining(['ServiceAccount/ci/ci-deployer', 'Pod/ci/ci-runner-abc12']),
    );
    expect(labels('ci').every((l) => l.split('/')[1] === 'ci')).toBe(true);
    expect(labels('ci-runner')).toEqual(['Pod/ci/ci-runner-abc12']);
    expect(labels('worker-1')).toEqual(['Node/worker-1']);
  });

  it('an unknown identity names the closest', () => {
    const line = (() => {
      try {
        resolveGraphName(pg, 'cluster-admn', '--to', context);
        return 'resolved';
      } catch (err) {
        return (err as KtmError).line();
      }
    })();
    expect(line).toMatch(/^--to: nothing named 'cluster-admn' \(did you mean 'cluster-admin'/);
  });
});

describe('commands take the same names', () => {
  it('what-if --stop etcd and kube-proxy stop every instance', async () => {
    const r = await runKtm(['what-if', FIXTURE, '--stop', 'kube-proxy', '-o', 'json']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { stopped: string[] }).stopped).toEqual([
      'kube-proxy:cp-1',
      'kube-proxy:worker-1',
    ]);
    expect((await runKtm(['what-if', FIXTURE, '--stop', 'etcd'])).code).toBe(0);
  });

  it('paths --from a zone --to an identity finds the binding', async () => {
    const r = await runKtm(['paths', FIXTURE, '--from', 'ci', '--to', 'cluster-admin']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(
      'ServiceAccount/ci/ci-deployer --PERMISSION_DISCOVER--> PermissionSet/cluster-admin',
    );
  });

  it('rra and --zone take a component kind and a zone name; an unknown name exits 2 with one line', async () => {
    expect((await runKtm(['rra', 'etcd', FIXTURE])).stdout).toContain('# Rapid Risk Assessment: etcd (cp-1)');
    expect((await runKtm(['zones', FIXTURE, '--zone', 'ci'])).code).toBe(0);
    const r = await runKtm(['what-if', FIXTURE, '--complete', '--stop', 'etdc']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^ktm: --stop: nothing named 'etdc' \(did you mean 'etcd'/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
