// Renders a cascade ("what stops when X stops") as text or JSON; every cluster-supplied string escaped.
import type { CascadeResult } from '../analysis/cascade.js';
import { escapeTerminal as t } from '../text/escape.js';

export function renderWhatIfText(target: string, r: CascadeResult): string {
  const out: string[] = [];
  out.push(`What if ${t(target)} stops?`);
  out.push(
    `  stopped: ${r.stopped.length > 0 ? r.stopped.map((s) => t(s)).join(', ') : '(no component)'}${r.stoppedNodes.length > 0 ? `; nodes down: ${r.stoppedNodes.map((s) => t(s)).join(', ')}` : ''}`,
  );
  out.push('');
  out.push(`Fails (${r.fails.length}): stops serving`);
  for (const f of r.fails)
    out.push(
      `  ✗ ${t(f.component)} — ${t(f.reason, 300)}\n      via ${f.chain.map((c) => t(c)).join(' → ')}`,
    );
  out.push('');
  out.push(`Degraded (${r.degraded.length}): keeps running, loses a function`);
  for (const d of r.degraded)
    out.push(
      `  ~ ${t(d.component)} — ${t(d.reason, 300)}\n      via ${d.chain.map((c) => t(c)).join(' → ')}`,
    );
  if (r.blockedWrites.length > 0) {
    out.push('');
    out.push('Writes the API server rejects (fail-closed admission webhooks down):');
    for (const w of r.blockedWrites) out.push(`  ! ${t(w, 300)}`);
  }
  out.push('');
  out.push(`Keeps running (${r.keepsRunning.length}): ${r.keepsRunning.map((k) => t(k)).join(', ')}`);
  return out.join('\n') + '\n';
}

export function renderWhatIfJson(target: string, r: CascadeResult): string {
  return JSON.stringify({ target, ...r }, null, 2) + '\n';
}
