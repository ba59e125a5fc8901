// Reading one component setting for the model: its value with evidence, or why it is not known.
import { byCodeUnit } from './order.js';
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

interface SettingsIndex {
  readonly first: Map<ComponentName, ComponentSettings>;
  readonly byNode: Map<string, ComponentSettings>;
}

// Indexed once per inventory: 5,000 kubelets must not be found by scanning 5,000 settings each.
const indexes = new WeakMap<Inventory, SettingsIndex>();

function indexOf(inventory: Inventory): SettingsIndex {
  let idx = indexes.get(inventory);
  if (idx !== undefined) return idx;
  idx = { first: new Map(), byNode: new Map() };
  const sorted = [...inventory.settings].sort((a, b) => byCodeUnit(a.node ?? '', b.node ?? ''));
  for (const s of sorted) {
    if (!idx.first.has(s.component)) idx.first.set(s.component, s);
    if (s.node !== undefined) {
      const key = `${s.component}\u0000${s.node}`;
      if (!idx.byNode.has(key)) idx.byNode.set(key, s);
    }
  }
  indexes.set(inventory, idx);
  return idx;
}

/** The settings instance the model reads for a component: the one on the node, else the first by node name. */
export function settingsFor(
  inventory: Inventory,
  component: ComponentName,
  node?: string,
): ComponentSettings | undefined {
  const idx = indexOf(inventory);
  if (node !== undefined) return idx.byNode.get(`${component}\u0000${node}`);
  return idx.first.get(component);
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
