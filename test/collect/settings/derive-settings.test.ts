// deriveSettings: precedence (configz > flags > config file > ConfigMap > built-ins > defaults), layouts, versions.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import type { InventoryItem, KubeObject, ServerVersion } from '../../../src/collect/inventory.js';
import { readNodeFiles } from '../../../src/collect/node-files/read-node-files.js';
import {
  deriveSettings,
  featureGateEnabled,
  minorVersionOf,
} from '../../../src/collect/settings/derive-settings.js';
import type { ComponentName, ComponentSettings } from '../../../src/collect/settings/types.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixtures = path.resolve(here, '../../fixtures');

function itemsOf(file: string): InventoryItem[] {
  const text = readFileSync(file, 'utf8');
  return parseAllDocuments(text).map((d) => ({ object: d.toJS() as KubeObject, source: { file, line: 1 } }));
}

function one(
  settings: readonly ComponentSettings[],
  component: ComponentName,
  node?: string,
): ComponentSettings {
  const found = settings.filter((s) => s.component === component && (node === undefined || s.node === node));
  expect(found, `${component} ${node ?? ''}`).toHaveLength(1);
  return found[0]!;
}

const v = (minor: number): ServerVersion => ({
  major: '1',
  minor: String(minor),
  gitVersion: `v1.${minor}.0`,
});

function apiserverPod(command: string[], args?: string[]): InventoryItem {
  return {
    object: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'kube-apiserver-cp',
        namespace: 'kube-system',
        labels: { component: 'kube-apiserver' },
      },
      spec: { nodeName: 'cp', containers: [{ name: 'kube-apiserver', command, ...(args ? { args } : {}) }] },
    },
    source: { file: 'pods.yaml', line: 1 },
  };
}

describe('deriveSettings on a kubeadm node folder', async () => {
  const { sets } = await readNodeFiles([path.join(fixtures, 'node-files/kubeadm-cp')]);
  const settings = deriveSettings({ items: [], nodeFiles: sets, serverVersion: v(29) });

  it('reads the apiserver from its static manifest with the word path and source file', () => {
    const api = one(settings, 'kube-apiserver', 'lab-cp');
    const s = api.get('anonymous-auth');
    expect(s).toMatchObject({ value: 'false', origin: 'flag' });
    expect(s.evidence.path).toBe('spec.containers[0].command[2]');
    expect(s.evidence.ref).toEqual({ kind: 'Pod', namespace: 'kube-system', name: 'kube-apiserver-lab-cp' });
    expect(s.evidence.source?.file).toMatch(/manifests\/kube-apiserver\.yaml$/);
    expect(api.get('authorization-mode').value).toBe('Node,RBAC');
    expect(api.get('profiling')).toMatchObject({ value: 'true', origin: 'flag' });
    expect(api.get('tls-cipher-suites').value).toBe('TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256');
    expect(api.get('tls-cipher-suites').evidence.path).toBe('spec.containers[0].command[12]');
    expect(api.get('feature-gates').value).toBe('A=false,B=false');
    expect(api.minorVersion).toBe(29);
  });

  it('gives defaults for the version with their reference, and undefined for unset settings', () => {
    const api = one(settings, 'kube-apiserver');
    expect(api.get('secure-port')).toMatchObject({ value: '6443', origin: 'default' });
    expect(api.get('secure-port').evidence.value).toContain('kube-apiserver default for Kubernetes 1.29');
    expect(api.get('insecure-port')).toMatchObject({ value: undefined, origin: 'default' });
    expect(api.get('kubelet-certificate-authority')).toMatchObject({ value: undefined, origin: 'default' });
    expect(api.isSet('secure-port')).toBe(false);
    expect(api.isSet('anonymous-auth')).toBe(true);
  });

  it('unwraps the etcd shell wrapper and its quoted values', () => {
    const etcd = one(settings, 'etcd', 'lab-cp');
    expect(etcd.get('name').value).toBe('lab cp');
    expect(etcd.get('listen-client-urls').value).toBe('https://127.0.0.1:2379');
    expect(etcd.get('auto-tls')).toMatchObject({ value: 'true', origin: 'flag' });
    expect(etcd.get('peer-client-cert-auth')).toMatchObject({ value: 'false', origin: 'default' });
    expect(etcd.get('data-dir').value).toBe('/var/lib/etcd');
  });

  it('reads flags split across command and args; a boolean does not swallow the next word', () => {
    const s = one(settings, 'kube-scheduler', 'lab-cp');
    expect(s.get('bind-address')).toMatchObject({
      value: '0.0.0.0',
      origin: 'flag',
      evidence: { path: 'spec.containers[0].args[1]' },
    });
    expect(s.get('leader-elect').value).toBe('true');
    expect(s.get('v').value).toBe('2');
  });

  it('kubelet: flags win over the config file, the file over defaults; started with --config, file defaults apply', () => {
    const k = one(settings, 'kubelet', 'lab-cp');
    expect(k.get('protect-kernel-defaults')).toMatchObject({ value: 'true', origin: 'flag' });
    expect(k.get('read-only-port')).toMatchObject({ value: '10255', origin: 'flag' });
    expect(k.get('anonymous-auth')).toMatchObject({ value: 'true', origin: 'config-file' });
    expect(k.get('anonymous-auth').evidence.path).toBe('authentication.anonymous.enabled');
    expect(k.get('authorization-mode')).toMatchObject({ value: 'Webhook', origin: 'config-file' });
    expect(k.get('client-ca-file').value).toBe('/etc/kubernetes/pki/ca.crt');
    expect(k.get('tls-cipher-suites').value).toBe(
      'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384',
    );
    expect(k.get('event-qps')).toMatchObject({ value: '0', origin: 'config-file' });
    expect(k.get('make-iptables-util-chains')).toMatchObject({ value: 'true', origin: 'default' });
    expect(featureGateEnabled(k, 'RotateKubeletServerCertificate')).toBe(false);
  });

  it('never gives a credential flag value, only its name', () => {
    const k = one(settings, 'kubelet', 'lab-cp');
    const token = k.get('token');
    expect(token.origin).toBe('flag');
    expect(token.evidence.value).toBeUndefined();
    expect(JSON.stringify(settings.map((s) => s.explicit()))).not.toContain('FIXTURE-KUBELET-FLAG-TOKEN');
  });
});

describe('kubelet flag defaults differ from config-file defaults', () => {
  it('a kubelet started without --config gets the insecure flag defaults', async () => {
    const root = path.join(fixtures, 'node-files/minikube');
    const { sets } = await readNodeFiles([root]);
    const withConfig = one(deriveSettings({ items: [], nodeFiles: sets }), 'kubelet', 'minikube');
    // minikube passes --config, but the file was not copied: what it sets is unknown, never a default.
    expect(withConfig.get('anonymous-auth')).toMatchObject({ value: undefined, origin: 'not-visible' });
    expect(withConfig.get('anonymous-auth').evidence.value).toContain(
      '/var/lib/kubelet/config.yaml (kubelet --config)',
    );
    expect(withConfig.get('node-ip')).toMatchObject({ value: '192.168.49.2', origin: 'flag' });
    const withFile = {
      ...sets[0]!,
      kubeletConfig: { path: '/var/lib/kubelet/config.yaml', config: { kind: 'KubeletConfiguration' } },
    };
    const k0 = one(deriveSettings({ items: [], nodeFiles: [withFile] }), 'kubelet', 'minikube');
    // With the file read, the fields it omits take the KubeletConfiguration defaults.
    expect(k0.get('anonymous-auth')).toMatchObject({ value: 'false', origin: 'default' });
    expect(k0.get('read-only-port').value).toBe('0');

    const first = sets[0]!;
    const noConfig = { ...first, kubeletArgs: { path: '/x', args: ['--hostname-override=minikube'] } };
    const k = one(deriveSettings({ items: [], nodeFiles: [noConfig] }), 'kubelet', 'minikube');
    expect(k.get('anonymous-auth')).toMatchObject({ value: 'true', origin: 'default' });
    expect(k.get('authorization-mode').value).toBe('AlwaysAllow');
    expect(k.get('read-only-port').value).toBe('10255');
    expect(k.get('authorization-mode').evidence.value).toContain('without --config');
  });
});

describe('a kubeadm node whose folder holds only kubeadm-flags.env', () => {
  it('knows kubeadm passes --config: settings are not-visible, not the insecure flag defaults', async () => {
    const { sets } = await readNodeFiles([path.join(fixtures, 'node-files/kubeadm-cp')]);
    const only = {
      ...sets[0]!,
      kubeletArgs: { path: '/var/lib/kubelet/kubeadm-flags.env', args: ['--container-runtime-endpoint=x'] },
    };
    const { kubeletConfig: _c, ...withoutConfig } = only;
    const k = one(deriveSettings({ items: [], nodeFiles: [withoutConfig] }), 'kubelet', 'lab-cp');
    expect(k.get('anonymous-auth').origin).toBe('not-visible');
    const withConfig = one(deriveSettings({ items: [], nodeFiles: [only] }), 'kubelet', 'lab-cp');
    expect(withConfig.get('read-only-port')).toMatchObject({ value: '0', origin: 'default' });
  });
});

describe('deriveSettings on a kind cluster seen through the API', () => {
  const items = itemsOf(path.join(fixtures, 'settings/kind-cluster.yaml'));
  const settings = deriveSettings({ items, nodeFiles: [], serverVersion: v(23) });

  it('reads mirror pods, names their node, and hides credential values', () => {
    const api = one(settings, 'kube-apiserver', 'kind-control-plane');
    expect(api.get('authorization-mode').value).toBe('Node,RBAC');
    expect(api.get('basic-auth-file').value).toBe('/etc/kubernetes/basic.csv');
    expect(api.get('oidc-client-secret')).toMatchObject({ value: '<redacted>', origin: 'flag' });
    expect(JSON.stringify(api.explicit())).not.toContain('FIXTURE-KIND-OIDC-SECRET');
    expect(one(settings, 'etcd', 'kind-control-plane').get('listen-client-urls').value).toBe(
      'https://127.0.0.1:2379,https://172.18.0.2:2379',
    );
  });

  it('uses 1.23 defaults: the insecure port exists but defaults to 0', () => {
    expect(one(settings, 'kube-apiserver').get('insecure-port').value).toBe('0');
  });

  it('covers every node with the kubelet-config ConfigMap; configz overrides it where present', () => {
    const cp = one(settings, 'kubelet', 'kind-control-plane');
    expect(cp.get('anonymous-auth')).toMatchObject({ value: 'false', origin: 'config-file' });
    expect(cp.get('anonymous-auth').evidence.ref).toEqual({
      kind: 'ConfigMap',
      namespace: 'kube-system',
      name: 'kubelet-config',
    });
    expect(cp.get('anonymous-auth').evidence.path).toBe('data.kubelet.authentication.anonymous.enabled');
    expect(cp.get('read-only-port')).toMatchObject({ value: '0', origin: 'default' });
    const worker = one(settings, 'kubelet', 'kind-worker');
    expect(worker.get('anonymous-auth')).toMatchObject({ value: 'true', origin: 'configz' });
    expect(worker.get('read-only-port')).toMatchObject({ value: '10255', origin: 'configz' });
    expect(worker.get('authorization-mode').value).toBe('AlwaysAllow');
    expect(worker.get('client-ca-file')).toMatchObject({
      value: '/etc/kubernetes/pki/ca.crt',
      origin: 'config-file',
    });
  });

  it('kube-proxy: one record per pod; its --config ConfigMap wins over flags', () => {
    const proxies = settings.filter((s) => s.component === 'kube-proxy');
    expect(proxies.map((p) => p.node)).toEqual(['kind-worker']);
    const p = proxies[0]!;
    expect(p.get('metrics-bind-address')).toMatchObject({ value: '0.0.0.0:10249', origin: 'config-file' });
    expect(p.get('metrics-bind-address').evidence.path).toBe('data["config.conf"].metricsBindAddress');
    expect(p.get('bind-address')).toMatchObject({ value: '0.0.0.0', origin: 'default' });
    expect(p.get('hostname-override').origin).toBe('flag');
  });

  it('falls back to the DaemonSet template when its pods were not collected', () => {
    const noPods = items.filter(
      (i) => !(i.object.kind === 'Pod' && i.object.metadata.name.startsWith('kube-proxy')),
    );
    const proxies = deriveSettings({ items: noPods, nodeFiles: [] }).filter(
      (s) => s.component === 'kube-proxy',
    );
    expect(proxies).toHaveLength(1);
    expect(proxies[0]?.ref).toEqual({ kind: 'DaemonSet', namespace: 'kube-system', name: 'kube-proxy' });
    expect(proxies[0]?.get('metrics-bind-address').value).toBe('0.0.0.0:10249');
  });
});

describe('cloud-controller-manager', () => {
  it('is recognised from a provider build running in kube-system', () => {
    const ccm: InventoryItem = {
      object: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'aws-cloud-controller-manager-x1', namespace: 'kube-system' },
        spec: {
          nodeName: 'cp',
          containers: [
            { name: 'ccm', command: ['/bin/aws-cloud-controller-manager', '--bind-address=127.0.0.1'] },
          ],
        },
      },
      source: { file: 'pods.yaml' },
    };
    const c = one(deriveSettings({ items: [ccm], nodeFiles: [] }), 'cloud-controller-manager', 'cp');
    expect(c.get('bind-address').value).toBe('127.0.0.1');
    expect(c.get('profiling')).toMatchObject({ value: 'true', origin: 'default' });
  });
});

describe('a static manifest and its mirror pod count once, the file preferred', () => {
  it('keeps the file and notes the mirror pod', async () => {
    const { sets } = await readNodeFiles([path.join(fixtures, 'node-files/kubeadm-cp')]);
    const mirror = apiserverPod(['kube-apiserver', '--anonymous-auth=true']);
    const m = mirror.object as KubeObject & { metadata: { name: string } };
    m.metadata.name = 'kube-apiserver-lab-cp';
    (m['spec'] as { nodeName: string }).nodeName = 'lab-cp';
    const api = one(deriveSettings({ items: [mirror], nodeFiles: sets }), 'kube-apiserver');
    expect(api.get('anonymous-auth').value).toBe('false');
    expect(api.notes?.some((n) => n.includes('mirror pod'))).toBe(true);
  });
});

describe('version-dependent defaults', () => {
  const api = (serverVersion?: ServerVersion): ComponentSettings =>
    one(
      deriveSettings({
        items: [apiserverPod(['kube-apiserver'])],
        nodeFiles: [],
        ...(serverVersion ? { serverVersion } : {}),
      }),
      'kube-apiserver',
    );

  it('insecure-port: 8080 before 1.20, 0 until 1.24, gone from 1.24', () => {
    expect(api(v(19)).get('insecure-port').value).toBe('8080');
    expect(api(v(23)).get('insecure-port').value).toBe('0');
    expect(api(v(24)).get('insecure-port').value).toBeUndefined();
    expect(api(v(24)).get('insecure-port').evidence.value).toContain('removed in 1.24');
  });

  it('an unknown version assumes a recent one and says so', () => {
    const a = api();
    expect(a.minorVersion).toBeUndefined();
    expect(a.get('anonymous-auth')).toMatchObject({ value: 'true', origin: 'default' });
    expect(a.get('anonymous-auth').evidence.value).toContain('cluster version unknown');
    expect(a.get('authorization-mode').value).toBe('AlwaysAllow');
  });

  it('reads provider minor versions such as "28+" and gitVersions', () => {
    expect(minorVersionOf({ major: '1', minor: '28+', gitVersion: 'v1.28.3-eks-1' })).toBe(28);
    expect(minorVersionOf({ major: '', minor: '', gitVersion: 'v1.27.2' })).toBe(27);
  });

  it('structured authorization configuration leaves authorization-mode unset', () => {
    const a = one(
      deriveSettings({
        items: [apiserverPod(['kube-apiserver', '--authorization-config=/etc/k/authz.yaml'])],
        nodeFiles: [],
      }),
      'kube-apiserver',
    );
    expect(a.get('authorization-mode').value).toBeUndefined();
  });
});

describe('RKE2 and k3s', async () => {
  const { sets } = await readNodeFiles([
    path.join(fixtures, 'node-files/rke2-server'),
    path.join(fixtures, 'node-files/k3s-server'),
  ]);
  const settings = deriveSettings({ items: [], nodeFiles: sets, serverVersion: v(30) });

  it('RKE2: control plane from pod-manifests, kubelet from kubelet-arg over RKE2 built-ins', () => {
    const api = one(settings, 'kube-apiserver', 'rke2-a');
    expect(api.get('profiling').value).toBe('false');
    expect(api.get('encryption-provider-config').value).toBe(
      '/var/lib/rancher/rke2/server/cred/encryption-config.json',
    );
    const k = one(settings, 'kubelet', 'rke2-a');
    expect(k.get('protect-kernel-defaults')).toMatchObject({ value: 'true', origin: 'flag' });
    expect(k.get('read-only-port')).toMatchObject({ value: '0', origin: 'default' });
    expect(k.get('read-only-port').evidence.value).toContain('rke2');
    expect(k.get('anonymous-auth').value).toBe('false');
  });

  it('k3s: embedded components from config args over k3s built-in flags', () => {
    const api = one(settings, 'kube-apiserver', 'k3s-a');
    expect(api.get('anonymous-auth')).toMatchObject({ value: 'true', origin: 'flag' });
    expect(api.get('anonymous-auth').evidence.path).toBe('kube-apiserver-arg[0]');
    expect(api.get('authorization-mode')).toMatchObject({ value: 'Node,RBAC', origin: 'default' });
    expect(api.get('encryption-provider-config').value).toBe(
      '/var/lib/rancher/k3s/server/cred/encryption-config.json',
    );
    expect(one(settings, 'kube-scheduler', 'k3s-a').get('bind-address')).toMatchObject({
      value: '0.0.0.0',
      origin: 'flag',
    });
    expect(one(settings, 'kube-controller-manager', 'k3s-a').get('bind-address').value).toBe('127.0.0.1');
    expect(one(settings, 'etcd', 'k3s-a').get('client-cert-auth').value).toBe('true');
    expect(one(settings, 'kube-proxy', 'k3s-a').get('metrics-bind-address').value).toBe('127.0.0.1:10249');
    const k = one(settings, 'kubelet', 'k3s-a');
    expect(k.get('read-only-port')).toMatchObject({ value: '0', origin: 'default' });
    expect(k.get('anonymous-auth').value).toBe('false');
  });
});

describe('managed control planes', () => {
  const eksNode: InventoryItem = {
    object: {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'ip-10-0-1-5.ec2.internal', labels: { 'eks.amazonaws.com/nodegroup': 'ng-1' } },
      spec: { providerID: 'aws:///us-east-1a/i-0abc' },
    },
    source: { file: 'nodes.yaml' },
  };

  it('returns not-visible control-plane records naming the provider setting to check', () => {
    const settings = deriveSettings({ items: [eksNode], nodeFiles: [] });
    const api = one(settings, 'kube-apiserver');
    expect(api.visibility).toBe('managed');
    const enc = api.get('encryption-provider-config');
    expect(enc).toMatchObject({ value: undefined, origin: 'not-visible' });
    expect(enc.evidence.value).toContain('encryptionConfig');
    expect(api.get('audit-log-path').evidence.value).toContain('control-plane logging');
    expect(api.isSet('anonymous-auth')).toBe(false);
    for (const c of ['etcd', 'kube-scheduler', 'kube-controller-manager'] as const)
      expect(one(settings, c).get('profiling').origin).toBe('not-visible');
  });

  it('names GKE application-layer secrets encryption and AKS KMS', () => {
    const gke = one(deriveSettings({ items: [], nodeFiles: [], provider: 'gke' }), 'kube-apiserver');
    expect(gke.get('encryption-provider-config').evidence.value).toContain(
      'application-layer secrets encryption',
    );
    const aks = one(deriveSettings({ items: [], nodeFiles: [], provider: 'aks' }), 'kube-apiserver');
    expect(aks.get('encryption-provider-config').evidence.value).toContain('KMS');
  });

  it('ignores mirror pods under a managed provider but still reads kubelets', () => {
    const cm: InventoryItem = {
      object: {
        apiVersion: 'v1',
        kind: 'KubeletConfigz',
        metadata: { name: 'ip-10-0-1-5.ec2.internal' },
        kubeletconfig: { readOnlyPort: 0 },
      },
      source: { file: 'configz.json' },
    };
    const settings = deriveSettings({
      items: [eksNode, cm, apiserverPod(['kube-apiserver'])],
      nodeFiles: [],
      provider: 'eks',
    });
    expect(settings.filter((s) => s.component === 'kube-apiserver').map((s) => s.visibility)).toEqual([
      'managed',
    ]);
    expect(one(settings, 'kubelet').get('read-only-port').origin).toBe('configz');
  });
});

describe('configuration files a component reads but ktm did not', () => {
  it('etcd --config-file: read from node files (flags ignored), else every setting is not-visible', async () => {
    const { sets } = await readNodeFiles([path.join(fixtures, 'node-files/rke2-server')]);
    const etcd = one(deriveSettings({ items: [], nodeFiles: sets }), 'etcd', 'rke2-a');
    expect(etcd.get('client-cert-auth')).toMatchObject({ value: 'true', origin: 'config-file' });
    expect(etcd.get('client-cert-auth').evidence.path).toBe('client-transport-security.client-cert-auth');
    expect(etcd.get('peer-client-cert-auth').value).toBe('true');
    expect(etcd.get('listen-client-urls').value).toBe('https://127.0.0.1:2379,https://10.0.0.21:2379');
    expect(etcd.get('auto-tls')).toMatchObject({ value: 'false', origin: 'default' });

    const { etcdConfigs: _dropped, ...withoutFile } = sets[0]!;
    const unread = one(deriveSettings({ items: [], nodeFiles: [withoutFile] }), 'etcd', 'rke2-a');
    expect(unread.get('client-cert-auth')).toMatchObject({ value: undefined, origin: 'not-visible' });
    expect(unread.get('client-cert-auth').evidence.value).toContain('etcd --config-file');
    expect(unread.get('config-file').origin).toBe('flag');
  });

  it('kube-proxy --config without its ConfigMap: not-visible rather than a default', () => {
    const items = itemsOf(path.join(fixtures, 'settings/kind-cluster.yaml')).filter(
      (i) => !(i.object.kind === 'ConfigMap' && i.object.metadata.name === 'kube-proxy'),
    );
    const p = one(deriveSettings({ items, nodeFiles: [] }), 'kube-proxy', 'kind-worker');
    expect(p.get('metrics-bind-address')).toMatchObject({ value: undefined, origin: 'not-visible' });
    expect(p.get('hostname-override').origin).toBe('flag');
  });
});
