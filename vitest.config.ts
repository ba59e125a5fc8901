// Test runner configuration: tests live under test/, mirroring src/.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Every run in its own TMPDIR, which must be empty at the end: no test leaves temporary files behind.
    globalSetup: ['test/setup/temp-dir-check.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
