// Markdown reporter for a repository or a ticket (GitHub and GitLab): summary, coverage gaps, zones with criticality,
// the data-flow diagram in Mermaid, findings by zone, attack paths, assumptions, drift. Every cluster string escaped.
import type { Assessment } from '../assess.js';
import { renderDataflowMermaid } from './diagrams/mermaid.js';
import { escapeMarkdown as e } from './escape.js';
import { assumptionOwner, buildReportData, worstLevel, type PlacedFinding } from './report-data.js';
import { evidenceWhere, stepLine, type ReportOptions } from './report-options.js';
import { refToString, type Evidence } from '../types.js';

function table(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
}

function evidenceItem(ev: Evidence, options: ReportOptions): string {
  const where = evidenceWhere(ev, options);
  return `${e(refToString(ev.ref))}${ev.path ? ` ${e(ev.path)}` : ''}${ev.value === undefined ? '' : ` = ${e(ev.value)}`}${where === undefined ? '' : ` (${e(where)})`}`;
}

function findingBlock(p: PlacedFinding, options: ReportOptions): string[] {
  const f = p.finding;
  return [
    `- **${f.severity}** ${f.status === 'unverifiable' ? '(unverifiable) ' : ''}${e(p.title)} — ${e(f.message)}`,
    `  - rule \`${f.rule}\`, subject ${e(refToString(f.subject))}${p.owner === undefined ? '' : `, owner ${e(p.owner)}`}`,
    ...f.evidence.slice(0, 5).map((ev) => `  - evidence: ${evidenceItem(ev, options)}`),
    ...(f.evidence.length > 5 ? [`  - … ${f.evidence.length - 5} more evidence items (JSON report)`] : []),
    ...(f.missing === undefined ? [] : [`  - missing: ${e(f.missing)}`]),
    `  - short term: ${e(f.remediation.shortTerm)}`,
    `  - long term: ${e(f.remediation.longTerm)}`,
  ];
}

export function renderMarkdown(a: Assessment, options: ReportOptions = {}): string {
  const d = buildReportData(a);
  const out: string[] = [];
  const version = a.cluster.serverVersion?.gitVersion ?? 'unknown version';
  out.push(`# Threat model review: cluster ${e(a.cluster.name)}`, '');
  out.push(
    `Kubernetes ${e(version)}${a.cluster.provider ? `, managed by ${e(a.cluster.provider)}` : ''}; ` +
      `${a.inventory.objects} objects, ${a.inventory.nodes} nodes, ${a.inventory.namespaces} namespaces; ` +
      `read from ${a.coverage.mode}${a.cluster.collectedAt ? ` collected ${e(a.cluster.collectedAt)}` : ''}; ktm ${e(a.tool.version)}.`,
    '',
  );

  out.push('## Summary', '');
  const fails = a.findings.filter((f) => f.status === 'fail').length;
  out.push(
    `${fails} findings fail, ${a.findings.length - fails} could not be verified; ${a.attackGraph.totalPaths} attack paths; ` +
      `${a.assumptions.filter((x) => x.result === 'contradicted').length} of ${a.assumptions.length} declared assumptions contradicted; ${a.drift.length} drift items.`,
    '',
  );
  out.push(
    ...table(
      ['Severity', 'Fail', 'Unverifiable'],
      d.bySeverity.map((s) => [s.severity, String(s.fail), String(s.unverifiable)]),
    ),
    '',
  );
  out.push(
    ...table(
      ['Audit zone', 'Critical', 'High', 'Medium', 'Low', 'Info'],
      d.byZone.map((z) => [
        e(z.zone),
        String(z.counts.critical),
        String(z.counts.high),
        String(z.counts.medium),
        String(z.counts.low),
        String(z.counts.info),
      ]),
    ),
    '',
  );

  out.push('## Coverage gaps', '');
  if (d.gaps.length === 0) out.push('Every resource type and node fact was read.', '');
  else
    out.push(
      'What ktm could not read: rules that need it report **unverifiable**, never pass.',
      '',
      ...table(
        ['Input', 'State', 'Reason'],
        d.gaps.map((g) => [e(g.what), g.state, e(g.reason)]),
      ),
      '',
    );
  if (d.unverifiable.length > 0)
    out.push(
      '### Unverifiable areas',
      '',
      ...table(
        ['Rule', 'Subjects', 'Missing'],
        d.unverifiable.map((u) => [`${e(u.title)} (\`${u.rule}\`)`, String(u.count), e(u.missing)]),
      ),
      '',
    );

  out.push('## Trust zones', '');
  out.push(
    ...table(
      ['Zone', 'Kind', 'Confidentiality', 'Integrity', 'Availability', 'Owner', 'Why'],
      a.model.zones
        .filter((z) => z.kind !== 'node')
        .map((z) => {
          const r = d.ratingById.get(z.id);
          const depth = d.chain(z.id).length - 1;
          const reason =
            r === undefined
              ? ''
              : ([r.confidentiality, r.integrity, r.availability].flatMap((x) => x.reasons)[0]?.text ?? '');
          return [
            `${'↳ '.repeat(depth)}${e(z.name)}`,
            z.kind,
            r?.confidentiality.level ?? '-',
            r?.integrity.level ?? '-',
            r?.availability.level ?? '-',
            e(a.owners[z.id] ?? ''),
            e(reason),
          ];
        }),
    ),
    '',
  );
  const critical = a.model.zones.filter((z) => worstLevel(d.ratingById.get(z.id)) === 'Critical').length;
  out.push(`${critical} zones rated Critical in at least one dimension.`, '');

  out.push('## Data flow', '');
  out.push(
    'Zones nested as subgraphs; red: plaintext or unverified TLS; grey dashed: TLS not visible.',
    '',
    '```mermaid',
    renderDataflowMermaid(a.model).trimEnd(),
    '```',
    '',
  );

  out.push('## Findings by zone', '');
  const zones = [...new Set(d.findings.map((p) => p.topZone))];
  if (zones.length === 0) out.push('No findings.', '');
  for (const zone of zones) {
    const list = d.findings.filter((p) => p.topZone === zone);
    out.push(`### ${e(zone)} (${list.length})`, '');
    for (const p of list) out.push(...findingBlock(p, options));
    out.push('');
  }

  out.push('## Attack paths', '');
  if (d.paths.length === 0) out.push('No path from an entry point to a crown jewel.', '');
  else {
    out.push(
      `${a.attackGraph.totalPaths} paths from entry points to crown jewels${a.attackGraph.totalPaths > d.paths.length ? `, the ${d.paths.length} shortest shown` : ''}. Each step names the control that cuts it.`,
      '',
    );
    d.paths.forEach((p, i) => {
      out.push(
        `${i + 1}. **${e(refToString(p.entry))}** to **${e(refToString(p.target))}** (${e(p.jewel)}), ${p.steps.length} steps`,
      );
      for (const s of p.steps) out.push(`   - ${stepLine(s, e)}`);
    });
    out.push('');
  }

  out.push('## Assumptions', '');
  if (a.assumptions.length === 0)
    out.push('No threat model given (`ktm init`, then `ktm assess --model threatmodel.yaml`).', '');
  else
    out.push(
      ...table(
        ['Owner', 'Result', 'Assumption', 'Observed', 'Missing'],
        // An assumption without its own owner belongs to its zone's owning team.
        a.assumptions
          .map((x) => ({ x, owner: assumptionOwner(a, x) }))
          .sort((p, q) => (p.owner ?? '~').localeCompare(q.owner ?? '~') || p.x.id.localeCompare(q.x.id))
          .map(({ x, owner }) => [
            e(owner ?? 'no owner'),
            x.result,
            e(x.text),
            e(x.message),
            e(x.missing ?? ''),
          ]),
      ),
      '',
    );

  out.push('## Drift', '');
  if (a.drift.length === 0)
    out.push(a.assumptions.length === 0 ? 'No threat model given.' : 'Declared and observed agree.', '');
  else
    out.push(
      ...table(
        ['Kind', 'Zone', 'Declared', 'Observed', 'Difference'],
        a.drift.map((x) => [x.kind, e(x.zone), e(x.declared ?? ''), e(x.observed ?? ''), e(x.message)]),
      ),
      '',
    );
  return `${out.join('\n').trimEnd()}\n`;
}
