import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Adapter } from '../src/catalog/adapter.js';
import { buildSafetensors } from '../src/catalog/safetensors.js';
import { type Config, loadConfig } from '../src/config.js';
import { silentLogger } from '../src/log.js';
import { ComfyUiBackend } from '../src/render/backends/comfyui.js';
import { DiscordDelivery } from '../src/render/delivery.js';
import { EmbeddedRenderQueue } from '../src/render/embedded-queue.js';
import { RenderError } from '../src/render/errors.js';
import { LoraCache } from '../src/render/lora-cache.js';
import type { RenderConsumer } from '../src/render/queue.js';
import { RenderResults } from '../src/render/results.js';
import { type EnqueueRenderInput, enqueueRender } from '../src/render/submit.js';
import {
  checkCheckpoints,
  createFailureAnnouncer,
  createRenderHandler,
  startRenderWorker,
  type WorkerDeps,
} from '../src/render/worker.js';
import { openDatabase, type SqliteDatabase } from '../src/storage/sqlite.js';
import type { ImagePrompt } from '../src/stylus/types.js';
import { waitForState } from './contract/render-queue.contract.js';
import { makeAdapter } from './support/adapters.js';
import { FakeComfyUI, makePng } from './support/fake-comfyui.js';

const TOKEN = 'worker-test-token';

interface DiscordCall {
  method: string;
  path: string;
  body: Record<string, unknown>;
  files: { name: string; type: string; data: Buffer }[];
}

/**
 * The slice of Discord REST v10 the worker uses, recorded: create a message (JSON or multipart payload_json +
 * files[n], honouring `enforce_nonce`), edit a message, 413 / code 40005 past the upload limit, attachment downloads.
 */
class DiscordRest {
  readonly calls: DiscordCall[] = [];
  uploadLimit = Number.POSITIVE_INFINITY;
  private readonly nonces = new Map<string, Record<string, unknown>>();
  readonly attachments = new Map<string, { data: Buffer; type: string }>();
  private next = 1000;
  private constructor(
    private readonly server: Server,
    readonly origin: string,
  ) {}
  static async start(): Promise<DiscordRest> {
    let fake: DiscordRest | undefined;
    const server = createServer((req, res) => void fake?.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake = new DiscordRest(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return fake;
  }
  get apiUrl(): string {
    return `${this.origin}/api`;
  }
  attach(name: string, data: Buffer, type: string): string {
    this.attachments.set(name, { data, type });
    return `${this.origin}/attachments/${name}`;
  }
  posts(channelId: string): DiscordCall[] {
    return this.calls.filter((call) => call.method === 'POST' && call.path === `/channels/${channelId}/messages`);
  }
  edits(messageId: string): string[] {
    return this.calls
      .filter((call) => call.method === 'PATCH' && call.path.endsWith(`/messages/${messageId}`))
      .map((call) => String(call.body.content));
  }
  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.origin);
    const send = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (url.pathname.startsWith('/attachments/')) {
      const file = this.attachments.get(url.pathname.slice('/attachments/'.length));
      if (!file) return send(404, { message: 'Not Found' });
      res.writeHead(200, { 'content-type': file.type, 'content-length': file.data.length }).end(file.data);
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const call: DiscordCall = {
      method: req.method ?? 'GET',
      path: url.pathname.replace(/^\/api\/v10/, ''),
      body: {},
      files: [],
    };
    const type = req.headers['content-type'] ?? '';
    if (type.startsWith('multipart/form-data')) {
      const form = await new Response(raw, { headers: { 'content-type': type } }).formData();
      for (const [field, value] of form.entries()) {
        if (field === 'payload_json' && typeof value === 'string')
          call.body = JSON.parse(value) as Record<string, unknown>;
        else if (typeof value !== 'string') {
          call.files.push({
            name: (value as File).name,
            type: value.type,
            data: Buffer.from(await value.arrayBuffer()),
          });
        }
      }
    } else if (raw.length > 0) call.body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    this.calls.push(call);
    if (req.headers.authorization !== `Bot ${TOKEN}`) return send(401, { message: '401: Unauthorized', code: 0 });
    const total = call.files.reduce((sum, file) => sum + file.data.length, 0);
    if (total > this.uploadLimit) return send(413, { message: 'Request entity too large', code: 40005 });
    const message = (id: string) => ({ id, channel_id: call.path.split('/')[2], content: call.body.content ?? '' });
    if (call.method === 'POST' && /^\/channels\/\d+\/messages$/.test(call.path)) {
      const nonce = call.body.enforce_nonce ? String(call.body.nonce) : undefined;
      const earlier = nonce ? this.nonces.get(nonce) : undefined;
      if (earlier) return send(200, earlier);
      const created = message(String(++this.next));
      if (nonce) this.nonces.set(nonce, created);
      return send(200, created);
    }
    if (call.method === 'PATCH' && /^\/channels\/\d+\/messages\/\d+$/.test(call.path)) {
      return send(200, message(call.path.split('/')[4] ?? ''));
    }
    send(404, { message: '404: Not Found', code: 0 });
  }
}

const CHANNEL = '111111111111111111';
const GUILD = '222222222222222222';

describe('render worker (embedded queue, loopback ComfyUI and Discord REST)', () => {
  let dir: string;
  let loraDir: string;
  let db: SqliteDatabase;
  let comfy: FakeComfyUI;
  let discord: DiscordRest;
  let config: Config;
  let queue: EmbeddedRenderQueue;
  let results: RenderResults;
  let consumer: RenderConsumer | undefined;
  let status = 5000;

  const deps = (overrides: Partial<WorkerDeps> = {}): WorkerDeps => ({
    queue,
    backend: new ComfyUiBackend({ url: comfy.url }),
    delivery: new DiscordDelivery({ token: TOKEN, apiUrl: discord.apiUrl }),
    results,
    loras: new LoraCache({ dir: loraDir, db, maxBytes: 1e9, maxFileBytes: 1e8 }),
    log: silentLogger,
    statusIntervalMs: 60_000,
    ...overrides,
  });

  const adapters: Record<string, Adapter> = {
    'local:ink': makeAdapter({ id: 'local:ink', source: 'local', fileName: 'ink.safetensors' }),
    'local:snow': makeAdapter({ id: 'local:snow', source: 'local', fileName: 'snow.safetensors' }),
  };
  const images = (count: number, seed = 100): ImagePrompt[] =>
    Array.from({ length: count }, (_, index) => ({
      index,
      seed: seed + index,
      positive: 'a fox in the snow, ink wash',
      a1111Prompt: 'a fox in the snow, ink wash <lora:ink:0.4>',
      loras: [
        { adapterId: 'local:ink', fileName: 'ink.safetensors', weight: 0.4 },
        ...(index % 2 === 0 ? [{ adapterId: 'local:snow', fileName: 'snow.safetensors', weight: 0.6 }] : []),
      ],
    }));
  const submit = (overrides: Partial<EnqueueRenderInput> = {}) =>
    enqueueRender(
      { config, queue },
      {
        compositionId: `comp-${++status}`,
        images: images(2),
        adapters,
        base: 'sdxl',
        channelId: CHANNEL,
        guildId: GUILD,
        requesterId: '333333333333333333',
        statusMessageId: String(++status),
        width: 64,
        height: 64,
        steps: 5,
        ...overrides,
      },
    );

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'stylus-worker-'));
    loraDir = path.join(dir, 'loras');
    mkdirSync(loraDir);
    for (const name of ['ink', 'snow']) {
      writeFileSync(path.join(loraDir, `${name}.safetensors`), buildSafetensors({ ss_output_name: name }));
    }
    db = openDatabase(path.join(dir, 'stylus.db'));
    comfy = await FakeComfyUI.start({ loraDir });
    discord = await DiscordRest.start();
    config = loadConfig({
      DATA_DIR: dir,
      COMFYUI_URL: comfy.url,
      CHECKPOINT_SDXL: 'sd_xl_base_1.0.safetensors',
      DISCORD_TOKEN: TOKEN,
      DISCORD_API_URL: discord.apiUrl,
      LORA_DIR: loraDir,
    });
    queue = new EmbeddedRenderQueue(db, { backoffMs: 10, maxQueuedPerUser: 5 });
    results = new RenderResults(db);
  });

  afterEach(async () => {
    await consumer?.close(true);
    consumer = undefined;
    await queue.close();
    await comfy.close();
    await discord.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('posts a grid and the images with prompt, seeds, adapters and buttons, and records the result', async () => {
    consumer = await startRenderWorker(config, deps());
    const { jobId } = await submit({ images: images(4) });
    await waitForState(queue, jobId, ['completed', 'failed']);
    expect((await queue.status(jobId))?.state).toBe('completed');

    const [post] = discord.posts(CHANNEL);
    expect(discord.posts(CHANNEL)).toHaveLength(1);
    expect(post?.files.map((file) => file.name)).toEqual([
      'grid.png',
      'image-1.png',
      'image-2.png',
      'image-3.png',
      'image-4.png',
    ]);
    const grid = await sharp(post?.files[0]?.data).metadata();
    expect([grid.width, grid.height]).toEqual([64 * 2 + 4, 64 * 2 + 4]);
    const body = post?.body as {
      embeds: { description: string; fields: { name: string; value: string }[]; image: { url: string } }[];
      components: { components: { custom_id: string; label: string }[] }[];
      allowed_mentions: unknown;
      nonce: string;
      enforce_nonce: boolean;
    };
    const embed = body.embeds[0];
    expect(embed?.description).toContain('a fox in the snow');
    expect(embed?.image.url).toBe('attachment://grid.png');
    expect(embed?.fields.map((field) => field.name)).toEqual([
      'Image 1 · seed 100',
      'Image 2 · seed 101',
      'Image 3 · seed 102',
      'Image 4 · seed 103',
    ]);
    expect(embed?.fields[0]?.value).toBe('local:ink × 0.4\nlocal:snow × 0.6');
    const job = await queue.queued();
    expect(job).toEqual([]);
    expect(body.components[0]?.components.map((button) => [button.label, button.custom_id.split(':')[1]])).toEqual([
      ['Reroll', 'reroll'],
      ['Variations', 'variations'],
      ['Export', 'export'],
    ]);
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(body.enforce_nonce).toBe(true);

    // The graph ComfyUI got: chained LoraLoader nodes with the per-image weights, seed set.
    const graphs = [...comfy.prompts.values()];
    expect(graphs).toHaveLength(4);
    const loaders = Object.values(graphs[0] ?? {}).filter((node) => node.class_type === 'LoraLoader');
    expect(loaders.map((node) => [node.inputs.lora_name, node.inputs.strength_model])).toEqual([
      ['ink.safetensors', 0.4],
      ['snow.safetensors', 0.6],
    ]);

    const recorded = results.forMessage('1001');
    expect(
      recorded.map((image) => [image.imageIndex, image.seed, image.adapters.map((a) => `${a.adapterId}@${a.weight}`)]),
    ).toEqual([
      [0, 100, ['local:ink@0.4', 'local:snow@0.6']],
      [1, 101, ['local:ink@0.4']],
      [2, 102, ['local:ink@0.4', 'local:snow@0.6']],
      [3, 103, ['local:ink@0.4']],
    ]);
  });

  it('edits the status message: rendering, throttled progress, done', async () => {
    consumer = await startRenderWorker(config, deps());
    const { jobId } = await submit({ images: images(2), steps: 30 });
    await waitForState(queue, jobId, ['completed']);
    const statusId = String(status);
    // The last word is sent off the render path: it may arrive just after the job completes.
    const deadline = Date.now() + 5_000;
    while (discord.edits(statusId).at(-1) !== 'Rendered: the images are posted below.' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const edits = discord.edits(statusId);
    expect(edits[0]).toBe('Rendering…');
    expect(edits.at(-1)).toBe('Rendered: the images are posted below.');
    // 60 progress events, one status edit window: the throttle let at most one progress edit through.
    expect(edits.filter((text) => text.startsWith('Rendering image')).length).toBeLessThanOrEqual(1);
    const progressCalls = discord.calls.filter((call) => call.method === 'PATCH');
    expect(progressCalls.every((call) => (call.body.allowed_mentions as { parse: unknown[] }).parse.length === 0)).toBe(
      true,
    );
  });

  it('shows each waiting job its queue position and updates it as the queue moves', async () => {
    comfy.behaviour = 'hang';
    consumer = await startRenderWorker(config, deps());
    const first = await submit();
    const firstStatus = String(status);
    await waitForState(queue, first.jobId, ['active']);
    while (comfy.prompts.size === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const second = await submit({ requesterId: '444444444444444444' });
    const secondStatus = String(status);
    const third = await submit({ requesterId: '555555555555555555' });
    const thirdStatus = String(status);
    expect([second.position, third.position]).toEqual([1, 2]);
    // Positions are announced when the queue moves: cancel the running job.
    await queue.cancel(first.jobId);
    await waitForState(queue, first.jobId, ['cancelled']);
    comfy.behaviour = 'ok';
    await waitForState(queue, third.jobId, ['completed']);
    expect(discord.edits(firstStatus)).toContain('Render cancelled.');
    // Each status moves forward only: a queue position never overwrites a job that has started.
    const secondEdits = discord.edits(secondStatus);
    expect(secondEdits).toContain('Rendering…');
    expect(secondEdits.slice(secondEdits.indexOf('Rendering…'))).not.toContainEqual(expect.stringMatching(/^Queued/));
    expect(secondEdits.at(-1)).toBe('Rendered: the images are posted below.');
    const thirdEdits = discord.edits(thirdStatus);
    const order = ['Queued: position 2.', 'Queued: next in line.', 'Rendering…'].map((text) =>
      thirdEdits.indexOf(text),
    );
    expect(order.every((index) => index >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(comfy.requestsTo('POST', '/interrupt')).toHaveLength(1);
    expect(discord.posts(CHANNEL)).toHaveLength(2);
  });

  it('re-encodes smaller when Discord refuses the upload as too large', async () => {
    comfy.noisyImages = true;
    discord.uploadLimit = 300_000;
    consumer = await startRenderWorker(config, deps());
    const { jobId } = await submit({ images: images(4), width: 256, height: 256 });
    await waitForState(queue, jobId, ['completed', 'failed']);
    expect((await queue.status(jobId))?.state).toBe('completed');
    const posts = discord.posts(CHANNEL);
    const accepted = posts.at(-1);
    expect(posts.length).toBeGreaterThan(1);
    expect(posts[0]?.files.reduce((sum, file) => sum + file.data.length, 0)).toBeGreaterThan(300_000);
    expect(accepted?.files.reduce((sum, file) => sum + file.data.length, 0)).toBeLessThanOrEqual(300_000);
    expect(accepted?.files[0]?.name).toMatch(/^grid\.(webp|jpg)$/);
  });

  it('never posts a job twice, even when it is handed out again after delivery', async () => {
    const handler = createRenderHandler(deps());
    await submit();
    const [{ job } = { job: undefined }] = await queue.queued();
    if (!job) throw new Error('no job');
    const context = {
      attempt: 1,
      maxAttempts: 3,
      signal: new AbortController().signal,
      reportProgress: async () => {},
      releaseSlot: () => {},
    };
    await handler(job, context);
    await handler(job, { ...context, attempt: 2 });
    expect(discord.posts(CHANNEL)).toHaveLength(1);
    expect(comfy.prompts.size).toBe(2);
  });

  describe('bad input and faults: the job fails and the member is told in the channel', () => {
    /** The channel's posts once there is one: the failure is announced right after the job is marked failed. */
    const postsIn = async (channel: string) => {
      for (let waited = 0; discord.posts(channel).length === 0 && waited < 5_000; waited += 20) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
      return discord.posts(channel);
    };
    const failure = async (overrides: Partial<EnqueueRenderInput>, workerDeps: Partial<WorkerDeps> = {}) => {
      consumer = await startRenderWorker(config, deps(workerDeps));
      const { jobId } = await submit(overrides);
      const final = await waitForState(queue, jobId, ['completed', 'failed']);
      expect(final.state).toBe('failed');
      const told = (await postsIn(CHANNEL)).map((post) => String(post.body.content));
      expect(told).toHaveLength(1);
      return { text: told[0] ?? '', attempts: final.attempts };
    };

    it('an adapter that is only a pickle file', async () => {
      const pickled = {
        ...adapters,
        'civitai:9': makeAdapter({ id: 'civitai:9', source: 'civitai', downloadUrl: `${comfy.url}/files/tweak.ckpt` }),
      };
      const pickleImages = images(1).map((image) => ({
        ...image,
        loras: [{ adapterId: 'civitai:9', fileName: 'civitai-9.safetensors', weight: 0.5 }],
      }));
      const { text, attempts } = await failure({ images: pickleImages, adapters: pickled });
      expect(text).toMatch(/^The render for <@333333333333333333> failed: .*pickle file/);
      expect(attempts).toBe(1);
      expect(comfy.prompts.size).toBe(0);
    });

    it('an init image that is not an image', async () => {
      const url = discord.attach('photo.png', Buffer.from('GIF89a but really just text'), 'image/png');
      const { text } = await failure({ initImageUrl: url });
      expect(text).toMatch(/attached image could not be used: it is not an image/);
      expect(comfy.requestsTo('POST', '/upload/image')).toHaveLength(0);
    });

    it('the backend is down: three tries with backoff, then a clear message', async () => {
      await comfy.close();
      const dead = new ComfyUiBackend({ url: comfy.url });
      const workerDeps = deps({ backend: dead });
      consumer = await queue.consume(createRenderHandler(workerDeps), {
        onFailed: createFailureAnnouncer(workerDeps),
      });
      const { jobId } = await submit();
      const final = await waitForState(queue, jobId, ['failed']);
      expect(final.attempts).toBe(3);
      const told = (await postsIn(CHANNEL)).map((post) => String(post.body.content));
      expect(told).toEqual([expect.stringMatching(/render server \(ComfyUI\) is not answering/)]);
      comfy = await FakeComfyUI.start();
    });

    it('the backend runs out of memory (not retried)', async () => {
      comfy.behaviour = 'oom';
      const { text, attempts } = await failure({});
      expect(text).toMatch(/GPU ran out of memory/);
      expect(attempts).toBe(1);
    });

    it('the backend returns no images', async () => {
      comfy.behaviour = 'no_images';
      expect((await failure({})).text).toMatch(/returned no image/);
    });

    it('a LoRA the backend cannot see', async () => {
      const ghost = {
        ...adapters,
        'local:ghost': makeAdapter({ id: 'local:ghost', source: 'local', fileName: 'ghost.safetensors' }),
      };
      const ghostImages = images(1).map((image) => ({
        ...image,
        loras: [{ adapterId: 'local:ghost', fileName: 'ghost.safetensors', weight: 0.5 }],
      }));
      expect((await failure({ images: ghostImages, adapters: ghost })).text).toMatch(
        /ghost.safetensors is not in the LoRA folder/,
      );
    });
  });

  it('refuses a family with no checkpoint before queueing, and a worker whose checkpoint the backend lacks', async () => {
    const refusal = await submit({ base: 'sd1' }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(RenderError);
    expect((refusal as RenderError).userMessage).toMatch(/no checkpoint for SD 1.5 models.*CHECKPOINT_SD1/);
    expect(await queue.queued()).toEqual([]);

    const typo = loadConfig({ COMFYUI_URL: comfy.url, CHECKPOINT_SDXL: 'sdxl_typo.safetensors' });
    await expect(checkCheckpoints(typo, new ComfyUiBackend({ url: comfy.url }), silentLogger)).rejects.toThrow(
      /CHECKPOINT_SDXL=sdxl_typo.safetensors is not a checkpoint the render backend \(comfyui\) has/,
    );
    await expect(
      checkCheckpoints(loadConfig({}), new ComfyUiBackend({ url: comfy.url }), silentLogger),
    ).rejects.toThrow(/No checkpoint is configured/);
  });

  it('renders image-to-image from a Discord attachment', async () => {
    consumer = await startRenderWorker(config, deps());
    const url = discord.attach('photo.png', await makePng(48, 48, 9), 'image/png');
    const { jobId } = await submit({ images: images(1), initImageUrl: url });
    await waitForState(queue, jobId, ['completed']);
    expect(comfy.requestsTo('POST', '/upload/image')).toHaveLength(1);
    const graph = [...comfy.prompts.values()][0] ?? {};
    expect(Object.values(graph).some((node) => node.class_type === 'LoadImage')).toBe(true);
  });
});
