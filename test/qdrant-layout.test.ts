import { QdrantClient } from '@qdrant/js-client-rest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pointIdFor } from '../src/catalog/qdrant-filter.js';
import { termId } from '../src/catalog/qdrant-sparse.js';
import { QdrantAdapterStore } from '../src/catalog/qdrant-store.js';
import { isUserFacing } from '../src/errors.js';
import { makeAdapter } from './support/adapters.js';
import { QdrantRecorder } from './support/qdrant-recorder.js';

/** Start-up on collections other processes made: nothing is destroyed, unfinished work is finished. */
describe('Qdrant collection layout at start-up', () => {
  let recorder: QdrantRecorder;
  let client: QdrantClient;
  const collection = 't_scale_layout';
  const open = (options: { dimensions?: number; batchSize?: number } = {}) =>
    QdrantAdapterStore.open({ url: recorder.url, collection, ...options });

  beforeEach(async () => {
    recorder = await QdrantRecorder.start();
    client = new QdrantClient({ url: recorder.url, checkCompatibility: false });
  });
  afterEach(async () => {
    await recorder.close();
  });

  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => 'no error',
      (error: unknown) => (isUserFacing(error) ? error.userMessage : String(error)),
    );

  /** A collection as the previous version of the store left it: Qdrant's IDF modifier, no BM25 payload. */
  async function legacyCollection(count: number): Promise<string[]> {
    await client.createCollection(collection, {
      vectors: { dense: { size: 2, distance: 'Cosine' } },
      sparse_vectors: { bm25: { modifier: 'idf' } },
    });
    const names = ['Corgi Dog', 'Pixel Art', 'Ink Wash', 'Neon City', 'Oil Paint', 'Sea Foam', 'Snow Fox'];
    const adapters = Array.from({ length: count }, (_, index) =>
      makeAdapter({ id: `hf:old/${index}`, name: names[index % names.length] ?? 'x', description: `legacy ${index}` }),
    );
    await client.upsert(collection, {
      wait: true,
      points: adapters.map((adapter, index) => ({
        id: pointIdFor(adapter.id),
        vector: {
          dense: [1, index],
          bm25: { indices: [termId(adapter.name.split(' ')[0]?.toLowerCase() ?? '')], values: [1.5] },
        },
        payload: {
          adapter_id: adapter.id,
          base_family: adapter.baseFamily,
          category: adapter.category,
          source: adapter.source,
          nsfw: false,
          real_person: false,
          vector_model: 'old-model',
          record: JSON.parse(JSON.stringify(adapter)),
        },
      })),
    });
    await client.updateCollection(collection, { metadata: { catalog_version: 'legacy' } });
    return adapters.map((adapter) => adapter.id);
  }

  it('refuses embeddings of another size than the collection holds, and changes nothing', async () => {
    await legacyCollection(3);
    recorder.clearRequests();
    const message = await failure(open({ dimensions: 8 }));
    expect(message).toBe(
      `The Qdrant collection "${collection}" at QDRANT_URL=${recorder.url} holds 2-dimension embeddings but ` +
        'STYLUS_EMBEDDING_DIMENSIONS is 8: set STYLUS_EMBEDDING_DIMENSIONS=2 with an embedding model of that size, ' +
        'or set QDRANT_COLLECTION to a new collection and fill it (stylus catalog migrate or stylus ingest, then ' +
        'stylus embed); nothing was changed.',
    );
    expect(recorder.writes()).toEqual([]);
    const points = [...(recorder.collections.get(collection)?.points.values() ?? [])];
    expect(points.every((point) => Array.isArray(point.vectors.dense))).toBe(true);
    expect(points.every((point) => point.payload.vector_model === 'old-model')).toBe(true);

    // The same refusal comes from vectors of another size at write time.
    const store = await open({ dimensions: 2 });
    expect(await failure(store.setVectors([{ id: 'hf:old/0', vector: Float32Array.from([1, 2, 3]) }], 'm'))).toMatch(
      /holds 2-dimension embeddings but the embedding model returns 3: set STYLUS_EMBEDDING_DIMENSIONS=2/,
    );
  });

  it('moves a collection from Qdrant IDF to FTS5 scoring in place: every point stays searchable', async () => {
    const ids = await legacyCollection(7);
    recorder.clearRequests();
    const store = await open({ batchSize: 3 });
    expect(recorder.find('PATCH', `/collections/${collection}`)[0]?.body).toEqual({
      sparse_vectors: { bm25: { modifier: 'none' } },
    });
    // Nothing was deleted, vectors nor payload.
    expect(recorder.requests.filter((request) => request.method === 'DELETE')).toEqual([]);
    expect(JSON.stringify(recorder.writes().map((request) => request.body))).not.toMatch(/delete/);
    const points = [...(recorder.collections.get(collection)?.points.values() ?? [])];
    expect(points.every((point) => String(point.payload.text_weights).startsWith('fts5-bm25-v1:'))).toBe(true);
    expect(points.every((point) => point.payload.vector_model === 'old-model' && point.vectors.dense)).toBe(true);
    expect((await store.searchText('snow fox', { limit: 3 }))[0]?.id).toBe('hf:old/6');
    expect(await store.count()).toBe(ids.length);
  });

  it('resumes a BM25 rebuild that was interrupted, rewriting only what was left', async () => {
    await legacyCollection(7);
    recorder.injectFault({
      method: 'POST',
      path: `/collections/${collection}/points/batch`,
      after: 1,
      status: 503,
      error: 'Service internal error: the node is shutting down',
    });
    expect(await failure(open({ batchSize: 3 }))).toBe(
      `Qdrant at QDRANT_URL=${recorder.url} (collection "${collection}") refused to store rebuilt BM25 weights: ` +
        'Service internal error: the node is shutting down (HTTP 503).',
    );
    const stamped = () =>
      [...(recorder.collections.get(collection)?.points.values() ?? [])].filter((point) => point.payload.text_weights)
        .length;
    expect(stamped()).toBe(3);
    // Meanwhile no point left the text index.
    const { count } = await client.count(collection, { filter: { must: [{ has_vector: 'bm25' }] }, exact: true });
    expect(count).toBe(7);

    recorder.clearRequests();
    const store = await open({ batchSize: 3 });
    const rewritten = recorder
      .find('POST', `/collections/${collection}/points/batch`)
      .flatMap((request) => (request.body as { operations: { update_vectors?: { points: unknown[] } }[] }).operations)
      .reduce((sum, operation) => sum + (operation.update_vectors?.points.length ?? 0), 0);
    expect(rewritten).toBe(4);
    expect(stamped()).toBe(7);
    expect((await store.searchText('neon', { limit: 3 })).map((hit) => hit.id)).toEqual(['hf:old/3']);
  });

  it('re-weights in place when writes move the average document length', async () => {
    const store = await open();
    await store.upsert([makeAdapter({ id: 'hf:a/short', name: 'Fox' })]);
    const stampOf = (id: string) =>
      recorder.collections.get(collection)?.points.get(`u:${pointIdFor(id)}`)?.payload.text_weights;
    expect(stampOf('hf:a/short')).toBe('fts5-bm25-v1:1');
    await store.upsert([
      makeAdapter({ id: 'hf:a/long', name: 'Long', description: 'a fox in deep snow under a pale winter sky' }),
    ]);
    // 'long' + fox, deep, snow, pale, winter, sky (stopwords dropped): average (1 + 7) / 2 = 4 terms. Both points
    // now carry weights for it, the older one rewritten in place.
    expect(recorder.collections.get(collection)?.metadata.text_average_length).toBe(4);
    expect(stampOf('hf:a/short')).toBe('fts5-bm25-v1:4');
    expect(stampOf('hf:a/long')).toBe('fts5-bm25-v1:4');
  });

  it('adds the dense vector to a sparse-only collection without touching its points', async () => {
    const first = await open();
    await first.upsert([makeAdapter({ id: 'hf:a/one' })]);
    recorder.clearRequests();
    const store = await open({ dimensions: 4 });
    expect(recorder.writes().map((request) => `${request.method} ${request.path}`)).toEqual([
      `PUT /collections/${collection}/vectors/dense`,
    ]);
    expect(store.dimensions).toBe(4);
    expect(await store.idsWithoutVector('small', 10)).toEqual(['hf:a/one']);
  });

  it('refuses a Qdrant server too old for collection metadata, saying which version is needed', async () => {
    recorder.serverVersion = '1.12.4';
    expect(await failure(open({ dimensions: 4 }))).toBe(
      `Qdrant 1.12.4 at QDRANT_URL=${recorder.url} is too old for the Stylus catalog: version 1.16 or newer is needed.`,
    );
  });
});
