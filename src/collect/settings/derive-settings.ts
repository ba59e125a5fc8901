// STUB (owned by the settings helper): effective settings of every control-plane and node component.
import type { InventoryItem, Provider, ServerVersion } from '../inventory.js';
import type { NodeFileSet } from '../node-files/types.js';
import type { ComponentSettings } from './types.js';

export interface SettingsInput {
  readonly items: readonly InventoryItem[];
  readonly nodeFiles: readonly NodeFileSet[];
  readonly serverVersion?: ServerVersion;
  readonly provider?: Provider;
}

export function deriveSettings(_input: SettingsInput): ComponentSettings[] {
  return [];
}
