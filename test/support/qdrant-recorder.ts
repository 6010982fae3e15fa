import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  clone,
  compareIds,
  idKey,
  indexedCandidates,
  type Json,
  matchesFilter,
  type PointId,
  parsePointId,
  QdrantFault,
  type SparseValue,
  type StoredPoint,
  selectPayload,
  selectVectors,
} from './qdrant-double-points.js';
import {
  type DenseParams,
  runQuery,
  type SearchableCollection,
  type SparseParams,
  storedDense,
  storedSparse,
} from './qdrant-double-search.js';

/**
 * A loopback Qdrant v1.18.1 for tests: it keeps collections in memory, answers the REST endpoints the catalog uses
 * as Qdrant does (result envelope `{ result, status: "ok", time }`, errors `{ status: { error }, time }` with
 * Qdrant's status codes and texts, required response fields such as a scored point's `version`, point ids that are
 * unsigned integers or UUIDs only, scroll pages in point-id order with `next_page_offset`, the 32 MiB request body
 * limit), scores searches like Qdrant (qdrant-double-search.ts) and records every request. Facts were checked
 * against Qdrant's OpenAPI schema v1.18.1 and its source; what the double does not implement fails loudly.
 */
export interface RecordedQdrantRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  /** Bytes of the request body as sent. */
  bytes: number;
  status: number;
  response: unknown;
}

export interface InjectedFault {
  method: string;
  path: string;
  status: number;
  error: string;
  /** How many matching requests to refuse (default 1). */
  times?: number;
  /** How many matching requests to answer normally first (default 0). */
  after?: number;
}

interface PayloadIndex {
  data_type: string;
  params?: Json;
}

/** Qdrant's default `service.max_request_size_mb`. */
const DEFAULT_MAX_REQUEST_BYTES = 32 * 1024 * 1024;
const FACET_TYPES = ['keyword', 'integer', 'bool', 'uuid'];

export class DoubleCollection implements SearchableCollection {
  vectors: Record<string, DenseParams> = {};
  sparseVectors: Record<string, SparseParams> = {};
  metadata: Json = {};
  payloadSchema: Record<string, PayloadIndex> = {};
  readonly points = new Map<string, StoredPoint>();
  private revision = 0;
  private cache:
    | {
        revision: number;
        keyword: Map<string, Map<string, Set<string>>>;
        postings: Map<string, Map<number, [string, number][]>>;
      }
    | undefined;

  /** Invalidates the lookup structures after a write. */
  touch(): void {
    this.revision += 1;
  }

  candidates(filter: unknown): Iterable<StoredPoint> {
    const keys = indexedCandidates(filter, (key, value) => this.lookup(key, value));
    if (!keys) return this.points.values();
    return [...keys].flatMap((key) => this.points.get(key) ?? []);
  }

  postings(name: string): Map<number, [string, number][]> {
    const cache = this.fresh();
    let postings = cache.postings.get(name);
    if (!postings) {
      postings = new Map();
      for (const [key, point] of this.points) {
        const vector = point.vectors[name] as SparseValue | undefined;
        if (!vector || Array.isArray(vector)) continue;
        vector.indices.forEach((index, position) => {
          let list = postings?.get(index);
          if (!list) {
            list = [];
            postings?.set(index, list);
          }
          list.push([key, vector.values[position] as number]);
        });
      }
      cache.postings.set(name, postings);
    }
    return postings;
  }

  private lookup(field: string, value: unknown): Set<string> | undefined {
    const type = this.payloadSchema[field]?.data_type;
    if (type !== 'keyword' && type !== 'integer' && type !== 'bool') return undefined;
    const cache = this.fresh();
    let index = cache.keyword.get(field);
    if (!index) {
      index = new Map();
      for (const [key, point] of this.points) {
        const stored = point.payload[field];
        for (const item of Array.isArray(stored) ? stored : [stored]) {
          if (item === undefined || item === null) continue;
          const valueKey = JSON.stringify(item);
          let set = index.get(valueKey);
          if (!set) {
            set = new Set();
            index.set(valueKey, set);
          }
          set.add(key);
        }
      }
      cache.keyword.set(field, index);
    }
    return index.get(JSON.stringify(value)) ?? new Set();
  }

  private fresh() {
    if (this.cache?.revision !== this.revision) {
      this.cache = { revision: this.revision, keyword: new Map(), postings: new Map() };
    }
    return this.cache;
  }
}

export class QdrantRecorder {
  readonly requests: RecordedQdrantRequest[] = [];
  readonly collections = new Map<string, DoubleCollection>();
  serverVersion = '1.18.1';
  /** The server's request body limit; lower it to exercise a smaller `max_request_size_mb`. */
  maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;
  /** Keep recorded response bodies (off for long runs such as a whole evaluation). */
  recordResponses = true;
  private readonly faults: InjectedFault[] = [];
  private operationId = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(port = 0): Promise<QdrantRecorder> {
    let recorder: QdrantRecorder | undefined;
    const server = createServer((request, response) => {
      void recorder?.handle(request, response);
    });
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    const address = server.address() as AddressInfo;
    recorder = new QdrantRecorder(server, `http://127.0.0.1:${address.port}`);
    return recorder;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Recorded requests, optionally only those with this method and path (path without the query string). */
  find(method: string, path: string): RecordedQdrantRequest[] {
    return this.requests.filter((request) => request.method === method && request.path === path);
  }

  /** Recorded requests that change something (the rest only read). */
  writes(): RecordedQdrantRequest[] {
    return this.requests.filter(
      (request) =>
        ['PUT', 'PATCH', 'DELETE'].includes(request.method) ||
        (request.method === 'POST' && WRITE_PATHS.test(request.path)),
    );
  }

  clearRequests(): void {
    this.requests.length = 0;
  }

  /** The next matching request(s) get this error instead of an answer, as a failing Qdrant would send it. */
  injectFault(fault: InjectedFault): void {
    this.faults.push({ ...fault, times: fault.times ?? 1 });
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const started = performance.now();
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const url = new URL(request.url ?? '/', this.url);
    const method = request.method ?? 'GET';
    const record: RecordedQdrantRequest = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body: undefined,
      bytes: raw.length,
      status: 0,
      response: undefined,
    };
    this.requests.push(record);
    const reply = (status: number, body: unknown) => {
      record.status = status;
      if (this.recordResponses) record.response = body;
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(body === undefined ? '' : JSON.stringify(body));
    };
    const elapsed = () => (performance.now() - started) / 1000;
    try {
      if (raw.length > this.maxRequestBytes) {
        throw new QdrantFault(
          400,
          `JSON payload (${raw.length} bytes) is larger than allowed (limit: ${this.maxRequestBytes} bytes).`,
        );
      }
      if (raw.length > 0) {
        try {
          record.body = JSON.parse(raw.toString('utf8'));
        } catch (error) {
          throw new QdrantFault(400, `Format error in JSON body: ${(error as Error).message}`);
        }
      }
      const fault = this.faults.find((entry) => entry.method === method && entry.path === url.pathname);
      if (fault?.after) fault.after -= 1;
      else if (fault) {
        fault.times = (fault.times ?? 1) - 1;
        if (fault.times <= 0) this.faults.splice(this.faults.indexOf(fault), 1);
        throw new QdrantFault(fault.status, fault.error);
      }
      if (method === 'GET' && url.pathname === '/') {
        // The root endpoint answers bare, without the result envelope.
        return reply(200, { title: 'qdrant - vector search engine', version: this.serverVersion, commit: null });
      }
      const result = this.route(method, url.pathname, (record.body ?? {}) as Json);
      if (result === NO_ROUTE) return reply(404, undefined);
      reply(200, { result, status: 'ok', time: elapsed() });
    } catch (error) {
      if (!(error instanceof QdrantFault)) throw error;
      reply(error.status, { status: { error: error.message }, time: elapsed() });
    }
  }

  private route(method: string, path: string, body: Json): unknown {
    const match = /^\/collections\/([^/]+)(\/.*)?$/.exec(path);
    if (!match) return NO_ROUTE;
    const name = decodeURIComponent(match[1] as string);
    const rest = match[2] ?? '';
    if (method === 'GET' && rest === '/exists') return { exists: this.collections.has(name) };
    if (method === 'PUT' && rest === '') return this.create(name, body);
    const collection = this.collections.get(name);
    if (!collection) throw new QdrantFault(404, `Not found: Collection \`${name}\` doesn't exist!`);
    switch (`${method} ${rest}`) {
      case 'GET ':
        return info(collection);
      case 'DELETE ':
        this.collections.delete(name);
        return true;
      case 'PATCH ':
        return updateCollection(collection, body);
      case 'PUT /index':
        return this.createIndex(collection, body);
      case 'PUT /points':
        return this.apply(collection, { upsert: body });
      case 'POST /points':
        return retrieve(collection, body);
      case 'POST /points/delete':
        return this.apply(collection, { delete: body });
      case 'PUT /points/vectors':
        return this.apply(collection, { update_vectors: body });
      case 'POST /points/vectors/delete':
        return this.apply(collection, { delete_vectors: body });
      case 'POST /points/payload':
        return this.apply(collection, { set_payload: body });
      case 'PUT /points/payload':
        return this.apply(collection, { overwrite_payload: body });
      case 'POST /points/payload/delete':
        return this.apply(collection, { delete_payload: body });
      case 'POST /points/payload/clear':
        return this.apply(collection, { clear_payload: body });
      case 'POST /points/batch':
        return requireArray(body.operations, 'operations').map((operation) =>
          this.apply(collection, operation as Json),
        );
      case 'POST /points/scroll':
        return scroll(collection, body);
      case 'POST /points/count':
        return { count: countPoints(collection, body.filter) };
      case 'POST /facet':
        return facet(collection, body);
      case 'POST /points/query':
        return {
          points: runQuery(collection, body).map(({ point, score }) => ({
            id: point.id,
            version: point.version,
            score,
            ...optional('payload', selectPayload(point.payload, body.with_payload, false)),
            ...optional('vector', selectVectors(point, body.with_vector)),
          })),
        };
      default:
        break;
    }
    const vectorMatch = /^\/vectors\/([^/]+)$/.exec(rest);
    if (vectorMatch) return this.vectorName(collection, method, decodeURIComponent(vectorMatch[1] as string), body);
    return NO_ROUTE;
  }

  private create(name: string, body: Json): unknown {
    if (this.collections.has(name)) throw new QdrantFault(400, `Wrong input: Collection \`${name}\` already exists!`);
    const collection = new DoubleCollection();
    const vectors = body.vectors as Json | undefined;
    if (vectors && 'size' in vectors) collection.vectors[''] = denseParams(vectors);
    else
      for (const [vectorName, params] of Object.entries(vectors ?? {})) {
        collection.vectors[vectorName] = denseParams(params as Json);
      }
    collection.sparseVectors = clone((body.sparse_vectors as Record<string, SparseParams> | undefined) ?? {});
    if (body.metadata && typeof body.metadata === 'object') collection.metadata = clone(body.metadata as Json);
    this.collections.set(name, collection);
    return true;
  }

  private createIndex(collection: DoubleCollection, body: Json): unknown {
    if (typeof body.field_name !== 'string') {
      throw new QdrantFault(400, 'Format error in JSON body: missing field `field_name`');
    }
    const schema = body.field_schema;
    const dataType = typeof schema === 'string' ? schema : String((schema as Json | undefined)?.type);
    collection.payloadSchema[body.field_name] =
      typeof schema === 'object' && schema !== null
        ? { data_type: dataType, params: clone(schema as Json) }
        : { data_type: dataType };
    collection.touch();
    return this.completed();
  }

  private vectorName(collection: DoubleCollection, method: string, name: string, body: Json): unknown {
    const [major = 0, minor = 0] = this.serverVersion.split('.').map(Number);
    if (major < 1 || (major === 1 && minor < 18)) return NO_ROUTE;
    if (method === 'PUT') {
      if (name in collection.vectors || name in collection.sparseVectors) {
        throw new QdrantFault(400, `Wrong input: Vector with name ${name} already exists`);
      }
      if (body.dense) collection.vectors[name] = denseParams(body.dense as Json);
      else if (body.sparse) collection.sparseVectors[name] = clone(body.sparse as SparseParams);
      else throw new QdrantFault(400, 'Format error in JSON body: expected `dense` or `sparse`');
      return this.completed();
    }
    if (method === 'DELETE') {
      if (!(name in collection.vectors) && !(name in collection.sparseVectors)) {
        throw new QdrantFault(400, `Wrong input: Not existing vector name error: ${name}`);
      }
      delete collection.vectors[name];
      delete collection.sparseVectors[name];
      for (const point of collection.points.values()) delete point.vectors[name];
      collection.touch();
      return this.completed();
    }
    return NO_ROUTE;
  }

  /** One update operation, as a batch holds them; the direct endpoints are the same operations one at a time. */
  private apply(collection: DoubleCollection, operation: Json): unknown {
    const [kind, ...others] = Object.keys(operation);
    if (!kind || others.length > 0) throw new QdrantFault(400, 'Format error in JSON body: one operation per entry');
    const body = operation[kind] as Json;
    const version = this.operationId + 1;
    switch (kind) {
      case 'upsert':
        upsertPoints(collection, body, version);
        break;
      case 'delete':
        for (const point of selected(collection, body, false)) collection.points.delete(idKey(point.id));
        break;
      case 'set_payload':
      case 'overwrite_payload':
        if (body.key !== undefined && body.key !== null)
          throw new Error('qdrant double: set_payload `key` is not implemented');
        for (const point of selected(collection, body, true)) {
          point.payload =
            kind === 'set_payload' ? { ...point.payload, ...clone(body.payload as Json) } : clone(body.payload as Json);
          point.version = version;
        }
        break;
      case 'delete_payload':
        for (const point of selected(collection, body, true)) {
          for (const key of requireArray(body.keys, 'keys')) delete point.payload[String(key)];
          point.version = version;
        }
        break;
      case 'clear_payload':
        for (const point of selected(collection, body, true)) {
          point.payload = {};
          point.version = version;
        }
        break;
      case 'update_vectors':
        updateVectors(collection, body, version);
        break;
      case 'delete_vectors':
        for (const point of selected(collection, body, true)) {
          for (const name of requireArray(body.vector, 'vector')) delete point.vectors[String(name)];
          point.version = version;
        }
        break;
      default:
        throw new QdrantFault(400, `Format error in JSON body: unknown variant \`${kind}\``);
    }
    collection.touch();
    return this.completed();
  }

  private completed() {
    this.operationId += 1;
    return { operation_id: this.operationId, status: 'completed' };
  }
}

const NO_ROUTE = Symbol('no route');
const WRITE_PATHS = /\/points\/(delete|payload|payload\/delete|payload\/clear|batch|vectors\/delete)$/;

function optional(key: string, value: unknown): Json {
  return value === undefined ? {} : { [key]: value };
}

function requireArray(value: unknown, field: string): unknown[] {
  if (!Array.isArray(value)) throw new QdrantFault(400, `Format error in JSON body: missing field \`${field}\``);
  return value;
}

function denseParams(params: Json): DenseParams {
  const size = params.size;
  const distance = params.distance;
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1) {
    throw new QdrantFault(422, 'Validation error in JSON body: [vectors.size: value 0 invalid, must be 1 or larger]');
  }
  if (distance !== 'Cosine' && distance !== 'Dot') {
    throw new Error(`qdrant double: distance ${String(distance)} is not implemented`);
  }
  return { ...(clone(params) as Json), size, distance } as DenseParams;
}

function info(collection: DoubleCollection) {
  const payloadSchema = Object.fromEntries(
    Object.entries(collection.payloadSchema).map(([field, index]) => [
      field,
      {
        ...index,
        points: [...collection.points.values()].filter((point) => point.payload[field] !== undefined).length,
      },
    ]),
  );
  const params: Json = {
    vectors: clone(collection.vectors),
    shard_number: 1,
    replication_factor: 1,
    write_consistency_factor: 1,
    on_disk_payload: true,
  };
  if (Object.keys(collection.sparseVectors).length > 0) params.sparse_vectors = clone(collection.sparseVectors);
  const config: Json = {
    params,
    hnsw_config: { m: 16, ef_construct: 100, full_scan_threshold: 10000, max_indexing_threads: 0, on_disk: false },
    optimizer_config: {
      deleted_threshold: 0.2,
      vacuum_min_vector_number: 1000,
      default_segment_number: 0,
      max_segment_size: null,
      memmap_threshold: null,
      indexing_threshold: 10000,
      flush_interval_sec: 5,
      max_optimization_threads: null,
    },
    wal_config: { wal_capacity_mb: 32, wal_segments_ahead: 0 },
    quantization_config: null,
    strict_mode_config: { enabled: false },
  };
  if (Object.keys(collection.metadata).length > 0) config.metadata = clone(collection.metadata);
  return {
    status: 'green',
    optimizer_status: 'ok',
    indexed_vectors_count: 0,
    points_count: collection.points.size,
    segments_count: 1,
    config,
    payload_schema: payloadSchema,
  };
}

function updateCollection(collection: DoubleCollection, body: Json): true {
  for (const key of Object.keys(body)) {
    if (key !== 'metadata' && key !== 'sparse_vectors')
      throw new Error(`qdrant double: PATCH ${key} is not implemented`);
  }
  if (body.metadata && typeof body.metadata === 'object') {
    const metadata = body.metadata as Json;
    // "If provided, this will merge with existing metadata. To remove metadata, set it to an empty object."
    collection.metadata = Object.keys(metadata).length === 0 ? {} : { ...collection.metadata, ...clone(metadata) };
  }
  for (const [name, params] of Object.entries((body.sparse_vectors as Json | undefined) ?? {})) {
    const existing = collection.sparseVectors[name];
    if (!existing) throw new QdrantFault(400, `Wrong input: Not existing vector name error: ${name}`);
    collection.sparseVectors[name] = { ...existing, ...clone(params as SparseParams) };
  }
  collection.touch();
  return true;
}

/** Named vectors of a write, stored as Qdrant stores them. */
function storedVectors(collection: DoubleCollection, vector: unknown): Record<string, number[] | SparseValue> {
  if (Array.isArray(vector)) {
    const params = collection.vectors[''];
    if (!params) throw new QdrantFault(400, 'Wrong input: Not existing vector name error: ');
    return { '': storedDense(vector as number[], params, '') };
  }
  if (typeof vector !== 'object' || vector === null) {
    throw new QdrantFault(400, 'Format error in JSON body: data did not match any variant of VectorStruct');
  }
  const out: Record<string, number[] | SparseValue> = {};
  for (const [name, value] of Object.entries(vector)) {
    const dense = collection.vectors[name];
    if (dense && Array.isArray(value)) out[name] = storedDense(value as number[], dense, name);
    else if (name in collection.sparseVectors && !Array.isArray(value)) out[name] = storedSparse(value, name);
    else throw new QdrantFault(400, `Wrong input: Not existing vector name error: ${name}`);
  }
  return out;
}

function upsertPoints(collection: DoubleCollection, body: Json, version: number): void {
  if (body.batch) throw new Error('qdrant double: the batch form of an upsert is not implemented');
  const mode = body.update_mode ?? 'upsert';
  for (const raw of requireArray(body.points, 'points') as Json[]) {
    if (!('vector' in raw)) throw new QdrantFault(400, 'Format error in JSON body: missing field `vector`');
    const id = parsePointId(raw.id);
    const key = idKey(id);
    const exists = collection.points.has(key);
    if ((mode === 'insert_only' && exists) || (mode === 'update_only' && !exists)) continue;
    if (body.update_filter && exists && !matchesFilter(collection.points.get(key) as StoredPoint, body.update_filter))
      continue;
    collection.points.set(key, {
      id,
      version,
      payload: raw.payload && typeof raw.payload === 'object' ? clone(raw.payload as Json) : {},
      vectors: storedVectors(collection, raw.vector),
    });
  }
}

function updateVectors(collection: DoubleCollection, body: Json, version: number): void {
  const points = requireArray(body.points, 'points') as Json[];
  if (points.length === 0) {
    throw new QdrantFault(422, 'Validation error in JSON body: [points: must have at least 1 item]');
  }
  for (const update of points) {
    const id = parsePointId(update.id);
    const point = collection.points.get(idKey(id));
    if (!point) throw new QdrantFault(404, `Not found: No point with id ${id} found`);
    Object.assign(point.vectors, storedVectors(collection, update.vector));
    point.version = version;
  }
}

/** The points a selector names (`points` or `filter`); listing a missing id is an error where Qdrant makes it one. */
function selected(collection: DoubleCollection, body: Json, mustExist: boolean): StoredPoint[] {
  if (Array.isArray(body.points)) {
    return body.points.flatMap((raw) => {
      const id: PointId = parsePointId(raw);
      const point = collection.points.get(idKey(id));
      if (!point && mustExist) throw new QdrantFault(404, `Not found: No point with id ${id} found`);
      return point ? [point] : [];
    });
  }
  if (body.filter !== undefined) {
    return [...collection.candidates(body.filter)].filter((point) => matchesFilter(point, body.filter));
  }
  throw new QdrantFault(400, 'Format error in JSON body: expected `points` or `filter`');
}

function retrieve(collection: DoubleCollection, body: Json) {
  return requireArray(body.ids, 'ids').flatMap((raw) => {
    const point = collection.points.get(idKey(parsePointId(raw)));
    return point ? [projected(point, body, true)] : [];
  });
}

function projected(point: StoredPoint, body: Json, payloadByDefault: boolean): Json {
  return {
    id: point.id,
    ...optional('payload', selectPayload(point.payload, body.with_payload, payloadByDefault)),
    ...optional('vector', selectVectors(point, body.with_vector)),
  };
}

function scroll(collection: DoubleCollection, body: Json) {
  if (body.order_by !== undefined && body.order_by !== null)
    throw new Error('qdrant double: order_by is not implemented');
  const limit = typeof body.limit === 'number' ? body.limit : 10;
  const from = body.offset === undefined || body.offset === null ? undefined : parsePointId(body.offset);
  const matching = [...collection.candidates(body.filter)]
    .filter((point) => matchesFilter(point, body.filter))
    .filter((point) => from === undefined || compareIds(point.id, from) >= 0)
    .sort((a, b) => compareIds(a.id, b.id));
  const page = matching.slice(0, limit);
  return {
    points: page.map((point) => projected(point, body, true)),
    next_page_offset: matching[limit]?.id ?? null,
  };
}

function countPoints(collection: DoubleCollection, filter: unknown): number {
  let count = 0;
  for (const point of collection.candidates(filter)) if (matchesFilter(point, filter)) count += 1;
  return count;
}

function facet(collection: DoubleCollection, body: Json) {
  const key = String(body.key);
  if (!FACET_TYPES.includes(collection.payloadSchema[key]?.data_type ?? '')) {
    throw new QdrantFault(
      400,
      `Bad request: Index required but not found for "${key}" of one of the following types: [keyword, integer, bool, uuid]. Help: Create an index for this key or use a different filter.`,
    );
  }
  const counts = new Map<string, { value: unknown; count: number }>();
  for (const point of collection.candidates(body.filter)) {
    if (!matchesFilter(point, body.filter)) continue;
    const stored = point.payload[key];
    for (const value of new Set(Array.isArray(stored) ? stored : [stored])) {
      if (value === undefined || value === null) continue;
      const entry = counts.get(JSON.stringify(value)) ?? { value, count: 0 };
      entry.count += 1;
      counts.set(JSON.stringify(value), entry);
    }
  }
  const limit = typeof body.limit === 'number' ? body.limit : 10;
  const hits = [...counts.values()].sort((a, b) => b.count - a.count || String(a.value).localeCompare(String(b.value)));
  return { hits: hits.slice(0, limit) };
}
