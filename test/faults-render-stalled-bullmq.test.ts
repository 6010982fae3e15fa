import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { localLoraName } from '../src/catalog/lora-file.js';
import { buildSafetensors } from '../src/catalog/safetensors.js';
import { FakeComfyUI } from './support/fake-comfyui.js';
import { BotHarness, botFixtureAdapters } from './support/fake-discord-harness.js';
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

/** `stylus worker` in its own process, with a 2 s lock so that a killed worker's job stalls soon. */
function spawnWorker(env: NodeJS.ProcessEnv): { child: ChildProcess; exited: Promise<unknown> } {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      "import { main } from './src/cli.ts'; process.exitCode = await main(['worker', '--lock-ms', '2000']);",
    ],
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
 * BullMQ: a job whose worker is SIGKILLed mid-render three times stalls past BullMQ's limit and fails as "stalled",
 * with no handler alive to report it. The member must still be told once, and Render must work again.
 */
describe('BullMQ: a job whose worker keeps dying', { timeout: 150_000 }, () => {
  let h: BotHarness;
  let comfy: FakeComfyUI;
  const workers: ChildProcess[] = [];
  const dir = mkdtempSync(path.join(tmpdir(), 'stylus-stalled-'));
  afterAll(async () => {
    for (const worker of workers) if (worker.exitCode === null) worker.kill('SIGKILL');
    await h?.close();
    await comfy?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('fails as stalled: one failure message, the status says so, Render is usable again', async () => {
    const loraDir = path.join(dir, 'backend-loras');
    mkdirSync(loraDir);
    for (const adapter of botFixtureAdapters()) {
      writeFileSync(path.join(loraDir, localLoraName(adapter)), buildSafetensors({ ss_output_name: adapter.id }));
    }
    comfy = await FakeComfyUI.start({ loraDir });
    comfy.behaviour = 'hang';
    const backend = { COMFYUI_URL: comfy.url, CHECKPOINT_SDXL: 'sd_xl_base_1.0.safetensors' };
    h = await BotHarness.start({ redis: true, renderQueue: true, env: backend });
    const workerEnv = {
      ...backend,
      DATA_DIR: path.join(dir, 'worker'),
      REDIS_URL: h.env.REDIS_URL,
      REDIS_PREFIX: h.env.REDIS_PREFIX,
      DISCORD_TOKEN: h.fake.token,
      DISCORD_API_URL: h.fake.apiUrl,
      LOG_LEVEL: 'silent',
      RENDER_WIDTH: '64',
      RENDER_HEIGHT: '64',
      RENDER_STEPS: '2',
    };

    const member = h.fake.member({ username: 'painter' });
    const command = h.fake.slashCommand({
      member,
      name: 'imagine',
      options: [{ type: 3, name: 'prompt', value: 'a red fox in samurai armor, watercolor style' }],
    });
    await h.fake.waitForRequest((request) => request.method === 'PATCH' && request.path.includes(command.token));
    const message = h.fake.originalMessage(command);
    if (!message) throw new Error('no composition message');
    h.fake.button({ member, message, customId: String(renderButton(message)?.custom_id) });
    await until('the Render button to be disabled while queued', () => renderButton(message)?.disabled === true);

    for (let death = 1; death <= 3; death++) {
      const worker = spawnWorker(workerEnv);
      workers.push(worker.child);
      await until(`render try ${death} to reach the GPU`, () => comfy.prompts.size === death, 60_000);
      worker.child.kill('SIGKILL');
      await worker.exited;
    }
    // The next worker finds the job stalled past the limit and fails it without running it.
    workers.push(spawnWorker(workerEnv).child);

    const failures = () =>
      h.fake
        .requests()
        .filter(
          (request) =>
            request.method === 'POST' &&
            request.path === `/channels/${h.fake.channelId}/messages` &&
            /failed/.test(String(request.body.content)),
        );
    await until('the failure message', () => failures().length > 0, 60_000);
    expect(String(failures()[0]?.body.content)).toContain('The render stopped before it finished');
    await until('Render to be enabled again', () => renderButton(message)?.disabled !== true);
    await until('the status to say it failed', () => message.content.startsWith('Render failed:'));
    expect(comfy.prompts.size).toBe(3);
    expect(failures()).toHaveLength(1);
  });
});
