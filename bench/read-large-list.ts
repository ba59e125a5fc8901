// Benchmark: a `kubectl get pods -A -o json` List of N realistic pods (default 150,000) read by readPaths.
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { readPaths } from '../src/collect/manifests/read-paths.js';

/** One pod shaped like a real Deployment's pod: owner, probes, projected token volume, status. */
function pod(i: number): unknown {
  const ns = `team-${i % 10_000}`;
  const rs = `web-${i % 5000}-7d9f8c6b5`;
  const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  const time = '2026-11-20T10:00:00Z';
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${rs}-${i.toString(36).padStart(5, '0')}`,
      namespace: ns,
      uid: `5c1f0e2a-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
      resourceVersion: String(1_000_000 + i),
      creationTimestamp: time,
      generateName: `${rs}-`,
      labels: { app: 'web', 'pod-template-hash': '7d9f8c6b5', 'app.kubernetes.io/part-of': 'shop' },
      annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9090' },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: rs,
          uid: 'a1b2c3',
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
      managedFields: [
        {
          manager: 'kube-controller-manager',
          operation: 'Update',
          apiVersion: 'v1',
          time,
          fieldsType: 'FieldsV1',
        },
      ],
    },
    spec: {
      serviceAccountName: 'web',
      nodeName: `node-${i % 5000}`,
      priority: 0,
      enableServiceLinks: true,
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      schedulerName: 'default-scheduler',
      securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'web',
          image: 'registry.example.com/shop/web:1.27.3',
          imagePullPolicy: 'IfNotPresent',
          args: ['--listen=:8080', '--metrics=:9090'],
          ports: [
            { name: 'http', containerPort: 8080, protocol: 'TCP' },
            { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
          ],
          env: [
            { name: 'MODE', value: 'production' },
            { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'db', key: 'password' } } },
          ],
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
          readinessProbe: { httpGet: { path: '/healthz', port: 8080, scheme: 'HTTP' }, periodSeconds: 10 },
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
          volumeMounts: [
            {
              name: 'kube-api-access',
              mountPath: '/var/run/secrets/kubernetes.io/serviceaccount',
              readOnly: true,
            },
          ],
          terminationMessagePath: '/dev/termination-log',
        },
      ],
      volumes: [
        {
          name: 'kube-api-access',
          projected: {
            defaultMode: 420,
            sources: [
              { serviceAccountToken: { path: 'token', expirationSeconds: 3607 } },
              { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
            ],
          },
        },
      ],
      tolerations: [
        {
          key: 'node.kubernetes.io/not-ready',
          operator: 'Exists',
          effect: 'NoExecute',
          tolerationSeconds: 300,
        },
        {
          key: 'node.kubernetes.io/unreachable',
          operator: 'Exists',
          effect: 'NoExecute',
          tolerationSeconds: 300,
        },
      ],
    },
    status: {
      phase: 'Running',
      hostIP: `10.0.${(i >> 8) & 255}.${i & 255}`,
      podIP: ip,
      podIPs: [{ ip }],
      qosClass: 'Burstable',
      startTime: time,
      conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({
        type,
        status: 'True',
        lastTransitionTime: time,
      })),
      containerStatuses: [
        {
          name: 'web',
          ready: true,
          started: true,
          restartCount: 0,
          image: 'registry.example.com/shop/web:1.27.3',
          imageID: 'registry.example.com/shop/web@sha256:0f4e5d6c7b8a9',
          containerID: `containerd://${i.toString(16).padStart(64, '0')}`,
          state: { running: { startedAt: time } },
        },
      ],
    },
  };
}

/** Writes the List as kubectl does (four-space indentation, kind after items), item by item. */
async function writeList(file: string, n: number): Promise<void> {
  const out = createWriteStream(file);
  const write = async (s: string): Promise<void> => {
    if (!out.write(s)) await once(out, 'drain');
  };
  await write('{\n    "apiVersion": "v1",\n    "items": [\n');
  for (let i = 0; i < n; i++) {
    const json = JSON.stringify(pod(i), null, 4).replace(/\n/g, '\n        ');
    await write(`        ${json}${i === n - 1 ? '\n' : ',\n'}`);
  }
  await write('    ],\n    "kind": "List",\n    "metadata": {\n        "resourceVersion": ""\n    }\n}\n');
  out.end();
  await once(out, 'finish');
}

async function main(): Promise<void> {
  const n = Number(process.argv[2] ?? 150_000);
  if (!Number.isInteger(n) || n <= 0)
    throw new Error(`usage: read-large-list [PODS] (got ${process.argv[2]})`);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ktm-bench-'));
  const file = path.join(dir, 'pods.json');
  try {
    const w0 = performance.now();
    await writeList(file, n);
    const size = (await stat(file)).size;
    console.log(
      `generated ${n} pods: ${(size / 1e6).toFixed(1)} MB in ${((performance.now() - w0) / 1000).toFixed(1)}s`,
    );
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 100);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const result = await readPaths([file], {});
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    console.log(`file size:      ${(size / 1e6).toFixed(1)} MB`);
    console.log(`objects read:   ${result.items.length} (diagnostics: ${result.diagnostics.length})`);
    console.log(`seconds:        ${seconds.toFixed(1)}`);
    console.log(
      `CPU seconds:    ${((cpu.user + cpu.system) / 1e6).toFixed(1)} (the rest of the wall time is waiting)`,
    );
    console.log(`peak RSS:       ${(peak / 1e6).toFixed(0)} MB`);
    console.log(`objects/second: ${Math.round(result.items.length / seconds)}`);
    console.log(`MB/second:      ${(size / 1e6 / seconds).toFixed(1)}`);
    if (result.items.length !== n) process.exitCode = 1;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
