import { randomUUID } from 'node:crypto';
import { QdrantClient, type Schemas } from '@qdrant/js-client-rest';
import { UserFacingError } from '../errors.js';
import { type Logger, silentLogger } from '../log.js';
import { type Adapter, parseAdapter } from './adapter.js';
import {
  ALL_ADAPTERS,
  PAYLOAD,
  PAYLOAD_INDEXES,
  pointIdFor,
  type QdrantFilter,
  toQdrantFilter,
} from './qdrant-filter.js';
import { adapterSparseVector, querySparseVector, type SparseVector } from './qdrant-sparse.js';
import type { AdapterFilter, AdapterStore, CatalogStats, ScoredId, StoredVector } from './store.js';

/** Named vectors of a point: the embedding and the BM25 terms. */
export const DENSE_VECTOR = 'dense';
export const SPARSE_VECTOR = 'bm25';

/** Collection metadata needs Qdrant 1.16; adding a named vector to an existing collection needs 1.18. */
const MINIMUM_SERVER = [1, 16] as const;
const NAMED_VECTOR_SERVER = [1, 18] as const;
const DEFAULT_BATCH_SIZE = 256;
const SCROLL_PAGE = 1_000;
const FACET_LIMIT = 1_000;

export interface QdrantStoreOptions {
  url: string;
  apiKey?: string;
  collection: string;
  /** Size of the dense vectors. Unset: taken from the collection, or from the first vectors stored. */
  dimensions?: number;
  /** Points per request for upserts and vector updates. */
  batchSize?: number;
  timeoutMs?: number;
  log?: Logger;
}

export interface HybridQuery {
  text: string;
  vector?: Float32Array;
}

type PointPayload = Record<string, unknown>;

/**
 * The adapter catalog in Qdrant, for catalogs too large for one process or shared by several bots. One point per
 * adapter: the validated record and the filterable fields as payload, a dense vector for embeddings and a sparse
 * BM25 vector for text search. The collection is created or brought up to date by `open()`.
 */
export class QdrantAdapterStore implements AdapterStore {
  private denseSize: number | undefined;
  private readonly batchSize: number;
  private readonly log: Logger;
  /** Adapter ids in id order per (catalog version, filter): `list()` pages through them without rescanning. */
  private sortedIds: { key: string; ids: string[] } | undefined;

  private constructor(
    private readonly client: QdrantClient,
    readonly collection: string,
    options: QdrantStoreOptions,
  ) {
    this.batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
    this.log = options.log ?? silentLogger;
    this.denseSize = options.dimensions;
  }

  /** Connects, then creates the collection or migrates it to the current layout. */
  static async open(options: QdrantStoreOptions): Promise<QdrantAdapterStore> {
    const client = new QdrantClient({
      url: options.url,
      apiKey: options.apiKey,
      timeout: options.timeoutMs ?? 30_000,
      // The client's own check only prints to the console; open() checks the version and says what to do.
      checkCompatibility: false,
    });
    const store = new QdrantAdapterStore(client, options.collection, options);
    await store.ensureCollection(options.dimensions);
    return store;
  }

  /** Dense vector size of the collection, once known. */
  get dimensions(): number | undefined {
    return this.denseSize;
  }

  async upsert(adapters: readonly Adapter[]): Promise<void> {
    const unique = [...new Map(adapters.map((adapter) => [adapter.id, adapter])).values()];
    if (unique.length === 0) return;
    for (const batch of chunks(unique, this.batchSize)) {
      const ids = batch.map((adapter) => pointIdFor(adapter.id));
      // An upsert replaces the whole point; carry the embedding over, as the interface promises.
      const kept = new Map<string, { vector: number[]; model: unknown }>();
      if (this.denseSize !== undefined) {
        const existing = await this.client.retrieve(this.collection, {
          ids,
          with_payload: [PAYLOAD.vectorModel],
          with_vector: [DENSE_VECTOR],
        });
        for (const point of existing) {
          const vector = denseOf(point.vector);
          if (vector) kept.set(String(point.id), { vector, model: point.payload?.[PAYLOAD.vectorModel] });
        }
      }
      const points = batch.map((adapter, index) => {
        const id = ids[index] as string;
        const carried = kept.get(id);
        const vector: Record<string, number[] | SparseVector> = {};
        const sparse = adapterSparseVector(adapter);
        if (sparse.indices.length > 0) vector[SPARSE_VECTOR] = sparse;
        if (carried) vector[DENSE_VECTOR] = carried.vector;
        const payload = payloadOf(adapter);
        if (carried?.model !== undefined) payload[PAYLOAD.vectorModel] = carried.model;
        return { id, vector, payload };
      });
      await this.client.upsert(this.collection, { wait: true, points });
    }
    await this.bumpVersion();
  }

  async get(id: string): Promise<Adapter | undefined> {
    return (await this.getMany([id]))[0];
  }

  async getMany(ids: readonly string[]): Promise<Adapter[]> {
    if (ids.length === 0) return [];
    const byId = new Map<string, Adapter>();
    for (const batch of chunks([...new Set(ids)], SCROLL_PAGE)) {
      const points = await this.client.retrieve(this.collection, {
        ids: batch.map(pointIdFor),
        with_payload: [PAYLOAD.record],
        with_vector: false,
      });
      for (const point of points) {
        const adapter = parseAdapter(point.payload?.[PAYLOAD.record]);
        byId.set(adapter.id, adapter);
      }
    }
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  async delete(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    for (const batch of chunks([...new Set(ids)], this.batchSize)) {
      await this.client.delete(this.collection, { wait: true, points: batch.map(pointIdFor) });
    }
    await this.bumpVersion();
  }

  async count(filter?: AdapterFilter): Promise<number> {
    const qdrantFilter = toQdrantFilter(filter ?? ALL_ADAPTERS);
    if (!qdrantFilter) return 0;
    return (await this.client.count(this.collection, { filter: qdrantFilter, exact: true })).count;
  }

  async stats(): Promise<CatalogStats> {
    const facet = async (key: string) => {
      const { hits } = await this.client.facet(this.collection, { key, limit: FACET_LIMIT, exact: true });
      return Object.fromEntries(hits.map((hit) => [String(hit.value), hit.count]));
    };
    const [total, byBase, bySource, byCategory] = await Promise.all([
      this.count(),
      facet(PAYLOAD.baseFamily),
      facet(PAYLOAD.source),
      facet(PAYLOAD.category),
    ]);
    const withVectors =
      this.denseSize === undefined
        ? 0
        : (
            await this.client.count(this.collection, {
              filter: { must: [{ has_vector: DENSE_VECTOR }] },
              exact: true,
            })
          ).count;
    return { total, by_base: byBase, by_source: bySource, by_category: byCategory, with_vectors: withVectors };
  }

  async list(options: { after?: string; limit: number; filter?: AdapterFilter }): Promise<Adapter[]> {
    if (options.limit <= 0) return [];
    const ids = await this.idsInOrder(options.filter ?? ALL_ADAPTERS);
    const start = options.after === undefined ? 0 : firstAfter(ids, options.after);
    return this.getMany(ids.slice(start, start + options.limit));
  }

  async searchText(query: string, options: { limit: number; filter?: AdapterFilter }): Promise<ScoredId[]> {
    const sparse = querySparseVector(query);
    const filter = toQdrantFilter(options.filter);
    if (sparse.indices.length === 0 || options.limit <= 0 || !filter) return [];
    return this.runQuery({ query: sparse, using: SPARSE_VECTOR, filter, limit: options.limit });
  }

  async searchVector(vector: Float32Array, options: { limit: number; filter?: AdapterFilter }): Promise<ScoredId[]> {
    const filter = toQdrantFilter(options.filter);
    if (this.denseSize === undefined || options.limit <= 0 || !filter) return [];
    this.checkDimensions(vector);
    return this.runQuery({ query: Array.from(vector), using: DENSE_VECTOR, filter, limit: options.limit });
  }

  /**
   * Text and vector search in one request: Qdrant runs both as prefetches under the same filter and fuses them by
   * reciprocal rank. `prefetchLimit` candidates come from each side (default: twice `limit`).
   */
  async hybridSearch(
    query: HybridQuery,
    options: { limit: number; prefetchLimit?: number; filter?: AdapterFilter },
  ): Promise<ScoredId[]> {
    const filter = toQdrantFilter(options.filter);
    if (options.limit <= 0 || !filter) return [];
    const prefetchLimit = Math.max(options.limit, options.prefetchLimit ?? options.limit * 2);
    const prefetch: Schemas['Prefetch'][] = [];
    const sparse = querySparseVector(query.text);
    if (sparse.indices.length > 0) prefetch.push({ query: sparse, using: SPARSE_VECTOR, filter, limit: prefetchLimit });
    if (query.vector && this.denseSize !== undefined) {
      this.checkDimensions(query.vector);
      prefetch.push({ query: Array.from(query.vector), using: DENSE_VECTOR, filter, limit: prefetchLimit });
    }
    if (prefetch.length === 0) return [];
    return this.runQuery({ prefetch, query: { fusion: 'rrf' }, limit: options.limit });
  }

  async setVectors(vectors: readonly StoredVector[], model: string): Promise<void> {
    const unique = [...new Map(vectors.map((entry) => [entry.id, entry])).values()];
    const first = unique[0];
    if (!first) return;
    const size = first.vector.length;
    if (unique.some((entry) => entry.vector.length !== size)) {
      throw new Error('vectors given to setVectors have different dimensions');
    }
    if (this.denseSize === undefined) await this.addDenseVector(size);
    else this.checkDimensions(first.vector, 'stored');
    for (const batch of chunks(unique, this.batchSize)) {
      const existing = await this.client.retrieve(this.collection, {
        ids: batch.map((entry) => pointIdFor(entry.id)),
        with_payload: false,
        with_vector: false,
      });
      const present = new Set(existing.map((point) => String(point.id)));
      const points = batch
        .map((entry) => ({ id: pointIdFor(entry.id), vector: { [DENSE_VECTOR]: Array.from(entry.vector) } }))
        .filter((point) => present.has(point.id));
      if (points.length === 0) continue;
      await this.client.batchUpdate(this.collection, {
        wait: true,
        operations: [
          { update_vectors: { points } },
          { set_payload: { payload: { [PAYLOAD.vectorModel]: model }, points: points.map((point) => point.id) } },
        ],
      });
    }
    await this.bumpVersion();
  }

  /** Qdrant normalises vectors stored for cosine distance: what comes back has unit length. */
  async getVectors(ids: readonly string[]): Promise<StoredVector[]> {
    if (ids.length === 0 || this.denseSize === undefined) return [];
    const byId = new Map<string, Float32Array>();
    for (const batch of chunks([...new Set(ids)], SCROLL_PAGE)) {
      const points = await this.client.retrieve(this.collection, {
        ids: batch.map(pointIdFor),
        with_payload: [PAYLOAD.adapterId],
        with_vector: [DENSE_VECTOR],
      });
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

  async idsWithoutVector(model: string, limit: number): Promise<string[]> {
    if (limit <= 0) return [];
    const out: string[] = [];
    let offset: Schemas['ExtendedPointId'] | undefined;
    do {
      const page = await this.client.scroll(this.collection, {
        filter: { must_not: [{ key: PAYLOAD.vectorModel, match: { value: model } }] },
        limit: Math.min(SCROLL_PAGE, limit - out.length),
        offset,
        with_payload: [PAYLOAD.adapterId],
        with_vector: false,
      });
      for (const point of page.points) out.push(String(point.payload?.[PAYLOAD.adapterId]));
      offset = nextOffset(page.next_page_offset);
    } while (offset !== undefined && out.length < limit);
    return out;
  }

  async version(): Promise<string> {
    const info = await this.client.getCollection(this.collection);
    const version = info.config.metadata?.catalog_version;
    return typeof version === 'string' ? version : '0';
  }

  async close(): Promise<void> {
    this.sortedIds = undefined;
  }

  private async runQuery(request: Parameters<QdrantClient['query']>[1]): Promise<ScoredId[]> {
    const { points } = await this.client.query(this.collection, {
      ...request,
      with_payload: [PAYLOAD.adapterId],
      with_vector: false,
    });
    return points.map((point) => ({ id: String(point.payload?.[PAYLOAD.adapterId]), score: point.score }));
  }

  private checkDimensions(vector: Float32Array, what: 'query' | 'stored' = 'query'): void {
    if (vector.length === this.denseSize) return;
    if (what === 'query') {
      throw new Error(`query vector has ${vector.length} dimensions, the catalog's vectors have ${this.denseSize}`);
    }
    throw new UserFacingError(
      `The embeddings have ${vector.length} dimensions but the Qdrant collection "${this.collection}" stores ` +
        `${this.denseSize}. Set STYLUS_EMBEDDING_DIMENSIONS=${vector.length} and restart: the collection is ` +
        'migrated and its vectors are embedded again.',
      'config',
    );
  }

  /** A new random token on every write: the composer's cache key changes, in every process sharing the catalog. */
  private async bumpVersion(): Promise<void> {
    this.sortedIds = undefined;
    await this.client.updateCollection(this.collection, { metadata: { catalog_version: randomUUID() } });
  }

  private async idsInOrder(filter: AdapterFilter): Promise<string[]> {
    const qdrantFilter = toQdrantFilter(filter);
    if (!qdrantFilter) return [];
    const key = `${await this.version()}|${JSON.stringify(qdrantFilter)}`;
    if (this.sortedIds?.key === key) return this.sortedIds.ids;
    const ids: string[] = [];
    let offset: Schemas['ExtendedPointId'] | undefined;
    do {
      const page = await this.client.scroll(this.collection, {
        filter: qdrantFilter,
        limit: SCROLL_PAGE,
        offset,
        with_payload: [PAYLOAD.adapterId],
        with_vector: false,
      });
      for (const point of page.points) ids.push(String(point.payload?.[PAYLOAD.adapterId]));
      offset = nextOffset(page.next_page_offset);
    } while (offset !== undefined);
    // Byte order, like SQLite's ORDER BY on a TEXT column.
    ids.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    this.sortedIds = { key, ids };
    return ids;
  }

  private async ensureCollection(dimensions: number | undefined): Promise<void> {
    await this.checkServerVersion(MINIMUM_SERVER);
    const { exists } = await this.client.collectionExists(this.collection);
    if (!exists) await this.createCollection(dimensions);
    const info = await this.client.getCollection(this.collection);
    const vectors = info.config.params.vectors;
    if (vectors && 'size' in vectors && typeof vectors.size === 'number') {
      throw new UserFacingError(
        `The Qdrant collection "${this.collection}" has an unnamed vector, so it was not made by Stylus. ` +
          'Set QDRANT_COLLECTION to another name.',
        'config',
      );
    }
    const dense = (vectors as Record<string, Schemas['VectorParams'] | undefined> | undefined)?.[DENSE_VECTOR];
    this.denseSize = dense?.size;
    if (dimensions !== undefined && this.denseSize !== dimensions) {
      if (this.denseSize !== undefined) await this.dropDenseVector(this.denseSize, dimensions);
      await this.addDenseVector(dimensions);
    }
    const sparse = info.config.params.sparse_vectors?.[SPARSE_VECTOR];
    if (sparse?.modifier !== 'idf') await this.rebuildSparseVector(sparse !== undefined);
    for (const index of PAYLOAD_INDEXES) {
      if (info.payload_schema[index.field]?.data_type === index.type) continue;
      await this.client.createPayloadIndex(this.collection, {
        wait: true,
        field_name: index.field,
        field_schema: index.type,
      });
    }
  }

  private async createCollection(dimensions: number | undefined): Promise<void> {
    try {
      await this.client.createCollection(this.collection, {
        // Without a size yet the collection starts sparse-only; the dense vector is added with the first embeddings.
        ...(dimensions === undefined ? {} : { vectors: { [DENSE_VECTOR]: { size: dimensions, distance: 'Cosine' } } }),
        sparse_vectors: { [SPARSE_VECTOR]: { modifier: 'idf' } },
      });
      this.log.info({ collection: this.collection, dimensions }, 'qdrant collection created');
    } catch (error) {
      // Bot and worker start together: the other one may have just created it.
      if ((await this.client.collectionExists(this.collection)).exists) return;
      throw error;
    }
  }

  private async addDenseVector(size: number): Promise<void> {
    await this.checkServerVersion(NAMED_VECTOR_SERVER);
    await this.client.createVectorName(
      this.collection,
      DENSE_VECTOR,
      { dense: { size, distance: 'Cosine' } },
      { wait: true },
    );
    this.denseSize = size;
    this.log.info({ collection: this.collection, dimensions: size }, 'qdrant dense vector added');
  }

  /** The embedding size changed (another model): old vectors are useless, so they go and are embedded again. */
  private async dropDenseVector(from: number, to: number): Promise<void> {
    await this.checkServerVersion(NAMED_VECTOR_SERVER);
    this.log.warn(
      { collection: this.collection, from, to },
      'embedding dimensions changed: dropping stored vectors, they will be embedded again',
    );
    await this.client.deleteVectorName(this.collection, DENSE_VECTOR, { wait: true });
    await this.client.deletePayload(this.collection, { wait: true, keys: [PAYLOAD.vectorModel], filter: {} });
    this.denseSize = undefined;
    await this.bumpVersion();
  }

  /** A collection from an older layout without BM25 (or without IDF): add the sparse vector and fill it. */
  private async rebuildSparseVector(replace: boolean): Promise<void> {
    await this.checkServerVersion(NAMED_VECTOR_SERVER);
    this.log.warn({ collection: this.collection }, 'rebuilding the BM25 sparse vectors of the catalog');
    if (replace) await this.client.deleteVectorName(this.collection, SPARSE_VECTOR, { wait: true });
    await this.client.createVectorName(this.collection, SPARSE_VECTOR, { sparse: { modifier: 'idf' } }, { wait: true });
    let offset: Schemas['ExtendedPointId'] | undefined;
    do {
      const page = await this.client.scroll(this.collection, {
        limit: this.batchSize,
        offset,
        with_payload: [PAYLOAD.record],
        with_vector: false,
      });
      const points = page.points.flatMap((point) => {
        const sparse = adapterSparseVector(parseAdapter(point.payload?.[PAYLOAD.record]));
        return sparse.indices.length > 0 ? [{ id: point.id, vector: { [SPARSE_VECTOR]: sparse } }] : [];
      });
      if (points.length > 0) await this.client.updateVectors(this.collection, { wait: true, points });
      offset = nextOffset(page.next_page_offset);
    } while (offset !== undefined);
    await this.bumpVersion();
  }

  private async checkServerVersion(minimum: readonly [number, number]): Promise<void> {
    const { version } = await this.client.versionInfo();
    const [major = 0, minor = 0] = version.split('.').map(Number);
    if (major > minimum[0] || (major === minimum[0] && minor >= minimum[1])) return;
    throw new UserFacingError(
      `Qdrant ${version} is too old for the Stylus catalog: version ${minimum.join('.')} or newer is needed.`,
      'config',
    );
  }
}

function payloadOf(adapter: Adapter): PointPayload {
  return {
    [PAYLOAD.adapterId]: adapter.id,
    [PAYLOAD.baseFamily]: adapter.baseFamily,
    [PAYLOAD.category]: adapter.category,
    [PAYLOAD.source]: adapter.source,
    [PAYLOAD.nsfw]: adapter.nsfw,
    [PAYLOAD.realPerson]: adapter.realPerson,
    // Round-tripped through JSON so undefined optional fields are dropped, as they would be on the wire.
    [PAYLOAD.record]: JSON.parse(JSON.stringify(adapter)) as unknown,
  };
}

/** The dense vector of a retrieved point, if it has one. */
function denseOf(vector: Schemas['Record']['vector']): number[] | undefined {
  if (!vector || Array.isArray(vector)) return undefined;
  const dense = (vector as Record<string, unknown>)[DENSE_VECTOR];
  return Array.isArray(dense) && dense.every((value) => typeof value === 'number') ? (dense as number[]) : undefined;
}

function nextOffset(offset: Schemas['ScrollResult']['next_page_offset']): Schemas['ExtendedPointId'] | undefined {
  return typeof offset === 'string' || typeof offset === 'number' ? offset : undefined;
}

/** Index of the first id greater than `after` in a sorted list. */
function firstAfter(sorted: readonly string[], after: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((sorted[middle] as string) <= after) low = middle + 1;
    else high = middle;
  }
  return low;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}

export type { QdrantFilter };
