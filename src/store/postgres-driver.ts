// The shared store: a PostgreSQL database given as a postgres:// URL, for a team or a fleet of clusters.
import { KtmError } from '../errors.js';
import type { Param, Row, SqlDriver } from './driver.js';

/** Any fixed number: every ktm writer of one database takes this advisory lock for its transaction. */
const WRITE_LOCK = 0x6b746d; // "ktm"

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  if (!URL.canParse(url)) return 'postgres://(unparsable URL)';
  const u = new URL(url);
  if (u.password !== '') u.password = '***';
  return u.toString();
}

/** `?` placeholders to PostgreSQL's `$1, $2, …` (the store's SQL has no `?` inside string literals). */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${String(++n)}`);
}

export async function openPostgres(url: string, connectTimeoutMs = 10_000): Promise<SqlDriver> {
  const { default: pg } = await import('pg');
  const location = redactUrl(url);
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs });
  // An idle connection dropped by the server must not crash the process with an unhandled 'error' event.
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (err) {
    throw new KtmError(
      `cannot connect to the store: ${(err as Error).message}`,
      location,
      'check the URL, that the server runs and accepts this user',
    );
  }
  let depth = 0;
  const query = async (sql: string, params?: readonly Param[]): Promise<Row[]> => {
    const res = await client.query(numbered(sql), [...(params ?? [])]);
    return res.rows as Row[];
  };
  return {
    dialect: 'postgres',
    location,
    async run(sql, params) {
      await query(sql, params);
    },
    async insert(sql, params) {
      const rows = await query(`${sql} RETURNING id`, params);
      return Number(rows[0]?.id);
    },
    query,
    async transaction(work) {
      if (depth > 0) return work();
      await client.query('BEGIN');
      depth++;
      try {
        await client.query('SELECT pg_advisory_xact_lock($1)', [WRITE_LOCK]);
        const out = await work();
        await client.query('COMMIT');
        return out;
      } catch (err) {
        // The first error is the one to report; a ROLLBACK on a dead connection fails too and adds nothing.
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        depth--;
      }
    },
    async close() {
      await client.end();
    },
  };
}
