import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../src/log.js';
import { ComfyUiBackend } from '../src/render/backends/comfyui.js';
import { BullmqRenderQueue } from '../src/render/bullmq-queue.js';
import { adaptersCommand } from './support/community-helpers.js';
import { FakeComfyUI } from './support/fake-comfyui.js';
import { BotHarness } from './support/fake-discord-harness.js';
import { recordFault } from './support/fault-record.js';
import { hasRedisServer, ThrowawayRedis } from './support/throwaway-redis.js';
import { until, WorkerRig } from './support/worker-rig.js';

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
    // What the queue logs: Redis going away is a warning there, never a line BullMQ prints to stderr itself.
    const logged: string[] = [];
    const log = createLogger('warn', { write: (line: string) => logged.push(line) });
    const stderr = vi.spyOn(console, 'error');
    const comfy = await FakeComfyUI.start();
    const rig = await WorkerRig.start(
      {},
      () => new BullmqRenderQueue({ redisUrl: redis.url, prefix: 't-redis-restart', limits: { backoffMs: 50 }, log }),
    );
    try {
      comfy.stepDelayMs = 150;
      await rig.startWorker(new ComfyUiBackend({ url: comfy.url }), comfy.url);
      const jobs: { jobId: string; requesterId: string }[] = [];
      for (let member = 0; member < RENDERS; member++) {
        const render = { compositionId: `comp-redis-${member}`, seed: 20 + member, prompt: `a harbour, ${member}` };
        jobs.push(await rig.submit(comfy.url, { requesterId: `91000000000000000${member}`, ...render }));
      }

      // Mid-render: the first job is on the GPU, the others wait in Redis.
      await until('the first render to reach the GPU', () => comfy.prompts.size === 1);
      await redis.kill();
      await new Promise((resolve) => setTimeout(resolve, 500));
      await redis.restart();

      for (const { jobId } of jobs) {
        await until(`job ${jobId} to complete`, async () => (await rig.queue.status(jobId))?.state === 'completed');
      }
      const outcome = await rig.outcome(jobs);
      recordFault(context, {
        name: 'Redis restart during renders (bullmq)',
        load: `${RENDERS} renders, one on the GPU`,
        faultsSurvived: redis.restarts,
        ...outcome,
        // A render that reached the GPU twice is work done twice.
        duplicated: outcome.duplicated + Math.max(0, comfy.prompts.size - RENDERS),
      });
      expect(comfy.prompts.size).toBe(RENDERS);
      expect(stderr).not.toHaveBeenCalled();
      expect(logged.some((line) => line.includes('Redis connection error'))).toBe(true);
    } finally {
      stderr.mockRestore();
      await rig.close();
      await comfy.close();
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
