// Configuration-file fields mapped to the flag names settings are asked by (kubelet and kube-proxy).
import type { Evidence, Ref, Source } from '../../types.js';
import { isRecord } from '../node-files/yaml-documents.js';
import type { Setting, SettingOrigin } from './types.js';

export interface FieldMapping {
  /** Dotted path in the configuration object. */
  readonly path: string;
  /** The equivalent command-line flag, the name `get()` answers to. */
  readonly flag: string;
}

/**
 * KubeletConfiguration (v1beta1) fields and the flags they replace.
 * https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/
 */
export const KUBELET_CONFIG_FIELDS: readonly FieldMapping[] = [
  { path: 'authentication.anonymous.enabled', flag: 'anonymous-auth' },
  { path: 'authentication.webhook.enabled', flag: 'authentication-token-webhook' },
  { path: 'authentication.webhook.cacheTTL', flag: 'authentication-token-webhook-cache-ttl' },
  { path: 'authentication.x509.clientCAFile', flag: 'client-ca-file' },
  { path: 'authorization.mode', flag: 'authorization-mode' },
  { path: 'authorization.webhook.cacheAuthorizedTTL', flag: 'authorization-webhook-cache-authorized-ttl' },
  { path: 'readOnlyPort', flag: 'read-only-port' },
  { path: 'port', flag: 'port' },
  { path: 'address', flag: 'address' },
  { path: 'healthzPort', flag: 'healthz-port' },
  { path: 'healthzBindAddress', flag: 'healthz-bind-address' },
  { path: 'tlsMinVersion', flag: 'tls-min-version' },
  { path: 'tlsCipherSuites', flag: 'tls-cipher-suites' },
  { path: 'tlsCertFile', flag: 'tls-cert-file' },
  { path: 'tlsPrivateKeyFile', flag: 'tls-private-key-file' },
  { path: 'rotateCertificates', flag: 'rotate-certificates' },
  { path: 'serverTLSBootstrap', flag: 'rotate-server-certificates' },
  { path: 'featureGates', flag: 'feature-gates' },
  { path: 'protectKernelDefaults', flag: 'protect-kernel-defaults' },
  { path: 'makeIPTablesUtilChains', flag: 'make-iptables-util-chains' },
  { path: 'streamingConnectionIdleTimeout', flag: 'streaming-connection-idle-timeout' },
  { path: 'eventRecordQPS', flag: 'event-qps' },
  { path: 'eventBurst', flag: 'event-burst' },
  { path: 'seccompDefault', flag: 'seccomp-default' },
  { path: 'enableDebuggingHandlers', flag: 'enable-debugging-handlers' },
  { path: 'enableContentionProfiling', flag: 'contention-profiling' },
  { path: 'staticPodPath', flag: 'pod-manifest-path' },
  { path: 'staticPodURL', flag: 'manifest-url' },
  { path: 'clusterDNS', flag: 'cluster-dns' },
  { path: 'clusterDomain', flag: 'cluster-domain' },
  { path: 'hairpinMode', flag: 'hairpin-mode' },
  { path: 'podPidsLimit', flag: 'pod-max-pids' },
  { path: 'evictionHard', flag: 'eviction-hard' },
  { path: 'evictionSoft', flag: 'eviction-soft' },
  { path: 'registryPullQPS', flag: 'registry-qps' },
  { path: 'allowedUnsafeSysctls', flag: 'allowed-unsafe-sysctls' },
  { path: 'containerRuntimeEndpoint', flag: 'container-runtime-endpoint' },
  { path: 'kubeAPIQPS', flag: 'kube-api-qps' },
];

/**
 * KubeProxyConfiguration (v1alpha1) fields and their flags.
 * https://kubernetes.io/docs/reference/config-api/kube-proxy-config.v1alpha1/
 */
export const KUBE_PROXY_CONFIG_FIELDS: readonly FieldMapping[] = [
  { path: 'metricsBindAddress', flag: 'metrics-bind-address' },
  { path: 'healthzBindAddress', flag: 'healthz-bind-address' },
  { path: 'bindAddress', flag: 'bind-address' },
  { path: 'mode', flag: 'proxy-mode' },
  { path: 'clusterCIDR', flag: 'cluster-cidr' },
  { path: 'clientConnection.kubeconfig', flag: 'kubeconfig' },
  { path: 'hostnameOverride', flag: 'hostname-override' },
  { path: 'enableProfiling', flag: 'profiling' },
  { path: 'featureGates', flag: 'feature-gates' },
  { path: 'nodePortAddresses', flag: 'nodeport-addresses' },
];

/**
 * etcd's configuration file: top-level keys are flag names; transport security is nested.
 * https://github.com/etcd-io/etcd/blob/main/etcd.conf.yml.sample
 */
export const ETCD_CONFIG_FIELDS: readonly FieldMapping[] = [
  { path: 'client-transport-security.cert-file', flag: 'cert-file' },
  { path: 'client-transport-security.key-file', flag: 'key-file' },
  { path: 'client-transport-security.client-cert-auth', flag: 'client-cert-auth' },
  { path: 'client-transport-security.trusted-ca-file', flag: 'trusted-ca-file' },
  { path: 'client-transport-security.auto-tls', flag: 'auto-tls' },
  { path: 'peer-transport-security.cert-file', flag: 'peer-cert-file' },
  { path: 'peer-transport-security.key-file', flag: 'peer-key-file' },
  { path: 'peer-transport-security.client-cert-auth', flag: 'peer-client-cert-auth' },
  { path: 'peer-transport-security.trusted-ca-file', flag: 'peer-trusted-ca-file' },
  { path: 'peer-transport-security.auto-tls', flag: 'peer-auto-tls' },
];

function at(o: Record<string, unknown>, dotted: string): unknown {
  let cur: unknown = o;
  for (const part of dotted.split('.')) {
    if (!isRecord(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

/** A configuration value as the equivalent flag would spell it (`A=true,B=false`, `memory.available<100Mi`). */
export function formatConfigValue(flag: string, v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return v.map((x) => formatConfigValue(flag, x) ?? '').join(',');
  if (isRecord(v)) {
    const sep = flag.startsWith('eviction-') ? '<' : '=';
    return Object.entries(v)
      .map(([k, x]) => `${k}${sep}${formatConfigValue(flag, x) ?? ''}`)
      .join(',');
  }
  return undefined;
}

function kebab(field: string): string {
  return field.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/**
 * One layer of settings from a configuration object. Mapped fields answer to their flag names; other top-level
 * scalar fields answer to their kebab-cased names (`serializeImagePulls` → `serialize-image-pulls`). Empty strings
 * mean "use the default" in these files and are skipped.
 */
export function configLayer(
  config: Readonly<Record<string, unknown>>,
  mappings: readonly FieldMapping[],
  origin: SettingOrigin,
  ref: Ref,
  pathPrefix: string,
  source: Source | undefined,
): Map<string, Setting> {
  const layer = new Map<string, Setting>();
  const evidence = (path: string, value: string): Evidence => ({
    ref,
    path: pathPrefix === '' ? path : `${pathPrefix}.${path}`,
    value,
    ...(source === undefined ? {} : { source }),
  });
  const mappedTop = new Set(mappings.map((m) => m.path.split('.')[0]!));
  for (const m of mappings) {
    const value = formatConfigValue(m.flag, at(config, m.path));
    if (value === undefined || value === '') continue;
    layer.set(m.flag, { name: m.flag, value, origin, evidence: evidence(m.path, value) });
  }
  for (const [field, v] of Object.entries(config)) {
    if (mappedTop.has(field) || field === 'apiVersion' || field === 'kind' || isRecord(v) || Array.isArray(v))
      continue;
    const name = kebab(field);
    const value = formatConfigValue(name, v);
    if (value === undefined || value === '' || layer.has(name)) continue;
    layer.set(name, { name, value, origin, evidence: evidence(field, value) });
  }
  return layer;
}
