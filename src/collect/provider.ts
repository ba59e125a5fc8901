// STUB (owned by the settings helper): recognise a managed control plane from nodes' providerID and labels.
import type { InventoryItem, Provider } from './inventory.js';

export function detectProvider(_items: readonly InventoryItem[]): Provider | undefined {
  return undefined;
}
