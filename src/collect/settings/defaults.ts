// The one table of component defaults per Kubernetes version, each with the reference it was taken from.
import type { ComponentName } from './types.js';

/** The minor version assumed when the cluster's version is unknown (said in every defaulted Setting's evidence). */
export const ASSUMED_MINOR_VERSION = 31;

/**
 * How a kubelet was started: with `--config` its unset fields take the KubeletConfiguration (v1beta1) defaults;
 * without, the command-line flag defaults, which are the insecure ones (anonymous auth, AlwaysAllow, port 10255).
 */
export type KubeletMode = 'flags' | 'config-file';

export interface DefaultEntry {
  readonly component: ComponentName;
  /** Flag name without dashes. */
  readonly name: string;
  /** undefined: unset by default (or the flag does not exist in that version, see note). */
  readonly value: string | undefined;
  /** First minor version (inclusive) this default applies to. */
  readonly since?: number;
  /** First minor version it no longer applies to. */
  readonly until?: number;
  /** kubelet only: which start-up mode this default belongs to (absent: both). */
  readonly kubeletMode?: KubeletMode;
  readonly note?: string;
  readonly reference: string;
}

const APISERVER = 'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/';
const KUBELET_FLAGS = 'https://kubernetes.io/docs/reference/command-line-tools-reference/kubelet/';
const KUBELET_CONFIG = 'https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/';
const SCHEDULER = 'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-scheduler/';
const CONTROLLER_MANAGER =
  'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/';
const CLOUD_CONTROLLER_MANAGER =
  'https://kubernetes.io/docs/reference/command-line-tools-reference/cloud-controller-manager/';
const ETCD = 'https://etcd.io/docs/v3.5/op-guide/configuration/';
const KUBE_PROXY = 'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-proxy/';
const KUBE_PROXY_CONFIG = 'https://kubernetes.io/docs/reference/config-api/kube-proxy-config.v1alpha1/';

export const DEFAULTS: readonly DefaultEntry[] = [
  // kube-apiserver
  { component: 'kube-apiserver', name: 'anonymous-auth', value: 'true', reference: APISERVER },
  {
    component: 'kube-apiserver',
    name: 'authorization-mode',
    value: 'AlwaysAllow',
    note: 'AlwaysAllow when neither --authorization-mode nor --authorization-config is given',
    reference: APISERVER,
  },
  { component: 'kube-apiserver', name: 'profiling', value: 'true', reference: APISERVER },
  { component: 'kube-apiserver', name: 'secure-port', value: '6443', reference: APISERVER },
  { component: 'kube-apiserver', name: 'bind-address', value: '0.0.0.0', reference: APISERVER },
  {
    component: 'kube-apiserver',
    name: 'insecure-port',
    value: '8080',
    until: 20,
    note: 'insecure HTTP serving on 8080 by default before 1.20',
    reference: 'https://github.com/kubernetes/kubernetes/blob/master/CHANGELOG/CHANGELOG-1.20.md',
  },
  {
    component: 'kube-apiserver',
    name: 'insecure-port',
    value: '0',
    since: 20,
    until: 24,
    note: 'insecure serving disabled from 1.20; the flag only accepts 0',
    reference: 'https://github.com/kubernetes/kubernetes/blob/master/CHANGELOG/CHANGELOG-1.20.md',
  },
  {
    component: 'kube-apiserver',
    name: 'insecure-port',
    value: undefined,
    since: 24,
    note: 'the insecure port and its flags were removed in 1.24',
    reference: 'https://github.com/kubernetes/kubernetes/blob/master/CHANGELOG/CHANGELOG-1.24.md',
  },
  {
    component: 'kube-apiserver',
    name: 'insecure-bind-address',
    value: '127.0.0.1',
    until: 24,
    reference: 'https://github.com/kubernetes/kubernetes/blob/master/CHANGELOG/CHANGELOG-1.24.md',
  },
  { component: 'kube-apiserver', name: 'allow-privileged', value: 'false', reference: APISERVER },
  { component: 'kube-apiserver', name: 'enable-bootstrap-token-auth', value: 'false', reference: APISERVER },
  { component: 'kube-apiserver', name: 'service-account-lookup', value: 'true', reference: APISERVER },
  {
    component: 'kube-apiserver',
    name: 'service-account-extend-token-expiration',
    value: 'true',
    since: 19,
    reference: APISERVER,
  },
  {
    component: 'kube-apiserver',
    name: 'kubelet-https',
    value: 'true',
    until: 22,
    note: 'always HTTPS from 1.22 (flag removed)',
    reference: 'https://github.com/kubernetes/kubernetes/blob/master/CHANGELOG/CHANGELOG-1.22.md',
  },
  {
    component: 'kube-apiserver',
    name: 'audit-log-path',
    value: undefined,
    note: 'no audit log',
    reference: APISERVER,
  },
  {
    component: 'kube-apiserver',
    name: 'encryption-provider-config',
    value: undefined,
    note: 'Secrets stored unencrypted in etcd',
    reference: 'https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/',
  },
  {
    component: 'kube-apiserver',
    name: 'tls-min-version',
    value: undefined,
    note: "Go's default minimum TLS version for servers",
    reference: APISERVER,
  },
  { component: 'kube-apiserver', name: 'request-timeout', value: '1m0s', reference: APISERVER },

  // etcd
  { component: 'etcd', name: 'client-cert-auth', value: 'false', reference: ETCD },
  { component: 'etcd', name: 'peer-client-cert-auth', value: 'false', reference: ETCD },
  { component: 'etcd', name: 'auto-tls', value: 'false', reference: ETCD },
  { component: 'etcd', name: 'peer-auto-tls', value: 'false', reference: ETCD },
  { component: 'etcd', name: 'listen-client-urls', value: 'http://localhost:2379', reference: ETCD },
  { component: 'etcd', name: 'listen-peer-urls', value: 'http://localhost:2380', reference: ETCD },
  { component: 'etcd', name: 'advertise-client-urls', value: 'http://localhost:2379', reference: ETCD },
  { component: 'etcd', name: 'enable-pprof', value: 'false', reference: ETCD },

  // kube-scheduler
  { component: 'kube-scheduler', name: 'bind-address', value: '0.0.0.0', reference: SCHEDULER },
  { component: 'kube-scheduler', name: 'secure-port', value: '10259', reference: SCHEDULER },
  { component: 'kube-scheduler', name: 'profiling', value: 'true', reference: SCHEDULER },

  // kube-controller-manager
  {
    component: 'kube-controller-manager',
    name: 'bind-address',
    value: '0.0.0.0',
    reference: CONTROLLER_MANAGER,
  },
  {
    component: 'kube-controller-manager',
    name: 'secure-port',
    value: '10257',
    reference: CONTROLLER_MANAGER,
  },
  { component: 'kube-controller-manager', name: 'profiling', value: 'true', reference: CONTROLLER_MANAGER },
  {
    component: 'kube-controller-manager',
    name: 'use-service-account-credentials',
    value: 'false',
    reference: CONTROLLER_MANAGER,
  },
  {
    component: 'kube-controller-manager',
    name: 'terminated-pod-gc-threshold',
    value: '12500',
    reference: CONTROLLER_MANAGER,
  },

  // cloud-controller-manager
  {
    component: 'cloud-controller-manager',
    name: 'bind-address',
    value: '0.0.0.0',
    reference: CLOUD_CONTROLLER_MANAGER,
  },
  {
    component: 'cloud-controller-manager',
    name: 'profiling',
    value: 'true',
    reference: CLOUD_CONTROLLER_MANAGER,
  },

  // kubelet: the flag defaults...
  {
    component: 'kubelet',
    name: 'anonymous-auth',
    value: 'true',
    kubeletMode: 'flags',
    reference: KUBELET_FLAGS,
  },
  {
    component: 'kubelet',
    name: 'authorization-mode',
    value: 'AlwaysAllow',
    kubeletMode: 'flags',
    reference: KUBELET_FLAGS,
  },
  {
    component: 'kubelet',
    name: 'authentication-token-webhook',
    value: 'false',
    kubeletMode: 'flags',
    reference: KUBELET_FLAGS,
  },
  {
    component: 'kubelet',
    name: 'read-only-port',
    value: '10255',
    kubeletMode: 'flags',
    reference: KUBELET_FLAGS,
  },
  // ...and the KubeletConfiguration defaults, which a kubelet started with --config gets for omitted fields.
  {
    component: 'kubelet',
    name: 'anonymous-auth',
    value: 'false',
    kubeletMode: 'config-file',
    reference: KUBELET_CONFIG,
  },
  {
    component: 'kubelet',
    name: 'authorization-mode',
    value: 'Webhook',
    kubeletMode: 'config-file',
    reference: KUBELET_CONFIG,
  },
  {
    component: 'kubelet',
    name: 'authentication-token-webhook',
    value: 'true',
    kubeletMode: 'config-file',
    reference: KUBELET_CONFIG,
  },
  {
    component: 'kubelet',
    name: 'read-only-port',
    value: '0',
    kubeletMode: 'config-file',
    reference: KUBELET_CONFIG,
  },
  // Same in both modes.
  { component: 'kubelet', name: 'port', value: '10250', reference: KUBELET_CONFIG },
  { component: 'kubelet', name: 'address', value: '0.0.0.0', reference: KUBELET_CONFIG },
  { component: 'kubelet', name: 'healthz-bind-address', value: '127.0.0.1', reference: KUBELET_CONFIG },
  { component: 'kubelet', name: 'healthz-port', value: '10248', reference: KUBELET_CONFIG },
  { component: 'kubelet', name: 'client-ca-file', value: undefined, reference: KUBELET_CONFIG },
  { component: 'kubelet', name: 'rotate-certificates', value: 'false', reference: KUBELET_CONFIG },
  { component: 'kubelet', name: 'rotate-server-certificates', value: 'false', reference: KUBELET_CONFIG },
  { component: 'kubelet', name: 'protect-kernel-defaults', value: 'false', reference: KUBELET_CONFIG },
  { component: 'kubelet', name: 'make-iptables-util-chains', value: 'true', reference: KUBELET_CONFIG },
  {
    component: 'kubelet',
    name: 'streaming-connection-idle-timeout',
    value: '4h0m0s',
    reference: KUBELET_CONFIG,
  },
  {
    component: 'kubelet',
    name: 'event-qps',
    value: '5',
    until: 22,
    note: 'older releases defaulted eventRecordQPS to 5',
    reference: KUBELET_CONFIG,
  },
  { component: 'kubelet', name: 'event-qps', value: '50', since: 22, reference: KUBELET_CONFIG },
  { component: 'kubelet', name: 'enable-debugging-handlers', value: 'true', reference: KUBELET_CONFIG },
  { component: 'kubelet', name: 'seccomp-default', value: 'false', since: 22, reference: KUBELET_CONFIG },
  { component: 'kubelet', name: 'tls-min-version', value: undefined, reference: KUBELET_CONFIG },
  { component: 'kubelet', name: 'tls-cipher-suites', value: undefined, reference: KUBELET_CONFIG },
  { component: 'kubelet', name: 'hairpin-mode', value: 'promiscuous-bridge', reference: KUBELET_CONFIG },
  { component: 'kubelet', name: 'pod-max-pids', value: '-1', reference: KUBELET_CONFIG },

  // kube-proxy: flags are ignored when --config is given (the config file's defaults are the same).
  {
    component: 'kube-proxy',
    name: 'metrics-bind-address',
    value: '127.0.0.1:10249',
    note: 'loopback since the flag appeared in 1.7 (kubernetes/kubernetes#48625); kubeadm leaves it empty, which means this default',
    reference: KUBE_PROXY_CONFIG,
  },
  {
    component: 'kube-proxy',
    name: 'healthz-bind-address',
    value: '0.0.0.0:10256',
    reference: KUBE_PROXY_CONFIG,
  },
  { component: 'kube-proxy', name: 'bind-address', value: '0.0.0.0', reference: KUBE_PROXY },
  {
    component: 'kube-proxy',
    name: 'proxy-mode',
    value: 'iptables',
    note: 'iptables on Linux',
    reference: KUBE_PROXY,
  },
];

const index = new Map<string, DefaultEntry[]>();
for (const d of DEFAULTS) {
  const key = `${d.component}\u0000${d.name}`;
  const list = index.get(key);
  if (list === undefined) index.set(key, [d]);
  else list.push(d);
}

/** The default of a setting for a minor version (and, for the kubelet, a start-up mode); undefined when not in the table. */
export function defaultFor(
  component: ComponentName,
  name: string,
  minor: number,
  kubeletMode?: KubeletMode,
): DefaultEntry | undefined {
  return index
    .get(`${component}\u0000${name}`)
    ?.find(
      (d) =>
        (d.since === undefined || minor >= d.since) &&
        (d.until === undefined || minor < d.until) &&
        (d.kubeletMode === undefined || kubeletMode === undefined || d.kubeletMode === kubeletMode),
    );
}

/**
 * Feature gates whose default matters to rules, with the first minor version they default to true.
 * https://kubernetes.io/docs/reference/command-line-tools-reference/feature-gates/
 */
export const FEATURE_GATE_DEFAULTS: Readonly<
  Record<string, { readonly since: number; readonly reference: string }>
> = {
  RotateKubeletServerCertificate: {
    since: 12,
    reference: 'https://kubernetes.io/docs/reference/command-line-tools-reference/feature-gates/',
  },
};

/**
 * Flags k3s passes to the components it embeds (it runs them in one process, so no manifest shows them) and that
 * RKE2's agent passes to its kubelet; a user's `<component>-arg` overrides them. Taken from
 * https://github.com/k3s-io/k3s/blob/master/pkg/daemons/control/server.go and pkg/daemons/agent/agent_linux.go.
 */
export const DISTRIBUTION_BUILTINS: Readonly<
  Record<'k3s' | 'rke2', Partial<Record<ComponentName, Readonly<Record<string, string>>>>>
> = {
  k3s: {
    'kube-apiserver': {
      'anonymous-auth': 'false',
      profiling: 'false',
      'authorization-mode': 'Node,RBAC',
      'enable-admission-plugins': 'NodeRestriction',
      'allow-privileged': 'true',
      'kubelet-certificate-authority': '/var/lib/rancher/k3s/server/tls/server-ca.crt',
    },
    'kube-scheduler': { 'bind-address': '127.0.0.1', profiling: 'false' },
    'kube-controller-manager': {
      'bind-address': '127.0.0.1',
      profiling: 'false',
      'use-service-account-credentials': 'true',
    },
    etcd: { 'client-cert-auth': 'true', 'peer-client-cert-auth': 'true' },
    kubelet: { 'read-only-port': '0' },
  },
  rke2: {
    kubelet: { 'read-only-port': '0' },
  },
};

export const DISTRIBUTION_BUILTINS_REFERENCE: Readonly<Record<'k3s' | 'rke2', string>> = {
  k3s: 'https://github.com/k3s-io/k3s/blob/master/pkg/daemons/control/server.go',
  rke2: 'https://github.com/k3s-io/k3s/blob/master/pkg/daemons/agent/agent_linux.go',
};
