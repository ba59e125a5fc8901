// Tests that need a second process (concurrent writers, a kill in the middle of a save) run the built CLI.
// `npm ci` builds dist/ (the `prepare` script); this rebuilds it when a source file is newer, so a test never
// runs yesterday's code.
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BUILT_CLI = path.join(ROOT, 'dist', 'bin', 'ktm.js');

function newest(dir: string): number {
  let max = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    max = Math.max(max, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return max;
}

/** Builds dist/ when it is missing or older than src/ or bin/. */
export function ensureBuilt(): string {
  const stale =
    !existsSync(BUILT_CLI) ||
    Math.max(newest(path.join(ROOT, 'src')), newest(path.join(ROOT, 'bin'))) >
      newest(path.join(ROOT, 'dist', 'src'));
  if (stale)
    execFileSync(
      process.execPath,
      [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
      { cwd: ROOT, stdio: 'inherit' },
    );
  return BUILT_CLI;
}
