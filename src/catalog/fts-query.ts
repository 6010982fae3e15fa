import { type Adapter, BASE_FAMILIES } from './adapter.js';
import type { AdapterFilter } from './store.js';

/**
 * How the SQLite store turns a prompt into one FTS5 query whose cost is bounded. FTS5 reads postings cheaply (about
 * 0.03 us each) but ranks each matching row with bm25 at about 1 us, so the number of rows a query can match is what
 * must stay bounded: at 300K adapters a prompt of common words ("a woman with long hair") matches half the catalog.
 */

/** Rows a query may ask FTS5 to rank: about 15-25 ms of bm25 on a 2-core machine. */
export const POSTINGS_BUDGET = 15_000;
/**
 * Query terms found in more than this share of documents carry little BM25 weight (idf about 3 against about 9 for a
 * rare term) but most of the postings: dropped from PRUNE_FROM_DOCUMENTS documents up, the rarest MIN_QUERY_TERMS kept.
 */
const MAX_TERM_DOCUMENT_SHARE = 0.05;
const PRUNE_FROM_DOCUMENTS = 2000;
const MIN_QUERY_TERMS = 6;
/** At most this many query terms go to FTS5 (the rarest win). */
const MAX_QUERY_TERMS = 48;
/** Words of a conjunction: enough to narrow a common-word prompt, few enough to keep bm25's per-row work small. */
const MAX_CONJUNCTION_TERMS = 4;

export interface TermFrequency {
  term: string;
  /** Documents that hold the term. */
  doc: number;
}

export interface TextQueryPlan {
  /** The FTS5 MATCH expression, filter included. */
  match: string;
  /** `any`: the rarest terms, OR-ed. `all`: every word was common, so their conjunction. */
  mode: 'any' | 'all';
  /** Terms ranked (rarest first). */
  terms: string[];
  /** Upper bound of the rows FTS5 ranks: the sum (any) or the least (all) of the terms' document counts. */
  rows: number;
}

/**
 * The terms of a query that FTS5 ranks, under the postings budget. Terms unknown to the index go; in large catalogs
 * terms most documents share go too, as before; then the rarest terms are kept while the rows they match stay within
 * the budget. When even the rarest term is over it, every word of the prompt is common, and their conjunction (the
 * documents that hold all of them, which BM25 would rank first anyway) is what gets ranked.
 */
export function planTextQuery(
  frequencies: readonly TermFrequency[],
  total: number,
  filter: AdapterFilter | undefined,
  budget = POSTINGS_BUDGET,
): TextQueryPlan | undefined {
  const known = frequencies
    .filter((entry) => entry.doc > 0)
    .sort((a, b) => a.doc - b.doc || a.term.localeCompare(b.term));
  const ceiling = total >= PRUNE_FROM_DOCUMENTS ? total * MAX_TERM_DOCUMENT_SHARE : Number.POSITIVE_INFINITY;
  const kept = known.filter((entry, index) => entry.doc <= ceiling || index < MIN_QUERY_TERMS).slice(0, MAX_QUERY_TERMS);
  if (kept.length === 0) return undefined;
  const facets = facetMatch(filter);
  const withFacets = (expression: string) => (facets ? `(${expression}) AND ${facets}` : expression);

  const within: TermFrequency[] = [];
  let rows = 0;
  for (const entry of kept) {
    if (rows + entry.doc > budget) break;
    within.push(entry);
    rows += entry.doc;
  }
  if (within.length > 0) {
    const terms = within.map((entry) => entry.term);
    return { match: withFacets(terms.map(quoteTerm).join(' OR ')), mode: 'any', terms, rows };
  }
  const conjunction = kept.slice(0, MAX_CONJUNCTION_TERMS).map((entry) => entry.term);
  return {
    match: withFacets(conjunction.map(quoteTerm).join(' AND ')),
    mode: 'all',
    terms: conjunction,
    rows: kept[0]?.doc ?? 0,
  };
}

export function quoteTerm(term: string): string {
  return `"${term.replaceAll('"', '""')}"`;
}

/**
 * Filter attributes indexed as tokens of a `facets` column (weight 0 in bm25), so that FTS5 intersects a query with
 * the filter while it reads postings, instead of ranking rows a filter then throws away. The prefix keeps them apart
 * from words: no prompt term starts with it, since the tokeniser lower-cases and every facet token is unique.
 * One token per (base family, nsfw, real person) combination, so a filter is one OR of a few tokens.
 */
const FACET = 'zzfacet';

export function facetTokens(adapter: Pick<Adapter, 'baseFamily' | 'nsfw' | 'realPerson' | 'category' | 'source'>) {
  return [
    groupToken(adapter.baseFamily, adapter.nsfw, adapter.realPerson),
    `${FACET}c${adapter.category}`,
    `${FACET}s${adapter.source}`,
  ].join(' ');
}

function groupToken(family: string, nsfw: boolean, realPerson: boolean): string {
  return `${FACET}g${family}n${nsfw ? 1 : 0}r${realPerson ? 1 : 0}`;
}

/** The FTS5 expression a filter adds to a query, or undefined when the filter lets every row through. */
export function facetMatch(filter: AdapterFilter | undefined): string | undefined {
  const families = filter?.baseFamilies ?? BASE_FAMILIES;
  const nsfw = filter?.allowNsfw ? [false, true] : [false];
  const realPerson = filter?.allowRealPerson ? [false, true] : [false];
  const clauses: string[] = [];
  if (families.length === 0 || (filter?.categories?.length ?? 1) === 0 || (filter?.sources?.length ?? 1) === 0) {
    // Nothing passes: a token no row has.
    return `facets : ${FACET}none`;
  }
  if (filter?.baseFamilies || nsfw.length === 1 || realPerson.length === 1) {
    const groups = families.flatMap((family) =>
      nsfw.flatMap((n) => realPerson.map((r) => groupToken(family, n, r))),
    );
    clauses.push(`facets : (${groups.join(' OR ')})`);
  }
  if (filter?.categories) clauses.push(`facets : (${filter.categories.map((c) => `${FACET}c${c}`).join(' OR ')})`);
  if (filter?.sources) clauses.push(`facets : (${filter.sources.map((s) => `${FACET}s${s}`).join(' OR ')})`);
  return clauses.length > 0 ? clauses.join(' AND ') : undefined;
}
