import { stemmer } from 'stemmer';
import { eng } from 'stopword';

/**
 * The one tokeniser of the catalog: the SQLite FTS index, the Qdrant sparse vectors and the query side all use
 * it, so a term means the same thing everywhere. Lower-case, diacritics folded, split on anything that is not a
 * letter or digit, English stopwords dropped, Porter-stemmed.
 */
const STOPWORDS = new Set<string>([...eng, 'lora', 'loras', 'lycoris', 'locon', 'loha', 'v1', 'v2', 'v3']);
const TOKEN = /[\p{L}\p{N}]+/gu;
const ASCII_WORD = /^[a-z]+$/;

export function rawTokens(text: string): string[] {
  return (
    text
      .normalize('NFKD')
      .replace(/\p{M}+/gu, '')
      .toLowerCase()
      .match(TOKEN) ?? []
  );
}

/** Stems seen before: the same words recur in every prompt and record, and stemming dominates tokenising. */
const stemCache = new Map<string, string>();
const STEM_CACHE_SIZE = 100_000;

export function stem(token: string): string {
  if (token.length <= 3 || !ASCII_WORD.test(token)) return token;
  let stemmed = stemCache.get(token);
  if (stemmed === undefined) {
    stemmed = stemmer(token);
    if (stemCache.size >= STEM_CACHE_SIZE) stemCache.clear();
    stemCache.set(token, stemmed);
  }
  return stemmed;
}

export function isStopword(token: string): boolean {
  return STOPWORDS.has(token);
}

/** Index/query terms of a text, in order, with repeats (term frequency matters for BM25). */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const token of rawTokens(text)) {
    if (isStopword(token)) continue;
    out.push(stem(token));
  }
  return out;
}

/** Distinct terms of a text, in first-seen order. */
export function distinctTerms(text: string): string[] {
  return [...new Set(terms(text))];
}

/** Lower-cased alphanumeric tokens without stopwords and unstemmed: for overlap scores such as Jaccard. */
export function contentTokens(text: string): Set<string> {
  return new Set(rawTokens(text).filter((token) => !isStopword(token)));
}
