// Plain-text tables for a terminal: columns padded to their widest cell, and fitted to the terminal's width when
// there is one (the widest columns give way first, cut cells end in an ellipsis). Piped output is never cut.

export interface TableOptions {
  /** The terminal's width in columns; undefined (not a terminal) means no truncation. */
  readonly width?: number;
}

const GAP = 2;
/** A column never shrinks below this (or its natural width, when that is smaller), so every column stays readable. */
const MIN_COLUMN = 8;

/** A cell cut to a width, its last character an ellipsis when cut. */
export function truncate(cell: string, width: number): string {
  if (cell.length <= width) return cell;
  return width <= 1 ? '…'.slice(0, width) : `${cell.slice(0, width - 1)}…`;
}

/** Column widths that fit `width`: the widest column gives up one column at a time, down to MIN_COLUMN. */
function fitWidths(natural: readonly number[], headers: readonly string[], width: number): number[] {
  const widths = [...natural];
  const floor = natural.map((w, i) => Math.min(w, Math.max(MIN_COLUMN, headers[i]?.length ?? 0)));
  const total = (): number => widths.reduce((a, b) => a + b, 0) + GAP * (widths.length - 1);
  while (total() > width) {
    let widest = -1;
    widths.forEach((w, i) => {
      if (w > floor[i]! && (widest === -1 || w > widths[widest]!)) widest = i;
    });
    if (widest === -1) break; // every column at its floor: the terminal is narrower than the table can be
    widths[widest]!--;
  }
  return widths;
}

/** Rows (the first is the header) as aligned lines, without a trailing newline. */
export function formatTable(rows: readonly (readonly string[])[], options: TableOptions = {}): string {
  const natural: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (natural[i] = Math.max(natural[i] ?? 0, cell.length)));
  const widths =
    options.width === undefined ? natural : fitWidths(natural, rows[0] ?? [], Math.max(options.width, 1));
  return rows
    .map((row) =>
      row
        .map((cell, i) => {
          const cut = truncate(cell, widths[i]!);
          return i === row.length - 1 ? cut : cut.padEnd(widths[i]!);
        })
        .join(' '.repeat(GAP))
        .trimEnd(),
    )
    .join('\n');
}
