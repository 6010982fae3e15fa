import type { SqliteDatabase } from '../storage/sqlite.js';
import { FIELD_WEIGHTS } from './store.js';

/** Changes kept in the log: a reader further behind than this starts afresh instead of catching up. */
export const CHANGE_LOG_KEPT = 100_000;

const FTS_TABLE = `CREATE VIRTUAL TABLE adapters_fts USING fts5(
  name, triggers, tags, description, prompts, facets,
  content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0'
)`;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS adapters (
  rowid INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  source TEXT NOT NULL,
  base_family TEXT NOT NULL,
  category TEXT NOT NULL,
  nsfw INTEGER NOT NULL,
  real_person INTEGER NOT NULL,
  record TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS adapters_base_family ON adapters(base_family);
CREATE TABLE IF NOT EXISTS adapter_vectors (
  adapter_rowid INTEGER PRIMARY KEY REFERENCES adapters(rowid) ON DELETE CASCADE,
  model TEXT NOT NULL,
  dims INTEGER NOT NULL,
  vector BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS catalog_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT OR IGNORE INTO catalog_meta (key, value) VALUES ('version', '0');
CREATE TABLE IF NOT EXISTS catalog_changes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  adapter_rowid INTEGER NOT NULL,
  id TEXT NOT NULL,
  kind TEXT NOT NULL
);
`;

/** The FTS5 table's default rank: lets FTS5 pick the top rows itself (ORDER BY rank LIMIT n); facets weigh nothing. */
function rankFunction(): string {
  const { name, triggers, tags, description, prompts } = FIELD_WEIGHTS;
  return `bm25(${name}, ${triggers}, ${tags}, ${description}, ${prompts}, 0)`;
}

/**
 * Creates the catalog tables, or brings an older file up to date: a full-text index without the `facets` column is
 * rebuilt from the stored records (once; every row is read then). Writes nothing when the file is current, so
 * opening a catalog another process is writing never waits for its lock.
 */
export function migrateCatalogSchema(db: SqliteDatabase, ftsColumns: (record: string) => string[]): void {
  const ftsSql = db
    .prepare<[], { sql: string }>("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'adapters_fts'")
    .get()?.sql;
  const current =
    ftsSql?.includes('facets') &&
    db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'catalog_changes'").get() !== undefined &&
    db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'adapters_vocab'").get() !== undefined &&
    db.prepare<[], { v: string }>("SELECT v FROM adapters_fts_config WHERE k = 'rank'").get()?.v === rankFunction();
  if (current) return;
  db.transaction(() => {
    db.exec(SCHEMA);
    if (!ftsSql?.includes('facets')) {
      db.exec('DROP TABLE IF EXISTS adapters_vocab');
      db.exec('DROP TABLE IF EXISTS adapters_fts');
      db.exec(FTS_TABLE);
      const insert = db.prepare(
        'INSERT INTO adapters_fts (rowid, name, triggers, tags, description, prompts, facets) VALUES (?, ?, ?, ?, ?, ?, ?)',
      );
      for (const row of db.prepare<[], { rowid: number; record: string }>('SELECT rowid, record FROM adapters').all()) {
        insert.run(row.rowid, ...ftsColumns(row.record));
      }
    }
    db.exec('CREATE VIRTUAL TABLE IF NOT EXISTS adapters_vocab USING fts5vocab(adapters_fts, row)');
    db.prepare("INSERT INTO adapters_fts (adapters_fts, rank) VALUES ('rank', ?)").run(rankFunction());
  })();
}
