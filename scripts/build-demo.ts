// Builds the bundled example cluster's snapshot (examples/demo-cluster/snapshot) from the readable
// source objects and the control-plane node's static pod manifests, doing what the controllers of a
// real cluster would have done: ReplicaSets, Pods, EndpointSlices, bindings, uids, IPs and status.
// Run after `npm run build` as `node dist/scripts/build-demo.js`; test/examples checks it never drifts.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseAllDocuments } from 'yaml';
import type { ObjectMeta } from '../src/collect/inventory.js';
import { inferSecretType } from '../src/collect/live/list-resource.js';
import {
  RESOURCE_TYPES,
  WANTED_CONFIGMAPS,
  resourceId,
  resourceTypeOfKind,
} from '../src/collect/resource-types.js';

type J = Record<string, unknown>;

/** When the snapshot was taken, and the ktm version that wrote it. */
export const DEMO_COLLECTED_AT = '2026-11-20T10:00:00Z';
const DEMO_KTM_VERSION = '0.1.0';
const DEMO_VERSION = { major: '1', minor: '30', gitVersion: 'v1.30.4', platform: 'linux/amd64' } as const;
/** ConfigMaps beyond WANTED_CONFIGMAPS, as if collected with `--configmap NS/NAME`. */
export const DEMO_EXTRA_CONFIGMAPS: readonly string[] = ['kube-flannel/kube-flannel-cfg'];
/** Source-only annotations that steer the generator; removed from the output. */
const NODES_ANNOTATION = 'demo.ktm.dev/nodes';
const LAST_RUN_ANNOTATION = 'demo.ktm.dev/last-run';

// ---------- small typed helpers over parsed JSON ----------

function isObj(v: unknown): v is J {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function obj(v: unknown, what: string): J {
  if (!isObj(v)) throw new Error(`expected an object at ${what}`);
  return v;
}
function optObj(v: unknown): J | undefined {
  return isObj(v) ? v : undefined;
}
function objs(v: unknown): J[] {
  return Array.isArray(v) ? v.filter(isObj) : [];
}
function str(v: unknown, what: string): string {
  if (typeof v !== 'string') throw new Error(`expected a string at ${what}`);
  return v;
}
function optStr(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
function meta(o: J): J {
  return obj(o['metadata'], 'metadata');
}
function nameOf(o: J): string {
  return str(meta(o)['name'], 'metadata.name');
}
function nsOf(o: J): string {
  return optStr(meta(o)['namespace']) ?? '';
}
function kindOf(o: J): string {
  return str(o['kind'], 'kind');
}
function labelsOf(o: J): Record<string, string> {
  const l = optObj(meta(o)['labels']) ?? {};
  return Object.fromEntries(Object.entries(l).filter((e): e is [string, string] => typeof e[1] === 'string'));
}
function annotationsOf(o: J): Record<string, string> {
  const a = optObj(meta(o)['annotations']) ?? {};
  return Object.fromEntries(Object.entries(a).filter((e): e is [string, string] => typeof e[1] === 'string'));
}
function clone<T>(v: T): T {
  return structuredClone(v);
}

// ---------- deterministic identities ----------

function sha(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}
/** A version-4-shaped uid derived from the object's identity, stable across runs. */
function uidFor(seed: string): string {
  const h = sha(`uid:${seed}`);
  const variant = ['8', '9', 'a', 'b'][parseInt(h.charAt(16), 16) % 4] ?? '8';
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}
/** The alphabet Kubernetes uses for generated name suffixes (no vowels, no confusable digits). */
const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
function suffix(seed: string, length: number): string {
  const h = createHash('sha256').update(`suffix:${seed}`).digest();
  let out = '';
  for (let i = 0; i < length; i++) out += SUFFIX_ALPHABET.charAt((h[i] ?? 0) % SUFFIX_ALPHABET.length);
  return out;
}
function addSeconds(ts: string, seconds: number): string {
  return new Date(Date.parse(ts) + seconds * 1000).toISOString().replace('.000Z', 'Z');
}
function laterOf(a: string, b: string): string {
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

// ---------- reading the sources ----------

function readYamlDocs(file: string): J[] {
  const text = readFileSync(file, 'utf8');
  const out: J[] = [];
  // YAML 1.1, as kubectl reads manifests.
  for (const doc of parseAllDocuments(text, { version: '1.1' })) {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]?.message ?? 'YAML error'}`);
    const v: unknown = doc.toJS();
    if (v === null || v === undefined) continue;
    out.push(obj(v, file));
  }
  return out;
}

function yamlFilesIn(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => path.join(dir, f));
}

// ---------- the cluster being built ----------

interface NodeInfo {
  readonly name: string;
  readonly uid: string;
  readonly ip: string;
  readonly podCidrPrefix: string;
  readonly taints: readonly J[];
  readonly labels: Readonly<Record<string, string>>;
  readonly createdAt: string;
  nextIp: number;
}

class DemoCluster {
  readonly out: J[] = [];
  readonly nodes = new Map<string, NodeInfo>();
  readonly serviceAccounts = new Map<string, J>();
  readonly priorityClasses = new Map<string, J>();
  readonly pods: J[] = [];
  private readonly usedIps = new Set<string>();
  private readonly usedNodePorts = new Set<number>();
  private roundRobin = 0;

  add(o: J): J {
    this.out.push(o);
    return o;
  }

  node(name: string): NodeInfo {
    const n = this.nodes.get(name);
    if (n === undefined) throw new Error(`unknown node ${name}`);
    return n;
  }

  podIp(node: NodeInfo): string {
    const ip = `${node.podCidrPrefix}.${node.nextIp}`;
    node.nextIp += 1;
    return ip;
  }

  reserveServiceIp(ip: string): void {
    if (this.usedIps.has(ip)) throw new Error(`cluster IP ${ip} used twice`);
    this.usedIps.add(ip);
  }

  /** A free address in 10.96.0.0/12 picked from the service's name, as the allocator picks at random. */
  allocateServiceIp(seed: string): string {
    const h = createHash('sha256').update(`svc:${seed}`).digest();
    let n = (((h[0] ?? 0) << 16) | ((h[1] ?? 0) << 8) | (h[2] ?? 0)) % (16 * 65536);
    for (;;) {
      const ip = `10.${96 + Math.floor(n / 65536)}.${Math.floor(n / 256) % 256}.${n % 256}`;
      if (n % 256 > 0 && n % 256 < 255 && !this.usedIps.has(ip) && n > 255) {
        this.usedIps.add(ip);
        return ip;
      }
      n = (n + 1) % (16 * 65536);
    }
  }

  reserveNodePort(port: number): void {
    if (this.usedNodePorts.has(port)) throw new Error(`node port ${port} used twice`);
    this.usedNodePorts.add(port);
  }

  allocateNodePort(seed: string): number {
    let p = 30000 + (parseInt(sha(`nodeport:${seed}`).slice(0, 8), 16) % 2768);
    while (this.usedNodePorts.has(p)) p = p === 32767 ? 30000 : p + 1;
    this.usedNodePorts.add(p);
    return p;
  }

  /** Nodes a pod template may run on: its taints tolerated, its nodeSelector matched. */
  eligibleNodes(podSpec: J): NodeInfo[] {
    const selector = optObj(podSpec['nodeSelector']) ?? {};
    const tolerations = objs(podSpec['tolerations']);
    return [...this.nodes.values()].filter((n) => {
      const nodeLabels = n.labels;
      const selected = Object.entries(selector).every(([k, v]) => nodeLabels[k] === v);
      return selected && n.taints.every((t) => tolerates(tolerations, t));
    });
  }

  /** Placement for `count` replicas: the source's pinned nodes, else round-robin over eligible nodes. */
  place(workload: J, podSpec: J, count: number): string[] {
    const pinned = annotationsOf(workload)[NODES_ANNOTATION];
    if (pinned !== undefined) {
      const nodes = pinned.split(',').map((s) => s.trim());
      if (nodes.length !== count && !(count === 1 && nodes.length === 1))
        throw new Error(
          `${nameOf(workload)}: ${NODES_ANNOTATION} names ${nodes.length} nodes for ${count} pods`,
        );
      for (const n of nodes) this.node(n);
      return nodes;
    }
    const eligible = this.eligibleNodes(podSpec);
    if (eligible.length === 0) throw new Error(`${nameOf(workload)}: no eligible node`);
    const out: string[] = [];
    for (let i = 0; i < count; i++) {
      out.push(eligible[this.roundRobin % eligible.length]!.name);
      this.roundRobin += 1;
    }
    return out;
  }
}

function tolerates(tolerations: readonly J[], taint: J): boolean {
  return tolerations.some((t) => {
    const effect = optStr(t['effect']);
    if (effect !== undefined && effect !== '' && effect !== taint['effect']) return false;
    const key = optStr(t['key']);
    if (t['operator'] === 'Exists') return key === undefined || key === '' || key === taint['key'];
    return key === taint['key'] && (optStr(t['value']) ?? '') === (optStr(taint['value']) ?? '');
  });
}

// ---------- API defaulting (what the API server fills in on create) ----------

function defaultProbe(p: unknown): unknown {
  const probe = optObj(p);
  if (probe === undefined) return p;
  const out: J = { ...probe };
  const http = optObj(probe['httpGet']);
  if (http !== undefined) out['httpGet'] = { ...http, scheme: http['scheme'] ?? 'HTTP' };
  out['timeoutSeconds'] ??= 1;
  out['periodSeconds'] ??= 10;
  out['successThreshold'] ??= 1;
  out['failureThreshold'] ??= 3;
  return out;
}

function defaultContainer(c: J): J {
  const out: J = { ...c };
  const image = str(c['image'], 'image');
  out['imagePullPolicy'] ??= image.endsWith(':latest') || !image.includes(':') ? 'Always' : 'IfNotPresent';
  out['resources'] ??= {};
  out['terminationMessagePath'] ??= '/dev/termination-log';
  out['terminationMessagePolicy'] ??= 'File';
  if (Array.isArray(c['ports']))
    out['ports'] = objs(c['ports']).map((p) => ({ ...p, protocol: p['protocol'] ?? 'TCP' }));
  for (const k of ['livenessProbe', 'readinessProbe', 'startupProbe'])
    if (c[k] !== undefined) out[k] = defaultProbe(c[k]);
  return out;
}

function defaultPodSpec(spec: J): J {
  const out: J = { ...spec };
  out['containers'] = objs(spec['containers']).map(defaultContainer);
  if (spec['initContainers'] !== undefined)
    out['initContainers'] = objs(spec['initContainers']).map(defaultContainer);
  out['dnsPolicy'] ??= 'ClusterFirst';
  out['restartPolicy'] ??= 'Always';
  out['schedulerName'] ??= 'default-scheduler';
  out['securityContext'] ??= {};
  out['terminationGracePeriodSeconds'] ??= 30;
  if (spec['volumes'] !== undefined)
    out['volumes'] = objs(spec['volumes']).map((v) => {
      const secret = optObj(v['secret']);
      if (secret !== undefined) return { ...v, secret: { defaultMode: 420, ...secret } };
      const cm = optObj(v['configMap']);
      if (cm !== undefined) return { ...v, configMap: { defaultMode: 420, ...cm } };
      return v;
    });
  return out;
}

function defaultTemplate(template: J): J {
  const m = optObj(template['metadata']) ?? {};
  return {
    metadata: { ...m, creationTimestamp: null },
    spec: defaultPodSpec(obj(template['spec'], 'template.spec')),
  };
}

// ---------- pods ----------

interface PodOwner {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  readonly uid: string;
}

interface PodPlan {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly annotations?: Record<string, string>;
  readonly owner: PodOwner;
  readonly template: J;
  readonly node: string;
  readonly createdAt: string;
  readonly daemon?: boolean;
  readonly hostname?: string;
  readonly subdomain?: string;
  readonly completed?: boolean;
}

const SA_MOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';

function qosClass(containers: readonly J[]): string {
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const r = optObj(c['resources']) ?? {};
    const req = optObj(r['requests']) ?? {};
    const lim = optObj(r['limits']) ?? {};
    if (Object.keys(req).length > 0 || Object.keys(lim).length > 0) any = true;
    for (const res of ['cpu', 'memory']) {
      const l = lim[res];
      const q = req[res] ?? l;
      if (l === undefined || q !== l) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

function imageId(image: string): string {
  const repo = image.replace(/:[^:/]+$/, '');
  return `${repo}@sha256:${sha(`image:${image}`)}`;
}

function containerStatus(c: J, pod: string, startedAt: string, completedAt?: string): J {
  const image = str(c['image'], 'image');
  const base = {
    containerID: `containerd://${sha(`container:${pod}/${str(c['name'], 'name')}`)}`,
    image,
    imageID: imageId(image),
    lastState: {},
    name: c['name'],
    restartCount: 0,
  };
  if (completedAt !== undefined)
    return {
      ...base,
      ready: false,
      started: false,
      state: {
        terminated: {
          containerID: base.containerID,
          exitCode: 0,
          finishedAt: completedAt,
          reason: 'Completed',
          startedAt,
        },
      },
    };
  return { ...base, ready: true, started: true, state: { running: { startedAt } } };
}

function buildPod(cluster: DemoCluster, plan: PodPlan): J {
  const node = cluster.node(plan.node);
  const tSpec = obj(plan.template['spec'], 'template.spec');
  const spec: J = defaultPodSpec(clone(tSpec));
  const uid = uidFor(`Pod/${plan.namespace}/${plan.name}`);
  const saName = optStr(spec['serviceAccountName']) ?? 'default';
  const sa = cluster.serviceAccounts.get(`${plan.namespace}/${saName}`);
  if (sa === undefined)
    throw new Error(`pod ${plan.namespace}/${plan.name}: service account ${saName} does not exist`);
  spec['serviceAccountName'] = saName;
  spec['serviceAccount'] = saName;
  spec['nodeName'] = plan.node;
  spec['enableServiceLinks'] ??= true;
  if (plan.hostname !== undefined) spec['hostname'] = plan.hostname;
  if (plan.subdomain !== undefined) spec['subdomain'] = plan.subdomain;

  // The ServiceAccount admission plugin mounts a projected token unless the pod or its account opts out.
  const automount = spec['automountServiceAccountToken'] ?? sa['automountServiceAccountToken'] ?? true;
  if (automount !== false) {
    const vol = `kube-api-access-${suffix(`token:${plan.namespace}/${plan.name}`, 5)}`;
    spec['volumes'] = [
      ...objs(spec['volumes']),
      {
        name: vol,
        projected: {
          defaultMode: 420,
          sources: [
            { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
            { configMap: { items: [{ key: 'ca.crt', path: 'ca.crt' }], name: 'kube-root-ca.crt' } },
            {
              downwardAPI: {
                items: [
                  { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' }, path: 'namespace' },
                ],
              },
            },
          ],
        },
      },
    ];
    const mount = (c: J): J => ({
      ...c,
      volumeMounts: [...objs(c['volumeMounts']), { mountPath: SA_MOUNT, name: vol, readOnly: true }],
    });
    spec['containers'] = objs(spec['containers']).map(mount);
    if (spec['initContainers'] !== undefined)
      spec['initContainers'] = objs(spec['initContainers']).map(mount);
  }

  // Priority admission resolves the class to a number.
  const pcName = optStr(spec['priorityClassName']);
  const pc = pcName === undefined ? undefined : cluster.priorityClasses.get(pcName);
  if (pcName !== undefined && pc === undefined) throw new Error(`priority class ${pcName} does not exist`);
  spec['priority'] = pc === undefined ? 0 : pc['value'];
  spec['preemptionPolicy'] = pc?.['preemptionPolicy'] ?? 'PreemptLowerPriority';

  // Tolerations: the DaemonSet controller's, or DefaultTolerationSeconds for ordinary pods.
  const tolerations = objs(spec['tolerations']);
  if (plan.daemon === true) {
    const add: J[] = [
      { effect: 'NoExecute', key: 'node.kubernetes.io/not-ready', operator: 'Exists' },
      { effect: 'NoExecute', key: 'node.kubernetes.io/unreachable', operator: 'Exists' },
      { effect: 'NoSchedule', key: 'node.kubernetes.io/disk-pressure', operator: 'Exists' },
      { effect: 'NoSchedule', key: 'node.kubernetes.io/memory-pressure', operator: 'Exists' },
      { effect: 'NoSchedule', key: 'node.kubernetes.io/pid-pressure', operator: 'Exists' },
      { effect: 'NoSchedule', key: 'node.kubernetes.io/unschedulable', operator: 'Exists' },
    ];
    if (spec['hostNetwork'] === true)
      add.push({ effect: 'NoSchedule', key: 'node.kubernetes.io/network-unavailable', operator: 'Exists' });
    spec['tolerations'] = [...tolerations, ...add];
    const affinity = optObj(spec['affinity']) ?? {};
    spec['affinity'] = {
      ...affinity,
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            { matchFields: [{ key: 'metadata.name', operator: 'In', values: [plan.node] }] },
          ],
        },
      },
    };
  } else {
    const extra: J[] = [];
    for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable'])
      if (!tolerates(tolerations, { key, effect: 'NoExecute' }))
        extra.push({ effect: 'NoExecute', key, operator: 'Exists', tolerationSeconds: 300 });
    spec['tolerations'] = [...tolerations, ...extra];
  }

  const hostNetwork = spec['hostNetwork'] === true;
  const podIp = hostNetwork ? node.ip : cluster.podIp(node);
  const created = laterOf(plan.createdAt, node.createdAt);
  const scheduled = addSeconds(created, 1);
  const started = addSeconds(created, 4);
  const ready = addSeconds(created, 12);
  const completedAt = plan.completed === true ? addSeconds(created, 95) : undefined;
  const containers = objs(spec['containers']);
  const initContainers = objs(spec['initContainers']);
  const done = completedAt !== undefined;
  const cond = (type: string, status: boolean, at: string, reason?: string): J => ({
    lastProbeTime: null,
    lastTransitionTime: at,
    ...(reason === undefined ? {} : { reason }),
    status: status ? 'True' : 'False',
    type,
  });
  const status: J = {
    conditions: [
      cond('PodReadyToStartContainers', !done, done ? completedAt : addSeconds(created, 3)),
      cond(
        'Initialized',
        true,
        initContainers.length > 0 ? addSeconds(created, 8) : scheduled,
        done ? 'PodCompleted' : undefined,
      ),
      cond('Ready', !done, done ? completedAt : ready, done ? 'PodCompleted' : undefined),
      cond('ContainersReady', !done, done ? completedAt : ready, done ? 'PodCompleted' : undefined),
      cond('PodScheduled', true, scheduled),
    ],
    containerStatuses: containers.map((c) =>
      containerStatus(c, `${plan.namespace}/${plan.name}`, started, completedAt),
    ),
    hostIP: node.ip,
    hostIPs: [{ ip: node.ip }],
    ...(initContainers.length > 0
      ? {
          initContainerStatuses: initContainers.map((c) =>
            containerStatus(c, `${plan.namespace}/${plan.name}/init`, started, addSeconds(created, 7)),
          ),
        }
      : {}),
    phase: done ? 'Succeeded' : 'Running',
    podIP: podIp,
    podIPs: [{ ip: podIp }],
    qosClass: qosClass(containers),
    startTime: scheduled,
  };
  const annotations = plan.annotations ?? {};
  const pod: J = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
      creationTimestamp: created,
      ...(plan.owner.kind === 'Node' ? {} : { generateName: plan.name.replace(/[^-]+$/, '') }),
      labels: plan.labels,
      name: plan.name,
      namespace: plan.namespace,
      ownerReferences: [
        {
          apiVersion: plan.owner.apiVersion,
          ...(plan.owner.kind === 'Node' ? {} : { blockOwnerDeletion: true }),
          controller: true,
          kind: plan.owner.kind,
          name: plan.owner.name,
          uid: plan.owner.uid,
        },
      ],
      resourceVersion: resourceVersion(`Pod/${plan.namespace}/${plan.name}`),
      uid,
    },
    spec,
    status,
  };
  cluster.pods.push(pod);
  return cluster.add(pod);
}

function resourceVersion(seed: string): string {
  return String(100000 + (parseInt(sha(`rv:${seed}`).slice(0, 6), 16) % 900000));
}

// ---------- controllers ----------

function ownerOf(o: J): PodOwner {
  return {
    apiVersion: str(o['apiVersion'], 'apiVersion'),
    kind: kindOf(o),
    name: nameOf(o),
    uid: str(meta(o)['uid'], 'uid'),
  };
}

function ownerRef(owner: PodOwner): J {
  return {
    apiVersion: owner.apiVersion,
    blockOwnerDeletion: true,
    controller: true,
    kind: owner.kind,
    name: owner.name,
    uid: owner.uid,
  };
}

function templateHash(template: J): string {
  return suffix(`template:${JSON.stringify(template)}`, 10);
}

function expandDeployment(cluster: DemoCluster, d: J): void {
  const spec = obj(d['spec'], 'spec');
  const ns = nsOf(d);
  const created = str(meta(d)['creationTimestamp'], 'creationTimestamp');
  const template = defaultTemplate(obj(spec['template'], 'spec.template'));
  const replicas = typeof spec['replicas'] === 'number' ? spec['replicas'] : 1;
  const strategy = optObj(spec['strategy']) ?? {};
  spec['template'] = template;
  spec['replicas'] = replicas;
  spec['progressDeadlineSeconds'] ??= 600;
  spec['revisionHistoryLimit'] ??= 10;
  spec['strategy'] =
    strategy['type'] === 'Recreate'
      ? { type: 'Recreate' }
      : {
          rollingUpdate: {
            maxSurge: '25%',
            maxUnavailable: '25%',
            ...(optObj(strategy['rollingUpdate']) ?? {}),
          },
          type: 'RollingUpdate',
        };
  const hash = templateHash(template);
  const rsName = `${nameOf(d)}-${hash}`;
  const tMeta = obj(template['metadata'], 'template.metadata');
  const podLabels = { ...(optObj(tMeta['labels']) as Record<string, string>), 'pod-template-hash': hash };
  const selector = obj(spec['selector'], 'spec.selector');
  const rsCreated = addSeconds(created, 1);
  const rs: J = cluster.add({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      annotations: {
        'deployment.kubernetes.io/desired-replicas': String(replicas),
        'deployment.kubernetes.io/max-replicas': String(
          replicas + (strategy['type'] === 'Recreate' ? 0 : Math.ceil(replicas * 0.25)),
        ),
        'deployment.kubernetes.io/revision': '1',
      },
      creationTimestamp: rsCreated,
      generation: 1,
      labels: podLabels,
      name: rsName,
      namespace: ns,
      ownerReferences: [ownerRef(ownerOf(d))],
      resourceVersion: resourceVersion(`ReplicaSet/${ns}/${rsName}`),
      uid: uidFor(`ReplicaSet/${ns}/${rsName}`),
    },
    spec: {
      replicas,
      selector: {
        matchLabels: { ...(optObj(selector['matchLabels']) ?? {}), 'pod-template-hash': hash },
      },
      template: { metadata: { ...tMeta, labels: podLabels }, spec: template['spec'] },
    },
    status: {
      availableReplicas: replicas,
      fullyLabeledReplicas: replicas,
      observedGeneration: 1,
      readyReplicas: replicas,
      replicas,
    },
  });
  const nodes = cluster.place(d, obj(template['spec'], 'spec'), replicas);
  nodes.forEach((node, i) => {
    buildPod(cluster, {
      namespace: ns,
      name: `${rsName}-${suffix(`pod:${ns}/${rsName}/${i}`, 5)}`,
      labels: podLabels,
      owner: ownerOf(rs),
      template,
      node,
      createdAt: addSeconds(rsCreated, 1),
    });
  });
  meta(d)['generation'] = 1;
  meta(d)['annotations'] = { ...annotationsOf(d), 'deployment.kubernetes.io/revision': '1' };
  d['status'] = {
    availableReplicas: replicas,
    conditions: [
      {
        lastTransitionTime: addSeconds(created, 20),
        lastUpdateTime: addSeconds(created, 20),
        message: 'Deployment has minimum availability.',
        reason: 'MinimumReplicasAvailable',
        status: 'True',
        type: 'Available',
      },
      {
        lastTransitionTime: created,
        lastUpdateTime: addSeconds(created, 20),
        message: `ReplicaSet "${rsName}" has successfully progressed.`,
        reason: 'NewReplicaSetAvailable',
        status: 'True',
        type: 'Progressing',
      },
    ],
    observedGeneration: 1,
    readyReplicas: replicas,
    replicas,
    updatedReplicas: replicas,
  };
}

function expandDaemonSet(cluster: DemoCluster, ds: J): void {
  const spec = obj(ds['spec'], 'spec');
  const ns = nsOf(ds);
  const created = str(meta(ds)['creationTimestamp'], 'creationTimestamp');
  const template = defaultTemplate(obj(spec['template'], 'spec.template'));
  spec['template'] = template;
  spec['revisionHistoryLimit'] ??= 10;
  spec['updateStrategy'] ??= { rollingUpdate: { maxSurge: 0, maxUnavailable: 1 }, type: 'RollingUpdate' };
  const hash = templateHash(template);
  const tMeta = obj(template['metadata'], 'template.metadata');
  const labels = {
    ...(optObj(tMeta['labels']) as Record<string, string>),
    'controller-revision-hash': hash,
    'pod-template-generation': '1',
  };
  const nodes = cluster.eligibleNodes(obj(template['spec'], 'spec')).map((n) => n.name);
  for (const node of nodes)
    buildPod(cluster, {
      namespace: ns,
      name: `${nameOf(ds)}-${suffix(`pod:${ns}/${nameOf(ds)}/${node}`, 5)}`,
      labels,
      owner: ownerOf(ds),
      template,
      node,
      createdAt: addSeconds(created, 2),
      daemon: true,
    });
  meta(ds)['generation'] = 1;
  meta(ds)['annotations'] = { ...annotationsOf(ds), 'deprecated.daemonset.template.generation': '1' };
  ds['status'] = {
    currentNumberScheduled: nodes.length,
    desiredNumberScheduled: nodes.length,
    numberAvailable: nodes.length,
    numberMisscheduled: 0,
    numberReady: nodes.length,
    observedGeneration: 1,
    updatedNumberScheduled: nodes.length,
  };
}

function expandStatefulSet(cluster: DemoCluster, sts: J): void {
  const spec = obj(sts['spec'], 'spec');
  const ns = nsOf(sts);
  const name = nameOf(sts);
  const created = str(meta(sts)['creationTimestamp'], 'creationTimestamp');
  const template = defaultTemplate(obj(spec['template'], 'spec.template'));
  const replicas = typeof spec['replicas'] === 'number' ? spec['replicas'] : 1;
  spec['template'] = template;
  spec['replicas'] = replicas;
  spec['podManagementPolicy'] ??= 'OrderedReady';
  spec['revisionHistoryLimit'] ??= 10;
  spec['updateStrategy'] ??= { rollingUpdate: { partition: 0 }, type: 'RollingUpdate' };
  spec['persistentVolumeClaimRetentionPolicy'] ??= { whenDeleted: 'Retain', whenScaled: 'Retain' };
  const revision = `${name}-${templateHash(template)}`;
  const tMeta = obj(template['metadata'], 'template.metadata');
  const nodes = cluster.place(sts, obj(template['spec'], 'spec'), replicas);
  nodes.forEach((node, i) => {
    const podName = `${name}-${i}`;
    buildPod(cluster, {
      namespace: ns,
      name: podName,
      labels: {
        ...(optObj(tMeta['labels']) as Record<string, string>),
        'apps.kubernetes.io/pod-index': String(i),
        'controller-revision-hash': revision,
        'statefulset.kubernetes.io/pod-name': podName,
      },
      owner: ownerOf(sts),
      template,
      node,
      createdAt: addSeconds(created, 2 + 30 * i),
      hostname: podName,
      subdomain: str(spec['serviceName'], 'serviceName'),
    });
  });
  meta(sts)['generation'] = 1;
  sts['status'] = {
    availableReplicas: replicas,
    collisionCount: 0,
    currentReplicas: replicas,
    currentRevision: revision,
    observedGeneration: 1,
    readyReplicas: replicas,
    replicas,
    updateRevision: revision,
    updatedReplicas: replicas,
  };
}

function expandCronJob(cluster: DemoCluster, cj: J): void {
  const spec = obj(cj['spec'], 'spec');
  const ns = nsOf(cj);
  const name = nameOf(cj);
  const lastRun = annotationsOf(cj)[LAST_RUN_ANNOTATION];
  spec['suspend'] ??= false;
  const jobTemplate = obj(spec['jobTemplate'], 'spec.jobTemplate');
  const jtSpec = obj(jobTemplate['spec'], 'spec.jobTemplate.spec');
  const template = defaultTemplate(obj(jtSpec['template'], 'jobTemplate.spec.template'));
  jtSpec['template'] = template;
  jobTemplate['metadata'] ??= { creationTimestamp: null };
  meta(cj)['generation'] = 1;
  if (lastRun === undefined) {
    cj['status'] = {};
    return;
  }
  const jobName = `${name}-${Math.floor(Date.parse(lastRun) / 60000)}`;
  const jobUid = uidFor(`Job/${ns}/${jobName}`);
  const tMeta = obj(template['metadata'], 'template.metadata');
  const controllerLabels = {
    'batch.kubernetes.io/controller-uid': jobUid,
    'batch.kubernetes.io/job-name': jobName,
    'controller-uid': jobUid,
    'job-name': jobName,
  };
  const podLabels = { ...(optObj(tMeta['labels']) as Record<string, string>), ...controllerLabels };
  const jobTemplateWithLabels: J = { metadata: { ...tMeta, labels: podLabels }, spec: template['spec'] };
  const completion = addSeconds(lastRun, 96);
  const job = cluster.add({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      annotations: { 'batch.kubernetes.io/cronjob-scheduled-timestamp': lastRun },
      creationTimestamp: lastRun,
      generation: 1,
      labels: { ...controllerLabels },
      name: jobName,
      namespace: ns,
      ownerReferences: [ownerRef(ownerOf(cj))],
      resourceVersion: resourceVersion(`Job/${ns}/${jobName}`),
      uid: jobUid,
    },
    spec: {
      backoffLimit: jtSpec['backoffLimit'] ?? 6,
      completionMode: 'NonIndexed',
      completions: 1,
      manualSelector: false,
      parallelism: 1,
      podReplacementPolicy: 'TerminatingOrFailed',
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': jobUid } },
      suspend: false,
      template: jobTemplateWithLabels,
    },
    status: {
      completionTime: completion,
      conditions: [
        {
          lastProbeTime: completion,
          lastTransitionTime: completion,
          status: 'True',
          type: 'Complete',
        },
      ],
      ready: 0,
      startTime: lastRun,
      succeeded: 1,
      terminating: 0,
      uncountedTerminatedPods: {},
    },
  });
  const [node] = cluster.place(cj, obj(template['spec'], 'spec'), 1);
  buildPod(cluster, {
    namespace: ns,
    name: `${jobName}-${suffix(`pod:${ns}/${jobName}`, 5)}`,
    labels: podLabels,
    owner: ownerOf(job),
    template: jobTemplateWithLabels,
    node: node!,
    createdAt: lastRun,
    completed: true,
  });
  cj['status'] = { lastScheduleTime: lastRun, lastSuccessfulTime: completion };
}

// ---------- mirror pods of the static manifests ----------

function mirrorPod(cluster: DemoCluster, manifest: J, nodeName: string, file: string): void {
  const node = cluster.node(nodeName);
  const m = meta(manifest);
  const name = `${nameOf(manifest)}-${nodeName}`;
  const hash = sha(`config:${readFileSync(file, 'utf8')}`).slice(0, 32);
  const spec: J = defaultPodSpec(clone(obj(manifest['spec'], 'spec')));
  spec['nodeName'] = nodeName;
  spec['enableServiceLinks'] = true;
  spec['preemptionPolicy'] = 'PreemptLowerPriority';
  spec['tolerations'] = [{ effect: 'NoExecute', operator: 'Exists' }];
  const created = addSeconds(node.createdAt, 30);
  const containers = objs(spec['containers']);
  const podKey = `kube-system/${name}`;
  const pod: J = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      annotations: {
        ...(optObj(m['annotations']) ?? {}),
        'kubernetes.io/config.hash': hash,
        'kubernetes.io/config.mirror': hash,
        'kubernetes.io/config.seen': addSeconds(node.createdAt, 5).replace('Z', '.000000000Z'),
        'kubernetes.io/config.source': 'file',
      },
      creationTimestamp: created,
      labels: optObj(m['labels']) ?? {},
      name,
      namespace: 'kube-system',
      ownerReferences: [{ apiVersion: 'v1', controller: true, kind: 'Node', name: nodeName, uid: node.uid }],
      resourceVersion: resourceVersion(`Pod/${podKey}`),
      uid: uidFor(`Pod/${podKey}`),
    },
    spec,
    status: {
      conditions: [
        {
          lastProbeTime: null,
          lastTransitionTime: created,
          status: 'True',
          type: 'PodReadyToStartContainers',
        },
        { lastProbeTime: null, lastTransitionTime: created, status: 'True', type: 'Initialized' },
        { lastProbeTime: null, lastTransitionTime: addSeconds(created, 20), status: 'True', type: 'Ready' },
        {
          lastProbeTime: null,
          lastTransitionTime: addSeconds(created, 20),
          status: 'True',
          type: 'ContainersReady',
        },
        { lastProbeTime: null, lastTransitionTime: created, status: 'True', type: 'PodScheduled' },
      ],
      containerStatuses: containers.map((c) => containerStatus(c, podKey, addSeconds(node.createdAt, 6))),
      hostIP: node.ip,
      hostIPs: [{ ip: node.ip }],
      phase: 'Running',
      podIP: node.ip,
      podIPs: [{ ip: node.ip }],
      qosClass: qosClass(containers),
      startTime: addSeconds(node.createdAt, 5),
    },
  };
  cluster.pods.push(pod);
  cluster.add(pod);
}

// ---------- services and endpoint slices ----------

function fillService(cluster: DemoCluster, svc: J): void {
  const spec = obj(svc['spec'], 'spec');
  const key = `${nsOf(svc)}/${nameOf(svc)}`;
  const type = optStr(spec['type']) ?? 'ClusterIP';
  spec['type'] = type;
  const ip = optStr(spec['clusterIP']);
  if (ip === 'None') spec['clusterIPs'] = ['None'];
  else {
    const chosen = ip ?? cluster.allocateServiceIp(key);
    if (ip !== undefined) cluster.reserveServiceIp(ip);
    spec['clusterIP'] = chosen;
    spec['clusterIPs'] = [chosen];
  }
  spec['internalTrafficPolicy'] ??= 'Cluster';
  spec['ipFamilies'] = ['IPv4'];
  spec['ipFamilyPolicy'] = 'SingleStack';
  spec['sessionAffinity'] ??= 'None';
  const external = type === 'NodePort' || type === 'LoadBalancer';
  if (external) spec['externalTrafficPolicy'] ??= 'Cluster';
  if (type === 'LoadBalancer') spec['allocateLoadBalancerNodePorts'] ??= true;
  spec['ports'] = objs(spec['ports']).map((p) => {
    const out: J = { ...p, protocol: p['protocol'] ?? 'TCP', targetPort: p['targetPort'] ?? p['port'] };
    if (external) {
      if (typeof p['nodePort'] === 'number') cluster.reserveNodePort(p['nodePort']);
      else out['nodePort'] = cluster.allocateNodePort(`${key}/${String(p['name'])}`);
    }
    return out;
  });
  svc['status'] ??= { loadBalancer: {} };
}

function matchesSelector(labels: Record<string, string>, selector: Record<string, unknown>): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

function podLabels(p: J): Record<string, string> {
  return labelsOf(p);
}

function resolveTargetPort(pod: J, target: unknown): number | undefined {
  if (typeof target === 'number') return target;
  for (const c of objs(obj(pod['spec'], 'spec')['containers']))
    for (const p of objs(c['ports']))
      if (p['name'] === target && typeof p['containerPort'] === 'number') return p['containerPort'];
  return undefined;
}

function endpointSlices(cluster: DemoCluster, svc: J): void {
  const spec = obj(svc['spec'], 'spec');
  const ns = nsOf(svc);
  const name = nameOf(svc);
  const created = str(meta(svc)['creationTimestamp'], 'creationTimestamp');
  const ports = objs(spec['ports']);
  if (ns === 'default' && name === 'kubernetes') {
    cluster.add({
      addressType: 'IPv4',
      apiVersion: 'discovery.k8s.io/v1',
      endpoints: [{ addresses: ['10.0.0.10'], conditions: { ready: true } }],
      kind: 'EndpointSlice',
      metadata: {
        creationTimestamp: created,
        generation: 1,
        labels: { 'kubernetes.io/service-name': 'kubernetes' },
        name: 'kubernetes',
        namespace: 'default',
        resourceVersion: resourceVersion('EndpointSlice/default/kubernetes'),
        uid: uidFor('EndpointSlice/default/kubernetes'),
      },
      ports: [{ name: 'https', port: 6443, protocol: 'TCP' }],
    });
    return;
  }
  const selector = optObj(spec['selector']);
  if (selector === undefined) return;
  const pods = cluster.pods
    .filter((p) => nsOf(p) === ns && matchesSelector(podLabels(p), selector))
    .filter((p) => obj(p['status'], 'status')['phase'] === 'Running')
    .sort((a, b) => cmp(nameOf(a), nameOf(b)));
  const slicePorts = ports.map((p) => {
    const resolved = pods.length > 0 ? resolveTargetPort(pods[0]!, p['targetPort']) : undefined;
    return {
      ...(p['appProtocol'] === undefined ? {} : { appProtocol: p['appProtocol'] }),
      name: p['name'] ?? '',
      port: resolved ?? (typeof p['targetPort'] === 'number' ? p['targetPort'] : p['port']),
      protocol: p['protocol'],
    };
  });
  const sliceName = `${name}-${suffix(`slice:${ns}/${name}`, 5)}`;
  cluster.add({
    addressType: 'IPv4',
    apiVersion: 'discovery.k8s.io/v1',
    endpoints: pods.map((p) => {
      const st = obj(p['status'], 'status');
      const ps = obj(p['spec'], 'spec');
      const pm = meta(p);
      return {
        addresses: [st['podIP']],
        conditions: { ready: true, serving: true, terminating: false },
        ...(typeof ps['hostname'] === 'string' && ps['subdomain'] === name
          ? { hostname: ps['hostname'] }
          : {}),
        nodeName: ps['nodeName'],
        targetRef: { kind: 'Pod', name: pm['name'], namespace: ns, uid: pm['uid'] },
      };
    }),
    kind: 'EndpointSlice',
    metadata: {
      annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': addSeconds(created, 15) },
      creationTimestamp: addSeconds(created, 1),
      generateName: `${name}-`,
      generation: 1,
      labels: {
        ...labelsOf(svc),
        'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
        'kubernetes.io/service-name': name,
        ...(spec['clusterIP'] === 'None' ? { 'service.kubernetes.io/headless': '' } : {}),
      },
      name: sliceName,
      namespace: ns,
      ownerReferences: [
        {
          apiVersion: 'v1',
          blockOwnerDeletion: true,
          controller: true,
          kind: 'Service',
          name,
          uid: meta(svc)['uid'],
        },
      ],
      resourceVersion: resourceVersion(`EndpointSlice/${ns}/${sliceName}`),
      uid: uidFor(`EndpointSlice/${ns}/${sliceName}`),
    },
    ports: slicePorts,
  });
}

// ---------- quantities (for ResourceQuota status) ----------

function parseQuantity(q: unknown): number {
  const s = String(q);
  const m = /^([0-9.]+)(m|Ki|Mi|Gi)?$/.exec(s);
  if (m === null) throw new Error(`unsupported quantity ${s}`);
  const n = Number(m[1]);
  switch (m[2]) {
    case 'm':
      return n / 1000;
    case 'Ki':
      return n * 1024;
    case 'Mi':
      return n * 1024 * 1024;
    case 'Gi':
      return n * 1024 * 1024 * 1024;
    default:
      return n;
  }
}

function formatQuantity(resource: string, n: number): string {
  if (resource.endsWith('memory')) {
    const mi = n / (1024 * 1024);
    return mi % 1024 === 0 && mi > 0 ? `${mi / 1024}Gi` : `${mi}Mi`;
  }
  if (resource.endsWith('cpu')) return Number.isInteger(n) ? String(n) : `${Math.round(n * 1000)}m`;
  return String(n);
}

function quotaUsed(cluster: DemoCluster, ns: string, hard: J): J {
  const running = cluster.pods.filter(
    (p) => nsOf(p) === ns && obj(p['status'], 'status')['phase'] === 'Running',
  );
  const used: J = {};
  for (const key of Object.keys(hard)) {
    if (key === 'pods') used[key] = String(running.length);
    else if (key === 'services.loadbalancers' || key === 'services.nodeports')
      used[key] = String(
        cluster.out.filter((o) => {
          if (kindOf(o) !== 'Service' || nsOf(o) !== ns) return false;
          const t = obj(o['spec'], 'spec')['type'];
          return key === 'services.loadbalancers'
            ? t === 'LoadBalancer'
            : t === 'NodePort' || t === 'LoadBalancer';
        }).length,
      );
    else {
      const [kind, res] = key.split('.') as [string, string];
      let sum = 0;
      for (const p of running)
        for (const c of objs(obj(p['spec'], 'spec')['containers'])) {
          const r = optObj(optObj(c['resources'])?.[kind]);
          if (r?.[res] !== undefined) sum += parseQuantity(r[res]);
        }
      used[key] = formatQuantity(key, sum);
    }
  }
  return used;
}

// ---------- local APIServices (the groups a v1.30 API server serves itself) ----------

const LOCAL_API_GROUPS: readonly [
  group: string,
  version: string,
  groupPriority: number,
  versionPriority: number,
][] = [
  ['', 'v1', 18000, 1],
  ['admissionregistration.k8s.io', 'v1', 16700, 15],
  ['apiextensions.k8s.io', 'v1', 16700, 15],
  ['apiregistration.k8s.io', 'v1', 18000, 15],
  ['apps', 'v1', 17800, 15],
  ['authentication.k8s.io', 'v1', 17700, 15],
  ['authorization.k8s.io', 'v1', 17600, 15],
  ['autoscaling', 'v1', 17500, 15],
  ['autoscaling', 'v2', 17500, 30],
  ['batch', 'v1', 17400, 15],
  ['certificates.k8s.io', 'v1', 17300, 15],
  ['coordination.k8s.io', 'v1', 16500, 15],
  ['discovery.k8s.io', 'v1', 16200, 15],
  ['events.k8s.io', 'v1', 17750, 15],
  ['flowcontrol.apiserver.k8s.io', 'v1', 16100, 15],
  ['flowcontrol.apiserver.k8s.io', 'v1beta3', 16100, 5],
  ['networking.k8s.io', 'v1', 17200, 15],
  ['node.k8s.io', 'v1', 16300, 15],
  ['policy', 'v1', 17100, 15],
  ['rbac.authorization.k8s.io', 'v1', 17000, 15],
  ['scheduling.k8s.io', 'v1', 16600, 15],
  ['storage.k8s.io', 'v1', 16800, 15],
];

function localApiServices(cluster: DemoCluster): void {
  const created = '2026-09-14T08:00:00Z';
  for (const [group, version, gp, vp] of LOCAL_API_GROUPS) {
    const name = group === '' ? `${version}.` : `${version}.${group}`;
    cluster.add({
      apiVersion: 'apiregistration.k8s.io/v1',
      kind: 'APIService',
      metadata: {
        creationTimestamp: created,
        labels: { 'kube-aggregator.kubernetes.io/automanaged': 'onstart' },
        name,
      },
      spec: { group, groupPriorityMinimum: gp, version, versionPriority: vp },
      status: {
        conditions: [
          {
            lastTransitionTime: created,
            message: 'Local APIServices are always available',
            reason: 'Local',
            status: 'True',
            type: 'Available',
          },
        ],
      },
    });
  }
}

// ---------- the build ----------

const KIND_ORDER_FIRST = ['Node', 'Namespace', 'PriorityClass', 'ServiceAccount'];

/** Gives an object its uid and resourceVersion, as the API server does on create. */
function assignIdentity(o: J): void {
  const m = meta(o);
  const key = `${kindOf(o)}/${nsOf(o)}/${nameOf(o)}`;
  m['uid'] ??= uidFor(key);
  m['resourceVersion'] ??= resourceVersion(key);
  if (typeof m['creationTimestamp'] !== 'string')
    throw new Error(`${key}: creationTimestamp missing in the source`);
  // Labels and annotations are strings in the API; an unquoted YAML number or boolean is a source mistake.
  for (const field of ['labels', 'annotations'])
    for (const [k, v] of Object.entries(optObj(m[field]) ?? {}))
      if (typeof v !== 'string') throw new Error(`${key}: metadata.${field}["${k}"] is not a string`);
}

/** Removes the generator's own annotations once every controller has run. */
function finishObject(o: J): void {
  assignIdentity(o);
  const m = meta(o);
  const ann = Object.fromEntries(
    Object.entries(annotationsOf(o)).filter(([k]) => k !== NODES_ANNOTATION && k !== LAST_RUN_ANNOTATION),
  );
  if (Object.keys(ann).length > 0) m['annotations'] = ann;
  else delete m['annotations'];
}

function finishNode(n: J): void {
  const st = obj(n['status'], 'status');
  const created = str(meta(n)['creationTimestamp'], 'creationTimestamp');
  const hb = addSeconds(DEMO_COLLECTED_AT, -37);
  const cond = (type: string, status: string, reason: string, message: string, since: string): J => ({
    lastHeartbeatTime: type === 'NetworkUnavailable' ? since : hb,
    lastTransitionTime: since,
    message,
    reason,
    status,
    type,
  });
  st['conditions'] = [
    cond(
      'NetworkUnavailable',
      'False',
      'FlannelIsUp',
      'Flannel is running on this node',
      addSeconds(created, 300),
    ),
    cond(
      'MemoryPressure',
      'False',
      'KubeletHasSufficientMemory',
      'kubelet has sufficient memory available',
      created,
    ),
    cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure', created),
    cond('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available', created),
    cond('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status', addSeconds(created, 310)),
  ];
  st['daemonEndpoints'] = { kubeletEndpoint: { Port: 10250 } };
}

/** Builds every snapshot file: relative file name → content. Pure apart from reading the sources. */
export function buildDemo(demoRoot: string): Map<string, string> {
  const cluster = new DemoCluster();
  const sources = yamlFilesIn(path.join(demoRoot, 'source')).flatMap(readYamlDocs);
  const seen = new Set<string>();
  for (const o of sources) {
    const key = `${kindOf(o)}/${nsOf(o)}/${nameOf(o)}`;
    if (seen.has(key)) throw new Error(`${key} defined twice in the source`);
    seen.add(key);
    if (resourceTypeOfKind(kindOf(o)) === undefined)
      throw new Error(`${key}: kind is not a collected resource type`);
  }
  const byKind = (kind: string): J[] => sources.filter((o) => kindOf(o) === kind);

  // Nodes first: placement and IPs depend on them.
  for (const n of byKind('Node')) {
    const name = nameOf(n);
    const spec = obj(n['spec'], 'spec');
    const addr = objs(obj(n['status'], 'status')['addresses']).find((a) => a['type'] === 'InternalIP');
    const cidr = str(spec['podCIDR'], 'spec.podCIDR');
    cluster.nodes.set(name, {
      name,
      uid: uidFor(`Node//${name}`),
      ip: str(addr?.['address'], `${name} InternalIP`),
      podCidrPrefix: cidr.replace(/\.0\/24$/, ''),
      taints: objs(spec['taints']),
      labels: labelsOf(n),
      createdAt: str(meta(n)['creationTimestamp'], 'creationTimestamp'),
      nextIp: 2,
    });
    meta(n)['uid'] = uidFor(`Node//${name}`);
    finishNode(n);
  }
  for (const ns of byKind('Namespace')) {
    const name = nameOf(ns);
    meta(ns)['labels'] = { ...labelsOf(ns), 'kubernetes.io/metadata.name': name };
    ns['spec'] = { finalizers: ['kubernetes'] };
    ns['status'] = { phase: 'Active' };
    // The service-account controller creates `default` in every namespace.
    if (!sources.some((o) => kindOf(o) === 'ServiceAccount' && nsOf(o) === name && nameOf(o) === 'default'))
      sources.push({
        apiVersion: 'v1',
        kind: 'ServiceAccount',
        metadata: { creationTimestamp: meta(ns)['creationTimestamp'], name: 'default', namespace: name },
      });
  }
  for (const sa of byKind('ServiceAccount')) cluster.serviceAccounts.set(`${nsOf(sa)}/${nameOf(sa)}`, sa);
  for (const pc of byKind('PriorityClass')) cluster.priorityClasses.set(nameOf(pc), pc);
  for (const o of sources) {
    assignIdentity(o);
    cluster.add(o);
  }

  // Static pods on the control-plane node appear as mirror pods.
  const manifestsDir = path.join(demoRoot, 'node-files', 'lab-cp-1', 'etc', 'kubernetes', 'manifests');
  for (const file of yamlFilesIn(manifestsDir))
    for (const doc of readYamlDocs(file)) mirrorPod(cluster, doc, 'lab-cp-1', file);

  // Controllers, in a stable order.
  const sorted = [...sources].sort((a, b) => compareKey(a, b));
  for (const o of sorted) {
    switch (kindOf(o)) {
      case 'Deployment':
        expandDeployment(cluster, o);
        break;
      case 'DaemonSet':
        expandDaemonSet(cluster, o);
        break;
      case 'StatefulSet':
        expandStatefulSet(cluster, o);
        break;
      case 'CronJob':
        expandCronJob(cluster, o);
        break;
    }
  }
  for (const svc of sorted.filter((o) => kindOf(o) === 'Service')) fillService(cluster, svc);
  for (const svc of sorted.filter((o) => kindOf(o) === 'Service')) endpointSlices(cluster, svc);
  localApiServices(cluster);
  bindVolumes(sources);
  finishStatus(cluster, sources);

  for (const o of cluster.out) finishObject(o);
  return render(cluster.out);
}

function compareKey(a: J, b: J): number {
  const ka = KIND_ORDER_FIRST.indexOf(kindOf(a));
  const kb = KIND_ORDER_FIRST.indexOf(kindOf(b));
  if (ka !== kb) return (ka < 0 ? 99 : ka) - (kb < 0 ? 99 : kb);
  return cmp(kindOf(a), kindOf(b)) || cmp(nsOf(a), nsOf(b)) || cmp(nameOf(a), nameOf(b));
}

function bindVolumes(sources: J[]): void {
  for (const pvc of sources.filter((o) => kindOf(o) === 'PersistentVolumeClaim')) {
    const spec = obj(pvc['spec'], 'spec');
    const volumeName = str(spec['volumeName'], 'spec.volumeName');
    const pv = sources.find((o) => kindOf(o) === 'PersistentVolume' && nameOf(o) === volumeName);
    if (pv === undefined) throw new Error(`PVC ${nameOf(pvc)} names missing volume ${volumeName}`);
    const pvSpec = obj(pv['spec'], 'spec');
    pvSpec['claimRef'] = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      name: nameOf(pvc),
      namespace: nsOf(pvc),
      uid: meta(pvc)['uid'],
    };
    const bound = addSeconds(str(meta(pvc)['creationTimestamp'], 'creationTimestamp'), 2);
    meta(pv)['annotations'] = { ...annotationsOf(pv), 'pv.kubernetes.io/bound-by-controller': 'yes' };
    meta(pv)['finalizers'] = ['kubernetes.io/pv-protection'];
    pv['status'] = { lastPhaseTransitionTime: bound, phase: 'Bound' };
    meta(pvc)['annotations'] = { ...annotationsOf(pvc), 'pv.kubernetes.io/bind-completed': 'yes' };
    meta(pvc)['finalizers'] = ['kubernetes.io/pvc-protection'];
    pvc['status'] = { accessModes: pvSpec['accessModes'], capacity: pvSpec['capacity'], phase: 'Bound' };
  }
}

function finishStatus(cluster: DemoCluster, sources: J[]): void {
  const lb = sources.find((o) => kindOf(o) === 'Service' && nameOf(o) === 'ingress-nginx-controller');
  const lbIngress = objs(optObj(optObj(lb?.['status'])?.['loadBalancer'])?.['ingress']);
  for (const o of sources) {
    const kind = kindOf(o);
    if (kind === 'Secret' && annotationsOf(o)['kubernetes.io/service-account.name'] !== undefined) {
      const saName = annotationsOf(o)['kubernetes.io/service-account.name']!;
      const sa = cluster.serviceAccounts.get(`${nsOf(o)}/${saName}`);
      if (sa === undefined) throw new Error(`token Secret ${nameOf(o)} names missing account ${saName}`);
      meta(o)['annotations'] = { ...annotationsOf(o), 'kubernetes.io/service-account.uid': meta(sa)['uid'] };
    }
    if (kind === 'Ingress')
      o['status'] = { loadBalancer: { ingress: lbIngress.map((i) => ({ ip: i['ip'] })) } };
    if (kind === 'ResourceQuota') {
      const hard = obj(obj(o['spec'], 'spec')['hard'], 'spec.hard');
      o['status'] = { hard, used: quotaUsed(cluster, nsOf(o), hard) };
    }
    if (kind === 'PodDisruptionBudget') {
      const spec = obj(o['spec'], 'spec');
      const sel = optObj(obj(spec['selector'], 'spec.selector')['matchLabels']) ?? {};
      const healthy = cluster.pods.filter(
        (p) =>
          nsOf(p) === nsOf(o) &&
          matchesSelector(labelsOf(p), sel) &&
          obj(p['status'], 'status')['phase'] === 'Running',
      ).length;
      const desired = typeof spec['minAvailable'] === 'number' ? spec['minAvailable'] : healthy;
      meta(o)['generation'] = 1;
      o['status'] = {
        conditions: [
          {
            lastTransitionTime: addSeconds(str(meta(o)['creationTimestamp'], 'creationTimestamp'), 20),
            message: '',
            observedGeneration: 1,
            reason: 'SufficientPods',
            status: 'True',
            type: 'DisruptionAllowed',
          },
        ],
        currentHealthy: healthy,
        desiredHealthy: desired,
        disruptionsAllowed: Math.max(0, healthy - desired),
        expectedPods: healthy,
        observedGeneration: 1,
      };
    }
  }
}

/** Sorts by namespace then name (cluster-scoped first) and writes `kubectl`-shaped Lists plus snapshot.json. */
function render(objects: readonly J[]): Map<string, string> {
  const files = new Map<string, string>();
  const byResource = new Map<string, J[]>();
  for (const o of objects) {
    const rt = resourceTypeOfKind(kindOf(o));
    if (rt === undefined) throw new Error(`${kindOf(o)} is not a collected resource type`);
    if (kindOf(o) === 'ConfigMap') {
      const key = `${nsOf(o)}/${nameOf(o)}`;
      if (!WANTED_CONFIGMAPS.includes(key) && !DEMO_EXTRA_CONFIGMAPS.includes(key))
        throw new Error(`ConfigMap ${key} would not be collected`);
    }
    const id = resourceId(rt);
    const list = byResource.get(id) ?? [];
    list.push(kindOf(o) === 'Secret' ? secretMetadataOnly(o) : o);
    byResource.set(id, list);
  }
  const coverage: J[] = [];
  for (const rt of RESOURCE_TYPES) {
    const id = resourceId(rt);
    const items = byResource.get(id) ?? [];
    if (
      rt.optional === true &&
      items.length === 0 &&
      rt.kind !== 'ValidatingAdmissionPolicy' &&
      rt.kind !== 'ValidatingAdmissionPolicyBinding'
    ) {
      coverage.push({
        resource: id,
        kind: rt.kind,
        state: 'not-served',
        count: 0,
        reason: notServedReason(rt.group, rt.versions),
      });
      continue;
    }
    items.sort((a, b) => cmp(nsOf(a), nsOf(b)) || cmp(nameOf(a), nameOf(b)));
    files.set(`${id}.json`, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }, null, 2) + '\n');
    coverage.push({ resource: id, kind: rt.kind, state: 'read', count: items.length });
  }
  for (const id of byResource.keys())
    if (!files.has(`${id}.json`)) throw new Error(`${id} has objects but its type is recorded as not served`);
  const snapshot = {
    apiVersion: 'ktm.dev/v1alpha1',
    kind: 'Snapshot',
    cluster: { name: 'lab', server: 'https://10.0.0.10:6443' },
    serverVersion: DEMO_VERSION,
    collectedAt: DEMO_COLLECTED_AT,
    ktmVersion: DEMO_KTM_VERSION,
    coverage: {
      resources: coverage,
      facts: [
        { fact: 'server-version', state: 'read' },
        ...['lab-cp-1', 'lab-worker-1', 'lab-worker-2'].map((n) => ({
          fact: 'kubelet-config',
          subject: n,
          state: 'not-collected',
          reason: 'rerun with --kubelet-config',
        })),
      ],
    },
  };
  files.set('snapshot.json', JSON.stringify(snapshot, null, 2) + '\n');
  return files;
}

function notServedReason(group: string, versions: readonly string[]): string {
  if (group === 'policy') return 'policy/v1beta1 is not served (PodSecurityPolicy was removed in 1.25)';
  return `${group}/${versions.join(', ')} ${versions.length > 1 ? 'are' : 'is'} not served (its CRDs are not installed)`;
}

/**
 * Exactly what `ktm collect` keeps of a Secret: it lists them as PartialObjectMetadata, which has
 * no `type`, so only the types recognisable from metadata survive (src/collect/live/list-resource.ts).
 */
function secretMetadataOnly(o: J): J {
  const metadata = meta(o);
  const type = inferSecretType(metadata as unknown as ObjectMeta);
  return { apiVersion: o['apiVersion'], kind: 'Secret', metadata, ...(type === undefined ? {} : { type }) };
}

/** Code-unit order, as the snapshot writer sorts (never localeCompare: the same bytes in every locale). */
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The demo folder inside the package (scripts/ or dist/scripts/ → package root). */
export function defaultDemoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const candidate = path.join(dir, 'examples', 'demo-cluster');
    try {
      readdirSync(path.join(candidate, 'source'));
      return candidate;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      dir = path.dirname(dir);
    }
  }
  throw new Error('examples/demo-cluster/source not found above ' + fileURLToPath(import.meta.url));
}

/** Writes the snapshot folder, removing files the build no longer produces. */
export function writeDemo(demoRoot: string): number {
  const files = buildDemo(demoRoot);
  const out = path.join(demoRoot, 'snapshot');
  mkdirSync(out, { recursive: true });
  for (const f of readdirSync(out)) if (!files.has(f)) rmSync(path.join(out, f));
  for (const [name, content] of files) writeFileSync(path.join(out, name), content);
  return files.size;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const root = defaultDemoRoot();
  const n = writeDemo(root);
  process.stdout.write(`wrote ${n} files to ${path.join(root, 'snapshot')}\n`);
}
