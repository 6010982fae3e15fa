import { openDatabase, type SqliteDatabase } from '../storage/sqlite.js';
import type { Adapter } from './adapter.js';
import { parseAdapter } from './adapter.js';
import { selectQueryTerms } from './bm25.js';
import {
  type AdapterFilter,
  type AdapterStore,
  type CatalogStats,
  FIELD_WEIGHTS,
  type IdentityFrequencies,
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
CREATE VIRTUAL TABLE IF NOT EXISTS adapters_vocab_col USING fts5vocab(adapters_fts, col);
CREATE TABLE IF NOT EXISTS adapter_vectors (
  adapter_rowid INTEGER PRIMARY KEY REFERENCES adapters(rowid) ON DELETE CASCADE,
  model TEXT NOT NULL,
  dims INTEGER NOT NULL,
  vector BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS catalog_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT OR IGNORE INTO catalog_meta (key, value) VALUES ('version', '0');
`;

/** Parsed records kept in memory between queries. */
const RECORD_CACHE_SIZE = 20_000;

interface RowAttributes {
  id: string;
  baseFamily: Adapter['baseFamily'];
  category: Adapter['category'];
  source: Adapter['source'];
  nsfw: boolean;
  realPerson: boolean;
}

/** What searches keep in memory for one catalog version; rebuilt lazily when any process changes the catalog. */
interface CatalogSnapshot {
  version: string;
  total: number;
  attributes: Map<number, RowAttributes>;
  documentFrequency: Map<string, number>;
  records: Map<string, Adapter>;
}

interface VectorIndex {
  version: string;
  dims: number;
  ids: string[];
  records: RowAttributes[];
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

function passesFilter(
  row: RowAttributes,
  filter: AdapterFilter | undefined,
  excluded: ReadonlySet<string> | undefined,
): boolean {
  if (!filter?.allowNsfw && row.nsfw) return false;
  if (!filter?.allowRealPerson && row.realPerson) return false;
  if (filter?.baseFamilies && !filter.baseFamilies.includes(row.baseFamily)) return false;
  if (filter?.categories && !filter.categories.includes(row.category)) return false;
  if (filter?.sources && !filter.sources.includes(row.source)) return false;
  return !excluded?.has(row.id);
}

function quoteTerm(term: string): string {
  return `"${term.replaceAll('"', '""')}"`;
}

export class SqliteAdapterStore implements AdapterStore {
  private vectorIndex: VectorIndex | undefined;
  private snapshotCache: CatalogSnapshot | undefined;
  private readonly db: SqliteDatabase;
  private readonly ownsDb: boolean;

  /** Opens a store on a SQLite file path, or on an open database shared with other parts of the process. */
  constructor(fileOrDb: string | SqliteDatabase) {
    this.ownsDb = typeof fileOrDb === 'string';
    this.db = typeof fileOrDb === 'string' ? openDatabase(fileOrDb) : fileOrDb;
    this.db.exec(SCHEMA);
    const { name, triggers, tags, description, prompts } = FIELD_WEIGHTS;
    // The default rank of the FTS table: lets FTS5 pick the top rows itself (ORDER BY rank LIMIT n).
    this.db
      .prepare("INSERT INTO adapters_fts (adapters_fts, rank) VALUES ('rank', ?)")
      .run(`bm25(${name}, ${triggers}, ${tags}, ${description}, ${prompts})`);
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
    this.db
      .transaction(() => {
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
      })
      .immediate();
  }

  async get(id: string): Promise<Adapter | undefined> {
    return (await this.getMany([id]))[0];
  }

  async getMany(ids: readonly string[]): Promise<Adapter[]> {
    if (ids.length === 0) return [];
    const snapshot = this.snapshot();
    const select = this.db.prepare<[string], { record: string }>('SELECT record FROM adapters WHERE id = ?');
    const out: Adapter[] = [];
    for (const id of ids) {
      let adapter = snapshot.records.get(id);
      if (!adapter) {
        const row = select.get(id);
        if (!row) continue;
        adapter = parseStored(row.record);
        if (snapshot.records.size >= RECORD_CACHE_SIZE) snapshot.records.clear();
        snapshot.records.set(id, adapter);
      }
      out.push(adapter);
    }
    return out;
  }

  async delete(ids: readonly string[]): Promise<void> {
    const findRow = this.db.prepare<[string], { rowid: number }>('SELECT rowid FROM adapters WHERE id = ?');
    const deleteFts = this.db.prepare('DELETE FROM adapters_fts WHERE rowid = ?');
    const deleteRow = this.db.prepare('DELETE FROM adapters WHERE rowid = ?');
    this.db
      .transaction(() => {
        for (const id of ids) {
          const row = findRow.get(id);
          if (!row) continue;
          deleteFts.run(row.rowid);
          deleteRow.run(row.rowid);
        }
        this.bumpVersion();
      })
      .immediate();
  }

  async count(filter?: AdapterFilter): Promise<number> {
    const where = filterSql(filter ?? { allowNsfw: true, allowRealPerson: true });
    const row = this.db
      .prepare<unknown[], { n: number }>(`SELECT count(*) AS n FROM adapters a WHERE ${where.sql}`)
      .get(...where.params);
    return row?.n ?? 0;
  }

  async identityFrequencies(terms: readonly string[]): Promise<IdentityFrequencies> {
    const counts = new Map<string, number>();
    const unique = [...new Set(terms)].slice(0, 200);
    if (unique.length > 0) {
      // A lower bound of the union over the three fields: the largest of them (FTS5 counts per column).
      const rows = this.db
        .prepare<unknown[], { term: string; doc: number }>(
          `SELECT term, max(doc) AS doc FROM adapters_vocab_col WHERE col IN ('name', 'triggers', 'tags') AND term IN (${unique.map(() => '?').join(',')}) GROUP BY term`,
        )
        .all(...unique);
      for (const row of rows) counts.set(row.term, row.doc);
    }
    const total = this.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM adapters').get()?.n ?? 0;
    return { total, counts };
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
    if (options.limit <= 0) return [];
    const snapshot = this.snapshot();
    const queryTerms = this.selectQueryTerms(distinctTerms(query), snapshot);
    if (queryTerms.length === 0) return [];
    const match = queryTerms.map(quoteTerm).join(' OR ');
    const excluded = options.filter?.excludeIds ? new Set(options.filter.excludeIds) : undefined;
    const select = this.db.prepare<[string, number], { rowid: number; rank: number }>(
      'SELECT rowid, rank FROM adapters_fts WHERE adapters_fts MATCH ? ORDER BY rank LIMIT ?',
    );
    // FTS5 ranks without looking at the filter, so fetch more than asked and widen until enough rows pass it.
    let fetch = Math.max(options.limit * 4, 200);
    for (;;) {
      const rows = select.all(match, fetch);
      const hits: ScoredId[] = [];
      for (const row of rows) {
        const attributes = snapshot.attributes.get(row.rowid);
        if (!attributes || !passesFilter(attributes, options.filter, excluded)) continue;
        // FTS5's bm25() is negative, lower is better: flip it so higher is better like every other score.
        hits.push({ id: attributes.id, score: -row.rank });
        if (hits.length === options.limit) return hits;
      }
      if (rows.length < fetch) return hits;
      fetch *= 4;
    }
  }

  /** Document frequencies from FTS5's vocabulary, then the shared selection (src/catalog/bm25.ts). */
  private selectQueryTerms(queryTerms: string[], snapshot: CatalogSnapshot): string[] {
    const lookup = this.db.prepare<[string], { doc: number }>('SELECT doc FROM adapters_vocab WHERE term = ?');
    const frequencies = queryTerms.map((term) => {
      let documents = snapshot.documentFrequency.get(term);
      if (documents === undefined) {
        documents = lookup.get(term)?.doc ?? 0;
        snapshot.documentFrequency.set(term, documents);
      }
      return { term, documents };
    });
    return selectQueryTerms(frequencies, snapshot.total).map((entry) => entry.term);
  }

  async searchVector(vector: Float32Array, options: { limit: number; filter?: AdapterFilter }): Promise<ScoredId[]> {
    if (options.limit <= 0) return [];
    const index = this.loadVectorIndex(vector.length);
    if (index.ids.length === 0) {
      const other = this.db.prepare<[], { dims: number }>('SELECT dims FROM adapter_vectors LIMIT 1').get();
      if (other) {
        throw new Error(
          `query vector has ${vector.length} dimensions, the catalog's vectors have ${other.dims}: run stylus embed`,
        );
      }
      return [];
    }
    const query = normalised(vector);
    const excluded = options.filter?.excludeIds ? new Set(options.filter.excludeIds) : undefined;
    const top = new TopK(options.limit);
    const { dims, matrix, records } = index;
    for (let row = 0; row < records.length; row++) {
      const record = records[row] as RowAttributes;
      if (!passesFilter(record, options.filter, excluded)) continue;
      top.push(record.id, dotProduct(matrix, row * dims, query));
    }
    return top.sorted();
  }

  async setVectors(vectors: readonly StoredVector[], model: string): Promise<void> {
    const findRow = this.db.prepare<[string], { rowid: number }>('SELECT rowid FROM adapters WHERE id = ?');
    const upsert = this.db.prepare(
      'INSERT INTO adapter_vectors (adapter_rowid, model, dims, vector) VALUES (?, ?, ?, ?) ' +
        'ON CONFLICT(adapter_rowid) DO UPDATE SET model = excluded.model, dims = excluded.dims, vector = excluded.vector',
    );
    this.db
      .transaction(() => {
        for (const { id, vector } of vectors) {
          const row = findRow.get(id);
          if (!row) continue;
          upsert.run(row.rowid, model, vector.length, Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength));
        }
        this.bumpVersion();
      })
      .immediate();
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

  /** Row attributes and caches for the current catalog version; rebuilt when any process changed the catalog. */
  private snapshot(): CatalogSnapshot {
    const version = this.currentVersion();
    if (this.snapshotCache?.version === version) return this.snapshotCache;
    const attributes = new Map<number, RowAttributes>();
    const rows = this.db
      .prepare<
        [],
        {
          rowid: number;
          id: string;
          source: string;
          base_family: string;
          category: string;
          nsfw: number;
          real_person: number;
        }
      >('SELECT rowid, id, source, base_family, category, nsfw, real_person FROM adapters')
      .all();
    for (const row of rows) {
      attributes.set(row.rowid, {
        id: row.id,
        source: row.source as RowAttributes['source'],
        baseFamily: row.base_family as RowAttributes['baseFamily'],
        category: row.category as RowAttributes['category'],
        nsfw: row.nsfw === 1,
        realPerson: row.real_person === 1,
      });
    }
    this.snapshotCache = { version, total: rows.length, attributes, documentFrequency: new Map(), records: new Map() };
    return this.snapshotCache;
  }

  /** Loads every vector into one normalised matrix, again only when the catalog changed (any process). */
  /**
   * Vectors of the query's size only: while a catalog is re-embedded with a model of another size, the records
   * already done are searchable and the rest wait, instead of dense search stopping for everyone.
   */
  private loadVectorIndex(dims: number): VectorIndex {
    const snapshot = this.snapshot();
    if (this.vectorIndex?.version === snapshot.version && this.vectorIndex.dims === dims) return this.vectorIndex;
    const rows = this.db
      .prepare<[number], { rowid: number; vector: Buffer }>(
        'SELECT adapter_rowid AS rowid, vector FROM adapter_vectors WHERE dims = ? ORDER BY adapter_rowid',
      )
      .all(dims);
    const usable = rows.filter((row) => snapshot.attributes.has(row.rowid));
    const matrix = new Float32Array(usable.length * dims);
    const records: RowAttributes[] = [];
    usable.forEach((row, index) => {
      matrix.set(normalised(bufferToFloat32(row.vector)), index * dims);
      records.push(snapshot.attributes.get(row.rowid) as RowAttributes);
    });
    this.vectorIndex = { version: snapshot.version, dims, ids: records.map((record) => record.id), records, matrix };
    return this.vectorIndex;
  }
}

/**
 * Records were validated by the schema on the way in and stored in its output form (defaults filled), so reading one
 * back needs no second validation; the schema runs again only on records written before a field existed.
 */
function parseStored(record: string): Adapter {
  const value = JSON.parse(record) as Adapter;
  return STORED_FIELDS.every((field) => field in value) ? value : parseAdapter(value);
}

/** Fields every parsed record has (required ones and those with defaults), read off a minimal record. */
const STORED_FIELDS = Object.keys(parseAdapter({ id: 'local:probe', source: 'local', name: 'probe' }));

function bufferToFloat32(buffer: Buffer): Float32Array {
  // Copy: a Buffer from SQLite may not be 4-byte aligned.
  const copy = new Uint8Array(buffer.byteLength);
  copy.set(buffer);
  return new Float32Array(copy.buffer);
}

/**
 * Dot product of a matrix row with a vector. Four accumulators let the JIT overlap the multiply-adds: about twice
 * as fast as the plain loop on 1024-d vectors, which matters at tens of thousands of rows per query.
 */
function dotProduct(matrix: Float32Array, offset: number, vector: Float32Array): number {
  const dims = vector.length;
  const tail = dims - (dims % 4);
  let a = 0;
  let b = 0;
  let c = 0;
  let e = 0;
  for (let d = 0; d < tail; d += 4) {
    a += (matrix[offset + d] as number) * (vector[d] as number);
    b += (matrix[offset + d + 1] as number) * (vector[d + 1] as number);
    c += (matrix[offset + d + 2] as number) * (vector[d + 2] as number);
    e += (matrix[offset + d + 3] as number) * (vector[d + 3] as number);
  }
  for (let d = tail; d < dims; d++) a += (matrix[offset + d] as number) * (vector[d] as number);
  return a + b + c + e;
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
