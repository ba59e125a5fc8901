// Temporary folders for tests, made under os.tmpdir() and removed when the test file ends.
import { mkdtempSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

/** Folders made by this test file (vitest evaluates this module once per test file). */
const made: string[] = [];

// Registered when a test file first imports this module, so it runs after all of that file's tests.
afterAll(async () => {
  await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** A new empty folder named PREFIX-XXXXXX, removed with everything in it after the test file's last test. */
export async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** tempDir for synchronous setup code. */
export function tempDirSync(prefix: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}
