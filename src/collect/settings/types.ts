// Component settings: the effective value of each setting of each control-plane and node component, with its origin.
import type { Evidence, Ref, Source } from '../../types.js';

export const COMPONENT_NAMES = [
  'kube-apiserver',
  'etcd',
  'kube-scheduler',
  'kube-controller-manager',
  'cloud-controller-manager',
  'kubelet',
  'kube-proxy',
] as const;
export type ComponentName = (typeof COMPONENT_NAMES)[number];

/**
 * Where a value came from: a command-line flag, a configuration file, the kubelet's live
 * configz, the documented default for the detected Kubernetes version, or not visible at all
 * (a managed control plane: rules report unverifiable and name the provider setting).
 */
export type SettingOrigin = 'flag' | 'config-file' | 'configz' | 'default' | 'not-visible';

export interface Setting {
  /** The flag name without dashes (`anonymous-auth`); kubelet config-file fields are mapped to their flag names. */
  readonly name: string;
  /** Effective value as a string (`true`, `0`, `RBAC,Node`); undefined when unset and without a default. */
  readonly value: string | undefined;
  readonly origin: SettingOrigin;
  /** The object and path (or file) the value was read from; for defaults, the component's own evidence. */
  readonly evidence: Evidence;
}

export interface ComponentSettings {
  readonly component: ComponentName;
  /** The node the instance runs on (always set for kubelet and kube-proxy; for static pods when known). */
  readonly node?: string;
  /** The pod, node or file the settings were read from. */
  readonly ref: Ref;
  readonly source?: Source;
  /** 'managed': the provider runs this component and its settings are not visible. */
  readonly visibility: 'visible' | 'managed';
  /** Kubernetes minor version the defaults were taken for (e.g. 30 for 1.30), when known. */
  readonly minorVersion?: number;
  /** How the record was assembled: sources weighed, duplicates ignored, versions assumed (added by the settings helper). */
  readonly notes?: readonly string[];
  /** Effective value of a setting: flag, else config file, else default. */
  get(name: string): Setting;
  /** True when the setting was given explicitly (flag, config file or configz), not defaulted. */
  isSet(name: string): boolean;
  /** Every explicitly given setting, sorted by name. */
  explicit(): readonly Setting[];
}
