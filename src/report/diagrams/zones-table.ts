// `ktm zones -o table`: the zone tree with members, placement, boundary flows and controls, for a terminal.
import { byCodeUnit } from '../../model/order.js';
import { escapeTerminal } from '../../text/escape.js';
import { formatTable, type TableOptions } from '../../text/table.js';
import type { Model, TrustZone } from '../../model/types.js';
import type { Criticality } from '../../analysis/criticality.js';

const SHORT: Readonly<Record<string, string>> = {
  'inbound-authentication': 'authn',
  'inbound-tls': 'tls',
  'network-policy-default-deny': 'deny',
  'pod-security': 'pss',
  'rbac-scope': 'rbac',
  'resource-quota': 'quota',
  'node-isolation': 'isolation',
};

/** C/I/A as initials: `C:Critical I:High A:Low` shortened to `C I A = Crit High Low`. */
const LEVEL_SHORT: Readonly<Record<string, string>> = {
  Low: 'Low',
  Medium: 'Med',
  High: 'High',
  Critical: 'Crit',
};

export function renderZonesTable(
  model: Model,
  options: { readonly zone?: string; readonly criticality?: Criticality } & TableOptions = {},
): string {
  const ratings = new Map((options.criticality?.zones ?? []).map((r) => [r.id, r]));
  const byParent = new Map<string | undefined, TrustZone[]>();
  for (const z of model.zones) byParent.set(z.parent, [...(byParent.get(z.parent) ?? []), z]);
  // The audit's order of the top-level zones, then ids.
  const order = ['internet', 'api-server', 'master-components', 'master-data', 'worker', 'container'];
  const roots = (byParent.get(undefined) ?? []).sort(
    (a, b) => (order.indexOf(a.id) + 1 || 99) - (order.indexOf(b.id) + 1 || 99) || byCodeUnit(a.id, b.id),
  );
  const withRatings = options.criticality !== undefined;
  const rows: string[][] = [
    ['ZONE', 'KIND', ...(withRatings ? ['C', 'I', 'A'] : []), 'MEMBERS', 'NODES', 'IN', 'OUT', 'CONTROLS'],
  ];
  const walk = (z: TrustZone, depth: number, show: boolean): void => {
    const match = show || options.zone === undefined || z.id === options.zone || z.name === options.zone;
    if (match) {
      const inbound = z.boundaryFlows.filter((b) => b.direction === 'inbound').length;
      rows.push([
        `${'  '.repeat(depth)}${escapeTerminal(z.name, 60)}`,
        z.kind,
        ...(withRatings
          ? (['confidentiality', 'integrity', 'availability'] as const).map((d) => {
              const level = ratings.get(z.id)?.[d].level;
              return level === undefined ? '-' : (LEVEL_SHORT[level] ?? level);
            })
          : []),
        String(z.members.length),
        String(z.placement.length),
        String(inbound),
        String(z.boundaryFlows.length - inbound),
        z.controls.map((c) => `${SHORT[c.kind] ?? c.kind}:${c.status}`).join(' '),
      ]);
    }
    for (const c of (byParent.get(z.id) ?? []).sort((a, b) => byCodeUnit(a.id, b.id)))
      walk(c, depth + 1, match && options.zone !== undefined);
  };
  for (const r of roots) walk(r, 0, false);
  const lines = formatTable(rows, options).split('\n');
  const notes = model.notes.map((n) => `note: ${escapeTerminal(n, 300)}`);
  const reach = model.reachability.state === 'not-computed' ? [`note: ${model.reachability.reason}`] : [];
  const legend = withRatings
    ? [
        '',
        'C, I, A: confidentiality, integrity and availability criticality (`ktm zones -o json` gives the reasons)',
      ]
    : [];
  return `${[...lines, ...legend, ...(notes.length + reach.length > 0 ? [''] : []), ...notes, ...reach].join('\n')}\n`;
}
