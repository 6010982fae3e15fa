import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { QdrantRecorder } from './support/qdrant-recorder.js';

/**
 * The Qdrant double answers what Qdrant v1.18 answers, over plain HTTP: if it let through what Qdrant refuses, or
 * answered shapes Qdrant never sends, the store's tests would prove nothing.
 */
interface Answer {
  points: { id: unknown; score: number }[];
  next_page_offset?: unknown;
  config?: { metadata?: unknown };
  [key: string]: unknown;
}

describe('Qdrant double', () => {
  let double: QdrantRecorder;
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${double.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
  const result = async (method: string, path: string, body?: unknown) => {
    const answer = await call(method, path, body);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.status).toBe('ok');
    expect(typeof answer.body.time).toBe('number');
    return answer.body.result as Answer;
  };
  const records = async (body: unknown) =>
    (await result('POST', '/collections/c/points', body)) as unknown as { id: unknown }[];
  const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

  beforeEach(async () => {
    double = await QdrantRecorder.start();
    await result('PUT', '/collections/c', {
      vectors: { dense: { size: 2, distance: 'Cosine' } },
      sparse_vectors: { text: {}, weighted: { modifier: 'idf' } },
    });
  });
  afterEach(async () => {
    await double.close();
  });

  it('takes unsigned integers and UUIDs as point ids, and refuses anything else as Qdrant does', async () => {
    await result('PUT', '/collections/c/points?wait=true', {
      points: [
        { id: 7, vector: {} },
        { id: uuid(1).replaceAll('-', '').toUpperCase(), vector: {} },
      ],
    });
    const refused = await call('PUT', '/collections/c/points', { points: [{ id: 'civitai:1', vector: {} }] });
    expect(refused).toEqual({
      status: 400,
      body: {
        status: {
          error:
            'Format error in JSON body: value civitai:1 is not a valid point ID, valid values are either an unsigned ' +
            'integer or a UUID',
        },
        time: expect.any(Number),
      },
    });
    expect((await call('PUT', '/collections/c/points', { points: [{ id: -1, vector: {} }] })).status).toBe(400);
    // UUIDs come back hyphenated in lower case; the point without a vector field was refused, not stored.
    const points = await records({ ids: [7, uuid(1)] });
    expect(points.map((point) => point.id)).toEqual([7, uuid(1)]);
    expect((await call('PUT', '/collections/c/points', { points: [{ id: 8 }] })).status).toBe(400);
  });

  it('scrolls in point-id order, numbers before UUIDs, with next_page_offset', async () => {
    const ids = [uuid(2), 30, uuid(1), 4, 100];
    await result('PUT', '/collections/c/points', { points: ids.map((id) => ({ id, vector: {}, payload: { n: 1 } })) });
    const first = await result('POST', '/collections/c/points/scroll', { limit: 2 });
    expect(first).toEqual({
      points: [
        { id: 4, payload: { n: 1 } },
        { id: 30, payload: { n: 1 } },
      ],
      next_page_offset: 100,
    });
    const second = await result('POST', '/collections/c/points/scroll', { limit: 2, offset: 100, with_payload: false });
    expect(second).toEqual({ points: [{ id: 100 }, { id: uuid(1) }], next_page_offset: uuid(2) });
    const last = await result('POST', '/collections/c/points/scroll', { limit: 2, offset: uuid(2) });
    expect(last.next_page_offset).toBeNull();
    // An offset need not exist: the page starts at the next id.
    const from = await result('POST', '/collections/c/points/scroll', { limit: 1, offset: 5, with_payload: false });
    expect(from).toEqual({ points: [{ id: 30 }], next_page_offset: 100 });
  });

  it('scores sparse vectors by dot product, with the idf modifier when set, and fuses by 1 / (position + k)', async () => {
    await result('PUT', '/collections/c/points', {
      points: [
        { id: 1, vector: { text: { indices: [1, 2], values: [1, 2] }, weighted: { indices: [1], values: [1] } } },
        { id: 2, vector: { text: { indices: [2], values: [4] }, weighted: { indices: [1, 2], values: [1, 1] } } },
        { id: 3, vector: { text: { indices: [3], values: [9] }, weighted: { indices: [3], values: [1] } } },
      ],
    });
    const plain = await result('POST', '/collections/c/points/query', {
      query: { indices: [1, 2], values: [1, 1] },
      using: 'text',
    });
    // Point 3 shares no index: not a hit. Scored points carry their version.
    expect(plain.points).toEqual([
      { id: 2, version: expect.any(Number), score: 4 },
      { id: 1, version: expect.any(Number), score: 3 },
    ]);
    const weighted = await result('POST', '/collections/c/points/query', {
      query: { indices: [2], values: [1] },
      using: 'weighted',
    });
    // N = 3 points, index 2 in 1 of them: ln(1 + 2.5 / 1.5).
    expect(weighted.points[0]?.score).toBeCloseTo(Math.log(1 + 2.5 / 1.5), 5);
    const fused = await result('POST', '/collections/c/points/query', {
      prefetch: [
        { query: { indices: [1, 2], values: [1, 1] }, using: 'text' },
        { query: { indices: [3, 2], values: [1, 1] }, using: 'text' },
      ],
      query: { fusion: 'rrf' },
    });
    // Default k = 2, positions from 0. First list [2, 1], second [3 (9), 2 (4), 1 (2)]:
    // point 2: 1/2 + 1/3; point 1: 1/3 + 1/4; point 3: 1/2.
    expect(fused.points.map((point) => [point.id, point.score.toFixed(6)])).toEqual([
      [2, (1 / 2 + 1 / 3).toFixed(6)],
      [1, (1 / 3 + 1 / 4).toFixed(6)],
      [3, (1 / 2).toFixed(6)],
    ]);
    const withK = await result('POST', '/collections/c/points/query', {
      prefetch: [{ query: { indices: [1, 2], values: [1, 1] }, using: 'text' }],
      query: { rrf: { k: 61 } },
    });
    expect(withK.points[0]?.score).toBeCloseTo(1 / 61, 7);
  });

  it('normalises cosine vectors on write and refuses a wrong size', async () => {
    await result('PUT', '/collections/c/points', { points: [{ id: 1, vector: { dense: [3, 4] } }] });
    const [point] = await records({ ids: [1], with_vector: true });
    expect(point).toEqual({ id: 1, payload: {}, vector: { dense: [Math.fround(0.6), Math.fround(0.8)] } });
    const wrong = await call('PUT', '/collections/c/points/vectors', { points: [{ id: 1, vector: { dense: [1] } }] });
    expect(wrong.status).toBe(400);
    expect((wrong.body.status as { error: string }).error).toMatch(
      /^Wrong input: Vector dimension error: expected dim: 2, got 1/,
    );
  });

  it('answers errors as Qdrant does: missing points, missing collections, facets without index, big bodies', async () => {
    const missingPoint = await call('PUT', '/collections/c/points/vectors', { points: [{ id: 5, vector: {} }] });
    expect(missingPoint.status).toBe(404);
    expect(missingPoint.body.status).toEqual({ error: 'Not found: No point with id 5 found' });
    const missing = await call('GET', '/collections/nope');
    expect(missing).toEqual({
      status: 404,
      body: { status: { error: "Not found: Collection `nope` doesn't exist!" }, time: expect.any(Number) },
    });
    expect((await call('POST', '/collections/c/facet', { key: 'n' })).status).toBe(400);
    expect((await call('PUT', '/collections/c/points/vectors', { points: [] })).status).toBe(422);
    double.maxRequestBytes = 1024;
    const big = await call('PUT', '/collections/c/points', {
      points: [{ id: 1, vector: {}, payload: { text: 'x'.repeat(2000) } }],
    });
    expect(big.status).toBe(400);
    expect((big.body.status as { error: string }).error).toMatch(
      /^JSON payload \(\d+ bytes\) is larger than allowed \(limit: 1024 bytes\)\.$/,
    );
  });

  it('merges collection metadata on PATCH and counts keyword arrays per point in facets', async () => {
    await result('PATCH', '/collections/c', { metadata: { a: 1 } });
    await result('PATCH', '/collections/c', { metadata: { b: 2 } });
    expect((await result('GET', '/collections/c')).config?.metadata).toEqual({ a: 1, b: 2 });
    await result('PUT', '/collections/c/index', { field_name: 'tags', field_schema: 'keyword' });
    await result('PUT', '/collections/c/points', {
      points: [
        { id: 1, vector: {}, payload: { tags: ['a', 'b', 'a'] } },
        { id: 2, vector: {}, payload: { tags: ['a'] } },
      ],
    });
    expect(await result('POST', '/collections/c/facet', { key: 'tags', exact: true })).toEqual({
      hits: [
        { value: 'a', count: 2 },
        { value: 'b', count: 1 },
      ],
    });
    expect(
      await result('POST', '/collections/c/points/count', {
        filter: { must: [{ key: 'tags', match: { value: 'b' } }] },
      }),
    ).toEqual({ count: 1 });
  });
});
