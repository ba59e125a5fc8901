// Control-plane and node-agent components and the flows between them, with TLS and authentication from settings.
import { byCodeUnit } from './order.js';
import { parse, YAMLError } from 'yaml';
import type { Inventory } from '../collect/inventory.js';
import type { ComponentName, ComponentSettings } from '../collect/settings/types.js';
import type { Evidence, Ref } from '../types.js';
import { ev, type ModelBuilder } from './builder.js';
import type { NodeRecord } from './nodes.js';
import { controlPlaneProcessOfPod } from './roles.js';
import { isTruthySetting, lookupSetting, settingsFor, type SettingLookup } from './settings-lookup.js';
import type { AuthnState, ControlPlaneProcess, Endpoint, TlsState } from './types.js';

export const APISERVER = 'kube-apiserver';
export const ADMINS = 'external:administrators';
export const INTERNET = 'external:internet';

/** The Internet, added once when something is exposed to it. */
export function addInternet(b: ModelBuilder): void {
  b.addComponent({
    id: INTERNET,
    name: 'Internet',
    kind: { type: 'external', actor: 'internet' },
    zone: 'internet',
    nodes: [],
    refs: [],
    listens: [],
  });
}

interface Instance {
  readonly node?: string;
  readonly ref: Ref;
}

/** Control-plane instances seen as (mirror or static) pods in kube-system, or as settings. */
export function controlPlaneInstances(inv: Inventory): Map<ControlPlaneProcess, Instance[]> {
  const out = new Map<ControlPlaneProcess, Instance[]>();
  const push = (p: ControlPlaneProcess, i: Instance): void => {
    const list = out.get(p) ?? [];
    if (!list.some((x) => x.node === i.node && x.ref.name === i.ref.name)) list.push(i);
    out.set(p, list);
  };
  for (const pod of inv.ofKind('Pod')) {
    const m = pod.object.metadata;
    const proc = controlPlaneProcessOfPod(m.labels ?? {}, m.name, m.namespace ?? '');
    if (proc === undefined) continue;
    const node = pod.object.spec?.nodeName;
    push(proc as ControlPlaneProcess, {
      ...(node ? { node } : {}),
      ref: { kind: 'Pod', namespace: m.namespace ?? 'kube-system', name: m.name },
    });
  }
  for (const s of inv.settings) {
    if (s.component === 'kubelet' || s.component === 'kube-proxy') continue;
    if (s.visibility === 'managed') continue;
    const list = out.get(s.component) ?? [];
    if (s.node !== undefined && list.some((x) => x.node === s.node)) continue;
    push(s.component, { ...(s.node ? { node: s.node } : {}), ref: s.ref });
  }
  return out;
}

function isManaged(inv: Inventory, component: ComponentName): boolean {
  return inv.settingsOf(component).some((s) => s.visibility === 'managed');
}

function sortedNodes(list: readonly Instance[]): string[] {
  return [...new Set(list.flatMap((i) => (i.node === undefined ? [] : [i.node])))].sort();
}

function port(l: SettingLookup, fallback: number): number {
  const n = l.known && l.value !== undefined ? Number.parseInt(l.value, 10) : Number.NaN;
  return Number.isFinite(n) ? n : fallback;
}

function urlList(l: SettingLookup): URL[] {
  if (!l.known || l.value === undefined) return [];
  return l.value
    .split(',')
    .map((u) => u.trim())
    .filter((u) => u !== '')
    .flatMap((u) => {
      try {
        return [new URL(u)];
      } catch (err) {
        if (err instanceof TypeError) return []; // not a URL: not an endpoint
        throw err;
      }
    });
}

/** What a kubeconfig on a node says about how its user reaches the API server. */
function kubeconfigClient(
  inv: Inventory,
  node: string | undefined,
  kubeconfig: SettingLookup,
): { tls: TlsState; authn: AuthnState; evidence: Evidence[]; note: string } {
  if (!kubeconfig.known || kubeconfig.value === undefined) {
    const note = kubeconfig.known
      ? `${kubeconfig.note}: no kubeconfig named, credentials unknown`
      : kubeconfig.note;
    return { tls: 'unknown', authn: 'unknown', evidence: [...kubeconfig.evidence], note };
  }
  const path = kubeconfig.value;
  const sets = inv.nodeFiles.filter((s) => node === undefined || s.node === node);
  for (const set of sets) {
    const kc = set.kubeconfigs.find((k) => k.path === path);
    if (kc === undefined) continue;
    const evidence: Evidence[] = [
      ...kubeconfig.evidence,
      {
        ref: { kind: 'NodeFile', name: `${set.node}:${kc.path}` },
        source: { file: `${set.root}${kc.path}` },
      },
    ];
    const authn: AuthnState =
      kc.credential === 'client-certificate'
        ? 'certificate'
        : kc.credential === 'none'
          ? 'anonymous'
          : 'token';
    const plain = kc.server?.startsWith('http://') === true;
    const tls: TlsState = plain
      ? 'none'
      : kc.insecureSkipTLSVerify
        ? 'unverified'
        : kc.hasCertificateAuthority
          ? authn === 'certificate'
            ? 'mutual'
            : 'verified'
          : 'unknown';
    return {
      tls,
      authn,
      evidence,
      note: `kubeconfig ${kc.path}: credential ${kc.credential}${kc.insecureSkipTLSVerify ? ', insecure-skip-tls-verify' : ''}${kc.hasCertificateAuthority ? ', CA set' : ', no CA'}`,
    };
  }
  const fromConfigMap = kubeconfigFromConfigMap(inv, path);
  if (fromConfigMap !== undefined)
    return { ...fromConfigMap, evidence: [...kubeconfig.evidence, ...fromConfigMap.evidence] };
  return {
    tls: 'unknown',
    authn: 'unknown',
    evidence: [...kubeconfig.evidence],
    note: `${kubeconfig.note}; the kubeconfig file itself was not read (give --node-files)`,
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * kube-proxy's kubeconfig usually comes from the kube-system/kube-proxy ConfigMap (kubeadm mounts it at
 * /var/lib/kube-proxy/kubeconfig.conf). Only the structure is read: token file or client certificate, CA,
 * insecure-skip-tls-verify, server scheme; never a credential.
 */
function kubeconfigFromConfigMap(
  inv: Inventory,
  path: string,
): { tls: TlsState; authn: AuthnState; evidence: Evidence[]; note: string } | undefined {
  const file = path.split('/').at(-1) ?? '';
  const cm = inv.get('ConfigMap', 'kube-system', 'kube-proxy');
  const text = cm?.object.data?.[file];
  if (cm === undefined || text === undefined) return undefined;
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    if (err instanceof YAMLError) return undefined; // an unreadable kube-proxy config: its settings stay unknown
    throw err;
  }
  if (!isRecord(doc)) return undefined;
  const first = (key: string, inner: string): Record<string, unknown> => {
    const list = doc[key];
    const item: unknown = Array.isArray(list) ? list[0] : undefined;
    const v = isRecord(item) ? item[inner] : undefined;
    return isRecord(v) ? v : {};
  };
  const cluster = first('clusters', 'cluster');
  const user = first('users', 'user');
  const authn: AuthnState =
    user['client-certificate'] !== undefined || user['client-certificate-data'] !== undefined
      ? 'certificate'
      : user.tokenFile !== undefined || user.token !== undefined || user.exec !== undefined
        ? 'token'
        : 'anonymous';
  const server = typeof cluster.server === 'string' ? cluster.server : '';
  const hasCa =
    cluster['certificate-authority'] !== undefined || cluster['certificate-authority-data'] !== undefined;
  const tls: TlsState = server.startsWith('http://')
    ? 'none'
    : cluster['insecure-skip-tls-verify'] === true
      ? 'unverified'
      : hasCa
        ? authn === 'certificate'
          ? 'mutual'
          : 'verified'
        : 'unknown';
  return {
    tls,
    authn,
    evidence: [
      {
        ref: { kind: 'ConfigMap', namespace: 'kube-system', name: 'kube-proxy' },
        path: `data['${file}']`,
        source: cm.source,
      },
    ],
    note: `kubeconfig from ConfigMap kube-system/kube-proxy: ${authn === 'token' ? 'service account token' : authn}, ${hasCa ? 'CA set' : 'no CA'}`,
  };
}

/** The authentication modes kube-apiserver accepts, from its flags. */
function apiserverAuthn(s: ComponentSettings | undefined): {
  authn: AuthnState;
  modes: string[];
  evidence: Evidence[];
  note: string;
} {
  const get = (n: string): SettingLookup => lookupSetting(s, 'kube-apiserver', n);
  const anonymous = get('anonymous-auth');
  if (!anonymous.known)
    return { authn: 'unknown', modes: [], evidence: [...anonymous.evidence], note: anonymous.note };
  const checks: [string, string][] = [
    ['client-ca-file', 'client-certificates'],
    ['token-auth-file', 'static-tokens'],
    ['basic-auth-file', 'basic-auth'],
    ['oidc-issuer-url', 'oidc'],
    ['authentication-token-webhook-config-file', 'webhook'],
    ['service-account-key-file', 'service-account-tokens'],
    ['authentication-config', 'structured-authentication'],
  ];
  const modes: string[] = [];
  const evidence: Evidence[] = [];
  for (const [flag, mode] of checks) {
    const l = get(flag);
    if (isTruthySetting(l)) {
      modes.push(mode);
      evidence.push(...l.evidence);
    }
  }
  // --anonymous-auth defaults to true: https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-requests
  const anon = anonymous.value !== 'false';
  if (anon) modes.push('anonymous');
  evidence.push(...anonymous.evidence);
  const authn: AuthnState = anon
    ? 'anonymous'
    : modes.includes('client-certificates')
      ? 'certificate'
      : modes.length > 0
        ? 'token'
        : 'unknown';
  return {
    authn,
    modes,
    evidence,
    note: `accepts ${modes.join(', ') || 'no recognised mode'}; the weakest accepted is recorded`,
  };
}

export function addControlPlane(b: ModelBuilder, inv: Inventory, nodes: readonly NodeRecord[]): void {
  const instances = controlPlaneInstances(inv);
  const managed = inv.cluster.provider !== undefined;
  const apiS = settingsFor(inv, 'kube-apiserver');
  const api = (n: string): SettingLookup => lookupSetting(apiS, 'kube-apiserver', n);

  // kube-apiserver: always present, even when it is run by the provider and not visible.
  const apiInst = instances.get('kube-apiserver') ?? [];
  const securePort = api('secure-port');
  const apiPort = port(securePort, 6443);
  const authn = apiserverAuthn(apiS);
  const clientCa = api('client-ca-file');
  const apiListens: Endpoint[] = [
    {
      port: apiPort,
      protocol: 'https',
      tls: isTruthySetting(clientCa) ? 'mutual' : clientCa.known ? 'verified' : 'unknown',
      authn: authn.authn,
      bindAddress: api('bind-address').value ?? '0.0.0.0',
      open: 'yes',
      purpose: 'Kubernetes API',
      evidence: [
        ev(
          'port',
          securePort.evidence,
          securePort.known ? securePort.note : `default 6443; ${securePort.note}`,
        ),
        ev('authn', authn.evidence, authn.note),
        ev('tls', clientCa.evidence, clientCa.note),
      ],
    },
  ];
  // The insecure port (8080) was removed in 1.24; older control planes may still open it.
  const insecure = api('insecure-port');
  if (insecure.known && insecure.value !== undefined && insecure.value !== '0') {
    apiListens.push({
      port: port(insecure, 8080),
      protocol: 'http',
      tls: 'none',
      authn: 'none',
      bindAddress: api('insecure-bind-address').value ?? '127.0.0.1',
      open: 'yes',
      purpose: 'insecure Kubernetes API (no authentication, no authorization)',
      evidence: [ev('open', insecure.evidence, insecure.note)],
    });
  }
  b.addComponent({
    id: APISERVER,
    name: 'kube-apiserver',
    kind: {
      type: 'control-plane',
      process: 'kube-apiserver',
      managed: managed || isManaged(inv, 'kube-apiserver'),
      observed: apiInst.length > 0,
    },
    zone: 'api-server',
    nodes: sortedNodes(apiInst),
    refs: apiInst.map((i) => i.ref),
    listens: apiListens,
  });
  if (apiInst.length === 0)
    b.note(
      managed
        ? `kube-apiserver is run by the provider (${inv.cluster.provider ?? ''}): its settings are not visible`
        : 'kube-apiserver not seen in the input: its settings are unknown',
    );

  // Scheduler and controller managers: one logical component each.
  const masters: [ControlPlaneProcess, number, string][] = [
    ['kube-scheduler', 10259, 'scheduling: watches pods, binds them to nodes'],
    ['kube-controller-manager', 10257, 'controllers: reconcile cluster state'],
    ['cloud-controller-manager', 10258, 'cloud controllers: nodes, routes, load balancers'],
  ];
  for (const [proc, defPort, purpose] of masters) {
    const inst = instances.get(proc) ?? [];
    const isCcm = proc === 'cloud-controller-manager';
    if (isCcm && inst.length === 0) continue;
    const s = settingsFor(inv, proc);
    const sp = lookupSetting(s, proc, 'secure-port');
    b.addComponent({
      id: proc,
      name: proc,
      kind: {
        type: 'control-plane',
        process: proc,
        managed: managed || isManaged(inv, proc),
        observed: inst.length > 0,
      },
      zone: 'master-components',
      nodes: sortedNodes(inst),
      refs: inst.map((i) => i.ref),
      listens: [
        {
          port: port(sp, defPort),
          protocol: 'https',
          tls: 'verified',
          authn: 'token',
          open: 'yes',
          purpose: 'health and metrics (authenticated through the API server)',
          evidence: [ev('port', sp.evidence, sp.known ? sp.note : `default ${defPort}; ${sp.note}`)],
        },
      ],
    });
    const kc = lookupSetting(s, proc, 'kubeconfig');
    const client = kubeconfigClient(inv, inst[0]?.node, kc);
    b.addFlow({
      from: proc,
      to: APISERVER,
      protocol: 'https',
      port: apiPort,
      tls: client.tls,
      authn: client.authn,
      purpose,
      evidence: [
        ev(
          'flow',
          inst.map((i) => ({ ref: i.ref })),
        ),
        ev('tls', client.evidence, client.note),
        ev('authn', client.evidence, client.note),
      ],
    });
  }

  // etcd members.
  const etcdInst = instances.get('etcd') ?? [];
  const etcdIds: { id: string; node?: string; s: ComponentSettings | undefined }[] = [];
  if (etcdInst.length === 0) {
    etcdIds.push({ id: 'etcd', s: undefined });
    b.note(
      managed
        ? 'etcd is run by the provider: not visible'
        : 'etcd not seen in the input (external or managed): its settings are unknown',
    );
  } else {
    for (const i of [...etcdInst].sort((a, c) => byCodeUnit(a.node ?? '', c.node ?? ''))) {
      etcdIds.push({
        id: i.node === undefined ? `etcd:${i.ref.name}` : `etcd:${i.node}`,
        ...(i.node ? { node: i.node } : {}),
        s: settingsFor(inv, 'etcd', i.node),
      });
    }
  }
  for (const e of etcdIds) {
    const get = (n: string): SettingLookup => lookupSetting(e.s, 'etcd', n);
    const listen = get('listen-client-urls');
    const urls = urlList(listen);
    const cca = get('client-cert-auth');
    const plain = urls.some((u) => u.protocol === 'http:');
    const listens: Endpoint[] = [
      {
        port: urls[0] ? Number(urls[0].port || 2379) : 2379,
        protocol: plain ? 'http' : urls.length > 0 ? 'https' : 'unknown',
        tls: urls.length === 0 ? 'unknown' : plain ? 'none' : cca.value === 'true' ? 'mutual' : 'verified',
        // etcd's --client-cert-auth defaults to false: https://etcd.io/docs/v3.5/op-guide/security/
        authn: !cca.known ? 'unknown' : cca.value === 'true' ? 'certificate' : 'none',
        ...(urls[0] ? { bindAddress: urls.map((u) => u.hostname).join(',') } : {}),
        open: 'yes',
        purpose: 'etcd client API (the whole cluster state)',
        evidence: [ev('tls', listen.evidence, listen.note), ev('authn', cca.evidence, cca.note)],
      },
    ];
    const peer = get('listen-peer-urls');
    const peerUrls = urlList(peer);
    const pcca = get('peer-client-cert-auth');
    listens.push({
      port: peerUrls[0] ? Number(peerUrls[0].port || 2380) : 2380,
      protocol: peerUrls.some((u) => u.protocol === 'http:')
        ? 'http'
        : peerUrls.length > 0
          ? 'https'
          : 'unknown',
      tls:
        peerUrls.length === 0
          ? 'unknown'
          : peerUrls.some((u) => u.protocol === 'http:')
            ? 'none'
            : pcca.value === 'true'
              ? 'mutual'
              : 'verified',
      authn: !pcca.known ? 'unknown' : pcca.value === 'true' ? 'certificate' : 'none',
      open: 'yes',
      purpose: 'etcd peer replication',
      evidence: [ev('tls', peer.evidence, peer.note), ev('authn', pcca.evidence, pcca.note)],
    });
    const inst = etcdInst.filter((i) =>
      e.node === undefined ? `etcd:${i.ref.name}` === e.id : i.node === e.node,
    );
    b.addComponent({
      id: e.id,
      name: e.node === undefined ? e.id : `etcd (${e.node})`,
      kind: {
        type: 'control-plane',
        process: 'etcd',
        managed: managed || isManaged(inv, 'etcd'),
        observed: inst.length > 0,
      },
      zone: 'master-data',
      nodes: e.node === undefined ? [] : [e.node],
      refs: inst.map((i) => i.ref),
      listens,
    });
  }

  // kube-apiserver → etcd: scheme from --etcd-servers, verification from --etcd-cafile, client certificate from --etcd-certfile.
  const etcdServers = api('etcd-servers');
  const servers = urlList(etcdServers);
  const cafile = api('etcd-cafile');
  const certfile = api('etcd-certfile');
  const etcdPlain = servers.length > 0 && servers.every((u) => u.protocol === 'http:');
  const etcdTls: TlsState = !etcdServers.known
    ? 'unknown'
    : etcdPlain
      ? 'none'
      : isTruthySetting(cafile)
        ? isTruthySetting(certfile)
          ? 'mutual'
          : 'verified'
        : cafile.known
          ? 'unverified'
          : 'unknown';
  const etcdAuthn: AuthnState = !certfile.known
    ? 'unknown'
    : isTruthySetting(certfile) && !etcdPlain
      ? 'certificate'
      : 'none';
  for (const e of etcdIds) {
    b.addFlow({
      from: APISERVER,
      to: e.id,
      protocol: etcdPlain ? 'http' : 'https',
      port: servers[0] ? Number(servers[0].port || 2379) : 2379,
      tls: etcdTls,
      authn: etcdAuthn,
      purpose: 'store and watch cluster state',
      evidence: [
        ev('flow', etcdServers.evidence, etcdServers.note),
        ev('tls', [...etcdServers.evidence, ...cafile.evidence], cafile.note),
        ev('authn', certfile.evidence, certfile.note),
      ],
    });
  }
  // etcd peer ↔ peer: the receiving member's peer listener and client-cert requirement decide.
  for (const a of etcdIds) {
    for (const c of etcdIds) {
      if (a.id === c.id) continue;
      const target = b.components.get(c.id)?.listens.find((l) => l.purpose === 'etcd peer replication');
      const autoTls = lookupSetting(a.s, 'etcd', 'peer-auto-tls');
      const tls: TlsState =
        target === undefined
          ? 'unknown'
          : autoTls.value === 'true' && target.tls !== 'none'
            ? 'unverified'
            : target.tls;
      b.addFlow({
        from: a.id,
        to: c.id,
        protocol: target?.protocol ?? 'https',
        port: target?.port ?? 2380,
        tls,
        authn: target?.authn ?? 'unknown',
        purpose: 'etcd peer replication (raft)',
        evidence: [
          ev(
            'tls',
            [...(target?.evidence.flatMap((x) => x.evidence) ?? []), ...autoTls.evidence],
            autoTls.note,
          ),
          ev('authn', target?.evidence.flatMap((x) => x.evidence) ?? []),
        ],
      });
    }
  }

  // Administrators using kubectl.
  b.addComponent({
    id: ADMINS,
    name: 'administrators (kubectl)',
    kind: { type: 'external', actor: 'administrators' },
    zone: 'internet',
    nodes: [],
    refs: [],
    listens: [],
  });
  const adminKc = inv.nodeFiles.flatMap((s) =>
    s.kubeconfigs.filter((k) => /admin\.conf$|super-admin\.conf$/.test(k.path)).map((k) => ({ s, k })),
  )[0];
  const adminTls: TlsState =
    adminKc === undefined
      ? 'unknown'
      : adminKc.k.insecureSkipTLSVerify
        ? 'unverified'
        : adminKc.k.hasCertificateAuthority
          ? adminKc.k.credential === 'client-certificate'
            ? 'mutual'
            : 'verified'
          : 'unknown';
  b.addFlow({
    from: ADMINS,
    to: APISERVER,
    protocol: 'https',
    port: apiPort,
    tls: adminTls,
    authn: authn.authn,
    authnModes: authn.modes,
    purpose: 'administration with kubectl',
    evidence: [
      ev(
        'tls',
        adminKc === undefined
          ? []
          : [
              {
                ref: { kind: 'NodeFile', name: `${adminKc.s.node}:${adminKc.k.path}` },
                source: { file: `${adminKc.s.root}${adminKc.k.path}` },
              },
            ],
        adminKc === undefined
          ? 'no administrator kubeconfig read (give --node-files): how kubectl verifies the server is unknown'
          : `admin kubeconfig ${adminKc.k.path}`,
      ),
      ev('authn', authn.evidence, authn.note),
    ],
  });

  addWebhookBackendsFromFlags(b, api);
  addNodeAgents(b, inv, nodes, apiPort, api);
}

/** Authentication, authorization and audit webhooks named by kube-apiserver flags. */
function addWebhookBackendsFromFlags(b: ModelBuilder, api: (n: string) => SettingLookup): void {
  const flags: [string, string][] = [
    ['authentication-token-webhook-config-file', 'token authentication webhook'],
    ['authorization-webhook-config-file', 'authorization webhook'],
    ['audit-webhook-config-file', 'audit webhook'],
  ];
  const mode = api('authorization-mode');
  for (const [flag, purpose] of flags) {
    const l = api(flag);
    if (!isTruthySetting(l)) continue;
    if (
      flag === 'authorization-webhook-config-file' &&
      mode.known &&
      !(mode.value ?? '').split(',').includes('Webhook')
    )
      continue;
    const id = `external:webhook-backend:${flag}`;
    b.addComponent({
      id,
      name: purpose,
      kind: { type: 'external', actor: 'webhook-backend', address: l.value ?? '' },
      zone: 'internet',
      nodes: [],
      refs: [],
      listens: [],
    });
    b.addFlow({
      from: APISERVER,
      to: id,
      protocol: 'https',
      tls: 'unknown',
      authn: 'unknown',
      purpose,
      evidence: [
        ev('flow', l.evidence, l.note),
        ev('tls', l.evidence, 'the webhook kubeconfig is not read: TLS and credentials unknown'),
      ],
    });
  }
}

function addNodeAgents(
  b: ModelBuilder,
  inv: Inventory,
  nodes: readonly NodeRecord[],
  apiPort: number,
  api: (n: string) => SettingLookup,
): void {
  // kube-apiserver → kubelet: verified only with --kubelet-certificate-authority (TOB-K8S-034, "HTTPS connections are not authenticated").
  const kca = api('kubelet-certificate-authority');
  const kcc = api('kubelet-client-certificate');
  const toKubeletTls: TlsState = !kca.known
    ? 'unknown'
    : isTruthySetting(kca)
      ? isTruthySetting(kcc)
        ? 'mutual'
        : 'verified'
      : 'unverified';
  const toKubeletAuthn: AuthnState = !kcc.known ? 'unknown' : isTruthySetting(kcc) ? 'certificate' : 'none';
  const hasProxy =
    inv.ofKind('DaemonSet').some((d) => d.object.metadata.name === 'kube-proxy') ||
    inv.settingsOf('kube-proxy').length > 0;
  for (const n of nodes) {
    const ks = settingsFor(inv, 'kubelet', n.name);
    const k = (name: string): SettingLookup => lookupSetting(ks, 'kubelet', name);
    const kport = k('port');
    const anon = k('anonymous-auth');
    const clientCa = k('client-ca-file');
    const ro = k('read-only-port');
    const listens: Endpoint[] = [
      {
        port: port(kport, 10250),
        protocol: 'https',
        tls: !clientCa.known ? 'unknown' : isTruthySetting(clientCa) ? 'mutual' : 'verified',
        authn: !anon.known ? 'unknown' : anon.value === 'true' ? 'anonymous' : 'certificate',
        open: 'yes',
        purpose: 'kubelet API: exec, attach, port-forward, logs',
        evidence: [ev('authn', anon.evidence, anon.note), ev('tls', clientCa.evidence, clientCa.note)],
      },
    ];
    // The read-only port (10255: pods, spec, stats, no authentication) defaults to 0 in the config file, 10255 as a flag (TOB-K8S-TM14).
    if (!ro.known || (ro.value !== undefined && ro.value !== '0')) {
      listens.push({
        port: port(ro, 10255),
        protocol: 'http',
        tls: 'none',
        authn: 'none',
        open: ro.known ? 'yes' : 'unknown',
        purpose: 'kubelet read-only API (pods, spec, stats)',
        evidence: [ev('open', ro.evidence, ro.note)],
      });
    }
    listens.push({
      port: 10248,
      protocol: 'http',
      tls: 'none',
      authn: 'none',
      bindAddress: k('healthz-bind-address').value ?? '127.0.0.1',
      open: 'yes',
      purpose: 'kubelet health',
      evidence: [],
    });
    const kubeletId = `kubelet:${n.name}`;
    b.addComponent({
      id: kubeletId,
      name: `kubelet (${n.name})`,
      kind: { type: 'node-agent', agent: 'kubelet' },
      zone: `node:${n.name}`,
      nodes: [n.name],
      refs: [n.ref, ...(ks ? [ks.ref] : [])],
      listens,
    });

    const rtEndpoint = k('container-runtime-endpoint');
    const socket =
      rtEndpoint.known && rtEndpoint.value ? rtEndpoint.value : 'unix:///run/containerd/containerd.sock';
    const runtimeId = `runtime:${n.name}`;
    b.addComponent({
      id: runtimeId,
      name: `container runtime (${n.name})`,
      kind: {
        type: 'node-agent',
        agent: 'container-runtime',
        ...(n.runtimeVersion ? { version: n.runtimeVersion } : {}),
      },
      zone: 'container',
      nodes: [n.name],
      refs: [n.ref],
      listens: [
        {
          socket,
          protocol: 'grpc',
          tls: 'none',
          authn: 'none',
          open: 'yes',
          purpose: 'CRI: run containers',
          evidence: [
            ev(
              'open',
              rtEndpoint.evidence,
              rtEndpoint.known ? rtEndpoint.note : `default containerd socket; ${rtEndpoint.note}`,
            ),
          ],
        },
      ],
    });
    b.addFlow({
      from: kubeletId,
      to: runtimeId,
      protocol: 'grpc',
      socket,
      tls: 'none',
      authn: 'none',
      purpose: 'run and inspect containers (local IPC; guarded by socket file permissions)',
      evidence: [
        ev(
          'flow',
          rtEndpoint.evidence,
          rtEndpoint.known ? rtEndpoint.note : `default socket; ${rtEndpoint.note}`,
        ),
      ],
    });
    const kc = kubeconfigClient(inv, n.name, k('kubeconfig'));
    b.addFlow({
      from: kubeletId,
      to: APISERVER,
      protocol: 'https',
      port: apiPort,
      tls: kc.tls,
      authn: kc.authn,
      purpose: 'node status, pod specs, secrets for its pods',
      evidence: [ev('tls', kc.evidence, kc.note), ev('authn', kc.evidence, kc.note)],
    });
    b.addFlow({
      from: APISERVER,
      to: kubeletId,
      protocol: 'https',
      port: port(kport, 10250),
      tls: toKubeletTls,
      authn: toKubeletAuthn,
      purpose: 'logs, exec, attach, port-forward',
      evidence: [
        ev(
          'tls',
          kca.evidence,
          kca.known
            ? isTruthySetting(kca)
              ? kca.note
              : `${kca.note}: the kubelet's serving certificate is not verified`
            : kca.note,
        ),
        ev('authn', kcc.evidence, kcc.note),
      ],
    });

    const ps = settingsFor(inv, 'kube-proxy', n.name);
    if (hasProxy || ps !== undefined) {
      const p = (name: string): SettingLookup => lookupSetting(ps, 'kube-proxy', name);
      const metrics = p('metrics-bind-address');
      const proxyId = `kube-proxy:${n.name}`;
      b.addComponent({
        id: proxyId,
        name: `kube-proxy (${n.name})`,
        kind: { type: 'node-agent', agent: 'kube-proxy' },
        zone: `node:${n.name}`,
        nodes: [n.name],
        refs: [n.ref, ...(ps ? [ps.ref] : [])],
        listens: [
          {
            port: 10249,
            protocol: 'http',
            tls: 'none',
            authn: 'none',
            bindAddress: metrics.value ?? '127.0.0.1',
            open: 'yes',
            purpose: 'kube-proxy metrics',
            evidence: [ev('open', metrics.evidence, metrics.note)],
          },
          {
            port: 10256,
            protocol: 'http',
            tls: 'none',
            authn: 'none',
            open: 'yes',
            purpose: 'kube-proxy health',
            evidence: [],
          },
        ],
      });
      const pkc = kubeconfigClient(inv, n.name, p('kubeconfig'));
      b.addFlow({
        from: proxyId,
        to: APISERVER,
        protocol: 'https',
        port: apiPort,
        tls: pkc.tls,
        authn: pkc.authn,
        purpose: 'watch Services and EndpointSlices',
        evidence: [ev('tls', pkc.evidence, pkc.note), ev('authn', pkc.evidence, pkc.note)],
      });
    }
  }
}
