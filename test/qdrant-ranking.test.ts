import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Adapter } from '../src/catalog/adapter.js';
import { QdrantAdapterStore } from '../src/catalog/qdrant-store.js';
import { SqliteAdapterStore } from '../src/catalog/sqlite-store.js';
import type { ScoredId } from '../src/catalog/store.js';
import { terms } from '../src/catalog/text.js';
import { seededRandom } from '../src/stylus/masks.js';
import { makeAdapter } from './support/adapters.js';
import { QdrantRecorder } from './support/qdrant-recorder.js';

/**
 * Text search ranks the same in both stores: the SQLite store through FTS5's bm25(), the Qdrant store through
 * sparse vectors scored by the Qdrant double as Qdrant scores them. The catalog is large enough (2,400 adapters)
 * for the query-term pruning to apply, and every record has the same number of terms, so the corpus average the
 * Qdrant weights use is exact and scores must agree to float32 precision.
 */
const SYLLABLES = ['ka', 'lo', 'mi', 'ru', 'ze', 'vo', 'ti', 'na', 'pe', 'qu', 'sa', 'do'];

/** Pseudo-words: never stopwords, never touched by the stemmer, drawn so that a few are common and most rare. */
function vocabulary(size: number): string[] {
  const words: string[] = [];
  for (const a of SYLLABLES) for (const b of SYLLABLES) for (const c of SYLLABLES) words.push(`${a}${b}${c}x`);
  return words.slice(0, size);
}

function catalog(count: number): Adapter[] {
  const words = vocabulary(600);
  const random = seededRandom(42);
  // Zipf-like: word i drawn with weight 1 / (i + 1), so the first dozen words sit in more than 5% of records.
  const weights = words.map((_, index) => 1 / (index + 1));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const draw = () => {
    let target = random() * total;
    for (let index = 0; index < words.length; index++) {
      target -= weights[index] as number;
      if (target <= 0) return words[index] as string;
    }
    return words.at(-1) as string;
  };
  const pick = (n: number) => Array.from({ length: n }, draw);
  return Array.from({ length: count }, (_, index) =>
    makeAdapter({
      id: `hf:rank/${String(index).padStart(4, '0')}`,
      name: pick(2).join(' '),
      triggerWords: pick(1),
      tags: pick(2),
      description: pick(5).join(' '),
    }),
  );
}

/** Best first, equal scores in id order; the entries tied with the last one dropped (either store may cut there). */
function canonical(hits: ScoredId[]): ScoredId[] {
  const key = (score: number) => Number(score.toPrecision(5));
  const sorted = [...hits].sort((a, b) => key(b.score) - key(a.score) || a.id.localeCompare(b.id));
  const last = sorted.at(-1);
  return last ? sorted.filter((hit) => key(hit.score) !== key(last.score)) : sorted;
}

describe('BM25 in Qdrant ranks like the SQLite store', () => {
  let dir: string;
  let sqlite: SqliteAdapterStore;
  let recorder: QdrantRecorder;
  let qdrant: QdrantAdapterStore;
  const records = catalog(2400);
  const words = vocabulary(600);

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'stylus-qdrant-ranking-'));
    sqlite = new SqliteAdapterStore(path.join(dir, 'stylus.db'));
    await sqlite.upsert(records);
    recorder = await QdrantRecorder.start();
    recorder.recordResponses = false;
    qdrant = await QdrantAdapterStore.open({ url: recorder.url, collection: 't_rank', batchSize: 500 });
    await qdrant.upsert(records);
    await qdrant.settle();
  }, 120_000);
  afterAll(async () => {
    await qdrant.close();
    await recorder.close();
    await sqlite.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const queries = [
    [words[300], words[420]],
    [words[0], words[1], words[2], words[250]],
    [words[3], words[5], words[7], words[9], words[11], words[13], words[15], words[200], words[333]],
    [words[40], words[80], words[120], words[160], words[599]],
    [words[0], words[1], words[2], words[3], words[4], words[5], words[6], words[7]],
  ].map((terms) => terms.join(' '));

  it.each(queries)('same adapters, same order, same scores for "%s"', async (query) => {
    const expected = canonical(await sqlite.searchText(query, { limit: 40 }));
    const actual = canonical(await qdrant.searchText(query, { limit: 40 }));
    expect(expected.length).toBeGreaterThan(5);
    expect(actual.map((hit) => hit.id)).toEqual(expected.map((hit) => hit.id));
    actual.forEach((hit, index) => {
      const reference = expected[index]?.score ?? Number.NaN;
      expect(Math.abs(hit.score - reference) / reference).toBeLessThan(1e-4);
    });
  });

  it('counts how many adapters name a word: the union of name, trigger words and tags', async () => {
    const asked = [words[0], words[7], words[150], words[599], 'absentword'] as string[];
    const union = (word: string) =>
      records.filter((adapter) =>
        [adapter.name, ...adapter.triggerWords, ...adapter.tags].some((text) => terms(text).includes(word)),
      ).length;
    const fromQdrant = await qdrant.identityFrequencies(asked);
    const fromSqlite = await sqlite.identityFrequencies(asked);
    expect(fromQdrant.total).toBe(2400);
    for (const word of asked) {
      expect(fromQdrant.counts.get(word) ?? 0).toBe(union(word));
      // The SQLite store answers the largest of the three fields, a lower bound of the union.
      expect(fromSqlite.counts.get(word) ?? 0).toBeLessThanOrEqual(union(word));
    }
    expect(fromQdrant.counts.get(words[0] as string)).toBeGreaterThan(300);
    expect(fromQdrant.counts.has('absentword')).toBe(false);
  });

  it('prunes the common terms of a long query the way the SQLite store does', async () => {
    recorder.clearRequests();
    // Eight of the most common words: only the six rarest of them are searched.
    await qdrant.searchText(queries[4] as string, { limit: 10 });
    const [request] = recorder.find('POST', '/collections/t_rank/points/query');
    expect((request?.body as { query: { indices: number[] } } | undefined)?.query.indices).toHaveLength(6);
  });
});
