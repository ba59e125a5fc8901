// Writes each discrepancy up as an issue draft: Markdown body with evidence and both remediations, stable fingerprint.
import { createHash } from 'node:crypto';
import { escapeMarkdown as md, escapeTerminal } from '../text/escape.js';
import { refToString, severityRank, type Evidence } from '../types.js';
import type { CoveredDiscrepancy, Discrepancy } from './discrepancy.js';
import type { IssueDraft } from './draft.js';

/**
 * First 16 hex digits of sha256 over the discrepancy's kind and identity parts, encoded as a JSON array
 * (unambiguous whatever the parts hold): stable while the discrepancy is the same one, and different
 * for every other one whatever names its objects carry.
 */
export function fingerprintOf(d: Pick<Discrepancy, 'kind' | 'identity'>): string {
  return createHash('sha256')
    .update(JSON.stringify(['ktm-discrepancy-v2', d.kind, ...d.identity]))
    .digest('hex')
    .slice(0, 16);
}

/** An issue title is plain text on every tracker: control characters shown as \xNN, one line, at most 250 characters. */
export function issueTitle(s: string): string {
  return escapeTerminal(s, 250);
}

function evidenceLine(e: Evidence): string {
  const where = e.source
    ? ` (${md(e.source.file)}${e.source.line === undefined ? '' : `:${e.source.line}`})`
    : '';
  const path = e.path ? ` at ${md(e.path)}` : '';
  const value = e.value === undefined ? '' : `: ${md(e.value)}`;
  return `- ${md(refToString(e.ref))}${path}${value}${where}`;
}

function coveredLine(c: CoveredDiscrepancy): string {
  const subject = c.subject === undefined ? '' : ` (${md(refToString(c.subject))})`;
  // The key quotes object names: escaped Markdown like every other cluster string (a code span would keep control bytes).
  return `- [${c.severity}] ${md(c.title)}${subject}: key ${md(c.key)}`;
}

export function draftIssue(d: Discrepancy): IssueDraft {
  const covers = d.covers ?? [
    {
      kind: d.kind,
      key: d.key,
      title: d.title,
      severity: d.severity,
      ...(d.subject === undefined ? {} : { subject: d.subject }),
    },
  ];
  const listsOthers = covers.length > 1 || covers[0]?.key !== d.key;
  const lines = [
    `**${d.kind === 'finding' ? 'Finding' : d.kind === 'assumption' ? 'Contradicted assumption' : 'Drift'}** in trust zone **${md(d.zone)}**, severity **${d.severity}**.`,
    '',
    `Owning team: ${d.owner ? md(d.owner) : '_not declared (set `owner` on the zone in threatmodel.yaml)_'}`,
    `Related teams: ${d.relatedTeams.length > 0 ? d.relatedTeams.map(md).join(', ') : '_none_'}`,
    ...(d.subject ? [`Subject: ${md(refToString(d.subject))}`] : []),
    '',
    '## Discrepancy',
    '',
    md(d.statement),
    '',
    '## Evidence',
    '',
    ...(d.evidence.length > 0 ? d.evidence.map(evidenceLine) : ['_none recorded_']),
    '',
    '## Remediation',
    '',
    `**Short term:** ${md(d.remediation.shortTerm)}`,
    '',
    `**Long term:** ${md(d.remediation.longTerm)}`,
    ...(listsOthers ? ['', `## Covers (${covers.length})`, '', ...covers.map(coveredLine)] : []),
    ...(d.references.length > 0 ? ['', '## References', '', ...d.references.map((r) => `- ${md(r)}`)] : []),
    '',
    `_Filed by ktm from an automated review of the cluster._ Key: ${md(d.key)}`,
  ];
  return {
    fingerprint: fingerprintOf(d),
    title: issueTitle(`[${d.severity}] ${d.title}`),
    body: lines.join('\n'),
    severity: d.severity,
    zone: d.zone,
    ...(d.owner === undefined ? {} : { owner: d.owner }),
    relatedTeams: d.relatedTeams,
    labels: [`severity:${d.severity}`, `ktm:${d.kind}`],
    covers,
  };
}

/** Drafts for all discrepancies, most severe first, then by fingerprint: deterministic. */
export function draftIssues(discrepancies: readonly Discrepancy[]): IssueDraft[] {
  return discrepancies
    .map(draftIssue)
    .sort(
      (a, b) =>
        severityRank(b.severity) - severityRank(a.severity) || a.fingerprint.localeCompare(b.fingerprint),
    );
}
