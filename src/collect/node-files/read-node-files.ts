// Reads nodes' copies of /etc/kubernetes, /var/lib/kubelet, systemd units and RKE2/k3s files into NodeFileSets.
import { readFile, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic } from '../../errors.js';
import type { InventoryItem, KubeObject } from '../inventory.js';
import { sanitizeObject } from '../sanitize.js';
import { isCredentialFlag, parseFlags, splitShellWords } from '../settings/command-line.js';
import {
  REDACTED,
  isAuditPolicy,
  isEncryptionConfig,
  isKubeadmClusterConfiguration,
  isKubeconfig,
  kubeletNodeNameFromKubeconfig,
  summariseAuditPolicy,
  summariseEncryptionConfig,
  summariseKubeconfig,
  withoutCredentials,
} from './file-summaries.js';
import { RancherConfigBuilder } from './rancher-config.js';
import { parseEnvironmentFile, unitCommand, type UnitFile } from './systemd-unit.js';
import type {
  AuditPolicySummary,
  EncryptionConfigSummary,
  KubeconfigSummary,
  NodeDistribution,
  NodeFileSet,
  RancherConfigSummary,
} from './types.js';
import { isRecord, parseYamlDocuments, stringField, type ParsedDocument } from './yaml-documents.js';

/** The annotation every static pod read from a node folder carries: the node it runs on. */
export const STATIC_POD_NODE_ANNOTATION = 'ktm.dev/static-pod-node';

/** Node files are small; anything larger is not a Kubernetes configuration file. */
const MAX_FILE_BYTES = 4 * 1024 * 1024;
const SKIPPED_EXTENSIONS: ReadonlySet<string> = new Set([
  '.crt',
  '.key',
  '.pem',
  '.pub',
  '.csr',
  '.p12',
  '.der',
]);
const SYSTEMD_DIRS = [
  '/etc/systemd/system',
  '/run/systemd/system',
  '/usr/local/lib/systemd/system',
  '/lib/systemd/system',
  '/usr/lib/systemd/system',
];

/** Reads each folder as one node's files (several nodes can be given); bad files become diagnostics. */
export async function readNodeFiles(
  dirs: readonly string[],
): Promise<{ sets: NodeFileSet[]; diagnostics: Diagnostic[] }> {
  const sets: NodeFileSet[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const dir of dirs) {
    const st = await stat(dir).catch(() => undefined);
    if (st?.isDirectory() !== true) {
      diagnostics.push({
        severity: 'error',
        where: dir,
        message: 'node files: not a folder (give one folder per node, laid out as on the node)',
      });
      continue;
    }
    const folder = new NodeFolder(path.resolve(dir), await realpath(dir));
    sets.push(await readNodeFolder(folder));
    diagnostics.push(...folder.diagnostics);
  }
  return { sets, diagnostics };
}

/** A node's folder: node paths (`/etc/kubernetes/admin.conf`) map to files under the folder, never outside it. */
class NodeFolder {
  readonly diagnostics: Diagnostic[] = [];

  constructor(
    readonly root: string,
    private readonly realRoot: string,
  ) {}

  /** The file on this machine for a node path; `..` cannot climb out of the folder. */
  local(nodePath: string): string {
    return path.join(this.root, path.posix.resolve('/', nodePath));
  }

  async exists(nodePath: string): Promise<boolean> {
    return (await stat(this.local(nodePath)).catch(() => undefined)) !== undefined;
  }

  /** A file's text, or undefined when it is absent, too large, binary, or links outside the folder. */
  async read(nodePath: string): Promise<string | undefined> {
    const file = this.local(nodePath);
    const st = await stat(file).catch(() => undefined);
    if (st === undefined || !st.isFile()) return undefined;
    const real = await realpath(file).catch(() => file);
    if (real !== this.realRoot && !real.startsWith(this.realRoot + path.sep)) {
      this.warn(file, 'links outside the node folder; not read');
      return undefined;
    }
    if (st.size > MAX_FILE_BYTES) {
      this.warn(file, `larger than ${MAX_FILE_BYTES} bytes; not read`);
      return undefined;
    }
    const buf = await readFile(file).catch(() => undefined);
    if (buf === undefined) {
      this.warn(file, 'could not be read');
      return undefined;
    }
    if (buf.includes(0) && !nodePath.endsWith('cmdline')) {
      this.error(`${file}:1:1`, 'binary content, not a configuration file; skipped');
      return undefined;
    }
    return buf.toString('utf8');
  }

  /** Regular, non-hidden files of a node folder, as node paths, sorted (recursively up to `depth`). */
  async list(nodeDir: string, depth = 1, skip: ReadonlySet<string> = new Set()): Promise<string[]> {
    const entries = await readdir(this.local(nodeDir), { withFileTypes: true }).catch(() => []);
    const out: string[] = [];
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.name.startsWith('.')) continue;
      const p = path.posix.join(path.posix.resolve('/', nodeDir), e.name);
      if (e.isDirectory()) {
        if (depth > 1 && !skip.has(e.name)) out.push(...(await this.list(p, depth - 1, skip)));
      } else if (e.isFile() || e.isSymbolicLink()) {
        out.push(p);
      }
    }
    return out;
  }

  async yaml(nodePath: string): Promise<ParsedDocument[] | undefined> {
    const text = await this.read(nodePath);
    if (text === undefined) return undefined;
    if (text.trimStart().startsWith('-----BEGIN')) return [];
    const { docs, diagnostics } = parseYamlDocuments(text, this.local(nodePath));
    this.diagnostics.push(...diagnostics);
    return docs;
  }

  warn(where: string, message: string): void {
    this.diagnostics.push({ severity: 'warning', where, message });
  }

  error(where: string, message: string): void {
    this.diagnostics.push({ severity: 'error', where, message });
  }
}

async function detectDistribution(f: NodeFolder): Promise<NodeDistribution> {
  if ((await f.exists('/etc/rancher/rke2')) || (await f.exists('/var/lib/rancher/rke2'))) return 'rke2';
  if ((await f.exists('/etc/rancher/k3s')) || (await f.exists('/var/lib/rancher/k3s'))) return 'k3s';
  if ((await f.exists('/kind')) || (await f.exists('/kind/kubeadm.conf'))) return 'kind';
  if ((await f.exists('/var/lib/minikube')) || (await f.exists('/var/tmp/minikube'))) return 'minikube';
  if ((await f.exists('/etc/kubernetes')) || (await f.exists('/var/lib/kubelet'))) return 'kubeadm';
  return 'unknown';
}

/** Replaces the values of credential-bearing flags (`--token=...`) so a node file set never holds them. */
function redactArgs(args: readonly string[]): string[] {
  const out = [...args];
  for (const o of parseFlags(args).occurrences) {
    if (!isCredentialFlag(o.name)) continue;
    const token = out[o.index]!;
    out[o.index] = token.startsWith('-') ? `${token.slice(0, token.indexOf('=') + 1)}${REDACTED}` : REDACTED;
  }
  return out;
}

async function readRancherConfig(
  f: NodeFolder,
  distribution: 'rke2' | 'k3s',
): Promise<RancherConfigSummary | undefined> {
  const b = new RancherConfigBuilder(distribution);
  const base = `/etc/rancher/${distribution}`;
  const files = [
    `${base}/config.yaml`,
    ...(await f.list(`${base}/config.yaml.d`)).filter((p) => /\.ya?ml$/.test(p)),
  ];
  for (const file of files) {
    const docs = await f.yaml(file);
    const doc = docs?.[0]?.value;
    if (docs === undefined) continue;
    if (!isRecord(doc)) {
      if (docs.length > 0) f.error(`${f.local(file)}:1:1`, 'expected a map of options; skipped');
      continue;
    }
    b.addConfig(file, doc);
  }
  const unitNames =
    distribution === 'rke2'
      ? ['rke2-server.service', 'rke2-agent.service']
      : ['k3s.service', 'k3s-agent.service'];
  for (const name of unitNames) {
    const unit = await readUnit(f, name);
    if (unit === undefined) continue;
    const words = unit.command.words;
    const sub = words.findIndex((w) => w === 'server' || w === 'agent');
    b.addCommandLine(unit.command.path, words.slice(sub === -1 ? 1 : sub + 1));
  }
  return b.isEmpty() ? undefined : b.build();
}

/** A systemd unit and its drop-ins, in systemd's precedence, expanded; undefined when the unit has no ExecStart. */
async function readUnit(
  f: NodeFolder,
  unitName: string,
): Promise<{ command: NonNullable<ReturnType<typeof unitCommand>> } | undefined> {
  let main: string | undefined;
  for (const d of SYSTEMD_DIRS) {
    if (main === undefined && (await f.exists(`${d}/${unitName}`))) main = `${d}/${unitName}`;
  }
  const dropIns = new Map<string, string>();
  for (const d of [...SYSTEMD_DIRS].reverse()) {
    for (const p of await f.list(`${d}/${unitName}.d`))
      if (p.endsWith('.conf')) dropIns.set(path.posix.basename(p), p);
  }
  const paths = [
    ...(main === undefined ? [] : [main]),
    ...[...dropIns.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, p]) => p),
  ];
  const units: UnitFile[] = [];
  for (const p of paths) {
    const text = await f.read(p);
    if (text !== undefined) units.push({ path: p, text });
  }
  if (units.length === 0) return undefined;
  const envFiles = new Map<string, Map<string, string>>();
  for (const u of units) {
    for (const m of u.text.matchAll(/^\s*EnvironmentFile\s*=\s*-?(\S+)/gm)) {
      const text = await f.read(m[1]!);
      if (text !== undefined) envFiles.set(m[1]!, parseEnvironmentFile(text));
    }
  }
  const command = unitCommand(units, (p) => envFiles.get(p));
  return command === undefined ? undefined : { command };
}

function dropBinary(words: readonly string[], binary: string): string[] {
  const first = words[0];
  return first !== undefined && path.posix.basename(first).includes(binary) ? words.slice(1) : [...words];
}

async function readKubeletArgs(
  f: NodeFolder,
  rancher: RancherConfigSummary | undefined,
): Promise<{ path: string; args: readonly string[] } | undefined> {
  const unit = await readUnit(f, 'kubelet.service');
  if (unit !== undefined)
    return { path: unit.command.path, args: redactArgs(dropBinary(unit.command.words, 'kubelet')) };
  for (const p of ['/kubelet.cmdline', '/kubelet-cmdline', '/proc/kubelet/cmdline']) {
    const text = await f.read(p);
    if (text === undefined) continue;
    // /proc/PID/cmdline separates words with NUL; a hand-written copy is a shell line.
    const words = text.includes('\0') ? text.split('\0').filter((w) => w !== '') : splitShellWords(text);
    return { path: p, args: redactArgs(dropBinary(words, 'kubelet')) };
  }
  const envPath = '/var/lib/kubelet/kubeadm-flags.env';
  const env = await f.read(envPath);
  if (env !== undefined) {
    const args = splitShellWords(parseEnvironmentFile(env).get('KUBELET_KUBEADM_ARGS') ?? '');
    return { path: envPath, args: redactArgs(args) };
  }
  const fromRancher = rancher?.componentArgs['kubelet'];
  if (rancher !== undefined && fromRancher !== undefined) {
    return { path: rancher.paths[0] ?? '', args: redactArgs(fromRancher) };
  }
  return undefined;
}

/** Deep merge for kubelet drop-in configuration: objects merge field by field, everything else is replaced. */
function mergeConfig(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const prev = out[k];
    out[k] = isRecord(prev) && isRecord(v) ? mergeConfig(prev, v) : v;
  }
  return out;
}

async function readKubeletConfig(
  f: NodeFolder,
  args: readonly string[],
  distribution: NodeDistribution,
): Promise<{ path: string; config: Record<string, unknown> } | undefined> {
  const flags = parseFlags(args).flags;
  const configPath = flags.get('config')?.value ?? '/var/lib/kubelet/config.yaml';
  const dropInDirs = [
    ...(flags.get('config-dir') === undefined ? [] : [flags.get('config-dir')!.value]),
    ...(distribution === 'rke2' || distribution === 'k3s'
      ? [`/var/lib/rancher/${distribution}/agent/etc/kubelet.conf.d`]
      : []),
  ];
  let result: { path: string; config: Record<string, unknown> } | undefined;
  const docs = await f.yaml(configPath);
  const doc = docs?.find((d) => isRecord(d.value))?.value;
  if (isRecord(doc)) result = { path: configPath, config: doc };
  // Drop-ins (--config-dir, kubelet 1.30+) are merged in file-name order over the main file.
  // https://kubernetes.io/docs/tasks/administer-cluster/kubelet-config-file/#kubelet-conf-d
  for (const dir of dropInDirs) {
    for (const p of await f.list(dir)) {
      if (!p.endsWith('.conf')) continue;
      const d = (await f.yaml(p))?.find((x) => isRecord(x.value))?.value;
      if (!isRecord(d)) continue;
      result =
        result === undefined
          ? { path: p, config: d }
          : { path: result.path, config: mergeConfig(result.config, d) };
    }
  }
  return result;
}

function staticPodItem(
  doc: Record<string, unknown>,
  node: string,
  file: string,
  line: number,
): InventoryItem | undefined {
  const meta = isRecord(doc['metadata']) ? doc['metadata'] : {};
  const name = stringField(meta, 'name');
  if (name === undefined || name === '') return undefined;
  const spec = isRecord(doc['spec']) ? doc['spec'] : {};
  const annotations = isRecord(meta['annotations']) ? meta['annotations'] : {};
  const redactContainers = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map((c: unknown) => {
          if (!isRecord(c)) return c;
          const out: Record<string, unknown> = { ...c };
          for (const k of ['command', 'args']) {
            const words = c[k];
            if (Array.isArray(words) && words.every((w): w is string => typeof w === 'string'))
              out[k] = redactArgs(words);
          }
          return out;
        })
      : v;
  const object: KubeObject = {
    ...doc,
    apiVersion: stringField(doc, 'apiVersion') ?? 'v1',
    kind: 'Pod',
    metadata: {
      ...meta,
      // The kubelet names a static pod's mirror `<name>-<node>`; using the same name makes both the same object.
      name: `${name}-${node}`,
      namespace: stringField(meta, 'namespace') ?? 'kube-system',
      annotations: { ...(annotations as Record<string, string>), [STATIC_POD_NODE_ANNOTATION]: node },
    },
    spec: {
      ...spec,
      nodeName: stringField(spec, 'nodeName') ?? node,
      containers: redactContainers(spec['containers']),
      ...(spec['initContainers'] === undefined
        ? {}
        : { initContainers: redactContainers(spec['initContainers']) }),
    },
  };
  return { object: sanitizeObject(object), source: { file, line } };
}

/** Flags of static pods that name files ktm should read wherever they are on the node. */
const FILE_FLAGS = [
  'config-file',
  'encryption-provider-config',
  'audit-policy-file',
  'kubeconfig',
  'authentication-kubeconfig',
  'authorization-kubeconfig',
] as const;

async function readNodeFolder(f: NodeFolder): Promise<NodeFileSet> {
  const distribution = await detectDistribution(f);
  const rancher =
    distribution === 'rke2' || distribution === 'k3s' ? await readRancherConfig(f, distribution) : undefined;
  const kubeletArgs = await readKubeletArgs(f, rancher);
  const kubeletConfig = await readKubeletConfig(f, kubeletArgs?.args ?? [], distribution);
  const kubeletFlags = parseFlags(kubeletArgs?.args ?? []).flags;

  const kubeconfigs = new Map<string, KubeconfigSummary>();
  const encryptionConfigs = new Map<string, EncryptionConfigSummary>();
  const auditPolicies = new Map<string, AuditPolicySummary>();
  let kubeadmConfig: { path: string; config: Record<string, unknown> } | undefined;
  const etcdConfigs = new Map<string, { path: string; config: Record<string, unknown> }>();
  let nodeFromKubeconfig: string | undefined;
  const classified = new Set<string>();

  /** Reads a file and keeps the summary of whatever it turns out to be. */
  const classify = async (nodePath: string, namedBy?: string): Promise<void> => {
    const p = path.posix.resolve('/', nodePath);
    if (classified.has(p) || SKIPPED_EXTENSIONS.has(path.posix.extname(p))) return;
    classified.add(p);
    const docs = await f.yaml(p);
    if (docs === undefined) {
      if (namedBy !== undefined)
        f.warn(f.local(p), `named by ${namedBy} but not in the node folder; copy it to read it`);
      return;
    }
    for (const d of docs) {
      if (namedBy === '--config-file' && isRecord(d.value) && d.value['kind'] === undefined) {
        // etcd's --config-file: its keys are etcd's flag names (transport security nested).
        etcdConfigs.set(p, { path: p, config: withoutCredentials(d.value) as Record<string, unknown> });
      } else if (isKubeconfig(d.value)) {
        kubeconfigs.set(p, summariseKubeconfig(d.value, p));
        if (path.posix.basename(p) === 'kubelet.conf' || p === kubeletFlags.get('kubeconfig')?.value)
          nodeFromKubeconfig ??= kubeletNodeNameFromKubeconfig(d.value);
      } else if (isEncryptionConfig(d.value)) {
        encryptionConfigs.set(p, summariseEncryptionConfig(d.value, p));
      } else if (isAuditPolicy(d.value)) {
        auditPolicies.set(p, summariseAuditPolicy(d.value, p));
      } else if (isKubeadmClusterConfiguration(d.value)) {
        kubeadmConfig ??= { path: p, config: withoutCredentials(d.value) as Record<string, unknown> };
      }
    }
  };

  const node =
    kubeletFlags.get('hostname-override')?.value ??
    rancher?.options['node-name'] ??
    (await (async () => {
      for (const p of ['/etc/kubernetes/kubelet.conf', kubeletFlags.get('kubeconfig')?.value]) {
        if (p !== undefined) await classify(p);
      }
      return nodeFromKubeconfig;
    })()) ??
    path.basename(f.root);

  // Static pod manifests: kubeadm (also kind and minikube), RKE2, and wherever the kubelet is told to look.
  const manifestDirs = new Set([
    '/etc/kubernetes/manifests',
    '/var/lib/rancher/rke2/agent/pod-manifests',
    '/var/lib/rancher/k3s/agent/pod-manifests',
  ]);
  const staticPodPath = kubeletConfig?.config['staticPodPath'];
  if (typeof staticPodPath === 'string') manifestDirs.add(path.posix.resolve('/', staticPodPath));
  const manifestFlag = kubeletFlags.get('pod-manifest-path')?.value;
  if (manifestFlag !== undefined) manifestDirs.add(path.posix.resolve('/', manifestFlag));
  const staticPods: InventoryItem[] = [];
  const namedFiles: { path: string; flag: string }[] = [];
  for (const dir of [...manifestDirs].sort()) {
    for (const p of await f.list(dir)) {
      if (SKIPPED_EXTENSIONS.has(path.posix.extname(p)) || /\.(?:bak|orig|swp|disabled)$/.test(p)) continue;
      classified.add(p);
      const docs = await f.yaml(p);
      for (const d of docs ?? []) {
        if (!isRecord(d.value) || d.value['kind'] !== 'Pod') {
          f.warn(`${f.local(p)}:${d.line}:1`, 'not a Pod; a static pod manifest must be a Pod');
          continue;
        }
        const item = staticPodItem(d.value, node, f.local(p), d.line);
        if (item === undefined) {
          f.error(`${f.local(p)}:${d.line}:1`, 'static pod without metadata.name; skipped');
          continue;
        }
        staticPods.push(item);
        const spec = item.object['spec'];
        const containers = isRecord(spec) && Array.isArray(spec['containers']) ? spec['containers'] : [];
        for (const c of containers) {
          if (!isRecord(c)) continue;
          const words = [c['command'], c['args']].flatMap((v) =>
            Array.isArray(v) ? v.filter((w): w is string => typeof w === 'string') : [],
          );
          const flags = parseFlags(words).flags;
          for (const flag of FILE_FLAGS) {
            const v = flags.get(flag)?.value;
            if (v !== undefined && v !== '') namedFiles.push({ path: v, flag: `--${flag}` });
          }
        }
      }
    }
  }

  // Files named by flags are read wherever they are (e.g. --encryption-provider-config=/etc/kubernetes/enc/enc.yaml).
  for (const [flag, component] of [
    ['encryption-provider-config', 'kube-apiserver'],
    ['audit-policy-file', 'kube-apiserver'],
  ] as const) {
    const v = parseFlags(rancher?.componentArgs[component] ?? []).flags.get(flag)?.value;
    if (v !== undefined) namedFiles.push({ path: v, flag: `--${flag}` });
  }
  const kubeletKubeconfig = kubeletFlags.get('kubeconfig')?.value;
  if (kubeletKubeconfig !== undefined)
    namedFiles.push({ path: kubeletKubeconfig, flag: 'kubelet --kubeconfig' });
  for (const n of namedFiles) await classify(n.path, n.flag);
  // kubeadm deletes the bootstrap kubeconfig once the node has joined: read it when present, never warn.
  const bootstrap = kubeletFlags.get('bootstrap-kubeconfig')?.value;
  if (bootstrap !== undefined) await classify(bootstrap);

  // Everything else under /etc/kubernetes (not pki), plus the known RKE2/k3s, kind and minikube locations.
  for (const p of await f.list('/etc/kubernetes', 4, new Set(['pki', 'manifests']))) await classify(p);
  const extra = ['/var/lib/kubelet/kubeconfig', '/kind/kubeadm.conf', '/var/tmp/minikube/kubeadm.yaml'];
  if (distribution === 'rke2' || distribution === 'k3s') {
    const d = distribution;
    extra.push(`/etc/rancher/${d}/${d}.yaml`, `/var/lib/rancher/${d}/server/cred/encryption-config.json`);
    if (rancher?.options['audit-policy-file'] !== undefined) extra.push(rancher.options['audit-policy-file']);
    for (const dir of [
      `/var/lib/rancher/${d}/agent`,
      `/var/lib/rancher/${d}/server/cred`,
      `/etc/rancher/${d}`,
    ]) {
      for (const p of await f.list(dir))
        if (/\.(?:kubeconfig|ya?ml|json)$/.test(p) && !p.includes('config.yaml')) extra.push(p);
    }
  }
  for (const p of extra) await classify(p);

  const sorted = <T>(m: Map<string, T>): T[] =>
    [...m.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, v]) => v);
  return {
    node,
    root: f.root,
    staticPods,
    ...(kubeletConfig === undefined ? {} : { kubeletConfig }),
    ...(kubeletArgs === undefined ? {} : { kubeletArgs }),
    kubeconfigs: sorted(kubeconfigs),
    encryptionConfigs: sorted(encryptionConfigs),
    auditPolicies: sorted(auditPolicies),
    ...(kubeadmConfig === undefined ? {} : { kubeadmConfig }),
    distribution,
    ...(rancher === undefined ? {} : { rancherConfig: rancher }),
    ...(etcdConfigs.size === 0 ? {} : { etcdConfigs: sorted(etcdConfigs) }),
  };
}
