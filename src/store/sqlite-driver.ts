// The embedded store: one SQLite file (better-sqlite3), WAL journal so readers never block the writer.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Database as SqliteDatabase } from 'better-sqlite3';
import { KtmError } from '../errors.js';
import type { Param, Row, SqlDriver } from './driver.js';

/** How long a writer waits for another process's transaction before giving up. */
const BUSY_TIMEOUT_MS = 30_000;

export async function openSqlite(file: string): Promise<SqlDriver> {
  // Loaded on first use: a user who never keeps history never loads the native module.
  const { default: Database } = await import('better-sqlite3');
  try {
    mkdirSync(path.dirname(file), { recursive: true });
  } catch (err) {
    throw new KtmError(
      `cannot create the store's folder (${(err as NodeJS.ErrnoException).code ?? 'error'})`,
      path.dirname(file),
      'give another location with --store PATH or $KTM_STORE',
    );
  }
  let db: SqliteDatabase;
  try {
    db = new Database(file, { timeout: BUSY_TIMEOUT_MS });
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    // FULL: a committed assessment survives a power cut, not only a crash of ktm.
    db.pragma('synchronous = FULL');
  } catch (err) {
    throw new KtmError(
      `cannot open the store: ${(err as Error).message}`,
      file,
      'check the file is a ktm store (SQLite) and writable, or give another with --store PATH',
    );
  }
  const bind = (params: readonly Param[] | undefined): Param[] => [...(params ?? [])];
  let depth = 0;
  return {
    dialect: 'sqlite',
    location: file,
    run(sql, params) {
      db.prepare(sql).run(...bind(params));
      return Promise.resolve();
    },
    insert(sql, params) {
      const info = db.prepare(sql).run(...bind(params));
      return Promise.resolve(Number(info.lastInsertRowid));
    },
    query(sql, params) {
      return Promise.resolve(db.prepare(sql).all(...bind(params)) as Row[]);
    },
    async transaction(work) {
      if (depth > 0) return work();
      db.exec('BEGIN IMMEDIATE');
      depth++;
      try {
        const out = await work();
        db.exec('COMMIT');
        return out;
      } catch (err) {
        db.exec('ROLLBACK');
        throw err;
      } finally {
        depth--;
      }
    },
    close() {
      db.close();
      return Promise.resolve();
    },
  };
}
