import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OpenAiEmbedder } from '../src/catalog/embedder.js';
import { embedCatalog } from '../src/catalog/ingest/embed.js';
import { refineCatalog } from '../src/catalog/ingest/refine.js';
import { IngestState } from '../src/catalog/ingest/state.js';
import { QdrantAdapterStore } from '../src/catalog/qdrant-store.js';
import { silentLogger } from '../src/log.js';
import { openDatabase, type SqliteDatabase } from '../src/storage/sqlite.js';
import { makeAdapter } from './support/adapters.js';
import { OpenAiStub } from './support/openai-stub.js';
import { QdrantRecorder } from './support/qdrant-recorder.js';

/** The catalog jobs against Qdrant cost what they do, not what the catalog weighs. */
describe('embed and refine against Qdrant', () => {
  let dir: string;
  let db: SqliteDatabase;
  let recorder: QdrantRecorder;
  let stub: OpenAiStub;
  let store: QdrantAdapterStore;
  const collection = 't_scale_embed';

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'stylus-qdrant-embed-'));
    db = openDatabase(path.join(dir, 'state.db'));
    recorder = await QdrantRecorder.start();
    stub = await OpenAiStub.start();
    store = await QdrantAdapterStore.open({ url: recorder.url, collection, batchSize: 64 });
    await store.upsert(
      Array.from({ length: 150 }, (_, index) =>
        makeAdapter({ id: `hf:e/${String(index).padStart(3, '0')}`, name: `Style ${index}`, tags: ['style'] }),
      ),
    );
  });
  afterEach(async () => {
    await store.close();
    await recorder.close();
    await stub.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a second embed with nothing to do reads no vector and writes nothing', async () => {
    const state = new IngestState(db);
    const embedder = new OpenAiEmbedder(new OpenAI({ apiKey: 'x', baseURL: stub.url, maxRetries: 0 }), 'emb', 32);
    const first = await embedCatalog({ store, state, embedder, log: silentLogger });
    expect(first.get('embedded')).toBe(150);

    recorder.clearRequests();
    stub.requests.length = 0;
    const second = await embedCatalog({ store, state, embedder, log: silentLogger });
    expect(second.get('unchanged')).toBe(150);
    expect(stub.embeddingRequests()).toEqual([]);
    expect(recorder.writes()).toEqual([]);
    const downloaded = recorder.requests.filter((request) => {
      const withVector = (request.body as { with_vector?: unknown } | undefined)?.with_vector;
      return withVector !== undefined && withVector !== false;
    });
    expect(downloaded).toEqual([]);
    // Bytes answered: ids and records, nothing of the 150 x 32 floats.
    const answered = recorder.requests.reduce((sum, request) => sum + JSON.stringify(request.response).length, 0);
    expect(answered).toBeLessThan(150 * 1_500);
  });

  it('refine writes one adapter at a time without rescanning the collection between pages', async () => {
    const state = new IngestState(db);
    recorder.clearRequests();
    const report = await refineCatalog({
      store,
      state,
      refine: async (adapter) => ({ ...adapter, refined: true, description: `refined ${adapter.name}` }),
      concurrency: 2,
      log: silentLogger,
    });
    expect(report.get('refined')).toBe(150);
    const scrolls = recorder.find('POST', `/collections/${collection}/points/scroll`);
    const rebuilding = (request: (typeof scrolls)[number]) => JSON.stringify(request.body).includes('text_weights');
    // Listing: one scroll for the one page of 200, not one full scan per write.
    expect(scrolls.filter((request) => !rebuilding(request))).toHaveLength(1);
    // Refined descriptions double the average length: BM25 weights follow a few times (three passes over the 150
    // points, plus what the other worker wrote meanwhile), not once per write.
    const reweighted = recorder
      .find('POST', `/collections/${collection}/points/batch`)
      .flatMap((request) => (request.body as { operations: { set_payload?: { payload: object } }[] }).operations)
      .filter((operation) => operation.set_payload && !('adapter_id' in operation.set_payload.payload)).length;
    expect(reweighted).toBeGreaterThan(150);
    expect(reweighted).toBeLessThan(4 * 150);
    await store.settle();
    expect((await store.list({ limit: 200 })).every((adapter) => adapter.refined)).toBe(true);
    expect(await store.searchText('refined style', { limit: 1 })).toHaveLength(1);
  });
});
