import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import OpenAI from 'openai';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CatalogUrlPolicy, isInternalHost } from '../src/catalog/url-policy.js';
import { loadConfig } from '../src/config.js';
import { silentLogger } from '../src/log.js';
import type { RenderLora } from '../src/render/job.js';
import { type LoraCache, loraCacheFromConfig } from '../src/render/lora-cache.js';
import { openDatabase, type SqliteDatabase } from '../src/storage/sqlite.js';
import { refineAdapter } from '../src/stylus/refiner.js';
import { makeAdapter } from './support/adapters.js';
import { OpenAiStub } from './support/openai-stub.js';

/**
 * Abuse: catalog data naming addresses it should not reach. A record is data (from a hub, a dump, a file an admin
 * loads); it must never make the worker or the refiner fetch an internal service or read a local file and hand it to
 * someone else (finding 8: `stylus refine` sent /proc/self/environ to the vision model). Only http(s) on the
 * configured hubs (or hosts an admin allows) is fetched; a local adapter's own preview keeps working.
 */

const SECRET = 'OPENAI_API_KEY=sk-very-secret-value';

describe('abuse: catalog URLs that point inside', { timeout: 30_000 }, () => {
  let dir: string;
  let db: SqliteDatabase;
  /** A service on "the inside": nothing may reach it. */
  let internal: Server;
  let internalUrl: string;
  let internalHits: string[];
  /** The configured hub: its downloads redirect inside. */
  let hub: Server;
  let hubUrl: string;
  let cache: LoraCache;
  let stub: OpenAiStub;
  let secretFile: string;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'stylus-urls-'));
    db = openDatabase(path.join(dir, 'stylus.db'));
    internalHits = [];
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#123456' } })
      .png()
      .toBuffer();
    internal = createServer((req, res) => {
      internalHits.push(req.url ?? '');
      res.writeHead(200, { 'content-type': req.url?.endsWith('.png') ? 'image/png' : 'application/octet-stream' });
      res.end(req.url?.endsWith('.png') ? png : SECRET);
    });
    await new Promise<void>((resolve) => internal.listen(0, '127.0.0.1', resolve));
    internalUrl = `http://127.0.0.1:${(internal.address() as AddressInfo).port}`;
    hub = createServer((_req, res) => {
      res.writeHead(302, { location: `${internalUrl}/latest/meta-data/iam.safetensors` }).end();
    });
    await new Promise<void>((resolve) => hub.listen(0, '127.0.0.1', resolve));
    hubUrl = `http://127.0.0.1:${(hub.address() as AddressInfo).port}`;
    const config = loadConfig({ DATA_DIR: dir, LORA_DIR: path.join(dir, 'loras'), HF_ENDPOINT: hubUrl });
    cache = loraCacheFromConfig(config, db, silentLogger) as LoraCache;
    stub = await OpenAiStub.start();
    stub.onChat(() => ({
      content: JSON.stringify({
        description: 'Ink washes.',
        category: 'style',
        recommended_weight: null,
        trigger_words: [],
        depicts_real_person: false,
        nsfw: false,
      }),
    }));
    secretFile = path.join(dir, 'secret.env');
    writeFileSync(secretFile, SECRET);
  });

  afterEach(async () => {
    for (const server of [internal, hub]) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    await stub.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const lora = (downloadUrl: string): RenderLora => ({
    adapterId: 'civitai:666',
    fileName: 'civitai-666.safetensors',
    weight: 0.8,
    source: 'civitai',
    downloadUrl,
  });

  it('the LoRA cache refuses a download address on a host that is not a hub', async () => {
    const error = await cache.ensure(lora(`${internalUrl}/latest/meta-data/x.safetensors`)).catch((caught) => caught);
    expect(error).toMatchObject({ code: 'lora_refused', retriable: false });
    expect(String((error as Error).message)).not.toContain(internalUrl);
    expect(internalHits).toEqual([]);
  });

  it('the LoRA cache refuses a file: address', async () => {
    const error = await cache.ensure(lora(pathToFileURL(secretFile).toString())).catch((caught) => caught);
    expect(error).toMatchObject({ code: 'lora_refused', retriable: false });
  });

  it('a hub redirect to an internal address is not followed', async () => {
    const error = await cache
      .ensure({ ...lora(`${hubUrl}/someone/x/resolve/main/x.safetensors`), source: 'huggingface' })
      .catch((caught) => caught);
    expect(error).toMatchObject({ code: 'lora_refused', retriable: false });
    expect(internalHits).toEqual([]);
  });

  it('the policy knows the usual internal addresses', () => {
    const policy = new CatalogUrlPolicy({});
    for (const url of [
      'http://169.254.169.254/latest/meta-data/',
      'http://localhost:6379/',
      'file:///proc/self/environ',
      'gopher://civitai.com/x',
      'https://user:pass@civitai.com/api/download/models/1',
    ]) {
      expect(() => policy.resolve(url), url).toThrow();
    }
    for (const host of ['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '[::1]', 'fd00::1']) {
      expect(isInternalHost(host), host).toBe(true);
    }
    expect(isInternalHost('cdn-lfs.hf.co')).toBe(false);
    expect(policy.resolve('https://image.civitai.com/x/y.jpeg').url.host).toBe('image.civitai.com');
  });

  describe('the refiner (stylus refine)', () => {
    const client = () => new OpenAI({ apiKey: 'test', baseURL: stub.url, maxRetries: 0, timeout: 5000 });
    const sentToModel = () => JSON.stringify(stub.chatRequests().map((request) => request.body));

    it('never reads a local file named by a hub record, nor fetches an internal host', async () => {
      const adapter = makeAdapter({
        id: 'civitai:7',
        source: 'civitai',
        exampleImageUrls: [pathToFileURL(secretFile).toString(), 'file:///proc/self/environ', `${internalUrl}/a.png`],
        examplePrompts: ['a', 'b', 'c'],
      });
      const result = await refineAdapter(adapter, { client: client(), model: 'vlm', log: silentLogger });
      expect(result.imagesSent).toBe(0);
      expect(result.imagesSkipped).toBe(3);
      expect(sentToModel()).not.toContain(Buffer.from(SECRET).toString('base64'));
      expect(sentToModel()).not.toContain('sk-very-secret');
      expect(internalHits).toEqual([]);
    });

    it("still sends a local adapter's own preview, and nothing else from disk", async () => {
      const folder = path.join(dir, 'loras', 'style');
      mkdirSync(folder, { recursive: true });
      const preview = path.join(folder, 'ink.preview.png');
      writeFileSync(
        preview,
        await sharp({ create: { width: 4, height: 4, channels: 3, background: '#fff' } })
          .png()
          .toBuffer(),
      );
      const adapter = makeAdapter({
        id: 'local:style/ink',
        source: 'local',
        fileName: 'ink.safetensors',
        sourceIds: { path: 'style/ink.safetensors' },
        exampleImageUrls: [pathToFileURL(preview).toString(), pathToFileURL(secretFile).toString()],
        examplePrompts: ['a', 'b'],
      });
      const result = await refineAdapter(adapter, { client: client(), model: 'vlm', log: silentLogger });
      expect([result.imagesSent, result.imagesSkipped]).toEqual([1, 1]);
      expect(sentToModel()).not.toContain(Buffer.from(SECRET).toString('base64'));
    });
  });
});
