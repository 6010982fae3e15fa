import type { SqliteDatabase } from '../../storage/sqlite.js';

/**
 * Per-record progress of every ingestion stage, in the shared SQLite file, so a rerun skips what is done and
 * retries what failed. A row is written only after the record's own write succeeded: a crash between the two
 * redoes one idempotent upsert, never loses a finished record.
 */
export type Stage = 'ingest' | 'refine' | 'embed';
export type StageStatus = 'done' | 'failed';

export interface StageRow {
  status: StageStatus;
  versionKey: string;
  detail: string | null;
  attempts: number;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS ingest_progress (
  stage TEXT NOT NULL,
  record_id TEXT NOT NULL,
  status TEXT NOT NULL,
  version_key TEXT NOT NULL DEFAULT '',
  detail TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  updated_at TEXT NOT NULL,
  PRIMARY KEY (stage, record_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ingest_progress_status ON ingest_progress(stage, status);
`;

export class IngestState {
  private readonly getRow;
  private readonly putRow;

  constructor(private readonly db: SqliteDatabase) {
    db.exec(SCHEMA);
    this.getRow = db.prepare<
      [string, string],
      { status: StageStatus; version_key: string; detail: string | null; attempts: number }
    >('SELECT status, version_key, detail, attempts FROM ingest_progress WHERE stage = ? AND record_id = ?');
    this.putRow = db.prepare<[string, string, string, string, string | null, number, string]>(
      `INSERT INTO ingest_progress (stage, record_id, status, version_key, detail, attempts, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(stage, record_id) DO UPDATE SET status = excluded.status, version_key = excluded.version_key,
         detail = excluded.detail, attempts = excluded.attempts, updated_at = excluded.updated_at`,
    );
  }

  get(stage: Stage, recordId: string): StageRow | undefined {
    const row = this.getRow.get(stage, recordId);
    return row
      ? { status: row.status, versionKey: row.version_key, detail: row.detail, attempts: row.attempts }
      : undefined;
  }

  /** Whether the stage finished this record at this version. */
  isDone(stage: Stage, recordId: string, versionKey: string): boolean {
    const row = this.get(stage, recordId);
    return row?.status === 'done' && row.versionKey === versionKey;
  }

  markDone(stage: Stage, entries: readonly { id: string; versionKey: string }[]): void {
    const now = new Date().toISOString();
    this.db
      .transaction(() => {
        for (const { id, versionKey } of entries) {
          const attempts = (this.get(stage, id)?.attempts ?? 0) + 1;
          this.putRow.run(stage, id, 'done', versionKey, null, attempts, now);
        }
      })
      .immediate();
  }

  markFailed(stage: Stage, recordId: string, versionKey: string, detail: string): void {
    const attempts = (this.get(stage, recordId)?.attempts ?? 0) + 1;
    this.putRow.run(stage, recordId, 'failed', versionKey, detail.slice(0, 1000), attempts, new Date().toISOString());
  }

  /** Records the stage left failed, with why: what the next run retries. */
  failed(stage: Stage): { id: string; detail: string }[] {
    return this.db
      .prepare<[string], { record_id: string; detail: string | null }>(
        "SELECT record_id, detail FROM ingest_progress WHERE stage = ? AND status = 'failed' ORDER BY record_id",
      )
      .all(stage)
      .map((row) => ({ id: row.record_id, detail: row.detail ?? '' }));
  }

  counts(stage: Stage): Record<StageStatus, number> {
    const out: Record<StageStatus, number> = { done: 0, failed: 0 };
    const rows = this.db
      .prepare<[string], { status: StageStatus; n: number }>(
        'SELECT status, COUNT(*) AS n FROM ingest_progress WHERE stage = ? GROUP BY status',
      )
      .all(stage);
    for (const row of rows) out[row.status] = row.n;
    return out;
  }
}

/** SHA-256 of local files by path, size and mtime: a rerun over a big LoRA folder does not re-read every byte. */
export class SqliteHashCache {
  private readonly getRow;
  private readonly putRow;

  constructor(db: SqliteDatabase) {
    db.exec(`CREATE TABLE IF NOT EXISTS local_file_hashes (
      path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ms REAL NOT NULL, sha256 TEXT NOT NULL
    ) WITHOUT ROWID`);
    this.getRow = db.prepare<[string, number, number], { sha256: string }>(
      'SELECT sha256 FROM local_file_hashes WHERE path = ? AND size = ? AND mtime_ms = ?',
    );
    this.putRow = db.prepare<[string, number, number, string]>(
      `INSERT INTO local_file_hashes (path, size, mtime_ms, sha256) VALUES (?, ?, ?, ?)
       ON CONFLICT(path) DO UPDATE SET size = excluded.size, mtime_ms = excluded.mtime_ms, sha256 = excluded.sha256`,
    );
  }

  get(file: string, size: number, mtimeMs: number): string | undefined {
    return this.getRow.get(file, size, mtimeMs)?.sha256;
  }

  set(file: string, size: number, mtimeMs: number, sha256: string): void {
    this.putRow.run(file, size, mtimeMs, sha256);
  }
}
