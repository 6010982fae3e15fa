import { selectQueryTerms, type TermFrequency } from './bm25.js';
import { chunks } from './qdrant-batches.js';
import type { QdrantConnection } from './qdrant-connection.js';
import { PAYLOAD } from './qdrant-filter.js';
import { querySparseVector, type SparseVector } from './qdrant-sparse.js';
import { distinctTerms } from './text.js';

/** Document-frequency counts sent at once; a prompt has a few dozen distinct terms. */
const PARALLEL_COUNTS = 16;
/** Terms remembered per catalog version; a long-running bot sees the same prompt words again and again. */
const MAX_CACHED_TERMS = 50_000;

/**
 * The query side of BM25 in Qdrant: the catalog size and each query term's document frequency, counted by Qdrant
 * over the points' `terms` payload (exact counts on a keyword index) and kept per catalog version like the SQLite
 * store keeps them per snapshot; then the same term selection and FTS5 IDF as the SQLite store.
 */
export class TermStatistics {
  private cache: { version: string; total: number; documents: Map<string, number> } | undefined;

  /** `field`: the keyword payload holding each point's distinct terms (all fields, or the identity fields). */
  constructor(
    private readonly connection: QdrantConnection,
    private readonly field: string = PAYLOAD.terms,
  ) {}

  /** The sparse query vector for a text, or undefined when no term of it is in the catalog. */
  async queryVector(text: string, catalogVersion: () => Promise<string>): Promise<SparseVector | undefined> {
    const terms = distinctTerms(text);
    if (terms.length === 0) return undefined;
    const { total, frequencies } = await this.frequencies(terms, await catalogVersion());
    const selected = selectQueryTerms(frequencies, total);
    return selected.length === 0 ? undefined : querySparseVector(selected, total);
  }

  /** The catalog size and, per term, how many points hold it. */
  async frequencies(
    terms: readonly string[],
    catalogVersion: string,
  ): Promise<{ total: number; frequencies: TermFrequency[] }> {
    if (this.cache?.version !== catalogVersion || this.cache.documents.size > MAX_CACHED_TERMS) {
      this.cache = { version: catalogVersion, total: await this.count(undefined), documents: new Map() };
    }
    const cache = this.cache;
    const unknown = terms.filter((term) => !cache.documents.has(term));
    for (const batch of chunks(unknown, PARALLEL_COUNTS)) {
      const counts = await Promise.all(batch.map((term) => this.count(term)));
      batch.forEach((term, index) => {
        cache.documents.set(term, counts[index] ?? 0);
      });
    }
    return {
      total: cache.total,
      frequencies: terms.map((term) => ({ term, documents: cache.documents.get(term) ?? 0 })),
    };
  }

  /** Points holding a term, or all points. */
  private async count(term: string | undefined): Promise<number> {
    const filter = term === undefined ? undefined : { must: [{ key: this.field, match: { value: term } }] };
    const { count } = await this.connection.call('count documents for BM25', (client, collection) =>
      client.count(collection, { ...(filter ? { filter } : {}), exact: true }),
    );
    return count;
  }
}
