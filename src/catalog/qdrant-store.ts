import { randomUUID } from 'node:crypto';
import type { QdrantClient, Schemas } from '@qdrant/js-client-rest';
import { type Logger, silentLogger } from '../log.js';
import { type Adapter, parseAdapter } from './adapter.js';
import { compactVector, contentHash, MAX_REQUEST_BYTES, vectorBytes } from './qdrant-batches.js';
import { QdrantConnection } from './qdrant-connection.js';
import { ALL_ADAPTERS, PAYLOAD, pointIdFor, type QdrantFilter, toQdrantFilter } from './qdrant-filter.js';
import { addDenseVector, dimensionsRefused, prepareCollection } from './qdrant-layout.js';
import {
  adapterPayload,
  DENSE_VECTOR,
  type PointWrite,
  recordHash,
  SPARSE_VECTOR,
  storedPayloads,
  type WriteLimits,
  writePoints,
} from './qdrant-points.js';
import { adapterTermHits, adapterText } from './qdrant-sparse.js';
import { TermStatistics } from './qdrant-term-statistics.js';
import {
  roundedAverage,
  SETTLED_TOLERANCE,
  TextWeights,
  WRITE_TOLERANCE,
  weightsStamp,
} from './qdrant-text-weights.js';
import type {
  AdapterFilter,
  AdapterStore,
  CatalogStats,
  IdentityFrequencies,
  ScoredId,
  StoredVector,
} from './store.js';

export { DENSE_VECTOR, SPARSE_VECTOR } from './qdrant-points.js';

const DEFAULT_BATCH_SIZE = 256;
const FACET_LIMIT = 1_000;
/** Words of one prompt whose identity frequency is asked, as the SQLite store caps them. */
const MAX_IDENTITY_TERMS = 200;
/** Dense search is exact, as the store interface promises; HNSW would answer approximately past a few thousand. */
const EXACT = { exact: true } as const;

export interface QdrantStoreOptions {
  url: string;
  apiKey?: string;
  collection: string;
  /** Size of the dense vectors. Unset: taken from the collection, or from the first vectors stored. */
  dimensions?: number;
  /** At most this many points per write request. */
  batchSize?: number;
  /** At most this many bytes of JSON per write request (default 8 MiB; Qdrant refuses more than 32 MiB by default). */
  maxRequestBytes?: number;
  timeoutMs?: number;
  log?: Logger;
}

export interface HybridQuery {
  text: string;
  vector?: Float32Array;
}

/** What a write did: a re-run of an import finds most things already there and sends nothing for them. */
export interface WriteSummary {
  written: number;
  unchanged: number;
}

/**
 * The adapter catalog in Qdrant, for catalogs too large for one process or shared by several bots. One point per
 * adapter: the validated record and the filterable fields as payload, a dense vector for embeddings and a sparse
 * vector that scores BM25 exactly like the SQLite store. The collection is created or brought up to date by
 * `open()`, which also finishes a BM25 re-weighting an earlier process left half done.
 */
export class QdrantAdapterStore implements AdapterStore {
  private denseSize: number | undefined;
  private readonly limits: WriteLimits;
  private readonly terms: TermStatistics;
  private readonly identityTerms: TermStatistics;
  private readonly weights: TextWeights;
  /** Whether this process changed records: it then settles the BM25 weights before it closes. */
  private wroteRecords = false;

  private constructor(
    private readonly connection: QdrantConnection,
    options: QdrantStoreOptions,
  ) {
    this.limits = {
      maxItems: options.batchSize ?? DEFAULT_BATCH_SIZE,
      maxBytes: options.maxRequestBytes ?? MAX_REQUEST_BYTES,
    };
    this.denseSize = options.dimensions;
    this.terms = new TermStatistics(connection);
    this.identityTerms = new TermStatistics(connection, PAYLOAD.identityTerms);
    this.weights = new TextWeights(connection, this.limits, connection.log);
  }

  /** Connects, creates the collection or brings it to the current layout, and resumes unfinished BM25 work. */
  static async open(options: QdrantStoreOptions): Promise<QdrantAdapterStore> {
    const connection = new QdrantConnection(
      { url: options.url, collection: options.collection },
      options.log ?? silentLogger,
      { apiKey: options.apiKey, timeoutMs: options.timeoutMs },
    );
    const store = new QdrantAdapterStore(connection, options);
    store.denseSize = await prepareCollection(connection, options.dimensions);
    if ((await store.weights.resume()) > 0) await store.bumpVersion();
    return store;
  }

  get collection(): string {
    return this.connection.collection;
  }

  /** Dense vector size of the collection, once known. */
  get dimensions(): number | undefined {
    return this.denseSize;
  }

  async upsert(adapters: readonly Adapter[]): Promise<void> {
    await this.writeAdapters(adapters);
  }

  /**
   * Writes records whose content changed: new ones as whole points, existing ones by merging the payload and
   * replacing the BM25 vector, so their embedding stays (embedCatalog re-embeds changed text).
   */
  async writeAdapters(adapters: readonly Adapter[]): Promise<WriteSummary> {
    const unique = [...new Map(adapters.map((adapter) => [adapter.id, adapter])).values()];
    if (unique.length === 0) return { written: 0, unchanged: 0 };
    let average = await this.weights.target();
    if (average === undefined) {
      // The first records of a catalog set the corpus average; later writes move it (TextWeights.maintain).
      const lengths = unique.map((adapter) => adapterTermHits(adapter).length);
      average = roundedAverage(lengths.reduce((sum, length) => sum + length, 0) / lengths.length);
      await this.weights.setTarget(average);
    }
    const stamp = weightsStamp(average);
    const stored = await storedPayloads(
      this.connection,
      unique.map((adapter) => pointIdFor(adapter.id)),
      [PAYLOAD.recordHash, PAYLOAD.textWeights],
      'read stored records',
    );
    const writes: PointWrite[] = [];
    for (const adapter of unique) {
      const id = pointIdFor(adapter.id);
      const existing = stored.get(id);
      if (existing?.[PAYLOAD.recordHash] === recordHash(adapter) && existing[PAYLOAD.textWeights] === stamp) continue;
      const text = adapterText(adapter, average);
      writes.push({
        id,
        exists: existing !== undefined,
        payload: adapterPayload(adapter, text, stamp),
        vectors: { [SPARSE_VECTOR]: text.sparse },
      });
    }
    if (writes.length > 0) {
      await writePoints(this.connection, writes, this.limits, 'store adapters');
      this.wroteRecords = true;
      await this.weights.maintain(WRITE_TOLERANCE);
      await this.bumpVersion();
    }
    return { written: writes.length, unchanged: unique.length - writes.length };
  }

  async get(id: string): Promise<Adapter | undefined> {
    return (await this.getMany([id]))[0];
  }

  async getMany(ids: readonly string[]): Promise<Adapter[]> {
    if (ids.length === 0) return [];
    const byId = new Map<string, Adapter>();
    const payloads = await storedPayloads(
      this.connection,
      [...new Set(ids)].map(pointIdFor),
      [PAYLOAD.record],
      'read adapters',
    );
    for (const payload of payloads.values()) {
      const adapter = parseAdapter(payload[PAYLOAD.record]);
      byId.set(adapter.id, adapter);
    }
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  async delete(ids: readonly string[]): Promise<void> {
    const points = [...new Set(ids)].map(pointIdFor);
    if (points.length === 0) return;
    for (let start = 0; start < points.length; start += 1000) {
      const batch = points.slice(start, start + 1000);
      await this.connection.call('delete adapters', (client, collection) =>
        client.delete(collection, { wait: true, points: batch }),
      );
    }
    this.wroteRecords = true;
    await this.weights.maintain(WRITE_TOLERANCE);
    await this.bumpVersion();
  }

  /**
   * After a bulk change: re-weights BM25 so the weights match the corpus average within 1% (writes only keep it
   * within 5%, to bound their cost). `close()` does it for a process that wrote.
   */
  async settle(): Promise<void> {
    this.wroteRecords = false;
    if ((await this.weights.maintain(SETTLED_TOLERANCE)) > 0) await this.bumpVersion();
  }

  async count(filter?: AdapterFilter): Promise<number> {
    const qdrantFilter = toQdrantFilter(filter ?? ALL_ADAPTERS);
    if (!qdrantFilter) return 0;
    return this.countPoints(qdrantFilter);
  }

  /** Counted by Qdrant over the `identity_terms` payload: the exact union of name, trigger words and tags. */
  async identityFrequencies(terms: readonly string[]): Promise<IdentityFrequencies> {
    const unique = [...new Set(terms)].slice(0, MAX_IDENTITY_TERMS);
    const { total, frequencies } = await this.identityTerms.frequencies(unique, await this.version());
    return {
      total,
      counts: new Map(frequencies.filter((entry) => entry.documents > 0).map((entry) => [entry.term, entry.documents])),
    };
  }

  async stats(): Promise<CatalogStats> {
    const facet = async (key: string) => {
      const { hits } = await this.connection.call('count adapters by field', (client, collection) =>
        client.facet(collection, { key, limit: FACET_LIMIT, exact: true }),
      );
      return Object.fromEntries(hits.map((hit) => [String(hit.value), hit.count]));
    };
    const [total, byBase, bySource, byCategory, withVectors] = await Promise.all([
      this.count(),
      facet(PAYLOAD.baseFamily),
      facet(PAYLOAD.source),
      facet(PAYLOAD.category),
      this.denseSize === undefined ? 0 : this.countPoints({ must: [{ has_vector: DENSE_VECTOR }] }),
    ]);
    return { total, by_base: byBase, by_source: bySource, by_category: byCategory, with_vectors: withVectors };
  }

  /**
   * Pages in point-id order (Qdrant's own order), not adapter-id order: `after` maps to its point id, where the next
   * page starts, so a page costs one request whatever was written since, in this process or another.
   */
  async list(options: { after?: string; limit: number; filter?: AdapterFilter }): Promise<Adapter[]> {
    const filter = toQdrantFilter(options.filter ?? ALL_ADAPTERS);
    if (options.limit <= 0 || !filter) return [];
    const offset = options.after === undefined ? undefined : pointIdFor(options.after);
    const page = await this.connection.call('list adapters', (client, collection) =>
      client.scroll(collection, {
        filter,
        // Scrolling starts at `offset` itself: one more, in case `after` is still there.
        limit: options.limit + (offset === undefined ? 0 : 1),
        offset,
        with_payload: [PAYLOAD.record],
        with_vector: false,
      }),
    );
    const points = page.points.filter((point) => point.id !== offset).slice(0, options.limit);
    return points.map((point) => parseAdapter(point.payload?.[PAYLOAD.record]));
  }

  async searchText(query: string, options: { limit: number; filter?: AdapterFilter }): Promise<ScoredId[]> {
    const filter = toQdrantFilter(options.filter);
    if (options.limit <= 0 || !filter) return [];
    const sparse = await this.terms.queryVector(query, () => this.version());
    if (!sparse) return [];
    return this.runQuery('search by text', { query: sparse, using: SPARSE_VECTOR, filter, limit: options.limit });
  }

  async searchVector(vector: Float32Array, options: { limit: number; filter?: AdapterFilter }): Promise<ScoredId[]> {
    const filter = toQdrantFilter(options.filter);
    if (this.denseSize === undefined || options.limit <= 0 || !filter) return [];
    this.checkQueryDimensions(vector);
    return this.runQuery('search by embedding', {
      query: compactVector(vector),
      using: DENSE_VECTOR,
      filter,
      params: EXACT,
      limit: options.limit,
    });
  }

  /**
   * Text and vector search in one request: Qdrant runs both as prefetches under the same filter and fuses them by
   * reciprocal rank with the caller's constant: `rrfK` as in 1 / (rrfK + rank), rank counted from 1 like the
   * retriever's fuseRankings. Qdrant counts positions from 0 (1 / (k + position)), so it is sent as rrfK + 1.
   */
  async hybridSearch(
    query: HybridQuery,
    options: { limit: number; rrfK: number; prefetchLimit?: number; filter?: AdapterFilter },
  ): Promise<ScoredId[]> {
    const filter = toQdrantFilter(options.filter);
    if (options.limit <= 0 || !filter) return [];
    const prefetchLimit = Math.max(options.limit, options.prefetchLimit ?? options.limit * 2);
    const prefetch: Schemas['Prefetch'][] = [];
    const sparse = await this.terms.queryVector(query.text, () => this.version());
    if (sparse) prefetch.push({ query: sparse, using: SPARSE_VECTOR, filter, limit: prefetchLimit });
    if (query.vector && this.denseSize !== undefined) {
      this.checkQueryDimensions(query.vector);
      prefetch.push({
        query: compactVector(query.vector),
        using: DENSE_VECTOR,
        filter,
        params: EXACT,
        limit: prefetchLimit,
      });
    }
    if (prefetch.length === 0) return [];
    return this.runQuery('search by text and embedding', {
      prefetch,
      query: { rrf: { k: options.rrfK + 1 } },
      limit: options.limit,
    });
  }

  async setVectors(vectors: readonly StoredVector[], model: string): Promise<void> {
    await this.writeVectors(vectors, model);
  }

  /**
   * Stores vectors of existing adapters. What is already stored for the same model (compared by a hash kept in the
   * payload, not by downloading vectors) is not sent again.
   */
  async writeVectors(vectors: readonly StoredVector[], model: string): Promise<WriteSummary> {
    const unique = [...new Map(vectors.map((entry) => [entry.id, entry])).values()];
    const first = unique[0];
    if (!first) return { written: 0, unchanged: 0 };
    const size = first.vector.length;
    if (unique.some((entry) => entry.vector.length !== size)) {
      throw new Error('vectors given to setVectors have different dimensions');
    }
    if (this.denseSize === undefined) this.denseSize = await addDenseVector(this.connection, size);
    else if (size !== this.denseSize) {
      throw dimensionsRefused(this.connection, this.denseSize, size, `the embedding model returns ${size}`);
    }
    const stored = await storedPayloads(
      this.connection,
      unique.map((entry) => pointIdFor(entry.id)),
      [PAYLOAD.vectorModel, PAYLOAD.vectorHash],
      'read stored embeddings',
    );
    const writes: PointWrite[] = [];
    let unchanged = 0;
    for (const entry of unique) {
      const id = pointIdFor(entry.id);
      const existing = stored.get(id);
      if (!existing) continue;
      const hash = contentHash(model, vectorBytes(entry.vector));
      if (existing[PAYLOAD.vectorModel] === model && existing[PAYLOAD.vectorHash] === hash) {
        unchanged += 1;
        continue;
      }
      writes.push({
        id,
        exists: true,
        payload: { [PAYLOAD.vectorModel]: model, [PAYLOAD.vectorHash]: hash },
        vectors: { [DENSE_VECTOR]: compactVector(entry.vector) },
      });
    }
    if (writes.length > 0) {
      await writePoints(this.connection, writes, this.limits, 'store embeddings');
      await this.bumpVersion();
    }
    return { written: writes.length, unchanged };
  }

  /** Qdrant normalises vectors stored for cosine distance: what comes back has unit length. */
  async getVectors(ids: readonly string[]): Promise<StoredVector[]> {
    if (ids.length === 0 || this.denseSize === undefined) return [];
    const byId = new Map<string, Float32Array>();
    const unique = [...new Set(ids)].map(pointIdFor);
    for (let start = 0; start < unique.length; start += 1000) {
      const batch = unique.slice(start, start + 1000);
      const points = await this.connection.call('read embeddings', (client, collection) =>
        client.retrieve(collection, { ids: batch, with_payload: [PAYLOAD.adapterId], with_vector: [DENSE_VECTOR] }),
      );
      for (const point of points) {
        const vector = denseOf(point.vector);
        const id = point.payload?.[PAYLOAD.adapterId];
        if (vector && typeof id === 'string') byId.set(id, Float32Array.from(vector));
      }
    }
    return ids.flatMap((id) => {
      const vector = byId.get(id);
      return vector ? [{ id, vector }] : [];
    });
  }

  /** Decided by the payload (`vector_model`), so asking downloads ids, never vectors. */
  async idsWithoutVector(model: string, limit: number): Promise<string[]> {
    if (limit <= 0) return [];
    const out: string[] = [];
    for await (const page of this.connection.scroll(
      {
        filter: { must_not: [{ key: PAYLOAD.vectorModel, match: { value: model } }] },
        limit: Math.min(1_000, limit),
        with_payload: [PAYLOAD.adapterId],
        with_vector: false,
      },
      'list adapters without embeddings',
    )) {
      for (const point of page) out.push(String(point.payload?.[PAYLOAD.adapterId]));
      if (out.length >= limit) break;
    }
    return out.slice(0, limit);
  }

  async version(): Promise<string> {
    const version = (await this.connection.info()).config.metadata?.catalog_version;
    return typeof version === 'string' ? version : '0';
  }

  async close(): Promise<void> {
    if (this.wroteRecords) await this.settle();
  }

  /** Deletes the whole collection: only for throwaway collections, such as the one an evaluation fills. */
  async dropCollection(): Promise<void> {
    await this.connection.call('delete the collection', (client, collection) => client.deleteCollection(collection));
  }

  private async countPoints(filter: QdrantFilter): Promise<number> {
    const { count } = await this.connection.call('count adapters', (client, collection) =>
      client.count(collection, { filter, exact: true }),
    );
    return count;
  }

  private async runQuery(operation: string, request: Parameters<QdrantClient['query']>[1]): Promise<ScoredId[]> {
    const { points } = await this.connection.call(operation, (client, collection) =>
      client.query(collection, { ...request, with_payload: [PAYLOAD.adapterId], with_vector: false }),
    );
    return points.map((point) => ({ id: String(point.payload?.[PAYLOAD.adapterId]), score: point.score }));
  }

  private checkQueryDimensions(vector: Float32Array): void {
    if (vector.length === this.denseSize) return;
    throw new Error(`query vector has ${vector.length} dimensions, the catalog's vectors have ${this.denseSize}`);
  }

  /** A new random token on every write: the composer's cache key changes, in every process sharing the catalog. */
  private async bumpVersion(): Promise<void> {
    await this.connection.call('record the catalog version', (client, collection) =>
      client.updateCollection(collection, { metadata: { catalog_version: randomUUID() } }),
    );
  }
}

/** The dense vector of a retrieved point, if it has one. */
function denseOf(vector: Schemas['Record']['vector']): number[] | undefined {
  if (!vector || Array.isArray(vector)) return undefined;
  const dense = (vector as Record<string, unknown>)[DENSE_VECTOR];
  return Array.isArray(dense) && dense.every((value) => typeof value === 'number') ? (dense as number[]) : undefined;
}

export type { QdrantFilter };
