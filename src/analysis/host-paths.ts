// What a host path gives a container that mounts it: the runtime socket, node takeover, host credentials, or little.
//
// Shared by the attack graph (KubeHound's EXPLOIT_HOST_*, EXPLOIT_CONTAINERD_SOCK, CE_* edges) and the rules that
// rank hostPath volumes, so both answer the same question the same way.

/** Normalise a host path: collapse slashes, drop `.` and trailing slash, resolve `..` lexically. */
export function normaliseHostPath(p: string): string {
  const parts: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return `/${parts.join('/')}`;
}

/** `a` is `b` or a directory above it. */
export function isSameOrParent(a: string, b: string): boolean {
  return a === '/' || a === b || b.startsWith(`${a}/`);
}

/** Host trees where writing anything gives code execution on the node (cron, systemd, binaries, kubelet and runtime state). */
const WRITE_SENSITIVE_TREES = [
  '/etc',
  '/root',
  '/usr',
  '/bin',
  '/sbin',
  '/lib',
  '/lib64',
  '/boot',
  '/opt/cni/bin',
  '/var/lib/kubelet',
  '/var/lib/docker',
  '/var/lib/containerd',
  '/var/spool/cron',
  '/dev',
  '/proc',
  '/sys',
];

/** Directories sensitive as a whole (they hold runtime sockets and home directories) but whose children usually are not. */
const WRITE_SENSITIVE_DIRS = ['/run', '/var/run', '/home'];

/** The sensitive location a writable host path reaches, if any. */
export function writeSensitive(p: string): string | undefined {
  return touches(p, WRITE_SENSITIVE_TREES) ?? WRITE_SENSITIVE_DIRS.find((d) => isSameOrParent(p, d));
}

/** Host locations whose read yields node or cluster credentials (kubelet and admin kubeconfigs, PKI, SSH keys, etcd). */
export const READ_SENSITIVE = [
  '/etc/kubernetes',
  '/var/lib/kubelet/pki',
  '/var/lib/kubelet/kubeconfig',
  '/etc/ssh',
  '/etc/shadow',
  '/root',
  '/home',
  '/var/lib/etcd',
  // KubeHound: SSH keys can be read from the ssh-agent's memory through a host /proc mount.
  '/proc',
];

export const RUNTIME_SOCKETS = [
  '/run/containerd/containerd.sock',
  '/var/run/containerd/containerd.sock',
  '/run/docker.sock',
  '/var/run/docker.sock',
  '/run/crio/crio.sock',
  '/var/run/crio/crio.sock',
  '/run/cri-dockerd.sock',
  '/var/run/cri-dockerd.sock',
];

export function touches(p: string, list: readonly string[]): string | undefined {
  return list.find((s) => isSameOrParent(p, s) || isSameOrParent(s, p));
}

export const parentOf = (p: string, list: readonly string[]): string | undefined =>
  list.find((s) => isSameOrParent(p, s));

/**
 * Host paths stock node agents mount that give little: iptables' lock file (kube-proxy, CNI plugins), the
 * network plugins' run and state directories, read-only kernel modules, time zone data.
 */
const LOW_VALUE: readonly { readonly path: string; readonly readOnlyOnly?: boolean }[] = [
  { path: '/run/xtables.lock' },
  { path: '/var/run/xtables.lock' },
  { path: '/run/flannel' },
  { path: '/var/run/flannel' },
  { path: '/run/calico' },
  { path: '/var/run/calico' },
  { path: '/var/lib/calico' },
  { path: '/var/lib/cni' },
  { path: '/run/cilium' },
  { path: '/var/run/cilium' },
  { path: '/etc/localtime', readOnlyOnly: true },
  { path: '/usr/share/zoneinfo', readOnlyOnly: true },
  { path: '/lib/modules', readOnlyOnly: true },
];

export type HostPathYield =
  | { readonly kind: 'runtime-socket'; readonly at: string }
  | { readonly kind: 'node-takeover'; readonly at: string }
  | { readonly kind: 'host-credentials'; readonly at: string }
  | { readonly kind: 'low-value'; readonly at: string }
  | { readonly kind: 'other' };

/** Host log trees: read, they hold tokens and passwords logged by mistake; writable, the kubelet follows symlinks. */
const LOG_TREES = ['/var/log'];

/** What mounting a host path gives, most dangerous first. A socket is usable read-only too (connect is not a write). */
export function hostPathYield(path: string, writable: boolean): HostPathYield {
  const p = normaliseHostPath(path);
  const low = LOW_VALUE.find((l) => (l.readOnlyOnly !== true || !writable) && isSameOrParent(l.path, p));
  if (low !== undefined) return { kind: 'low-value', at: low.path };
  const w = writable ? writeSensitive(p) : undefined;
  if (w !== undefined) return { kind: 'node-takeover', at: w };
  const sock = parentOf(p, RUNTIME_SOCKETS);
  if (sock !== undefined) return { kind: 'runtime-socket', at: sock };
  const r = touches(p, [...READ_SENSITIVE, ...LOG_TREES]);
  if (r !== undefined) return { kind: 'host-credentials', at: r };
  return { kind: 'other' };
}
