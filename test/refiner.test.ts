import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import OpenAI from 'openai';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Adapter } from '../src/catalog/adapter.js';
import { refineCatalog } from '../src/catalog/ingest/refine.js';
import { IngestState } from '../src/catalog/ingest/state.js';
import { SqliteAdapterStore } from '../src/catalog/sqlite-store.js';
import { CatalogUrlPolicy } from '../src/catalog/url-policy.js';
import { silentLogger } from '../src/log.js';
import { openDatabase } from '../src/storage/sqlite.js';
import { RefinerError, refineAdapter, weightFromPrompts } from '../src/stylus/refiner.js';
import { makeAdapter } from './support/adapters.js';
import { OpenAiStub } from './support/openai-stub.js';

let stub: OpenAiStub;
let images: Server;
let imageBase: string;
let png: Buffer;
const dir = mkdtempSync(path.join(tmpdir(), 'refiner-'));

function reply(overrides: Record<string, unknown> = {}): { content: string } {
  return {
    content: JSON.stringify({
      description: 'Soft watercolor washes with visible paper grain; use for gentle illustrated scenes.',
      category: 'style',
      recommended_weight: null,
      trigger_words: ['wtrclr style'],
      depicts_real_person: false,
      nsfw: false,
      ...overrides,
    }),
  };
}

/** The test's image server is an allowed host, as an admin would list a CDN in STYLUS_ALLOWED_DOWNLOAD_HOSTS. */
function loopbackImages(): CatalogUrlPolicy {
  return new CatalogUrlPolicy({ extraHosts: [new URL(imageBase).host] });
}

function client(): OpenAI {
  return new OpenAI({ apiKey: 'test', baseURL: stub.url, maxRetries: 0, timeout: 5000 });
}

beforeAll(async () => {
  stub = await OpenAiStub.start();
  png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#ff8800' } })
    .png()
    .toBuffer();
  images = createServer((req, res) => {
    if (req.url?.startsWith('/img/ok')) {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': png.length });
      res.end(png);
    } else if (req.url === '/img/html') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>login</html>');
    } else {
      res.writeHead(404);
      res.end();
    }
  });
  await new Promise<void>((resolve) => images.listen(0, '127.0.0.1', resolve));
  imageBase = `http://127.0.0.1:${(images.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await stub.close();
  images.closeAllConnections();
  await new Promise<void>((resolve) => images.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
});

function watercolor(): Adapter {
  return makeAdapter({
    id: 'civitai:1',
    source: 'civitai',
    name: 'Watercolor Dream',
    tags: ['style', 'watercolor'],
    triggerWords: ['wtrclr style', 'paper grain'],
    originalDescription: 'My best watercolor LoRA!!! Use 0.6-0.8.',
    description: 'My best watercolor LoRA!!! Use 0.6-0.8.',
    fileName: 'wtrclr.safetensors',
    exampleImageUrls: [`${imageBase}/img/ok1.png`, `${imageBase}/img/missing.png`, `${imageBase}/img/ok3.png`],
    examplePrompts: [
      'a fox in a meadow, wtrclr style <lora:wtrclr:0.6>',
      'a harbour at dawn <lora:wtrclr:0.8>',
      'a cat, wtrclr style <lora:wtrclr:0.7>',
    ],
  });
}

describe('refineAdapter', () => {
  it('sends the card, then each image followed by its prompt, and applies the structured reply', async () => {
    stub.requests.length = 0;
    stub.queueChat(reply({ trigger_words: ['WTRCLR style', 'invented word'], depicts_real_person: true }));
    const result = await refineAdapter(watercolor(), {
      client: client(),
      model: 'vlm-test',
      urlPolicy: loopbackImages(),
    });

    const [request] = stub.chatRequests();
    expect(request?.body.model).toBe('vlm-test');
    const format = request?.body.response_format as { type: string; json_schema: { strict: boolean; schema: unknown } };
    expect(format.type).toBe('json_schema');
    expect(format.json_schema.strict).toBe(true);
    const messages = request?.body.messages as { role: string; content: unknown }[];
    expect(messages.map((message) => message.role)).toEqual(['system', 'user']);
    const parts = messages[1]?.content as { type: string; text?: string; image_url?: { url: string } }[];
    expect(parts.map((part) => part.type)).toEqual(['text', 'image_url', 'text', 'text', 'image_url', 'text', 'text']);
    expect(parts[0]?.text).toMatch(
      /^Title: Watercolor Dream\nTags: style, watercolor\nTrigger words: wtrclr style \| paper grain/,
    );
    expect(parts[0]?.text).toContain('My best watercolor LoRA!!!');
    expect(parts[1]?.image_url?.url).toBe(`data:image/png;base64,${png.toString('base64')}`);
    expect(parts[2]?.text).toBe('Prompt of example 1: a fox in a meadow, wtrclr style <lora:wtrclr:0.6>');
    // The second image failed to download: skipped, its prompt still goes.
    expect(parts[3]?.text).toBe('Prompt of example 2: a harbour at dawn <lora:wtrclr:0.8>');
    expect(parts[5]?.text).toMatch(/^Prompt of example 3: a cat/);
    expect(parts[6]?.text).toBe('The example prompts use this adapter at weight 0.7.');
    expect(result.imagesSent).toBe(2);
    expect(result.imagesSkipped).toBe(1);

    expect(result.adapter).toMatchObject({
      refined: true,
      category: 'style',
      description: 'Soft watercolor washes with visible paper grain; use for gentle illustrated scenes.',
      originalDescription: 'My best watercolor LoRA!!! Use 0.6-0.8.',
      triggerWords: ['wtrclr style'],
      realPerson: true,
      nsfw: false,
      // No weight in the reply: the median of the example prompts' <lora:wtrclr:w>.
      recommendedWeight: 0.7,
    });
  });

  it('takes the weight the model read from the card, and caps the description at 120 words', async () => {
    stub.queueChat(reply({ recommended_weight: 0.55, description: 'word '.repeat(200), trigger_words: [] }));
    const { adapter } = await refineAdapter(watercolor(), {
      client: client(),
      model: 'vlm-test',
      urlPolicy: loopbackImages(),
    });
    expect(adapter.recommendedWeight).toBe(0.55);
    expect(adapter.description.split(/\s+/)).toHaveLength(120);
    // Nothing confirmed: the author's trigger words stay.
    expect(adapter.triggerWords).toEqual(['wtrclr style', 'paper grain']);
  });

  it('skips an image that is not an image', async () => {
    stub.requests.length = 0;
    stub.queueChat(reply());
    const adapter = { ...watercolor(), exampleImageUrls: [`${imageBase}/img/html`], examplePrompts: ['p'] };
    const result = await refineAdapter(adapter, { client: client(), model: 'vlm-test', urlPolicy: loopbackImages() });
    expect(result.imagesSkipped).toBe(1);
    const messages = stub.chatRequests()[0]?.body.messages as { content: { type: string }[] }[];
    const parts = messages[1]?.content;
    expect(parts).toBeDefined();
    expect(parts?.some((part) => part.type === 'image_url')).toBe(false);
  });

  it('rejects a reply that is not JSON, or not the schema, or a server error, with a code', async () => {
    stub.queueChat({ content: 'Sure! Here is the description: watercolor.' });
    await expect(refineAdapter(watercolor(), { client: client(), model: 'm' })).rejects.toMatchObject({
      code: 'invalid-reply',
    });
    stub.queueChat(reply({ category: 'landscape' }));
    const error = await refineAdapter(watercolor(), { client: client(), model: 'm' }).catch((caught) => caught);
    expect(error).toBeInstanceOf(RefinerError);
    expect((error as RefinerError).message).toMatch(/category/);
    stub.queueChat({ status: 500, error: 'overloaded' });
    await expect(refineAdapter(watercolor(), { client: client(), model: 'm' })).rejects.toMatchObject({
      code: 'request-failed',
    });
  });
});

describe('weightFromPrompts', () => {
  it('reads this adapter’s <lora:name:w>, or a lone lora tag, and takes the median', () => {
    expect(weightFromPrompts(['x <lora:a:0.5>', 'y <lora:a:0.9>', 'z <lora:a:0.7>'], 'a')).toBe(0.7);
    expect(weightFromPrompts(['x <lora:other:0.3> <lora:mine:1.1>'], 'mine')).toBe(1.1);
    expect(weightFromPrompts(['x <lora:other:0.3> <lora:else:1.1>'], 'mine')).toBeUndefined();
    expect(weightFromPrompts(['x <lora:renamed:0.6>'], 'mine')).toBe(0.6);
    expect(weightFromPrompts(['no tags'])).toBeUndefined();
  });
});

describe('refineCatalog', () => {
  it('resumes an interrupted run without redoing finished records, and retries failures', async () => {
    const db = openDatabase(path.join(dir, 'refine.db'));
    const store = new SqliteAdapterStore(db);
    const state = new IngestState(db);
    const ids = ['civitai:1', 'civitai:2', 'civitai:3', 'civitai:4', 'civitai:5'];
    await store.upsert(
      ids.map((id, index) =>
        makeAdapter({ id, source: 'civitai', name: `Adapter ${index + 1}`, description: `original ${index + 1}` }),
      ),
    );
    const titles = () =>
      stub.chatRequests().map((request) => {
        const parts = (request.body.messages as { content: { text?: string }[] }[])[1]?.content ?? [];
        return /^Title: (.*)$/m.exec(parts[0]?.text ?? '')?.[1];
      });

    stub.requests.length = 0;
    const controller = new AbortController();
    let calls = 0;
    stub.onChat((body) => {
      calls += 1;
      if (calls === 2) controller.abort();
      const text = JSON.stringify(body.messages);
      // Adapter 2 gets an invalid reply: it must stay unrefined and be retried.
      if (text.includes('Adapter 2') && calls <= 2) return { content: '{"description": 42}' };
      return reply();
    });
    const refine = async (adapter: Adapter) =>
      (await refineAdapter(adapter, { client: client(), model: 'vlm', log: silentLogger })).adapter;

    const first = await refineCatalog({
      store,
      state,
      refine,
      concurrency: 1,
      signal: controller.signal,
      log: silentLogger,
    });
    expect(first.get('refined')).toBe(1);
    expect(first.get('failed')).toBe(1);
    expect(first.get('interrupted')).toBe(1);
    expect(first.problems.get('invalid-reply')).toEqual(['civitai:2']);
    expect((await store.get('civitai:2'))?.description).toBe('original 2');
    expect(state.failed('refine').map((row) => row.id)).toEqual(['civitai:2']);
    expect(titles()).toEqual(['Adapter 1', 'Adapter 2']);

    const second = await refineCatalog({ store, state, refine, concurrency: 2, log: silentLogger });
    expect(second.get('refined')).toBe(4);
    expect(second.get('failed')).toBe(0);
    expect(titles().slice(2).sort()).toEqual(['Adapter 2', 'Adapter 3', 'Adapter 4', 'Adapter 5']);
    const stored = await store.getMany(ids);
    expect(stored.every((adapter) => adapter.refined)).toBe(true);
    expect(state.failed('refine')).toEqual([]);

    const third = await refineCatalog({ store, state, refine, log: silentLogger });
    expect(third.get('refined')).toBe(0);
    expect(stub.chatRequests()).toHaveLength(6);
    stub.onChat(() => reply());
    db.close();
  });
});
