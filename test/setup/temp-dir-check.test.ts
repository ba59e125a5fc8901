// The run's own temporary folder: tests see it as os.tmpdir(), and what they leave in it is named.
import { existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runTempDir } from './temp-dir-check.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('the test run temporary folder', () => {
  it('is what os.tmpdir() gives the tests, outside the machine-wide folder', () => {
    expect(path.basename(os.tmpdir())).toMatch(/^vitest-ktm-run-/);
  });

  it('names what was left in it, and is removed either way', async () => {
    const outer = await tempDir('ktm-run-check-');
    const clean = runTempDir(outer);
    expect(statSync(clean.dir).mode & 0o7777).toBe(0o1777);
    expect(clean.finish()).toEqual([]);
    expect(existsSync(clean.dir)).toBe(false);
    const leaky = runTempDir(outer);
    mkdirSync(path.join(leaky.dir, 'ktm-live-abc'));
    writeFileSync(path.join(leaky.dir, 'ktm-live-abc', 'kubeconfig'), '');
    writeFileSync(path.join(leaky.dir, 'ktm-a.tmp'), '');
    expect(leaky.finish()).toEqual(['ktm-a.tmp', 'ktm-live-abc']);
    expect(existsSync(leaky.dir)).toBe(false);
  });
});
