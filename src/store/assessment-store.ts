// The assessment store: every saved assessment (compressed JSON plus an index of its findings) and the triage decisions.
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Assessment } from '../assess.js';
import { KtmError } from '../errors.js';
import { findingFingerprint, type TriageDecision, type TriageState } from '../rules/framework/triage.js';
import { SEVERITIES } from '../types.js';
import type { Row, SqlDriver } from './driver.js';
import { migrate } from './migrations.js';

/** One saved assessment, without its document. */
export interface StoredAssessment {
  readonly id: number;
  readonly cluster: string;
  readonly createdAt: string;
  readonly toolVersion: string;
  readonly findings: number;
  /** Failing findings by severity, plus `unverifiable`. */
  readonly summary: Readonly<Record<string, number>>;
}

/** A saved assessment's JSON document (an older ktm's document may lack parts: readers treat every part as optional). */
export type StoredDocument = Partial<Assessment>;

function summaryOf(a: Assessment): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of SEVERITIES) out[s] = 0;
  out.unverifiable = 0;
  for (const f of a.findings) {
    const key = f.status === 'fail' ? f.severity : 'unverifiable';
    out[key] = (out[key] ?? 0) + 1;
  }
  return out;
}

const text = (r: Row, k: string): string => {
  const v = r[k];
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'bigint' ? String(v) : '';
};

function toStored(r: Row): StoredAssessment {
  return {
    id: Number(r.id),
    cluster: text(r, 'cluster'),
    createdAt: text(r, 'created_at'),
    toolVersion: text(r, 'tool_version'),
    findings: Number(r.findings_count),
    summary: JSON.parse(text(r, 'summary')) as Record<string, number>,
  };
}

function toDecision(r: Row): TriageDecision {
  const until = r.until;
  return {
    cluster: text(r, 'cluster'),
    findingId: text(r, 'finding_id'),
    state: text(r, 'state') as TriageState,
    reason: text(r, 'reason'),
    ...(typeof until === 'string' ? { until } : {}),
    by: text(r, 'decided_by'),
    at: text(r, 'decided_at'),
  };
}

/** Findings are written in batches of this many rows per INSERT (SQLite allows 32,766 parameters a statement). */
const BATCH = 500;

export class AssessmentStore {
  private constructor(private readonly db: SqlDriver) {}

  /** Opens a store and brings its schema up to date. */
  static async open(db: SqlDriver): Promise<AssessmentStore> {
    await migrate(db);
    return new AssessmentStore(db);
  }

  get location(): string {
    return this.db.location;
  }

  /**
   * Saves one assessment under `cluster` in a single transaction: a crash in the middle leaves no half-saved
   * assessment (the findings index and the document land together or not at all).
   */
  async save(
    assessment: Assessment,
    cluster: string,
    at: Date = new Date(),
    /** Called inside the transaction after the assessment row and after each batch of findings (progress). */
    onProgress?: (findingsWritten: number, findingsTotal: number) => void | Promise<void>,
  ): Promise<StoredAssessment> {
    const document = gzipSync(JSON.stringify(assessment));
    const summary = summaryOf(assessment);
    return this.db.transaction(async () => {
      const id = await this.db.insert(
        `INSERT INTO assessments (cluster, created_at, tool_version, schema_version, findings_count, summary, document)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
        [
          cluster,
          at.toISOString(),
          assessment.tool.version,
          assessment.schemaVersion,
          assessment.findings.length,
          JSON.stringify(summary),
          document,
        ],
      );
      // Deterministic ids are unique within one assessment; keep the first should a duplicate ever appear.
      const seen = new Set<string>();
      const rows = assessment.findings.filter((f) => !seen.has(f.id) && seen.add(f.id));
      await onProgress?.(0, rows.length);
      for (let i = 0; i < rows.length; i += BATCH) {
        const batch = rows.slice(i, i + BATCH);
        await this.db.run(
          `INSERT INTO findings (assessment_id, finding_id, fingerprint, rule, severity, status, zone) VALUES ${batch
            .map(() => '(?, ?, ?, ?, ?, ?, ?)')
            .join(', ')}`,
          batch.flatMap((f) => [id, f.id, findingFingerprint(f.id), f.rule, f.severity, f.status, f.zone]),
        );
        await onProgress?.(i + batch.length, rows.length);
      }
      return {
        id,
        cluster,
        createdAt: at.toISOString(),
        toolVersion: assessment.tool.version,
        findings: assessment.findings.length,
        summary,
      };
    });
  }

  /** Saved assessments, newest first (one cluster, or all). */
  async list(cluster?: string, limit = 1000): Promise<StoredAssessment[]> {
    const cols = 'id, cluster, created_at, tool_version, findings_count, summary';
    const rows =
      cluster === undefined
        ? await this.db.query(`SELECT ${cols} FROM assessments ORDER BY id DESC LIMIT ?`, [limit])
        : await this.db.query(`SELECT ${cols} FROM assessments WHERE cluster = ? ORDER BY id DESC LIMIT ?`, [
            cluster,
            limit,
          ]);
    return rows.map(toStored);
  }

  /** The clusters with saved assessments, sorted. */
  async clusters(): Promise<string[]> {
    const rows = await this.db.query('SELECT DISTINCT cluster FROM assessments ORDER BY cluster');
    return rows.map((r) => text(r, 'cluster'));
  }

  /** One saved assessment with its document. */
  async load(id: number): Promise<{ readonly info: StoredAssessment; readonly document: StoredDocument }> {
    const rows = await this.db.query(
      'SELECT id, cluster, created_at, tool_version, findings_count, summary, document FROM assessments WHERE id = ?',
      [id],
    );
    const row = rows[0];
    if (row === undefined)
      throw new KtmError(`no saved assessment #${String(id)}`, this.location, 'run ktm history to list them');
    const blob = row.document;
    if (!(blob instanceof Uint8Array))
      throw new KtmError(`assessment #${String(id)} has no document`, this.location, 'the store is damaged');
    return { info: toStored(row), document: JSON.parse(gunzipSync(blob).toString('utf8')) as StoredDocument };
  }

  /**
   * Finding ids ever saved for a cluster that `handle` names: the exact id; else ids starting with it; else
   * fingerprints starting with it (at least 4 hex digits).
   */
  async findFinding(cluster: string, handle: string): Promise<string[]> {
    const select = `SELECT DISTINCT f.finding_id AS finding_id FROM findings f JOIN assessments a ON a.id = f.assessment_id
       WHERE a.cluster = ? AND`;
    const ids = (rows: Row[]): string[] => rows.map((r) => text(r, 'finding_id'));
    const exact = await this.db.query(`${select} f.finding_id = ?`, [cluster, handle]);
    if (exact.length > 0) return ids(exact);
    const like = `${handle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const prefix = await this.db.query(
      `${select} f.finding_id LIKE ? ESCAPE '\\' ORDER BY f.finding_id LIMIT 20`,
      [cluster, like],
    );
    if (prefix.length > 0 || !/^[0-9a-f]{4,}$/i.test(handle)) return ids(prefix);
    return ids(
      await this.db.query(`${select} f.fingerprint LIKE ? ORDER BY f.finding_id LIMIT 20`, [
        cluster,
        `${handle.toLowerCase()}%`,
      ]),
    );
  }

  async decide(d: TriageDecision): Promise<void> {
    await this.db.transaction(() =>
      this.db.run(
        `INSERT INTO triage (cluster, finding_id, state, reason, until, decided_by, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
        [d.cluster, d.findingId, d.state, d.reason, d.until ?? null, d.by, d.at],
      ),
    );
  }

  /** The latest decision per finding of a cluster. */
  async decisions(cluster: string): Promise<Map<string, TriageDecision>> {
    const rows = await this.db.query(
      `SELECT cluster, finding_id, state, reason, until, decided_by, decided_at FROM triage WHERE cluster = ? ORDER BY id`,
      [cluster],
    );
    const latest = new Map<string, TriageDecision>();
    for (const r of rows) latest.set(text(r, 'finding_id'), toDecision(r));
    return latest;
  }

  /** Every decision about one finding, oldest first (its triage history). */
  async decisionHistory(cluster: string, findingId: string): Promise<TriageDecision[]> {
    const rows = await this.db.query(
      `SELECT cluster, finding_id, state, reason, until, decided_by, decided_at FROM triage
       WHERE cluster = ? AND finding_id = ? ORDER BY id`,
      [cluster, findingId],
    );
    return rows.map(toDecision);
  }

  close(): Promise<void> {
    return this.db.close();
  }
}
