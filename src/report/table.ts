// Plain-text reporter: inventory, coverage summary, diagnostics and findings, for a terminal.
import { plural } from '../text/plural.js';
import type { Assessment } from '../assess.js';
import { escapeTerminal as t } from '../text/escape.js';
import { refToString, severityRank } from '../types.js';
import { formatTable, type TableOptions } from '../text/table.js';

export function renderTable(a: Assessment, options: TableOptions = {}): string {
  const table = (rows: readonly (readonly string[])[]): string => formatTable(rows, options);
  const out: string[] = [];
  const version = a.cluster.serverVersion?.gitVersion ?? 'unknown version';
  out.push(
    `Cluster ${t(a.cluster.name)} (${t(version)}${a.cluster.provider ? `, managed: ${a.cluster.provider}` : ''})`,
  );
  out.push(
    `Inventory: ${plural(a.inventory.objects, 'object')}, ${plural(a.inventory.nodes, 'node')}, ${plural(a.inventory.namespaces, 'namespace')}` +
      (a.inventory.nodeFiles.length > 0
        ? `; node files from ${a.inventory.nodeFiles.map((n) => t(n)).join(', ')}`
        : ''),
  );
  out.push('');
  out.push(table([['KIND', 'OBJECTS'], ...a.inventory.kinds.map((k) => [t(k.kind), String(k.count)])]));
  if (a.inventory.components.length > 0) {
    out.push('');
    out.push('Component settings:');
    out.push(
      table([
        ['COMPONENT', 'NODE', 'SETTINGS'],
        ...a.inventory.components.map((c) => [c.component, t(c.node ?? '-'), c.visibility]),
      ]),
    );
  }
  out.push('');
  const gaps = a.coverage.resources.filter((r) => r.state !== 'read');
  const read = a.coverage.resources.length - gaps.length;
  if (a.coverage.mode === 'manifests') {
    // Manifests: which kinds the files hold, never "40 of 40 read" for kinds with no document.
    const present = a.coverage.resources.filter((r) => r.state === 'read' && r.count > 0);
    out.push(
      `Coverage (manifests): kinds present: ${present.length === 0 ? 'none' : present.map((r) => `${r.kind} (${r.count})`).join(', ')}`,
    );
    if (read > present.length)
      out.push(
        `  ${plural(read - present.length, 'other resource type')} taken as empty (--complete: the files are the whole cluster)`,
      );
  } else
    out.push(
      `Coverage (${a.coverage.mode}): ${read} of ${plural(a.coverage.resources.length, 'resource type')} read`,
    );
  if (a.partial !== undefined) out.push(`  ${t(a.partial, 400)}`);
  if (gaps.length > 0 && a.coverage.mode !== 'manifests') {
    out.push(
      table([
        ['RESOURCE', 'STATE', 'REASON'],
        ...gaps.map((g) => [g.resource, g.state, t(g.reason ?? '', 120)]),
      ]),
    );
  }
  const factGaps = a.coverage.facts.filter((f) => f.state !== 'read');
  for (const f of factGaps)
    out.push(
      `  ${f.fact}${f.subject ? ` (${t(f.subject)})` : ''}: ${f.state}${f.reason ? ` — ${t(f.reason)}` : ''}`,
    );
  if (a.diagnostics.length > 0) {
    out.push('');
    out.push(`Input problems (${a.diagnostics.length}):`);
    for (const d of a.diagnostics.slice(0, 50)) out.push(`  ${d.severity}: ${t(d.where)}: ${t(d.message)}`);
    if (a.diagnostics.length > 50) out.push(`  … ${a.diagnostics.length - 50} more (see -o json)`);
  }
  if (a.findings.length > 0) {
    out.push('');
    const sorted = [...a.findings].sort(
      (x, y) => severityRank(y.severity) - severityRank(x.severity) || x.id.localeCompare(y.id),
    );
    out.push(`Findings (${a.findings.length}):`);
    out.push(
      table([
        ['SEVERITY', 'STATUS', 'RULE', 'SUBJECT', 'MESSAGE'],
        ...sorted.map((f) => [
          f.severity,
          f.status,
          f.rule,
          t(refToString(f.subject), 60),
          t(f.message, 140),
        ]),
      ]),
    );
  }
  // The teams' triage from the assessment store: shown, never hidden.
  if (a.triage !== undefined && a.triage.length > 0) {
    out.push('');
    out.push(`Triage (${a.triage.length}, from the assessment store):`);
    for (const x of a.triage) {
      const d = x.decision;
      const state = x.expired === true ? `open (acceptance expired ${d?.until ?? ''})` : x.state;
      const note = x.stillPresent === true ? ' — marked mitigated but still reported' : '';
      out.push(
        `  ${state.padEnd(14)} ${x.fingerprint}  ${t(x.findingId, 100)}${d === undefined ? '' : `: ${t(d.reason, 100)} (${t(d.by, 40)}, ${d.at.slice(0, 10)})`}${note}`,
      );
    }
  }
  // Rules' results and accepted risks (additive; the rule framework owns these fields).
  if (a.rules !== undefined && a.rules.results.length > 0) {
    const r = a.rules.totals;
    out.push('');
    out.push(
      `Rules: ${plural(a.rules.results.length, 'rule')} run: ${r.fail} fail, ${r.unverifiable} unverifiable, ${r.pass} pass` +
        (r.error > 0 ? `, ${r.error} internal error` : ''),
    );
  }
  if (a.suppressed !== undefined && a.suppressed.length > 0) {
    out.push(`Suppressed by exceptions (${a.suppressed.length}):`);
    for (const s of a.suppressed)
      out.push(
        `  ${t(s.finding.id, 120)}: ${t(s.exception.justification, 120)} (${t(s.exception.origin.where, 80)})`,
      );
  }
  if (a.exceptions !== undefined && a.exceptions.expired.length > 0) {
    out.push(`Expired exceptions (${a.exceptions.expired.length}, no longer suppressing):`);
    for (const e of a.exceptions.expired)
      out.push(`  ${t(e.rule)} ${t(e.subject, 80)} expired ${t(e.expires ?? '')} (${t(e.origin.where, 80)})`);
  }
  // Trust zones with their criticality, the worst attack paths, the declared assumptions and the drift.
  const top = a.criticality.zones.filter((z) => {
    const zone = a.model.zones.find((m) => m.id === z.id);
    return zone !== undefined && (zone.kind === 'top' || zone.kind === 'namespace' || zone.kind === 'tenant');
  });
  if (top.length > 0) {
    out.push('');
    out.push(
      'Trust zones (confidentiality / integrity / availability; `ktm zones -o json` gives the reasons):',
    );
    out.push(
      table([
        ['ZONE', 'C', 'I', 'A', 'FIRST REASON'],
        ...top.map((z) => {
          const first = [z.confidentiality, z.integrity, z.availability]
            .flatMap((d) => d.reasons)
            .sort(
              (x, y) =>
                ['Low', 'Medium', 'High', 'Critical'].indexOf(y.level) -
                ['Low', 'Medium', 'High', 'Critical'].indexOf(x.level),
            )[0];
          return [
            t(z.name, 40),
            z.confidentiality.level,
            z.integrity.level,
            z.availability.level,
            t(first?.text ?? '', 100),
          ];
        }),
      ]),
    );
  }
  out.push('');
  out.push(
    `Attack graph: ${plural(a.attackGraph.totalEdges, 'edge')}, ${plural(a.attackGraph.totalPaths, 'path')} from entry points to crown jewels` +
      (a.attackGraph.totalPaths > 0 ? ' (`ktm paths` prints them step by step)' : ''),
  );
  if (a.assumptions.length > 0) {
    const count = (r: string): number => a.assumptions.filter((x) => x.result === r).length;
    out.push('');
    out.push(
      `Assumptions (${a.assumptions.length}): ${count('confirmed')} confirmed, ${count('contradicted')} contradicted, ${count('unverifiable')} unverifiable`,
    );
    out.push(
      table([
        ['RESULT', 'ASSUMPTION', 'OBSERVED'],
        ...a.assumptions.map((x) => [
          x.result,
          t(x.text, 70),
          t(x.result === 'unverifiable' ? `${x.message}; missing: ${x.missing ?? ''}` : x.message, 120),
        ]),
      ]),
    );
  }
  if (a.drift.length > 0) {
    out.push('');
    out.push(`Drift (${a.drift.length}): declared and observed differ`);
    for (const d of a.drift.slice(0, 50)) out.push(`  ${d.kind}: ${t(d.message, 160)}`);
    if (a.drift.length > 50) out.push(`  … ${a.drift.length - 50} more (see -o json)`);
  }
  if (a.probes !== undefined) out.push('', ...probeLines(a.probes));
  return out.join('\n') + '\n';
}

/** The Probes section: what the endpoints did, beside what their configuration says. */
function probeLines(p: NonNullable<Assessment['probes']>): string[] {
  const out = [
    `Probes (${p.results.length} endpoints, ${p.skipped.length} not probed${p.caGiven ? '' : ', no --ca'}): ${p.discrepancies.length} discrepancies with the configuration, ${p.findings.length} findings and ${p.assumptions.length} assumptions decided`,
  ];
  for (const d of p.discrepancies) out.push(`  discrepancy ${d.kind}: ${t(d.message, 200)}`);
  for (const f of p.findings)
    out.push(`  finding ${f.outcome} by probe: ${t(f.finding, 100)}: ${t(f.message, 160)}`);
  for (const c of p.assumptions)
    out.push(`  assumption ${t(c.assumption, 60)}: ${c.before} → ${c.after}: ${t(c.message, 160)}`);
  for (const r of p.results) {
    out.push(`  ${t(r.target.id, 100)} (${t(r.target.host, 60)}:${r.target.port}):`);
    for (const f of p.facts[r.target.id] ?? []) out.push(`    ${t(f, 240)}`);
  }
  for (const s of p.skipped) out.push(`  not probed: ${t(s.id, 100)}: ${t(s.reason, 160)}`);
  return out;
}
