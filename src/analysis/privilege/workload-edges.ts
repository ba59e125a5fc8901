// Attack steps that come from what runs where: pods, containers, their volumes and tokens, node escapes, Internet exposure.
import type { KubeObject } from '../../collect/inventory.js';
import { refOf } from '../../collect/inventory.js';
import type { Evidence, Ref } from '../../types.js';
import { matches, selectorFromLabels } from '../network-policy/label-selector.js';
import type { AttackStep } from './attack-graph.js';
import {
  isSameOrParent,
  normaliseHostPath,
  parentOf,
  READ_SENSITIVE,
  RUNTIME_SOCKETS,
  touches,
  writeSensitive,
} from '../host-paths.js';
import { listOf, recordOf, str, type GraphContext, type PodInfo } from './graph-context.js';

function caps(sc: Record<string, unknown>): Set<string> {
  const add = listOf([recordOf(sc['capabilities'])])[0]?.['add'];
  const out = new Set<string>();
  if (Array.isArray(add))
    for (const c of add) if (typeof c === 'string') out.add(c.toUpperCase().replace(/^CAP_/, ''));
  return out;
}

/** Runs as root unless runAsNonRoot or a non-zero runAsUser says otherwise (container settings override the pod's). */
function runsAsRoot(podSc: Record<string, unknown>, sc: Record<string, unknown>): boolean {
  const user = sc['runAsUser'] ?? podSc['runAsUser'];
  const nonRoot = sc['runAsNonRoot'] ?? podSc['runAsNonRoot'];
  if (nonRoot === true) return false;
  if (typeof user === 'number') return user === 0;
  return true;
}

interface VolumeInfo {
  readonly name: string;
  readonly hostPath?: string;
  readonly tokenFor?: { sa: string; evidence: Evidence };
  readonly pvc?: string;
  readonly index: number;
}

// `join` builds one flat string; a template literal builds a rope (two or three heap objects) that the vertex
// would keep: at 150,000 pods that is 300,000 container and volume names.
function containerVertex(ctx: GraphContext, pod: PodInfo, container: string): number {
  return ctx.v({ kind: 'Container', namespace: pod.namespace, name: [pod.name, container].join('/') });
}

function volumeVertex(ctx: GraphContext, pod: PodInfo, volume: string): number {
  return ctx.v({ kind: 'Volume', namespace: pod.namespace, name: [pod.name, volume].join('/') });
}

/** Evidence in a pod, or in a workload's pod template (`spec.x` → `spec.template.spec.x`). */
function podEv(pod: PodInfo, path: string, value?: string): Evidence {
  const at =
    pod.template !== undefined && (path.startsWith('spec') || path.startsWith('metadata'))
      ? `${pod.template.path}.${path}`
      : path;
  return value !== undefined
    ? { ref: pod.ref, path: at, value, source: pod.source }
    : { ref: pod.ref, path: at, source: pod.source };
}

function serviceAccountEv(ctx: GraphContext, pod: PodInfo): Evidence {
  let ev = ctx.serviceAccountEvidence.get(pod);
  if (ev === undefined)
    ctx.serviceAccountEvidence.set(pod, (ev = podEv(pod, 'spec.serviceAccountName', pod.serviceAccount)));
  return ev;
}

/** `spec.containers[i]`, built once per index: every pod's edges share the same path strings. */
const containerPaths: string[] = [];
function containerPath(i: number): string {
  return (containerPaths[i] ??= `spec.containers[${i}]`);
}
const projectedPaths: string[] = [];
function projectedPath(i: number): string {
  return (projectedPaths[i] ??= `spec.volumes[${i}].projected`);
}
const mountsPaths: string[] = [];
function volumeMountsPath(i: number): string {
  return (mountsPaths[i] ??= `spec.containers[${i}].volumeMounts`);
}

/** Token volumes of every pod: needed before EXPLOIT_HOST_TRAVERSE links hostPath mounts to them. */
export function tokenVolumes(ctx: GraphContext, pod: PodInfo): VolumeInfo[] {
  const out: VolumeInfo[] = [];
  const vols = listOf(pod.spec['volumes']);
  vols.forEach((vol, index) => {
    const name = str(vol['name']) ?? `volumes[${index}]`;
    const projected = recordOf(vol['projected']);
    const sources = listOf(projected['sources']);
    const tokenSource = sources.find((s) => s['serviceAccountToken'] !== undefined);
    if (tokenSource !== undefined) {
      const aud = str(recordOf(tokenSource['serviceAccountToken'])['audience']);
      // A token for another audience is not accepted by the API server.
      if (aud === undefined || aud === '')
        out.push({
          name,
          index,
          tokenFor: {
            sa: pod.serviceAccount,
            evidence: podEv(pod, projectedPath(index), 'serviceAccountToken'),
          },
        });
      return;
    }
    const secretName = str(recordOf(vol['secret'])['secretName']);
    if (secretName !== undefined) {
      const s = ctx.secretsByNs.get(pod.namespace)?.find((x) => x.name === secretName);
      if (s?.serviceAccount !== undefined)
        out.push({
          name,
          index,
          tokenFor: {
            sa: s.serviceAccount,
            evidence: podEv(pod, `spec.volumes[${index}].secret.secretName`, secretName),
          },
        });
    }
  });
  if (!out.some((v) => v.name.startsWith('kube-api-access'))) {
    // The ServiceAccount admission plugin adds a projected token volume unless automounting is off
    // (the pod's field wins over the service account's). https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/
    const podAuto = pod.spec['automountServiceAccountToken'];
    const saObj = ctx.inventory.get('ServiceAccount', pod.namespace, pod.serviceAccount)?.object;
    const saAuto = saObj?.automountServiceAccountToken;
    const auto = typeof podAuto === 'boolean' ? podAuto : (saAuto ?? true);
    const explicitProjected = out.length > 0;
    if (auto && !explicitProjected) {
      const why =
        typeof podAuto === 'boolean'
          ? podEv(pod, 'spec.automountServiceAccountToken', String(podAuto))
          : saAuto !== undefined && saObj !== undefined
            ? { ref: refOf(saObj), path: 'automountServiceAccountToken', value: String(saAuto) }
            : podEv(pod, 'spec.automountServiceAccountToken', 'unset (defaults to true)');
      out.push({ name: 'kube-api-access', index: -1, tokenFor: { sa: pod.serviceAccount, evidence: why } });
    }
  }
  return out;
}

/** Pod, container, volume and node edges of one pod. */
export function addPodEdges(ctx: GraphContext, pod: PodInfo, tokens: readonly VolumeInfo[]): void {
  const g = ctx.graph;
  const P = ctx.v({ kind: 'Pod', namespace: pod.namespace, name: pod.name });
  // The node it runs on, or every node it may be scheduled on (a template, a pending pod).
  const placement = ctx.placementOf(pod);
  const onNodes = (
    draw: (
      N: number,
      placed: Evidence,
      assumption: string | undefined,
      node: string | undefined,
      placedList: readonly Evidence[],
    ) => void,
  ): void => {
    placement.nodes.forEach((n, i) => {
      const list = placement.evidenceLists[i]!;
      draw(n.vertex, list[0], placement.assumption?.(n.name), n.name, list);
    });
  };
  const podSc = recordOf(pod.spec['securityContext']);
  const hostPID = pod.spec['hostPID'] === true;
  const shareProcessNamespace = pod.spec['shareProcessNamespace'] === true;
  const containers = listOf(pod.spec['containers']);
  const volumes = listOf(pod.spec['volumes']);
  const volByName = new Map<string, VolumeInfo>();
  volumes.forEach((vol, index) => {
    const name = str(vol['name']);
    if (name === undefined) return;
    const hp = str(recordOf(vol['hostPath'])['path']);
    const pvc = str(recordOf(vol['persistentVolumeClaim'])['claimName']);
    volByName.set(name, {
      name,
      index,
      ...(hp !== undefined ? { hostPath: normaliseHostPath(hp) } : {}),
      ...(pvc !== undefined ? { pvc } : {}),
    });
  });
  for (const t of tokens) {
    const V = volumeVertex(ctx, pod, t.name);
    if (t.tokenFor !== undefined)
      g.edge(
        'TOKEN_STEAL',
        V,
        ctx.sa(pod.namespace, t.tokenFor.sa),
        [t.tokenFor.evidence, serviceAccountEv(ctx, pod)],
        'automountServiceAccountToken: false on the pod or its ServiceAccount (mount a token only where the workload calls the API)',
      );
    onNodes((N, _placed, assumption, _node, placedList) =>
      g.edge(
        'VOLUME_ACCESS',
        N,
        V,
        placedList,
        'none once the node is compromised: keep token-bearing pods off nodes that run escape-capable pods',
        assumption,
      ),
    );
  }
  onNodes((N, _placed, assumption, _node, placedList) =>
    g.edge(
      'POD_ATTACH',
      N,
      P,
      placedList,
      'none once the node is compromised: isolate sensitive pods on dedicated nodes (taints, nodeSelector)',
      assumption,
    ),
  );
  const names = containers.map((c, i) => str(c['name']) ?? `containers[${i}]`);
  containers.forEach((c, ci) => {
    const cname = names[ci]!;
    const C = containerVertex(ctx, pod, cname);
    const cpath = containerPath(ci);
    g.edge(
      'CONTAINER_ATTACH',
      P,
      C,
      [podEv(pod, cpath, cname)],
      'none: control of a pod is control of its containers',
    );
    const sc = recordOf(c['securityContext']);
    const privileged = sc['privileged'] === true;
    const cap = caps(sc);
    // Every container of a pod gets the automounted token (the admission plugin mounts it in each).
    for (const t of tokens) {
      const mounted = t.index === -1 || listOf(c['volumeMounts']).some((m) => str(m['name']) === t.name);
      if (mounted)
        g.edge(
          'VOLUME_DISCOVER',
          C,
          volumeVertex(ctx, pod, t.name),
          [podEv(pod, volumeMountsPath(ci), t.name)],
          'do not mount a service account token into this container',
        );
    }
    {
      const esc = (type: AttackStep, ev: Evidence[], control: string): void => {
        onNodes((N, placed, assumption) =>
          g.edge(type, C, N, placement.assumption ? [...ev, placed] : ev, control, assumption),
        );
      };
      const cut = 'enforce Pod Security "baseline" on the namespace (pod-security.kubernetes.io/enforce)';
      if (privileged) {
        esc(
          'CE_PRIV_MOUNT',
          [podEv(pod, `${cpath}.securityContext.privileged`, 'true')],
          `drop privileged: true; ${cut}`,
        );
        esc(
          'CE_MODULE_LOAD',
          [podEv(pod, `${cpath}.securityContext.privileged`, 'true')],
          `drop privileged: true; ${cut}`,
        );
        if (hostPID)
          esc(
            'CE_NSENTER',
            [podEv(pod, `${cpath}.securityContext.privileged`, 'true'), podEv(pod, 'spec.hostPID', 'true')],
            `drop privileged and hostPID; ${cut}`,
          );
      } else if (cap.has('SYS_MODULE') || cap.has('ALL')) {
        esc(
          'CE_MODULE_LOAD',
          [podEv(pod, `${cpath}.securityContext.capabilities.add`, 'SYS_MODULE')],
          `drop the SYS_MODULE capability; ${cut}`,
        );
      }
      if (hostPID && ((cap.has('SYS_PTRACE') && cap.has('SYS_ADMIN')) || cap.has('ALL')))
        esc(
          'CE_SYS_PTRACE',
          [
            podEv(pod, 'spec.hostPID', 'true'),
            podEv(pod, `${cpath}.securityContext.capabilities.add`, 'SYS_PTRACE,SYS_ADMIN'),
          ],
          `drop hostPID or the SYS_PTRACE/SYS_ADMIN capabilities; ${cut}`,
        );
    }
    // hostPath mounts.
    listOf(c['volumeMounts']).forEach((m, mi) => {
      const vname = str(m['name']);
      const vol = vname === undefined ? undefined : volByName.get(vname);
      if (vol === undefined) return;
      const readOnly = m['readOnly'] === true;
      let hostPath = vol.hostPath;
      let pvEv: Evidence | undefined;
      if (hostPath === undefined && vol.pvc !== undefined) {
        const pv = hostPathPvOfClaim(ctx, pod.namespace, vol.pvc);
        if (pv !== undefined) {
          hostPath = pv.path;
          pvEv = { ref: pv.ref, path: 'spec.hostPath.path', value: pv.path };
        }
      }
      if (hostPath === undefined) return;
      const V = volumeVertex(ctx, pod, vol.name);
      const ev: Evidence[] = [
        podEv(
          pod,
          `spec.volumes[${vol.index}]${pvEv ? '.persistentVolumeClaim' : '.hostPath.path'}`,
          pvEv ? vol.pvc : hostPath,
        ),
        podEv(
          pod,
          `${cpath}.volumeMounts[${mi}]`,
          `${str(m['mountPath']) ?? ''}${readOnly ? ' (readOnly)' : ''}`,
        ),
        ...(pvEv ? [pvEv] : []),
      ];
      g.edge('VOLUME_DISCOVER', C, V, ev, 'do not mount host paths into containers');
      onNodes((N, _placed, assumption, _node, placedList) =>
        g.edge('VOLUME_ACCESS', N, V, placedList, 'none once the node is compromised', assumption),
      );
      const hostCut = pvEv
        ? 'do not offer hostPath PersistentVolumes (Pod Security does not check them, TOB-K8S-038); restrict who may create PersistentVolumes'
        : 'remove the hostPath volume; enforce Pod Security "baseline" (forbids hostPath)';
      onNodes((N, placed, assumption, node) => {
        const at = (e: Evidence[]): Evidence[] => (assumption === undefined ? e : [...e, placed]);
        const w = readOnly ? undefined : writeSensitive(hostPath);
        if (w !== undefined)
          g.edge(
            'EXPLOIT_HOST_WRITE',
            C,
            N,
            at([...ev, { ref: pod.ref, value: `writable host path near ${w}` }]),
            hostCut,
            assumption,
          );
        const r = touches(hostPath, READ_SENSITIVE);
        if (r !== undefined)
          g.edge(
            'EXPLOIT_HOST_READ',
            C,
            N,
            at([...ev, { ref: pod.ref, value: `host credentials under ${r}` }]),
            hostCut,
            assumption,
          );
        if (!readOnly && isSameOrParent(hostPath, '/proc/sys/kernel'))
          g.edge(
            'CE_UMH_CORE_PATTERN',
            C,
            N,
            at(ev),
            `${hostCut}; never mount /proc from the host`,
            assumption,
          );
        if (!readOnly && isSameOrParent(hostPath, '/var/log') && runsAsRoot(podSc, sc))
          g.edge(
            'CE_VAR_LOG_SYMLINK',
            C,
            N,
            at([...ev, podEv(pod, `${cpath}.securityContext.runAsUser`, 'root (runAsNonRoot not set)')]),
            `${hostCut}; run as non-root`,
            assumption,
          );
        const sock = parentOf(hostPath, RUNTIME_SOCKETS);
        if (sock !== undefined)
          g.edge(
            'EXPLOIT_CONTAINERD_SOCK',
            C,
            N,
            at([...ev, { ref: pod.ref, value: sock }]),
            hostCut,
            assumption,
          );
        if (isSameOrParent(hostPath, '/var/lib/kubelet/pods')) {
          for (const other of ctx.podsThatMayRunOn(node)) {
            if (other === pod) continue;
            const otherPlaced = ctx.placementOf(other);
            for (const t of ctx.tokenVolumesOf(other))
              g.edge(
                'EXPLOIT_HOST_TRAVERSE',
                V,
                volumeVertex(ctx, other, t.name),
                [...at(ev), otherPlaced.evidence(node)],
                `${hostCut}; /var/lib/kubelet/pods holds every pod's token`,
                assumption,
              );
          }
        }
        if (
          node !== undefined &&
          touches(hostPath, ['/var/lib/etcd', '/etc/kubernetes/pki/etcd']) !== undefined &&
          ctx.etcdNodes.has(node)
        )
          g.edge(
            'EXPLOIT_HOST_READ',
            V,
            ctx.zone('Master Data'),
            [...at(ev), { ref: { kind: 'Node', name: node }, value: 'etcd runs on this node' }],
            'keep etcd data and client keys unreadable to workloads; encrypt secrets at rest',
            assumption,
          );
      });
    });
  });
  if (shareProcessNamespace) {
    // KubeHound: containers of one pod with a shared process namespace reach each other (/proc/PID/root).
    for (let a = 0; a < names.length; a++)
      for (let b = 0; b < names.length; b++)
        if (a !== b)
          g.edge(
            'SHARE_PS_NAMESPACE',
            containerVertex(ctx, pod, names[a]!),
            containerVertex(ctx, pod, names[b]!),
            [podEv(pod, 'spec.shareProcessNamespace', 'true')],
            'remove shareProcessNamespace or split containers of different trust into separate pods',
          );
  }
  if (ctx.facts.cloud !== undefined) {
    const hostNetwork = pod.spec['hostNetwork'] === true;
    // Egress NetworkPolicy (as the plugin enforces it) can cut the step; hostNetwork pods are never selected.
    const egress = ctx.metadataEgress(pod);
    if (egress.state !== 'blocked')
      onNodes((_N, placed, assumption, node) => {
        const CI = ctx.v({ kind: 'CloudIdentity', name: node ?? '*' });
        const why =
          egress.state === 'unverified'
            ? `the network plugin does not enforce the egress policy (${egress.detail})`
            : undefined;
        for (const cname of names)
          g.edge(
            'CLOUD_METADATA_CREDS',
            containerVertex(ctx, pod, cname),
            CI,
            [
              placed,
              {
                ref: pod.ref,
                value:
                  egress.state === 'open'
                    ? `egress to 169.254.169.254 allowed: ${egress.detail}`
                    : egress.detail,
              },
              ...(hostNetwork ? [podEv(pod, 'spec.hostNetwork', 'true')] : []),
            ],
            'block egress to 169.254.169.254 (NetworkPolicy egress, IMDSv2 with hop limit 1, GKE metadata server / workload identity)',
            [why, assumption].filter((x) => x !== undefined).join('; ') || undefined,
          );
      });
  }
}

function hostPathPvOfClaim(
  ctx: GraphContext,
  ns: string,
  claim: string,
): { ref: Ref; path: string } | undefined {
  const pvc = ctx.inventory.get('PersistentVolumeClaim', ns, claim)?.object;
  const volumeName = pvc?.spec?.volumeName;
  let pv = volumeName ? ctx.inventory.get('PersistentVolume', undefined, volumeName)?.object : undefined;
  if (pv === undefined)
    pv = ctx.inventory
      .ofKind('PersistentVolume')
      .find(
        (p) => p.object.spec?.claimRef?.namespace === ns && p.object.spec.claimRef.name === claim,
      )?.object;
  const path = pv?.spec?.hostPath?.path;
  if (pv === undefined || path === undefined) return undefined;
  return { ref: { kind: 'PersistentVolume', name: pv.metadata?.name ?? '' }, path: normaliseHostPath(path) };
}

/** Node-level edges: root on a node gives its kubelet's credentials; the kubelet identity reaches its pods' tokens. */
export function addNodeEdges(ctx: GraphContext): void {
  const g = ctx.graph;
  const f = ctx.facts;
  for (const node of ctx.nodes) {
    const N = ctx.v({ kind: 'Node', name: node });
    const K = ctx.v({ kind: 'User', name: `system:node:${node}` });
    g.edge(
      'IDENTITY_ASSUME',
      N,
      K,
      [
        {
          ref: { kind: 'Node', name: node },
          value: 'the kubelet client certificate (/var/lib/kubelet/pki, /etc/kubernetes/kubelet.conf)',
        },
      ],
      'none once the node is compromised; rotate kubelet client certificates',
    );
    const pods = ctx.podsByNode.get(node) ?? [];
    if (f.nodeAuthorizer.value) {
      const seen = new Set<string>();
      for (const p of pods) {
        const key = `${p.namespace}/${p.serviceAccount}`;
        if (seen.has(key)) continue;
        seen.add(key);
        // The Node authorizer lets a kubelet request tokens for the service accounts of pods bound to it.
        g.edge(
          'TOKEN_CREATE',
          K,
          ctx.sa(p.namespace, p.serviceAccount),
          // The pod is bound to the node: its placement evidence is its spec.nodeName.
          [ctx.placementOf(p).evidence(node), serviceAccountEv(ctx, p), ...f.nodeAuthorizer.evidence],
          'none: a node holds the credentials of the pods it runs; keep privileged workloads on dedicated nodes',
          f.nodeAuthorizer.known ? undefined : `Node authorizer assumed (${f.nodeAuthorizer.note})`,
        );
      }
    }
    if (f.nodeRestriction.known && !f.nodeRestriction.value) {
      g.edge(
        'POD_CREATE',
        K,
        ctx.newPodHub(undefined),
        [...f.nodeRestriction.evidence, { ref: { kind: 'Node', name: node }, value: f.nodeRestriction.note }],
        'enable the NodeRestriction admission plugin (limits kubelets to mirror pods on their own node without service accounts or secrets)',
      );
    }
  }
}

/** Internet exposure: LoadBalancer and NodePort Services, Ingress backends, hostPorts. */
export function addExposureEdges(ctx: GraphContext): void {
  const g = ctx.graph;
  const internet = ctx.zone('Internet');
  const exposeService = (svc: KubeObject, why: Evidence[], assumption?: string): void => {
    const ns = svc.metadata.namespace ?? 'default';
    const spec = recordOf(svc['spec']);
    const sel = recordOf(spec['selector']);
    const labels: Record<string, string> = {};
    for (const [k, v] of Object.entries(sel)) if (typeof v === 'string') labels[k] = v;
    // A Service without a selector selects no pods (its endpoints are managed by hand).
    if (Object.keys(labels).length === 0) return;
    const selector = selectorFromLabels(labels);
    const targets = listOf(spec['ports']).map((p) => p['targetPort'] ?? p['port']);
    for (const pod of ctx.podsByNs.get(ns) ?? []) {
      if (!matches(selector, pod.labels)) continue;
      const containers = listOf(pod.spec['containers']);
      const declaring = containers.filter((c) =>
        listOf(c['ports']).some((cp) =>
          targets.some((t) => t === cp['containerPort'] || (typeof t === 'string' && t === cp['name'])),
        ),
      );
      for (const c of declaring.length > 0 ? declaring : containers) {
        const cname = str(c['name']) ?? '';
        g.edge(
          'ENDPOINT_EXPLOIT',
          internet,
          containerVertex(ctx, pod, cname),
          [...why, podEv(pod, 'metadata.labels', 'selected by the Service')],
          'remove the public exposure (ClusterIP, internal load balancer), or front it with authentication and a WAF; keep the pod unprivileged and without an API token',
          assumption,
        );
      }
    }
  };
  for (const { object, source } of ctx.inventory.ofKind('Service') as readonly {
    object: KubeObject;
    source: (typeof ctx.pods)[number]['source'];
  }[]) {
    const type = str(recordOf(object['spec'])['type']);
    if (type === 'LoadBalancer')
      exposeService(object, [{ ref: refOf(object), path: 'spec.type', value: type, source }]);
    else if (type === 'NodePort')
      exposeService(
        object,
        [{ ref: refOf(object), path: 'spec.type', value: type, source }],
        'node ports are reachable from the Internet (nodes have public addresses or a public load balancer forwards to them)',
      );
  }
  for (const { object, source } of ctx.inventory.ofKind('Ingress') as readonly {
    object: KubeObject;
    source: (typeof ctx.pods)[number]['source'];
  }[]) {
    const ns = object.metadata.namespace ?? 'default';
    const spec = recordOf(object['spec']);
    const backends: string[] = [];
    const def = str(recordOf(recordOf(spec['defaultBackend'])['service'])['name']);
    if (def !== undefined) backends.push(def);
    for (const rule of listOf(spec['rules']))
      for (const p of listOf(recordOf(rule['http'])['paths'])) {
        const n = str(recordOf(recordOf(p['backend'])['service'])['name']);
        if (n !== undefined) backends.push(n);
      }
    for (const name of [...new Set(backends)]) {
      const svc = ctx.inventory.get('Service', ns, name)?.object;
      if (svc !== undefined)
        exposeService(
          svc,
          [{ ref: refOf(object), path: 'spec.rules', value: `backend ${name}`, source }],
          'the Ingress controller is reachable from the Internet',
        );
    }
  }
  for (const pod of ctx.pods) {
    listOf(pod.spec['containers']).forEach((c, ci) => {
      listOf(c['ports']).forEach((p, pi) => {
        if (typeof p['hostPort'] === 'number' && p['hostPort'] > 0)
          g.edge(
            'ENDPOINT_EXPLOIT',
            internet,
            containerVertex(ctx, pod, str(c['name']) ?? ''),
            [podEv(pod, `spec.containers[${ci}].ports[${pi}].hostPort`, String(p['hostPort']))],
            'remove the hostPort; expose through a Service with a controlled load balancer',
            'the node address is reachable from the Internet',
          );
      });
    });
  }
}
