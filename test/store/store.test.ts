// The assessment store on both backends: migrations, save/load, listing, finding handles, triage decisions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/collect/load.js';
import { demoPaths } from '../../src/collect/demo.js';
import { assess, type Assessment } from '../../src/assess.js';
import { MIGRATIONS, migrate } from '../../src/store/migrations.js';
import { openSqlite } from '../../src/store/sqlite-driver.js';
import { openPostgres } from '../../src/store/postgres-driver.js';
import { isPostgresUrl, openStore } from '../../src/store/open-store.js';
import { findingFingerprint } from '../../src/rules/framework/triage.js';
import type { SqlDriver } from '../../src/store/driver.js';
import { KtmError } from '../../src/errors.js';
import { postgresBackend, sqliteBackend, SKIP_POSTGRES, type Backend } from './backends.js';
import { tempDir } from '../helpers/temp-dir.js';

let demo: Assessment;

beforeAll(async () => {
  const { snapshot, nodeFiles } = demoPaths();
  demo = assess(await loadInventory({ kind: 'paths', paths: [snapshot] }, { nodeFiles }));
});

const driverFor = (location: string): Promise<SqlDriver> =>
  isPostgresUrl(location) ? openPostgres(location) : openSqlite(location);

function suite(make: () => Promise<Backend>, skip?: string): void {
  let backend: Backend;
  beforeAll(async () => {
    if (skip === undefined) backend = await make();
  }, 60_000);
  afterAll(async () => {
    if (skip === undefined) await backend.close();
  });

  it('creates the schema on first open and records each migration once', async () => {
    const location = backend.fresh();
    await (await openStore(location)).close();
    const again = await openStore(location);
    await again.close();
    const db = await driverFor(location);
    const rows = await db.query('SELECT version FROM ktm_schema_migrations ORDER BY version');
    await db.close();
    expect(rows.map((r) => Number(r.version))).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('upgrades a store made by an older schema without losing what it holds', async () => {
    const location = backend.fresh();
    const old = await driverFor(location);
    await migrate(old, MIGRATIONS.slice(0, 1));
    await old.run(
      `INSERT INTO assessments (cluster, created_at, tool_version, schema_version, findings_count, summary, document)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ['old', '2026-01-01T00:00:00.000Z', '0.0.1', '1', 0, '{}', Buffer.from([])],
    );
    await old.close();
    const store = await openStore(location);
    expect((await store.list()).map((a) => a.cluster)).toEqual(['old']);
    // Migration 2 (triage) is there now.
    await store.decide({
      cluster: 'old',
      findingId: 'r@Pod/x',
      state: 'in-progress',
      reason: 'r',
      by: 'me',
      at: '2026-01-02T00:00:00.000Z',
    });
    expect((await store.decisions('old')).get('r@Pod/x')?.state).toBe('in-progress');
    await store.close();
  });

  it('refuses a store whose schema is newer than this ktm', async () => {
    const location = backend.fresh();
    await (await openStore(location)).close();
    const db = await driverFor(location);
    await db.run('INSERT INTO ktm_schema_migrations (version, description, applied_at) VALUES (?, ?, ?)', [
      99,
      'from the future',
      'now',
    ]);
    await db.close();
    await expect(openStore(location)).rejects.toThrow(/newer than this ktm knows/);
    await expect(openStore(location)).rejects.toBeInstanceOf(KtmError);
  });

  it('saves an assessment and gives back the same document, listed newest first per cluster', async () => {
    const store = await openStore(backend.fresh());
    const first = await store.save(demo, 'lab', new Date('2026-12-01T10:00:00Z'));
    const second = await store.save(demo, 'lab', new Date('2026-12-02T10:00:00Z'));
    await store.save(demo, 'prod', new Date('2026-12-03T10:00:00Z'));
    expect(second.id).toBeGreaterThan(first.id);
    const loaded = await store.load(first.id);
    expect(loaded.document).toEqual(JSON.parse(JSON.stringify(demo)));
    expect(loaded.info.findings).toBe(demo.findings.length);
    const fails = demo.findings.filter((f) => f.status === 'fail' && f.severity === 'critical').length;
    expect(loaded.info.summary.critical).toBe(fails);
    expect((await store.list('lab')).map((a) => a.id)).toEqual([second.id, first.id]);
    expect((await store.list()).map((a) => a.cluster)).toEqual(['prod', 'lab', 'lab']);
    expect(await store.clusters()).toEqual(['lab', 'prod']);
    await expect(store.load(123456)).rejects.toThrow(/no saved assessment #123456/);
    await store.close();
  });

  it('finds a finding by its id, the start of its id, or the start of its fingerprint', async () => {
    const store = await openStore(backend.fresh());
    await store.save(demo, 'lab');
    const some = demo.findings[0];
    if (some === undefined) throw new Error('the example cluster has findings');
    expect(await store.findFinding('lab', some.id)).toEqual([some.id]);
    expect(await store.findFinding('lab', findingFingerprint(some.id).slice(0, 8))).toContain(some.id);
    const byRule = await store.findFinding('lab', `${some.rule}@`);
    expect(byRule.length).toBeGreaterThan(0);
    expect(byRule.every((id) => id.startsWith(`${some.rule}@`))).toBe(true);
    // LIKE wildcards in a handle are literal characters.
    expect(await store.findFinding('lab', '%')).toEqual([]);
    expect(await store.findFinding('other-cluster', some.id)).toEqual([]);
    await store.close();
  });

  it('keeps every triage decision and answers with the latest per finding', async () => {
    const store = await openStore(backend.fresh());
    const base = { cluster: 'lab', findingId: 'a@Pod/x', reason: 'r', by: 'alice' };
    await store.decide({ ...base, state: 'in-progress', at: '2026-12-01T00:00:00.000Z' });
    await store.decide({ ...base, state: 'accepted', until: '2027-01-31', at: '2026-12-02T00:00:00.000Z' });
    await store.decide({ ...base, cluster: 'prod', state: 'false-positive', at: '2026-12-03T00:00:00.000Z' });
    const latest = await store.decisions('lab');
    expect(latest.get('a@Pod/x')).toMatchObject({ state: 'accepted', until: '2027-01-31', by: 'alice' });
    expect((await store.decisionHistory('lab', 'a@Pod/x')).map((d) => d.state)).toEqual([
      'in-progress',
      'accepted',
    ]);
    expect((await store.decisions('prod')).get('a@Pod/x')?.state).toBe('false-positive');
    await store.close();
  });
}

describe('assessment store on SQLite', () => suite(sqliteBackend));
describe.skipIf(SKIP_POSTGRES !== undefined)(
  `assessment store on PostgreSQL${SKIP_POSTGRES === undefined ? '' : ` (skipped: ${SKIP_POSTGRES})`}`,
  () => suite(postgresBackend, SKIP_POSTGRES),
);

describe('opening a store', () => {
  it('says in one line when a SQLite file is not a store', async () => {
    const { writeFileSync } = await import('node:fs');
    const path = await import('node:path');
    const file = path.join(await tempDir('ktm-bad-'), 'not-a-db');
    writeFileSync(file, 'this is not SQLite '.repeat(100));
    await expect(openStore(file)).rejects.toBeInstanceOf(KtmError);
  });

  it('says in one line when the PostgreSQL server cannot be reached, without the password', async () => {
    const err = await openStore('postgres://ktm:s3cret@127.0.0.1:1/x').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KtmError);
    expect((err as KtmError).line()).not.toContain('s3cret');
    expect((err as KtmError).line()).toContain('postgres://ktm:***@127.0.0.1:1/x');
  });
});
