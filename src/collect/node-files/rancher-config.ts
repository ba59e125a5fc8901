// RKE2 and k3s configuration: config.yaml keys and `server` flags become per-component flag tokens and options.
import { isCredentialFlag, parseFlags } from '../settings/command-line.js';
import type { RancherConfigSummary } from './types.js';
import { isRecord } from './yaml-documents.js';

/**
 * `<component>-arg` keys and the component each feeds.
 * https://docs.rke2.io/reference/server_config and https://docs.k3s.io/cli/server#customized-flags-for-kubernetes-processes
 */
const ARG_KEYS: Readonly<Record<string, string>> = {
  'kube-apiserver-arg': 'kube-apiserver',
  'kube-controller-manager-arg': 'kube-controller-manager',
  'kube-scheduler-arg': 'kube-scheduler',
  'kube-cloud-controller-manager-arg': 'cloud-controller-manager',
  'cloud-controller-manager-arg': 'cloud-controller-manager',
  'etcd-arg': 'etcd',
  'kubelet-arg': 'kubelet',
  'kube-proxy-arg': 'kube-proxy',
};

/** Options whose value is or embeds a credential (besides the names isCredentialFlag recognises). */
const CREDENTIAL_OPTIONS: ReadonlySet<string> = new Set([
  'datastore-endpoint',
  'etcd-s3-access-key',
  'etcd-s3-secret-key',
  'etcd-s3-session-token',
]);

function isCredentialOption(key: string): boolean {
  return CREDENTIAL_OPTIONS.has(key) || isCredentialFlag(key);
}

export class RancherConfigBuilder {
  private readonly paths: string[] = [];
  private readonly args = new Map<string, string[]>();
  private readonly options = new Map<string, string>();

  constructor(readonly distribution: 'rke2' | 'k3s') {}

  /**
   * One config file's top-level map. Later files override earlier keys; a key ending in `+` appends, as the
   * config.yaml.d drop-in rules say (https://docs.k3s.io/installation/configuration#multiple-config-files).
   */
  addConfig(path: string, doc: Record<string, unknown>): void {
    this.paths.push(path);
    for (const [rawKey, value] of Object.entries(doc)) {
      const append = rawKey.endsWith('+');
      const key = append ? rawKey.slice(0, -1) : rawKey;
      const component = ARG_KEYS[key];
      const values = (Array.isArray(value) ? value : [value]).filter(
        (v): v is string | number | boolean =>
          typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean',
      );
      if (component !== undefined) {
        const tokens = values.map((v) => {
          const s = String(v);
          return s.startsWith('-') ? s : `--${s}`;
        });
        this.args.set(component, append ? [...(this.args.get(component) ?? []), ...tokens] : tokens);
        continue;
      }
      if (isCredentialOption(key) || isRecord(value)) continue;
      const joined = values.map(String).join(',');
      const prev = this.options.get(key);
      this.options.set(key, append && prev !== undefined && prev !== '' ? `${prev},${joined}` : joined);
    }
  }

  /** The words after `rke2 server` / `k3s agent` in a systemd unit: flags override config files. */
  addCommandLine(path: string, words: readonly string[]): void {
    this.paths.push(path);
    const parsed = parseFlags(words);
    const seen = new Set<string>();
    for (const o of parsed.occurrences) {
      const component = ARG_KEYS[o.name];
      if (component !== undefined) {
        const list = this.args.get(component) ?? [];
        list.push(o.value.startsWith('-') ? o.value : `--${o.value}`);
        this.args.set(component, list);
        continue;
      }
      // One-letter flags are shorthands (`-t` is k3s's --token): their meaning is unknown here, so never kept.
      if (o.name.length === 1 || isCredentialOption(o.name)) continue;
      // Repeated list options (`--disable traefik --disable servicelb`) accumulate.
      const prev = seen.has(o.name) ? this.options.get(o.name) : undefined;
      this.options.set(o.name, prev === undefined ? o.value : `${prev},${o.value}`);
      seen.add(o.name);
    }
  }

  isEmpty(): boolean {
    return this.paths.length === 0;
  }

  build(): RancherConfigSummary {
    return {
      distribution: this.distribution,
      paths: [...this.paths],
      componentArgs: Object.fromEntries([...this.args.entries()].sort(([a], [b]) => a.localeCompare(b))),
      options: Object.fromEntries([...this.options.entries()].sort(([a], [b]) => a.localeCompare(b))),
    };
  }
}
