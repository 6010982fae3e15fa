import type { Schemas } from '@qdrant/js-client-rest';
import type { Adapter } from './adapter.js';
import { contentHash, jsonBytes, sizedBatches } from './qdrant-batches.js';
import type { QdrantConnection } from './qdrant-connection.js';
import { PAYLOAD, pointIdFor } from './qdrant-filter.js';
import type { AdapterText, SparseVector } from './qdrant-sparse.js';

/** Named vectors of a point: the embedding and the BM25 terms. */
export const DENSE_VECTOR = 'dense';
export const SPARSE_VECTOR = 'bm25';

export type PointPayload = Record<string, unknown>;

/**
 * One point to write. A new point is inserted whole; an existing one gets its payload keys merged and its named
 * vectors replaced, so whatever the write does not name (the embedding, when only the record changed) stays.
 */
export interface PointWrite {
  id: string;
  exists: boolean;
  payload: PointPayload;
  vectors: Record<string, SparseVector | number[]>;
}

/** The record as stored: a JSON round trip drops undefined optional fields, as the wire would. */
export function storedRecord(adapter: Adapter): unknown {
  return JSON.parse(JSON.stringify(adapter)) as unknown;
}

export function recordHash(adapter: Adapter): string {
  return contentHash(JSON.stringify(storedRecord(adapter)));
}

/** The BM25 part of a point's payload: what document frequencies, the corpus average and resumption read. */
export function textPayload(adapter: Adapter, text: AdapterText, weightsStamp: string): PointPayload {
  return {
    [PAYLOAD.recordHash]: recordHash(adapter),
    [PAYLOAD.terms]: text.terms,
    [PAYLOAD.identityTerms]: text.identityTerms,
    [PAYLOAD.textLength]: text.length,
    [PAYLOAD.textWeights]: weightsStamp,
  };
}

export function adapterPayload(adapter: Adapter, text: AdapterText, weightsStamp: string): PointPayload {
  return {
    [PAYLOAD.adapterId]: adapter.id,
    [PAYLOAD.baseFamily]: adapter.baseFamily,
    [PAYLOAD.category]: adapter.category,
    [PAYLOAD.source]: adapter.source,
    [PAYLOAD.nsfw]: adapter.nsfw,
    [PAYLOAD.realPerson]: adapter.realPerson,
    [PAYLOAD.record]: storedRecord(adapter),
    ...textPayload(adapter, text, weightsStamp),
  };
}

export function adapterPointId(adapter: Adapter): string {
  return pointIdFor(adapter.id);
}

/** How much one write request may carry. */
export interface WriteLimits {
  maxItems: number;
  maxBytes: number;
}

/**
 * Writes points in batch requests of at most `maxItems` points and `maxBytes` of JSON each: new points as
 * one upsert, existing ones as a payload merge each plus one vector update, in that order within the request.
 */
export async function writePoints(
  connection: QdrantConnection,
  writes: readonly PointWrite[],
  limits: WriteLimits,
  operation: string,
): Promise<void> {
  const batches = sizedBatches(
    writes,
    (write) => jsonBytes(write.payload) + jsonBytes(write.vectors) + 96,
    limits.maxItems,
    limits.maxBytes,
  );
  for (const batch of batches) {
    const operations: Schemas['UpdateOperation'][] = [];
    const inserted = batch.filter((write) => !write.exists);
    const updated = batch.filter((write) => write.exists);
    if (inserted.length > 0) {
      operations.push({
        upsert: { points: inserted.map((write) => ({ id: write.id, vector: write.vectors, payload: write.payload })) },
      });
    }
    for (const write of updated) {
      if (Object.keys(write.payload).length > 0) {
        operations.push({ set_payload: { payload: write.payload, points: [write.id] } });
      }
    }
    const withVectors = updated.filter((write) => Object.keys(write.vectors).length > 0);
    if (withVectors.length > 0) {
      operations.push({
        update_vectors: { points: withVectors.map((write) => ({ id: write.id, vector: write.vectors })) },
      });
    }
    if (operations.length === 0) continue;
    await connection.call(operation, (client, collection) =>
      client.batchUpdate(collection, { wait: true, operations }),
    );
  }
}

/** The stored payload keys of some points, by point id: what a write compares against before sending. */
export async function storedPayloads(
  connection: QdrantConnection,
  pointIds: readonly string[],
  keys: readonly string[],
  operation: string,
): Promise<Map<string, PointPayload>> {
  const out = new Map<string, PointPayload>();
  for (let start = 0; start < pointIds.length; start += 1000) {
    const ids = pointIds.slice(start, start + 1000);
    const points = await connection.call(operation, (client, collection) =>
      client.retrieve(collection, { ids, with_payload: [...keys], with_vector: false }),
    );
    for (const point of points) out.set(String(point.id), point.payload ?? {});
  }
  return out;
}
