import { type Adapter, BASE_FAMILIES } from './adapter.js';
import { selectQueryTerms } from './bm25.js';
import type { AdapterFilter } from './store.js';

/**
 * How the SQLite store turns a prompt into one FTS5 query of bounded cost. Measured on this project's 2-core machine
 * at 300K adapters, FTS5's bm25 costs about 1.6 us per row it ranks, plus about 0.08 us per posting of every phrase in
 * the query (it counts each phrase's documents for the IDF). A prompt of common words ("a woman with long hair")
 * matches half the catalog, so what a query may rank and read must be bounded: that is the postings budget.
 */

/** Postings a query may bring: at most about 15 ms of ranking. */
export const POSTINGS_BUDGET = 5000;
/** Share of the catalog above which bm25.ts's selection drops a term (from 2,000 documents up): see frequencyCap. */
const MAX_TERM_DOCUMENT_SHARE = 0.05;
/** At most this many terms go to the names-and-triggers index (the rarest there win). */
const MAX_QUERY_TERMS = 48;
/** Relative costs of ranking a row and of counting a posting for the IDF (see above). */
const RANK_COST = 1.6;
const POSTING_COST = 0.08;

/** The two full-text tables: every field, and the short fields that name an adapter (name, trigger words). */
export type TextIndex = 'all' | 'head';

export interface TextQueryPlan {
  index: TextIndex;
  /** The FTS5 MATCH expression, with the filter's facet tokens when they are the cheaper way to apply it. */
  match: string;
  /** True when the filter is left to the SQL around the MATCH (same statement, before the limit). */
  filterInSql: boolean;
  /** Terms ranked (rarest first). */
  terms: string[];
  /** Upper bound of the rows FTS5 ranks. */
  rows: number;
}

/**
 * Documents holding a term (or a facet token) in one of the tables, counted up to `frequencyCap(total)`: a plan only
 * needs to know which terms are rare, and counting a common term to the end reads all its postings.
 */
export type FrequencyLookup = (term: string, index: TextIndex) => number;

/** The count past which a term is common whatever its exact count: over the budget and over the share ceiling. */
export function frequencyCap(total: number): number {
  return Math.ceil(Math.max(POSTINGS_BUDGET, total * MAX_TERM_DOCUMENT_SHARE)) + 1;
}

/**
 * The query FTS5 runs for a prompt's terms. Terms unknown to the index go; in large catalogs terms most documents
 * share go too; then the rarest terms are kept while their postings stay within the budget. When even the rarest term
 * is over it, every word of the prompt is common: the search moves to the index of names and trigger words, where the
 * same words are far rarer, and if they are common even there, ranks only the adapters whose names hold them all.
 */
export function planTextQuery(
  queryTerms: readonly string[],
  frequency: FrequencyLookup,
  total: number,
  filter: AdapterFilter | undefined,
  budget = POSTINGS_BUDGET,
): TextQueryPlan | undefined {
  const all = rarestFirst(queryTerms, (term) => frequency(term, 'all'));
  // The selection both stores share (bm25.ts), so the Qdrant store ranks the same terms; then the budget.
  const kept = selectQueryTerms(
    all.map((entry) => ({ term: entry.term, documents: entry.doc })),
    total,
  ).map((entry) => ({ term: entry.term, doc: entry.documents }));
  if (kept.length === 0) return undefined;
  const within = prefixWithin(kept, budget);
  if (within.length > 0) return withFilter('all', within, ' OR ', frequency, total, filter);

  const head = rarestFirst(all.map((entry) => entry.term).slice(0, MAX_QUERY_TERMS), (term) => frequency(term, 'head'));
  if (head.length === 0) return undefined;
  const headWithin = prefixWithin(head, budget);
  if (headWithin.length > 0) return withFilter('head', headWithin, ' OR ', frequency, total, filter);
  return withFilter('head', head.slice(0, 4), ' AND ', frequency, total, filter);
}

interface TermFrequency {
  term: string;
  doc: number;
}

function rarestFirst(queryTerms: readonly string[], frequency: (term: string) => number): TermFrequency[] {
  return queryTerms
    .map((term) => ({ term, doc: frequency(term) }))
    .filter((entry) => entry.doc > 0)
    .sort((a, b) => a.doc - b.doc || a.term.localeCompare(b.term));
}

function prefixWithin(entries: readonly TermFrequency[], budget: number): TermFrequency[] {
  const within: TermFrequency[] = [];
  let postings = 0;
  for (const entry of entries) {
    if (postings + entry.doc > budget) break;
    within.push(entry);
    postings += entry.doc;
  }
  return within;
}

/**
 * Adds the filter the cheaper way: as facet tokens when the filter keeps few documents (FTS5 then ranks only those,
 * for the price of reading the facets' postings once), else as SQL in the same statement (FTS5 ranks the matches,
 * the rows that fail the filter are skipped before the limit). A rare base family is fast either way.
 */
function withFilter(
  index: TextIndex,
  entries: readonly TermFrequency[],
  operator: ' OR ' | ' AND ',
  frequency: FrequencyLookup,
  total: number,
  filter: AdapterFilter | undefined,
): TextQueryPlan {
  const terms = entries.map((entry) => entry.term);
  const expression = terms.map(quoteTerm).join(operator);
  const rows = operator === ' OR ' ? entries.reduce((sum, entry) => sum + entry.doc, 0) : (entries[0]?.doc ?? 0);
  const facets = facetTokensOf(filter);
  if (!facets) return { index, match: expression, filterInSql: filterMatters(filter), terms, rows };
  const facetDocuments = facets.reduce((sum, token) => sum + frequency(token, index), 0);
  const share = total > 0 ? Math.min(1, facetDocuments / total) : 1;
  const facetCost = RANK_COST * rows * share + POSTING_COST * facetDocuments;
  if (facets.length > 0 && facetCost < RANK_COST * rows) {
    return { index, match: `(${expression}) AND facets : (${facets.join(' OR ')})`, filterInSql: false, terms, rows };
  }
  return { index, match: expression, filterInSql: true, terms, rows };
}

/** False only for a filter that lets every row through. */
function filterMatters(filter: AdapterFilter | undefined): boolean {
  return !(
    filter?.allowNsfw &&
    filter.allowRealPerson &&
    !filter.baseFamilies &&
    !filter.categories &&
    !filter.sources
  );
}

export function quoteTerm(term: string): string {
  return `"${term.replaceAll('"', '""')}"`;
}

/**
 * Filter attributes indexed as tokens of a `facets` column (weight 0 in bm25). One token per (base family, nsfw,
 * real person) combination, so a filter is one OR of a few tokens. The prefix keeps them apart from words: every
 * token is unique to this use, and the tokeniser cannot split it.
 */
const FACET = 'zzfacet';

export function isFacetToken(term: string): boolean {
  return term.startsWith(FACET);
}

export function facetTokens(adapter: Pick<Adapter, 'baseFamily' | 'nsfw' | 'realPerson'>) {
  return groupToken(adapter.baseFamily, adapter.nsfw, adapter.realPerson);
}

function groupToken(family: string, nsfw: boolean, realPerson: boolean): string {
  return `${FACET}g${family}n${nsfw ? 1 : 0}r${realPerson ? 1 : 0}`;
}

/**
 * The facet tokens a filter allows, or undefined when facets cannot express it (a category or source filter) or it
 * lets every row through; an empty list when no row can pass. Hidden ids are always left to the SQL.
 */
function facetTokensOf(filter: AdapterFilter | undefined): string[] | undefined {
  if (filter?.categories || filter?.sources) return undefined;
  const families = filter?.baseFamilies ?? BASE_FAMILIES;
  const nsfw = filter?.allowNsfw ? [false, true] : [false];
  const realPerson = filter?.allowRealPerson ? [false, true] : [false];
  if (!filter?.baseFamilies && nsfw.length === 2 && realPerson.length === 2) return undefined;
  return families.flatMap((family) => nsfw.flatMap((n) => realPerson.map((r) => groupToken(family, n, r))));
}
