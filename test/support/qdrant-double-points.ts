/**
 * Points, ids, filters and payload selection as Qdrant v1.18 treats them, for the loopback double in
 * qdrant-recorder.ts. Facts (checked against Qdrant's OpenAPI schema and source): point ids are unsigned integers or
 * UUIDs, nothing else; numeric ids sort before UUIDs; a keyword match on an array payload matches when any element
 * does; `must`, `should` (with `min_should`) and `must_not` combine conditions, and a condition may be a filter.
 */
export type Json = Record<string, unknown>;
export type PointId = string | number;

/** What the double answers with on error: an HTTP status and Qdrant's `status.error` text. */
export class QdrantFault extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface SparseValue {
  indices: number[];
  values: number[];
}

export interface StoredPoint {
  id: PointId;
  /** Operation id of the last write: Qdrant's `version` of a scored point. */
  version: number;
  payload: Json;
  vectors: Record<string, number[] | SparseValue>;
}

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i;

/** Parses a point id as Qdrant does: a u64 integer or a UUID (answered back in hyphenated lower case). */
export function parsePointId(value: unknown): PointId {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
  if (typeof value === 'string' && UUID.test(value)) {
    const hex = value.replaceAll('-', '').toLowerCase();
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
  throw new QdrantFault(
    400,
    `Format error in JSON body: value ${typeof value === 'string' ? value : JSON.stringify(value)} is not a valid ` +
      'point ID, valid values are either an unsigned integer or a UUID',
  );
}

/** A map key for a parsed id. */
export function idKey(id: PointId): string {
  return typeof id === 'number' ? `n:${id}` : `u:${id}`;
}

/** Qdrant's point order: numeric ids first (ascending), then UUIDs by their 128-bit value. */
export function compareIds(a: PointId, b: PointId): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

export function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** The payload a request asked for: `true`, `false`, a list of keys, or `{ include }` / `{ exclude }`. */
export function selectPayload(payload: Json, selector: unknown, byDefault: boolean): Json | undefined {
  const choice = selector === undefined || selector === null ? byDefault : selector;
  if (choice === false) return undefined;
  if (choice === true) return clone(payload);
  const pick = (keys: string[]) => Object.fromEntries(keys.filter((key) => key in payload).map((k) => [k, payload[k]]));
  if (Array.isArray(choice)) return clone(pick(choice as string[]));
  const include = (choice as { include?: string[] }).include;
  if (include) return clone(pick(include));
  const exclude = (choice as { exclude?: string[] }).exclude;
  if (exclude) return clone(Object.fromEntries(Object.entries(payload).filter(([key]) => !exclude.includes(key))));
  throw new QdrantFault(400, 'Format error in JSON body: data did not match any variant of WithPayloadInterface');
}

/** The vectors a request asked for: `true`, `false` or a list of names. */
export function selectVectors(point: StoredPoint, selector: unknown): Json | undefined {
  if (selector === undefined || selector === null || selector === false) return undefined;
  const names = selector === true ? Object.keys(point.vectors) : (selector as string[]);
  return clone(Object.fromEntries(names.filter((name) => name in point.vectors).map((n) => [n, point.vectors[n]])));
}

/** Does a point pass a filter? Unsupported conditions fail loudly rather than answer wrongly. */
export function matchesFilter(point: StoredPoint, filter: unknown): boolean {
  if (filter === undefined || filter === null) return true;
  if (typeof filter !== 'object') throw new QdrantFault(400, 'Format error in JSON body: filter must be an object');
  const { must, should, must_not: mustNot, min_should: minShould } = filter as Json;
  for (const key of Object.keys(filter as Json)) {
    if (!['must', 'should', 'must_not', 'min_should'].includes(key)) {
      throw new QdrantFault(400, `Format error in JSON body: unknown field \`${key}\` in filter`);
    }
  }
  const list = (value: unknown): Json[] => (value === undefined || value === null ? [] : asArray(value));
  if (!list(must).every((condition) => holds(point, condition))) return false;
  if (list(mustNot).some((condition) => holds(point, condition))) return false;
  const shoulds = list(should);
  if (shoulds.length > 0 && !shoulds.some((condition) => holds(point, condition))) return false;
  if (minShould) {
    const { conditions, min_count: minCount } = minShould as { conditions: Json[]; min_count: number };
    if (conditions.filter((condition) => holds(point, condition)).length < minCount) return false;
  }
  return true;
}

function asArray(value: unknown): Json[] {
  return (Array.isArray(value) ? value : [value]) as Json[];
}

function holds(point: StoredPoint, condition: Json): boolean {
  if ('must' in condition || 'should' in condition || 'must_not' in condition || 'min_should' in condition) {
    return matchesFilter(point, condition);
  }
  if (Array.isArray(condition.has_id)) {
    return condition.has_id.some((id) => idKey(parsePointId(id)) === idKey(point.id));
  }
  if (typeof condition.has_vector === 'string') return condition.has_vector in point.vectors;
  if (condition.is_empty) {
    const value = point.payload[String((condition.is_empty as Json).key)];
    return value === undefined || value === null || (Array.isArray(value) && value.length === 0);
  }
  if (condition.is_null) return point.payload[String((condition.is_null as Json).key)] === null;
  if (typeof condition.key !== 'string') {
    throw new QdrantFault(400, `Format error in JSON body: unknown condition ${JSON.stringify(condition)}`);
  }
  const stored = point.payload[condition.key];
  const values = stored === undefined || stored === null ? [] : Array.isArray(stored) ? stored : [stored];
  if (condition.match) {
    const match = condition.match as Json;
    if ('value' in match) return values.some((value) => value === match.value);
    if ('any' in match) return values.some((value) => (match.any as unknown[]).includes(value));
    if ('except' in match) return values.some((value) => !(match.except as unknown[]).includes(value));
  }
  if (condition.range) {
    const { gt, gte, lt, lte } = condition.range as Record<string, number | undefined>;
    return values.some(
      (value) =>
        typeof value === 'number' &&
        (gt === undefined || value > gt) &&
        (gte === undefined || value >= gte) &&
        (lt === undefined || value < lt) &&
        (lte === undefined || value <= lte),
    );
  }
  throw new Error(`qdrant double: condition ${JSON.stringify(condition)} is not implemented`);
}

/**
 * The points a filter can only come from, when its `must` holds a keyword or integer match on an indexed field: lets
 * the double answer counts and searches over thousands of points without scanning them all.
 */
export function indexedCandidates(
  filter: unknown,
  lookup: (key: string, value: unknown) => Set<string> | undefined,
): Set<string> | undefined {
  if (!filter || typeof filter !== 'object') return undefined;
  const must = (filter as Json).must;
  if (must === undefined || must === null) return undefined;
  for (const condition of asArray(must)) {
    const match = condition.match as Json | undefined;
    if (typeof condition.key !== 'string' || !match) continue;
    const values = 'value' in match ? [match.value] : 'any' in match ? (match.any as unknown[]) : undefined;
    if (!values) continue;
    const union = new Set<string>();
    let indexed = true;
    for (const value of values) {
      const hits = lookup(condition.key, value);
      if (!hits) {
        indexed = false;
        break;
      }
      for (const hit of hits) union.add(hit);
    }
    if (indexed) return union;
  }
  return undefined;
}
