// readNodeFiles on kubeadm, minikube, RKE2 and k3s node folders: what is read, what is never kept, bad files.
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  readNodeFiles,
  STATIC_POD_NODE_ANNOTATION,
} from '../../../src/collect/node-files/read-node-files.js';
import { tempDir } from '../../helpers/temp-dir.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/node-files');
const dir = (name: string): string => path.join(fixtures, name);

/** Every key, certificate, token and password planted in the fixtures: none may survive reading. */
const PLANTED_SECRETS = [
  'RklYVFVSRS1FTkNSWVBUSU9OLUtFWS0wMDAwMDAwMA==',
  'RklYVFVSRS1BRE1JTi1LRVktREFUQQ==',
  'RklYVFVSRS1BRE1JTi1DRVJULURBVEE=',
  'RklYVFVSRS1DQS1EQVRB',
  'FIXTURE-SCHEDULER-BEARER-TOKEN-0001',
  'abcdef.fixturetoken0001',
  'FIXTURE-CERTIFICATE-KEY-0001',
  'FIXTURE-OIDC-SECRET-0001',
  'FIXTURE-PKI-PRIVATE-KEY-0001',
  'FIXTURE-KUBELET-FLAG-TOKEN-0001',
  'FIXTURE-RKE2-JOIN-TOKEN-0001',
  'FIXTURE-RKE2-S3-SECRET-0001',
  'RklYVFVSRS1SS0UyLUVOQy1TRUNSRVQtMDAwMQ==',
  'RklYVFVSRS1SS0UyLUFETUlOLUtFWQ==',
  'FIXTURE-K3S-TOKEN-0001',
  'FIXTURE-K3S-DB-PASSWORD',
  'FIXTURE-K3S-CLI-TOKEN-0001',
  'FIXTURE-K3S-SHORT-TOKEN-0001',
];

describe('readNodeFiles: kubeadm control-plane node', async () => {
  const { sets, diagnostics } = await readNodeFiles([dir('kubeadm-cp')]);
  const set = sets[0]!;

  it('names the node from kubelet.conf (system:node:NAME) rather than the folder', () => {
    expect(sets).toHaveLength(1);
    expect(set.node).toBe('lab-cp');
    expect(set.distribution).toBe('kubeadm');
  });

  it('reads static pods as kube-system Pods named like their mirror pods, marked with the node', () => {
    const names = set.staticPods.map((p) => p.object.metadata.name).sort();
    expect(names).toEqual(['etcd-lab-cp', 'kube-apiserver-lab-cp', 'kube-scheduler-lab-cp']);
    const api = set.staticPods.find((p) => p.object.metadata.name === 'kube-apiserver-lab-cp')!;
    expect(api.object.metadata.namespace).toBe('kube-system');
    expect(api.object.metadata.annotations?.[STATIC_POD_NODE_ANNOTATION]).toBe('lab-cp');
    expect(api.source).toEqual({
      file: path.join(dir('kubeadm-cp'), 'etc/kubernetes/manifests/kube-apiserver.yaml'),
      line: 1,
    });
  });

  it('reports the malformed manifest with file:line:column and still reads the others', () => {
    const d = diagnostics.find((x) => x.where.includes('broken.yaml'));
    expect(d?.severity).toBe('error');
    expect(d?.where).toMatch(/broken\.yaml:\d+:\d+$/);
    expect(set.staticPods).toHaveLength(3);
  });

  it('expands the kubeadm drop-in: $KUBELET_* variables from Environment= and EnvironmentFile=', () => {
    expect(set.kubeletArgs?.path).toBe('/etc/systemd/system/kubelet.service.d/10-kubeadm.conf');
    const args = set.kubeletArgs?.args ?? [];
    expect(args).toContain('--config=/var/lib/kubelet/config.yaml');
    expect(args).toContain('--kubeconfig=/etc/kubernetes/kubelet.conf');
    expect(args).toContain('--container-runtime-endpoint=unix:///var/run/containerd/containerd.sock');
    expect(args).toContain('--protect-kernel-defaults=true');
    expect(args.slice(-2)).toEqual(['--read-only-port', '10255']);
    expect(args).toContain('--token=<redacted>');
  });

  it('reads the kubelet configuration file', () => {
    expect(set.kubeletConfig?.path).toBe('/var/lib/kubelet/config.yaml');
    expect(set.kubeletConfig?.config['staticPodPath']).toBe('/etc/kubernetes/manifests');
  });

  it('summarises kubeconfigs: server, user, credential kind, never the credential', () => {
    const byPath = Object.fromEntries(set.kubeconfigs.map((k) => [k.path, k]));
    expect(byPath['/etc/kubernetes/admin.conf']).toEqual({
      path: '/etc/kubernetes/admin.conf',
      server: 'https://10.0.0.10:6443',
      user: 'kubernetes-admin',
      credential: 'client-certificate',
      insecureSkipTLSVerify: false,
      hasCertificateAuthority: true,
    });
    expect(byPath['/etc/kubernetes/scheduler.conf']).toMatchObject({
      credential: 'token',
      insecureSkipTLSVerify: true,
      hasCertificateAuthority: false,
    });
    expect(byPath['/etc/kubernetes/kubelet.conf']?.user).toBe('system:node:lab-cp');
  });

  it('reads the encryption configuration the apiserver flag names, outside /etc/kubernetes: provider names only', () => {
    expect(set.encryptionConfigs).toEqual([
      {
        path: '/srv/k8s/enc.yaml',
        resources: [{ resources: ['secrets', 'configmaps'], providers: ['kms:v2', 'aescbc', 'identity'] }],
      },
    ]);
  });

  it('summarises the audit policy', () => {
    expect(set.auditPolicies).toHaveLength(1);
    const p = set.auditPolicies[0]!;
    expect(p.path).toBe('/etc/kubernetes/audit/policy.yaml');
    expect(p.omitStages).toEqual(['RequestReceived']);
    expect(p.rules.map((r) => r.level)).toEqual(['Metadata', 'None', 'Request']);
    expect(p.rules[0]?.resources).toEqual([{ group: '', resources: ['secrets', 'configmaps'] }]);
  });

  it('keeps the kubeadm ClusterConfiguration without credentials, and not the InitConfiguration', () => {
    expect(set.kubeadmConfig?.config['kind']).toBe('ClusterConfiguration');
    expect(set.kubeadmConfig?.config['clusterName']).toBe('lab');
  });

  it('never keeps key material, tokens or embedded certificate data, nor repeats them in diagnostics', () => {
    const everything = JSON.stringify({ sets, diagnostics });
    for (const secret of PLANTED_SECRETS.slice(0, 10)) expect(everything, secret).not.toContain(secret);
  });
});

describe('readNodeFiles: minikube', async () => {
  const { sets } = await readNodeFiles([dir('minikube')]);
  const set = sets[0]!;
  it('recognises the layout, names the node from --hostname-override and reads the full ExecStart', () => {
    expect(set.distribution).toBe('minikube');
    expect(set.node).toBe('minikube');
    expect(set.kubeletArgs?.args).toContain('--node-ip=192.168.49.2');
    expect(set.kubeletConfig).toBeUndefined();
    expect(set.staticPods.map((p) => p.object.metadata.name)).toEqual(['kube-apiserver-minikube']);
  });
});

describe('readNodeFiles: RKE2 server', async () => {
  const { sets, diagnostics } = await readNodeFiles([dir('rke2-server')]);
  const set = sets[0]!;
  it('reads pod-manifests, config.yaml (node-name, component args) and the encryption config JSON', () => {
    expect(set.distribution).toBe('rke2');
    expect(set.node).toBe('rke2-a');
    expect(set.staticPods.map((p) => p.object.metadata.name).sort()).toEqual([
      'etcd-rke2-a',
      'kube-apiserver-rke2-a',
    ]);
    expect(set.rancherConfig?.componentArgs['kubelet']).toEqual([
      '--protect-kernel-defaults=true',
      '--streaming-connection-idle-timeout=5m',
    ]);
    expect(set.rancherConfig?.options['profile']).toBe('cis');
    expect(set.kubeletArgs?.path).toBe('/etc/rancher/rke2/config.yaml');
    expect(set.encryptionConfigs.map((e) => e.path)).toEqual([
      '/var/lib/rancher/rke2/server/cred/encryption-config.json',
    ]);
    expect(set.encryptionConfigs[0]?.resources[0]?.providers).toEqual(['aescbc', 'identity']);
    expect(set.kubeconfigs.map((k) => [k.path, k.credential])).toEqual([
      ['/etc/rancher/rke2/rke2.yaml', 'client-certificate'],
    ]);
    expect(set.etcdConfigs?.map((e) => e.path)).toEqual(['/var/lib/rancher/rke2/server/db/etcd/config']);
  });
  it('drops the join token and S3 secret', () => {
    const everything = JSON.stringify({ sets, diagnostics });
    for (const secret of PLANTED_SECRETS) expect(everything, secret).not.toContain(secret);
    expect(set.rancherConfig?.options).not.toHaveProperty('token');
  });
});

describe('readNodeFiles: k3s server', async () => {
  const { sets, diagnostics } = await readNodeFiles([dir('k3s-server')]);
  const set = sets[0]!;
  it('merges config.yaml, config.yaml.d (`+` appends) and the unit command line (flags win)', () => {
    expect(set.distribution).toBe('k3s');
    expect(set.node).toBe('k3s-a');
    expect(set.rancherConfig?.componentArgs['kube-apiserver']).toEqual([
      '--anonymous-auth=true',
      '--audit-log-path=/var/log/k3s-audit.log',
      '--profiling=true',
    ]);
    expect(set.rancherConfig?.componentArgs['kube-scheduler']).toEqual(['--bind-address=0.0.0.0']);
    expect(set.rancherConfig?.options['disable']).toBe('traefik,servicelb');
    expect(set.rancherConfig?.options['cluster-init']).toBe('true');
    expect(set.rancherConfig?.paths).toEqual([
      '/etc/rancher/k3s/config.yaml',
      '/etc/rancher/k3s/config.yaml.d/10-extra.yaml',
      '/etc/systemd/system/k3s.service',
    ]);
  });
  it('keeps no token, database password or shorthand (-t) value', () => {
    const everything = JSON.stringify({ sets, diagnostics });
    for (const secret of PLANTED_SECRETS) expect(everything, secret).not.toContain(secret);
  });
});

describe('readNodeFiles: several nodes and bad input', () => {
  it('reads several folders in order and reports a missing one without failing', async () => {
    const { sets, diagnostics } = await readNodeFiles([
      dir('minikube'),
      dir('does-not-exist'),
      dir('k3s-server'),
    ]);
    expect(sets.map((s) => s.node)).toEqual(['minikube', 'k3s-a']);
    expect(diagnostics.some((d) => d.where.endsWith('does-not-exist') && d.severity === 'error')).toBe(true);
  });

  it('names the node after the folder when no file states it, skips binary files, never follows links out', async () => {
    const root = await tempDir('ktm-node-');
    const node = path.join(root, 'worker-7');
    await mkdir(path.join(node, 'etc/kubernetes/manifests'), { recursive: true });
    await writeFile(path.join(node, 'etc/kubernetes/manifests/junk.yaml'), Buffer.from([0, 1, 2, 255, 0]));
    await writeFile(
      path.join(root, 'outside.conf'),
      'apiVersion: v1\nkind: Config\nusers: [{name: outsider, user: {token: FIXTURE-OUTSIDE-TOKEN}}]\n',
    );
    await symlink(path.join(root, 'outside.conf'), path.join(node, 'etc/kubernetes/admin.conf'));
    const { sets, diagnostics } = await readNodeFiles([node]);
    expect(sets[0]?.node).toBe('worker-7');
    expect(sets[0]?.staticPods).toEqual([]);
    expect(sets[0]?.kubeconfigs).toEqual([]);
    expect(diagnostics.some((d) => d.where.endsWith('junk.yaml:1:1'))).toBe(true);
    expect(diagnostics.some((d) => d.message.includes('outside the node folder'))).toBe(true);
  });

  it('does not repeat the offending line of a malformed file holding a key', async () => {
    const root = await tempDir('ktm-node-');
    await mkdir(path.join(root, 'etc/kubernetes'), { recursive: true });
    await writeFile(
      path.join(root, 'etc/kubernetes/admin.conf'),
      'apiVersion: v1\nkind: Config\nusers:\n- name: a\n  user:\n    client-key-data: FIXTURE-BROKEN-KEY: [\n',
    );
    const { sets, diagnostics } = await readNodeFiles([root]);
    expect(diagnostics.some((d) => /admin\.conf:\d+:\d+$/.test(d.where))).toBe(true);
    expect(JSON.stringify({ sets, diagnostics })).not.toContain('FIXTURE-BROKEN-KEY');
  });

  it('warns when a flag names a file that was not copied', async () => {
    const root = await tempDir('ktm-node-');
    await mkdir(path.join(root, 'etc/kubernetes/manifests'), { recursive: true });
    await writeFile(
      path.join(root, 'etc/kubernetes/manifests/kube-apiserver.yaml'),
      'apiVersion: v1\nkind: Pod\nmetadata: {name: kube-apiserver}\nspec:\n  containers:\n  - name: kube-apiserver\n    command: [kube-apiserver, --encryption-provider-config=/etc/kubernetes/enc/missing.yaml]\n',
    );
    const { diagnostics } = await readNodeFiles([root]);
    expect(
      diagnostics.some((d) => d.severity === 'warning' && d.message.includes('--encryption-provider-config')),
    ).toBe(true);
  });
});
