// Deterministic generator of a real-shaped cluster dump (kubectl `get -A -o json` List files) at a given pod count.
//
// The objects are at least as heavy as real `kubectl` output (issue 12): every pod carries uid, labels,
// owner references, two named ports, env with valueFrom, resources, liveness and readiness probes, a
// ConfigMap volume and the projected service-account token volume, tolerations, nodeName, and a status with
// podIP, hostIP, qosClass, four conditions and containerStatuses (about 3.4 KB compact, 10 KB as kubectl
// prints it). At 150,000 pods the pods fill six ~255 MB List files; beside them: Deployments, ReplicaSets,
// Services, 5,000 Nodes, 3,000 Namespaces, 10,000 NetworkPolicies and 50,000 RBAC objects. Smaller sizes
// scale every count by the same factor, so 15,000 → 150,000 is a tenfold input.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';

/** Object counts for one size; every count scales with the pods. */
export interface ClusterShape {
  readonly pods: number;
  readonly podFiles: number;
  readonly nodes: number;
  readonly namespaces: number;
  readonly deployments: number;
  readonly networkPolicies: number;
  readonly serviceAccounts: number;
  readonly roles: number;
  readonly roleBindings: number;
  readonly clusterRoles: number;
  readonly clusterRoleBindings: number;
}

export function shapeFor(pods: number): ClusterShape {
  const f = pods / 150_000;
  const at = (n: number, min: number): number => Math.max(min, Math.round(n * f));
  return {
    pods,
    podFiles: 6,
    nodes: at(5_000, 4),
    namespaces: at(3_000, 3),
    deployments: at(30_000, 1),
    networkPolicies: at(10_000, 3),
    // 50,000 RBAC objects at full size: 15,000 + 6,000 + 27,000 + 1,000 + 1,000.
    serviceAccounts: at(15_000, 3),
    roles: at(6_000, 3),
    roleBindings: at(27_000, 3),
    clusterRoles: at(1_000, 2),
    clusterRoleBindings: at(1_000, 2),
  };
}

const TIME = '2026-11-20T10:00:00Z';
const RBAC = 'rbac.authorization.k8s.io';

function hex(i: number, width: number): string {
  return i.toString(16).padStart(width, '0');
}

function uid(prefix: number, i: number): string {
  return `${hex(prefix, 8)}-${hex((i >>> 16) & 0xffff, 4)}-4${hex(i & 0xfff, 3)}-8000-${hex(i, 12)}`;
}

function managedFields(manager: string): unknown[] {
  return [{ manager, operation: 'Update', apiVersion: 'v1', time: TIME, fieldsType: 'FieldsV1' }];
}

class Names {
  constructor(readonly shape: ClusterShape) {}
  ns(i: number): string {
    const n = i % this.shape.namespaces;
    return n < 2 ? ['kube-system', 'monitoring'][n]! : `team-${n}`;
  }
  app(d: number): string {
    return `svc-${d}`;
  }
  nsOfDeployment(d: number): string {
    return this.ns(d);
  }
  labels(d: number): Record<string, string> {
    return {
      app: this.app(d),
      'app.kubernetes.io/name': this.app(d),
      'app.kubernetes.io/part-of': `product-${d % 40}`,
      tier: d % 3 === 0 ? 'web' : d % 3 === 1 ? 'backend' : 'worker',
    };
  }
  sa(d: number): string {
    return `sa-${d % 5}`;
  }
}

/** The pod template every Deployment, ReplicaSet and pod of Deployment `d` shares. */
function podSpec(n: Names, d: number): Record<string, unknown> {
  const privileged = d % 97 === 0;
  const hostPath = d % 251 === 0;
  return {
    serviceAccountName: n.sa(d),
    serviceAccount: n.sa(d),
    automountServiceAccountToken: d % 4 === 0 ? false : undefined,
    restartPolicy: 'Always',
    terminationGracePeriodSeconds: 30,
    dnsPolicy: 'ClusterFirst',
    schedulerName: 'default-scheduler',
    enableServiceLinks: true,
    preemptionPolicy: 'PreemptLowerPriority',
    priority: 0,
    securityContext: d % 2 === 0 ? { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } } : {},
    containers: [
      {
        name: 'app',
        image: `registry.example.com/product-${d % 40}/${n.app(d)}:1.${d % 17}.${d % 5}`,
        imagePullPolicy: 'IfNotPresent',
        args: ['--listen=:8080', '--metrics=:9090', `--upstream=http://svc-${(d + 1) % 1000}:80`],
        ports: [
          { name: 'http', containerPort: 8080, protocol: 'TCP' },
          { name: 'metrics', containerPort: 9090, protocol: 'TCP' },
        ],
        env: [
          { name: 'MODE', value: 'production' },
          { name: 'LOG_LEVEL', value: 'info' },
          { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
          { name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: `db-${d % 50}`, key: 'password' } } },
        ],
        resources:
          d % 7 === 0
            ? {}
            : { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
        livenessProbe: {
          httpGet: { path: '/livez', port: 'http', scheme: 'HTTP' },
          initialDelaySeconds: 10,
          periodSeconds: 10,
          timeoutSeconds: 1,
          successThreshold: 1,
          failureThreshold: 3,
        },
        readinessProbe: {
          httpGet: { path: '/readyz', port: 8080, scheme: 'HTTP' },
          periodSeconds: 5,
          timeoutSeconds: 1,
          successThreshold: 1,
          failureThreshold: 3,
        },
        securityContext: privileged
          ? { privileged: true }
          : {
              allowPrivilegeEscalation: false,
              readOnlyRootFilesystem: true,
              capabilities: { drop: ['ALL'] },
            },
        volumeMounts: [
          { name: 'config', mountPath: '/etc/app', readOnly: true },
          ...(hostPath ? [{ name: 'host-logs', mountPath: '/host/var/log' }] : []),
        ],
        terminationMessagePath: '/dev/termination-log',
        terminationMessagePolicy: 'File',
      },
    ],
    volumes: [
      { name: 'config', configMap: { name: `${n.app(d)}-config`, defaultMode: 420 } },
      ...(hostPath ? [{ name: 'host-logs', hostPath: { path: '/var/log', type: '' } }] : []),
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
  };
}

function deployment(n: Names, d: number): unknown {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: n.app(d),
      namespace: n.nsOfDeployment(d),
      uid: uid(0xd0, d),
      resourceVersion: String(100_000 + d),
      generation: 1,
      creationTimestamp: TIME,
      labels: n.labels(d),
      annotations: { 'deployment.kubernetes.io/revision': '1' },
      managedFields: managedFields('kubectl'),
    },
    spec: {
      replicas: 5,
      selector: { matchLabels: { app: n.app(d) } },
      template: { metadata: { labels: n.labels(d) }, spec: podSpec(n, d) },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      revisionHistoryLimit: 10,
    },
    status: {
      replicas: 5,
      readyReplicas: 5,
      availableReplicas: 5,
      updatedReplicas: 5,
      observedGeneration: 1,
    },
  };
}

function replicaSet(n: Names, d: number): unknown {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${n.app(d)}-7d9f8c6b5`,
      namespace: n.nsOfDeployment(d),
      uid: uid(0x5e, d),
      creationTimestamp: TIME,
      labels: { ...n.labels(d), 'pod-template-hash': '7d9f8c6b5' },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          name: n.app(d),
          uid: uid(0xd0, d),
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
      managedFields: managedFields('kube-controller-manager'),
    },
    spec: {
      replicas: 5,
      selector: { matchLabels: { app: n.app(d), 'pod-template-hash': '7d9f8c6b5' } },
      template: {
        metadata: { labels: { ...n.labels(d), 'pod-template-hash': '7d9f8c6b5' } },
        spec: podSpec(n, d),
      },
    },
    status: { replicas: 5, readyReplicas: 5, availableReplicas: 5, fullyLabeledReplicas: 5 },
  };
}

/** Pod number `p` of a cluster of this shape, as `kubectl get pods -o json` prints it. */
export function podAt(shape: ClusterShape, p: number): unknown {
  return pod(new Names(shape), p);
}

function pod(n: Names, p: number): unknown {
  const d = p % n.shape.deployments;
  const rs = `${n.app(d)}-7d9f8c6b5`;
  const ip = `10.${64 + ((p >> 16) & 63)}.${(p >> 8) & 255}.${p & 255}`;
  const node = 3 + (p % Math.max(1, n.shape.nodes - 3));
  const spec = podSpec(n, d);
  const containers = spec['containers'] as Record<string, unknown>[];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${rs}-${p.toString(36).padStart(5, '0')}`,
      generateName: `${rs}-`,
      namespace: n.nsOfDeployment(d),
      uid: uid(0x90d, p),
      resourceVersion: String(1_000_000 + p),
      creationTimestamp: TIME,
      labels: { ...n.labels(d), 'pod-template-hash': '7d9f8c6b5' },
      annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9090' },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: rs,
          uid: uid(0x5e, d),
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
      managedFields: managedFields('kube-controller-manager'),
    },
    spec: {
      ...spec,
      nodeName: `node-${node}`,
      containers: containers.map((c) => ({
        ...c,
        volumeMounts: [
          ...(c['volumeMounts'] as unknown[]),
          {
            name: 'kube-api-access-x7k2p',
            mountPath: '/var/run/secrets/kubernetes.io/serviceaccount',
            readOnly: true,
          },
        ],
      })),
      volumes: [
        ...(spec['volumes'] as unknown[]),
        {
          name: 'kube-api-access-x7k2p',
          projected: {
            defaultMode: 420,
            sources: [
              { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
              { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
              {
                downwardAPI: {
                  items: [
                    { path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } },
                  ],
                },
              },
            ],
          },
        },
      ],
    },
    status: {
      phase: 'Running',
      hostIP: `10.0.${(node >> 8) & 255}.${node & 255}`,
      hostIPs: [{ ip: `10.0.${(node >> 8) & 255}.${node & 255}` }],
      podIP: ip,
      podIPs: [{ ip }],
      qosClass: d % 7 === 0 ? 'BestEffort' : 'Burstable',
      startTime: TIME,
      conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({
        type,
        status: 'True',
        lastProbeTime: null,
        lastTransitionTime: TIME,
      })),
      containerStatuses: [
        {
          name: 'app',
          ready: true,
          started: true,
          restartCount: p % 11 === 0 ? 2 : 0,
          image: containers[0]!['image'],
          imageID: `registry.example.com/product-${d % 40}/${n.app(d)}@sha256:${hex(d, 64)}`,
          containerID: `containerd://${hex(p, 64)}`,
          lastState: {},
          state: { running: { startedAt: TIME } },
        },
      ],
    },
  };
}

function service(n: Names, d: number): unknown {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: n.app(d),
      namespace: n.nsOfDeployment(d),
      uid: uid(0x5c, d),
      creationTimestamp: TIME,
      labels: n.labels(d),
    },
    spec: {
      type: d % 1000 === 0 ? 'LoadBalancer' : 'ClusterIP',
      selector: { app: n.app(d) },
      ports: [{ name: 'http', protocol: 'TCP', port: 80, targetPort: 'http' }],
      clusterIP: `10.96.${(d >> 8) & 255}.${d & 255}`,
      clusterIPs: [`10.96.${(d >> 8) & 255}.${d & 255}`],
      sessionAffinity: 'None',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      internalTrafficPolicy: 'Cluster',
    },
    status: { loadBalancer: {} },
  };
}

function node(i: number): unknown {
  const control = i < 3;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: `node-${i}`,
      uid: uid(0x40d, i),
      creationTimestamp: TIME,
      labels: {
        'kubernetes.io/hostname': `node-${i}`,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'topology.kubernetes.io/zone': `zone-${i % 3}`,
        'node.kubernetes.io/instance-type': 'm5.2xlarge',
        ...(control ? { 'node-role.kubernetes.io/control-plane': '' } : { pool: `pool-${i % 8}` }),
      },
      annotations: { 'node.alpha.kubernetes.io/ttl': '0' },
      managedFields: managedFields('kubelet'),
    },
    spec: control
      ? {
          podCIDR: `10.244.${i}.0/24`,
          taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }],
        }
      : { podCIDR: `10.244.${i & 255}.0/24` },
    status: {
      addresses: [
        { type: 'InternalIP', address: `10.0.${(i >> 8) & 255}.${i & 255}` },
        { type: 'Hostname', address: `node-${i}` },
      ],
      capacity: { cpu: '8', memory: '32Gi', pods: '110' },
      allocatable: { cpu: '7910m', memory: '31Gi', pods: '110' },
      conditions: ['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready'].map((type) => ({
        type,
        status: type === 'Ready' ? 'True' : 'False',
        lastHeartbeatTime: TIME,
        lastTransitionTime: TIME,
        reason: 'KubeletReady',
        message: 'kubelet is posting ready status',
      })),
      nodeInfo: {
        architecture: 'amd64',
        containerRuntimeVersion: 'containerd://1.7.20',
        kernelVersion: '6.1.0-25-cloud-amd64',
        kubeProxyVersion: 'v1.30.4',
        kubeletVersion: 'v1.30.4',
        operatingSystem: 'linux',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
      },
      images: [{ names: ['registry.k8s.io/pause:3.9'], sizeBytes: 321520 }],
    },
  };
}

function namespace(n: Names, i: number): unknown {
  const name = n.ns(i);
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name,
      uid: uid(0x7a, i),
      creationTimestamp: TIME,
      labels: {
        'kubernetes.io/metadata.name': name,
        team: `team-${i % 200}`,
        ...(i % 2 === 0 ? { 'pod-security.kubernetes.io/enforce': 'baseline' } : {}),
      },
    },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

/** Per namespace: default deny, allow from the same namespace's web tier, allow monitoring scrapes, DNS egress. */
function networkPolicy(n: Names, i: number): unknown {
  const ns = n.ns(i % n.shape.namespaces);
  const which = Math.floor(i / n.shape.namespaces) % 4;
  const specs = [
    { name: 'default-deny', spec: { podSelector: {}, policyTypes: ['Ingress'] } },
    {
      name: 'allow-web',
      spec: {
        podSelector: { matchLabels: { tier: 'backend' } },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [{ podSelector: { matchLabels: { tier: 'web' } } }],
            ports: [{ protocol: 'TCP', port: 8080 }],
          },
        ],
      },
    },
    {
      name: 'allow-monitoring',
      spec: {
        podSelector: {},
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
            ports: [{ protocol: 'TCP', port: 'metrics' }],
          },
        ],
      },
    },
    {
      name: 'allow-dns-egress',
      spec: {
        podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['web', 'backend'] }] },
        policyTypes: ['Egress'],
        egress: [
          {
            to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }],
            ports: [
              { protocol: 'UDP', port: 53 },
              { protocol: 'TCP', port: 53 },
            ],
          },
          { to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.0.0.0/24'] } }] },
        ],
      },
    },
  ];
  const s = specs[which]!;
  const suffix = Math.floor(i / (n.shape.namespaces * 4));
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: {
      name: suffix === 0 ? s.name : `${s.name}-${suffix}`,
      namespace: ns,
      uid: uid(0x9e, i),
      creationTimestamp: TIME,
      generation: 1,
    },
    spec: s.spec,
  };
}

function serviceAccount(n: Names, i: number): unknown {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: {
      name: `sa-${i % 5}`,
      namespace: n.ns(Math.floor(i / 5)),
      uid: uid(0x5a, i),
      creationTimestamp: TIME,
    },
  };
}

function role(n: Names, i: number): unknown {
  const ns = n.ns(Math.floor(i / 2));
  return {
    apiVersion: `${RBAC}/v1`,
    kind: 'Role',
    metadata: { name: i % 2 === 0 ? 'app-reader' : 'app-operator', namespace: ns, uid: uid(0x301e, i) },
    rules:
      i % 2 === 0
        ? [
            {
              apiGroups: [''],
              resources: ['configmaps', 'pods', 'services'],
              verbs: ['get', 'list', 'watch'],
            },
          ]
        : [
            { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] },
            { apiGroups: ['apps'], resources: ['deployments'], verbs: ['get', 'list', 'patch', 'update'] },
          ],
  };
}

function roleBinding(n: Names, i: number): unknown {
  const ns = n.ns(i);
  const k = i % 9;
  return {
    apiVersion: `${RBAC}/v1`,
    kind: 'RoleBinding',
    metadata: { name: `binding-${i}`, namespace: ns, uid: uid(0xb1, i), creationTimestamp: TIME },
    roleRef: {
      apiGroup: RBAC,
      kind: k === 0 ? 'ClusterRole' : 'Role',
      name: k === 0 ? (i % 90 === 0 ? 'admin' : 'view') : k % 2 === 0 ? 'app-reader' : 'app-operator',
    },
    subjects:
      k === 4
        ? [{ apiGroup: RBAC, kind: 'Group', name: `team-${i % 200}-developers` }]
        : [{ kind: 'ServiceAccount', name: `sa-${i % 5}`, namespace: ns }],
  };
}

function clusterRole(i: number): unknown {
  const builtin = ['cluster-admin', 'admin', 'edit', 'view'];
  const name = builtin[i] ?? `product-${i}-reader`;
  const rules =
    i === 0
      ? [
          { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
          { nonResourceURLs: ['*'], verbs: ['*'] },
        ]
      : i === 1 || i === 2
        ? [
            {
              apiGroups: ['', 'apps', 'batch'],
              resources: ['pods', 'deployments', 'jobs', 'secrets', 'configmaps'],
              verbs: ['*'],
            },
            { apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] },
          ]
        : i === 3
          ? [
              {
                apiGroups: ['', 'apps'],
                resources: ['pods', 'services', 'deployments'],
                verbs: ['get', 'list', 'watch'],
              },
            ]
          : [
              {
                apiGroups: [`product-${i}.example.com`],
                resources: ['widgets'],
                verbs: ['get', 'list', 'watch'],
              },
            ];
  return {
    apiVersion: `${RBAC}/v1`,
    kind: 'ClusterRole',
    metadata: {
      name,
      uid: uid(0xc1, i),
      creationTimestamp: TIME,
      labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults' },
    },
    rules,
  };
}

function clusterRoleBinding(n: Names, i: number): unknown {
  const admin = i < 2;
  return {
    apiVersion: `${RBAC}/v1`,
    kind: 'ClusterRoleBinding',
    metadata: {
      name: admin ? `cluster-admin-${i}` : `product-${i}-reader`,
      uid: uid(0xcb, i),
      creationTimestamp: TIME,
    },
    roleRef: {
      apiGroup: RBAC,
      kind: 'ClusterRole',
      name: admin ? 'cluster-admin' : `product-${Math.max(4, i)}-reader`,
    },
    subjects: admin
      ? [{ apiGroup: RBAC, kind: 'Group', name: i === 0 ? 'system:masters' : 'platform-admins' }]
      : [{ kind: 'ServiceAccount', name: `sa-${i % 5}`, namespace: n.ns(i) }],
  };
}

function calicoNode(): unknown {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'calico-node', namespace: 'kube-system', uid: uid(0xca, 0) },
    spec: {
      selector: { matchLabels: { 'k8s-app': 'calico-node' } },
      template: {
        metadata: { labels: { 'k8s-app': 'calico-node' } },
        spec: {
          hostNetwork: true,
          serviceAccountName: 'calico-node',
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
  };
}

/**
 * Writes one List as kubectl does: four-space indentation, `kind` after `items`. Objects are written one
 * at a time, so generating 1.5 GB never holds more than one object.
 */
async function writeList(
  file: string,
  from: number,
  to: number,
  item: (i: number) => unknown,
): Promise<number> {
  const out = createWriteStream(file, { highWaterMark: 1 << 20 });
  let bytes = 0;
  const write = async (s: string): Promise<void> => {
    bytes += Buffer.byteLength(s);
    if (!out.write(s)) await once(out, 'drain');
  };
  await write('{\n    "apiVersion": "v1",\n    "items": [\n');
  for (let i = from; i < to; i++) {
    const json = JSON.stringify(item(i), null, 4).replace(/\n/g, '\n        ');
    await write(`        ${json}${i === to - 1 ? '\n' : ',\n'}`);
  }
  await write('    ],\n    "kind": "List",\n    "metadata": {\n        "resourceVersion": ""\n    }\n}\n');
  out.end();
  await once(out, 'finish');
  return bytes;
}

/** One kind of the generated cluster as the API serves it: its list path, how many objects, object `i`. */
export interface GeneratedList {
  readonly path: string;
  readonly count: number;
  readonly item: (i: number) => unknown;
}

/**
 * The generated cluster's objects by API list path, made on demand (the bench's stand-in API server
 * pages through them without holding them). The same objects the List files hold.
 */
export function clusterLists(shape: ClusterShape): GeneratedList[] {
  const n = new Names(shape);
  return [
    { path: '/api/v1/nodes', count: shape.nodes, item: node },
    { path: '/api/v1/namespaces', count: shape.namespaces, item: (i) => namespace(n, i) },
    {
      path: '/apis/networking.k8s.io/v1/networkpolicies',
      count: shape.networkPolicies,
      item: (i) => networkPolicy(n, i),
    },
    { path: '/apis/apps/v1/deployments', count: shape.deployments, item: (d) => deployment(n, d) },
    { path: '/apis/apps/v1/replicasets', count: shape.deployments, item: (d) => replicaSet(n, d) },
    { path: '/api/v1/services', count: shape.deployments, item: (d) => service(n, d) },
    { path: '/apis/apps/v1/daemonsets', count: 1, item: calicoNode },
    { path: '/api/v1/serviceaccounts', count: shape.serviceAccounts, item: (i) => serviceAccount(n, i) },
    { path: '/apis/rbac.authorization.k8s.io/v1/roles', count: shape.roles, item: (i) => role(n, i) },
    {
      path: '/apis/rbac.authorization.k8s.io/v1/rolebindings',
      count: shape.roleBindings,
      item: (i) => roleBinding(n, i),
    },
    { path: '/apis/rbac.authorization.k8s.io/v1/clusterroles', count: shape.clusterRoles, item: clusterRole },
    {
      path: '/apis/rbac.authorization.k8s.io/v1/clusterrolebindings',
      count: shape.clusterRoleBindings,
      item: (i) => clusterRoleBinding(n, i),
    },
    { path: '/api/v1/pods', count: shape.pods, item: (p) => pod(n, p) },
  ];
}

export interface Generated {
  readonly files: readonly string[];
  readonly bytes: number;
  readonly objects: number;
}

/** Writes the cluster's List files into `dir` (which must exist). Same shape, same bytes, every run. */
export async function generateCluster(dir: string, shape: ClusterShape): Promise<Generated> {
  const n = new Names(shape);
  const files: string[] = [];
  let bytes = 0;
  let objects = 0;
  const list = async (name: string, count: number, item: (i: number) => unknown, from = 0): Promise<void> => {
    const file = path.join(dir, name);
    files.push(file);
    bytes += await writeList(file, from, from + count, item);
    objects += count;
  };
  await list('nodes.json', shape.nodes, node);
  await list('namespaces.json', shape.namespaces, (i) => namespace(n, i));
  await list('networkpolicies.json', shape.networkPolicies, (i) => networkPolicy(n, i));
  await list('deployments.json', shape.deployments, (d) => deployment(n, d));
  await list('replicasets.json', shape.deployments, (d) => replicaSet(n, d));
  await list('services.json', shape.deployments, (d) => service(n, d));
  await list('daemonsets.json', 1, calicoNode);
  await list('serviceaccounts.json', shape.serviceAccounts, (i) => serviceAccount(n, i));
  await list('roles.json', shape.roles, (i) => role(n, i));
  await list('rolebindings.json', shape.roleBindings, (i) => roleBinding(n, i));
  await list('clusterroles.json', shape.clusterRoles, clusterRole);
  await list('clusterrolebindings.json', shape.clusterRoleBindings, (i) => clusterRoleBinding(n, i));
  const per = Math.ceil(shape.pods / shape.podFiles);
  for (let f = 0; f < shape.podFiles; f++) {
    const from = f * per;
    const to = Math.min(shape.pods, from + per);
    if (to > from) await list(`pods-${f + 1}.json`, to - from, (p) => pod(n, p), from);
  }
  return { files, bytes, objects };
}
