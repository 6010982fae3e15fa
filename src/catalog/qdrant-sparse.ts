import type { Adapter } from './adapter.js';
import { inverseDocumentFrequency, type TermFrequency, termWeight } from './bm25.js';
import { indexFields } from './sqlite-store.js';
import { FIELD_WEIGHTS } from './store.js';

/**
 * BM25 as Qdrant sparse vectors, scored exactly like the SQLite store's FTS5 `bm25()` (src/catalog/bm25.ts). The
 * document side carries each term's field-weighted hits saturated against the document's length (relative to the
 * corpus average the collection records); the query side carries each selected term's FTS5 IDF, computed here from
 * document frequencies Qdrant counts. The sparse vector has no Qdrant modifier: Qdrant's own `idf` modifier uses
 * another formula, ln(1 + (N - n + 0.5) / (n + 0.5)), and cannot prune query terms. Terms come from the one
 * tokeniser (`indexFields`), so a word means the same thing in both stores.
 */
export interface SparseVector {
  indices: number[];
  values: number[];
}

export interface AdapterText {
  /** Document-side BM25 weights, one entry per distinct term id, sorted by id. */
  sparse: SparseVector;
  /** Distinct terms, for document frequencies. */
  terms: string[];
  /** Distinct terms of the name, trigger words and tags. */
  identityTerms: string[];
  /** Terms in all fields together (FTS5's document length). */
  length: number;
}

/** A stable uint32 id for a term: 32-bit FNV-1a over its UTF-8 bytes. Collisions are rare and only blur a score. */
export function termId(term: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(term, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** Fields that name what an adapter is (see AdapterStore.identityFrequencies). */
const IDENTITY_FIELDS: ReadonlySet<string> = new Set(['name', 'triggers', 'tags']);

/** Field-weighted hits per term and the document length, before any corpus statistic. */
export function adapterTermHits(adapter: Adapter): {
  hits: Map<string, number>;
  length: number;
  identityTerms: Set<string>;
} {
  const fields = indexFields(adapter);
  const hits = new Map<string, number>();
  const identityTerms = new Set<string>();
  let length = 0;
  for (const field of Object.keys(FIELD_WEIGHTS) as (keyof typeof FIELD_WEIGHTS)[]) {
    const fieldTerms = fields[field].split(' ').filter(Boolean);
    length += fieldTerms.length;
    for (const term of fieldTerms) {
      hits.set(term, (hits.get(term) ?? 0) + FIELD_WEIGHTS[field]);
      if (IDENTITY_FIELDS.has(field)) identityTerms.add(term);
    }
  }
  return { hits, length, identityTerms };
}

/** The document side of one adapter, for a corpus whose average document length is `averageLength`. */
export function adapterText(adapter: Adapter, averageLength: number): AdapterText {
  const { hits, length, identityTerms } = adapterTermHits(adapter);
  const weights = new Map<number, number>();
  for (const [term, weightedHits] of hits) {
    const id = termId(term);
    weights.set(id, (weights.get(id) ?? 0) + termWeight(weightedHits, length, averageLength));
  }
  return { sparse: sortedSparse(weights), terms: [...hits.keys()], identityTerms: [...identityTerms], length };
}

/** The query side: each selected term with its FTS5 IDF in a catalog of `totalDocuments`. */
export function querySparseVector(selected: readonly TermFrequency[], totalDocuments: number): SparseVector {
  const weights = new Map<number, number>();
  for (const { term, documents } of selected) {
    const id = termId(term);
    weights.set(id, (weights.get(id) ?? 0) + inverseDocumentFrequency(totalDocuments, documents));
  }
  return sortedSparse(weights);
}

function sortedSparse(weights: Map<number, number>): SparseVector {
  const entries = [...weights].sort((a, b) => a[0] - b[0]);
  return { indices: entries.map(([id]) => id), values: entries.map(([, weight]) => roundWeight(weight)) };
}

/** Seven significant digits: Qdrant stores float32 anyway, and short stable JSON keeps requests small. */
function roundWeight(weight: number): number {
  return Number(weight.toPrecision(7));
}
