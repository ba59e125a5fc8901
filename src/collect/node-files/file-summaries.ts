// What ktm keeps of credential-bearing node files: kubeconfigs, encryption and audit configuration, kubeadm config.
import { isCredentialFlag } from '../settings/command-line.js';
import type {
  AuditPolicyRule,
  AuditPolicySummary,
  EncryptionConfigSummary,
  KubeconfigSummary,
} from './types.js';
import { isRecord, stringField } from './yaml-documents.js';

function records(v: unknown): Record<string, unknown>[] {
  return Array.isArray(v) ? v.filter(isRecord) : [];
}

function strings(v: unknown): string[] | undefined {
  if (!Array.isArray(v)) return undefined;
  return v.filter((x): x is string => typeof x === 'string');
}

export function isKubeconfig(doc: unknown): doc is Record<string, unknown> {
  return (
    isRecord(doc) &&
    (doc['kind'] === 'Config' || (doc['kind'] === undefined && 'clusters' in doc)) &&
    (Array.isArray(doc['clusters']) || Array.isArray(doc['users']))
  );
}

/**
 * Which server, which user and which kind of credential a kubeconfig holds, for its current context (else its
 * first context, else its first user). Keys, certificates and tokens are read by the parser and dropped here.
 */
export function summariseKubeconfig(doc: Record<string, unknown>, path: string): KubeconfigSummary {
  const contexts = records(doc['contexts']);
  const current = stringField(doc, 'current-context');
  const ctxEntry = contexts.find((c) => c['name'] === current) ?? contexts[0];
  const ctx = ctxEntry !== undefined && isRecord(ctxEntry['context']) ? ctxEntry['context'] : undefined;
  const clusterName = ctx === undefined ? undefined : stringField(ctx, 'cluster');
  const userName = ctx === undefined ? undefined : stringField(ctx, 'user');
  const clusters = records(doc['clusters']);
  const users = records(doc['users']);
  const clusterEntry = clusters.find((c) => c['name'] === clusterName) ?? clusters[0];
  const userEntry = users.find((u) => u['name'] === userName) ?? users[0];
  const cluster =
    clusterEntry !== undefined && isRecord(clusterEntry['cluster']) ? clusterEntry['cluster'] : {};
  const user = userEntry !== undefined && isRecord(userEntry['user']) ? userEntry['user'] : {};
  const server = stringField(cluster, 'server');
  const name = userEntry === undefined ? undefined : stringField(userEntry, 'name');
  return {
    path,
    ...(server === undefined ? {} : { server }),
    ...(name === undefined ? {} : { user: name }),
    credential: credentialKind(user),
    insecureSkipTLSVerify: cluster['insecure-skip-tls-verify'] === true,
    hasCertificateAuthority:
      typeof cluster['certificate-authority'] === 'string' ||
      typeof cluster['certificate-authority-data'] === 'string',
  };
}

function credentialKind(user: Record<string, unknown>): KubeconfigSummary['credential'] {
  if ('client-certificate' in user || 'client-certificate-data' in user) return 'client-certificate';
  if ('token' in user || 'tokenFile' in user) return 'token';
  if ('exec' in user) return 'exec';
  if ('auth-provider' in user) return 'auth-provider';
  if ('username' in user || 'password' in user) return 'basic';
  return 'none';
}

/** The node name a kubelet kubeconfig reveals: kubeadm names the context `system:node:NAME@CLUSTER`. */
export function kubeletNodeNameFromKubeconfig(doc: Record<string, unknown>): string | undefined {
  for (const c of records(doc['contexts'])) {
    const m = /^system:node:([^@]+)@/.exec(stringField(c, 'name') ?? '');
    if (m?.[1] !== undefined) return m[1];
  }
  for (const u of records(doc['users'])) {
    const m = /^system:node:(.+)$/.exec(stringField(u, 'name') ?? '');
    if (m?.[1] !== undefined) return m[1];
  }
  return undefined;
}

export function isEncryptionConfig(doc: unknown): doc is Record<string, unknown> {
  return isRecord(doc) && (doc['kind'] === 'EncryptionConfiguration' || doc['kind'] === 'EncryptionConfig');
}

/** Provider names in order; `kms` carries its API version (`kms:v1` is the default when unset). Keys are dropped. */
export function summariseEncryptionConfig(
  doc: Record<string, unknown>,
  path: string,
): EncryptionConfigSummary {
  return {
    path,
    resources: records(doc['resources']).map((r) => ({
      resources: strings(r['resources']) ?? [],
      providers: records(r['providers']).flatMap((p) =>
        Object.keys(p).map((name) => {
          if (name !== 'kms') return name;
          const kms = p[name];
          const v = isRecord(kms) ? stringField(kms, 'apiVersion') : undefined;
          return `kms:${v ?? 'v1'}`;
        }),
      ),
    })),
  };
}

export function isAuditPolicy(doc: unknown): doc is Record<string, unknown> {
  return (
    isRecord(doc) &&
    doc['kind'] === 'Policy' &&
    (typeof doc['apiVersion'] !== 'string' || doc['apiVersion'].startsWith('audit.k8s.io'))
  );
}

export function summariseAuditPolicy(doc: Record<string, unknown>, path: string): AuditPolicySummary {
  const omitStages = strings(doc['omitStages']);
  const rules: AuditPolicyRule[] = records(doc['rules']).map((r) => {
    const resources = records(r['resources']).map((g) => {
      const group = stringField(g, 'group');
      const res = strings(g['resources']);
      return { ...(group === undefined ? {} : { group }), ...(res === undefined ? {} : { resources: res }) };
    });
    const opt = (k: string): Record<string, readonly string[]> => {
      const v = strings(r[k]);
      return v === undefined ? {} : { [k]: v };
    };
    return {
      level: stringField(r, 'level') ?? 'None',
      ...(Array.isArray(r['resources']) ? { resources } : {}),
      ...opt('namespaces'),
      ...opt('verbs'),
      ...opt('users'),
      ...opt('userGroups'),
      ...opt('nonResourceURLs'),
    };
  });
  return { path, ...(omitStages === undefined ? {} : { omitStages }), rules };
}

export function isKubeadmClusterConfiguration(doc: unknown): doc is Record<string, unknown> {
  return (
    isRecord(doc) &&
    doc['kind'] === 'ClusterConfiguration' &&
    typeof doc['apiVersion'] === 'string' &&
    doc['apiVersion'].startsWith('kubeadm.k8s.io')
  );
}

export const REDACTED = '<redacted>';

/**
 * A copy with every credential-named key's value replaced (recursively). kubeadm configuration and RKE2/k3s
 * configuration can carry join tokens and passwords next to the settings ktm needs.
 */
export function withoutCredentials(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutCredentials);
  if (!isRecord(v)) return v;
  // kubeadm v1beta4 extraArgs are a list of {name, value}.
  if (typeof v['name'] === 'string' && 'value' in v && isCredentialFlag(v['name']))
    return { ...v, value: REDACTED };
  const out: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(v)) {
    const kebab = k.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
    out[k] = isCredentialFlag(kebab) || kebab === 'certificate-key' ? REDACTED : withoutCredentials(val);
  }
  return out;
}
