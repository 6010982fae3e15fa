import type { Adapter } from './adapter.js';
import { indexFields } from './sqlite-store.js';
import { FIELD_WEIGHTS } from './store.js';
import { distinctTerms } from './text.js';

/**
 * BM25 as Qdrant sparse vectors. Qdrant's `idf` modifier supplies the inverse document frequency at query time
 * from the collection's own statistics; the document side carries the rest of BM25 (term-frequency saturation and
 * length normalisation), summed over fields with the same field weights as the SQLite FTS5 index. Terms come from
 * the one tokeniser (`indexFields` / `terms`), so a word means the same thing in both stores.
 */
export interface SparseVector {
  indices: number[];
  values: number[];
}

const K1 = 1.2;
const B = 0.75;

/**
 * Typical field lengths in terms. Qdrant cannot give the corpus average at upsert time, so BM25's length
 * normalisation uses fixed averages (as FastEmbed's BM25 does); they were read off the shipped seed catalog.
 */
const AVERAGE_FIELD_TERMS: Record<keyof typeof FIELD_WEIGHTS, number> = {
  name: 3,
  triggers: 3,
  tags: 6,
  description: 60,
  prompts: 40,
};

/** At most this many query terms are sent (the first ones of the prompt): keeps a pasted essay cheap. */
export const MAX_QUERY_TERMS = 48;

/** A stable uint32 id for a term: 32-bit FNV-1a over its UTF-8 bytes. Collisions are rare and only blur a score. */
export function termId(term: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(term, 'utf8')) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** The document-side BM25 weights of one adapter, one entry per distinct term id, sorted by id. */
export function adapterSparseVector(adapter: Adapter): SparseVector {
  const fields = indexFields(adapter);
  const weights = new Map<number, number>();
  for (const field of Object.keys(FIELD_WEIGHTS) as (keyof typeof FIELD_WEIGHTS)[]) {
    const fieldTerms = fields[field].split(' ').filter(Boolean);
    if (fieldTerms.length === 0) continue;
    const frequencies = new Map<string, number>();
    for (const term of fieldTerms) frequencies.set(term, (frequencies.get(term) ?? 0) + 1);
    const lengthNorm = 1 - B + (B * fieldTerms.length) / AVERAGE_FIELD_TERMS[field];
    for (const [term, frequency] of frequencies) {
      const saturated = (frequency * (K1 + 1)) / (frequency + K1 * lengthNorm);
      const id = termId(term);
      weights.set(id, (weights.get(id) ?? 0) + FIELD_WEIGHTS[field] * saturated);
    }
  }
  return sortedSparse(weights);
}

/** The query side: each distinct term once with weight 1; Qdrant multiplies in the IDF. */
export function querySparseVector(query: string): SparseVector {
  const weights = new Map<number, number>();
  for (const term of distinctTerms(query).slice(0, MAX_QUERY_TERMS)) weights.set(termId(term), 1);
  return sortedSparse(weights);
}

function sortedSparse(weights: Map<number, number>): SparseVector {
  const entries = [...weights].sort((a, b) => a[0] - b[0]);
  return { indices: entries.map(([id]) => id), values: entries.map(([, weight]) => roundWeight(weight)) };
}

/** Six significant digits: Qdrant stores float32 anyway, and stable JSON makes request-shape tests exact. */
function roundWeight(weight: number): number {
  return Number(weight.toPrecision(6));
}
