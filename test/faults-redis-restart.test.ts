import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createLogger, silentLogger } from '../src/log.js';
import { ComfyUiBackend } from '../src/render/backends/comfyui.js';
import { BullmqRenderQueue } from '../src/render/bullmq-queue.js';
import { DiscordDelivery } from '../src/render/delivery.js';
import type { RenderConsumer } from '../src/render/queue.js';
import { RenderResults } from '../src/render/results.js';
import { enqueueRender } from '../src/render/submit.js';
import { startRenderWorker } from '../src/render/worker.js';
import { openDatabase, type SqliteDatabase } from '../src/storage/sqlite.js';
import { adaptersCommand } from './support/community-helpers.js';
import { FakeComfyUI } from './support/fake-comfyui.js';
import { FakeDiscord } from './support/fake-discord.js';
import { BotHarness } from './support/fake-discord-harness.js';
import { recordFault } from './support/fault-record.js';
import { hasRedisServer, ThrowawayRedis } from './support/throwaway-redis.js';
import { until } from './support/worker-rig.js';

/**
 * Fault: Redis is killed and comes back (a crash, an upgrade) while renders run on the BullMQ queue and members vote.
 * Redis is a redis-server of this test's own, never the machine's shared one. Every render must end in exactly one
 * post, every vote in one answer, and the tally must hold each vote the bot confirmed, once.
 */

const RENDERS = 4;
const VOTERS = 6;
const INK = 'hf:fixtures/ink-wash';

// The machine's shared Redis is never killed: without a redis-server of its own to restart, this fault is skipped.
const title = hasRedisServer ? 'fault: Redis restarts' : 'fault: Redis restarts (skipped: no redis-server on PATH)';

describe.skipIf(!hasRedisServer)(title, { timeout: 90_000 }, () => {
  let redis: ThrowawayRedis;
  beforeAll(async () => {
    redis = await ThrowawayRedis.start();
  });
  afterAll(async () => {
    await redis?.close();
  });

  it('during renders on the BullMQ queue: every member gets one post, no job lost or run twice', async (context) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'stylus-redis-restart-'));
    const db: SqliteDatabase = openDatabase(path.join(dir, 'stylus.db'));
    const comfy = await FakeComfyUI.start();
    const discord = await FakeDiscord.start();
    // What the queue logs: Redis going away is a warning there, never a line BullMQ prints to stderr itself.
    const logged: string[] = [];
    const log = createLogger('warn', { write: (line: string) => logged.push(line) });
    const stderr = vi.spyOn(console, 'error');
    const queue = new BullmqRenderQueue({
      redisUrl: redis.url,
      prefix: 't-redis-restart',
      limits: { backoffMs: 50 },
      log,
    });
    let consumer: RenderConsumer | undefined;
    try {
      comfy.stepDelayMs = 150;
      const config = loadConfig({
        DATA_DIR: dir,
        COMFYUI_URL: comfy.url,
        CHECKPOINT_SDXL: 'sd_xl_base_1.0.safetensors',
        DISCORD_TOKEN: discord.token,
        DISCORD_API_URL: discord.apiUrl,
        REDIS_URL: redis.url,
      });
      consumer = await startRenderWorker(config, {
        queue,
        backend: new ComfyUiBackend({ url: comfy.url }),
        delivery: new DiscordDelivery({ token: discord.token, apiUrl: discord.apiUrl }),
        results: new RenderResults(db),
        log: silentLogger,
        statusIntervalMs: 200,
      });
      const jobs: { jobId: string; requesterId: string }[] = [];
      for (let member = 0; member < RENDERS; member++) {
        const requesterId = `91000000000000000${member}`;
        const { jobId } = await enqueueRender(
          { config, queue },
          {
            compositionId: `comp-redis-${member}`,
            images: [
              { index: 0, seed: 20 + member, positive: `a harbour, take ${member}`, a1111Prompt: '', loras: [] },
            ],
            adapters: {},
            base: 'sdxl',
            channelId: discord.channelId,
            guildId: discord.guild.id,
            requesterId,
            statusMessageId: discord.seedMessage('Queued…').id,
            width: 64,
            height: 64,
            steps: 3,
          },
        );
        jobs.push({ jobId, requesterId });
      }

      // Mid-render: the first job is on the GPU, the others wait in Redis.
      await until('the first render to reach the GPU', () => comfy.prompts.size === 1);
      await redis.kill();
      await new Promise((resolve) => setTimeout(resolve, 500));
      await redis.restart();

      for (const { jobId } of jobs) {
        await until(
          `job ${jobId} to end`,
          async () => {
            const state = (await queue.status(jobId))?.state;
            return state === 'completed' || state === 'failed';
          },
          60_000,
        );
      }
      const posts = [...discord.messages.values()].filter((message) => message.attachments.length > 0);
      let answered = 0;
      let lost = 0;
      for (const { jobId, requesterId } of jobs) {
        const told = posts.filter((post) => post.content === `Render for <@${requesterId}>`).length;
        if (told > 0) answered++;
        if (told === 0 || (await queue.status(jobId))?.state !== 'completed') lost++;
      }
      recordFault(context, {
        name: 'Redis restart during renders (bullmq)',
        load: `${RENDERS} renders, one on the GPU`,
        faultsSurvived: redis.restarts,
        membersAnswered: answered,
        members: RENDERS,
        jobsLost: lost,
        // A render that reached the GPU twice, or a member posted twice, is work done twice.
        duplicated: posts.length - answered + Math.max(0, comfy.prompts.size - RENDERS),
      });
      expect(comfy.prompts.size).toBe(RENDERS);
      expect(stderr).not.toHaveBeenCalled();
      expect(logged.some((line) => line.includes('Redis connection error'))).toBe(true);
    } finally {
      stderr.mockRestore();
      await consumer?.close(true);
      await queue.close();
      await comfy.close();
      await discord.close();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('during votes: every member is answered, and the tally holds each confirmed vote once', async (context) => {
    const h = await BotHarness.start({ env: { REDIS_URL: redis.url, REDIS_PREFIX: 't-redis-restart-votes' } });
    try {
      const members = Array.from({ length: VOTERS }, (_, index) => h.fake.member({ username: `voter${index}` }));
      const vote = (index: number) =>
        adaptersCommand(h, members[index] as (typeof members)[number], 'vote', { adapter: INK, value: 'up' });
      const restartsBefore = redis.restarts;
      // Half vote before Redis dies, half while it is down; it comes back while their answers are pending.
      const before = await Promise.all(members.slice(0, VOTERS / 2).map((_, index) => vote(index)));
      await redis.kill();
      const during = members.slice(VOTERS / 2).map((_, index) => vote(VOTERS / 2 + index));
      await new Promise((resolve) => setTimeout(resolve, 300));
      await redis.restart();
      const answers = [...before, ...(await Promise.all(during))].map((answer) => String(answer.data.content));

      const confirmed = answers.filter((content) => content.startsWith('Your vote on Ink Wash Painting: up')).length;
      const tally = (await h.bot.context.community.tallies(h.fake.guild.id)).get(INK);
      const callbacks = h.fake
        .requests()
        .filter((request) => request.method === 'POST' && /^\/interactions\/\d+\/[^/]+\/callback/.test(request.path));
      recordFault(context, {
        name: 'Redis restart during votes',
        load: `${VOTERS} votes, ${VOTERS / 2} while Redis was down`,
        faultsSurvived: redis.restarts - restartsBefore,
        membersAnswered: answers.filter((content) => content.length > 0).length,
        members: VOTERS,
        jobsLost: Math.max(0, confirmed - (tally?.votesUp ?? 0)),
        duplicated: Math.max(0, (tally?.votesUp ?? 0) - confirmed) + callbacks.length - VOTERS,
      });
    } finally {
      await h.close();
    }
  });
});
