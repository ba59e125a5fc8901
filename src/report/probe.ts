// `ktm probe` output: each target's facts (escaped: hosts and ids can come from the cluster), and what was not probed.
import type { ProbeRun, ProbeTarget, SkippedTarget } from '../collect/probe/types.js';
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

/** `ktm probe --dry-run`: what would be probed, and what would not and why. */
export interface ProbePlanView {
  readonly targets: readonly ProbeTarget[];
  readonly skipped: readonly SkippedTarget[];
}

export function renderProbePlanTable(plan: ProbePlanView): string {
  const { targets, skipped } = plan;
  return (
    [
      `Would probe ${targets.length} endpoint${targets.length === 1 ? '' : 's'}:`,
      ...targets.map((x) => `  ${t(x.id, 120)}  ${t(x.host, 80)}:${x.port}  ${x.kind}`),
      ...(skipped.length > 0 ? ['', `Would not probe (${skipped.length}):`] : []),
      ...skipped.map((s) => `  ${t(s.id, 120)}: ${t(s.reason, 160)}`),
    ].join('\n') + '\n'
  );
}

export function renderProbePlanJson(plan: ProbePlanView): string {
  return JSON.stringify({ targets: plan.targets, skipped: plan.skipped }, null, 2) + '\n';
}
