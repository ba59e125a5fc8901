// The store's schema, as numbered migrations applied in order and recorded in ktm_schema_migrations.
import { KtmError } from '../errors.js';
import type { SqlDriver } from './driver.js';

export interface Migration {
  readonly version: number;
  readonly description: string;
  /** Statements per dialect. */
  readonly sqlite: readonly string[];
  readonly postgres: readonly string[];
}

/**
 * Statements are written once; the two dialects differ only in these column types, filled in per dialect.
 * {{id}}: an auto-numbered primary key; {{ref}}: a column that references one; {{blob}}: compressed bytes.
 */
const TYPES = {
  sqlite: { id: 'INTEGER PRIMARY KEY AUTOINCREMENT', ref: 'INTEGER', blob: 'BLOB' },
  postgres: { id: 'BIGSERIAL PRIMARY KEY', ref: 'BIGINT', blob: 'BYTEA' },
} as const;

function migration(version: number, description: string, statements: readonly string[]): Migration {
  const fill = (dialect: keyof typeof TYPES): string[] =>
    statements.map((s) =>
      s.replace(/\{\{(id|ref|blob)\}\}/g, (_, k: 'id' | 'ref' | 'blob') => TYPES[dialect][k]),
    );
  return { version, description, sqlite: fill('sqlite'), postgres: fill('postgres') };
}

export const MIGRATIONS: readonly Migration[] = [
  migration(1, 'assessments and their findings', [
    `CREATE TABLE assessments (
       id {{id}},
       cluster TEXT NOT NULL,
       created_at TEXT NOT NULL,
       tool_version TEXT NOT NULL,
       schema_version TEXT NOT NULL,
       findings_count INTEGER NOT NULL,
       summary TEXT NOT NULL,
       document {{blob}} NOT NULL)`,
    `CREATE INDEX assessments_by_cluster ON assessments (cluster, id)`,
    `CREATE TABLE findings (
       assessment_id {{ref}} NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
       finding_id TEXT NOT NULL,
       fingerprint TEXT NOT NULL,
       rule TEXT NOT NULL,
       severity TEXT NOT NULL,
       status TEXT NOT NULL,
       zone TEXT NOT NULL,
       PRIMARY KEY (assessment_id, finding_id))`,
    `CREATE INDEX findings_by_fingerprint ON findings (fingerprint)`,
  ]),
  migration(2, 'triage decisions, appended per cluster and finding', [
    `CREATE TABLE triage (
       id {{id}},
       cluster TEXT NOT NULL,
       finding_id TEXT NOT NULL,
       state TEXT NOT NULL,
       reason TEXT NOT NULL,
       until TEXT,
       decided_by TEXT NOT NULL,
       decided_at TEXT NOT NULL)`,
    `CREATE INDEX triage_by_finding ON triage (cluster, finding_id, id)`,
  ]),
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings the schema up to date. Runs inside the driver's write transaction, so two processes opening a new
 * store at once apply each migration exactly once (the second waits, then finds nothing to do).
 */
export async function migrate(db: SqlDriver, migrations: readonly Migration[] = MIGRATIONS): Promise<number> {
  return db.transaction(async () => {
    await db.run(
      `CREATE TABLE IF NOT EXISTS ktm_schema_migrations (
         version INTEGER PRIMARY KEY,
         description TEXT NOT NULL,
         applied_at TEXT NOT NULL)`,
    );
    const rows = await db.query('SELECT MAX(version) AS v FROM ktm_schema_migrations');
    const current = Number(rows[0]?.v ?? 0);
    const newest = migrations.at(-1)?.version ?? 0;
    if (current > newest)
      throw new KtmError(
        `the store's schema is version ${String(current)}, newer than this ktm knows (${String(newest)})`,
        db.location,
        'upgrade ktm, or use another store',
      );
    for (const m of migrations) {
      if (m.version <= current) continue;
      for (const stmt of m[db.dialect]) await db.run(stmt);
      await db.run('INSERT INTO ktm_schema_migrations (version, description, applied_at) VALUES (?, ?, ?)', [
        m.version,
        m.description,
        new Date().toISOString(),
      ]);
    }
    return newest;
  });
}
