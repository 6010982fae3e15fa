import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pointIdFor } from '../src/catalog/qdrant-filter.js';
import { adapterSparseVector, querySparseVector, termId } from '../src/catalog/qdrant-sparse.js';
import { QdrantAdapterStore } from '../src/catalog/qdrant-store.js';
import { isUserFacing } from '../src/errors.js';
import { makeAdapter } from './support/adapters.js';
import { QdrantRecorder, type RecordedQdrantRequest } from './support/qdrant-recorder.js';

/** The exact JSON the Qdrant store sends, checked against a loopback recorder (no Qdrant server needed). */
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

  it('creates the collection with a named cosine vector, a BM25 sparse vector with IDF, and payload indexes', async () => {
    const store = await open(4);
    expect(recorder.find('PUT', `/collections/${collection}`).map((request) => request.body)).toEqual([
      {
        vectors: { dense: { size: 4, distance: 'Cosine' } },
        sparse_vectors: { bm25: { modifier: 'idf' } },
      },
    ]);
    expect(recorder.find('PUT', `/collections/${collection}/index`).map((request) => request.body)).toEqual([
      { field_name: 'base_family', field_schema: 'keyword' },
      { field_name: 'category', field_schema: 'keyword' },
      { field_name: 'source', field_schema: 'keyword' },
      { field_name: 'nsfw', field_schema: 'bool' },
      { field_name: 'real_person', field_schema: 'bool' },
      { field_name: 'adapter_id', field_schema: 'keyword' },
      { field_name: 'vector_model', field_schema: 'keyword' },
    ]);
    expect(recorder.find('PUT', `/collections/${collection}/index`).every((r) => r.query.wait === 'true')).toBe(true);
    expect(store.dimensions).toBe(4);

    // A second process starting on the same collection changes nothing.
    recorder.clearRequests();
    await open(4);
    expect(recorder.requests.filter((request) => request.method !== 'GET')).toEqual([]);
  });

  it('creates a sparse-only collection when the embedding size is not known yet', async () => {
    const store = await open();
    expect(recorder.find('PUT', `/collections/${collection}`)[0]?.body).toEqual({
      sparse_vectors: { bm25: { modifier: 'idf' } },
    });
    expect(store.dimensions).toBeUndefined();
    expect(await store.searchVector(Float32Array.from([1, 0]), { limit: 3 })).toEqual([]);
  });

  it('upserts points with stable UUIDs, BM25 weights per field, the record as payload, then bumps the version', async () => {
    const store = await open(4);
    recorder.clearRequests();
    const adapter = makeAdapter({ id: 'hf:a/watercolor', name: 'Watercolor', triggerWords: ['wash'] });
    await store.upsert([adapter]);

    const [upsert] = recorder.find('PUT', `/collections/${collection}/points`);
    expect(upsert?.query).toEqual({ wait: 'true' });
    // FTS5-style BM25: hits summed over fields times the field weight (name 4, trigger words 3), saturated once
    // against the document length (2 terms; average 64): norm = 0.25 + 0.75 * 2/64 = 0.2734375;
    // watercolor: 4 * 2.2 / (4 + 1.2 * norm) = 2.03321; wash: 3 * 2.2 / (3 + 1.2 * norm) = 1.98310.
    const byTerm = new Map([
      [termId('watercolor'), 2.03321],
      [termId('wash'), 1.9831],
    ]);
    const indices = [...byTerm.keys()].sort((a, b) => a - b);
    expect(upsert?.body).toEqual({
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
          },
        },
      ],
    });
    const [patch] = recorder.find('PATCH', `/collections/${collection}`);
    expect(patch?.body).toEqual({ metadata: { catalog_version: expect.stringMatching(/^[0-9a-f-]{36}$/) } });
    expect(await store.version()).toBe(
      (bodyOf(patch) as { metadata: { catalog_version: string } }).metadata.catalog_version,
    );
    expect((await store.get('hf:a/watercolor'))?.triggerWords).toEqual(['wash']);
  });

  it('splits upserts into batches', async () => {
    const store = await open(undefined, 2);
    recorder.clearRequests();
    await store.upsert(['a', 'b', 'c', 'd', 'e'].map((letter) => makeAdapter({ id: `hf:x/${letter}` })));
    const batches = recorder.find('PUT', `/collections/${collection}/points`);
    expect(batches.map((request) => (request.body as { points: unknown[] }).points.length)).toEqual([2, 2, 1]);
    expect(recorder.find('PATCH', `/collections/${collection}`)).toHaveLength(1);
    expect(await store.count()).toBe(5);
  });

  it('sends a hybrid query: dense and sparse prefetches under the same payload filter, fused by RRF', async () => {
    const store = await open(4);
    recorder.clearRequests();
    recorder.queryResults.push({
      points: [
        { id: pointIdFor('hf:a/watercolor'), score: 0.5, payload: { adapter_id: 'hf:a/watercolor' } },
        { id: pointIdFor('hf:a/ink'), score: 0.33, payload: { adapter_id: 'hf:a/ink' } },
      ],
    });
    const hits = await store.hybridSearch(
      { text: 'a watercolor wash of the sea', vector: Float32Array.from([0.5, 0.25, 0, 1]) },
      {
        limit: 5,
        filter: { baseFamilies: ['sdxl', 'pony'], categories: ['style'], excludeIds: ['hf:a/banned'] },
      },
    );
    const filter = {
      must: [
        nsfwOff,
        realPersonOff,
        { key: 'base_family', match: { any: ['sdxl', 'pony'] } },
        { key: 'category', match: { any: ['style'] } },
      ],
      must_not: [{ has_id: [pointIdFor('hf:a/banned')] }],
    };
    const [query] = recorder.find('POST', `/collections/${collection}/points/query`);
    expect(query?.body).toEqual({
      prefetch: [
        { query: querySparseVector('watercolor wash sea'), using: 'bm25', filter, limit: 10 },
        { query: [0.5, 0.25, 0, 1], using: 'dense', filter, limit: 10 },
      ],
      query: { fusion: 'rrf' },
      limit: 5,
      with_payload: ['adapter_id'],
      with_vector: false,
    });
    expect(hits).toEqual([
      { id: 'hf:a/watercolor', score: 0.5 },
      { id: 'hf:a/ink', score: 0.33 },
    ]);
  });

  it('sends text search through the sparse vector and vector search through the dense one', async () => {
    const store = await open(2);
    recorder.clearRequests();
    await store.searchText('Corgi dogs', { limit: 3, filter: { allowNsfw: true, sources: ['civitai'] } });
    await store.searchVector(Float32Array.from([0, 1]), { limit: 7 });
    const bodies = recorder.find('POST', `/collections/${collection}/points/query`).map((request) => request.body);
    expect(bodies).toEqual([
      {
        query: { indices: [termId('corgi'), termId('dog')].sort((a, b) => a - b), values: [1, 1] },
        using: 'bm25',
        filter: { must: [realPersonOff, { key: 'source', match: { any: ['civitai'] } }] },
        limit: 3,
        with_payload: ['adapter_id'],
        with_vector: false,
      },
      {
        query: [0, 1],
        using: 'dense',
        filter: { must: [nsfwOff, realPersonOff] },
        limit: 7,
        with_payload: ['adapter_id'],
        with_vector: false,
      },
    ]);
  });

  it('asks nothing when a filter cannot match or the query has no terms', async () => {
    const store = await open(2);
    recorder.clearRequests();
    expect(await store.searchText('corgi', { limit: 3, filter: { baseFamilies: [] } })).toEqual([]);
    expect(await store.searchText('the and of', { limit: 3 })).toEqual([]);
    expect(await store.count({ categories: [] })).toBe(0);
    expect(recorder.requests).toEqual([]);
  });

  it('stores vectors in one batch request and keeps them when a record is replaced', async () => {
    const store = await open();
    await store.upsert([makeAdapter({ id: 'hf:a/one' }), makeAdapter({ id: 'hf:a/two' })]);
    recorder.clearRequests();
    await store.setVectors(
      [
        { id: 'hf:a/one', vector: Float32Array.from([1, 0, 0]) },
        { id: 'hf:a/missing', vector: Float32Array.from([0, 1, 0]) },
      ],
      'embed-3',
    );
    // The first vectors define the dense vector space of the collection.
    expect(recorder.find('PUT', `/collections/${collection}/vectors/dense`)[0]?.body).toEqual({
      dense: { size: 3, distance: 'Cosine' },
    });
    expect(recorder.find('POST', `/collections/${collection}/points/batch`)[0]?.body).toEqual({
      operations: [
        { update_vectors: { points: [{ id: pointIdFor('hf:a/one'), vector: { dense: [1, 0, 0] } }] } },
        { set_payload: { payload: { vector_model: 'embed-3' }, points: [pointIdFor('hf:a/one')] } },
      ],
    });
    expect(await store.idsWithoutVector('embed-3', 10)).toEqual(['hf:a/two']);

    recorder.clearRequests();
    await store.upsert([makeAdapter({ id: 'hf:a/one', name: 'One renamed' })]);
    const [upsert] = recorder.find('PUT', `/collections/${collection}/points`);
    const [point] = (
      bodyOf(upsert) as { points: { vector: Record<string, unknown>; payload: Record<string, unknown> }[] }
    ).points;
    expect(point?.vector.dense).toEqual([1, 0, 0]);
    expect(point?.payload.vector_model).toBe('embed-3');
    expect((await store.getVectors(['hf:a/one']))[0]?.vector).toEqual(Float32Array.from([1, 0, 0]));
    await expect(store.setVectors([{ id: 'hf:a/two', vector: Float32Array.from([1, 2]) }], 'other')).rejects.toThrow(
      /STYLUS_EMBEDDING_DIMENSIONS=2/,
    );
  });

  it('migrates at start-up: adds the dense vector, or replaces it when the embedding size changed', async () => {
    const first = await open();
    await first.upsert([makeAdapter({ id: 'hf:a/one' })]);
    recorder.clearRequests();
    await open(4);
    expect(recorder.find('PUT', `/collections/${collection}/vectors/dense`).map((request) => request.body)).toEqual([
      { dense: { size: 4, distance: 'Cosine' } },
    ]);
    const store = await open(4);
    await store.setVectors([{ id: 'hf:a/one', vector: Float32Array.from([1, 0, 0, 0]) }], 'small');

    recorder.clearRequests();
    const migrated = await open(8);
    expect(recorder.requests.filter((request) => request.method !== 'GET').map((r) => `${r.method} ${r.path}`)).toEqual(
      [
        `DELETE /collections/${collection}/vectors/dense`,
        `POST /collections/${collection}/points/payload/delete`,
        `PATCH /collections/${collection}`,
        `PUT /collections/${collection}/vectors/dense`,
      ],
    );
    expect(recorder.find('POST', `/collections/${collection}/points/payload/delete`)[0]?.body).toEqual({
      keys: ['vector_model'],
      filter: {},
    });
    expect(migrated.dimensions).toBe(8);
    expect(await migrated.idsWithoutVector('small', 10)).toEqual(['hf:a/one']);
  });

  it('rebuilds BM25 vectors for a collection made without them', async () => {
    const store = await open();
    await store.upsert([makeAdapter({ id: 'hf:a/ink', name: 'Ink Wash' })]);
    const stored = recorder.collections.get(collection);
    if (!stored) throw new Error('collection missing');
    stored.sparseVectors = {};
    for (const point of stored.points.values()) point.vector = {};
    recorder.clearRequests();
    await open();
    expect(recorder.find('PUT', `/collections/${collection}/vectors/bm25`)[0]?.body).toEqual({
      sparse: { modifier: 'idf' },
    });
    expect(recorder.find('PUT', `/collections/${collection}/points/vectors`)[0]?.body).toEqual({
      points: [
        {
          id: pointIdFor('hf:a/ink'),
          vector: { bm25: adapterSparseVector(makeAdapter({ id: 'hf:a/ink', name: 'Ink Wash' })) },
        },
      ],
    });
  });

  it('refuses a Qdrant server too old for collection metadata, saying which version is needed', async () => {
    recorder.serverVersion = '1.12.4';
    const error = await open(4).catch((caught: unknown) => caught);
    expect(isUserFacing(error) && error.userMessage).toBe(
      'Qdrant 1.12.4 is too old for the Stylus catalog: version 1.16 or newer is needed.',
    );
  });

  it('lists in id order and reports stats with facets', async () => {
    const store = await open();
    await store.upsert([
      makeAdapter({ id: 'local:b', source: 'local', category: 'style' }),
      makeAdapter({ id: 'civitai:9', source: 'civitai', baseFamily: 'sd1', nsfw: true }),
      makeAdapter({ id: 'hf:a/c', category: 'style' }),
    ]);
    const first = await store.list({ limit: 2 });
    const rest = await store.list({ limit: 2, after: first.at(-1)?.id });
    expect([...first, ...rest].map((adapter) => adapter.id)).toEqual(['civitai:9', 'hf:a/c', 'local:b']);
    expect((await store.list({ limit: 5, filter: {} })).map((adapter) => adapter.id)).toEqual(['hf:a/c', 'local:b']);
    expect(await store.stats()).toEqual({
      total: 3,
      by_base: { sdxl: 2, sd1: 1 },
      by_source: { local: 1, civitai: 1, huggingface: 1 },
      by_category: { style: 2, other: 1 },
      with_vectors: 0,
    });
    expect(recorder.find('POST', `/collections/${collection}/facet`)[0]?.body).toEqual({
      key: 'base_family',
      limit: 1000,
      exact: true,
    });
  });
});

describe('Qdrant ids and term ids', () => {
  it('derives a version-5 UUID from the adapter id, the same on every machine', () => {
    const id = pointIdFor('civitai:12345');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // Pinned: changing the derivation would orphan every point of existing collections.
    expect(id).toBe(PINNED_POINT_ID);
    expect(pointIdFor('civitai:12346')).not.toBe(id);
  });

  it('hashes terms with 32-bit FNV-1a (published test vectors)', () => {
    expect(termId('')).toBe(0x811c9dc5);
    expect(termId('a')).toBe(0xe40c292c);
    expect(termId('foobar')).toBe(0xbf9cf968);
  });

  it('weights a term by its hits across fields, name and trigger words above description', () => {
    const sparse = adapterSparseVector(
      makeAdapter({
        id: 'hf:a/x',
        name: 'Soft',
        triggerWords: ['glow'],
        description: 'A gentle glow over every scene, with soft light, warm tones and hazy edges for portraits.',
      }),
    );
    const weight = (term: string) => sparse.values[sparse.indices.indexOf(termId(term))] ?? 0;
    // soft: name 4 + description 1; glow: trigger 3 + description 1; warm: description 1.
    expect(weight('soft')).toBeGreaterThan(weight('glow'));
    expect(weight('glow')).toBeGreaterThan(weight('warm'));
    expect(weight('warm')).toBeGreaterThan(0);
    // Saturation: five weighted hits weigh less than five times one.
    expect(weight('soft')).toBeLessThan(5 * weight('warm'));
  });
});

const PINNED_POINT_ID = '2ed51c38-b0c4-57c7-a658-3a17a9b23fc3';

function bodyOf(request: RecordedQdrantRequest | undefined): unknown {
  if (!request) throw new Error('the request was not sent');
  return request.body;
}
