import type { Adapter } from '../catalog/adapter.js';
import type { Embedder } from '../catalog/embedder.js';
import { type AdapterFilter, type AdapterStore, matchesFilter, type ScoredId } from '../catalog/store.js';
import type { Logger } from '../log.js';
import { cleanPrompt } from './prompt-clean.js';
import type { Candidate } from './types.js';

/** The paper's candidate count. */
export const DEFAULT_CANDIDATES = 150;
/** Reciprocal rank fusion constant (Cormack et al.): damps the head so one list cannot dominate. */
export const RRF_K = 60;
/**
 * BM25's first hits stay first, in BM25's order, whatever the embedding model says: a phrase or trigger-word match
 * is the strongest evidence there is, and equal-weight fusion with a weak embedding model pushed it down (with-
 * trigger R@1 fell from 0.58 to 0.14). Dense hits fill and reorder the rest, where lexical matching runs out.
 */
export const LEXICAL_HEAD = 10;

export interface RetrieverDeps {
  store: AdapterStore;
  embedder?: Embedder;
  log?: Logger;
}

export interface RetrieveOptions {
  limit?: number;
  filter?: AdapterFilter;
  /** Community prior per adapter id in [0, 1] (0.5 = neutral). */
  communityScores?: ReadonlyMap<string, number>;
  /** How far the prior may move a fused score: +/- weight/2 of it. Bounded, so it reorders near ties only. */
  communityWeight?: number;
  /** Adapters to leave out that a store filter cannot express (a blacklist by name). */
  exclude?: (adapter: Adapter) => boolean;
}

/** Extra hits read when some may be excluded after the store answered, so K candidates still come back. */
const EXCLUSION_SLACK = 32;

export interface RetrieveResult {
  candidates: Candidate[];
  /** Which rankings went into the fusion. */
  sources: ('bm25' | 'dense')[];
  timingsMs: { bm25: number; dense: number; fuse: number };
}

/**
 * Prompt -> top K adapters. BM25 always; dense cosine too when an embedder is configured; fused by reciprocal rank;
 * then a bounded community boost. The prior only re-weights adapters already retrieved: it cannot bring one in.
 */
export async function retrieve(
  deps: RetrieverDeps,
  prompt: string,
  options: RetrieveOptions = {},
): Promise<RetrieveResult> {
  const limit = options.limit ?? DEFAULT_CANDIDATES;
  const query = cleanPrompt(prompt);
  const depth = Math.max(limit, 50);
  const started = performance.now();
  const textHits = await deps.store.searchText(query, { limit: depth, filter: options.filter });
  const afterText = performance.now();
  let denseHits: ScoredId[] = [];
  if (deps.embedder) {
    try {
      const [vector] = await deps.embedder.embed([query]);
      if (vector) denseHits = await deps.store.searchVector(vector, { limit: depth, filter: options.filter });
    } catch (error) {
      // Dense retrieval is an improvement, not a dependency: BM25 still answers when the endpoint is down.
      deps.log?.warn({ err: error }, 'embedding the query failed; using BM25 only');
    }
  }
  const afterDense = performance.now();
  const fused = keepLexicalHead(textHits, fuseRankings([textHits, denseHits], RRF_K), LEXICAL_HEAD);
  const boosted = applyCommunityPrior(fused, options.communityScores, options.communityWeight ?? 0);
  const top = boosted.slice(0, options.exclude ? limit + EXCLUSION_SLACK : limit);
  const adapters = await deps.store.getMany(top.map((hit) => hit.id));
  const byId = new Map(adapters.map((adapter) => [adapter.id, adapter]));
  const candidates: Candidate[] = [];
  for (const hit of top) {
    const adapter = byId.get(hit.id);
    // The catalog may change between the search and this read (another process ingesting): a record that no longer
    // passes the filter (made NSFW, moved to another base) is left out rather than shown from a stale hit.
    if (!adapter || !matchesFilter(adapter, options.filter) || options.exclude?.(adapter)) continue;
    candidates.push({ adapter, score: hit.score, rank: candidates.length });
    if (candidates.length === limit) break;
  }
  const sources: RetrieveResult['sources'] = ['bm25'];
  if (denseHits.length > 0) sources.push('dense');
  return {
    candidates,
    sources,
    timingsMs: { bm25: afterText - started, dense: afterDense - afterText, fuse: performance.now() - afterDense },
  };
}

/**
 * The first `head` text hits, in text order, then the fused ranking without them. Scores stay decreasing: the head
 * is scored above the best fused score, so the community prior cannot lift a tail hit over the lexical head.
 */
export function keepLexicalHead(text: readonly ScoredId[], fused: readonly ScoredId[], head: number): ScoredId[] {
  if (text.length === 0) return [...fused];
  const top = text.slice(0, head);
  const kept = new Set(top.map((hit) => hit.id));
  const rest = fused.filter((hit) => !kept.has(hit.id));
  // Spaced like reciprocal ranks (about 1.6% apart), so the bounded community prior still reorders near ties.
  const ceiling = (rest[0]?.score ?? 0) * 2 + 1 / RRF_K;
  return [...top.map((hit, index) => ({ id: hit.id, score: ceiling * (1 + (top.length - index) / RRF_K) })), ...rest];
}

/** Reciprocal rank fusion: score = sum over lists of 1 / (k + rank), rank from 1. Ties broken by id for determinism. */
export function fuseRankings(rankings: readonly (readonly ScoredId[])[], k = RRF_K): ScoredId[] {
  const scores = new Map<string, number>();
  for (const ranking of rankings) {
    ranking.forEach((hit, index) => {
      scores.set(hit.id, (scores.get(hit.id) ?? 0) + 1 / (k + index + 1));
    });
  }
  return [...scores.entries()]
    .map(([id, score]) => ({ id, score }))
    .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
}

/**
 * Multiplies each fused score by 1 + weight * (prior - 0.5): a neutral or unknown adapter is unchanged, and no
 * prior can move a score by more than weight/2 of itself.
 */
export function applyCommunityPrior(
  ranked: readonly ScoredId[],
  priors: ReadonlyMap<string, number> | undefined,
  weight: number,
): ScoredId[] {
  if (!priors || priors.size === 0 || weight === 0) return [...ranked];
  return ranked
    .map((hit) => {
      const prior = priors.get(hit.id);
      if (prior === undefined) return hit;
      const clamped = Math.min(1, Math.max(0, prior));
      return { id: hit.id, score: hit.score * (1 + weight * (clamped - 0.5)) };
    })
    .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
}
