import { createHash } from 'node:crypto';
import type { Logger } from '../../log.js';
import type { Adapter } from '../adapter.js';
import { adapterEmbeddingText, EMBEDDING_BATCH_SIZE, type Embedder } from '../embedder.js';
import type { AdapterStore } from '../store.js';
import { type ProgressSink, silentProgress } from './progress-display.js';
import { RunReport } from './report.js';
import type { IngestState } from './state.js';

export interface EmbedCatalogOptions {
  store: AdapterStore;
  state: IngestState;
  embedder: Embedder;
  batchSize?: number;
  signal?: AbortSignal;
  progress?: ProgressSink;
  log: Logger;
}

/** Changes when the text or the model changes: a refined description gets a new vector, an unchanged one does not. */
export function embeddingKey(model: string, text: string): string {
  return createHash('sha256').update(model).update('\0').update(text).digest('hex').slice(0, 32);
}

/**
 * Embeds every adapter whose vector is missing or stale (its name, description or tags changed since), in
 * batches of up to 128 texts per request, through the same `Embedder` the retriever embeds queries with.
 */
export async function embedCatalog(options: EmbedCatalogOptions): Promise<RunReport> {
  const report = new RunReport('embed');
  const progress = options.progress ?? silentProgress;
  const batchSize = Math.min(options.batchSize ?? EMBEDDING_BATCH_SIZE, EMBEDDING_BATCH_SIZE);
  const model = options.embedder.model;
  let batch: { adapter: Adapter; text: string; key: string }[] = [];

  const flush = async () => {
    if (batch.length === 0) return;
    const current = batch;
    batch = [];
    try {
      const vectors = await options.embedder.embed(current.map((entry) => entry.text));
      await options.store.setVectors(
        current.map((entry, index) => ({ id: entry.adapter.id, vector: vectors[index] as Float32Array })),
        model,
      );
      options.state.markDone(
        'embed',
        current.map((entry) => ({ id: entry.adapter.id, versionKey: entry.key })),
      );
      report.count('embedded', current.length);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      for (const entry of current) {
        options.state.markFailed('embed', entry.adapter.id, entry.key, detail);
        report.problem(`embed-failed: ${detail}`, entry.adapter.id);
      }
      report.count('failed', current.length);
      options.log.warn({ adapters: current.length, error: detail }, 'embedding batch failed; it will be retried');
    }
    for (let index = 0; index < current.length; index += 1) progress.tick();
  };

  const total = await options.store.count({ allowNsfw: true, allowRealPerson: true });
  progress.start(total);
  // Which records lack a vector of this model, asked once: the stores answer from an index (SQLite) or the payload
  // (Qdrant), where reading every stored vector back would move the whole matrix (173 MB at 40K x 1024) to do nothing.
  const withoutVector = new Set(await options.store.idsWithoutVector(model, total));
  try {
    let after: string | undefined;
    for (;;) {
      if (options.signal?.aborted) {
        report.count('interrupted');
        break;
      }
      const page = await options.store.list({ after, limit: 500, filter: { allowNsfw: true, allowRealPerson: true } });
      if (page.length === 0) break;
      after = page[page.length - 1]?.id;
      for (const adapter of page) {
        const text = adapterEmbeddingText(adapter);
        const key = embeddingKey(model, text);
        if (!withoutVector.has(adapter.id) && options.state.isDone('embed', adapter.id, key)) {
          report.count('unchanged');
          progress.tick();
          continue;
        }
        batch.push({ adapter, text, key });
        if (batch.length >= batchSize) await flush();
        if (options.signal?.aborted) break;
      }
    }
    await flush();
  } finally {
    progress.stop();
  }
  return report;
}
