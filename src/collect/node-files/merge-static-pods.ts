// Joins static pods read from node files with the inventory: a static pod and its mirror pod are one object.
import { objectKey, type InventoryItem } from '../inventory.js';

/**
 * The inventory's items with the static pods added. A static pod read from a node's manifest has the name the
 * kubelet gives its mirror pod (`<name>-<node>`), so the two share an object key: the manifest is kept (it is what
 * the kubelet runs; the mirror pod is its read-only reflection); the mirror pods replaced are returned so callers can
 * say so (component settings note it per instance). Linear in the items.
 */
export function mergeStaticPods(
  items: readonly InventoryItem[],
  staticPods: readonly InventoryItem[],
): { items: InventoryItem[]; replacedMirrorPods: InventoryItem[] } {
  if (staticPods.length === 0) return { items: [...items], replacedMirrorPods: [] };
  const byKey = new Map<string, InventoryItem>();
  for (const p of staticPods) if (!byKey.has(objectKey(p.object))) byKey.set(objectKey(p.object), p);
  const replacedMirrorPods: InventoryItem[] = [];
  const out: InventoryItem[] = [];
  const placed = new Set<string>();
  for (const item of items) {
    const key = item.object.kind === 'Pod' ? objectKey(item.object) : undefined;
    const file = key === undefined ? undefined : byKey.get(key);
    if (key === undefined || file === undefined) {
      out.push(item);
      continue;
    }
    if (!placed.has(key)) {
      out.push(file);
      placed.add(key);
    }
    replacedMirrorPods.push(item);
  }
  for (const [key, p] of byKey) if (!placed.has(key)) out.push(p);
  return { items: out, replacedMirrorPods };
}
