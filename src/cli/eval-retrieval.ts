import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import type { Adapter } from '../catalog/adapter.js';
import { adapterEmbeddingText, type Embedder, OpenAiEmbedder } from '../catalog/embedder.js';
import { QdrantAdapterStore } from '../catalog/qdrant-store.js';
import { parseCivitaiModel, readCivitaiDump } from '../catalog/sources/civitai-item.js';
import { SqliteAdapterStore } from '../catalog/sqlite-store.js';
import type { AdapterStore } from '../catalog/store.js';
import type { Config } from '../config.js';
import { UserFacingError } from '../errors.js';
import { createOpenAiClient } from '../openai-client.js';
import { retrieve } from '../stylus/retriever.js';
import { cliConfig } from './context.js';
import { readableFile, readableFileOrFolder } from './files.js';
import { type CliIo, writeLine } from './io.js';
import { defineCommand, parseCommand, shortUsage, UsageError } from './spec.js';

const VARIANTS = ['query_with_triggers', 'query_no_triggers'] as const;
type Variant = (typeof VARIANTS)[number];
const CUTOFFS = [1, 5, 10, 50] as const;
const TOP = 50;
const LOAD_BATCH = 1000;

const QuerySchema = z.object({
  qid: z.string(),
  modelId: z.union([z.number(), z.string()]).transform(String),
  query_with_triggers: z.string(),
  query_no_triggers: z.string(),
});
type Query = z.infer<typeof QuerySchema>;

export interface RetrievalScores {
  queries: number;
  recall: Record<`R@${(typeof CUTOFFS)[number]}`, number>;
  mrr50: number;
}

/** Recall at each cutoff and MRR@50 for one variant: one relevant item per query. */
export function scoreRankings(rankings: readonly { relevant: string; ranked: readonly string[] }[]): RetrievalScores {
  const hits = Object.fromEntries(CUTOFFS.map((cutoff) => [`R@${cutoff}`, 0])) as RetrievalScores['recall'];
  let reciprocal = 0;
  for (const { relevant, ranked } of rankings) {
    const position = ranked.slice(0, TOP).indexOf(relevant);
    if (position < 0) continue;
    reciprocal += 1 / (position + 1);
    for (const cutoff of CUTOFFS) if (position < cutoff) hits[`R@${cutoff}`] += 1;
  }
  const n = rankings.length || 1;
  for (const cutoff of CUTOFFS) hits[`R@${cutoff}`] = round(hits[`R@${cutoff}`] / n);
  return { queries: rankings.length, recall: hits, mrr50: round(reciprocal / n) };
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}

/**
 * `stylus eval retrieval --catalog <civitai dump> --queries <jsonl> [--out preds.jsonl] [--json] [--limit N]`:
 * loads the dump into a fresh store (no refine) of the kind the configuration asks for: an embedded SQLite file, or
 * with QDRANT_URL set a throwaway Qdrant collection next to QDRANT_COLLECTION (dropped afterwards); runs the
 * project's retriever with its filters off for each query and variant, and scores the top 50 by Civitai model id.
 */
const spec = defineCommand({
  command: 'stylus eval retrieval',
  summary:
    "Loads a Civitai dump into a fresh embedded catalog, runs the project's retriever (filters off) for each query, " +
    'and scores the top 50 by Civitai model id: recall at 1, 5, 10, 50 and MRR@50, with and without trigger words.',
  flags: {
    catalog: {
      type: 'string',
      value: 'file|folder',
      help: 'Civitai dump: JSONL of /api/v1/models items, or a folder (required)',
    },
    queries: {
      type: 'string',
      value: 'file',
      help: 'queries, one {"qid", "modelId", "query_with_triggers", "query_no_triggers"} per line (required)',
    },
    out: { type: 'string', value: 'file', help: 'write the ranking of each query here (JSONL)' },
    limit: {
      type: 'int',
      help: 'use only the first n queries',
      min: 1,
      max: Number.MAX_SAFE_INTEGER,
      defaultText: 'all',
    },
    json: { type: 'boolean', help: 'print one JSON object' },
  },
  examples: ['stylus eval retrieval --catalog civitai-models.jsonl --queries retrieval-dev.jsonl'],
  notes: ['Dense retrieval too when STYLUS_EMBEDDING_MODEL is set (the catalog is embedded first).'],
});

export async function evalRetrieval(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommand(spec, args);
  if (!values.catalog || !values.queries) {
    throw new UsageError('--catalog and --queries are both required', {
      command: spec.command,
      usage: shortUsage(spec),
    });
  }
  await readableFileOrFolder(values.catalog, 'Civitai dump');
  await readableFile(values.queries, 'queries file');
  const limit = values.limit ?? Number.MAX_SAFE_INTEGER;
  const config = cliConfig(io);
  const dataDir = mkdtempSync(path.join(tmpdir(), 'stylus-eval-'));
  const { store, name: storeName, dispose } = await openEvaluationStore(config, dataDir);
  try {
    const started = performance.now();
    const loaded = await loadCivitaiDump(store, values.catalog);
    if (store instanceof QdrantAdapterStore) await store.settle();
    const loadMs = performance.now() - started;
    const embedder =
      config.STYLUS_EMBEDDING_MODEL !== undefined
        ? new OpenAiEmbedder(
            createOpenAiClient(config),
            config.STYLUS_EMBEDDING_MODEL,
            config.STYLUS_EMBEDDING_DIMENSIONS,
          )
        : undefined;
    if (embedder) await embedCatalog(store, embedder);
    const queries = (await readQueries(values.queries)).slice(0, limit);
    const out = values.out ? createWriteStream(values.out) : undefined;
    const perVariant: Record<Variant, { relevant: string; ranked: string[] }[]> = {
      query_with_triggers: [],
      query_no_triggers: [],
    };
    // With an embedding model, BM25 alone too, side by side: hybrid must never score below lexical.
    const lexicalOnly: Record<Variant, { relevant: string; ranked: string[] }[]> = {
      query_with_triggers: [],
      query_no_triggers: [],
    };
    const searchStarted = performance.now();
    for (const query of queries) {
      for (const variant of VARIANTS) {
        const result = await retrieve({ store, embedder }, query[variant], {
          limit: TOP,
          filter: { allowNsfw: true, allowRealPerson: true },
        });
        const ranked = result.candidates.map((candidate) => civitaiModelId(candidate.adapter));
        perVariant[variant].push({ relevant: query.modelId, ranked });
        if (embedder) {
          const lexical = await retrieve({ store }, query[variant], {
            limit: TOP,
            filter: { allowNsfw: true, allowRealPerson: true },
          });
          lexicalOnly[variant].push({
            relevant: query.modelId,
            ranked: lexical.candidates.map((candidate) => civitaiModelId(candidate.adapter)),
          });
        }
        out?.write(`${JSON.stringify({ qid: query.qid, variant, ranked: ranked.map(Number) })}\n`);
      }
    }
    const searchMs = performance.now() - searchStarted;
    if (out)
      await new Promise<void>((resolve, reject) =>
        out.end((error?: Error | null) => (error ? reject(error) : resolve())),
      );
    const report = {
      store: storeName,
      catalog: loaded,
      queries: queries.length,
      dense: embedder !== undefined,
      load_ms: Math.round(loadMs),
      mean_query_ms: round(searchMs / Math.max(1, queries.length * VARIANTS.length)),
      variants: Object.fromEntries(VARIANTS.map((variant) => [variant, scoreRankings(perVariant[variant])])),
      ...(embedder
        ? {
            bm25_only: Object.fromEntries(VARIANTS.map((variant) => [variant, scoreRankings(lexicalOnly[variant])])),
          }
        : {}),
    };
    if (values.json) writeLine(io.stdout, JSON.stringify(report));
    else {
      writeLine(
        io.stdout,
        `Catalog: ${loaded} adapters in ${storeName} (loaded in ${report.load_ms} ms), ${queries.length} queries, ` +
          `dense: ${report.dense}`,
      );
      for (const variant of VARIANTS) {
        const scores = report.variants[variant] as RetrievalScores;
        const recall = Object.entries(scores.recall)
          .map(([key, value]) => `${key} ${value.toFixed(3)}`)
          .join('  ');
        writeLine(io.stdout, `${variant.padEnd(20)} ${recall}  MRR@50 ${scores.mrr50.toFixed(3)}`);
        const lexical = report.bm25_only?.[variant] as RetrievalScores | undefined;
        if (lexical) {
          const lexicalRecall = Object.entries(lexical.recall)
            .map(([key, value]) => `${key} ${value.toFixed(3)}`)
            .join('  ');
          writeLine(io.stdout, `${`  bm25 only`.padEnd(20)} ${lexicalRecall}  MRR@50 ${lexical.mrr50.toFixed(3)}`);
        }
      }
    }
    return 0;
  } finally {
    await dispose();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** A fresh, empty store of the configured kind, and how to get rid of it. */
async function openEvaluationStore(
  config: Config,
  dataDir: string,
): Promise<{ store: AdapterStore; name: string; dispose: () => Promise<void> }> {
  if (!config.QDRANT_URL) {
    const store = new SqliteAdapterStore(path.join(dataDir, 'stylus.db'));
    return { store, name: 'sqlite', dispose: () => store.close() };
  }
  const collection = `${config.QDRANT_COLLECTION}_eval_${randomUUID().slice(0, 8)}`;
  const store = await QdrantAdapterStore.open({
    url: config.QDRANT_URL,
    apiKey: config.QDRANT_API_KEY,
    collection,
    dimensions: config.STYLUS_EMBEDDING_DIMENSIONS,
  });
  return {
    store,
    name: `qdrant collection "${collection}"`,
    dispose: async () => {
      await store.dropCollection();
      await store.close();
    },
  };
}

function civitaiModelId(adapter: Adapter): string {
  return adapter.sourceIds.modelId ?? adapter.id.replace(/^civitai:/, '');
}

/** Loads a Civitai dump (JSONL or folder of items) into a store through the Civitai parser; returns the count. */
export async function loadCivitaiDump(store: AdapterStore, file: string): Promise<number> {
  let batch: Adapter[] = [];
  let loaded = 0;
  for await (const entry of readCivitaiDump(file)) {
    if (!('item' in entry)) continue;
    const { adapter } = parseCivitaiModel(entry.item);
    if (!adapter) continue;
    batch.push(adapter);
    if (batch.length >= LOAD_BATCH) {
      await store.upsert(batch);
      loaded += batch.length;
      batch = [];
    }
  }
  await store.upsert(batch);
  return loaded + batch.length;
}

async function embedCatalog(store: AdapterStore, embedder: Embedder): Promise<void> {
  for (;;) {
    const ids = await store.idsWithoutVector(embedder.model, 512);
    if (ids.length === 0) return;
    const adapters = await store.getMany(ids);
    const vectors = await embedder.embed(adapters.map(adapterEmbeddingText));
    await store.setVectors(
      adapters.map((adapter, index) => ({ id: adapter.id, vector: vectors[index] as Float32Array })),
      embedder.model,
    );
  }
}

async function readQueries(file: string): Promise<Query[]> {
  const queries: Query[] = [];
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
  let number = 0;
  for await (const line of lines) {
    number++;
    if (line.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw new UserFacingError(`${file}:${number}: not valid JSON.`, 'bad_queries');
    }
    const query = QuerySchema.safeParse(parsed);
    if (!query.success)
      throw new UserFacingError(
        `${file}:${number}: needs qid, modelId, query_with_triggers, query_no_triggers.`,
        'bad_queries',
      );
    queries.push(query.data);
  }
  return queries;
}
