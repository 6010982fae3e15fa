import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pointIdFor } from '../src/catalog/qdrant-filter.js';
import { termId } from '../src/catalog/qdrant-sparse.js';
import { QdrantAdapterStore } from '../src/catalog/qdrant-store.js';
import { fuseRankings, RRF_K } from '../src/stylus/retriever.js';
import { makeAdapter } from './support/adapters.js';
import { QdrantRecorder, type RecordedQdrantRequest } from './support/qdrant-recorder.js';

/** The JSON the Qdrant store sends, against the loopback Qdrant double (no Qdrant server needed). */
describe('Qdrant store requests', () => {
  let recorder: QdrantRecorder;
  const collection = 't_scale_requests';
  const open = (dimensions?: number, batchSize?: number) =>
    QdrantAdapterStore.open({ url: recorder.url, collection, dimensions, batchSize });

  beforeEach(async () => {
    recorder = await QdrantRecorder.start();
  });
  afterEach(async () => {
    await recorder.close();
  });

  const nsfwOff = { key: 'nsfw', match: { value: false } };
  const realPersonOff = { key: 'real_person', match: { value: false } };
  const queries = () => recorder.find('POST', `/collections/${collection}/points/query`).map((r) => r.body);

  it('creates the collection with a named cosine vector, a BM25 sparse vector without modifier, and indexes', async () => {
    const store = await open(4);
    expect(recorder.find('PUT', `/collections/${collection}`).map((request) => request.body)).toEqual([
      { vectors: { dense: { size: 4, distance: 'Cosine' } }, sparse_vectors: { bm25: { modifier: 'none' } } },
    ]);
    expect(recorder.find('PUT', `/collections/${collection}/index`).map((request) => request.body)).toEqual([
      { field_name: 'base_family', field_schema: 'keyword' },
      { field_name: 'category', field_schema: 'keyword' },
      { field_name: 'source', field_schema: 'keyword' },
      { field_name: 'nsfw', field_schema: 'bool' },
      { field_name: 'real_person', field_schema: 'bool' },
      { field_name: 'adapter_id', field_schema: 'keyword' },
      { field_name: 'vector_model', field_schema: 'keyword' },
      { field_name: 'terms', field_schema: 'keyword' },
      { field_name: 'identity_terms', field_schema: 'keyword' },
      { field_name: 'text_length', field_schema: 'integer' },
      { field_name: 'text_weights', field_schema: 'keyword' },
    ]);
    expect(recorder.find('PUT', `/collections/${collection}/index`).every((r) => r.query.wait === 'true')).toBe(true);
    expect(store.dimensions).toBe(4);

    // A second process starting on the same collection changes nothing.
    recorder.clearRequests();
    await open(4);
    expect(recorder.writes()).toEqual([]);
  });

  it('creates a sparse-only collection when the embedding size is not known yet', async () => {
    const store = await open();
    expect(recorder.find('PUT', `/collections/${collection}`)[0]?.body).toEqual({
      sparse_vectors: { bm25: { modifier: 'none' } },
    });
    expect(store.dimensions).toBeUndefined();
    expect(await store.searchVector(Float32Array.from([1, 0]), { limit: 3 })).toEqual([]);
  });

  it('upserts points with stable UUIDs, FTS5 BM25 weights per field, the record and its terms as payload', async () => {
    const store = await open(4);
    recorder.clearRequests();
    const adapter = makeAdapter({ id: 'hf:a/watercolor', name: 'Watercolor', triggerWords: ['wash'] });
    await store.upsert([adapter]);

    // The first records set the corpus average (2 terms), recorded in the collection's metadata first.
    expect(recorder.find('PATCH', `/collections/${collection}`)[0]?.body).toEqual({
      metadata: { text_average_length: 2 },
    });
    const [batch] = recorder.find('POST', `/collections/${collection}/points/batch`);
    expect(batch?.query).toEqual({ wait: 'true' });
    // FTS5's bm25(): hits summed over fields times the field weight (name 4, trigger words 3), saturated against the
    // document length over the average (2 / 2: norm 1); watercolor 4 * 2.2 / (4 + 1.2), wash 3 * 2.2 / (3 + 1.2).
    const byTerm = new Map([
      [termId('watercolor'), 1.692308],
      [termId('wash'), 1.571429],
    ]);
    const indices = [...byTerm.keys()].sort((a, b) => a - b);
    expect(batch?.body).toEqual({
      operations: [
        {
          upsert: {
            points: [
              {
                id: pointIdFor('hf:a/watercolor'),
                vector: { bm25: { indices, values: indices.map((index) => byTerm.get(index)) } },
                payload: {
                  adapter_id: 'hf:a/watercolor',
                  base_family: 'sdxl',
                  category: 'other',
                  source: 'huggingface',
                  nsfw: false,
                  real_person: false,
                  record: JSON.parse(JSON.stringify(adapter)),
                  record_hash: expect.stringMatching(/^[0-9a-f]{32}$/),
                  terms: ['watercolor', 'wash'],
                  identity_terms: ['watercolor', 'wash'],
                  text_length: 2,
                  text_weights: 'fts5-bm25-v1:2',
                },
              },
            ],
          },
        },
      ],
    });
    const patches = recorder.find('PATCH', `/collections/${collection}`);
    const last = patches.at(-1)?.body as { metadata: { catalog_version: string } };
    expect(last.metadata.catalog_version).toMatch(/^[0-9a-f-]{36}$/);
    expect(await store.version()).toBe(last.metadata.catalog_version);
    expect((await store.get('hf:a/watercolor'))?.triggerWords).toEqual(['wash']);

    // The same record again writes nothing and leaves the version alone.
    recorder.clearRequests();
    await store.upsert([adapter]);
    expect(recorder.writes()).toEqual([]);
    expect(await store.version()).toBe(last.metadata.catalog_version);
  });

  it('splits writes into batches', async () => {
    const store = await open(undefined, 2);
    recorder.clearRequests();
    await store.upsert(['a', 'b', 'c', 'd', 'e'].map((letter) => makeAdapter({ id: `hf:x/${letter}` })));
    const batches = recorder.find('POST', `/collections/${collection}/points/batch`);
    expect(batches.map((request) => upsertedCount(request))).toEqual([2, 2, 1]);
    expect(await store.count()).toBe(5);
  });

  it('searches text with FTS5 IDF weights from document counts Qdrant makes, under the payload filter', async () => {
    const store = await open(2);
    await store.upsert([
      makeAdapter({ id: 'civitai:1', source: 'civitai', name: 'Corgi', description: 'a dog' }),
      makeAdapter({ id: 'civitai:2', source: 'civitai', name: 'Cat', description: 'a cat, not a dog' }),
      makeAdapter({ id: 'civitai:3', source: 'civitai', name: 'Fox' }),
      makeAdapter({ id: 'civitai:4', source: 'civitai', name: 'Owl' }),
      makeAdapter({ id: 'hf:x/5', name: 'Eel' }),
    ]);
    recorder.clearRequests();
    const hits = await store.searchText('Corgi dogs', { limit: 3, filter: { allowNsfw: true, sources: ['civitai'] } });
    expect(hits.map((hit) => hit.id)).toEqual(['civitai:1', 'civitai:2']);
    // Document frequencies: the catalog size, then one exact count per query term over the `terms` payload.
    expect(recorder.find('POST', `/collections/${collection}/points/count`).map((r) => r.body)).toEqual([
      { exact: true },
      { filter: { must: [{ key: 'terms', match: { value: 'corgi' } }] }, exact: true },
      { filter: { must: [{ key: 'terms', match: { value: 'dog' } }] }, exact: true },
    ]);
    // N = 5: corgi in 1 document, ln(4.5 / 1.5); dog in 2, ln(3.5 / 2.5).
    const idf = new Map([
      [termId('corgi'), 1.098612],
      [termId('dog'), 0.3364722],
    ]);
    const indices = [...idf.keys()].sort((a, b) => a - b);
    expect(queries()).toEqual([
      {
        query: { indices, values: indices.map((index) => idf.get(index)) },
        using: 'bm25',
        filter: { must: [realPersonOff, { key: 'source', match: { any: ['civitai'] } }] },
        limit: 3,
        with_payload: ['adapter_id'],
        with_vector: false,
      },
    ]);
    // Counts are kept per catalog version: the same words again cost one query.
    recorder.clearRequests();
    await store.searchText('dog corgi', { limit: 3 });
    expect(recorder.find('POST', `/collections/${collection}/points/count`)).toEqual([]);
  });

  it('searches vectors exactly, not on the approximate index', async () => {
    const store = await open(2);
    recorder.clearRequests();
    await store.searchVector(Float32Array.from([0, 1]), { limit: 7 });
    expect(queries()).toEqual([
      {
        query: [0, 1],
        using: 'dense',
        filter: { must: [nsfwOff, realPersonOff] },
        params: { exact: true },
        limit: 7,
        with_payload: ['adapter_id'],
        with_vector: false,
      },
    ]);
  });

  it('fuses a hybrid query by reciprocal rank with the retriever constant, to the same order as the retriever', async () => {
    const store = await open(2);
    await store.upsert([
      makeAdapter({ id: 'hf:a/watercolor', name: 'Watercolor', description: 'soft wash of colour' }),
      makeAdapter({ id: 'hf:a/ink', name: 'Ink Wash', description: 'black ink wash painting' }),
      makeAdapter({ id: 'hf:a/oil', name: 'Oil Paint', description: 'thick oil paint' }),
      makeAdapter({ id: 'hf:a/sea', name: 'Seascape', description: 'the sea at dusk' }),
    ]);
    await store.setVectors(
      [
        { id: 'hf:a/watercolor', vector: Float32Array.from([1, 0]) },
        { id: 'hf:a/ink', vector: Float32Array.from([0.2, 1]) },
        { id: 'hf:a/oil', vector: Float32Array.from([0.9, 0.4]) },
        { id: 'hf:a/sea', vector: Float32Array.from([0.7, 0.7]) },
      ],
      'm',
    );
    const filter = { baseFamilies: ['sdxl' as const], excludeIds: ['hf:a/banned'] };
    const vector = Float32Array.from([0.8, 0.6]);
    recorder.clearRequests();
    const hybrid = await store.hybridSearch(
      { text: 'a watercolor wash of the sea', vector },
      { limit: 4, rrfK: RRF_K, filter },
    );
    const [request] = queries() as { prefetch: { params?: unknown }[]; query: unknown }[];
    expect(request?.query).toEqual({ rrf: { k: RRF_K + 1 } });
    expect(request?.prefetch.map((prefetch) => prefetch.params)).toEqual([undefined, { exact: true }]);

    const text = await store.searchText('a watercolor wash of the sea', { limit: 8, filter });
    const dense = await store.searchVector(vector, { limit: 8, filter });
    const fused = fuseRankings([text, dense], RRF_K).slice(0, 4);
    expect(hybrid.map((hit) => hit.id)).toEqual(fused.map((hit) => hit.id));
    expect(hybrid.map((hit) => hit.score.toFixed(6))).toEqual(fused.map((hit) => hit.score.toFixed(6)));
  });

  it('asks nothing when a filter cannot match or the query has no terms', async () => {
    const store = await open(2);
    recorder.clearRequests();
    expect(await store.searchText('corgi', { limit: 3, filter: { baseFamilies: [] } })).toEqual([]);
    expect(await store.searchText('the and of', { limit: 3 })).toEqual([]);
    expect(await store.count({ categories: [] })).toBe(0);
    expect(recorder.requests).toEqual([]);
  });

  it('stores vectors once: a re-run compares hashes in the payload and sends nothing', async () => {
    const store = await open();
    await store.upsert([makeAdapter({ id: 'hf:a/one' }), makeAdapter({ id: 'hf:a/two' })]);
    recorder.clearRequests();
    const vectors = [
      { id: 'hf:a/one', vector: Float32Array.from([1, 0, 0]) },
      { id: 'hf:a/missing', vector: Float32Array.from([0, 1, 0]) },
    ];
    expect(await store.writeVectors(vectors, 'embed-3')).toEqual({ written: 1, unchanged: 0 });
    // The first vectors define the dense vector space of the collection.
    expect(recorder.find('PUT', `/collections/${collection}/vectors/dense`)[0]?.body).toEqual({
      dense: { size: 3, distance: 'Cosine' },
    });
    expect(recorder.find('POST', `/collections/${collection}/points/batch`)[0]?.body).toEqual({
      operations: [
        {
          set_payload: {
            payload: { vector_model: 'embed-3', vector_hash: expect.stringMatching(/^[0-9a-f]{32}$/) },
            points: [pointIdFor('hf:a/one')],
          },
        },
        { update_vectors: { points: [{ id: pointIdFor('hf:a/one'), vector: { dense: [1, 0, 0] } }] } },
      ],
    });
    expect(await store.idsWithoutVector('embed-3', 10)).toEqual(['hf:a/two']);

    recorder.clearRequests();
    expect(await store.writeVectors(vectors, 'embed-3')).toEqual({ written: 0, unchanged: 1 });
    expect(recorder.writes()).toEqual([]);
    expect(recorder.requests.some((request) => JSON.stringify(request.body).includes('"with_vector":["dense"]'))).toBe(
      false,
    );

    // A record replaced by upsert keeps its embedding: only payload and BM25 vector are written.
    recorder.clearRequests();
    await store.upsert([makeAdapter({ id: 'hf:a/one', name: 'One renamed' })]);
    const [update] = recorder.find('POST', `/collections/${collection}/points/batch`);
    const operations = (bodyOf(update) as { operations: Record<string, unknown>[] }).operations;
    expect(operations.map((operation) => Object.keys(operation)[0])).toEqual(['set_payload', 'update_vectors']);
    expect(JSON.stringify(operations)).not.toContain('"dense"');
    expect((await store.getVectors(['hf:a/one']))[0]?.vector).toEqual(Float32Array.from([1, 0, 0]));
    expect((await store.get('hf:a/one'))?.name).toBe('One renamed');
    expect(await store.idsWithoutVector('embed-3', 10)).toEqual(['hf:a/two']);
  });

  it('lists a page with one scroll request, however many writes came before', async () => {
    const store = await open();
    await store.upsert(['a', 'b', 'c', 'd', 'e'].map((letter) => makeAdapter({ id: `hf:x/${letter}` })));
    const first = await store.list({ limit: 2 });
    await store.upsert([makeAdapter({ id: 'hf:x/a', name: 'changed' })]);
    recorder.clearRequests();
    const second = await store.list({ limit: 2, after: first.at(-1)?.id });
    expect(recorder.requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      `POST /collections/${collection}/points/scroll`,
    ]);
    expect(recorder.requests[0]?.body).toMatchObject({ offset: pointIdFor(first.at(-1)?.id ?? ''), limit: 3 });
    expect(second).toHaveLength(2);
    expect(second.map((adapter) => adapter.id)).not.toContain(first.at(-1)?.id);
  });

  it('reports stats with exact facets', async () => {
    const store = await open();
    await store.upsert([
      makeAdapter({ id: 'local:b', source: 'local', category: 'style' }),
      makeAdapter({ id: 'civitai:9', source: 'civitai', baseFamily: 'sd1', nsfw: true }),
      makeAdapter({ id: 'hf:a/c', category: 'style' }),
    ]);
    expect(await store.stats()).toEqual({
      total: 3,
      by_base: { sdxl: 2, sd1: 1 },
      by_source: { local: 1, civitai: 1, huggingface: 1 },
      by_category: { style: 2, other: 1 },
      with_vectors: 0,
    });
    expect(recorder.find('POST', `/collections/${collection}/facet`).map((r) => r.body)).toContainEqual({
      key: 'base_family',
      limit: 1000,
      exact: true,
    });
  });
});

function upsertedCount(request: RecordedQdrantRequest): number {
  const operations = (request.body as { operations: { upsert?: { points: unknown[] } }[] }).operations;
  return operations.reduce((sum, operation) => sum + (operation.upsert?.points.length ?? 0), 0);
}

function bodyOf(request: RecordedQdrantRequest | undefined): unknown {
  if (!request) throw new Error('the request was not sent');
  return request.body;
}
