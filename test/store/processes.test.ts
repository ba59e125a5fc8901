// The store under several processes: concurrent writers, and a writer killed in the middle of a save.
// These run the built CLI (dist/, rebuilt here when stale) in child processes.
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoPaths } from '../../src/collect/demo.js';
import { loadInventory } from '../../src/collect/load.js';
import { assess, type Assessment } from '../../src/assess.js';
import { isPostgresUrl, openStore } from '../../src/store/open-store.js';
import { openPostgres } from '../../src/store/postgres-driver.js';
import { openSqlite } from '../../src/store/sqlite-driver.js';
import { ensureBuilt, ROOT } from '../helpers/built-cli.js';
import { postgresBackend, sqliteBackend, SKIP_POSTGRES, useBackend, type Backend } from './backends.js';
import { tempDirSync } from '../helpers/temp-dir.js';

let cli: string;
let assessmentFile: string;

beforeAll(async () => {
  cli = ensureBuilt();
  const { snapshot, nodeFiles } = demoPaths();
  const a = assess(await loadInventory({ kind: 'paths', paths: [snapshot] }, { nodeFiles }));
  assessmentFile = path.join(tempDirSync('ktm-proc-'), 'assessment.json');
  writeFileSync(assessmentFile, JSON.stringify(a));
}, 180_000);

const run = (args: readonly string[]): Promise<{ code: number | null; stderr: string }> =>
  runNode([cli, ...args]);

function runNode(args: readonly string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

/** Every saved assessment is whole: its findings index matches its count and its document reads back. */
async function checkConsistent(location: string): Promise<number> {
  const db = isPostgresUrl(location) ? await openPostgres(location) : await openSqlite(location);
  try {
    if (db.dialect === 'sqlite') {
      const [row] = await db.query('PRAGMA integrity_check');
      expect(Object.values(row ?? {})).toEqual(['ok']);
    }
    const rows = await db.query(
      `SELECT a.id AS id, a.findings_count AS expected, a.document AS document,
              (SELECT COUNT(*) FROM findings f WHERE f.assessment_id = a.id) AS actual
       FROM assessments a ORDER BY a.id`,
    );
    for (const r of rows) {
      expect(Number(r.actual)).toBe(Number(r.expected));
      const doc = JSON.parse(gunzipSync(r.document as Uint8Array).toString('utf8')) as {
        findings: unknown[];
      };
      expect(doc.findings).toHaveLength(Number(r.expected));
    }
    return rows.length;
  } finally {
    await db.close();
  }
}

function suite(make: () => Promise<Backend>): void {
  const current = useBackend(make);

  it('takes assessments from two processes at once, losing none (a fresh store: both also race to create it)', async () => {
    const store = current().fresh();
    const saveMany = (cluster: string): Promise<{ code: number | null; stderr: string }> =>
      runNode([
        path.join(ROOT, 'test/fixtures/store/save-many.mjs'),
        path.join(ROOT, 'dist'),
        store,
        assessmentFile,
        cluster,
        '10',
      ]);
    const results = await Promise.all([saveMany('a'), saveMany('b')]);
    for (const r of results) expect(r).toEqual({ code: 0, stderr: '' });
    expect(await checkConsistent(store)).toBe(20);
    const s = await openStore(store);
    const list = await s.list();
    await s.close();
    expect(list.filter((x) => x.cluster === 'a')).toHaveLength(10);
    expect(new Set(list.map((x) => x.id)).size).toBe(20);
  }, 180_000);

  it('stays consistent when a writer is killed inside its save, and takes the next save', async () => {
    const store = current().fresh();
    const s = await openStore(store);
    await s.save(JSON.parse(readFileSync(assessmentFile, 'utf8')) as Assessment, 'crash');
    await s.close();
    const child = spawn(
      process.execPath,
      [
        path.join(ROOT, 'test/fixtures/store/save-and-hang.mjs'),
        path.join(ROOT, 'dist'),
        store,
        assessmentFile,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        if (d.toString().includes('inside-transaction')) resolve();
      });
      child.on('exit', (code) =>
        reject(new Error(`the child ended (${String(code)}) before its save began`)),
      );
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    // The half-done save left nothing behind; the earlier one is whole; the store takes the next.
    expect(await checkConsistent(store)).toBe(1);
    const r = await run([
      'assess',
      '--demo',
      '--rules',
      'weak-tls',
      '--store',
      store,
      '--cluster',
      'crash',
      '-q',
    ]);
    expect(r.code).toBe(0);
    expect(await checkConsistent(store)).toBe(2);
  }, 180_000);
}

describe('store shared by processes: SQLite', () => suite(sqliteBackend));
describe.skipIf(SKIP_POSTGRES !== undefined)(
  `store shared by processes: PostgreSQL${SKIP_POSTGRES === undefined ? '' : ` (skipped: ${SKIP_POSTGRES})`}`,
  () => suite(postgresBackend),
);
