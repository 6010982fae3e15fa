import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { QdrantAdapterStore } from '../src/catalog/qdrant-store.js';
import { SqliteAdapterStore } from '../src/catalog/sqlite-store.js';
import { main } from '../src/cli.js';
import { isUserFacing } from '../src/errors.js';
import { databasePath } from '../src/storage/sqlite.js';
import { makeAdapter } from './support/adapters.js';
import { QdrantRecorder } from './support/qdrant-recorder.js';

/** What an admin reads when Qdrant says no: its own reason, where it came from, in one sentence. */
describe('Qdrant failures', () => {
  let recorder: QdrantRecorder;
  const collection = 't_scale_errors';

  beforeEach(async () => {
    recorder = await QdrantRecorder.start();
  });
  afterEach(async () => {
    await recorder.close();
  });

  const failure = (promise: Promise<unknown>) =>
    promise.then(
      () => 'no error',
      (error: unknown) => (isUserFacing(error) ? error.userMessage : `not user-facing: ${String(error)}`),
    );

  it("surfaces Qdrant's status.error, naming QDRANT_URL and the collection", async () => {
    const store = await QdrantAdapterStore.open({ url: recorder.url, collection, dimensions: 2 });
    recorder.injectFault({
      method: 'POST',
      path: `/collections/${collection}/points/query`,
      status: 400,
      error: 'Bad request: Search timeout exceeded',
    });
    expect(await failure(store.searchVector(Float32Array.from([1, 0]), { limit: 3 }))).toBe(
      `Qdrant at QDRANT_URL=${recorder.url} (collection "${collection}") refused to search by embedding: ` +
        'Bad request: Search timeout exceeded (HTTP 400).',
    );
  });

  it('names the limit when a server with a smaller body limit refuses a batch, and fits under it when told', async () => {
    // A server started with service.max_request_size_mb lower than the store's 8 MiB budget.
    recorder.maxRequestBytes = 64 * 1024;
    const store = await QdrantAdapterStore.open({ url: recorder.url, collection });
    const ids = Array.from({ length: 12 }, (_, index) => `hf:big/${index}`);
    await store.upsert(ids.map((id) => makeAdapter({ id })));
    const vectors = ids.map((id, index) => ({
      id,
      vector: Float32Array.from({ length: 3072 }, (_, d) => Math.sin(index + d)),
    }));
    expect(await failure(store.setVectors(vectors, 'large'))).toMatch(
      new RegExp(
        `^Qdrant at QDRANT_URL=${recorder.url} \\(collection "${collection}"\\) refused to store embeddings: ` +
          'JSON payload \\(\\d+ bytes\\) is larger than allowed \\(limit: 65536 bytes\\) \\(HTTP 400\\)\\.$',
      ),
    );

    const bounded = await QdrantAdapterStore.open({ url: recorder.url, collection, maxRequestBytes: 64 * 1024 });
    recorder.clearRequests();
    await bounded.setVectors(vectors, 'large');
    const batches = recorder.find('POST', `/collections/${collection}/points/batch`);
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.every((request) => request.status === 200 && request.bytes <= 64 * 1024)).toBe(true);
    expect(await bounded.idsWithoutVector('large', 20)).toEqual([]);
  });

  it('says when the server cannot be reached, without credentials from the URL', async () => {
    const url = new URL(recorder.url);
    url.username = 'admin';
    url.password = 'hunter2';
    await recorder.close();
    const message = await failure(QdrantAdapterStore.open({ url: url.toString(), collection }));
    expect(message).toBe(
      `Qdrant did not answer at QDRANT_URL=${recorder.url} (ECONNREFUSED): start Qdrant or fix QDRANT_URL (leave it ` +
        'empty for the embedded catalog).',
    );
    expect(message).not.toContain('hunter2');
    recorder = await QdrantRecorder.start();
  });

  it('tells a missing API key from a refusal, and a server that is not Qdrant from Qdrant', async () => {
    const store = await QdrantAdapterStore.open({ url: recorder.url, collection });
    recorder.injectFault({ method: 'GET', path: `/collections/${collection}`, status: 403, error: 'Forbidden' });
    expect(await failure(store.version())).toBe(
      `Qdrant at QDRANT_URL=${recorder.url} refused the request (HTTP 403): set QDRANT_API_KEY to the server's API key.`,
    );
    // A 404 without Qdrant's error body comes from something else listening on that port.
    const web = createServer((_request, response) => {
      response.writeHead(404, { 'content-type': 'text/plain' });
      response.end('Not Found');
    });
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    const webUrl = `http://127.0.0.1:${(web.address() as AddressInfo).port}`;
    try {
      expect(await failure(QdrantAdapterStore.open({ url: webUrl, collection }))).toBe(
        `QDRANT_URL=${webUrl} does not answer like a Qdrant server (HTTP 404 Not Found): point it at Qdrant's REST ` +
          'port (6333 by default).',
      );
    } finally {
      await new Promise<void>((resolve) => web.close(() => resolve()));
    }
  });

  it('gives the CLI the same sentence instead of "unexpected error: Bad Request"', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'stylus-qdrant-errors-'));
    try {
      const embedded = new SqliteAdapterStore(databasePath(dataDir));
      await embedded.upsert([makeAdapter({ id: 'hf:x/a' })]);
      await embedded.close();
      recorder.injectFault({
        method: 'POST',
        path: `/collections/${collection}/points/batch`,
        status: 400,
        error: 'Wrong input: Payload is too large for this collection',
      });
      const stderr = new PassThrough();
      let errText = '';
      stderr.on('data', (chunk: Buffer) => {
        errText += chunk.toString();
      });
      const env = { DATA_DIR: dataDir, QDRANT_URL: recorder.url, QDRANT_COLLECTION: collection, LOG_LEVEL: 'silent' };
      const code = await main(['catalog', 'migrate', '--to', 'qdrant'], { stdout: new PassThrough(), stderr, env });
      expect(code).toBe(1);
      expect(errText.trim().split('\n').at(-1)).toBe(
        `stylus catalog: Qdrant at QDRANT_URL=${recorder.url} (collection "${collection}") refused to store ` +
          'adapters: Wrong input: Payload is too large for this collection (HTTP 400).',
      );
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
