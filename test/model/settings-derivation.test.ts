// TLS and authentication of control-plane flows derived from component settings, and unknown with a reason when not visible.
import { modelOf } from '../../src/analysis/analyses.js';
import { describe, expect, it } from 'vitest';
import type { ComponentSettings } from '../../src/collect/settings/types.js';
import { type Flow, type Model } from '../../src/model/index.js';
import { fakeSettings, inventoryOf, node, staticPod } from './inventory-of.js';

function modelWith(api: Record<string, string>, extra: ComponentSettings[] = []): Model {
  return modelOf(
    inventoryOf(
      [
        node('cp-1'),
        node('w-1'),
        staticPod('kube-apiserver', 'cp-1'),
        staticPod('etcd', 'cp-1'),
        staticPod('etcd', 'w-1'),
      ],
      [fakeSettings('kube-apiserver', api, { node: 'cp-1' }), ...extra],
    ),
  );
}

const find = (m: Model, from: string, to: string): Flow => {
  const f = m.flows.find((x) => x.from === from && x.to === to);
  if (f === undefined) throw new Error(`no flow ${from} -> ${to}`);
  return f;
};

describe('kube-apiserver → kubelet', () => {
  it('is unverified without --kubelet-certificate-authority (TOB-K8S-034)', () => {
    const f = find(modelWith({}), 'kube-apiserver', 'kubelet:w-1');
    expect(f.tls).toBe('unverified');
    expect(f.authn).toBe('none');
    expect(f.evidence.find((e) => e.attribute === 'tls')?.note).toMatch(/not verified/);
  });

  it('is verified with --kubelet-certificate-authority, mutual with a client certificate too', () => {
    const ca = { 'kubelet-certificate-authority': '/etc/kubernetes/pki/ca.crt' };
    expect(find(modelWith(ca), 'kube-apiserver', 'kubelet:w-1').tls).toBe('verified');
    const both = modelWith({
      ...ca,
      'kubelet-client-certificate': '/etc/kubernetes/pki/apiserver-kubelet-client.crt',
    });
    const f = find(both, 'kube-apiserver', 'kubelet:w-1');
    expect([f.tls, f.authn]).toEqual(['mutual', 'certificate']);
    expect(f.evidence.find((e) => e.attribute === 'tls')?.evidence[0]?.value).toBe(
      '--kubelet-certificate-authority=/etc/kubernetes/pki/ca.crt',
    );
  });

  it('is unknown, with the reason, when the API server settings are not visible', () => {
    const m = modelOf(inventoryOf([node('w-1')]));
    const f = find(m, 'kube-apiserver', 'kubelet:w-1');
    expect(f.tls).toBe('unknown');
    expect(f.evidence.find((e) => e.attribute === 'tls')?.note).toMatch(/not visible/);
  });

  it('is unknown on a managed control plane', () => {
    const m = modelOf(
      inventoryOf([node('w-1')], [fakeSettings('kube-apiserver', {}, { visibility: 'managed' })], 'eks'),
    );
    const f = find(m, 'kube-apiserver', 'kubelet:w-1');
    expect(f.tls).toBe('unknown');
    expect(f.evidence.find((e) => e.attribute === 'tls')?.note).toMatch(/provider/);
    const api = m.components.find((c) => c.id === 'kube-apiserver')!;
    expect(api.kind.type === 'control-plane' && api.kind.managed).toBe(true);
  });
});

describe('kube-apiserver → etcd and etcd peers', () => {
  it('is plaintext over http', () => {
    const f = find(modelWith({ 'etcd-servers': 'http://127.0.0.1:2379' }), 'kube-apiserver', 'etcd:cp-1');
    expect([f.protocol, f.tls, f.authn]).toEqual(['http', 'none', 'none']);
  });

  it('is mutual with a CA and a client certificate', () => {
    const f = find(
      modelWith({
        'etcd-servers': 'https://127.0.0.1:2379',
        'etcd-cafile': '/etc/kubernetes/pki/etcd/ca.crt',
        'etcd-certfile': '/etc/kubernetes/pki/apiserver-etcd-client.crt',
      }),
      'kube-apiserver',
      'etcd:w-1',
    );
    expect([f.tls, f.authn]).toEqual(['mutual', 'certificate']);
  });

  it('draws peer ↔ peer flows both ways, from the receiving member’s peer settings', () => {
    const etcd = (n: string, v: Record<string, string>): ComponentSettings =>
      fakeSettings('etcd', v, { node: n });
    const m = modelWith({}, [
      etcd('cp-1', { 'listen-peer-urls': 'https://10.0.0.1:2380', 'peer-client-cert-auth': 'true' }),
      etcd('w-1', { 'listen-peer-urls': 'http://10.0.0.2:2380', 'peer-client-cert-auth': 'false' }),
    ]);
    expect([find(m, 'etcd:w-1', 'etcd:cp-1').tls, find(m, 'etcd:w-1', 'etcd:cp-1').authn]).toEqual([
      'mutual',
      'certificate',
    ]);
    expect(find(m, 'etcd:cp-1', 'etcd:w-1').tls).toBe('none');
  });
});

describe('administrators → kube-apiserver', () => {
  it('records the authentication modes; anonymous is on by default and is the weakest', () => {
    const f = find(
      modelWith({ 'client-ca-file': '/etc/kubernetes/pki/ca.crt', 'oidc-issuer-url': 'https://idp' }),
      'external:administrators',
      'kube-apiserver',
    );
    expect(f.authnModes).toEqual(['client-certificates', 'oidc', 'anonymous']);
    expect(f.authn).toBe('anonymous');
  });

  it('is certificate when anonymous auth is off and client certificates are on', () => {
    const f = find(
      modelWith({ 'anonymous-auth': 'false', 'client-ca-file': '/etc/kubernetes/pki/ca.crt' }),
      'external:administrators',
      'kube-apiserver',
    );
    expect(f.authn).toBe('certificate');
    expect(f.port).toBe(6443);
  });

  it('uses --secure-port for every flow to the API server', () => {
    const m = modelWith({ 'secure-port': '8443' });
    expect(find(m, 'external:administrators', 'kube-apiserver').port).toBe(8443);
    expect(find(m, 'kubelet:w-1', 'kube-apiserver').port).toBe(8443);
  });
});

describe('kubelet listeners', () => {
  const kubelet = (ro: string | undefined): Model =>
    modelWith(
      {},
      ro === undefined ? [] : [fakeSettings('kubelet', { 'read-only-port': ro }, { node: 'w-1' })],
    );
  const readOnly = (m: Model) =>
    m.components.find((c) => c.id === 'kubelet:w-1')!.listens.find((l) => l.port === 10255);

  it('lists the read-only port when open', () => {
    expect(readOnly(kubelet('10255'))).toMatchObject({
      protocol: 'http',
      tls: 'none',
      authn: 'none',
      open: 'yes',
    });
  });
  it('omits it when set to 0', () => {
    expect(readOnly(kubelet('0'))).toBeUndefined();
  });
  it('marks it unknown when the kubelet settings are not visible', () => {
    expect(readOnly(kubelet(undefined))?.open).toBe('unknown');
  });
});

describe('kube-proxy → kube-apiserver', () => {
  it('reads the kubeconfig kube-proxy mounts from the kube-proxy ConfigMap (never the credential)', () => {
    const cm = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'kube-proxy', namespace: 'kube-system' },
      data: {
        'kubeconfig.conf': [
          'apiVersion: v1',
          'kind: Config',
          'clusters:',
          '- cluster:',
          '    certificate-authority: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt',
          '    server: https://10.0.0.10:6443',
          '  name: default',
          'users:',
          '- name: default',
          '  user:',
          '    tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token',
        ].join('\n'),
      },
    };
    const m = modelOf(
      inventoryOf(
        [node('w-1'), cm],
        [fakeSettings('kube-proxy', { kubeconfig: '/var/lib/kube-proxy/kubeconfig.conf' }, { node: 'w-1' })],
      ),
    );
    const f = find(m, 'kube-proxy:w-1', 'kube-apiserver');
    expect([f.tls, f.authn]).toEqual(['verified', 'token']);
    expect(f.evidence.flatMap((e) => e.evidence).some((e) => e.path === "data['kubeconfig.conf']")).toBe(
      true,
    );
  });
});

describe('webhooks named by flags and aggregated APIs', () => {
  it('adds authentication, authorization and audit webhook backends', () => {
    const m = modelWith({
      'authentication-token-webhook-config-file': '/etc/authn.yaml',
      'authorization-mode': 'Node,RBAC',
      'authorization-webhook-config-file': '/etc/authz.yaml',
      'audit-webhook-config-file': '/etc/audit.yaml',
    });
    const targets = m.flows.filter(
      (f) => f.from === 'kube-apiserver' && f.to.startsWith('external:webhook-backend:'),
    );
    // The authorization webhook is configured but not in --authorization-mode, so the API server never calls it.
    expect(targets.map((f) => f.purpose).sort()).toEqual(['audit webhook', 'token authentication webhook']);
  });

  it('authenticates to aggregated APIs with --proxy-client-cert-file', () => {
    const apiService = {
      apiVersion: 'apiregistration.k8s.io/v1',
      kind: 'APIService',
      metadata: { name: 'v1.example.com' },
      spec: { service: { namespace: 'ext', name: 'api' }, caBundle: 'Zm9v' },
    };
    const m = modelOf(
      inventoryOf(
        [node('cp-1'), staticPod('kube-apiserver', 'cp-1'), apiService],
        [
          fakeSettings('kube-apiserver', {
            'proxy-client-cert-file': '/etc/kubernetes/pki/front-proxy-client.crt',
          }),
        ],
      ),
    );
    const f = find(m, 'kube-apiserver', 'service:ext/api');
    expect([f.tls, f.authn]).toEqual(['verified', 'certificate']);
  });
});
