/**
 * Retrieval latency at 10K, 30K and 75K adapters grown from a real dump (bench/realistic-catalog.ts), PartiPrompts: BM25 only, and hybrid (BM25 + cosine over 1024-d vectors,
 * fused), in the embedded SQLite store and, when QDRANT_URL is set, in Qdrant; plus the local overhead of a whole
 * offline composition (retrieve + fuse + compose + masks + prompt assembly) at the largest size, and peak memory.
 * Network calls to an embedding endpoint are excluded: the query vector is a random one, as an endpoint would return.
 * Usage: node --import tsx bench/retrieval.ts --dump FILE --prompts FILE [--sizes 10000,30000,75000] [--queries 200]
 *   [--dims 1024]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Adapter } from '../src/catalog/adapter.js';
import type { Embedder } from '../src/catalog/embedder.js';
import { QdrantAdapterStore } from '../src/catalog/qdrant-store.js';
import { SqliteAdapterStore } from '../src/catalog/sqlite-store.js';
import type { AdapterStore } from '../src/catalog/store.js';
import { loadConfig } from '../src/config.js';
import { silentLogger } from '../src/log.js';
import { seededRandom } from '../src/stylus/masks.js';
import { planComposition } from '../src/stylus/pipeline.js';
import { retrieve } from '../src/stylus/retriever.js';
import { catalogBatches, dumpAdapters, readPrompts } from './realistic-catalog.js';
import { randomUnitVector, report, summarise } from './synthetic.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,30000,75000' },
    queries: { type: 'string', default: '200' },
    dims: { type: 'string', default: '1024' },
    dump: { type: 'string' },
    prompts: { type: 'string' },
  },
});
if (!values.dump || !values.prompts) throw new Error('bench/retrieval: pass --dump FILE and --prompts FILE');
const base: readonly Adapter[] = await dumpAdapters(values.dump);
const allPrompts = readPrompts(values.prompts);
const sizes = (values.sizes ?? '').split(',').map(Number);
const queryCount = Number(values.queries);
const dims = Number(values.dims);
const BATCH = 5000;

/** Stands in for an embedding endpoint without the network: a random unit vector per text. */
class LocalRandomEmbedder implements Embedder {
  readonly model = 'bench-random';
  private readonly random = seededRandom(99);
  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    return texts.map(() => randomUnitVector(this.random, dims));
  }
}

async function timeQueries(prompts: readonly string[], run: (prompt: string) => Promise<unknown>): Promise<number[]> {
  // Warm-up: the first queries pay for statement preparation, caches and (hybrid) loading the vector matrix.
  for (const prompt of prompts.slice(0, 10)) await run(prompt);
  const samples: number[] = [];
  for (const prompt of prompts) {
    const started = performance.now();
    await run(prompt);
    samples.push(performance.now() - started);
  }
  return samples;
}

/** Loads a synthetic catalog of `size` into a store, then measures BM25 and hybrid retrieval. */
async function measureStore(name: string, store: AdapterStore, size: number): Promise<string[]> {
  const loadStarted = performance.now();
  for (const batch of catalogBatches(base, size, BATCH)) await store.upsert(batch);
  const loadMs = Math.round(performance.now() - loadStarted);
  const step = Math.max(1, Math.floor(allPrompts.length / queryCount));
  const prompts = allPrompts.filter((_, index) => index % step === 0).slice(0, queryCount);
  const bm25 = await timeQueries(prompts, (prompt) => retrieve({ store }, prompt));
  report({
    bench: 'retrieval',
    store: name,
    mode: 'bm25',
    adapters: size,
    load_ms: loadMs,
    ...summarise(bm25),
    unit: 'ms',
  });

  const random = seededRandom(7);
  for (const batch of catalogBatches(base, size, BATCH)) {
    await store.setVectors(
      batch.map((adapter) => ({ id: adapter.id, vector: randomUnitVector(random, dims) })),
      'bench-random',
    );
  }
  const embedder = new LocalRandomEmbedder();
  const hybrid = await timeQueries(prompts, (prompt) => retrieve({ store, embedder }, prompt));
  report({
    bench: 'retrieval',
    store: name,
    mode: `hybrid-${dims}d`,
    adapters: size,
    ...summarise(hybrid),
    unit: 'ms',
  });
  return prompts;
}

for (const size of sizes) {
  const dir = mkdtempSync(path.join(tmpdir(), 'stylus-bench-'));
  const store = new SqliteAdapterStore(path.join(dir, 'stylus.db'));
  try {
    const prompts = await measureStore('sqlite', store, size);
    if (size === Math.max(...sizes)) {
      const services = { config: loadConfig({ LOG_LEVEL: 'silent' }), store, log: silentLogger };
      // Each prompt differs, so the composition cache never answers: every run retrieves and composes.
      const overhead = await timeQueries(prompts, (prompt) =>
        planComposition(services, { prompt, base: 'sd1', images: 4, seed: 1 }),
      );
      report({
        bench: 'composition_overhead',
        composer: 'offline',
        mode: 'bm25',
        adapters: size,
        ...summarise(overhead),
        unit: 'ms',
        target_p50_ms: 20,
      });
      report({
        bench: 'peak_rss',
        adapters: size,
        vectors: `${dims}d`,
        rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
      });
    }
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const qdrantUrl = process.env.QDRANT_URL;
if (qdrantUrl) {
  for (const size of sizes) {
    const collection = `stylus_bench_${size}_${Date.now()}`;
    const apiKey = process.env.QDRANT_API_KEY;
    const store = await QdrantAdapterStore.open({ url: qdrantUrl, apiKey, collection, dimensions: dims });
    try {
      await measureStore('qdrant', store, size);
    } finally {
      await store.close();
      // Each size gets its own collection, dropped afterwards.
      await fetch(`${qdrantUrl}/collections/${collection}`, {
        method: 'DELETE',
        headers: apiKey ? { 'api-key': apiKey } : {},
      }).catch(() => undefined);
    }
  }
} else {
  report({ bench: 'retrieval', store: 'qdrant', skipped: 'QDRANT_URL not set: no Qdrant server to measure' });
}
