// Global setup: the test run gets its own temporary folder, and fails if anything is left in it.
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A folder for one run's temporary files, made in the machine's temporary folder, and what was left
 * in it at the end (sorted names; the folder is removed either way).
 */
export function runTempDir(outer: string): { readonly dir: string; readonly finish: () => string[] } {
  const dir = mkdtempSync(path.join(outer, 'vitest-ktm-run-'));
  // Open to every user like /tmp itself: servers the tests start as another user (PostgreSQL runs as
  // `postgres` when the tests run as root) make their folders here too.
  chmodSync(dir, 0o1777);
  return {
    dir,
    finish: () => {
      const left = readdirSync(dir).sort();
      rmSync(dir, { recursive: true, force: true });
      return left;
    },
  };
}

/**
 * Points TMPDIR (which os.tmpdir() reads on every call, and which test workers and every child
 * process they start inherit) at a folder made for this run, so the check sees only what this run's
 * processes created, not what other runs or programs put in the machine's /tmp at the same time.
 * At the end the folder must be empty: a test (or ktm itself) that leaves a temporary file or folder
 * behind fails the run, naming it.
 */
export default function setup(): () => void {
  const run = runTempDir(os.tmpdir());
  const previous = process.env['TMPDIR'];
  process.env['TMPDIR'] = run.dir;
  return () => {
    if (previous === undefined) delete process.env['TMPDIR'];
    else process.env['TMPDIR'] = previous;
    const left = run.finish();
    if (left.length === 0) return;
    // Vitest reports an error thrown here but still exits 0: the exit code is set as well.
    process.exitCode = 1;
    throw new Error(
      `the tests left ${left.length} temporary ${left.length === 1 ? 'entry' : 'entries'} behind (remove what a test creates in afterEach/afterAll, or use test/helpers/temp-dir.ts): ${left.slice(0, 20).join(', ')}${left.length > 20 ? ', …' : ''}`,
    );
  };
}
