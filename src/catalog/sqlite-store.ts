import type { Statement } from 'better-sqlite3';
import { openDatabase, type SqliteDatabase } from '../storage/sqlite.js';
import type { Adapter } from './adapter.js';
import { parseAdapter } from './adapter.js';
import { CatchUpGate } from './catch-up-gate.js';
import { DenseIndex, type DenseIndexKind, type DenseRow } from './dense-index.js';
import { facetTokens, frequencyCap, isFacetToken, planTextQuery, quoteTerm, type TextIndex } from './fts-query.js';
import { LruCache } from './record-cache.js';
import { CHANGE_LOG_KEPT, migrateCatalogSchema } from './sqlite-schema.js';
import type {
  AdapterFilter,
  AdapterStore,
  CatalogStats,
  IdentityFrequencies,
  ScoredId,
  StoredVector,
} from './store.js';
import { distinctTerms, terms } from './text.js';

/**
 * Parsed records kept between queries: a composition reads 150, a few compositions run at once, and the composer's
 * profile of each record (adapter-profile.ts) lives as long as the record. Members' prompts come back to the same few
 * thousand adapters; 4,096 keeps them parsed and profiled (at 2,048, rebuilding them cost a composition on a 300K
 * catalog about 2 ms at p50 and more memory churn than the larger cache holds).
 */
const RECORD_CACHE_SIZE = 4096;
/** Most records (or vectors) per write transaction of the async writers. */
const WRITE_CHUNK = 32;
/** How long one paced write transaction aims to hold the write lock (see inPacedChunks). */
const WRITE_HOLD_TARGET_MS = 5;
/** Changes applied one by one when a store catches up; past this many, it drops its caches and starts afresh. */
const MAX_CHANGES_APPLIED = 20_000;
/**
 * Changes (or deferred vectors) a timer turn applies before it lets other work run: about 3 ms of vectors at 40 us
 * each, several times that on a loaded machine. A bot serving while `stylus embed` writes applies the backlog in
 * slices a query can run between, not in one stretch: slices of 256 still held it 20-100 ms at load 2 on 2 cores.
 */
export const CATCH_UP_SLICE = 64;
/**
 * How long the background catch-up waits in a row for replies in progress (see deferCatchUp): a bound on how late a
 * new vector may reach dense search while a bot is busy without a break.
 */
const MAX_CATCH_UP_DEFERRAL_MS = 250;
/** Share of the catalog that may change before the cached document frequencies (used to plan queries) are re-read. */
const FREQUENCY_DRIFT = 0.01;
/** Cached counts at most: a long-running bot meets new words forever. */
const MAX_CACHED_FREQUENCIES = 50_000;

type ChangeKind = 'insert' | 'update' | 'delete' | 'vector';

interface AttributeRow {
  rowid: number;
  id: string;
  source: string;
  base_family: string;
  category: string;
  nsfw: number;
  real_person: number;
}

export interface SqliteStoreOptions {
  /** How dense search finds neighbours: `exact` (default) scans every vector; `hnsw` for a million and more. */
  denseIndex?: DenseIndexKind;
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

/** The FTS5 columns of a record: its index text, then its filter attributes as facet tokens. */
function ftsColumns(adapter: Adapter): string[] {
  const fields = indexFields(adapter);
  return [fields.name, fields.triggers, fields.tags, fields.description, fields.prompts, facetTokens(adapter)];
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

/**
 * The embedded catalog: records, an FTS5 index with the filter attributes as tokens, and vectors, in the process's
 * SQLite file. Several processes share the file (the bot serves while `stylus ingest` or `stylus embed` writes): every
 * write appends to a change log in the same transaction, and each store catches up from it before it answers, row by
 * row, so a write costs the reader what it changed, never a reload of the catalog. Nothing is read at open: text
 * search needs no rows in memory, and the vectors load on the first dense query.
 */
export class SqliteAdapterStore implements AdapterStore {
  private readonly db: SqliteDatabase;
  private readonly ownsDb: boolean;
  private readonly denseKind: DenseIndexKind;
  private readonly records = new LruCache<string, Adapter>(RECORD_CACHE_SIZE);
  private readonly frequencies = new Map<string, number>();
  private readonly searchStatements = new Map<
    string,
    Statement<unknown[], { id: string; rank: number; record: string }>
  >();
  /**
   * The stored records of the last text search's hits, read by the search statement itself: the retriever asks for
   * them next, and reading them there costs next to nothing (the search just visited their rows), where getMany would
   * seek each again by id (about 1.7 ms of CPU per composition at 300K adapters). Only for the version they were read at.
   */
  private lastHits: { version: string | undefined; records: Map<string, string> } = {
    version: undefined,
    records: new Map(),
  };
  private frequencyChanges = 0;
  private catalogSize: number | undefined;
  private dense: DenseIndex | undefined;
  private seenVersion: string | undefined;
  private seenSeq = 0;
  private keepingCurrent: NodeJS.Timeout | undefined;
  /** A timer turn's remaining slices, while it has more changes to apply than one slice. */
  private catchingUp: NodeJS.Immediate | undefined;
  /** Rows whose new vector a query left for the timer to apply (see catchUp). */
  private readonly pendingVectors = new Set<number>();
  private readonly catchUpGate = new CatchUpGate(MAX_CATCH_UP_DEFERRAL_MS);
  private readonly statements: ReturnType<typeof prepareStatements>;

  /** Opens a store on a SQLite file path, or on an open database shared with other parts of the process. */
  constructor(fileOrDb: string | SqliteDatabase, options: SqliteStoreOptions = {}) {
    this.ownsDb = typeof fileOrDb === 'string';
    this.db = typeof fileOrDb === 'string' ? openDatabase(fileOrDb) : fileOrDb;
    this.denseKind = options.denseIndex ?? 'exact';
    migrateCatalogSchema(this.db, (record) => ftsColumns(parseStored(record)));
    this.statements = prepareStatements(this.db);
    this.seenVersion = this.currentVersion();
    this.seenSeq = this.statements.lastSeq.get()?.seq ?? 0;
  }

  get database(): SqliteDatabase {
    return this.db;
  }

  /**
   * In transactions of WRITE_CHUNK records, each followed by a pause as long as it held the lock: a bot sharing the
   * file (its own state writes wait for the lock, sleeping in SQLite's busy handler) always finds gaps to write in,
   * instead of waiting out a whole `stylus ingest`.
   */
  async upsert(adapters: readonly Adapter[]): Promise<void> {
    await inPacedChunks(adapters, (chunk) => this.upsertSync(chunk));
  }

  /**
   * The synchronous form, for bulk loads inside one transaction. Writes begin IMMEDIATE: a deferred transaction that
   * read first fails at once (SQLITE_BUSY, no busy wait) when another process wrote in between.
   */
  upsertSync(adapters: readonly Adapter[]): void {
    if (adapters.length === 0) return;
    const { findRow, insert, update, deleteFts, deleteHead } = this.statements;
    this.db
      .transaction(() => {
        const changes: [number, string, ChangeKind][] = [];
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
            deleteHead.run(existing.rowid);
            rowid = existing.rowid;
            changes.push([rowid, adapter.id, 'update']);
          } else {
            rowid = Number(insert.run(adapter.id, ...columns).lastInsertRowid);
            changes.push([rowid, adapter.id, 'insert']);
          }
          this.indexRow(rowid, adapter);
        }
        this.logChanges(changes);
      })
      .immediate();
  }

  async get(id: string): Promise<Adapter | undefined> {
    return (await this.getMany([id]))[0];
  }

  async getMany(ids: readonly string[]): Promise<Adapter[]> {
    if (ids.length === 0) return [];
    this.catchUp();
    const out: Adapter[] = [];
    const hits = this.lastHits.version === this.seenVersion ? this.lastHits.records : undefined;
    for (const id of ids) {
      let adapter = this.records.get(id);
      if (!adapter) {
        const record = hits?.get(id) ?? this.statements.recordById.get(id)?.record;
        if (record === undefined) continue;
        adapter = parseStored(record);
        this.records.set(id, adapter);
      }
      out.push(adapter);
    }
    return out;
  }

  async delete(ids: readonly string[]): Promise<void> {
    const { findRow, deleteFts, deleteHead, deleteRow } = this.statements;
    this.db
      .transaction(() => {
        const changes: [number, string, ChangeKind][] = [];
        for (const id of ids) {
          const row = findRow.get(id);
          if (!row) continue;
          deleteFts.run(row.rowid);
          deleteHead.run(row.rowid);
          deleteRow.run(row.rowid);
          changes.push([row.rowid, id, 'delete']);
        }
        this.logChanges(changes);
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

  /**
   * Per term, the adapters holding it in their name, trigger words or tags (the union of the three fields), counted
   * up to the frequency cap (over 5% of the catalog: common, whatever the exact count) and cached like the document
   * frequencies, so the composer's once-per-composition question costs a few map lookups.
   */
  async identityFrequencies(queryTerms: readonly string[]): Promise<IdentityFrequencies> {
    this.catchUp();
    const counts = new Map<string, number>();
    for (const term of new Set(queryTerms)) {
      if (counts.size >= 200) break;
      const key = `identity:${term}`;
      let doc = this.frequencies.get(key);
      if (doc === undefined) {
        doc =
          this.statements.frequency.get(
            `{name triggers tags} : ${quoteTerm(term)}`,
            frequencyCap(this.totalDocuments()),
          )?.doc ?? 0;
        this.frequencies.set(key, doc);
      }
      if (this.frequencies.size > MAX_CACHED_FREQUENCIES) this.frequencies.clear();
      if (doc > 0) counts.set(term, doc);
    }
    return { total: this.totalDocuments(), counts };
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

  /**
   * BM25 by FTS5 under a postings budget (src/catalog/fts-query.ts), the filter applied inside the one statement
   * (facet tokens or SQL, whichever is cheaper) before the limit: hits and their ids come from one state of the file.
   */
  async searchText(query: string, options: { limit: number; filter?: AdapterFilter }): Promise<ScoredId[]> {
    if (options.limit <= 0) return [];
    this.catchUp();
    const plan = planTextQuery(
      distinctTerms(query),
      (term, index) => this.documentFrequency(term, index),
      this.totalDocuments(),
      options.filter,
    );
    if (!plan) return [];
    const table = plan.index === 'all' ? 'adapters_fts' : 'adapters_head';
    const where = plan.filterInSql ? filterSql({ ...options.filter, excludeIds: undefined }) : { sql: '1', params: [] };
    const excluded = options.filter?.excludeIds ? [...options.filter.excludeIds] : [];
    const sql = `SELECT a.id AS id, f.rank AS rank, a.record AS record FROM ${table} f JOIN adapters a ON a.rowid = f.rowid
      WHERE ${table} MATCH ? AND ${where.sql}${excluded.length > 0 ? ' AND a.id NOT IN (SELECT value FROM json_each(?))' : ''}
      ORDER BY f.rank LIMIT ?`;
    const params = [
      plan.match,
      ...where.params,
      ...(excluded.length > 0 ? [JSON.stringify(excluded)] : []),
      options.limit,
    ];
    const rows = this.prepared(sql).all(...params);
    this.lastHits = { version: this.seenVersion, records: new Map(rows.map((row) => [row.id, row.record])) };
    // FTS5's bm25() is negative, lower is better: flip it so higher is better like every other score.
    return rows.map((row) => ({ id: row.id, score: -row.rank }));
  }

  /** Statements of the few shapes searchText builds, prepared once each. */
  private prepared(sql: string) {
    let statement = this.searchStatements.get(sql);
    if (!statement) {
      statement = this.db.prepare<unknown[], { id: string; rank: number; record: string }>(sql);
      this.searchStatements.set(sql, statement);
    }
    return statement;
  }

  async searchVector(vector: Float32Array, options: { limit: number; filter?: AdapterFilter }): Promise<ScoredId[]> {
    if (options.limit <= 0) return [];
    this.catchUp();
    const index = this.denseIndex(vector.length);
    if (index.size === 0) {
      const other = this.db.prepare<[], { dims: number }>('SELECT dims FROM adapter_vectors LIMIT 1').get();
      if (other) {
        throw new Error(
          `query vector has ${vector.length} dimensions, the catalog's vectors have ${other.dims}: run stylus embed`,
        );
      }
      return [];
    }
    return index.search(vector, options.limit, options.filter);
  }

  async setVectors(vectors: readonly StoredVector[], model: string): Promise<void> {
    await inPacedChunks(vectors, (chunk) => this.setVectorsSync(chunk, model));
  }

  private setVectorsSync(vectors: readonly StoredVector[], model: string): void {
    const { findRow, upsertVector } = this.statements;
    this.db
      .transaction(() => {
        const changes: [number, string, ChangeKind][] = [];
        for (const { id, vector } of vectors) {
          const row = findRow.get(id);
          if (!row) continue;
          upsertVector.run(
            row.rowid,
            model,
            vector.length,
            Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength),
          );
          changes.push([row.rowid, id, 'vector']);
        }
        this.logChanges(changes);
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

  /**
   * Catches up on a timer as well as before each query. Without it, a bot left without queries while `stylus embed`
   * wrote paid for every vector written meanwhile in its next query (about 40 µs a row, so a second per 25K), and past
   * MAX_CHANGES_APPLIED dropped its vectors and read them all back in that query (seconds at 300K).
   */
  keepCurrent(
    everyMs: number,
    onError: (error: unknown) => void,
    options: { maxDeferralMs?: number } = {},
  ): () => void {
    this.stopKeepingCurrent();
    this.catchUpGate.maxDeferralMs = options.maxDeferralMs ?? MAX_CATCH_UP_DEFERRAL_MS;
    const slice = () => {
      this.catchingUp = undefined;
      // Held back by a reply in progress: its release (or the next tick, past the longest wait) goes on from here.
      if (!this.catchUpGate.mayRun()) return;
      try {
        if (this.catchUp(CATCH_UP_SLICE)) this.catchingUp = setImmediate(slice);
        else this.catchUpGate.caughtUp();
      } catch (error) {
        onError(error);
      }
    };
    this.catchUpGate.onReopen = () => {
      this.catchingUp ??= setImmediate(slice);
    };
    const timer = setInterval(() => {
      if (!this.catchingUp) slice();
    }, everyMs);
    timer.unref();
    this.keepingCurrent = timer;
    return () => this.stopKeepingCurrent();
  }

  /**
   * Holds the background catch-up back while a member's reply is worked out, so that its slices run between replies
   * rather than inside one: during `stylus embed` they took 2-25 ms each, a tenth of a busy bot's time. Call the
   * returned function when the reply is out. The catch-up waits at most MAX_CATCH_UP_DEFERRAL_MS in a row, and only
   * new vectors wait: a query applies changes to records itself.
   */
  deferCatchUp(): () => void {
    return this.catchUpGate.hold();
  }

  private stopKeepingCurrent(): void {
    clearInterval(this.keepingCurrent);
    clearImmediate(this.catchingUp);
    this.keepingCurrent = undefined;
    this.catchingUp = undefined;
    this.catchUpGate.onReopen = undefined;
  }

  async close(): Promise<void> {
    this.stopKeepingCurrent();
    this.dense?.close();
    this.dense = undefined;
    this.pendingVectors.clear();
    this.records.clear();
    this.lastHits = { version: undefined, records: new Map() };
    if (this.ownsDb && this.db.open) this.db.close();
  }

  private indexRow(rowid: number, adapter: Adapter): void {
    const [name, triggers, tags, description, prompts, facets] = ftsColumns(adapter);
    this.statements.insertFts.run(rowid, name, triggers, tags, description, prompts, facets);
    this.statements.insertHead.run(rowid, name, triggers, facets);
  }

  private currentVersion(): string {
    return this.statements.version.get()?.value ?? '0';
  }

  /** Inside a write transaction: records what changed for every store reading the file, and bumps the version. */
  private logChanges(changes: readonly [number, string, ChangeKind][]): void {
    if (changes.length === 0) return;
    const { logChange, pruneChanges, bumpVersion } = this.statements;
    let seq = 0;
    for (const [rowid, id, kind] of changes) seq = Number(logChange.run(rowid, id, kind).lastInsertRowid);
    pruneChanges.run(seq - CHANGE_LOG_KEPT);
    bumpVersion.run();
  }

  /**
   * Applies the changes other writers (or this store) made since the last call: the records and vectors they touched
   * are dropped from the caches or re-read. A store too far behind (the log pruned past it) starts afresh instead.
   * With a `limit` (a timer's slice), it applies at most that many and says whether more remain; a query applies all,
   * with one exception. While a timer keeps the store current, a query leaves new vectors of rows whose record did not
   * change to the timer (the next turn, within its period): reading them back was most of what a query paid during
   * `stylus embed`, and a vector a moment late only leaves that adapter to text search for one query. Every change to a
   * record (its text, its filter attributes, its deletion) is still applied before the query answers, vector included.
   */
  protected catchUp(limit?: number): boolean {
    if (limit !== undefined && this.pendingVectors.size > 0) {
      const rowids: number[] = [];
      for (const rowid of this.pendingVectors) {
        if (rowids.length >= limit) break;
        rowids.push(rowid);
        this.pendingVectors.delete(rowid);
      }
      if (this.dense) this.rereadVectors(this.dense, rowids);
      return this.pendingVectors.size > 0 || this.currentVersion() !== this.seenVersion;
    }
    const deferVectors = limit === undefined && this.keepingCurrent !== undefined;
    if (!deferVectors && this.pendingVectors.size > 0) {
      if (this.dense) this.rereadVectors(this.dense, [...this.pendingVectors]);
      this.pendingVectors.clear();
    }
    const version = this.currentVersion();
    if (version === this.seenVersion) return false;
    const changes = this.statements.changesAfter.all(this.seenSeq, (limit ?? MAX_CHANGES_APPLIED) + 1);
    const first = changes[0];
    const pruned = first !== undefined && first.seq > this.seenSeq + 1;
    if (pruned || (limit === undefined && changes.length > MAX_CHANGES_APPLIED)) {
      this.seenVersion = version;
      this.startAfresh();
      return false;
    }
    const more = limit !== undefined && changes.length > limit;
    // Only once every change up to this version is applied: a slice that stops short leaves the rest for the next.
    if (!more) this.seenVersion = version;
    const reread = new Set<number>();
    for (const change of more ? changes.slice(0, limit) : changes) {
      this.seenSeq = change.seq;
      if (change.kind === 'vector') {
        // A new vector leaves the record as it was: its parsed object (and the composer's profile of it) stays cached,
        // so a bot serving while `stylus embed` runs does not re-parse every candidate of every query.
        if (!this.dense) continue;
        if (deferVectors) this.pendingVectors.add(change.adapter_rowid);
        else reread.add(change.adapter_rowid);
        continue;
      }
      this.records.delete(change.id);
      this.frequencyChanges++;
      if (change.kind === 'insert' && this.catalogSize !== undefined) this.catalogSize++;
      if (change.kind === 'delete' && this.catalogSize !== undefined) this.catalogSize--;
      if (!this.dense) continue;
      // Read back with the record's change, whatever was pending for it.
      this.pendingVectors.delete(change.adapter_rowid);
      if (change.kind === 'delete') {
        this.dense.remove(change.adapter_rowid);
        reread.delete(change.adapter_rowid);
      } else reread.add(change.adapter_rowid);
    }
    if (this.dense && reread.size > 0) this.rereadVectors(this.dense, [...reread]);
    if (this.frequencyChanges > Math.max(100, FREQUENCY_DRIFT * (this.catalogSize ?? 0))) {
      this.frequencies.clear();
      this.frequencyChanges = 0;
      this.catalogSize = undefined;
    }
    return more;
  }

  private startAfresh(): void {
    this.records.clear();
    this.frequencies.clear();
    this.frequencyChanges = 0;
    this.catalogSize = undefined;
    this.dense?.close();
    this.dense = undefined;
    this.pendingVectors.clear();
    this.seenSeq = this.statements.lastSeq.get()?.seq ?? 0;
  }

  /** The rows' current vectors and attributes, in one statement; a row without a vector of this size leaves. */
  private rereadVectors(index: DenseIndex, rowids: readonly number[]): void {
    const found = new Set<number>();
    for (const row of this.statements.vectorRows.iterate(JSON.stringify(rowids), index.dims)) {
      index.set(denseRow(row), bufferToFloat32(row.vector));
      found.add(row.rowid);
    }
    for (const rowid of rowids) if (!found.has(rowid)) index.remove(rowid);
  }

  /**
   * Documents holding a term, counted up to the cap and cached: planning needs it roughly, and FTS5 counts by reading
   * postings. Facet tokens are terms of the `facets` column; the match is on the whole row either way.
   */
  private documentFrequency(term: string, index: TextIndex): number {
    const key = `${index}:${term}`;
    let doc = this.frequencies.get(key);
    if (doc === undefined) {
      // Facet tokens are counted in full: how selective a filter is decides how it is applied.
      const cap = isFacetToken(term) ? Number.MAX_SAFE_INTEGER : frequencyCap(this.totalDocuments());
      const lookup = index === 'all' ? this.statements.frequency : this.statements.headFrequency;
      doc = lookup.get(quoteTerm(term), cap)?.doc ?? 0;
      if (this.frequencies.size > MAX_CACHED_FREQUENCIES) this.frequencies.clear();
      this.frequencies.set(key, doc);
    }
    return doc;
  }

  private totalDocuments(): number {
    this.catalogSize ??= this.statements.total.get()?.n ?? 0;
    return this.catalogSize;
  }

  /**
   * The vectors of the query's size, loaded on the first dense query and then kept current by catchUp. While a
   * catalog is re-embedded with a model of another size, the records already done are searchable and the rest wait.
   */
  private denseIndex(dims: number): DenseIndex {
    if (this.dense?.dims === dims) return this.dense;
    this.dense?.close();
    // The index is read whole from the file: nothing is left pending for it.
    this.pendingVectors.clear();
    const index = new DenseIndex(dims, this.denseKind);
    for (const row of this.statements.vectorsOfSize.iterate(dims))
      index.set(denseRow(row), bufferToFloat32(row.vector));
    this.dense = index;
    return index;
  }
}

/**
 * Runs `write` on chunks of at most WRITE_CHUNK items, pausing after each for as long as it took (see upsert). Records
 * differ tenfold in size (a bare name, or a long description with example prompts), so each chunk is sized from the
 * last one's pace to hold the lock about WRITE_HOLD_TARGET_MS: what a serving bot's own write may wait behind it.
 */
async function inPacedChunks<T>(items: readonly T[], write: (chunk: readonly T[]) => void): Promise<void> {
  let size = WRITE_CHUNK;
  for (let start = 0; start < items.length; ) {
    const chunk = items.slice(start, start + size);
    const started = performance.now();
    write(chunk);
    const held = performance.now() - started;
    start += chunk.length;
    const paced = Math.round((chunk.length * WRITE_HOLD_TARGET_MS) / Math.max(held, 0.1));
    size = Math.min(WRITE_CHUNK, Math.max(1, paced));
    if (start < items.length) await new Promise((resolve) => setTimeout(resolve, Math.max(1, held)));
  }
}

function denseRow(row: AttributeRow): DenseRow {
  return {
    rowid: row.rowid,
    id: row.id,
    source: row.source as DenseRow['source'],
    baseFamily: row.base_family as DenseRow['baseFamily'],
    category: row.category as DenseRow['category'],
    nsfw: row.nsfw === 1,
    realPerson: row.real_person === 1,
  };
}

const ATTRIBUTES = 'a.rowid AS rowid, a.id AS id, a.source, a.base_family, a.category, a.nsfw, a.real_person';

function prepareStatements(db: SqliteDatabase) {
  return {
    findRow: db.prepare<[string], { rowid: number; record: string }>('SELECT rowid, record FROM adapters WHERE id = ?'),
    recordById: db.prepare<[string], { record: string }>('SELECT record FROM adapters WHERE id = ?'),
    insert: db.prepare(
      'INSERT INTO adapters (id, source, base_family, category, nsfw, real_person, record) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    update: db.prepare(
      'UPDATE adapters SET source = ?, base_family = ?, category = ?, nsfw = ?, real_person = ?, record = ? WHERE rowid = ?',
    ),
    deleteRow: db.prepare('DELETE FROM adapters WHERE rowid = ?'),
    deleteFts: db.prepare('DELETE FROM adapters_fts WHERE rowid = ?'),
    insertHead: db.prepare('INSERT INTO adapters_head (rowid, name, triggers, facets) VALUES (?, ?, ?, ?)'),
    deleteHead: db.prepare('DELETE FROM adapters_head WHERE rowid = ?'),
    insertFts: db.prepare(
      'INSERT INTO adapters_fts (rowid, name, triggers, tags, description, prompts, facets) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    upsertVector: db.prepare(
      'INSERT INTO adapter_vectors (adapter_rowid, model, dims, vector) VALUES (?, ?, ?, ?) ' +
        'ON CONFLICT(adapter_rowid) DO UPDATE SET model = excluded.model, dims = excluded.dims, vector = excluded.vector',
    ),
    frequency: db.prepare<[string, number], { doc: number }>(
      'SELECT count(*) AS doc FROM (SELECT 1 FROM adapters_fts WHERE adapters_fts MATCH ? LIMIT ?)',
    ),
    headFrequency: db.prepare<[string, number], { doc: number }>(
      'SELECT count(*) AS doc FROM (SELECT 1 FROM adapters_head WHERE adapters_head MATCH ? LIMIT ?)',
    ),
    total: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM adapters'),
    version: db.prepare<[], { value: string }>("SELECT value FROM catalog_meta WHERE key = 'version'"),
    bumpVersion: db.prepare(
      "UPDATE catalog_meta SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT) WHERE key = 'version'",
    ),
    logChange: db.prepare('INSERT INTO catalog_changes (adapter_rowid, id, kind) VALUES (?, ?, ?)'),
    pruneChanges: db.prepare('DELETE FROM catalog_changes WHERE seq <= ?'),
    lastSeq: db.prepare<[], { seq: number | null }>('SELECT max(seq) AS seq FROM catalog_changes'),
    changesAfter: db.prepare<[number, number], { seq: number; adapter_rowid: number; id: string; kind: ChangeKind }>(
      'SELECT seq, adapter_rowid, id, kind FROM catalog_changes WHERE seq > ? ORDER BY seq LIMIT ?',
    ),
    vectorsOfSize: db.prepare<[number], AttributeRow & { vector: Buffer }>(
      `SELECT ${ATTRIBUTES}, v.vector AS vector FROM adapter_vectors v JOIN adapters a ON a.rowid = v.adapter_rowid
       WHERE v.dims = ? ORDER BY v.adapter_rowid`,
    ),
    vectorRows: db.prepare<[string, number], AttributeRow & { vector: Buffer }>(
      `SELECT ${ATTRIBUTES}, v.vector AS vector FROM adapters a JOIN adapter_vectors v ON v.adapter_rowid = a.rowid
       WHERE a.rowid IN (SELECT value FROM json_each(?)) AND v.dims = ?`,
    ),
  };
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

/**
 * A stored vector as floats. better-sqlite3 gives each blob a Buffer of its own (at offset 0 of its memory), so it is
 * viewed in place: copying it too made a bot catching up with `stylus embed` allocate a third vector per row (the
 * Buffer, the copy, the index's normalised one), all garbage to collect. A Buffer not 4-byte aligned is copied.
 */
function bufferToFloat32(buffer: Buffer): Float32Array {
  const size = Float32Array.BYTES_PER_ELEMENT;
  if (buffer.byteOffset % size === 0 && buffer.byteLength % size === 0) {
    return new Float32Array(buffer.buffer, buffer.byteOffset, buffer.byteLength / size);
  }
  const copy = new Uint8Array(buffer.byteLength);
  copy.set(buffer);
  return new Float32Array(copy.buffer);
}
