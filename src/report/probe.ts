// `ktm probe` output: each target's facts (escaped: hosts and ids can come from the cluster), and what was not probed.
import type { ProbeRun } from '../collect/probe/types.js';
import { probeFacts } from '../collect/probe/facts.js';
import { escapeTerminal as t } from './escape.js';

export function renderProbeTable(run: ProbeRun): string {
  const out: string[] = [];
  out.push(
    `Probed ${run.results.length} endpoint${run.results.length === 1 ? '' : 's'}${
      run.caGiven ? '' : ' (no --ca: certificate chains not checked against the cluster CA)'
    }`,
  );
  for (const r of run.results) {
    out.push('');
    out.push(
      `${t(r.target.id, 120)}  ${t(r.target.host, 80)}:${r.target.port}  ${r.target.kind}${
        r.target.purpose ? ` — ${t(r.target.purpose, 80)}` : ''
      }`,
    );
    for (const f of probeFacts(r)) out.push(`  ${t(f, 300)}`);
  }
  if (run.skipped.length > 0) {
    out.push('');
    out.push(`Not probed (${run.skipped.length}):`);
    for (const s of run.skipped) out.push(`  ${t(s.id, 120)}: ${t(s.reason, 160)}`);
  }
  return out.join('\n') + '\n';
}

export function renderProbeJson(run: ProbeRun): string {
  return JSON.stringify(run, null, 2) + '\n';
}
