import { type ChildProcess, type StdioOptions, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type RunningApp, startApp } from '../../src/app.js';
import { localLoraName } from '../../src/catalog/lora-file.js';
import { buildSafetensors } from '../../src/catalog/safetensors.js';
import { SqliteAdapterStore } from '../../src/catalog/sqlite-store.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import { databasePath } from '../../src/storage/sqlite.js';
import { FakeComfyUI } from './fake-comfyui.js';
import { FakeDiscord, type RecordedRequest } from './fake-discord.js';
import { botFixtureAdapters } from './fake-discord-harness.js';
import type { FakeMessage } from './fake-discord-payloads.js';

export { until } from './worker-rig.js';

/** What the fault tests share: processes as an admin runs them, the embedded app's settings, what a member sees. */

const ROOT = path.resolve(import.meta.dirname, '../..');
type Json = Record<string, unknown>;

/** `stylus <args>` in its own process (TypeScript through tsx), with only the given environment. */
export function spawnStylus(
  args: string[],
  env: NodeJS.ProcessEnv,
  stdio: StdioOptions = ['ignore', 'pipe', 'pipe'],
): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      `import { main } from './src/cli.ts'; process.exitCode = await main(${JSON.stringify(args)});`,
    ],
    { cwd: ROOT, env: { PATH: process.env.PATH, ...env }, stdio },
  );
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    output += String(chunk);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** The bot's fixture catalog in `dataDir`'s SQLite file, and the adapters' files in a LoRA folder for the backend. */
export async function seedEmbeddedData(dataDir: string): Promise<{ backendLoraDir: string }> {
  const store = new SqliteAdapterStore(databasePath(dataDir));
  await store.upsert(botFixtureAdapters());
  await store.close();
  const backendLoraDir = path.join(dataDir, 'backend-loras');
  mkdirSync(backendLoraDir, { recursive: true });
  for (const adapter of botFixtureAdapters()) {
    writeFileSync(path.join(backendLoraDir, localLoraName(adapter)), buildSafetensors({ ss_output_name: adapter.id }));
  }
  return { backendLoraDir };
}

/** `npm start`'s environment in embedded mode: this DATA_DIR, the fake Discord, a ComfyUI, tiny renders. */
export function embeddedEnv(dataDir: string, discord: FakeDiscord, comfy: FakeComfyUI): Record<string, string> {
  return {
    DATA_DIR: dataDir,
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
}

/** `npm start` in this process, embedded mode, against a fresh fake Discord and ComfyUI (the adapters on its disk). */
export async function startEmbeddedApp(dataDir: string) {
  const discord = await FakeDiscord.start();
  const comfy = await FakeComfyUI.start({ loraDir: (await seedEmbeddedData(dataDir)).backendLoraDir });
  const config = loadConfig(embeddedEnv(dataDir, discord, comfy));
  const app: RunningApp = await startApp({ ...config, DISCORD_TOKEN: discord.token }, { log: silentLogger });
  return {
    app,
    discord,
    comfy,
    async close() {
      await app.stop();
      await comfy.close();
      await discord.close();
    },
  };
}

export function renderButton(message: FakeMessage): Json | undefined {
  return (message.components as Json[])
    .flatMap((row) => (row.components ?? []) as Json[])
    .find((component) => String(component.custom_id).startsWith('sty:render:'));
}

/**
 * Whether the bot has ever shown a disabled Render button, in any message edit or interaction answer: a render that
 * fails fast may enable the button again between two polls of the message as it is now.
 */
export function renderEverDisabled(discord: FakeDiscord): boolean {
  const disabledRender = (value: unknown): boolean => {
    if (Array.isArray(value)) return value.some(disabledRender);
    if (value === null || typeof value !== 'object') return false;
    const record = value as Record<string, unknown>;
    if (String(record.custom_id).startsWith('sty:render:') && record.disabled === true) return true;
    return Object.values(record).some(disabledRender);
  };
  return discord.requests().some((request) => disabledRender(request.body));
}

/** /imagine as `member`: resolves with the composition message once the deferred reply became it. */
export async function imagine(discord: FakeDiscord, member: ReturnType<FakeDiscord['member']>, prompt: string) {
  const command = discord.slashCommand({
    member,
    name: 'imagine',
    options: [{ type: 3, name: 'prompt', value: prompt }],
  });
  await discord.waitForRequest((request) => request.method === 'PATCH' && request.path.includes(command.token));
  const message = discord.originalMessage(command);
  if (!message) throw new Error('no composition message');
  return message;
}

/** The failure messages the channel received. */
export function failurePosts(discord: FakeDiscord): RecordedRequest[] {
  return discord
    .requests()
    .filter(
      (request) =>
        request.method === 'POST' &&
        request.path === `/channels/${discord.channelId}/messages` &&
        /failed/.test(String(request.body.content)),
    );
}
