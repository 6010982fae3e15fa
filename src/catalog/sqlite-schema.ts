import type { SqliteDatabase } from '../storage/sqlite.js';
import { FIELD_WEIGHTS } from './store.js';

/** Changes kept in the log: a reader further behind than this starts afresh instead of catching up. */
export const CHANGE_LOG_KEPT = 100_000;

const FTS_OPTIONS = "content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0'";
/** Every field, and the filter's facet tokens. */
const FTS_TABLE = `CREATE VIRTUAL TABLE adapters_fts USING fts5(
  name, triggers, tags, description, prompts, facets, ${FTS_OPTIONS}
)`;
/**
 * Names and trigger words only: where a prompt's common words ("woman", "hair") are rare enough to rank under the
 * postings budget (src/catalog/fts-query.ts).
 */
const HEAD_TABLE = `CREATE VIRTUAL TABLE adapters_head USING fts5(name, triggers, facets, ${FTS_OPTIONS})`;

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
-- Covers count(filter) (asked once per catalog version before each composition): without it, counting one family's
-- safe adapters reads every row of that family, about 0.5 s at 300K adapters.
CREATE INDEX IF NOT EXISTS adapters_filter ON adapters(base_family, nsfw, real_person);
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

/** The FTS5 tables' default ranks: let FTS5 pick the top rows itself (ORDER BY rank LIMIT n); facets weigh nothing. */
function rankFunction(): string {
  const { name, triggers, tags, description, prompts } = FIELD_WEIGHTS;
  return `bm25(${name}, ${triggers}, ${tags}, ${description}, ${prompts}, 0)`;
}

function headRankFunction(): string {
  return `bm25(${FIELD_WEIGHTS.name}, ${FIELD_WEIGHTS.triggers}, 0)`;
}

/**
 * Creates the catalog tables, or brings an older file up to date: a full-text index without the `facets` column is
 * rebuilt from the stored records (once; every row is read then). Writes nothing when the file is current, so
 * opening a catalog another process is writing never waits for its lock.
 */
export function migrateCatalogSchema(db: SqliteDatabase, ftsColumns: (record: string) => string[]): void {
  const exists = (name: string) => db.prepare('SELECT 1 FROM sqlite_master WHERE name = ?').get(name) !== undefined;
  const ftsSql = db
    .prepare<[], { sql: string }>("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'adapters_fts'")
    .get()?.sql;
  const current =
    ftsSql?.includes('facets') &&
    ['catalog_changes', 'adapters_vocab', 'adapters_head', 'adapters_head_vocab', 'adapters_filter'].every(exists) &&
    db.prepare<[], { v: string }>("SELECT v FROM adapters_fts_config WHERE k = 'rank'").get()?.v === rankFunction();
  if (current) return;
  db.transaction(() => {
    db.exec(SCHEMA);
    if (!ftsSql?.includes('facets') || !exists('adapters_head')) {
      for (const table of ['adapters_vocab', 'adapters_fts', 'adapters_head_vocab', 'adapters_head']) {
        db.exec(`DROP TABLE IF EXISTS ${table}`);
      }
      db.exec(FTS_TABLE);
      db.exec(HEAD_TABLE);
      const insert = db.prepare(
        'INSERT INTO adapters_fts (rowid, name, triggers, tags, description, prompts, facets) VALUES (?, ?, ?, ?, ?, ?, ?)',
      );
      const insertHead = db.prepare('INSERT INTO adapters_head (rowid, name, triggers, facets) VALUES (?, ?, ?, ?)');
      for (const row of db.prepare<[], { rowid: number; record: string }>('SELECT rowid, record FROM adapters').all()) {
        const [name, triggers, tags, description, prompts, facets] = ftsColumns(row.record);
        insert.run(row.rowid, name, triggers, tags, description, prompts, facets);
        insertHead.run(row.rowid, name, triggers, facets);
      }
    }
    db.exec('CREATE VIRTUAL TABLE IF NOT EXISTS adapters_vocab USING fts5vocab(adapters_fts, row)');
    db.exec('CREATE VIRTUAL TABLE IF NOT EXISTS adapters_head_vocab USING fts5vocab(adapters_head, row)');
    db.prepare("INSERT INTO adapters_fts (adapters_fts, rank) VALUES ('rank', ?)").run(rankFunction());
    db.prepare("INSERT INTO adapters_head (adapters_head, rank) VALUES ('rank', ?)").run(headRankFunction());
  })();
}
