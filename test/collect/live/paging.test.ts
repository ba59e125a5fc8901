// Live paging at scale against the local stand-in API server, serving synthetic list responses: each page is slimmed
// and pooled as it arrives, and the input limits (--max-objects, --max-input-bytes, --max-file-bytes) stop the run.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectLive } from '../../../src/collect/live/collect-live.js';
import { DEFAULT_LIMITS } from '../../../src/collect/limits.js';
import { KtmError } from '../../../src/errors.js';
import { FakeApiServer, writeKubeconfig } from './fake-api-server.js';

const PODS = 1_200;
const REPLICA_SETS = 3;

/** Pod `p` as a list response item: its ReplicaSet's template plus what the kubelet and scheduler give each pod. */
function pod(p: number): object {
  const rs = `web-${p % REPLICA_SETS}-6b7c8d9e0`;
  return {
    metadata: {
      name: `${rs}-${p.toString(36).padStart(5, '0')}`,
      namespace: 'shop',
      uid: `00000000-0000-4000-8000-${String(p).padStart(12, '0')}`,
      resourceVersion: String(5000 + p),
      labels: { app: `web-${p % REPLICA_SETS}`, 'pod-template-hash': '6b7c8d9e0' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs, controller: true }],
      managedFields: [{ manager: 'kube-controller-manager', operation: 'Update', fieldsType: 'FieldsV1' }],
    },
    spec: {
      nodeName: `node-${p % 7}`,
      serviceAccountName: 'web',
      containers: [
        {
          name: 'app',
          image: `registry.example.com/web-${p % REPLICA_SETS}:1.2.3`,
          ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
          env: [
            { name: 'MODE', value: 'production' },
            { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
          ],
          volumeMounts: [
            {
              name: `kube-api-access-${p.toString(36)}`,
              mountPath: '/var/run/secrets/kubernetes.io/serviceaccount',
              readOnly: true,
            },
          ],
        },
      ],
      tolerations: [
        {
          key: 'node.kubernetes.io/not-ready',
          operator: 'Exists',
          effect: 'NoExecute',
          tolerationSeconds: 300,
        },
      ],
    },
    status: {
      phase: 'Running',
      podIP: `10.64.${p >> 8}.${p & 255}`,
      conditions: [{ type: 'Ready', status: 'True' }],
    },
  };
}

/** The pods list, `limit` a page, the continue token being the index of the next pod. */
function servePods(api: FakeApiServer): void {
  api.route('/api/v1/pods', (req) => {
    const limit = Number(req.query.get('limit'));
    const from = Number(req.query.get('continue') ?? '0');
    const to = Math.min(PODS, from + limit);
    const items = Array.from({ length: to - from }, (_, i) => pod(from + i));
    return {
      status: 200,
      body: {
        kind: 'PodList',
        apiVersion: 'v1',
        metadata: { resourceVersion: '9000', ...(to < PODS ? { continue: String(to) } : {}) },
        items,
      },
    };
  });
}

let api: FakeApiServer;
let kubeconfig: string;

beforeEach(async () => {
  api = await FakeApiServer.start();
  kubeconfig = await writeKubeconfig(api.url);
  servePods(api);
});

afterEach(async () => {
  await api.close();
});

type Pod = {
  metadata: { name: string; managedFields?: unknown; resourceVersion?: string };
  spec: {
    nodeName: string;
    tolerations: unknown[];
    containers: { env: unknown[]; ports: unknown[]; volumeMounts: unknown[] }[];
  };
  status: { podIP: string; conditions?: unknown };
};

describe('live paging (synthetic list responses from a local stand-in API server)', () => {
  it('slims every page as it arrives and keeps the parts pods share once, across pages', async () => {
    const result = await collectLive({ kubeconfig });
    expect(api.requestsTo('/api/v1/pods')).toHaveLength(3);
    const pods = result.items.filter((i) => i.object.kind === 'Pod').map((i) => i.object as unknown as Pod);
    expect(pods).toHaveLength(PODS);
    // The parts the templates gave every pod are one value across all pages (the first pod read keeps its own
    // copy: a value holding a string never seen before is not pooled, as it cannot equal anything pooled).
    const distinct = (f: (p: Pod) => unknown): number => new Set(pods.map(f)).size;
    expect(distinct((p) => p.spec.tolerations)).toBe(2);
    expect(distinct((p) => p.spec.containers[0]!.env)).toBe(2);
    expect(distinct((p) => p.spec.containers[0]!.ports)).toBe(2);
    const last = pods[PODS - 1]!;
    expect(last.spec.tolerations).toBe(pods[1]!.spec.tolerations);
    expect(Object.isFrozen(last.spec.tolerations)).toBe(true);
    // What differs per pod stays its own: the token volume's random name, the pod IP.
    expect(distinct((p) => p.spec.containers[0]!.volumeMounts)).toBe(PODS);
    expect(distinct((p) => p.status.podIP)).toBe(PODS);
    // Pods of different ReplicaSets run different images: their containers are different values.
    expect(distinct((p) => p.spec.containers[0])).toBe(PODS);
    // Nothing the analyses do not read is kept.
    for (const p of pods) {
      expect(p.metadata.managedFields).toBeUndefined();
      expect(p.metadata.resourceVersion).toBeUndefined();
      expect(p.status.conditions).toBeUndefined();
    }
  });

  it('stops at --max-objects with one line naming the flag, while paging', async () => {
    const err = await collectLive({ kubeconfig, limits: { ...DEFAULT_LIMITS, maxObjects: 700 } }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(KtmError);
    expect((err as KtmError).line()).toMatch(/more than 700 objects \(the --max-objects limit\)/);
    expect((err as KtmError).line()).toContain('/api/v1/pods');
    // The run stopped on the second page of pods: the third was never asked for.
    expect(api.requestsTo('/api/v1/pods').length).toBeLessThanOrEqual(2);
  });

  it('stops at --max-input-bytes (all responses) and at --max-file-bytes (one response)', async () => {
    const total = await collectLive({
      kubeconfig,
      limits: { ...DEFAULT_LIMITS, maxInputBytes: 600_000 },
    }).catch((e: unknown) => e);
    expect(total).toBeInstanceOf(KtmError);
    expect((total as KtmError).line()).toMatch(
      /more than 600,000 bytes of input \(the --max-input-bytes limit\)/,
    );

    const one = await collectLive({ kubeconfig, limits: { ...DEFAULT_LIMITS, maxFileBytes: 100_000 } }).catch(
      (e: unknown) => e,
    );
    expect(one).toBeInstanceOf(KtmError);
    expect((one as KtmError).line()).toMatch(
      /more than 100,000 bytes in one API response \(the --max-file-bytes limit\)/,
    );
    expect((one as KtmError).line()).toContain('/api/v1/pods');
  });
});
