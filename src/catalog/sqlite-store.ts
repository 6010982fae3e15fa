import { openDatabase, type SqliteDatabase } from '../storage/sqlite.js';
import type { Adapter } from './adapter.js';
import { parseAdapter } from './adapter.js';
import {
  type AdapterFilter,
  type AdapterStore,
  type CatalogStats,
  FIELD_WEIGHTS,
  type ScoredId,
  type StoredVector,
} from './store.js';
import { distinctTerms, terms } from './text.js';

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
CREATE VIRTUAL TABLE IF NOT EXISTS adapters_fts USING fts5(
  name, triggers, tags, description, prompts,
  content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0'
);
CREATE VIRTUAL TABLE IF NOT EXISTS adapters_vocab USING fts5vocab(adapters_fts, row);
CREATE TABLE IF NOT EXISTS adapter_vectors (
  adapter_rowid INTEGER PRIMARY KEY REFERENCES adapters(rowid) ON DELETE CASCADE,
  model TEXT NOT NULL,
  dims INTEGER NOT NULL,
  vector BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS catalog_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT OR IGNORE INTO catalog_meta (key, value) VALUES ('version', '0');
`;

/** Query terms in more than this share of documents carry almost no BM25 weight; dropping them keeps queries fast. */
const MAX_TERM_DOCUMENT_SHARE = 0.25;
/** At most this many query terms go to FTS5 (the rarest win). */
const MAX_QUERY_TERMS = 48;

interface VectorIndex {
  version: string;
  dims: number;
  ids: string[];
  records: Pick<Adapter, 'baseFamily' | 'category' | 'source' | 'nsfw' | 'realPerson' | 'id'>[];
  /** Row-major, L2-normalised. */
  matrix: Float32Array;
}

/** Index text of one record, field by field, pre-tokenised so FTS5 and Qdrant see the same terms. */
export function indexFields(adapter: Adapter) {
  const join = (values: readonly string[]) => terms(values.join(' \n ')).join(' ');
  return {
    name: join([adapter.name]),
    triggers: join(adapter.triggerWords),
    tags: join(adapter.tags),
    description: join([adapter.description, adapter.refined ? adapter.originalDescription : '']),
    prompts: join(adapter.examplePrompts),
  };
}

function filterSql(filter: AdapterFilter | undefined, alias = 'a'): { sql: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (!filter?.allowNsfw) clauses.push(`${alias}.nsfw = 0`);
  if (!filter?.allowRealPerson) clauses.push(`${alias}.real_person = 0`);
  const inList = (column: string, values: readonly string[] | undefined, negate = false) => {
    if (!values) return;
    if (values.length === 0) {
      if (!negate) clauses.push('0');
      return;
    }
    clauses.push(`${alias}.${column} ${negate ? 'NOT IN' : 'IN'} (${values.map(() => '?').join(',')})`);
    params.push(...values);
  };
  inList('base_family', filter?.baseFamilies);
  inList('category', filter?.categories);
  inList('source', filter?.sources);
  const excluded = filter?.excludeIds ? [...filter.excludeIds] : undefined;
  inList('id', excluded, true);
  return { sql: clauses.length ? clauses.join(' AND ') : '1', params };
}

function quoteTerm(term: string): string {
  return `"${term.replaceAll('"', '""')}"`;
}

export class SqliteAdapterStore implements AdapterStore {
  private vectorIndex: VectorIndex | undefined;
  private readonly db: SqliteDatabase;
  private readonly ownsDb: boolean;

  /** Opens a store on a SQLite file path, or on an open database shared with other parts of the process. */
  constructor(fileOrDb: string | SqliteDatabase) {
    this.ownsDb = typeof fileOrDb === 'string';
    this.db = typeof fileOrDb === 'string' ? openDatabase(fileOrDb) : fileOrDb;
    this.db.exec(SCHEMA);
  }

  get database(): SqliteDatabase {
    return this.db;
  }

  async upsert(adapters: readonly Adapter[]): Promise<void> {
    this.upsertSync(adapters);
  }

  /** The synchronous form, for bulk loads inside one transaction. */
  upsertSync(adapters: readonly Adapter[]): void {
    if (adapters.length === 0) return;
    const findRow = this.db.prepare<[string], { rowid: number; record: string }>(
      'SELECT rowid, record FROM adapters WHERE id = ?',
    );
    const insert = this.db.prepare(
      'INSERT INTO adapters (id, source, base_family, category, nsfw, real_person, record) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    const update = this.db.prepare(
      'UPDATE adapters SET source = ?, base_family = ?, category = ?, nsfw = ?, real_person = ?, record = ? WHERE rowid = ?',
    );
    const deleteFts = this.db.prepare('DELETE FROM adapters_fts WHERE rowid = ?');
    const insertFts = this.db.prepare(
      'INSERT INTO adapters_fts (rowid, name, triggers, tags, description, prompts) VALUES (?, ?, ?, ?, ?, ?)',
    );
    this.db.transaction(() => {
      for (const adapter of adapters) {
        const record = JSON.stringify(adapter);
        const existing = findRow.get(adapter.id);
        const columns = [
          adapter.source,
          adapter.baseFamily,
          adapter.category,
          adapter.nsfw ? 1 : 0,
          adapter.realPerson ? 1 : 0,
          record,
        ] as const;
        let rowid: number;
        if (existing) {
          if (existing.record === record) continue;
          update.run(...columns, existing.rowid);
          deleteFts.run(existing.rowid);
          rowid = existing.rowid;
        } else {
          rowid = Number(insert.run(adapter.id, ...columns).lastInsertRowid);
        }
        const fields = indexFields(adapter);
        insertFts.run(rowid, fields.name, fields.triggers, fields.tags, fields.description, fields.prompts);
      }
      this.bumpVersion();
    })();
  }

  async get(id: string): Promise<Adapter | undefined> {
    const row = this.db.prepare<[string], { record: string }>('SELECT record FROM adapters WHERE id = ?').get(id);
    return row ? parseStored(row.record) : undefined;
  }

  async getMany(ids: readonly string[]): Promise<Adapter[]> {
    if (ids.length === 0) return [];
    const byId = new Map<string, Adapter>();
    const select = this.db.prepare<[string], { record: string }>('SELECT record FROM adapters WHERE id = ?');
    for (const id of new Set(ids)) {
      const row = select.get(id);
      if (row) byId.set(id, parseStored(row.record));
    }
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  async delete(ids: readonly string[]): Promise<void> {
    const findRow = this.db.prepare<[string], { rowid: number }>('SELECT rowid FROM adapters WHERE id = ?');
    const deleteFts = this.db.prepare('DELETE FROM adapters_fts WHERE rowid = ?');
    const deleteRow = this.db.prepare('DELETE FROM adapters WHERE rowid = ?');
    this.db.transaction(() => {
      for (const id of ids) {
        const row = findRow.get(id);
        if (!row) continue;
        deleteFts.run(row.rowid);
        deleteRow.run(row.rowid);
      }
      this.bumpVersion();
    })();
  }

  async count(filter?: AdapterFilter): Promise<number> {
    const where = filterSql(filter ?? { allowNsfw: true, allowRealPerson: true });
    const row = this.db
      .prepare<unknown[], { n: number }>(`SELECT count(*) AS n FROM adapters a WHERE ${where.sql}`)
      .get(...where.params);
    return row?.n ?? 0;
  }

  async stats(): Promise<CatalogStats> {
    const group = (column: string) =>
      Object.fromEntries(
        this.db
          .prepare<[], { key: string; n: number }>(
            `SELECT ${column} AS key, count(*) AS n FROM adapters GROUP BY ${column} ORDER BY n DESC`,
          )
          .all()
          .map((row) => [row.key, row.n]),
      );
    const total = this.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM adapters').get()?.n ?? 0;
    const withVectors = this.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM adapter_vectors').get()?.n ?? 0;
    return {
      total,
      by_base: group('base_family'),
      by_source: group('source'),
      by_category: group('category'),
      with_vectors: withVectors,
    };
  }

  async list(options: { after?: string; limit: number; filter?: AdapterFilter }): Promise<Adapter[]> {
    const where = filterSql(options.filter ?? { allowNsfw: true, allowRealPerson: true });
    const rows = this.db
      .prepare<unknown[], { record: string }>(
        `SELECT record FROM adapters a WHERE a.id > ? AND ${where.sql} ORDER BY a.id LIMIT ?`,
      )
      .all(options.after ?? '', ...where.params, options.limit);
    return rows.map((row) => parseStored(row.record));
  }

  async searchText(query: string, options: { limit: number; filter?: AdapterFilter }): Promise<ScoredId[]> {
    const queryTerms = this.selectQueryTerms(distinctTerms(query));
    if (queryTerms.length === 0 || options.limit <= 0) return [];
    const where = filterSql(options.filter);
    const { name, triggers, tags, description, prompts } = FIELD_WEIGHTS;
    const rows = this.db
      .prepare<unknown[], { id: string; rank: number }>(
        `SELECT a.id AS id, bm25(adapters_fts, ${name}, ${triggers}, ${tags}, ${description}, ${prompts}) AS rank
         FROM adapters_fts JOIN adapters a ON a.rowid = adapters_fts.rowid
         WHERE adapters_fts MATCH ? AND ${where.sql}
         ORDER BY rank LIMIT ?`,
      )
      .all(queryTerms.map(quoteTerm).join(' OR '), ...where.params, options.limit);
    // FTS5's bm25() is negative, lower is better: flip it so higher is better like every other score.
    return rows.map((row) => ({ id: row.id, score: -row.rank }));
  }

  /** Drops terms unknown to the index or present in most documents, keeps the rarest ones. */
  private selectQueryTerms(queryTerms: string[]): string[] {
    if (queryTerms.length === 0) return [];
    const total = this.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM adapters').get()?.n ?? 0;
    const lookup = this.db.prepare<[string], { doc: number }>('SELECT doc FROM adapters_vocab WHERE term = ?');
    const known = queryTerms
      .map((term) => ({ term, doc: lookup.get(term)?.doc ?? 0 }))
      .filter((entry) => entry.doc > 0 && (total < 20 || entry.doc <= total * MAX_TERM_DOCUMENT_SHARE));
    known.sort((a, b) => a.doc - b.doc);
    return known.slice(0, MAX_QUERY_TERMS).map((entry) => entry.term);
  }

  async searchVector(vector: Float32Array, options: { limit: number; filter?: AdapterFilter }): Promise<ScoredId[]> {
    const index = this.loadVectorIndex();
    if (!index || index.ids.length === 0 || options.limit <= 0) return [];
    if (vector.length !== index.dims) {
      throw new Error(`query vector has ${vector.length} dimensions, the catalog's vectors have ${index.dims}`);
    }
    const query = normalised(vector);
    const filter = options.filter;
    const excluded = filter?.excludeIds ? new Set(filter.excludeIds) : undefined;
    const top = new TopK(options.limit);
    const { dims, matrix, records } = index;
    for (let row = 0; row < records.length; row++) {
      const record = records[row] as VectorIndex['records'][number];
      if (!filter?.allowNsfw && record.nsfw) continue;
      if (!filter?.allowRealPerson && record.realPerson) continue;
      if (filter?.baseFamilies && !filter.baseFamilies.includes(record.baseFamily)) continue;
      if (filter?.categories && !filter.categories.includes(record.category)) continue;
      if (filter?.sources && !filter.sources.includes(record.source)) continue;
      if (excluded?.has(record.id)) continue;
      let dot = 0;
      const offset = row * dims;
      for (let d = 0; d < dims; d++) dot += (matrix[offset + d] as number) * (query[d] as number);
      top.push(record.id, dot);
    }
    return top.sorted();
  }

  async setVectors(vectors: readonly StoredVector[], model: string): Promise<void> {
    const findRow = this.db.prepare<[string], { rowid: number }>('SELECT rowid FROM adapters WHERE id = ?');
    const upsert = this.db.prepare(
      'INSERT INTO adapter_vectors (adapter_rowid, model, dims, vector) VALUES (?, ?, ?, ?) ' +
        'ON CONFLICT(adapter_rowid) DO UPDATE SET model = excluded.model, dims = excluded.dims, vector = excluded.vector',
    );
    this.db.transaction(() => {
      for (const { id, vector } of vectors) {
        const row = findRow.get(id);
        if (!row) continue;
        upsert.run(row.rowid, model, vector.length, Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength));
      }
      this.bumpVersion();
    })();
  }

  async getVectors(ids: readonly string[]): Promise<StoredVector[]> {
    const select = this.db.prepare<[string], { vector: Buffer }>(
      'SELECT v.vector AS vector FROM adapter_vectors v JOIN adapters a ON a.rowid = v.adapter_rowid WHERE a.id = ?',
    );
    return ids.flatMap((id) => {
      const row = select.get(id);
      return row ? [{ id, vector: bufferToFloat32(row.vector) }] : [];
    });
  }

  async idsWithoutVector(model: string, limit: number): Promise<string[]> {
    return this.db
      .prepare<[string, number], { id: string }>(
        `SELECT a.id AS id FROM adapters a LEFT JOIN adapter_vectors v ON v.adapter_rowid = a.rowid
         WHERE v.adapter_rowid IS NULL OR v.model != ? ORDER BY a.rowid LIMIT ?`,
      )
      .all(model, limit)
      .map((row) => row.id);
  }

  async version(): Promise<string> {
    return this.currentVersion();
  }

  async close(): Promise<void> {
    this.vectorIndex = undefined;
    if (this.ownsDb && this.db.open) this.db.close();
  }

  private currentVersion(): string {
    return (
      this.db.prepare<[], { value: string }>("SELECT value FROM catalog_meta WHERE key = 'version'").get()?.value ?? '0'
    );
  }

  private bumpVersion(): void {
    this.db
      .prepare("UPDATE catalog_meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'version'")
      .run();
  }

  /** Loads every vector into one normalised matrix, again only when the catalog changed (any process). */
  private loadVectorIndex(): VectorIndex | undefined {
    const version = this.currentVersion();
    if (this.vectorIndex?.version === version) return this.vectorIndex;
    const rows = this.db
      .prepare<[], { id: string; dims: number; vector: Buffer; record: string }>(
        'SELECT a.id AS id, v.dims AS dims, v.vector AS vector, a.record AS record FROM adapter_vectors v JOIN adapters a ON a.rowid = v.adapter_rowid ORDER BY a.rowid',
      )
      .all();
    const dims = rows[0]?.dims ?? 0;
    const usable = rows.filter((row) => row.dims === dims);
    const matrix = new Float32Array(usable.length * dims);
    const records: VectorIndex['records'] = [];
    usable.forEach((row, index) => {
      matrix.set(normalised(bufferToFloat32(row.vector)), index * dims);
      const { id, baseFamily, category, source, nsfw, realPerson } = JSON.parse(row.record) as Adapter;
      records.push({ id, baseFamily, category, source, nsfw, realPerson });
    });
    this.vectorIndex = { version, dims, ids: records.map((record) => record.id), records, matrix };
    return this.vectorIndex;
  }
}

function parseStored(record: string): Adapter {
  return parseAdapter(JSON.parse(record));
}

function bufferToFloat32(buffer: Buffer): Float32Array {
  // Copy: a Buffer from SQLite may not be 4-byte aligned.
  const copy = new Uint8Array(buffer.byteLength);
  copy.set(buffer);
  return new Float32Array(copy.buffer);
}

export function normalised(vector: Float32Array): Float32Array {
  let norm = 0;
  for (const value of vector) norm += value * value;
  norm = Math.sqrt(norm);
  if (norm === 0) return new Float32Array(vector.length);
  const out = new Float32Array(vector.length);
  for (let i = 0; i < vector.length; i++) out[i] = (vector[i] as number) / norm;
  return out;
}

/** Keeps the k best (id, score) pairs seen, with a small min-heap. */
class TopK {
  private readonly heap: ScoredId[] = [];
  constructor(private readonly k: number) {}

  push(id: string, score: number): void {
    const heap = this.heap;
    if (heap.length < this.k) {
      heap.push({ id, score });
      this.siftUp(heap.length - 1);
    } else if (score > (heap[0] as ScoredId).score) {
      heap[0] = { id, score };
      this.siftDown(0);
    }
  }

  sorted(): ScoredId[] {
    return [...this.heap].sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
  }

  private siftUp(index: number): void {
    const heap = this.heap;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if ((heap[parent] as ScoredId).score <= (heap[index] as ScoredId).score) break;
      [heap[parent], heap[index]] = [heap[index] as ScoredId, heap[parent] as ScoredId];
      index = parent;
    }
  }

  private siftDown(index: number): void {
    const heap = this.heap;
    for (;;) {
      const left = index * 2 + 1;
      const right = left + 1;
      let smallest = index;
      if (left < heap.length && (heap[left] as ScoredId).score < (heap[smallest] as ScoredId).score) smallest = left;
      if (right < heap.length && (heap[right] as ScoredId).score < (heap[smallest] as ScoredId).score) smallest = right;
      if (smallest === index) return;
      [heap[smallest], heap[index]] = [heap[index] as ScoredId, heap[smallest] as ScoredId];
      index = smallest;
    }
  }
}
