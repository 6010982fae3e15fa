import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildSafetensors } from '../src/catalog/safetensors.js';
import { loadConfig } from '../src/config.js';
import { silentLogger } from '../src/log.js';
import { A1111Backend } from '../src/render/backends/a1111.js';
import { ComfyUiBackend } from '../src/render/backends/comfyui.js';
import type { RenderBackend } from '../src/render/backends/types.js';
import { DiscordDelivery } from '../src/render/delivery.js';
import { EmbeddedRenderQueue } from '../src/render/embedded-queue.js';
import { RenderError } from '../src/render/errors.js';
import { LoraCache } from '../src/render/lora-cache.js';
import type { RenderConsumer } from '../src/render/queue.js';
import { RenderResults } from '../src/render/results.js';
import { enqueueRender } from '../src/render/submit.js';
import { startRenderWorker } from '../src/render/worker.js';
import { openDatabase, type SqliteDatabase } from '../src/storage/sqlite.js';
import { FakeA1111 } from './support/fake-a1111.js';
import { FakeComfyUI } from './support/fake-comfyui.js';
import { FakeDiscord } from './support/fake-discord.js';

/**
 * Faults: a render backend that hangs (a WebSocket that never opens, a request never answered) or fails (POST
 * /prompt answering 500), and a LoRA download that stalls. Every one ends within its deadline: the member gets their
 * images or one clear sentence that names no address of ours, and the next render is not held behind it.
 */

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('fault: render backend hangs or fails', { timeout: 60_000 }, () => {
  let dir: string;
  let db: SqliteDatabase;
  let comfy: FakeComfyUI;
  let a1111: FakeA1111;
  let discord: FakeDiscord;
  let queue: EmbeddedRenderQueue;
  let consumer: RenderConsumer | undefined;
  let member = 0;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'stylus-hang-'));
    db = openDatabase(path.join(dir, 'stylus.db'));
    comfy = await FakeComfyUI.start();
    a1111 = await FakeA1111.start();
    discord = await FakeDiscord.start();
    queue = new EmbeddedRenderQueue(db, { backoffMs: 50, attempts: 2 });
  });

  afterEach(async () => {
    await consumer?.close(true);
    consumer = undefined;
    await queue.close();
    await comfy.close();
    await a1111.close();
    await discord.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function startWorker(backend: RenderBackend, url: string): Promise<void> {
    const config = loadConfig({
      DATA_DIR: dir,
      ...(backend.name === 'comfyui' ? { COMFYUI_URL: url } : { A1111_URL: url }),
      CHECKPOINT_SDXL: 'sd_xl_base_1.0.safetensors',
      DISCORD_TOKEN: discord.token,
      DISCORD_API_URL: discord.apiUrl,
    });
    consumer = await startRenderWorker(config, {
      queue,
      backend,
      delivery: new DiscordDelivery({ token: discord.token, apiUrl: discord.apiUrl }),
      results: new RenderResults(db),
      log: silentLogger,
    });
  }

  async function submit(url: string): Promise<{ jobId: string; requesterId: string }> {
    const requesterId = `80000000000000000${++member}`;
    const config = loadConfig({ COMFYUI_URL: url, CHECKPOINT_SDXL: 'sd_xl_base_1.0.safetensors' });
    const { jobId } = await enqueueRender(
      { config, queue },
      {
        compositionId: `comp-hang-${member}`,
        images: [
          { index: 0, seed: member, positive: 'a harbour at night', a1111Prompt: 'a harbour at night', loras: [] },
        ],
        adapters: {},
        base: 'sdxl',
        channelId: discord.channelId,
        guildId: discord.guild.id,
        requesterId,
        statusMessageId: discord.seedMessage('Queued…').id,
        width: 64,
        height: 64,
        steps: 3,
      },
    );
    return { jobId, requesterId };
  }

  /** What the channel was told about a member's render: the images, or the failure sentence. */
  async function answerTo(requesterId: string): Promise<{ images: number; text: string }> {
    let answer: { images: number; text: string } | undefined;
    await until(`an answer to ${requesterId}`, () => {
      const message = [...discord.messages.values()].find(
        (candidate) => candidate.content.includes(`<@${requesterId}>`) && !candidate.content.startsWith('Queued'),
      );
      if (message) answer = { images: message.attachments.length, text: message.content };
      return message !== undefined;
    });
    return answer ?? { images: 0, text: '' };
  }

  const addressesOf = (url: string) => {
    const { host, port } = new URL(url);
    return [host, `127.0.0.1:${port}`, url];
  };

  it('a ComfyUI WebSocket that never opens fails the render within its deadline, and the next one renders', async () => {
    comfy.socketBehaviour = 'hang';
    await startWorker(new ComfyUiBackend({ url: comfy.url, connectTimeoutMs: 300 }), comfy.url);
    const stuck = await submit(comfy.url);
    const told = await answerTo(stuck.requesterId);
    expect(told.images).toBe(0);
    expect(told.text).toMatch(/render server \(ComfyUI\) is not answering/);
    for (const address of addressesOf(comfy.url)) expect(told.text).not.toContain(address);
    await until(`stuck.jobId to be failed`, async () => (await queue.status(stuck.jobId))?.state === 'failed');

    comfy.socketBehaviour = 'ok';
    const next = await submit(comfy.url);
    expect((await answerTo(next.requesterId)).images).toBe(1);
  });

  it('POST /prompt answering 500 is tried again, and the member gets the images', async () => {
    comfy.failPrompts = 2;
    await startWorker(new ComfyUiBackend({ url: comfy.url, retryBaseMs: 20 }), comfy.url);
    const { jobId, requesterId } = await submit(comfy.url);
    expect((await answerTo(requesterId)).images).toBe(1);
    await until(`jobId to be completed`, async () => (await queue.status(jobId))?.state === 'completed');
    expect(comfy.requestsTo('POST', '/prompt')).toHaveLength(3);
    expect(comfy.prompts.size).toBe(1);
  });

  it('POST /prompt failing every time ends in one clear sentence after a bounded number of tries', async () => {
    comfy.failPrompts = 1_000;
    await startWorker(new ComfyUiBackend({ url: comfy.url, retryBaseMs: 20 }), comfy.url);
    const { jobId, requesterId } = await submit(comfy.url);
    const told = await answerTo(requesterId);
    expect(told.text).toMatch(/^The render for <@\d+> failed: /);
    for (const address of addressesOf(comfy.url)) expect(told.text).not.toContain(address);
    await until(`jobId to be failed`, async () => (await queue.status(jobId))?.state === 'failed');
    const tries = comfy.requestsTo('POST', '/prompt').length;
    expect(tries).toBeGreaterThan(2);
    expect(tries).toBeLessThanOrEqual(2 * 4);
  });

  it('an AUTOMATIC1111 that never answers txt2img is interrupted at the deadline; the message names no address', async () => {
    a1111.behaviour = 'hang';
    await startWorker(new A1111Backend({ url: a1111.url, imageTimeoutMs: 400 }), a1111.url);
    const { jobId, requesterId } = await submit(a1111.url);
    const told = await answerTo(requesterId);
    expect(told.text).toMatch(/^The render for <@\d+> failed: /);
    for (const address of addressesOf(a1111.url)) expect(told.text).not.toContain(address);
    await until(`jobId to be failed`, async () => (await queue.status(jobId))?.state === 'failed');
    expect(a1111.requestsTo('POST', '/sdapi/v1/interrupt').length).toBeGreaterThan(0);
  });
});

describe('fault: a LoRA download that stalls', { timeout: 60_000 }, () => {
  let dir: string;
  let db: SqliteDatabase;
  let hub: Server;
  let origin: string;
  const held = new Set<ServerResponse>();

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'stylus-stall-'));
    mkdirSync(path.join(dir, 'loras'));
    db = openDatabase(path.join(dir, 'stylus.db'));
    const file = buildSafetensors({ ss_output_name: 'stall' }, { 'lora.down.weight': new Float32Array(1024) });
    hub = createServer((req, res) => {
      held.add(res);
      if (req.url?.startsWith('/silent/')) return; // accepts the request, never answers
      // Headers and the first bytes, then nothing: a connection that died without a reset.
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': file.length });
      res.write(file.subarray(0, 64));
    });
    await new Promise<void>((resolve) => hub.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(hub.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    for (const res of held) res.destroy();
    hub.closeAllConnections();
    await new Promise<void>((resolve) => hub.close(() => resolve()));
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const cache = () =>
    new LoraCache({
      dir: path.join(dir, 'loras'),
      db,
      maxBytes: 1e9,
      maxFileBytes: 1e8,
      hfUrl: origin,
      responseTimeoutMs: 300,
      stallTimeoutMs: 300,
    });

  it('a body that stops arriving fails the try instead of waiting half an hour', async () => {
    const error = await cache()
      .ensure({
        adapterId: 'hf:someone/stall',
        fileName: 'hf-someone--stall.safetensors',
        weight: 0.8,
        source: 'huggingface',
        downloadUrl: `${origin}/someone/stall/resolve/main/stall.safetensors`,
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RenderError);
    expect((error as RenderError).code).toBe('lora_download');
    expect((error as RenderError).retriable).toBe(true);
    expect((error as RenderError).userMessage).not.toContain(origin.replace('http://', ''));
  });

  it('a server that never answers fails the try at the response deadline', async () => {
    const error = await cache()
      .ensure({
        adapterId: 'hf:someone/silent',
        fileName: 'hf-someone--silent.safetensors',
        weight: 0.8,
        source: 'huggingface',
        downloadUrl: `${origin}/silent/someone/resolve/main/silent.safetensors`,
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RenderError);
    expect((error as RenderError).retriable).toBe(true);
  });
});
