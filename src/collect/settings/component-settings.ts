// One component instance's settings: layers of explicit values over distribution built-ins and version defaults.
import type { Evidence, Ref, Source } from '../../types.js';
import type { Provider } from '../inventory.js';
import { isCredentialFlag, parseFlags } from './command-line.js';
import { DISTRIBUTION_BUILTINS_REFERENCE, defaultFor, type KubeletMode } from './defaults.js';
import { managedSettingHint } from './managed-settings.js';
import type { ComponentName, ComponentSettings, Setting, SettingOrigin } from './types.js';

/** What a credential-bearing flag's value is replaced with: the flag is reported by name, never by value. */
export const REDACTED_VALUE = '<redacted>';

export type SettingsLayer = ReadonlyMap<string, Setting>;

export interface SettingsRecordInit {
  readonly component: ComponentName;
  readonly node?: string;
  readonly ref: Ref;
  readonly source?: Source;
  readonly visibility: 'visible' | 'managed';
  /** The minor version defaults are taken for. */
  readonly minor: number;
  /** False when the cluster version is unknown and `minor` is assumed. */
  readonly versionKnown: boolean;
  /** Explicit values, highest precedence first (configz, flags, config file, cluster ConfigMap). */
  readonly layers: readonly SettingsLayer[];
  readonly kubeletMode?: KubeletMode;
  /** Flags the distribution passes itself (k3s, RKE2's kubelet), with the distribution's name. */
  readonly builtins?: {
    readonly distribution: 'k3s' | 'rke2';
    readonly values: Readonly<Record<string, string>>;
  };
  readonly provider?: Provider;
  readonly notes?: readonly string[];
  /**
   * A configuration file the component reads but ktm did not (kubelet `--config`, kube-proxy `--config`, etcd
   * `--config-file`): settings not given explicitly are then unknown, never defaulted ('not-visible').
   */
  readonly unreadConfig?: { readonly description: string; readonly hint: string };
}

export class SettingsRecord implements ComponentSettings {
  readonly component: ComponentName;
  readonly node?: string;
  readonly ref: Ref;
  readonly source?: Source;
  readonly visibility: 'visible' | 'managed';
  readonly minorVersion?: number;
  readonly notes?: readonly string[];
  private readonly init: SettingsRecordInit;

  constructor(init: SettingsRecordInit) {
    this.init = init;
    this.component = init.component;
    if (init.node !== undefined) this.node = init.node;
    this.ref = init.ref;
    if (init.source !== undefined) this.source = init.source;
    this.visibility = init.visibility;
    if (init.versionKnown) this.minorVersion = init.minor;
    if (init.notes !== undefined && init.notes.length > 0) this.notes = init.notes;
  }

  get(name: string): Setting {
    const init = this.init;
    const base: Evidence = { ref: init.ref, ...(init.source === undefined ? {} : { source: init.source }) };
    if (init.visibility === 'managed' && init.provider !== undefined) {
      return {
        name,
        value: undefined,
        origin: 'not-visible',
        evidence: {
          ...base,
          path: 'provider setting',
          value: managedSettingHint(init.provider, init.component, name),
        },
      };
    }
    for (const layer of init.layers) {
      const s = layer.get(name);
      if (s !== undefined) return s;
    }
    if (init.unreadConfig !== undefined) {
      return {
        name,
        value: undefined,
        origin: 'not-visible',
        evidence: {
          ...base,
          path: 'unread configuration file',
          value: `may be set in ${init.unreadConfig.description}, which was not collected: ${init.unreadConfig.hint}`,
        },
      };
    }
    const builtin = init.builtins?.values[name];
    if (init.builtins !== undefined && builtin !== undefined) {
      const d = init.builtins.distribution;
      return {
        name,
        value: builtin,
        origin: 'default',
        evidence: {
          ...base,
          path: `${d} built-in flag`,
          value: `${builtin} (set by ${d} itself; ${DISTRIBUTION_BUILTINS_REFERENCE[d]})`,
        },
      };
    }
    const version = init.versionKnown
      ? `Kubernetes 1.${init.minor}`
      : `Kubernetes 1.${init.minor} (cluster version unknown: a recent version assumed)`;
    if (
      init.component === 'kube-apiserver' &&
      name === 'authorization-mode' &&
      this.isSet('authorization-config')
    ) {
      return {
        name,
        value: undefined,
        origin: 'default',
        evidence: {
          ...base,
          path: 'default',
          value: 'unset: authorization is configured by --authorization-config',
        },
      };
    }
    const d = defaultFor(init.component, name, init.minor, init.kubeletMode);
    const mode =
      init.component === 'kubelet' && d?.kubeletMode !== undefined
        ? init.kubeletMode === 'flags'
          ? ', kubelet started without --config (flag defaults)'
          : ', kubelet started with a config file (KubeletConfiguration defaults)'
        : '';
    const described =
      d === undefined
        ? `unset; no default recorded for ${version}`
        : `${d.value ?? 'unset'}: ${init.component} default for ${version}${mode}${d.note === undefined ? '' : `; ${d.note}`}; ${d.reference}`;
    return {
      name,
      value: d?.value,
      origin: 'default',
      evidence: { ...base, path: 'default', value: described },
    };
  }

  isSet(name: string): boolean {
    if (this.init.visibility === 'managed') return false;
    return this.init.layers.some((l) => l.has(name));
  }

  explicit(): readonly Setting[] {
    if (this.init.visibility === 'managed') return [];
    const seen = new Map<string, Setting>();
    for (const layer of this.init.layers) for (const [k, s] of layer) if (!seen.has(k)) seen.set(k, s);
    return [...seen.values()].sort((a, b) => a.name.localeCompare(b.name));
  }
}

/**
 * A layer from command-line words. `paths[i]` is the field path of word i (e.g. `spec.containers[0].command[12]`);
 * credential-bearing flags keep their name, never their value.
 */
export function flagLayer(
  tokens: readonly string[],
  paths: readonly string[],
  ref: Ref,
  source: Source | undefined,
  origin: SettingOrigin = 'flag',
): Map<string, Setting> {
  const layer = new Map<string, Setting>();
  for (const [name, o] of parseFlags(tokens).flags) {
    const credential = isCredentialFlag(name);
    const value = credential ? REDACTED_VALUE : o.value;
    const path = paths[o.index];
    layer.set(name, {
      name,
      value,
      origin,
      evidence: {
        ref,
        ...(path === undefined ? {} : { path }),
        ...(credential ? {} : { value }),
        ...(source === undefined ? {} : { source }),
      },
    });
  }
  return layer;
}
