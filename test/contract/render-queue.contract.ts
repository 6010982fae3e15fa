import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RenderError } from '../../src/render/errors.js';
import { type RenderJob, RenderJobSchema } from '../../src/render/job.js';
import type {
  QueueLimits,
  RenderConsumer,
  RenderContext,
  RenderJobStatus,
  RenderQueue,
} from '../../src/render/queue.js';

export interface QueueHarness {
  /** A fresh queue over fresh storage. */
  open(limits: Partial<QueueLimits>): Promise<RenderQueue>;
  /** The same storage again, as after a process restart. */
  reopen(limits: Partial<QueueLimits>): Promise<RenderQueue>;
  cleanup(): Promise<void>;
}

/** The test Redis (`.ci/run` starts one when none answers). */
export const REDIS_URL = 'redis://127.0.0.1:6379';

/** Removes a test's keys (tests use their own `t-render...` prefix). */
export async function deleteKeys(pattern: string): Promise<void> {
  const redis = new Redis(REDIS_URL);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
}

let counter = 0;

export function renderJob(overrides: Partial<RenderJob> = {}): RenderJob {
  counter++;
  return RenderJobSchema.parse({
    id: `job-${Date.now().toString(36)}-${counter}`,
    compositionId: `comp-${counter}`,
    guildId: 'guild-1',
    channelId: 'channel-1',
    requesterId: 'user-1',
    base: 'sdxl',
    checkpoint: 'sdxl_base.safetensors',
    images: [{ index: 0, seed: 42, positive: 'a fox', a1111Prompt: 'a fox', loras: [] }],
    width: 512,
    height: 512,
    steps: 4,
    cfg: 5,
    sampler: 'euler',
    createdAt: Date.now(),
    ...overrides,
  });
}

export async function waitForState(
  queue: RenderQueue,
  jobId: string,
  states: RenderJobStatus['state'][],
  timeoutMs = 15_000,
): Promise<RenderJobStatus> {
  const deadline = Date.now() + timeoutMs;
  let last: RenderJobStatus | undefined;
  while (Date.now() < deadline) {
    last = await queue.status(jobId);
    if (last && states.includes(last.state)) return last;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`job ${jobId} never reached ${states.join('/')}; last: ${JSON.stringify(last)}`);
}

/** A promise with its resolver, to hold a handler until the test lets it go. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

const FAST: Partial<QueueLimits> = { backoffMs: 20, attempts: 3, maxQueuedPerUser: 3, guildConcurrency: 1 };

export function renderQueueContract(name: string, makeHarness: () => QueueHarness): void {
  describe(`render queue contract: ${name}`, () => {
    let harness: QueueHarness;
    let queue: RenderQueue;
    const consumers: RenderConsumer[] = [];
    const queues: RenderQueue[] = [];

    beforeEach(async () => {
      harness = makeHarness();
      queue = await harness.open(FAST);
      queues.push(queue);
    });

    afterEach(async () => {
      for (const consumer of consumers.splice(0)) await consumer.close(true);
      for (const open of queues.splice(0)) await open.close();
      await harness.cleanup();
    });

    it('queues jobs in order and reports each one its position', async () => {
      const first = await queue.enqueue(renderJob({ requesterId: 'a' }));
      const second = await queue.enqueue(renderJob({ requesterId: 'b' }));
      const third = await queue.enqueue(renderJob({ requesterId: 'c' }));
      expect([first.position, second.position, third.position]).toEqual([1, 2, 3]);
      expect((await queue.status(second.jobId))?.position).toBe(2);
      expect((await queue.queued()).map((entry) => entry.job.id)).toEqual([first.jobId, second.jobId, third.jobId]);

      await queue.cancel(first.jobId);
      expect((await queue.status(third.jobId))?.position).toBe(2);
    });

    it('is idempotent by job id: the same id queued twice renders once', async () => {
      const job = renderJob();
      const first = await queue.enqueue(job);
      const again = await queue.enqueue({ ...job, createdAt: job.createdAt + 1 });
      expect(first.duplicate).toBe(false);
      expect(again).toMatchObject({ jobId: job.id, duplicate: true, position: 1 });
      const seen: string[] = [];
      consumers.push(await queue.consume(async (rendered) => void seen.push(rendered.id)));
      await waitForState(queue, job.id, ['completed']);
      expect((await queue.enqueue(job)).duplicate).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(seen).toEqual([job.id]);
    });

    it('refuses a member past the per-user limit, and lets them queue again when one finishes', async () => {
      const jobs = [renderJob(), renderJob(), renderJob()];
      for (const job of jobs) await queue.enqueue(job);
      const fourth = renderJob();
      const refusal = await queue.enqueue(fourth).catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(RenderError);
      expect((refusal as RenderError).code).toBe('queue_limit');
      expect((refusal as RenderError).userMessage).toMatch(/already have 3 renders waiting/);
      expect(await queue.status(fourth.id)).toBeUndefined();
      // Another member is not affected.
      expect((await queue.enqueue(renderJob({ requesterId: 'someone-else' }))).duplicate).toBe(false);

      await queue.cancel(jobs[0]?.id ?? '');
      expect(await queue.activeCountFor('user-1')).toBe(2);
      expect((await queue.enqueue(fourth)).duplicate).toBe(false);
    });

    it('runs a job, records its progress and completes it', async () => {
      const job = renderJob();
      await queue.enqueue(job);
      const progress = gate();
      const finish = gate();
      consumers.push(
        await queue.consume(async (_job, context) => {
          await context.reportProgress(0.5);
          progress.open();
          await finish.promise;
        }),
      );
      await progress.promise;
      const running = await waitForState(queue, job.id, ['active']);
      expect(running.progress).toBeCloseTo(0.5);
      finish.open();
      const done = await waitForState(queue, job.id, ['completed']);
      expect(done.attempts).toBe(1);
      expect(await queue.activeCountFor('user-1')).toBe(0);
    });

    it('retries a failing render with backoff, 3 tries in all', async () => {
      const flaky = renderJob();
      const broken = renderJob({ requesterId: 'user-2' });
      await queue.enqueue(flaky);
      await queue.enqueue(broken);
      const tries = new Map<string, number[]>();
      consumers.push(
        await queue.consume(async (job, context) => {
          tries.set(job.id, [...(tries.get(job.id) ?? []), context.attempt]);
          expect(context.maxAttempts).toBe(3);
          if (job.id === broken.id || context.attempt < 3) throw new Error(`GPU hiccup on try ${context.attempt}`);
        }),
      );
      expect((await waitForState(queue, flaky.id, ['completed', 'failed'])).state).toBe('completed');
      const failed = await waitForState(queue, broken.id, ['completed', 'failed']);
      expect(failed.state).toBe('failed');
      expect(failed.failedReason).toMatch(/GPU hiccup on try 3/);
      expect(tries.get(flaky.id)).toEqual([1, 2, 3]);
      expect(tries.get(broken.id)).toEqual([1, 2, 3]);
    });

    it('does not retry an error that cannot get better', async () => {
      const job = renderJob();
      await queue.enqueue(job);
      let calls = 0;
      consumers.push(
        await queue.consume(async () => {
          calls++;
          throw new RenderError('The adapter file is a pickle.', 'lora_refused', false);
        }),
      );
      const failed = await waitForState(queue, job.id, ['failed']);
      expect(failed.failedReason).toMatch(/pickle/);
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(calls).toBe(1);
    });

    it('cancels a queued job: it is never rendered', async () => {
      const blocker = renderJob({ guildId: 'guild-1' });
      const waiting = renderJob({ guildId: 'guild-1', requesterId: 'user-2' });
      await queue.enqueue(blocker);
      await queue.enqueue(waiting);
      const release = gate();
      const seen: string[] = [];
      consumers.push(
        await queue.consume(async (job) => {
          seen.push(job.id);
          if (job.id === blocker.id) await release.promise;
        }),
      );
      await waitForState(queue, blocker.id, ['active']);
      expect(await queue.cancel(waiting.id)).toBe('removed');
      expect((await queue.status(waiting.id))?.state).toBe('cancelled');
      release.open();
      await waitForState(queue, blocker.id, ['completed']);
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(seen).toEqual([blocker.id]);
      expect(await queue.cancel(blocker.id)).toBe('finished');
      expect(await queue.cancel('no-such-job')).toBe('not_found');
    });

    it('interrupts a running job on cancel and does not retry it', async () => {
      const job = renderJob();
      await queue.enqueue(job);
      const started = gate();
      let calls = 0;
      let abortedWith: unknown;
      consumers.push(
        await queue.consume(async (_job, context: RenderContext) => {
          calls++;
          started.open();
          await new Promise<void>((resolve) => {
            context.signal.addEventListener('abort', () => {
              abortedWith = context.signal.reason;
              resolve();
            });
          });
          throw context.signal.reason;
        }),
      );
      await started.promise;
      expect(await queue.cancel(job.id)).toBe('interrupting');
      const cancelled = await waitForState(queue, job.id, ['cancelled', 'failed', 'completed']);
      expect(cancelled.state).toBe('cancelled');
      expect(abortedWith).toBeInstanceOf(RenderError);
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(calls).toBe(1);
      expect(await queue.activeCountFor('user-1')).toBe(0);
    });

    it('keeps to the per-guild concurrency while other guilds render', async () => {
      const a1 = renderJob({ guildId: 'guild-a', requesterId: 'u1' });
      const a2 = renderJob({ guildId: 'guild-a', requesterId: 'u2' });
      const b1 = renderJob({ guildId: 'guild-b', requesterId: 'u3' });
      for (const job of [a1, a2, b1]) await queue.enqueue(job);
      const running = new Set<string>();
      const overlaps: string[][] = [];
      const releaseA1 = gate();
      consumers.push(
        await queue.consume(
          async (job) => {
            running.add(job.id);
            overlaps.push([...running].sort());
            if (job.id === a1.id) await releaseA1.promise;
            running.delete(job.id);
          },
          { concurrency: 2 },
        ),
      );
      // b1 runs next to a1 (another guild) while a2 waits for a1's slot.
      await waitForState(queue, b1.id, ['completed']);
      expect((await queue.status(a2.id))?.state).toBe('queued');
      releaseA1.open();
      await waitForState(queue, a2.id, ['completed']);
      for (const snapshot of overlaps) expect(snapshot.includes(a1.id) && snapshot.includes(a2.id)).toBe(false);
      expect(overlaps.some((snapshot) => snapshot.includes(a1.id) && snapshot.includes(b1.id))).toBe(true);
    });

    it('starts the next job of the guild while a job that released its slot is still posting', async () => {
      const posting = renderJob({ requesterId: 'u1' });
      const next = renderJob({ requesterId: 'u2' });
      const last = renderJob({ requesterId: 'u3' });
      for (const job of [posting, next, last]) await queue.enqueue(job);
      const delivered = gate();
      const started: string[] = [];
      consumers.push(
        await queue.consume(
          async (job, context: RenderContext) => {
            started.push(job.id);
            context.releaseSlot();
            await delivered.promise;
            return { messageId: `message-${job.id}`, seeds: {} };
          },
          { concurrency: 1, deliveryBacklog: 1 },
        ),
      );
      // One GPU, one guild: `next` renders while `posting` still posts; with a backlog of one, `last` waits.
      const deadline = Date.now() + 10_000;
      while (started.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(started).toEqual([posting.id, next.id]);
      expect((await queue.status(posting.id))?.state).toBe('active');
      expect(await queue.cancel(posting.id)).toBe('finished');
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect((await queue.status(last.id))?.state).toBe('queued');
      delivered.open();
      for (const job of [posting, next, last]) await waitForState(queue, job.id, ['completed']);
      expect(started).toEqual([posting.id, next.id, last.id]);
    });

    it('tells completed-job listeners where the render was posted', async () => {
      const heard: { jobId: string; messageId: string; seeds: Record<string, number> }[] = [];
      const stop = await queue.onCompleted((job, outcome) => heard.push({ jobId: job.id, ...outcome }));
      const job = renderJob();
      const silent = renderJob({ requesterId: 'user-2' });
      await queue.enqueue(job);
      await queue.enqueue(silent);
      consumers.push(
        await queue.consume(async (rendered) =>
          rendered.id === job.id ? { messageId: 'message-1', seeds: { '0': 42 } } : undefined,
        ),
      );
      await waitForState(queue, silent.id, ['completed']);
      await waitForState(queue, job.id, ['completed']);
      const deadline = Date.now() + 5_000;
      while (heard.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(heard).toEqual([{ jobId: job.id, messageId: 'message-1', seeds: { '0': 42 } }]);
      await stop();
    });

    it('renders after a restart a job accepted before it', async () => {
      const job = renderJob();
      await queue.enqueue(job);
      await queue.close();
      queues.splice(queues.indexOf(queue), 1);

      const restarted = await harness.reopen(FAST);
      queues.push(restarted);
      expect((await restarted.status(job.id))?.state).toBe('queued');
      const seen: string[] = [];
      consumers.push(await restarted.consume(async (rendered) => void seen.push(rendered.id)));
      await waitForState(restarted, job.id, ['completed']);
      expect(seen).toEqual([job.id]);
    });
  });
}
