import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/log.js';
import type { RenderBackend } from '../../src/render/backends/types.js';
import { DiscordDelivery } from '../../src/render/delivery.js';
import { EmbeddedRenderQueue } from '../../src/render/embedded-queue.js';
import type { LoraCache } from '../../src/render/lora-cache.js';
import type { QueueLimits, RenderConsumer, RenderQueue } from '../../src/render/queue.js';
import { RenderResults } from '../../src/render/results.js';
import { enqueueRender } from '../../src/render/submit.js';
import { startRenderWorker } from '../../src/render/worker.js';
import { openDatabase, type SqliteDatabase } from '../../src/storage/sqlite.js';
import { FakeDiscord } from './fake-discord.js';

/** Polls `check` until it holds; fails naming `what` after `timeoutMs`. */
export async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * A render worker as `stylus worker` runs it (embedded queue in a SQLite file unless the test opens another, Discord
 * delivery over the real discord.js REST) against the loopback Discord, on whatever backend a test gives it.
 */
export class WorkerRig {
  private consumer: RenderConsumer | undefined;

  private constructor(
    readonly dir: string,
    readonly db: SqliteDatabase,
    readonly discord: FakeDiscord,
    readonly queue: RenderQueue,
  ) {}

  static async start(
    limits: Partial<QueueLimits> = {},
    openQueue: (db: SqliteDatabase) => RenderQueue = (db) => new EmbeddedRenderQueue(db, { backoffMs: 50, ...limits }),
  ): Promise<WorkerRig> {
    const dir = mkdtempSync(path.join(tmpdir(), 'stylus-worker-rig-'));
    const db = openDatabase(path.join(dir, 'stylus.db'));
    const discord = await FakeDiscord.start();
    return new WorkerRig(dir, db, discord, openQueue(db));
  }

  /** One member's 64×64 render of `prompt` on the ComfyUI at `url`, with a status message the bot posted for it. */
  async submit(url: string, render: { requesterId: string; compositionId: string; seed: number; prompt: string }) {
    const config = loadConfig({ COMFYUI_URL: url, CHECKPOINT_SDXL: 'sd_xl_base_1.0.safetensors' });
    const { requesterId, compositionId, seed, prompt } = render;
    const { jobId } = await enqueueRender(
      { config, queue: this.queue },
      {
        compositionId,
        images: [{ index: 0, seed, positive: prompt, a1111Prompt: prompt, loras: [] }],
        adapters: {},
        base: 'sdxl',
        channelId: this.discord.channelId,
        guildId: this.discord.guild.id,
        requesterId,
        statusMessageId: this.discord.seedMessage('Queued…').id,
        width: 64,
        height: 64,
        steps: 3,
      },
    );
    return { jobId, requesterId };
  }

  /** Config for a worker (and for submitting) on this backend. */
  config(backend: RenderBackend, url: string, env: Record<string, string> = {}) {
    return loadConfig({
      DATA_DIR: this.dir,
      ...(backend.name === 'comfyui' ? { COMFYUI_URL: url } : { A1111_URL: url }),
      CHECKPOINT_SDXL: 'sd_xl_base_1.0.safetensors',
      DISCORD_TOKEN: this.discord.token,
      DISCORD_API_URL: this.discord.apiUrl,
      ...env,
    });
  }

  async startWorker(backend: RenderBackend, url: string, loras?: LoraCache): Promise<void> {
    this.consumer = await startRenderWorker(this.config(backend, url), {
      queue: this.queue,
      backend,
      delivery: new DiscordDelivery({ token: this.discord.token, apiUrl: this.discord.apiUrl }),
      results: new RenderResults(this.db),
      ...(loras ? { loras } : {}),
      log: silentLogger,
    });
  }

  /** What the channel was told about a member's render: the images, or the failure sentence. */
  async answerTo(requesterId: string): Promise<{ images: number; text: string }> {
    let answer = { images: 0, text: '' };
    await until(`an answer to ${requesterId}`, () => {
      const message = [...this.discord.messages.values()].find(
        (candidate) => candidate.content.includes(`<@${requesterId}>`) && !candidate.content.startsWith('Queued'),
      );
      if (message) answer = { images: message.attachments.length, text: message.content };
      return message !== undefined;
    });
    return answer;
  }

  /**
   * How the given renders ended, for a fault summary: members told (images or a sentence), jobs that never reached a
   * final state or were never told, and answers posted more than once.
   */
  async outcome(jobs: { jobId: string; requesterId: string }[]) {
    let answered = 0;
    let lost = 0;
    let duplicated = 0;
    for (const { jobId, requesterId } of jobs) {
      const posts = [...this.discord.messages.values()].filter(
        (message) => message.content.includes(`<@${requesterId}>`) && !message.content.startsWith('Queued'),
      ).length;
      const state = (await this.queue.status(jobId))?.state;
      if (posts > 0) answered++;
      if (posts === 0 || (state !== 'completed' && state !== 'failed')) lost++;
      duplicated += Math.max(0, posts - 1);
    }
    return { membersAnswered: answered, members: jobs.length, jobsLost: lost, duplicated };
  }

  async close(): Promise<void> {
    await this.consumer?.close(true);
    await this.queue.close();
    await this.discord.close();
    this.db.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
