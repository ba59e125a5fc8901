// Evidence about inventory objects: the object, a field path, the observed value, and the file and line it came from.
import { refOf, type InventoryItem } from '../../collect/inventory.js';
import type { Evidence, Ref } from '../../types.js';

/** A typed inventory item as the generic one (client-node models leave apiVersion and metadata optional). */
export function asKubeItem<T>(item: InventoryItem<T>): InventoryItem {
  return item as unknown as InventoryItem;
}

export function itemRef(item: InventoryItem<unknown>): Ref {
  return refOf((item as InventoryItem).object);
}

export function objectEvidence(item: InventoryItem<unknown>, path?: string, value?: string): Evidence {
  return {
    ref: itemRef(item),
    ...(path === undefined ? {} : { path }),
    ...(value === undefined ? {} : { value }),
    source: item.source,
  };
}
