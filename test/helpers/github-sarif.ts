// GitHub code scanning's documented upload rules for SARIF, as a checker: what would make an upload be rejected or a
// result be dropped. Limits from "SARIF results exceed limit" and "SARIF support for code scanning" (GitHub docs).
import { gzipSync } from 'node:zlib';
import type * as Sarif from 'sarif';

export const GITHUB_LIMITS = {
  runsPerFile: 20,
  resultsPerRun: 25_000,
  rulesPerRun: 25_000,
  extensionsPerRun: 100,
  locationsPerResult: 1_000,
  tagsPerRule: 20,
  /** The upload API takes the file gzip-compressed, at most 10 MB. */
  gzipBytes: 10 * 1024 * 1024,
} as const;

const LEVELS = new Set(['none', 'note', 'warning', 'error']);

/** Every reason code scanning would reject the log or drop part of it; empty when it would take it whole. */
export function githubUploadProblems(log: Sarif.Log): string[] {
  const problems: string[] = [];
  const gzipped = gzipSync(JSON.stringify(log)).length;
  if (gzipped > GITHUB_LIMITS.gzipBytes) problems.push(`${gzipped} bytes gzip-compressed`);
  if (log.version !== '2.1.0') problems.push(`version ${String(log.version)}`);
  if (log.runs.length > GITHUB_LIMITS.runsPerFile) problems.push(`${log.runs.length} runs`);
  log.runs.forEach((run, r) => {
    const driver = run.tool.driver;
    if (driver.name.trim() === '') problems.push(`run ${r}: tool.driver.name is empty`);
    const rules = driver.rules ?? [];
    const results = run.results ?? [];
    if (rules.length > GITHUB_LIMITS.rulesPerRun) problems.push(`run ${r}: ${rules.length} rules`);
    if (results.length > GITHUB_LIMITS.resultsPerRun) problems.push(`run ${r}: ${results.length} results`);
    if ((run.tool.extensions ?? []).length > GITHUB_LIMITS.extensionsPerRun)
      problems.push(`run ${r}: extensions`);
    const ids = new Set<string>();
    for (const rule of rules) {
      if (ids.has(rule.id)) problems.push(`rule ${rule.id}: id not unique`);
      ids.add(rule.id);
      if ((rule.help?.markdown ?? rule.help?.text ?? '') === '') problems.push(`rule ${rule.id}: no help`);
      const tags = (rule.properties?.tags ?? []) as unknown[];
      if (tags.length > GITHUB_LIMITS.tagsPerRule) problems.push(`rule ${rule.id}: ${tags.length} tags`);
      const severity = rule.properties?.['security-severity'] as unknown;
      if (
        severity !== undefined &&
        !(typeof severity === 'string' && Number(severity) >= 0 && Number(severity) <= 10)
      )
        problems.push(`rule ${rule.id}: security-severity ${JSON.stringify(severity)}`);
    }
    results.forEach((res, i) => {
      const where = `run ${r} result ${i} (${String(res.ruleId)})`;
      if (res.ruleId === undefined || !ids.has(res.ruleId))
        problems.push(`${where}: ruleId not among the rules`);
      if (res.ruleIndex !== undefined && rules[res.ruleIndex]?.id !== res.ruleId)
        problems.push(`${where}: ruleIndex points at another rule`);
      if ((res.message.text ?? '') === '') problems.push(`${where}: no message text`);
      if (res.level !== undefined && !LEVELS.has(res.level)) problems.push(`${where}: level ${res.level}`);
      const prints = Object.values(res.partialFingerprints ?? {});
      if (prints.length === 0 || prints.some((p) => typeof p !== 'string' || p === ''))
        problems.push(`${where}: no partialFingerprints`);
      const locations = res.locations ?? [];
      if (locations.length === 0 || locations.length > GITHUB_LIMITS.locationsPerResult)
        problems.push(`${where}: ${locations.length} locations`);
      for (const loc of locations) {
        // Code scanning rejects the whole file for a location without a physical artifact location.
        const physical = loc.physicalLocation;
        const uri = physical?.artifactLocation?.uri;
        if (uri === undefined || uri === '') {
          problems.push(`${where}: a location without physicalLocation.artifactLocation.uri`);
          continue;
        }
        if (/^[a-z][a-z0-9+.-]*:/i.test(uri) || uri.startsWith('/'))
          problems.push(`${where}: uri ${uri.slice(0, 80)} is not relative`);
        if (physical?.artifactLocation?.uriBaseId === undefined) problems.push(`${where}: no uriBaseId`);
        // eslint-disable-next-line no-control-regex -- a URI carries no raw control character or space
        if (/[\u0000-\u0020\u007f-\u009f]/.test(uri))
          problems.push(`${where}: uri has raw control characters`);
        const line = physical?.region?.startLine;
        if (physical?.region !== undefined && !(Number.isInteger(line) && line! >= 1))
          problems.push(`${where}: region.startLine ${String(line)}`);
      }
    });
  });
  return problems;
}
