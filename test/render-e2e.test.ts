import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { localLoraName } from '../src/catalog/lora-file.js';
import { buildSafetensors } from '../src/catalog/safetensors.js';
import { loadConfig } from '../src/config.js';
import { type RunningBot, startBot } from '../src/discord/bot.js';
import { silentLogger } from '../src/log.js';
import { openRenderQueue } from '../src/render/open-queue.js';
import type { RenderConsumer, RenderQueue } from '../src/render/queue.js';
import { RenderResults } from '../src/render/results.js';
import { startRenderWorker, workerDepsFromConfig } from '../src/render/worker.js';
import { openServices, type Services } from '../src/services.js';
import { deleteKeys, REDIS_URL } from './contract/render-queue.contract.js';
import { FakeA1111 } from './support/fake-a1111.js';
import { FakeComfyUI } from './support/fake-comfyui.js';
import type { FakeDiscord, RecordedRequest } from './support/fake-discord.js';
import { FakeDiscord as Discord } from './support/fake-discord.js';
import { botFixtureAdapters } from './support/fake-discord-harness.js';

type Json = Record<string, unknown>;

/** Serves every fixture adapter's weights as a Hugging Face resolve URL would. */
async function startHub(): Promise<{ server: Server; url: string; files: Map<string, Buffer> }> {
  const files = new Map<string, Buffer>();
  const server = createServer((req, res) => {
    const file = files.get(new URL(req.url ?? '/', 'http://x').pathname);
    if (!file) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': file.length }).end(file);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, files };
}

interface Rig {
  discord: FakeDiscord;
  services: Services;
  queue: RenderQueue;
  bot: RunningBot;
  worker: RenderConsumer;
  cleanup: () => Promise<void>;
}

async function startRig(backendEnv: (loraDir: string) => Promise<Record<string, string>>): Promise<Rig> {
  const dir = mkdtempSync(path.join(tmpdir(), 'stylus-e2e-'));
  const loraDir = path.join(dir, 'loras');
  mkdirSync(loraDir);
  const prefix = `t-render-e2e-${randomUUID().slice(0, 8)}`;
  const discord = await Discord.start();
  const hub = await startHub();
  const adapters = botFixtureAdapters().map((adapter) => {
    const bytes = buildSafetensors({ ss_output_name: adapter.id });
    const route = `/${adapter.id.slice(3)}/resolve/main/weights.safetensors`;
    hub.files.set(route, bytes);
    return {
      ...adapter,
      downloadUrl: `${hub.url}${route}`,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    };
  });
  const config = loadConfig({
    DATA_DIR: dir,
    DISCORD_TOKEN: discord.token,
    DISCORD_API_URL: discord.apiUrl,
    LOG_LEVEL: 'silent',
    STYLUS_SEED_CATALOG: 'false',
    REDIS_URL,
    REDIS_PREFIX: prefix,
    LORA_DIR: loraDir,
    CHECKPOINT_SDXL: 'sd_xl_base_1.0.safetensors',
    RENDER_WIDTH: '64',
    RENDER_HEIGHT: '64',
    RENDER_STEPS: '4',
    HF_ENDPOINT: hub.url,
    ...(await backendEnv(loraDir)),
  });
  const services = await openServices(config, { log: silentLogger, seedCatalog: false });
  await services.store.upsert(adapters);
  const queue = openRenderQueue(config, services.db, silentLogger);
  const bot = await startBot({ services, token: discord.token, renderQueue: queue });
  await bot.context.adapterNames.warm();
  const worker = await startRenderWorker(config, workerDepsFromConfig(services, queue));
  return {
    discord,
    services,
    queue,
    bot,
    worker,
    cleanup: async () => {
      await worker.close(true);
      await bot.stop();
      await queue.close();
      await services.close();
      await discord.close();
      hub.server.closeAllConnections();
      await new Promise<void>((resolve) => hub.server.close(() => resolve()));
      await deleteKeys(`${prefix}*`);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** /imagine, then the Render button; resolves with the channel message that carries the images. */
async function imagineAndRender(
  rig: Rig,
  prompt: string,
  count: number,
  member = rig.discord.member({ username: 'painter' }),
): Promise<RecordedRequest> {
  const { discord } = rig;
  const command = discord.slashCommand({
    member,
    name: 'imagine',
    options: [
      { type: 3, name: 'prompt', value: prompt },
      { type: 4, name: 'count', value: count },
    ],
  });
  await discord.waitForRequest(
    (request) => request.method === 'PATCH' && request.path.includes(command.token),
    'the composition reply',
  );
  const message = discord.originalMessage(command);
  if (!message) throw new Error('no composition message');
  const renderId = JSON.stringify(message.components).match(/sty:render:[\w-]+/)?.[0];
  if (!renderId) throw new Error('no Render button');
  discord.button({ member, message, customId: renderId });
  return discord.waitForRequest(
    (request) =>
      request.method === 'POST' &&
      request.path === `/channels/${discord.channelId}/messages` &&
      request.files.length > 0,
    'the images in the channel',
    30_000,
  );
}

const PROMPT = 'a red fox in samurai armor, watercolor style, cyberpunk city at night';

describe('end to end: /imagine -> Render -> images in the channel (fake Discord, real Redis)', {
  timeout: 60_000,
}, () => {
  let rig: Rig | undefined;
  let comfy: FakeComfyUI | undefined;
  let a1111: FakeA1111 | undefined;
  afterEach(async () => {
    await rig?.cleanup();
    await comfy?.close();
    await a1111?.close();
    rig = comfy = a1111 = undefined;
  });

  it('ComfyUI: a grid and the images arrive; each graph has the chosen adapters as LoraLoader nodes in their weights', async () => {
    rig = await startRig(async (loraDir) => {
      comfy = await FakeComfyUI.start({ loraDir });
      return { COMFYUI_URL: comfy.url };
    });
    const post = await imagineAndRender(rig, PROMPT, 4);
    expect(post.files.map((file) => file.filename)).toEqual([
      'grid.png',
      'image-1.png',
      'image-2.png',
      'image-3.png',
      'image-4.png',
    ]);
    expect((await sharp(post.files[0]?.data).metadata()).width).toBe(64 * 2 + 4);
    expect(post.body.allowed_mentions).toEqual({ parse: [] });

    const graphs = [...(comfy?.prompts.values() ?? [])];
    expect(graphs).toHaveLength(4);
    const messageId = await waitForResultRecord(rig);
    const recorded = new RenderResults(rig.services.db).forMessage(messageId);
    expect(recorded).toHaveLength(4);
    const adapterFiles = new Map(
      (await rig.services.store.list({ limit: 100 })).map((adapter) => [adapter.id, localLoraName(adapter)]),
    );
    let loaders = 0;
    for (const image of recorded) {
      const graph = graphs.find((candidate) =>
        Object.values(candidate).some((node) => node.class_type === 'KSampler' && node.inputs.seed === image.seed),
      );
      expect(graph, `a graph with seed ${image.seed}`).toBeDefined();
      const chain = Object.values(graph ?? {})
        .filter((node) => node.class_type === 'LoraLoader')
        .map((node) => [node.inputs.lora_name, node.inputs.strength_model, node.inputs.strength_clip]);
      expect(chain).toEqual(
        image.adapters.map((adapter) => {
          const weight = Math.round(adapter.weight * 1000) / 1000;
          return [adapterFiles.get(adapter.adapterId), weight, weight];
        }),
      );
      loaders += chain.length;
    }
    expect(loaders).toBeGreaterThan(0);
  });

  it('AUTOMATIC1111: the prompts carry <lora:name:weight> tags that A1111 resolves', async () => {
    rig = await startRig(async (loraDir) => {
      a1111 = await FakeA1111.start({ loraDir });
      return { A1111_URL: a1111.url };
    });
    const post = await imagineAndRender(rig, PROMPT, 2);
    expect(post.files.map((file) => file.filename)).toEqual(['grid.png', 'image-1.png', 'image-2.png']);
    const bodies = a1111?.requestsTo('POST', '/sdapi/v1/txt2img').map((request) => request.body) ?? [];
    expect(bodies).toHaveLength(2);
    const messageId = await waitForResultRecord(rig);
    const recorded = new RenderResults(rig.services.db).forMessage(messageId);
    const adapters = new Map((await rig.services.store.list({ limit: 100 })).map((adapter) => [adapter.id, adapter]));
    let tags = 0;
    for (const image of recorded) {
      const body = bodies.find((candidate) => candidate.seed === image.seed) as Json | undefined;
      for (const adapter of image.adapters) {
        const record = adapters.get(adapter.adapterId);
        if (!record) throw new Error(`unknown adapter ${adapter.adapterId}`);
        const name = localLoraName(record).replace(/\.safetensors$/, '');
        expect(String(body?.prompt)).toContain(`<lora:${name}:`);
        tags++;
      }
      // A channel that is not age-restricted: the base model is told to keep nudity out as well.
      expect(body?.negative_prompt).toBe(
        'lowres, worst quality, low quality, blurry, watermark, text, nsfw, nude, naked, nipples, sexual content',
      );
    }
    expect(tags).toBeGreaterThan(0);
    expect(a1111?.requestsTo('POST', '/sdapi/v1/refresh-loras').length).toBeGreaterThan(0);
    expect(a1111?.skippedLoras).toEqual([]);
  });
});

describe('end to end: controls on the result message', { timeout: 60_000 }, () => {
  let rig: Rig | undefined;
  let comfy: FakeComfyUI | undefined;
  afterEach(async () => {
    await rig?.cleanup();
    await comfy?.close();
    rig = comfy = undefined;
  });

  it('Variations renders every image with all chosen adapters and new seeds; a stranger cannot reroll', async () => {
    rig = await startRig(async (loraDir) => {
      comfy = await FakeComfyUI.start({ loraDir });
      return { COMFYUI_URL: comfy.url };
    });
    const { discord } = rig;
    const owner = discord.member({ username: 'painter' });
    await imagineAndRender(rig, PROMPT, 2, owner);
    const firstGraphs = [...(comfy?.prompts.values() ?? [])];
    const resultMessage = [...discord.messages.values()].find((message) =>
      JSON.stringify(message.components ?? []).includes('sty:variations:'),
    );
    if (!resultMessage) throw new Error('no result message with a Variations button');
    const customId = (action: string) =>
      JSON.stringify(resultMessage.components).match(new RegExp(`sty:${action}:[\\w-]+`))?.[0] ?? '';

    const stranger = discord.member({ username: 'stranger' });
    const refused = discord.button({ member: stranger, message: resultMessage, customId: customId('reroll') });
    const answer = await discord.waitForRequest(
      (request) => request.path === `/interactions/${refused.id}/${refused.token}/callback`,
      'the refusal',
    );
    expect(answer.body).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(JSON.stringify(answer.body)).toMatch(/not yours/);

    const posts = () =>
      discord
        .requests()
        .filter(
          (request) =>
            request.method === 'POST' &&
            request.path === `/channels/${discord.channelId}/messages` &&
            request.files.length > 0,
        );
    expect(posts()).toHaveLength(1);
    discord.button({ member: owner, message: resultMessage, customId: customId('variations') });
    for (let i = 0; i < 400 && posts().length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 25));
    expect(posts()).toHaveLength(2);

    const loaders = (graph: Record<string, { class_type: string; inputs: Record<string, unknown> }>) =>
      Object.values(graph)
        .filter((node) => node.class_type === 'LoraLoader')
        .map((node) => node.inputs.lora_name)
        .sort();
    const seedOf = (graph: Record<string, { class_type: string; inputs: Record<string, unknown> }>) =>
      Object.values(graph).find((node) => node.class_type === 'KSampler')?.inputs.seed;
    const newGraphs = [...(comfy?.prompts.values() ?? [])].slice(firstGraphs.length);
    expect(newGraphs).toHaveLength(2);
    // The first image of the first render used every chosen adapter: each variation uses exactly those.
    const everyAdapter = loaders(
      firstGraphs.find((graph) => loaders(graph).length === Math.max(...firstGraphs.map((g) => loaders(g).length))) ??
        {},
    );
    expect(everyAdapter.length).toBeGreaterThan(0);
    for (const graph of newGraphs) expect(loaders(graph)).toEqual(everyAdapter);
    const oldSeeds = new Set(firstGraphs.map(seedOf));
    expect(newGraphs.map(seedOf).filter((seed) => oldSeeds.has(seed))).toEqual([]);
    expect(new Set(newGraphs.map(seedOf)).size).toBe(2);
  });
});

async function waitForResultRecord(rig: Rig): Promise<string> {
  const results = new RenderResults(rig.services.db);
  for (let i = 0; i < 200; i++) {
    const row = rig.services.db.prepare('SELECT message_id FROM render_results LIMIT 1').get() as
      | { message_id: string }
      | undefined;
    if (row && results.forMessage(row.message_id).length > 0) return row.message_id;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('no result recorded');
}
