// The two store backends the store tests run against: a SQLite file, and a real PostgreSQL server on 127.0.0.1.
import { mkdtempSync, rmSync } from 'node:fs';
import { afterAll, beforeAll } from 'vitest';
import os from 'node:os';
import path from 'node:path';
import { postgresAvailable, startPostgres, type PostgresServer } from '../helpers/postgres-server.js';

export interface Backend {
  readonly name: 'sqlite' | 'postgres';
  /** A fresh, empty store location (a file path or a postgres:// URL). */
  fresh(): string;
  close(): Promise<void>;
}

let counter = 0;

export function sqliteBackend(): Promise<Backend> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'ktm-store-'));
  return Promise.resolve({
    name: 'sqlite',
    fresh: () => path.join(dir, `store-${String(++counter)}.db`),
    close: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
  });
}

export async function postgresBackend(): Promise<Backend> {
  const server: PostgresServer = await startPostgres();
  return {
    name: 'postgres',
    fresh: () => server.createDatabase(`ktm_${String(process.pid)}_${String(++counter)}`),
    close: () => server.stop(),
  };
}

/**
 * PostgreSQL tests need Debian's `postgresql` package (.ci/run installs it). Outside CI a machine without it
 * skips them with this reason; in CI (CI=true) they run and fail loudly if the server is missing.
 */
export const SKIP_POSTGRES =
  !postgresAvailable() && process.env.CI !== 'true'
    ? 'PostgreSQL is not installed (apt-get install postgresql); CI installs it'
    : undefined;

/** Starts a backend before a suite's tests and stops it after; the getter gives the running one. */
export function useBackend(make: () => Promise<Backend>): () => Backend {
  let backend: Backend | undefined;
  beforeAll(async () => {
    backend = await make();
  }, 60_000);
  afterAll(async () => backend?.close());
  return () => {
    if (backend === undefined) throw new Error('the backend did not start');
    return backend;
  };
}
