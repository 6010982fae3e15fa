import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FakeComfyUI } from './support/fake-comfyui.js';
import { BotHarness } from './support/fake-discord-harness.js';
import { recordFault } from './support/fault-record.js';
import { failurePosts, imagine, renderButton, seedEmbeddedData, spawnStylus, until } from './support/fault-rig.js';

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

  it('fails as stalled: one failure message, the status says so, Render is usable again', async (context) => {
    comfy = await FakeComfyUI.start({ loraDir: (await seedEmbeddedData(dir)).backendLoraDir });
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
    // A 2 s lock: a killed worker's job is found stalled soon.
    const startWorker = () => spawnStylus(['worker', '--lock-ms', '2000'], workerEnv, 'ignore');

    const member = h.fake.member({ username: 'painter' });
    const message = await imagine(h.fake, member, 'a red fox in samurai armor, watercolor style');
    h.fake.button({ member, message, customId: String(renderButton(message)?.custom_id) });
    await until('the Render button to be disabled while queued', () => renderButton(message)?.disabled === true);

    let kills = 0;
    for (let death = 1; death <= 3; death++) {
      const worker = startWorker();
      workers.push(worker.child);
      await until(`render try ${death} to reach the GPU`, () => comfy.prompts.size === death, 60_000);
      worker.child.kill('SIGKILL');
      await worker.exited;
      if (worker.child.signalCode === 'SIGKILL') kills++;
    }
    // The next worker finds the job stalled past the limit and fails it without running it.
    workers.push(startWorker().child);

    await until('the failure message', () => failurePosts(h.fake).length > 0, 60_000);
    expect(String(failurePosts(h.fake)[0]?.body.content)).toContain('The render stopped before it finished');
    await until('Render to be enabled again', () => renderButton(message)?.disabled !== true);
    await until('the status to say it failed', () => message.content.startsWith('Render failed:'));
    expect(comfy.prompts.size).toBe(3);
    expect(failurePosts(h.fake)).toHaveLength(1);
    recordFault(context, {
      name: 'worker SIGKILL mid-render (bullmq)',
      load: '1 render whose worker dies on every try',
      faultsSurvived: kills,
      membersAnswered: Math.min(1, failurePosts(h.fake).length),
      members: 1,
      jobsLost: failurePosts(h.fake).length === 0 ? 1 : 0,
      duplicated: Math.max(0, comfy.prompts.size - kills) + Math.max(0, failurePosts(h.fake).length - 1),
    });
  });
});
