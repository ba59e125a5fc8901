// Every problem planted in the example cluster (docs/example-cluster.md) is present, visible through the
// loaded inventory and component settings, and so is every secure part that must stay clean.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type * as k8s from '@kubernetes/client-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/collect/load.js';
import type { Inventory } from '../../src/collect/inventory.js';
import { demoPaths } from '../../src/collect/demo.js';
import type { ComponentName } from '../../src/collect/settings/types.js';

/** Seed and core concern ids of ../shared/catalogue/concerns.yaml: each needs a plant in the example. */
const SEED_AND_CORE = [
  'policy-not-enforced',
  'hostpath-persistent-volume',
  'plaintext-listener',
  'weak-tls',
  'no-certificate-revocation',
  'secrets-not-encrypted-at-rest',
  'credentials-in-logs',
  'credentials-in-environment',
  'outbound-plaintext',
  'audit-disabled',
  'mutual-tls-missing',
  'api-server-authentication',
  'kubelet-unauthenticated',
  'controller-least-authority',
  'resource-claim-abuse',
  'token-automount',
  'seccomp-disabled',
  'dns-cross-namespace',
  'probe-host-enumeration',
  'host-log-access',
  'nodes-proxy-escalation',
] as const;

let inv: Inventory;
beforeAll(async () => {
  inv = await loadInventory({ kind: 'demo' });
});

const doc = readFileSync(path.join(import.meta.dirname, '..', '..', 'docs', 'example-cluster.md'), 'utf8');
const nodeFileText = (rel: string): string => readFileSync(path.join(demoPaths().nodeFiles[0]!, rel), 'utf8');

function setting(component: ComponentName, name: string, node?: string): string | undefined {
  const s = inv.settingsOf(component).find((c) => node === undefined || c.node === node);
  expect(s, `${component} settings`).toBeDefined();
  return s!.get(name).value;
}
function explicit(component: ComponentName, name: string): boolean {
  return inv.settingsOf(component)[0]!.isSet(name);
}
function spec(kind: 'Deployment' | 'DaemonSet' | 'StatefulSet', ns: string, name: string): k8s.V1PodSpec {
  const o = inv.get(kind, ns, name);
  expect(o, `${kind} ${ns}/${name}`).toBeDefined();
  return o!.object.spec!.template.spec!;
}
function podsOf(ns: string, prefix: string): k8s.V1Pod[] {
  return inv
    .ofKind('Pod')
    .map((i) => i.object)
    .filter((p) => p.metadata?.namespace === ns && (p.metadata.name?.startsWith(prefix)));
}
function rulesOf(clusterRole: string): k8s.V1PolicyRule[] {
  return inv.get('ClusterRole', undefined, clusterRole)?.object.rules ?? [];
}
const allows = (rules: k8s.V1PolicyRule[], resource: string, verb: string): boolean =>
  rules.some(
    (r) =>
      (r.resources ?? []).some((x) => x === resource || x === '*') &&
      r.verbs.some((v) => v === verb || v === '*'),
  );

/** concern → checks of the facts the documentation's table lists for it. */
const PLANTS: Record<(typeof SEED_AND_CORE)[number], () => void> = {
  'policy-not-enforced': () => {
    const cni = inv.ofKind('DaemonSet').map((d) => d.object.spec?.template.spec?.containers[0]?.image ?? '');
    expect(cni.some((i) => i.includes('flannel/flannel:'))).toBe(true);
    expect(cni.some((i) => /calico|cilium|antrea|kube-router|weave/.test(i))).toBe(false);
    const policies = inv.ofKind('NetworkPolicy').map((p) => p.object.metadata?.namespace);
    expect(new Set(policies)).toEqual(new Set(['payments']));
    expect(policies.length).toBe(5);
    expect(inv.get('ConfigMap', 'kube-flannel', 'kube-flannel-cfg')?.object.data?.['net-conf.json']).toContain(
      'vxlan',
    );
  },
  'hostpath-persistent-volume': () => {
    const pv = inv.get('PersistentVolume', undefined, 'shop-media-pv')!.object;
    expect(pv.spec?.hostPath?.path).toBe('/var/lib/shop-media');
    expect(pv.spec?.claimRef?.namespace).toBe('shop');
    expect(inv.get('Namespace', undefined, 'shop')?.object.metadata?.labels?.['pod-security.kubernetes.io/enforce']).toBe(
      'baseline',
    );
    expect(spec('Deployment', 'shop', 'media').volumes?.[0]?.persistentVolumeClaim?.claimName).toBe('shop-media');
    expect(allows(rulesOf('ci-deployer'), 'persistentvolumes', 'create')).toBe(true);
  },
  'plaintext-listener': () => {
    for (const node of ['lab-cp-1', 'lab-worker-1', 'lab-worker-2'])
      expect(setting('kubelet', 'read-only-port', node), node).toBe('10255');
    expect(setting('kube-controller-manager', 'bind-address')).toBe('0.0.0.0');
    expect(setting('kube-proxy', 'metrics-bind-address')).toBe('0.0.0.0:10249');
  },
  'weak-tls': () => {
    expect(explicit('kube-apiserver', 'kubelet-certificate-authority')).toBe(false);
    expect(inv.get('APIService', undefined, 'v1beta1.metrics.k8s.io')?.object.spec?.insecureSkipTLSVerify).toBe(true);
    expect(spec('Deployment', 'kube-system', 'metrics-server').containers[0]?.args).toContain('--kubelet-insecure-tls');
  },
  'no-certificate-revocation': () => {
    const csr = inv.get('CertificateSigningRequest', undefined, 'breakglass-admin')!.object;
    expect(csr.status?.conditions?.[0]?.type).toBe('Approved');
    expect(csr.spec.expirationSeconds).toBe(31536000);
    const pem = Buffer.from(csr.spec.request, 'base64').toString();
    expect(pem).toContain('BEGIN CERTIFICATE REQUEST');
    expect(inv.get('Secret', 'ci', 'ci-deployer-token')?.object.type).toBe('kubernetes.io/service-account-token');
    expect(inv.get('Secret', 'kube-system', 'admin-tools-token')?.object.type).toBe(
      'kubernetes.io/service-account-token',
    );
    expect(setting('kube-apiserver', 'client-ca-file')).toBe('/etc/kubernetes/pki/ca.crt');
    expect(explicit('kube-apiserver', 'service-account-extend-token-expiration')).toBe(false);
  },
  'secrets-not-encrypted-at-rest': () => {
    const enc = inv.nodeFiles[0]!.encryptionConfigs[0]!;
    expect(enc.resources[0]?.resources).toContain('secrets');
    expect(enc.resources[0]?.providers[0]).toBe('identity');
    expect(setting('kube-apiserver', 'encryption-provider-config')).toBe(enc.path);
  },
  'credentials-in-logs': () => {
    const audit = inv.nodeFiles[0]!.auditPolicies[0]!;
    expect(setting('kube-apiserver', 'audit-policy-file')).toBe(audit.path);
    const first = audit.rules[0]!;
    expect(first.level).toBe('RequestResponse');
    expect(first.resources?.flatMap((r) => r.resources ?? [])).toContain('secrets');
    const shipper = spec('DaemonSet', 'monitoring', 'log-shipper');
    expect(shipper.volumes?.[0]?.hostPath?.path).toBe('/var/log');
    expect(podsOf('monitoring', 'log-shipper-').map((p) => p.spec?.nodeName)).toContain('lab-cp-1');
  },
  'credentials-in-environment': () => {
    const env = (ns: string, name: string): k8s.V1EnvVar[] => spec('Deployment', ns, name).containers[0]?.env ?? [];
    expect(env('shop', 'storefront').find((e) => e.name === 'DB_PASSWORD')?.valueFrom?.secretKeyRef?.name).toBe(
      'shop-db-credentials',
    );
    expect(env('monitoring', 'grafana').find((e) => e.name === 'GF_SECURITY_ADMIN_PASSWORD')?.valueFrom).toBeDefined();
    expect(env('shop', 'orders').find((e) => e.name === 'SMTP_PASSWORD')?.value).toBe('not-a-real-password-demo');
  },
  'outbound-plaintext': () => {
    expect(inv.get('APIService', undefined, 'v1beta1.metrics.k8s.io')?.object.spec?.service?.name).toBe(
      'metrics-server',
    );
  },
  'audit-disabled': () => {
    expect(setting('kube-apiserver', 'audit-log-maxage')).toBe('7');
  },
  'mutual-tls-missing': () => {
    expect(explicit('etcd', 'peer-client-cert-auth')).toBe(false);
    expect(setting('etcd', 'client-cert-auth')).toBe('true');
  },
  'api-server-authentication': () => {
    expect(explicit('kube-apiserver', 'anonymous-auth')).toBe(false);
    expect(explicit('kube-apiserver', 'profiling')).toBe(false);
    const rb = inv.get('RoleBinding', 'kube-public', 'kubeadm:bootstrap-signer-clusterinfo')!.object;
    expect(rb.subjects?.[0]?.name).toBe('system:anonymous');
  },
  'kubelet-unauthenticated': () => {
    expect(nodeFileText('var/lib/kubelet/config.yaml')).toMatch(/^readOnlyPort: 10255$/m);
    expect(setting('kubelet', 'anonymous-auth', 'lab-cp-1')).toBe('false');
  },
  'controller-least-authority': () => {
    const r = rulesOf('policy-controller')[0]!;
    expect([r.apiGroups, r.resources]).toEqual([['*'], ['*']]);
    expect(setting('kube-controller-manager', 'use-service-account-credentials')).toBe('true');
  },
  'resource-claim-abuse': () => {
    expect(inv.ofKind('ResourceQuota').map((q) => q.object.metadata?.namespace)).toEqual(['payments']);
    expect(inv.ofKind('LimitRange').map((q) => q.object.metadata?.namespace)).toEqual(['payments']);
    expect(spec('Deployment', 'shop', 'orders').containers[0]?.resources).toEqual({});
    expect(spec('Deployment', 'policy-system', 'policy-webhook').priorityClassName).toBeUndefined();
  },
  'token-automount': () => {
    for (const p of podsOf('shop', ''))
      expect(
        p.spec?.volumes?.some((v) => v.projected !== undefined),
        p.metadata?.name,
      ).toBe(true);
    const runner = podsOf('ci', 'ci-runner-')[0]!;
    expect(runner.spec?.serviceAccountName).toBe('ci-deployer');
    expect(runner.spec?.volumes?.some((v) => v.name.startsWith('kube-api-access-'))).toBe(true);
  },
  'seccomp-disabled': () => {
    const s = spec('Deployment', 'shop', 'storefront');
    expect(s.securityContext?.seccompProfile).toBeUndefined();
    expect(s.containers[0]?.securityContext?.seccompProfile).toBeUndefined();
    expect(explicit('kubelet', 'seccomp-default')).toBe(false);
  },
  'dns-cross-namespace': () => {
    expect(inv.get('ConfigMap', 'kube-system', 'coredns')?.object.data?.['Corefile']).toMatch(/pods insecure/);
  },
  'probe-host-enumeration': () => {
    const host = spec('Deployment', 'shop', 'orders').containers[0]?.readinessProbe?.httpGet?.host;
    expect(host).toBe(inv.get('Service', 'payments', 'payments-api')?.object.spec?.clusterIP);
  },
  'host-log-access': () => {
    const s = spec('DaemonSet', 'monitoring', 'log-shipper');
    expect(s.volumes?.[0]?.hostPath?.path).toBe('/var/log');
    expect(s.containers[0]?.volumeMounts?.[0]?.readOnly).toBeUndefined();
    expect(allows(rulesOf('log-shipper'), 'pods/log', 'get')).toBe(true);
  },
  'nodes-proxy-escalation': () => {
    expect(allows(rulesOf('prometheus'), 'nodes/proxy', 'get')).toBe(true);
    const crb = inv.get('ClusterRoleBinding', undefined, 'prometheus')!.object;
    expect(crb.subjects?.[0]).toMatchObject({ kind: 'ServiceAccount', name: 'prometheus', namespace: 'monitoring' });
  },
};

describe('loading the example cluster', () => {
  it('reads every object of the snapshot and the control-plane node files without an error diagnostic', () => {
    const errors = inv.diagnostics.filter((d) => d.severity === 'error');
    expect(errors).toEqual([]);
    const fromSnapshot = inv.coverage.resources.filter((r) => r.state === 'read').reduce((n, r) => n + r.count, 0);
    const staticPods = inv.nodeFiles.flatMap((s) => s.staticPods);
    expect(staticPods).toHaveLength(4);
    // Static pods are the mirror pods the snapshot already holds: loading may merge them, never lose either.
    expect(inv.items.length).toBeGreaterThanOrEqual(fromSnapshot);
    expect(inv.items.length).toBeLessThanOrEqual(fromSnapshot + staticPods.length);
    for (const sp of staticPods) {
      const mirror = `${sp.object.metadata.name.replace(/-lab-cp-1$/, '')}-lab-cp-1`;
      expect(inv.get('Pod', 'kube-system', mirror), mirror).toBeDefined();
    }
    for (const r of inv.coverage.resources)
      if (r.state === 'read' && r.kind !== 'Pod') expect(inv.ofKind(r.kind).length, r.kind).toBe(r.count);
    expect(inv.cluster.serverVersion?.gitVersion).toBe('v1.30.4');
    expect(inv.cluster.provider).toBeUndefined();
    expect(inv.nodeFiles.map((s) => s.node)).toEqual(['lab-cp-1']);
    expect(inv.nodeFiles[0]!.kubeconfigs.map((k) => k.user).sort()).toEqual([
      'kubernetes-admin',
      'kubernetes-super-admin',
      'system:kube-controller-manager',
      'system:kube-scheduler',
      'system:node:lab-cp-1',
    ]);
    expect(inv.coverage.facts).toContainEqual({ fact: 'node-files', subject: 'lab-cp-1', state: 'read' });
  });

  it('derives settings for every control-plane component and every node’s kubelet and kube-proxy', () => {
    for (const c of ['kube-apiserver', 'etcd', 'kube-scheduler', 'kube-controller-manager'] as const)
      expect(inv.settingsOf(c).map((s) => s.node)).toEqual(['lab-cp-1']);
    for (const c of ['kubelet', 'kube-proxy'] as const)
      expect(
        inv
          .settingsOf(c)
          .map((s) => s.node)
          .sort(),
      ).toEqual(['lab-cp-1', 'lab-worker-1', 'lab-worker-2']);
  });
});

describe('planted problems (docs/example-cluster.md)', () => {
  it('documents a plant for every seed and core concern', () => {
    for (const id of SEED_AND_CORE) expect(doc, id).toMatch(new RegExp(`^\\| \`${id}\``, 'm'));
  });
  for (const id of SEED_AND_CORE) it(`plants ${id}`, () => PLANTS[id]());
});

describe('secure parts that must stay clean', () => {
  it('etcd serves clients over mutual TLS with its own CA, metrics on loopback only', () => {
    expect(setting('etcd', 'client-cert-auth')).toBe('true');
    expect(setting('etcd', 'listen-client-urls')).toMatch(/^https:\/\/127\.0\.0\.1:2379,https:\/\//);
    expect(setting('etcd', 'trusted-ca-file')).toBe('/etc/kubernetes/pki/etcd/ca.crt');
    expect(setting('etcd', 'listen-metrics-urls')).toBe('http://127.0.0.1:2381');
    expect(explicit('etcd', 'auto-tls')).toBe(false);
  });

  it('the API server authenticates to etcd and kubelets and authorizes with Node,RBAC', () => {
    for (const f of ['etcd-cafile', 'etcd-certfile', 'etcd-keyfile', 'kubelet-client-certificate', 'kubelet-client-key'])
      expect(explicit('kube-apiserver', f), f).toBe(true);
    expect(setting('kube-apiserver', 'authorization-mode')).toBe('Node,RBAC');
    expect(explicit('kube-apiserver', 'token-auth-file')).toBe(false);
    expect(setting('kube-scheduler', 'bind-address')).toBe('127.0.0.1');
  });

  it('the kubelet refuses anonymous requests and asks the API server to authorize', () => {
    expect(setting('kubelet', 'anonymous-auth', 'lab-cp-1')).toBe('false');
    expect(setting('kubelet', 'authorization-mode', 'lab-cp-1')).toBe('Webhook');
  });

  it('payments is locked down: restricted, no tokens, seccomp, quota, default deny, TLS, PDB, spread', () => {
    expect(inv.get('Namespace', undefined, 'payments')?.object.metadata?.labels?.['pod-security.kubernetes.io/enforce']).toBe(
      'restricted',
    );
    const pods = podsOf('payments', 'payments-api-');
    expect(pods).toHaveLength(2);
    expect(new Set(pods.map((p) => p.spec?.nodeName)).size).toBe(2);
    for (const p of pods) {
      expect(p.spec?.volumes?.some((v) => v.projected !== undefined)).toBe(false);
      expect(p.spec?.securityContext?.seccompProfile?.type).toBe('RuntimeDefault');
      expect(p.status?.qosClass).toBe('Guaranteed');
      for (const c of p.spec?.containers ?? []) {
        expect(c.securityContext?.allowPrivilegeEscalation).toBe(false);
        expect(c.env?.some((e) => e.valueFrom?.secretKeyRef !== undefined)).toBe(false);
      }
    }
    const deny = inv.get('NetworkPolicy', 'payments', 'default-deny-all')!.object.spec!;
    expect(deny.podSelector).toEqual({});
    expect(deny.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(inv.get('Ingress', 'payments', 'payments')?.object.spec?.tls?.[0]?.secretName).toBe('payments-tls');
    expect(inv.get('PodDisruptionBudget', 'payments', 'payments-api')).toBeDefined();
  });

  it('the control-plane probes point at their own node only', () => {
    for (const p of inv.ofKind('Pod').map((i) => i.object)) {
      if (p.metadata?.ownerReferences?.[0]?.kind !== 'Node') continue;
      for (const c of p.spec?.containers ?? [])
        for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe])
          if (probe?.httpGet?.host !== undefined) expect(['10.0.0.10', '127.0.0.1']).toContain(probe.httpGet.host);
    }
  });
});

describe('extended plants and the attack paths', () => {
  it('single points of failure: one control-plane node, both CoreDNS replicas on one worker, one webhook replica', () => {
    const cp = inv.ofKind('Node').filter((n) => n.object.metadata?.labels?.['node-role.kubernetes.io/control-plane'] === '');
    expect(cp).toHaveLength(1);
    expect(new Set(podsOf('kube-system', 'coredns-').map((p) => p.spec?.nodeName))).toEqual(new Set(['lab-worker-1']));
    expect(inv.get('Deployment', 'policy-system', 'policy-webhook')?.object.spec?.replicas).toBe(1);
    expect(inv.ofKind('PodDisruptionBudget').map((p) => p.object.metadata?.name)).toEqual(['payments-api']);
  });

  it('a fail-closed webhook matches every write in every namespace, its own included', () => {
    const w = inv.get('ValidatingWebhookConfiguration', undefined, 'policy-webhook')!.object.webhooks![0]!;
    expect(w.failurePolicy).toBe('Fail');
    expect(w.namespaceSelector).toEqual({});
    expect(w.rules?.[0]?.resources).toEqual(['*/*']);
    expect(w.timeoutSeconds).toBe(30);
    expect(w.clientConfig.service?.namespace).toBe('policy-system');
  });

  it('escape-capable node agents run on the control-plane node', () => {
    for (const prefix of ['node-exporter-', 'log-shipper-'])
      expect(podsOf('monitoring', prefix).map((p) => p.spec?.nodeName)).toContain('lab-cp-1');
    expect(spec('DaemonSet', 'monitoring', 'node-exporter').hostPID).toBe(true);
  });

  it('the Internet reaches the shop over plain HTTP through the LoadBalancer', () => {
    const lb = inv.get('Service', 'ingress-nginx', 'ingress-nginx-controller')!.object;
    expect(lb.spec?.type).toBe('LoadBalancer');
    expect(lb.status?.loadBalancer?.ingress?.[0]?.ip).toBe('203.0.113.10');
    expect(inv.get('Ingress', 'shop', 'shop')?.object.spec?.tls).toBeUndefined();
    expect(inv.get('Service', 'monitoring', 'grafana')?.object.spec?.type).toBe('NodePort');
  });

  it('path 1: the CI runner’s token lists secrets, among them a cluster-admin token', () => {
    const ci = rulesOf('ci-deployer');
    expect(allows(ci, 'secrets', 'list')).toBe(true);
    expect(allows(ci, 'pods', 'create')).toBe(true);
    expect(allows(ci, 'clusterroles', 'bind')).toBe(true);
    expect(allows(ci, 'rolebindings', 'create')).toBe(true);
    expect(inv.get('ClusterRoleBinding', undefined, 'ci-deployer')?.object.subjects?.[0]?.name).toBe('ci-deployer');
    const admin = inv.get('ClusterRoleBinding', undefined, 'admin-tools')!.object;
    expect(admin.roleRef.name).toBe('cluster-admin');
    expect(admin.subjects?.[0]).toMatchObject({ name: 'admin-tools', namespace: 'kube-system' });
    const token = inv.get('Secret', 'kube-system', 'admin-tools-token')!.object;
    expect(token.metadata?.annotations?.['kubernetes.io/service-account.name']).toBe('admin-tools');
  });
});
