import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { localLoraName } from '../src/catalog/lora-file.js';
import { buildSafetensors } from '../src/catalog/safetensors.js';
import { SqliteAdapterStore } from '../src/catalog/sqlite-store.js';
import { databasePath } from '../src/storage/sqlite.js';
import { FakeComfyUI } from './support/fake-comfyui.js';
import { FakeDiscord } from './support/fake-discord.js';
import { botFixtureAdapters } from './support/fake-discord-harness.js';
import type { FakeMessage } from './support/fake-discord-payloads.js';

const ROOT = path.resolve(import.meta.dirname, '..');
type Json = Record<string, unknown>;

async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** `stylus bot` in its own process (embedded mode: it renders too). */
function spawnBot(env: NodeJS.ProcessEnv): { child: ChildProcess; exited: Promise<unknown> } {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--input-type=module', '-e', "import { main } from './src/cli.ts'; await main(['bot']);"],
    { cwd: ROOT, env: { PATH: process.env.PATH, ...env }, stdio: 'ignore' },
  );
  return { child, exited: new Promise((resolve) => child.once('exit', resolve)) };
}

function renderButton(message: FakeMessage): Json | undefined {
  return (message.components as Json[])
    .flatMap((row) => (row.components ?? []) as Json[])
    .find((component) => String(component.custom_id).startsWith('sty:render:'));
}

/**
 * A render that kills its process every time (the bot is SIGKILLed mid-render, three times, and restarted each time):
 * each death counts as a try, the status never reads "try 4 of 3", and after the last try the member is told and the
 * Render button works again, instead of the job looping forever.
 */
describe('embedded mode: a render whose process keeps dying', { timeout: 120_000 }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'stylus-crash-loop-'));
  let discord: FakeDiscord;
  let comfy: FakeComfyUI;
  let bot: ReturnType<typeof spawnBot> | undefined;
  afterAll(async () => {
    bot?.child.kill('SIGKILL');
    await comfy?.close();
    await discord?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails after its last try with a message, and Render is usable again', async () => {
    const loraDir = path.join(dir, 'backend-loras');
    mkdirSync(loraDir);
    for (const adapter of botFixtureAdapters()) {
      writeFileSync(path.join(loraDir, localLoraName(adapter)), buildSafetensors({ ss_output_name: adapter.id }));
    }
    const store = new SqliteAdapterStore(databasePath(dir));
    await store.upsert(botFixtureAdapters());
    await store.close();
    comfy = await FakeComfyUI.start({ loraDir });
    comfy.behaviour = 'hang';
    discord = await FakeDiscord.start();
    const env = {
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
    };

    bot = spawnBot(env);
    await discord.waitForIdentify(1, 30_000);
    const member = discord.member({ username: 'painter' });
    const command = discord.slashCommand({
      member,
      name: 'imagine',
      options: [{ type: 3, name: 'prompt', value: 'a red fox in samurai armor, watercolor style' }],
    });
    await discord.waitForRequest((request) => request.method === 'PATCH' && request.path.includes(command.token));
    const message = discord.originalMessage(command);
    if (!message) throw new Error('no composition message');
    discord.button({ member, message, customId: String(renderButton(message)?.custom_id) });

    for (let death = 1; death <= 3; death++) {
      await until(`render try ${death} to reach the GPU`, () => comfy.prompts.size === death);
      bot.child.kill('SIGKILL');
      await bot.exited;
      bot = spawnBot(env);
      await discord.waitForIdentify(death + 1, 30_000);
    }

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
    expect(String(failures()[0]?.body.content)).toContain('The render stopped before it finished 3 times');
    await until('Render to be enabled again', () => renderButton(message)?.disabled !== true);
    expect(message.content).toMatch(/^Render failed: The render stopped before it finished 3 times/);
    // No fourth try, and no status ever counted past the tries there are.
    expect(comfy.prompts.size).toBe(3);
    const statuses = discord
      .requests()
      .filter((request) => request.method === 'PATCH' && request.path.endsWith(`/messages/${message.id}`))
      .map((request) => String(request.body.content ?? ''));
    for (const status of statuses) {
      const [, tried, of] = status.match(/try (\d+) of (\d+)/) ?? [];
      if (tried) expect(Number(tried)).toBeLessThanOrEqual(Number(of));
    }
    expect(failures()).toHaveLength(1);
  });
});
