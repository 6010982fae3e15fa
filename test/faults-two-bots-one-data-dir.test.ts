import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningApp, startApp } from '../src/app.js';
import { buildSafetensors } from '../src/catalog/safetensors.js';
import { loadConfig } from '../src/config.js';
import { silentLogger } from '../src/log.js';
import { enqueueRender } from '../src/render/submit.js';
import { waitForState } from './contract/render-queue.contract.js';
import { makeAdapter } from './support/adapters.js';
import { FakeComfyUI } from './support/fake-comfyui.js';
import { FakeDiscord } from './support/fake-discord.js';
import { recordFault } from './support/fault-record.js';
import { embeddedEnv, until } from './support/fault-rig.js';

/**
 * Two `npm start` bots on one DATA_DIR (an admin starting a second copy, or a restart that overlaps the old process):
 * each has an in-process worker on the same SQLite queue. A job is rendered and posted once.
 */
describe('two bots on one DATA_DIR', { timeout: 60_000 }, () => {
  const apps: RunningApp[] = [];
  let comfy: FakeComfyUI | undefined;
  let discord: FakeDiscord | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    for (const app of apps.splice(0)) await app.stop();
    await comfy?.close();
    await discord?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('the second bot does not take the job the first is rendering', async (context) => {
    dir = mkdtempSync(path.join(tmpdir(), 'stylus-two-bots-'));
    const loraDir = path.join(dir, 'backend-loras');
    mkdirSync(loraDir);
    writeFileSync(path.join(loraDir, 'ink.safetensors'), buildSafetensors({ ss_output_name: 'ink' }));
    comfy = await FakeComfyUI.start({ loraDir });
    comfy.stepDelayMs = 150;
    discord = await FakeDiscord.start();
    const config = loadConfig(embeddedEnv(dir, discord, comfy));
    const start = () => startApp({ ...config, DISCORD_TOKEN: discord?.token ?? '' }, { log: silentLogger });
    const first = await start();
    apps.push(first);
    const queue = first.queue;
    if (!queue) throw new Error('no render queue');
    const { jobId } = await enqueueRender(
      { config, queue },
      {
        compositionId: 'two-bots',
        images: [
          {
            index: 0,
            seed: 5,
            positive: 'a lighthouse',
            a1111Prompt: 'a lighthouse <lora:ink:0.7>',
            loras: [{ adapterId: 'local:ink', fileName: 'ink.safetensors', weight: 0.7 }],
          },
        ],
        adapters: { 'local:ink': makeAdapter({ id: 'local:ink', source: 'local', fileName: 'ink.safetensors' }) },
        base: 'sdxl',
        channelId: discord.channelId,
        requesterId: '444444444444444444',
        width: 64,
        height: 64,
        steps: 10,
      },
    );
    await until('the first bot to start rendering', () => comfy?.prompts.size === 1);

    const second = await start();
    apps.push(second);
    expect((await waitForState(queue, jobId, ['completed', 'failed'], 30_000)).state).toBe('completed');
    // Long enough for a second render of the same job to have reached the backend, were one started.
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(comfy.prompts.size).toBe(1);
    const posts = discord
      .requests()
      .filter((request) => request.method === 'POST' && request.path === `/channels/${discord?.channelId}/messages`);
    expect(posts).toHaveLength(1);
    const state = (await queue.status(jobId))?.state;
    recordFault(context, {
      name: 'two bots on one DATA_DIR',
      load: '1 render, a second bot started while the first renders it',
      // Every bot that connected beyond the first shared the queue with it.
      faultsSurvived: discord.identifies.length - 1,
      membersAnswered: Math.min(1, posts.length),
      members: 1,
      jobsLost: posts.length === 0 || state !== 'completed' ? 1 : 0,
      duplicated: Math.max(0, posts.length - 1) + Math.max(0, comfy.prompts.size - 1),
    });
  });
});
