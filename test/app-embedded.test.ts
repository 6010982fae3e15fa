import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from '../src/app.js';
import { localLoraName } from '../src/catalog/lora-file.js';
import { buildSafetensors } from '../src/catalog/safetensors.js';
import { SqliteAdapterStore } from '../src/catalog/sqlite-store.js';
import { loadConfig } from '../src/config.js';
import { silentLogger } from '../src/log.js';
import { databasePath } from '../src/storage/sqlite.js';
import { FakeComfyUI } from './support/fake-comfyui.js';
import { FakeDiscord } from './support/fake-discord.js';
import { botFixtureAdapters } from './support/fake-discord-harness.js';

/**
 * What `npm start` runs without REDIS_URL: one process with the bot, the embedded queue and an in-process render
 * worker. /imagine -> Render must end with images in the channel, with no separate worker started by the test.
 */
describe('npm start, embedded mode', { timeout: 60_000 }, () => {
  let app: RunningApp | undefined;
  let discord: FakeDiscord | undefined;
  let comfy: FakeComfyUI | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await app?.stop();
    await comfy?.close();
    await discord?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    app = comfy = discord = dir = undefined;
  });

  async function boot(comfyUrl: string | undefined): Promise<RunningApp> {
    dir = mkdtempSync(path.join(tmpdir(), 'stylus-app-'));
    discord = await FakeDiscord.start();
    const store = new SqliteAdapterStore(databasePath(dir));
    await store.upsert(botFixtureAdapters());
    await store.close();
    const config = loadConfig({
      DATA_DIR: dir,
      DISCORD_TOKEN: discord.token,
      DISCORD_API_URL: discord.apiUrl,
      LOG_LEVEL: 'silent',
      STYLUS_SEED_CATALOG: 'false',
      CHECKPOINT_SDXL: 'sd_xl_base_1.0.safetensors',
      RENDER_WIDTH: '64',
      RENDER_HEIGHT: '64',
      RENDER_STEPS: '2',
      ...(comfyUrl ? { COMFYUI_URL: comfyUrl } : {}),
    });
    return startApp({ ...config, DISCORD_TOKEN: discord.token }, { log: silentLogger });
  }

  it('renders in its own process: /imagine -> Render -> images in the channel', async () => {
    // The adapters are already in the backend's LoRA folder (no LORA_DIR: nothing to download).
    const loraDir = mkdtempSync(path.join(tmpdir(), 'stylus-app-loras-'));
    for (const adapter of botFixtureAdapters()) {
      writeFileSync(path.join(loraDir, localLoraName(adapter)), buildSafetensors({ ss_output_name: adapter.id }));
    }
    comfy = await FakeComfyUI.start({ loraDir });
    app = await boot(comfy.url);
    expect(app.queue?.kind).toBe('embedded');
    expect(app.worker).toBeDefined();

    const fake = discord as FakeDiscord;
    const member = fake.member({ username: 'painter' });
    const command = fake.slashCommand({
      member,
      name: 'imagine',
      options: [
        { type: 3, name: 'prompt', value: 'a red fox in samurai armor, watercolor style' },
        { type: 4, name: 'count', value: 2 },
      ],
    });
    await fake.waitForRequest(
      (request) => request.method === 'PATCH' && request.path.includes(command.token),
      'the reply',
    );
    const message = fake.originalMessage(command);
    const renderId = JSON.stringify(message?.components).match(/sty:render:[\w-]+/)?.[0];
    if (!message || !renderId) throw new Error('no composition message with a Render button');
    fake.button({ member, message, customId: renderId });
    const post = await fake.waitForRequest(
      (request) =>
        request.method === 'POST' &&
        request.path === `/channels/${fake.channelId}/messages` &&
        request.files.length > 0,
      'the images in the channel',
      30_000,
    );
    expect(post.files.map((file) => file.filename)).toEqual(['grid.png', 'image-1.png', 'image-2.png']);
    expect(comfy.prompts.size).toBe(2);
    rmSync(loraDir, { recursive: true, force: true });
  });

  it('still starts and composes when the render backend is down at start', async () => {
    app = await boot('http://127.0.0.1:9');
    expect(app.queue?.kind).toBe('embedded');
    expect(app.worker).toBeUndefined();
    const fake = discord as FakeDiscord;
    const command = fake.slashCommand({
      member: fake.member({ username: 'painter' }),
      name: 'imagine',
      options: [{ type: 3, name: 'prompt', value: 'a red fox, watercolor style' }],
    });
    const reply = await fake.waitForRequest(
      (request) => request.method === 'PATCH' && request.path.includes(command.token),
      'the reply',
    );
    expect(JSON.stringify(reply.body)).toMatch(/sty:render:/);
  });
});
