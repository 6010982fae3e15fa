import { createHash } from 'node:crypto';
import type { AdapterFilter } from './store.js';

/** Payload keys of a point. Indexed ones are listed in PAYLOAD_INDEXES. */
export const PAYLOAD = {
  adapterId: 'adapter_id',
  baseFamily: 'base_family',
  category: 'category',
  source: 'source',
  nsfw: 'nsfw',
  realPerson: 'real_person',
  vectorModel: 'vector_model',
  /** Hash of the stored dense vector and its model: a re-run compares it instead of re-sending the vector. */
  vectorHash: 'vector_hash',
  record: 'record',
  /** Hash of the stored record: an upsert of an unchanged record writes nothing. */
  recordHash: 'record_hash',
  /** Distinct index terms of the record: Qdrant counts them to give each query term its document frequency. */
  terms: 'terms',
  /** Distinct index terms of the name, trigger words and tags: how common a word is as an adapter's identity. */
  identityTerms: 'identity_terms',
  /** Index terms in the record (its BM25 document length): summed by a facet for the corpus average. */
  textLength: 'text_length',
  /** Which corpus average the point's BM25 weights were computed with (see qdrant-text-weights.ts). */
  textWeights: 'text_weights',
} as const;

/** Payload indexes created at start-up: every field a filter or a facet touches. */
export const PAYLOAD_INDEXES = [
  { field: PAYLOAD.baseFamily, type: 'keyword' },
  { field: PAYLOAD.category, type: 'keyword' },
  { field: PAYLOAD.source, type: 'keyword' },
  { field: PAYLOAD.nsfw, type: 'bool' },
  { field: PAYLOAD.realPerson, type: 'bool' },
  { field: PAYLOAD.adapterId, type: 'keyword' },
  { field: PAYLOAD.vectorModel, type: 'keyword' },
  { field: PAYLOAD.terms, type: 'keyword' },
  { field: PAYLOAD.identityTerms, type: 'keyword' },
  { field: PAYLOAD.textLength, type: 'integer' },
  { field: PAYLOAD.textWeights, type: 'keyword' },
] as const;

/** A fixed namespace, so the same adapter id maps to the same point id in every installation. */
const POINT_ID_NAMESPACE = Buffer.from('5c0f3a8e2b7d4e1f9a6c0d2e4b8f1a37', 'hex');

/**
 * Qdrant point ids must be unsigned integers or UUIDs; adapter ids are strings such as `civitai:123`. A name-based
 * UUID (RFC 4122 version 5: SHA-1 of namespace + name) is stable across runs and machines.
 */
export function pointIdFor(adapterId: string): string {
  const digest = createHash('sha1').update(POINT_ID_NAMESPACE).update(adapterId, 'utf8').digest();
  const bytes = digest.subarray(0, 16);
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

type Condition =
  | { key: string; match: { value: string | boolean } | { any: string[] } }
  | { has_id: string[] }
  | { has_vector: string };

export interface QdrantFilter {
  must?: Condition[];
  must_not?: Condition[];
}

/**
 * An AdapterFilter as a Qdrant filter, or `null` when it can match nothing (an empty allow-list), so callers skip
 * the request. Safe by default like the SQLite store: NSFW and real-person adapters need an explicit allow.
 */
export function toQdrantFilter(filter: AdapterFilter | undefined): QdrantFilter | null {
  const must: Condition[] = [];
  const mustNot: Condition[] = [];
  if (!filter?.allowNsfw) must.push({ key: PAYLOAD.nsfw, match: { value: false } });
  if (!filter?.allowRealPerson) must.push({ key: PAYLOAD.realPerson, match: { value: false } });
  const allowList = (key: string, values: readonly string[] | undefined): boolean => {
    if (!values) return true;
    if (values.length === 0) return false;
    must.push({ key, match: { any: [...values] } });
    return true;
  };
  if (!allowList(PAYLOAD.baseFamily, filter?.baseFamilies)) return null;
  if (!allowList(PAYLOAD.category, filter?.categories)) return null;
  if (!allowList(PAYLOAD.source, filter?.sources)) return null;
  const excluded = filter?.excludeIds ? [...filter.excludeIds] : [];
  if (excluded.length > 0) mustNot.push({ has_id: excluded.map(pointIdFor) });
  const out: QdrantFilter = {};
  if (must.length > 0) out.must = must;
  if (mustNot.length > 0) out.must_not = mustNot;
  return out;
}

/** A filter that lets everything through: what count() and list() mean without a filter. */
export const ALL_ADAPTERS: AdapterFilter = { allowNsfw: true, allowRealPerson: true };
