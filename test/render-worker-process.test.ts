import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildSafetensors } from '../src/catalog/safetensors.js';
import { loadConfig } from '../src/config.js';
import { BullmqRenderQueue } from '../src/render/bullmq-queue.js';
import { enqueueRender } from '../src/render/submit.js';
import { deleteKeys, REDIS_URL, waitForState } from './contract/render-queue.contract.js';
import { makeAdapter } from './support/adapters.js';
import { runCli } from './support/cli.js';
import { FakeComfyUI } from './support/fake-comfyui.js';
import { FakeDiscord } from './support/fake-discord.js';
import { spawnStylus, until } from './support/fault-rig.js';

/** `stylus worker` in its own process, as `npm run worker` runs it (TypeScript through tsx). */
const spawnWorker = (env: NodeJS.ProcessEnv) => spawnStylus(['worker', '--lock-ms', '2000'], env);

describe('worker process (real Redis)', { timeout: 90_000 }, () => {
  let dir: string;
  let comfy: FakeComfyUI;
  let discord: FakeDiscord;
  let queue: BullmqRenderQueue;
  let env: NodeJS.ProcessEnv;
  const prefix = `t-render-${randomUUID().slice(0, 8)}`;
  const children: ChildProcess[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'stylus-proc-'));
    const loraDir = path.join(dir, 'loras');
    mkdirSync(loraDir);
    writeFileSync(path.join(loraDir, 'ink.safetensors'), buildSafetensors({ ss_output_name: 'ink' }));
    comfy = await FakeComfyUI.start({ loraDir });
    discord = await FakeDiscord.start();
    env = {
      DATA_DIR: dir,
      LORA_DIR: loraDir,
      REDIS_URL,
      REDIS_PREFIX: prefix,
      COMFYUI_URL: comfy.url,
      CHECKPOINT_SDXL: 'sd_xl_base_1.0.safetensors',
      DISCORD_TOKEN: discord.token,
      DISCORD_API_URL: discord.apiUrl,
      LOG_LEVEL: 'warn',
    };
    queue = new BullmqRenderQueue({ redisUrl: REDIS_URL, prefix, limits: { backoffMs: 100 } });
  });

  afterEach(async () => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
    await queue.close();
    await comfy.close();
    await discord.close();
    await deleteKeys(`${prefix}:*`);
    rmSync(dir, { recursive: true, force: true });
  });

  async function submitJob(): Promise<string> {
    const config = loadConfig(env);
    const { jobId } = await enqueueRender(
      { config, queue },
      {
        compositionId: 'comp-kill-test',
        images: [
          {
            index: 0,
            seed: 77,
            positive: 'a lighthouse at dusk',
            a1111Prompt: 'a lighthouse at dusk <lora:ink:0.7>',
            loras: [{ adapterId: 'local:ink', fileName: 'ink.safetensors', weight: 0.7 }],
          },
        ],
        adapters: { 'local:ink': makeAdapter({ id: 'local:ink', source: 'local', fileName: 'ink.safetensors' }) },
        base: 'sdxl',
        channelId: discord.channelId,
        guildId: discord.guild.id,
        requesterId: '999999999999999999',
        width: 64,
        height: 64,
        steps: 4,
      },
    );
    return jobId;
  }

  const channelPosts = () =>
    discord
      .requests()
      .filter((request) => request.method === 'POST' && request.path === `/channels/${discord.channelId}/messages`);

  it('a worker killed mid-render: another one picks the job up and posts it exactly once', async () => {
    const jobId = await submitJob();
    comfy.behaviour = 'hang';
    const first = spawnWorker(env);
    children.push(first.child);
    await until('the first worker to start rendering', () => comfy.prompts.size === 1).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${first.output()}`);
    });
    first.child.kill('SIGKILL');
    await first.exited;
    expect((await queue.status(jobId))?.state).toBe('active');

    comfy.behaviour = 'ok';
    const second = spawnWorker(env);
    children.push(second.child);
    const done = await waitForState(queue, jobId, ['completed', 'failed'], 45_000).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${second.output()}`);
    });
    expect(done.state).toBe('completed');
    expect(comfy.prompts.size).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const posts = channelPosts();
    expect(posts).toHaveLength(1);
    expect(posts[0]?.files.map((file) => file.filename)).toEqual(['image-1.png']);

    // SIGTERM: the worker closes cleanly and exits 0.
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });

  it('SIGTERM while rendering: the worker finishes the job in hand, then exits 0', async () => {
    comfy.stepDelayMs = 100;
    const worker = spawnWorker(env);
    children.push(worker.child);
    const jobId = await submitJob();
    await until('the worker to start rendering', () => comfy.prompts.size === 1).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${worker.output()}`);
    });
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect((await queue.status(jobId))?.state).toBe('completed');
    expect(channelPosts()).toHaveLength(1);
  });

  it('without a render backend: one line, no exit, and the healthcheck says why', async () => {
    const { COMFYUI_URL: _backend, ...withoutBackend } = env;
    const worker = spawnWorker(withoutBackend);
    children.push(worker.child);
    await until('the worker to say it waits', () => /no render backend/.test(worker.output()));
    const health = await runCli(['worker', '--health'], { DATA_DIR: dir });
    expect(health.code).toBe(1);
    expect(health.stdout).toMatch(
      /^waiting: no render backend is configured: set COMFYUI_URL or A1111_URL \(in \.env\), then restart the worker \(since /,
    );
    // Still there: no exit, so no restart loop under docker compose.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(worker.child.exitCode).toBeNull();
    expect(worker.output().trim().split('\n')).toEqual([
      'stylus worker: no render backend is configured: set COMFYUI_URL or A1111_URL (in .env), then restart the worker. Waiting; Ctrl-C or SIGTERM to stop.',
    ]);
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
  });

  it('a backend that is not up yet is waited for; once it answers, jobs are taken', async () => {
    const port = Number(new URL(comfy.url).port);
    await comfy.close();
    const worker = spawnWorker(env);
    children.push(worker.child);
    await until('the worker to say it waits for ComfyUI', () => /waiting for ComfyUI at/.test(worker.output()));
    expect(worker.output()).toContain(`waiting for ComfyUI at ${env.COMFYUI_URL} (COMFYUI_URL) to answer`);
    expect((await runCli(['worker', '--health'], { DATA_DIR: dir })).stdout).toMatch(/^waiting: waiting for ComfyUI/);
    expect(worker.child.exitCode).toBeNull();

    comfy = await FakeComfyUI.start({ loraDir: path.join(dir, 'loras'), port });
    const jobId = await submitJob();
    const done = await waitForState(queue, jobId, ['completed', 'failed'], 45_000).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${worker.output()}`);
    });
    expect(done.state).toBe('completed');
    const health = await runCli(['worker', '--health'], { DATA_DIR: dir });
    expect(health.code).toBe(0);
    expect(health.stdout).toMatch(/^ready: taking render jobs from ComfyUI at /);
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
  });
});
