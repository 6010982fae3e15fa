import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback server that answers the Qdrant REST endpoints the catalog uses, in Qdrant's envelope
 * (`{ result, status: "ok", time }`), and records every request. It keeps collections and points in memory and
 * evaluates the filter subset the store sends (match value/any, has_id, has_vector) so writes, reads, counts and
 * facets behave; it does NOT rank: `/points/query` answers with what a test queued in `queryResults`.
 */
export interface RecordedQdrantRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
}

type Json = Record<string, unknown>;

interface StoredPoint {
  id: string | number;
  vector: Record<string, unknown>;
  payload: Json;
}

interface Collection {
  vectors: Record<string, Json>;
  sparseVectors: Record<string, Json>;
  metadata: Json;
  payloadSchema: Record<string, { data_type: string; points: number }>;
  points: Map<string, StoredPoint>;
}

export interface QueuedQueryResult {
  points: { id: string; score: number; payload: Json }[];
}

export class QdrantRecorder {
  readonly requests: RecordedQdrantRequest[] = [];
  readonly collections = new Map<string, Collection>();
  /** Answers for `/points/query`, first in first out; an empty result when none is queued. */
  readonly queryResults: QueuedQueryResult[] = [];
  serverVersion = '1.18.1';
  private operationId = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<QdrantRecorder> {
    let recorder: QdrantRecorder | undefined;
    const server = createServer((request, response) => {
      void recorder?.handle(request, response);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    recorder = new QdrantRecorder(server, `http://127.0.0.1:${port}`);
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

  clearRequests(): void {
    this.requests.length = 0;
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(request.url ?? '/', this.url);
    const body: unknown = text ? JSON.parse(text) : undefined;
    const method = request.method ?? 'GET';
    this.requests.push({ method, path: url.pathname, query: Object.fromEntries(url.searchParams), body });
    if (method === 'GET' && url.pathname === '/') {
      // The root endpoint answers bare, without Qdrant's result envelope.
      return send(response, 200, { title: 'qdrant - vector search engine', version: this.serverVersion, commit: null });
    }
    try {
      const result = this.route(method, url.pathname, (body ?? {}) as Json);
      if (result === NOT_FOUND) return send(response, 404, { status: { error: `Not found: ${url.pathname}` } });
      send(response, 200, { result, status: 'ok', time: 0.0001 });
    } catch (error) {
      send(response, 400, { status: { error: error instanceof Error ? error.message : String(error) } });
    }
  }

  private route(method: string, path: string, body: Json): unknown {
    const match = /^\/collections\/([^/]+)(\/.*)?$/.exec(path);
    if (!match) return NOT_FOUND;
    const name = decodeURIComponent(match[1] as string);
    const rest = match[2] ?? '';
    const collection = this.collections.get(name);
    if (method === 'GET' && rest === '/exists') return { exists: collection !== undefined };
    if (method === 'PUT' && rest === '') return this.create(name, body);
    if (!collection) return NOT_FOUND;
    const key = `${method} ${rest}`;
    switch (key) {
      case 'GET ':
        return info(collection);
      case 'PATCH ':
        Object.assign(collection.metadata, (body.metadata as Json | undefined) ?? {});
        return true;
      case 'PUT /index':
        collection.payloadSchema[String(body.field_name)] = { data_type: String(body.field_schema), points: 0 };
        return this.updated();
      case 'PUT /points':
        for (const point of body.points as StoredPoint[]) collection.points.set(String(point.id), clone(point));
        return this.updated();
      case 'POST /points':
        return (body.ids as (string | number)[]).flatMap((id) => {
          const point = collection.points.get(String(id));
          return point ? [project(point, body)] : [];
        });
      case 'POST /points/delete':
        for (const id of body.points as string[]) collection.points.delete(String(id));
        return this.updated();
      case 'PUT /points/vectors':
        updateVectors(collection, body);
        return this.updated();
      case 'POST /points/payload':
        setPayload(collection, body);
        return this.updated();
      case 'POST /points/payload/delete':
        for (const point of selectPoints(collection, body))
          for (const payloadKey of body.keys as string[]) delete point.payload[payloadKey];
        return this.updated();
      case 'POST /points/batch':
        for (const operation of body.operations as Json[]) {
          if (operation.update_vectors) updateVectors(collection, operation.update_vectors as Json);
          else if (operation.set_payload) setPayload(collection, operation.set_payload as Json);
          else throw new Error(`recorder: batch operation ${Object.keys(operation).join()} not answered`);
        }
        return [this.updated()];
      case 'POST /points/scroll':
        return scroll(collection, body);
      case 'POST /points/count':
        return { count: [...collection.points.values()].filter((point) => matches(point, body.filter)).length };
      case 'POST /facet':
        return facet(collection, body);
      case 'POST /points/query':
        return this.queryResults.shift() ?? { points: [] };
      default:
        break;
    }
    const vectorMatch = /^\/vectors\/([^/]+)$/.exec(rest);
    if (vectorMatch) {
      const vectorName = decodeURIComponent(vectorMatch[1] as string);
      if (method === 'PUT') {
        if (body.dense) collection.vectors[vectorName] = body.dense as Json;
        else collection.sparseVectors[vectorName] = (body.sparse as Json | undefined) ?? {};
        return this.updated();
      }
      if (method === 'DELETE') {
        delete collection.vectors[vectorName];
        delete collection.sparseVectors[vectorName];
        for (const point of collection.points.values()) delete point.vector[vectorName];
        return this.updated();
      }
    }
    return NOT_FOUND;
  }

  private create(name: string, body: Json): unknown {
    if (this.collections.has(name)) throw new Error(`Wrong input: Collection \`${name}\` already exists!`);
    this.collections.set(name, {
      vectors: clone((body.vectors as Record<string, Json> | undefined) ?? {}),
      sparseVectors: clone((body.sparse_vectors as Record<string, Json> | undefined) ?? {}),
      metadata: {},
      payloadSchema: {},
      points: new Map(),
    });
    return true;
  }

  private updated() {
    this.operationId += 1;
    return { operation_id: this.operationId, status: 'completed' };
  }
}

const NOT_FOUND = Symbol('not found');

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

function info(collection: Collection) {
  return {
    status: 'green',
    optimizer_status: 'ok',
    points_count: collection.points.size,
    segments_count: 1,
    config: {
      params: { vectors: collection.vectors, sparse_vectors: collection.sparseVectors, shard_number: 1 },
      hnsw_config: { m: 16, ef_construct: 100, full_scan_threshold: 10000 },
      optimizer_config: {},
      metadata: collection.metadata,
    },
    payload_schema: collection.payloadSchema,
  };
}

function updateVectors(collection: Collection, body: Json): void {
  for (const update of body.points as { id: string; vector: Record<string, unknown> }[]) {
    const point = collection.points.get(String(update.id));
    if (!point) throw new Error(`Not found: No point with id ${update.id} found`);
    Object.assign(point.vector, clone(update.vector));
  }
}

function setPayload(collection: Collection, body: Json): void {
  for (const point of selectPoints(collection, body)) Object.assign(point.payload, clone(body.payload as Json));
}

function selectPoints(collection: Collection, body: Json): StoredPoint[] {
  if (Array.isArray(body.points)) {
    return (body.points as string[]).flatMap((id) => collection.points.get(String(id)) ?? []);
  }
  return [...collection.points.values()].filter((point) => matches(point, body.filter));
}

function project(point: StoredPoint, request: Json) {
  const withPayload = request.with_payload;
  const withVector = request.with_vector;
  const out: Json = { id: point.id };
  if (withPayload === true) out.payload = clone(point.payload);
  else if (Array.isArray(withPayload))
    out.payload = Object.fromEntries(
      (withPayload as string[]).filter((key) => key in point.payload).map((key) => [key, clone(point.payload[key])]),
    );
  if (withVector === true) out.vector = clone(point.vector);
  else if (Array.isArray(withVector))
    out.vector = Object.fromEntries(
      (withVector as string[]).filter((key) => key in point.vector).map((key) => [key, clone(point.vector[key])]),
    );
  return out;
}

function scroll(collection: Collection, body: Json) {
  // Qdrant scrolls in point-id order; `offset` is the first id of the page.
  const sorted = [...collection.points.values()]
    .filter((point) => matches(point, body.filter))
    .sort((a, b) => String(a.id).localeCompare(String(b.id)));
  const start = body.offset === undefined || body.offset === null ? 0 : sorted.findIndex((p) => p.id === body.offset);
  const limit = typeof body.limit === 'number' ? body.limit : 10;
  const page = sorted.slice(Math.max(start, 0), Math.max(start, 0) + limit);
  const next = sorted[Math.max(start, 0) + limit];
  return { points: page.map((point) => project(point, body)), next_page_offset: next?.id ?? null };
}

function facet(collection: Collection, body: Json) {
  const counts = new Map<unknown, number>();
  for (const point of collection.points.values()) {
    if (!matches(point, body.filter)) continue;
    const value = point.payload[String(body.key)];
    if (value !== undefined) counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  return { hits: [...counts].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count) };
}

/** The filter subset the catalog sends: must / must_not of key match, has_id and has_vector. */
function matches(point: StoredPoint, filter: unknown): boolean {
  if (!filter || typeof filter !== 'object') return true;
  const { must, must_not: mustNot } = filter as { must?: Json[]; must_not?: Json[] };
  return (must ?? []).every((condition) => holds(point, condition)) && !(mustNot ?? []).some((c) => holds(point, c));
}

function holds(point: StoredPoint, condition: Json): boolean {
  if (Array.isArray(condition.has_id)) return (condition.has_id as string[]).includes(String(point.id));
  if (typeof condition.has_vector === 'string') return condition.has_vector in point.vector;
  const value = point.payload[String(condition.key)];
  const match = condition.match as { value?: unknown; any?: unknown[] } | undefined;
  if (!match) throw new Error(`recorder: condition ${JSON.stringify(condition)} not answered`);
  if ('any' in match) return (match.any ?? []).includes(value);
  return value === match.value;
}
