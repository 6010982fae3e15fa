import {
  compareIds,
  idKey,
  type Json,
  matchesFilter,
  QdrantFault,
  type SparseValue,
  type StoredPoint,
} from './qdrant-double-points.js';

/**
 * Scoring as Qdrant v1.18 does it, for the loopback double: dense vectors stored for Cosine are normalised on write
 * and scored by dot product; sparse vectors score by dot product over shared indices (a point sharing none is not a
 * hit), and with the `idf` modifier each query weight is first multiplied by ln(1 + (N - df + 0.5) / (df + 0.5))
 * (N points holding the sparse vector, df those holding the index); reciprocal rank fusion gives the point at
 * position p (from 0) of each prefetch 1 / (p + k), k = 2 unless the query says `{ rrf: { k } }`. Arithmetic is
 * float32, as in Qdrant.
 */
export interface DenseParams {
  size: number;
  distance: string;
}

export interface SparseParams {
  modifier?: string | null;
}

export interface SearchableCollection {
  vectors: Record<string, DenseParams>;
  sparseVectors: Record<string, SparseParams>;
  points: Map<string, StoredPoint>;
  /** Points that can match the filter (all when no index narrows it). */
  candidates(filter: unknown): Iterable<StoredPoint>;
  /** Sparse postings of one named vector: index -> [point key, value]. */
  postings(name: string): Map<number, [string, number][]>;
}

export interface Scored {
  point: StoredPoint;
  score: number;
}

const DEFAULT_LIMIT = 10;
const DEFAULT_RRF_K = 2;

/** A dense vector as Qdrant stores it: float32, unit length for Cosine. */
export function storedDense(vector: number[], params: DenseParams, name: string): number[] {
  if (vector.length !== params.size) {
    throw new QdrantFault(
      400,
      `Wrong input: Vector dimension error: expected dim: ${params.size}, got ${vector.length} (vector "${name}")`,
    );
  }
  if (params.distance !== 'Cosine') return vector.map((value) => Math.fround(value));
  let norm = 0;
  for (const value of vector) norm = Math.fround(norm + Math.fround(value * value));
  const length = Math.fround(Math.sqrt(norm));
  return vector.map((value) => (length === 0 ? 0 : Math.fround(Math.fround(value) / length)));
}

export function storedSparse(vector: unknown, name: string): SparseValue {
  const { indices, values } = vector as Partial<SparseValue>;
  if (!Array.isArray(indices) || !Array.isArray(values)) {
    throw new QdrantFault(400, `Format error in JSON body: sparse vector "${name}" needs indices and values`);
  }
  if (indices.length !== values.length) {
    throw new QdrantFault(422, `Validation error in JSON body: [${name}: must be the same length as indices]`);
  }
  if (new Set(indices).size !== indices.length) {
    throw new QdrantFault(422, `Validation error in JSON body: [${name}.indices: must be unique]`);
  }
  for (const index of indices) {
    if (!Number.isInteger(index) || index < 0 || index > 0xffffffff) {
      throw new QdrantFault(400, `Format error in JSON body: sparse index ${index} is not a u32`);
    }
  }
  return { indices: [...indices], values: values.map((value) => Math.fround(value)) };
}

/** Runs a query request (with its prefetches) and returns the scored points, best first. */
export function runQuery(collection: SearchableCollection, request: Json): Scored[] {
  const limit = typeof request.limit === 'number' ? request.limit : DEFAULT_LIMIT;
  const offset = typeof request.offset === 'number' ? request.offset : 0;
  const prefetches = request.prefetch === undefined || request.prefetch === null ? [] : asList(request.prefetch);
  let results: Scored[];
  if (prefetches.length > 0) {
    const lists = prefetches.map((prefetch) => runQuery(collection, prefetch));
    results = fuse(lists, request.query).filter(({ point }) => matchesFilter(point, request.filter));
  } else {
    results = nearest(collection, request);
  }
  const threshold = request.score_threshold;
  if (typeof threshold === 'number') results = results.filter((hit) => hit.score > threshold);
  return results.slice(offset, offset + limit);
}

function asList(value: unknown): Json[] {
  return (Array.isArray(value) ? value : [value]) as Json[];
}

function fuse(lists: Scored[][], query: unknown): Scored[] {
  const fusion = (query as Json | undefined)?.fusion;
  const rrf = (query as Json | undefined)?.rrf as { k?: number | null; weights?: number[] | null } | undefined;
  if (fusion !== 'rrf' && !rrf) {
    throw new Error(`qdrant double: query ${JSON.stringify(query)} over prefetches is not implemented`);
  }
  const k = rrf?.k ?? DEFAULT_RRF_K;
  if (!Number.isInteger(k) || k < 1) throw new QdrantFault(422, 'Validation error in JSON body: [rrf.k: must be >= 1]');
  const weights = rrf?.weights ?? undefined;
  if (weights && weights.length !== lists.length) {
    throw new QdrantFault(
      400,
      `Wrong input: Number of weights in RRF should match number of pre-fetches: got ${weights.length}, expected ${lists.length}`,
    );
  }
  const fused = new Map<string, Scored>();
  lists.forEach((list, source) => {
    const weight = weights?.[source] ?? 1;
    list.forEach(({ point }, position) => {
      const score = weight <= 0 ? 0 : Math.fround(1 / ((position + 1) / weight + k - 1));
      const key = idKey(point.id);
      const entry = fused.get(key);
      if (entry) entry.score = Math.fround(entry.score + score);
      else fused.set(key, { point, score });
    });
  });
  return sortScored([...fused.values()]);
}

function nearest(collection: SearchableCollection, request: Json): Scored[] {
  const using = typeof request.using === 'string' ? request.using : '';
  let query = request.query as unknown;
  if (query && typeof query === 'object' && !Array.isArray(query) && 'nearest' in query) {
    query = (query as Json).nearest;
  }
  if (query === undefined || query === null) {
    // No query: points in id order, as Qdrant answers.
    const all = [...collection.candidates(request.filter)].filter((point) => matchesFilter(point, request.filter));
    return all.sort((a, b) => compareIds(a.id, b.id)).map((point) => ({ point, score: 0 }));
  }
  if (Array.isArray(query)) return nearestDense(collection, using, query as number[], request.filter);
  if (typeof query === 'object' && 'indices' in query) return nearestSparse(collection, using, query, request.filter);
  throw new Error(`qdrant double: query ${JSON.stringify(query).slice(0, 200)} is not implemented`);
}

function nearestDense(collection: SearchableCollection, using: string, query: number[], filter: unknown): Scored[] {
  const params = collection.vectors[using];
  if (!params) throw wrongVector(using in collection.sparseVectors, using, 'dense');
  const vector = storedDense(query, params, using);
  const hits: Scored[] = [];
  for (const point of collection.candidates(filter)) {
    const stored = point.vectors[using];
    if (!Array.isArray(stored) || !matchesFilter(point, filter)) continue;
    hits.push({ point, score: dot(stored, vector) });
  }
  return sortScored(hits);
}

function nearestSparse(collection: SearchableCollection, using: string, query: object, filter: unknown): Scored[] {
  const params = collection.sparseVectors[using];
  if (!params) throw wrongVector(using in collection.vectors, using, 'sparse');
  const vector = storedSparse(query, using);
  const postings = collection.postings(using);
  let weights = vector.values;
  if (params.modifier === 'idf') {
    let holders = 0;
    for (const point of collection.points.values()) if (using in point.vectors) holders += 1;
    weights = vector.indices.map((index, position) => {
      const df = postings.get(index)?.length ?? 0;
      const idf = Math.fround(Math.log(1 + (holders - df + 0.5) / (df + 0.5)));
      return Math.fround((vector.values[position] as number) * idf);
    });
  }
  const scores = new Map<string, number>();
  vector.indices.forEach((index, position) => {
    for (const [key, value] of postings.get(index) ?? []) {
      scores.set(key, Math.fround((scores.get(key) ?? 0) + Math.fround((weights[position] as number) * value)));
    }
  });
  const hits: Scored[] = [];
  for (const [key, score] of scores) {
    const point = collection.points.get(key);
    if (point && matchesFilter(point, filter)) hits.push({ point, score });
  }
  return sortScored(hits);
}

/** A query for a vector name that does not exist, or exists as the other kind. */
function wrongVector(otherKind: boolean, name: string, wanted: 'dense' | 'sparse'): QdrantFault {
  if (!otherKind) return new QdrantFault(400, `Wrong input: Not existing vector name error: ${name}`);
  const stored = wanted === 'dense' ? 'sparse' : 'dense';
  return new QdrantFault(400, `Wrong input: Vector ${name} is ${stored}, a ${wanted} query was given`);
}

function dot(a: number[], b: number[]): number {
  let sum = 0;
  for (let index = 0; index < a.length; index++) {
    sum = Math.fround(sum + Math.fround((a[index] as number) * (b[index] as number)));
  }
  return sum;
}

/** Best first; equal scores in point-id order. */
function sortScored(hits: Scored[]): Scored[] {
  return hits.sort((a, b) => b.score - a.score || compareIds(a.point.id, b.point.id));
}
