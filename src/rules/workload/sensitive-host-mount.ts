// Rule sensitive-host-mount: hostPath volumes, ranked by what the host path gives an attacker.
import { hostPathYield, type HostPathYield } from '../../analysis/host-paths.js';
import { defineRule } from '../framework/define-rule.js';
import { podSpecs, workloadName } from './pod-specs.js';
import { WORKLOAD_KINDS } from '../framework/inputs.js';

interface Target {
  readonly prefix: string;
  readonly gives: string;
}

/** Host paths and what they give (KubeHound's EXPLOIT_HOST_*, EXPLOIT_CONTAINERD_SOCK, CE_UMH_CORE_PATTERN, CE_VAR_LOG_SYMLINK). */
const SENSITIVE: readonly Target[] = [
  {
    prefix: '/var/run/docker.sock',
    gives: 'the container runtime socket: start a privileged container on the node',
  },
  { prefix: '/run/containerd', gives: 'the containerd socket: start a privileged container on the node' },
  { prefix: '/var/run/containerd', gives: 'the containerd socket: start a privileged container on the node' },
  { prefix: '/var/run/crio', gives: 'the CRI-O socket: start a privileged container on the node' },
  { prefix: '/run/crio', gives: 'the CRI-O socket: start a privileged container on the node' },
  {
    prefix: '/var/lib/kubelet',
    gives: 'the kubelet’s credentials and every pod’s service-account token on the node',
  },
  {
    prefix: '/etc/kubernetes',
    gives: 'the node’s Kubernetes credentials and, on control-plane nodes, the cluster’s keys',
  },
  { prefix: '/var/lib/etcd', gives: 'etcd’s data: every Secret of the cluster' },
  {
    prefix: '/proc',
    gives: 'the host’s /proc: core_pattern and other kernel settings run code as root on the node',
  },
  { prefix: '/sys', gives: 'the host’s /sys: kernel and device settings' },
  { prefix: '/dev', gives: 'the host’s devices' },
  {
    prefix: '/var/log',
    gives: 'host logs; with write access, symlinks that the kubelet follows when serving logs',
  },
  { prefix: '/root', gives: 'root’s home directory (SSH keys, credentials)' },
  { prefix: '/home', gives: 'users’ home directories (SSH keys, credentials)' },
  {
    prefix: '/etc',
    gives: 'the host’s configuration: writable /etc is node takeover (cron, sudoers, systemd)',
  },
  { prefix: '/boot', gives: 'the host’s kernel and boot loader' },
  { prefix: '/var/run', gives: 'the host’s runtime sockets' },
];

/** What the host path gives, or undefined for an unlisted path (still reported: any hostPath breaks isolation). */
export function hostPathTarget(path: string): string | undefined {
  const p = path.replace(/\/+$/, '') || '/';
  if (p === '/') return 'the whole host filesystem: node takeover';
  return SENSITIVE.find((t) => p === t.prefix || p.startsWith(`${t.prefix}/`))?.gives;
}

function variantOf(
  y: HostPathYield,
  writable: boolean,
): 'runtime-socket' | 'node-takeover' | 'host-credentials' | 'low-value' | 'writable' | 'read-only' {
  if (y.kind !== 'other') return y.kind;
  return writable ? 'writable' : 'read-only';
}

export default defineRule({
  meta: {
    id: 'sensitive-host-mount',
    aliases: ['CIS-5.2.12'],
    sources: ['CIS 5.2'],
    tier: 'extended',
    inputs: { kinds: [...WORKLOAD_KINDS] },
    title: 'A pod mounts a sensitive host path',
    description:
      'A hostPath volume exposes the node’s filesystem to the pod: the whole host (/), its configuration (/etc), ' +
      'the container runtime’s socket, the kubelet’s directory with every pod’s token, /proc and /sys, the host’s ' +
      'logs. Writable, most of these are node takeover; even read-only they disclose credentials. Any hostPath ' +
      'volume also defeats the isolation the Pod Security Standards assume.',
    zone: 'Worker',
    stride: ['elevation-of-privilege', 'information-disclosure', 'tampering'],
    likelihood: 'medium',
    impact: 'high',
    attack: [
      'EXPLOIT_HOST_READ',
      'EXPLOIT_HOST_WRITE',
      'EXPLOIT_HOST_TRAVERSE',
      'CE_UMH_CORE_PATTERN',
      'EXPLOIT_CONTAINERD_SOCK',
    ],
    // Ranked by what the path yields (host-paths.ts), not by whether it is writable alone.
    variants: {
      'runtime-socket': {
        title: 'the container runtime socket (root on the node, read-only or not)',
        likelihood: 'high',
        impact: 'high',
      },
      'node-takeover': {
        title:
          'a writable host tree whose write runs code as root on the node (/, /etc, /var/lib/kubelet, /proc, …)',
        likelihood: 'high',
        impact: 'high',
      },
      'host-credentials': {
        title: 'host credentials or logs to read (/etc/kubernetes, /var/lib/kubelet, /proc, /var/log, …)',
        likelihood: 'medium',
        impact: 'high',
      },
      'low-value': {
        title: 'a lock file or network-plugin state directory (/run/xtables.lock, /run/flannel, …)',
        likelihood: 'low',
        impact: 'low',
      },
      writable: { title: 'another writable hostPath', likelihood: 'medium', impact: 'medium' },
      'read-only': { title: 'another read-only hostPath', likelihood: 'low', impact: 'medium' },
    },
    detection:
      'Every hostPath volume of every workload’s pod template or bare pod. The volume is writable unless every ' +
      'container mounting it sets readOnly: true (an unmounted hostPath counts as writable: a container added ' +
      'later mounts it as it likes). The variant ranks what the path yields, as the attack graph does: a runtime ' +
      'socket (critical, read-only too), a writable tree whose write runs code as root (critical), host ' +
      'credentials or logs to read (high), a lock file or network-plugin state directory such as kube-proxy’s ' +
      '/run/xtables.lock or flannel’s /run/flannel (info), anything else (medium writable, low read-only). ' +
      'Writable CNI configuration and binary directories (/etc/cni/net.d, /opt/cni/bin) stay node takeover: the ' +
      'runtime executes what is written there as root.',
    falsePositives:
      'Node agents (log shippers, CNI plugins, CSI drivers, node exporters) need some host paths; accept them ' +
      'with an exception naming the owner, and mount them read-only and as narrowly as possible.',
    remediation: {
      shortTerm:
        'Remove hostPath volumes from workloads that do not need them; mount the rest read-only and as narrowly ' +
        'as possible (a file, not its directory).',
      longTerm:
        'Enforce the baseline or restricted Pod Security level (which forbids hostPath) on application namespaces, ' +
        'and use PersistentVolumes, ConfigMaps or CSI drivers instead of host paths.',
    },
    references: [
      'https://kubernetes.io/docs/concepts/storage/volumes/#hostpath',
      'https://kubernetes.io/docs/concepts/security/pod-security-standards/',
    ],
    messages: {
      sensitive: '{{workload}} mounts host path {{path}} ({{mode}}): {{gives}}',
      plain: '{{workload}} mounts host path {{path}} ({{mode}})',
    },
  },
  check(ctx) {
    for (const p of podSpecs(ctx.inventory)) {
      (p.spec.volumes ?? []).forEach((v, i) => {
        if (v.hostPath === undefined) return;
        const mounts = p.containers.flatMap((c) =>
          (c.container.volumeMounts ?? [])
            .map((m, j) => ({ m, path: `${c.path}.volumeMounts[${j}]` }))
            .filter((x) => x.m.name === v.name),
        );
        const writable = mounts.length === 0 || mounts.some((x) => x.m.readOnly !== true);
        const gives = hostPathTarget(v.hostPath.path);
        const mode = writable ? 'writable' : 'read-only';
        const evidence = [
          p.evidence(`${p.path}.volumes[${i}].hostPath.path`, v.hostPath.path),
          ...mounts.map((x) => p.evidence(`${x.path}.readOnly`, String(x.m.readOnly ?? false))),
        ];
        const variant = variantOf(hostPathYield(v.hostPath.path, writable), writable);
        if (gives === undefined) {
          ctx.report({
            messageId: 'plain',
            data: { workload: workloadName(p.workload), path: v.hostPath.path, mode },
            subject: p.workload.ref,
            variant,
            evidence,
          });
        } else {
          ctx.report({
            messageId: 'sensitive',
            data: { workload: workloadName(p.workload), path: v.hostPath.path, mode, gives },
            subject: p.workload.ref,
            variant,
            evidence,
          });
        }
      });
    }
  },
});
