import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
import type { FakeMessage } from './support/fake-discord-payloads.js';

type Json = Record<string, unknown>;

async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

function renderButton(message: FakeMessage): Json | undefined {
  return (message.components as Json[])
    .flatMap((row) => (row.components ?? []) as Json[])
    .find((component) => String(component.custom_id).startsWith('sty:render:'));
}

/**
 * A render that fails for good (the GPU runs out of memory) in `npm start`'s embedded mode: the member is told once,
 * with no promise of another try, and the composition's Render button works again.
 */
describe('after a failed render, Render is usable again', { timeout: 60_000 }, () => {
  let app: RunningApp;
  let discord: FakeDiscord;
  let comfy: FakeComfyUI;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'stylus-reopen-'));
    discord = await FakeDiscord.start();
    // The adapters are on the backend already (no LORA_DIR): the render reaches the GPU, which runs out of memory.
    const loraDir = path.join(dir, 'backend-loras');
    mkdirSync(loraDir);
    for (const adapter of botFixtureAdapters()) {
      writeFileSync(path.join(loraDir, localLoraName(adapter)), buildSafetensors({ ss_output_name: adapter.id }));
    }
    comfy = await FakeComfyUI.start({ loraDir });
    comfy.behaviour = 'oom';
    const store = new SqliteAdapterStore(databasePath(dir));
    await store.upsert(botFixtureAdapters());
    await store.close();
    const config = loadConfig({
      DATA_DIR: dir,
      DISCORD_TOKEN: discord.token,
      DISCORD_API_URL: discord.apiUrl,
      LOG_LEVEL: 'silent',
      STYLUS_SEED_CATALOG: 'false',
      COMFYUI_URL: comfy.url,
      CHECKPOINT_SDXL: 'sd_xl_base_1.0.safetensors',
      RENDER_WIDTH: '64',
      RENDER_HEIGHT: '64',
      RENDER_STEPS: '2',
    });
    app = await startApp({ ...config, DISCORD_TOKEN: discord.token }, { log: silentLogger });
  });
  afterAll(async () => {
    await app?.stop();
    await comfy?.close();
    await discord?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the GPU runs out of memory: one failure message, then Render works again', async () => {
    const member = discord.member({ username: 'painter' });
    const command = discord.slashCommand({
      member,
      name: 'imagine',
      options: [{ type: 3, name: 'prompt', value: 'a red fox in samurai armor, watercolor style' }],
    });
    await discord.waitForRequest((request) => request.method === 'PATCH' && request.path.includes(command.token));
    const message = discord.originalMessage(command);
    const renderId = message ? String(renderButton(message)?.custom_id) : '';
    if (!message) throw new Error('no composition message');
    discord.button({ member, message, customId: renderId });
    await until('the Render button to be disabled while queued', () => renderButton(message)?.disabled === true);

    const failures = () =>
      discord
        .requests()
        .filter(
          (request) =>
            request.method === 'POST' &&
            request.path === `/channels/${discord.channelId}/messages` &&
            /failed/.test(String(request.body.content)),
        );
    await until('the failure message', () => failures().length > 0);
    await until('Render to be enabled again', () => renderButton(message)?.disabled !== true);
    expect(renderButton(message)?.label).toBe('Render');
    expect(message.content).toMatch(/^Render failed: .*GPU ran out of memory/);
    expect(failures()).toHaveLength(1);
    expect(String(failures()[0]?.body.content)).not.toMatch(/tried again/);

    // And it is usable: a second click queues the composition again.
    const again = discord.button({ member, message, customId: renderId });
    const answer = await discord.waitForRequest(
      (request) => request.method === 'POST' && request.path === `/webhooks/${discord.applicationId}/${again.token}`,
      'the follow-up to the second click',
    );
    expect(String(answer.body.content)).toMatch(/^Render queued/);
  });
});
