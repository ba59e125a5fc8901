// Reading one component setting for the model: its value with evidence, or why it is not known.
import type { Inventory } from '../collect/inventory.js';
import type { ComponentName, ComponentSettings } from '../collect/settings/types.js';
import type { Evidence } from '../types.js';

export interface SettingLookup {
  /** False when the component's settings are not visible (not collected, managed, not-visible origin). */
  readonly known: boolean;
  readonly value: string | undefined;
  readonly evidence: readonly Evidence[];
  /** `kubelet-certificate-authority=/etc/... (flag)` or the reason it is unknown. */
  readonly note: string;
}

/** The settings instance the model reads for a component: the one on the node, else the first by node name. */
export function settingsFor(
  inventory: Inventory,
  component: ComponentName,
  node?: string,
): ComponentSettings | undefined {
  const all = [...inventory.settingsOf(component)].sort((a, b) => (a.node ?? '').localeCompare(b.node ?? ''));
  if (node !== undefined) return all.find((s) => s.node === node) ?? undefined;
  return all[0];
}

export function lookupSetting(
  settings: ComponentSettings | undefined,
  component: ComponentName,
  name: string,
): SettingLookup {
  if (settings === undefined) {
    return {
      known: false,
      value: undefined,
      evidence: [],
      note: `${component} settings not visible (no pod spec, static pod manifest or node files for it): --${name} unknown`,
    };
  }
  if (settings.visibility === 'managed') {
    return {
      known: false,
      value: undefined,
      evidence: [{ ref: settings.ref }],
      note: `${component} is run by the provider; --${name} is not visible`,
    };
  }
  const s = settings.get(name);
  if (s.origin === 'not-visible') {
    return { known: false, value: undefined, evidence: [s.evidence], note: `--${name} not visible` };
  }
  return {
    known: true,
    value: s.value,
    evidence: [s.evidence],
    note: `--${name}=${s.value ?? '(unset)'} (${s.origin})`,
  };
}

/** True when the known value is a non-empty string that is not `false`/`0`. */
export function isTruthySetting(l: SettingLookup): boolean {
  return l.known && l.value !== undefined && l.value !== '' && l.value !== 'false' && l.value !== '0';
}
