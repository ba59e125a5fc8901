// Deterministic string order for sorting: UTF-16 code units, independent of locale and much faster than localeCompare.

export function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
