/**
 * The BM25 both catalog stores rank with: SQLite FTS5's `bm25()` (Robertson IDF floored at 1e-6, k1 1.2, b 0.75,
 * hits summed over fields times the field weight, length normalised against the corpus average) and the same
 * query-term selection. The SQLite store lets FTS5 score; the Qdrant store scores the same way through sparse
 * vectors, so a prompt finds the same adapters in either store.
 */
export const BM25_K1 = 1.2;
export const BM25_B = 0.75;

/**
 * Query terms found in more than this share of documents carry little BM25 weight (idf about 3 against about 9 for a
 * rare term) but most of the postings a search must score: dropping them keeps a query on 75K adapters in
 * milliseconds. Applied from PRUNE_FROM_DOCUMENTS documents up, so small catalogs keep every term.
 */
const MAX_TERM_DOCUMENT_SHARE = 0.05;
const PRUNE_FROM_DOCUMENTS = 2000;
/** When every query term is common, the rarest few are still searched. */
const MIN_QUERY_TERMS = 6;
/** At most this many query terms are searched (the rarest win). */
const MAX_QUERY_TERMS = 48;

export interface TermFrequency {
  term: string;
  /** Documents that contain the term. */
  documents: number;
}

/** Drops terms unknown to the index and, in large catalogs, terms most documents share; keeps the rarest. */
export function selectQueryTerms(terms: readonly TermFrequency[], totalDocuments: number): TermFrequency[] {
  const known = terms
    .filter((entry) => entry.documents > 0)
    .sort((a, b) => a.documents - b.documents || a.term.localeCompare(b.term));
  const ceiling =
    totalDocuments >= PRUNE_FROM_DOCUMENTS ? totalDocuments * MAX_TERM_DOCUMENT_SHARE : Number.POSITIVE_INFINITY;
  const kept = known.filter((entry, index) => entry.documents <= ceiling || index < MIN_QUERY_TERMS);
  return kept.slice(0, MAX_QUERY_TERMS);
}

/** FTS5's inverse document frequency: a term in half the documents or more still counts, barely. */
export function inverseDocumentFrequency(totalDocuments: number, documents: number): number {
  const idf = Math.log((totalDocuments - documents + 0.5) / (documents + 0.5));
  return idf <= 0 ? 1e-6 : idf;
}

/**
 * The document side of one term: its field-weighted hits saturated against the document's length relative to the
 * corpus average. Multiplied by the term's IDF, summed over query terms, this is FTS5's score.
 */
export function termWeight(weightedHits: number, documentLength: number, averageLength: number): number {
  const lengthNorm = 1 - BM25_B + (BM25_B * documentLength) / (averageLength > 0 ? averageLength : 1);
  return (weightedHits * (BM25_K1 + 1)) / (weightedHits + BM25_K1 * lengthNorm);
}
