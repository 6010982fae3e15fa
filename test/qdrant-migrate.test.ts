import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openAdapterStore } from '../src/catalog/open-store.js';
import { MAX_REQUEST_BYTES } from '../src/catalog/qdrant-batches.js';
import { pointIdFor } from '../src/catalog/qdrant-filter.js';
import { QdrantAdapterStore } from '../src/catalog/qdrant-store.js';
import { SqliteAdapterStore } from '../src/catalog/sqlite-store.js';
import { runCatalogMigrate } from '../src/cli/catalog-migrate.js';
import type { CliIo } from '../src/cli/io.js';
import { main } from '../src/cli.js';
import { loadConfig } from '../src/config.js';
import { isUserFacing } from '../src/errors.js';
import { databasePath, openDatabase } from '../src/storage/sqlite.js';
import { seededRandom } from '../src/stylus/masks.js';
import { makeAdapter } from './support/adapters.js';
import { QdrantRecorder } from './support/qdrant-recorder.js';

describe('stylus catalog migrate --to qdrant, and the store chosen by config', () => {
  let dataDir: string;
  let recorder: QdrantRecorder;
  const collection = 't_scale_migrate';

  beforeEach(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'stylus-migrate-'));
    recorder = await QdrantRecorder.start();
  });
  afterEach(async () => {
    await recorder.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  function cliIo(env: Record<string, string>): CliIo & { out: () => string; err: () => string } {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    const out: string[] = [];
    const err: string[] = [];
    stdout.on('data', (chunk: Buffer) => out.push(chunk.toString()));
    stderr.on('data', (chunk: Buffer) => err.push(chunk.toString()));
    return { stdout, stderr, env, out: () => out.join(''), err: () => err.join('') };
  }

  async function embeddedCatalog(): Promise<void> {
    const store = new SqliteAdapterStore(databasePath(dataDir));
    await store.upsert(
      ['a', 'b', 'c', 'd', 'e'].map((letter) => makeAdapter({ id: `hf:x/${letter}`, name: `Style ${letter}` })),
    );
    await store.setVectors(
      [
        { id: 'hf:x/a', vector: Float32Array.from([1, 0, 0]) },
        { id: 'hf:x/c', vector: Float32Array.from([0, 1, 0]) },
      ],
      'embed-small',
    );
    await store.setVectors([{ id: 'hf:x/d', vector: Float32Array.from([0, 0, 1]) }], 'an-old-model');
    await store.close();
  }

  it('copies records and the vectors of the configured model, in batches', async () => {
    await embeddedCatalog();
    const io = cliIo({
      DATA_DIR: dataDir,
      QDRANT_URL: recorder.url,
      QDRANT_COLLECTION: collection,
      STYLUS_EMBEDDING_MODEL: 'embed-small',
    });
    expect(await runCatalogMigrate(['--to', 'qdrant', '--batch', '2'], io)).toBe(0);

    const points = recorder.collections.get(collection)?.points;
    expect([...(points?.values() ?? [])].map((point) => point.id).sort()).toEqual(
      ['a', 'b', 'c', 'd', 'e'].map((l) => pointIdFor(`hf:x/${l}`)).sort(),
    );
    expect(points?.get(`u:${pointIdFor('hf:x/b')}`)?.payload.record).toMatchObject({ id: 'hf:x/b', name: 'Style b' });
    const dense = (id: string) => points?.get(`u:${pointIdFor(id)}`)?.vectors.dense;
    expect(dense('hf:x/a')).toEqual([1, 0, 0]);
    expect(dense('hf:x/c')).toEqual([0, 1, 0]);
    // Another model's vector is not copied: it would be compared against queries of the wrong model.
    expect(dense('hf:x/d')).toBeUndefined();
    expect(points?.get(`u:${pointIdFor('hf:x/a')}`)?.payload.vector_model).toBe('embed-small');
    const upserted = recorder
      .find('POST', `/collections/${collection}/points/batch`)
      .flatMap((request) => (request.body as { operations: { upsert?: { points: unknown[] } }[] }).operations)
      .flatMap((operation) => (operation.upsert ? [operation.upsert.points.length] : []));
    expect(upserted).toEqual([2, 2, 1]);
    expect(io.out()).toBe(
      'Copied 5 adapters and 2 vectors (embed-small) into Qdrant collection "t_scale_migrate" (0 of them already ' +
        'there, not sent again); it now holds 5 adapters.\n',
    );

    // Running it again sends nothing: what is there is compared by hashes, not re-sent.
    recorder.clearRequests();
    const again = cliIo(io.env as Record<string, string>);
    expect(await runCatalogMigrate(['--to', 'qdrant'], again)).toBe(0);
    expect(recorder.writes()).toEqual([]);
    expect(again.out()).toContain('(7 of them already there, not sent again)');
    expect(recorder.collections.get(collection)?.points.size).toBe(5);
  });

  it("keeps every request far below Qdrant's body limit with 3072-d vectors, and never re-sends them", async () => {
    const store = new SqliteAdapterStore(databasePath(dataDir));
    const ids = Array.from({ length: 240 }, (_, index) => `civitai:${1000 + index}`);
    await store.upsert(ids.map((id) => makeAdapter({ id, source: 'civitai', name: `Style ${id}` })));
    const random = seededRandom(7);
    await store.setVectors(
      ids.map((id) => ({ id, vector: Float32Array.from({ length: 3072 }, () => random() * 2 - 1) })),
      'embed-large',
    );
    await store.close();
    const env = {
      DATA_DIR: dataDir,
      QDRANT_URL: recorder.url,
      QDRANT_COLLECTION: collection,
      STYLUS_EMBEDDING_MODEL: 'embed-large',
    };
    const io = cliIo(env);
    expect(await runCatalogMigrate(['--to', 'qdrant', '--batch', '500'], io)).toBe(0);
    expect(io.out()).toContain('Copied 240 adapters and 240 vectors (embed-large)');
    const batches = recorder.find('POST', `/collections/${collection}/points/batch`);
    const withVectors = batches.filter((request) => JSON.stringify(request.body).includes('"update_vectors"'));
    expect(withVectors.length).toBeGreaterThan(1);
    for (const request of batches) expect(request.bytes).toBeLessThanOrEqual(MAX_REQUEST_BYTES);
    expect(batches.every((request) => request.status === 200)).toBe(true);
    const stored = recorder.collections.get(collection)?.points;
    expect([...(stored?.values() ?? [])].filter((point) => point.vectors.dense).length).toBe(240);

    recorder.clearRequests();
    const again = cliIo(env);
    expect(await runCatalogMigrate(['--to', 'qdrant', '--batch', '500'], again)).toBe(0);
    expect(recorder.writes()).toEqual([]);
    expect(recorder.requests.reduce((sum, request) => sum + request.bytes, 0)).toBeLessThan(100_000);
    expect(again.out()).toContain('(480 of them already there, not sent again)');
  });

  it('runs as `stylus catalog migrate`', async () => {
    await embeddedCatalog();
    const io = cliIo({ DATA_DIR: dataDir, QDRANT_URL: recorder.url, QDRANT_COLLECTION: collection });
    expect(await main(['catalog', 'migrate', '--to', 'qdrant'], io)).toBe(0);
    expect(io.out()).toContain('Copied 5 adapters and 0 vectors (no embedding model set: vectors skipped)');
    expect(recorder.collections.get(collection)?.points.size).toBe(5);
  });

  it('says what is missing instead of guessing', async () => {
    const failure = (env: Record<string, string>, args = ['--to', 'qdrant']) =>
      runCatalogMigrate(args, cliIo(env)).then(
        () => 'no error',
        (error: unknown) => (isUserFacing(error) ? error.userMessage : String(error)),
      );
    expect(await failure({ DATA_DIR: dataDir })).toBe(
      'QDRANT_URL is not set: point it at the Qdrant server to migrate into.',
    );
    expect(await failure({ DATA_DIR: dataDir, QDRANT_URL: recorder.url }, ['--to', 'postgres'])).toMatch(
      /^cannot migrate to "postgres": only --to qdrant$/,
    );
    expect(await failure({ DATA_DIR: dataDir, QDRANT_URL: recorder.url })).toBe(
      `There is no embedded catalog at ${databasePath(dataDir)}: set DATA_DIR to the folder that holds your stylus.db.`,
    );
  });

  it('opens Qdrant when QDRANT_URL is set and the embedded store otherwise', async () => {
    const db = openDatabase(databasePath(dataDir));
    try {
      const embedded = await openAdapterStore(loadConfig({ DATA_DIR: dataDir }), db);
      expect(embedded).toBeInstanceOf(SqliteAdapterStore);
      const config = loadConfig({
        DATA_DIR: dataDir,
        QDRANT_URL: recorder.url,
        QDRANT_COLLECTION: collection,
        STYLUS_EMBEDDING_DIMENSIONS: '16',
      });
      const scaled = await openAdapterStore(config, db);
      expect(scaled).toBeInstanceOf(QdrantAdapterStore);
      expect(recorder.find('PUT', `/collections/${collection}`)[0]?.body).toMatchObject({
        vectors: { dense: { size: 16, distance: 'Cosine' } },
      });
    } finally {
      db.close();
    }
  });
});
