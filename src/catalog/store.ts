import type { Adapter, AdapterSource, BaseFamily, Category } from './adapter.js';

/**
 * Which adapters a search may return. Every field is optional; safe by default: without `allowNsfw` and
 * `allowRealPerson` those adapters are left out.
 */
export interface AdapterFilter {
  baseFamilies?: readonly BaseFamily[];
  categories?: readonly Category[];
  sources?: readonly AdapterSource[];
  /** Default false: NSFW adapters are left out unless asked for. */
  allowNsfw?: boolean;
  /** Default false: real-person likeness adapters are left out unless asked for. */
  allowRealPerson?: boolean;
  excludeIds?: ReadonlySet<string> | readonly string[];
}

export interface ScoredId {
  id: string;
  /** Higher is better. Scales differ between text and vector search; fuse by rank, not by score. */
  score: number;
}

export interface CatalogStats {
  total: number;
  by_base: Record<string, number>;
  by_source: Record<string, number>;
  by_category: Record<string, number>;
  with_vectors: number;
}

/** How many adapters use each index term (stemmed, see text.ts) in their name, trigger words or tags. */
export interface IdentityFrequencies {
  total: number;
  counts: Map<string, number>;
}

export interface StoredVector {
  id: string;
  vector: Float32Array;
}

/**
 * The adapter catalog. The embedded SQLite store and the Qdrant store implement it; one contract suite
 * (test/contract/adapter-store.contract.ts) runs against both.
 */
export interface AdapterStore {
  /** Inserts or replaces records by id. A replaced record keeps its vector; embedCatalog re-embeds changed text. */
  upsert(adapters: readonly Adapter[]): Promise<void>;
  get(id: string): Promise<Adapter | undefined>;
  /** Records for the ids that exist, in the order of `ids`. */
  getMany(ids: readonly string[]): Promise<Adapter[]>;
  delete(ids: readonly string[]): Promise<void>;
  count(filter?: AdapterFilter): Promise<number>;
  stats(): Promise<CatalogStats>;
  /**
   * Pages through records in a stable order of the store's choosing (SQLite: adapter id; Qdrant: point id): pass the
   * last id of a page as `after`. Each record comes once; records written meanwhile may or may not show up.
   */
  list(options: { after?: string; limit: number; filter?: AdapterFilter }): Promise<Adapter[]>;
  /** BM25 over name, trigger words, tags, description and example prompts (field-weighted), best first. */
  searchText(query: string, options: { limit: number; filter?: AdapterFilter }): Promise<ScoredId[]>;
  /** Exact (not approximate) cosine similarity against stored vectors, best first. Empty when none are stored. */
  searchVector(vector: Float32Array, options: { limit: number; filter?: AdapterFilter }): Promise<ScoredId[]>;
  setVectors(vectors: readonly StoredVector[], model: string): Promise<void>;
  getVectors(ids: readonly string[]): Promise<StoredVector[]>;
  /** Ids of records that have no vector for the given embedding model. */
  idsWithoutVector(model: string, limit: number): Promise<string[]>;
  /**
   * Per index term, how many adapters hold it in their name, triggers or tags: the composer's measure of a word
   * too common to identify an adapter. Optional: without it the composer judges by its own word lists.
   */
  identityFrequencies?(terms: readonly string[]): Promise<IdentityFrequencies>;
  /** Changes whenever the catalog changes: part of the composer's cache key. */
  version(): Promise<string>;
  /**
   * Applies other processes' catalog changes every `everyMs` in the background (the embedded store; a serving bot
   * asks for it), so the first query after a quiet stretch never pays for all of them at once. Returns its stop.
   */
  keepCurrent?(everyMs: number, onError: (error: unknown) => void): () => void;
  /**
   * Holds that background catch-up back while a member's reply is worked out (for a bounded time), so it runs between
   * replies; call the returned function when the reply is out. Optional, like keepCurrent.
   */
  deferCatchUp?(): () => void;
  close(): Promise<void>;
}

/** Field weights of the BM25 index: a hit in the name or a trigger word counts more than one in a description. */
export const FIELD_WEIGHTS = {
  name: 4,
  triggers: 3,
  tags: 1.5,
  description: 1,
  prompts: 0.4,
} as const;

export function matchesFilter(adapter: Adapter, filter: AdapterFilter | undefined): boolean {
  if (!filter) return !adapter.nsfw && !adapter.realPerson;
  if (!filter.allowNsfw && adapter.nsfw) return false;
  if (!filter.allowRealPerson && adapter.realPerson) return false;
  if (filter.baseFamilies && !filter.baseFamilies.includes(adapter.baseFamily)) return false;
  if (filter.categories && !filter.categories.includes(adapter.category)) return false;
  if (filter.sources && !filter.sources.includes(adapter.source)) return false;
  if (filter.excludeIds) {
    const excluded = filter.excludeIds;
    if (excluded instanceof Set ? excluded.has(adapter.id) : (excluded as readonly string[]).includes(adapter.id))
      return false;
  }
  return true;
}
