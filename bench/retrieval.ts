/**
 * Retrieval latency of the embedded store at 10K, 30K and 75K synthetic adapters: BM25 only, and hybrid
 * (BM25 + exact cosine over 1024-d vectors, fused), plus the local overhead of a whole offline composition
 * (retrieve + fuse + compose + masks + prompt assembly) at the largest size. Network calls are excluded: the query
 * vector is a random one, as an embedding endpoint would return.
 * Usage: node --import tsx bench/retrieval.ts [--sizes 10000,30000,75000] [--queries 200]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Embedder } from '../src/catalog/embedder.js';
import { QdrantAdapterStore } from '../src/catalog/qdrant-store.js';
import { SqliteAdapterStore } from '../src/catalog/sqlite-store.js';
import type { AdapterStore } from '../src/catalog/store.js';
import { loadConfig } from '../src/config.js';
import { silentLogger } from '../src/log.js';
import { planComposition } from '../src/stylus/pipeline.js';
import { retrieve } from '../src/stylus/retriever.js';
import { prng, randomUnitVector, report, summarise, syntheticCatalog, syntheticPrompts } from './synthetic.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,30000,75000' },
    queries: { type: 'string', default: '200' },
    dims: { type: 'string', default: '1024' },
  },
});
const sizes = (values.sizes ?? '').split(',').map(Number);
const queryCount = Number(values.queries);
const dims = Number(values.dims);

/** Stands in for an embedding endpoint without the network: a fixed random vector per text. */
class LocalRandomEmbedder implements Embedder {
  readonly model = 'bench-random';
  private readonly random = prng(99);
  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    return texts.map(() => randomUnitVector(this.random, dims));
  }
}

for (const size of sizes) {
  const dir = mkdtempSync(path.join(tmpdir(), 'stylus-bench-'));
  const store = new SqliteAdapterStore(path.join(dir, 'stylus.db'));
  try {
    const { adapters, vocabulary } = syntheticCatalog(size, 1);
    const loadStarted = performance.now();
    for (let start = 0; start < adapters.length; start += 5000) store.upsertSync(adapters.slice(start, start + 5000));
    const loadMs = performance.now() - loadStarted;
    const prompts = syntheticPrompts(queryCount, adapters, vocabulary, 2);

    // Warm-up: first queries pay for statement preparation and page cache.
    for (const prompt of prompts.slice(0, 10)) await retrieve({ store }, prompt);
    const bm25: number[] = [];
    for (const prompt of prompts) {
      const started = performance.now();
      await retrieve({ store }, prompt);
      bm25.push(performance.now() - started);
    }
    report({
      bench: 'retrieval',
      store: 'sqlite',
      mode: 'bm25',
      adapters: size,
      load_ms: Math.round(loadMs),
      ...summarise(bm25),
      unit: 'ms',
    });

    const random = prng(7);
    for (let start = 0; start < adapters.length; start += 5000) {
      await store.setVectors(
        adapters
          .slice(start, start + 5000)
          .map((adapter) => ({ id: adapter.id, vector: randomUnitVector(random, dims) })),
        'bench-random',
      );
    }
    const embedder = new LocalRandomEmbedder();
    await retrieve({ store, embedder }, prompts[0] ?? 'warm up'); // loads the vector matrix once
    const hybrid: number[] = [];
    for (const prompt of prompts) {
      const started = performance.now();
      await retrieve({ store, embedder }, prompt);
      hybrid.push(performance.now() - started);
    }
    report({
      bench: 'retrieval',
      store: 'sqlite',
      mode: `hybrid-${dims}d`,
      adapters: size,
      ...summarise(hybrid),
      unit: 'ms',
    });

    if (size === Math.max(...sizes)) {
      const config = loadConfig({ LOG_LEVEL: 'silent' });
      const services = { config, store, log: silentLogger, embedder: undefined, openai: undefined };
      const overhead: number[] = [];
      for (const [index, prompt] of prompts.entries()) {
        const started = performance.now();
        // A different seed each time defeats nothing: the composition cache is keyed by prompt, and prompts differ.
        await planComposition(services, { prompt, base: 'sd1', images: 4, seed: index });
        overhead.push(performance.now() - started);
      }
      report({
        bench: 'composition_overhead',
        composer: 'offline',
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

/**
 * The same BM25 and hybrid measurements against Qdrant, when a server is configured (QDRANT_URL). Each size gets its
 * own collection, dropped afterwards.
 */
if (process.env.QDRANT_URL) {
  for (const size of sizes) {
    const collection = `stylus_bench_${size}_${Date.now()}`;
    const store: AdapterStore = await QdrantAdapterStore.open({
      url: process.env.QDRANT_URL,
      apiKey: process.env.QDRANT_API_KEY,
      collection,
      dimensions: dims,
    });
    try {
      const { adapters, vocabulary } = syntheticCatalog(size, 1);
      const loadStarted = performance.now();
      for (let start = 0; start < adapters.length; start += 1000)
        await store.upsert(adapters.slice(start, start + 1000));
      const loadMs = performance.now() - loadStarted;
      const prompts = syntheticPrompts(queryCount, adapters, vocabulary, 2);
      const bm25: number[] = [];
      for (const prompt of prompts) {
        const started = performance.now();
        await retrieve({ store }, prompt);
        bm25.push(performance.now() - started);
      }
      report({
        bench: 'retrieval',
        store: 'qdrant',
        mode: 'bm25',
        adapters: size,
        load_ms: Math.round(loadMs),
        ...summarise(bm25),
        unit: 'ms',
      });
      const random = prng(7);
      for (let start = 0; start < adapters.length; start += 1000) {
        await store.setVectors(
          adapters
            .slice(start, start + 1000)
            .map((adapter) => ({ id: adapter.id, vector: randomUnitVector(random, dims) })),
          'bench-random',
        );
      }
      const embedder = new LocalRandomEmbedder();
      const hybrid: number[] = [];
      for (const prompt of prompts) {
        const started = performance.now();
        await retrieve({ store, embedder }, prompt);
        hybrid.push(performance.now() - started);
      }
      report({
        bench: 'retrieval',
        store: 'qdrant',
        mode: `hybrid-${dims}d`,
        adapters: size,
        ...summarise(hybrid),
        unit: 'ms',
      });
    } finally {
      await fetch(`${process.env.QDRANT_URL}/collections/${collection}`, {
        method: 'DELETE',
        headers: process.env.QDRANT_API_KEY ? { 'api-key': process.env.QDRANT_API_KEY } : {},
      }).catch(() => undefined);
      await store.close();
    }
  }
} else {
  report({ bench: 'retrieval', store: 'qdrant', skipped: 'QDRANT_URL not set: no Qdrant server to measure' });
}
