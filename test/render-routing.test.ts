import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildSafetensors } from '../src/catalog/safetensors.js';
import { type BullmqConsumer, BullmqRenderQueue } from '../src/render/bullmq-queue.js';
import type { RenderJob } from '../src/render/job.js';
import { LoraCache } from '../src/render/lora-cache.js';
import type { RenderContext } from '../src/render/queue.js';
import { openDatabase, type SqliteDatabase } from '../src/storage/sqlite.js';
import { deleteKeys, REDIS_URL, renderJob, waitForState } from './contract/render-queue.contract.js';

/** This suite's own key prefix on the shared test Redis (removed after each test). */
const PREFIX = 't-routing';

/** Short timings so that heartbeats lapse and sweeps run within a test; nothing below asserts on durations. */
const HEARTBEAT_TTL_MS = 1_500;
const FAST_CONSUME = { lockDurationMs: 1_000, stalledIntervalMs: 500, pollMs: 100, heartbeatMs: 300, sweepMs: 200 };

function gate(): { promise: Promise<void>; open: () => void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

let guilds = 0;

/** Each job in its own guild, so the per-guild concurrency never makes one wait for another here. */
function jobWithLoras(files: string[], overrides: Partial<RenderJob> = {}): RenderJob {
  guilds++;
  return renderJob({
    guildId: `guild-${guilds}`,
    images: [
      {
        index: 0,
        seed: 7,
        positive: 'a harbour',
        a1111Prompt: 'a harbour',
        loras: files.map((fileName) => ({
          adapterId: `local:${fileName}`,
          fileName,
          weight: 0.8,
          source: 'local' as const,
        })),
      },
    ],
    ...overrides,
  });
}

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('worker routing (real Redis)', { timeout: 60_000 }, () => {
  let dir: string;
  let queueName: string;
  let db: SqliteDatabase;
  const queues: BullmqRenderQueue[] = [];
  const consumers: BullmqConsumer[] = [];
  /** Which worker rendered which job, in order. */
  let rendered: { worker: string; jobId: string; attempt: number }[];
  /** Most jobs each worker ran at the same time (one GPU: must stay 1). */
  let busiest: Map<string, number>;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'stylus-routing-'));
    db = openDatabase(path.join(dir, 'worker.db'));
    queueName = `render-${randomUUID().slice(0, 8)}`;
    rendered = [];
    busiest = new Map();
  });

  afterEach(async () => {
    for (const consumer of consumers.splice(0)) await consumer.close(true);
    for (const queue of queues.splice(0)) await queue.close();
    db.close();
    rmSync(dir, { recursive: true, force: true });
    await deleteKeys(`${PREFIX}:${queueName}*`);
  });

  function openQueue(routingWaitMs = 30_000): BullmqRenderQueue {
    const queue = new BullmqRenderQueue({
      redisUrl: REDIS_URL,
      prefix: PREFIX,
      queueName,
      limits: { backoffMs: 50, maxQueuedPerUser: 10 },
      routingWaitMs,
      heartbeatTtlMs: HEARTBEAT_TTL_MS,
    });
    queues.push(queue);
    return queue;
  }

  /** A LoRA folder with real safetensors files, seen through the worker's real LoRA cache. */
  function loraFolder(name: string, files: string[]): { cache: LoraCache; folder: string } {
    const folder = path.join(dir, name);
    mkdirSync(folder);
    for (const file of files) writeFileSync(path.join(folder, file), buildSafetensors({ ss_output_name: file }));
    return { cache: new LoraCache({ dir: folder, db, maxBytes: 1024 ** 3, maxFileBytes: 1024 ** 2 }), folder };
  }

  /**
   * A worker (its own queue object and Redis connections, as another process would have) that records what it
   * renders; jobs listed in `holdOn` wait for the gate before finishing.
   */
  async function startWorker(
    name: string,
    files: string[],
    options: { routingWaitMs?: number; holdOn?: Map<string, Promise<void>>; renderMs?: number } = {},
  ): Promise<{ consumer: BullmqConsumer; queue: BullmqRenderQueue; folder: string }> {
    const queue = openQueue(options.routingWaitMs);
    const { cache, folder } = loraFolder(`loras-${name}`, files);
    let running = 0;
    const consumer = await queue.consume(
      async (job: RenderJob, context: RenderContext) => {
        rendered.push({ worker: name, jobId: job.id, attempt: context.attempt });
        running++;
        busiest.set(name, Math.max(busiest.get(name) ?? 0, running));
        try {
          const hold = options.holdOn?.get(job.id);
          if (hold) {
            await Promise.race([
              hold,
              new Promise((_, reject) => context.signal.addEventListener('abort', () => reject(context.signal.reason))),
            ]);
          }
          if (options.renderMs) await new Promise((resolve) => setTimeout(resolve, options.renderMs));
        } finally {
          running--;
        }
        return { messageId: `message-${name}-${job.id}`, seeds: { '0': 7 } };
      },
      { ...FAST_CONSUME, listLoras: () => cache.listFiles(), onLorasChanged: (listener) => cache.onChange(listener) },
    );
    consumers.push(consumer);
    return { consumer, queue, folder };
  }

  /** The personal queue a job waits on, if it was routed (read from Redis as any process would). */
  async function routeOf(queue: BullmqRenderQueue, jobId: string): Promise<string | null> {
    const raw = new Redis(REDIS_URL);
    try {
      return await raw.get(queue.key('route', jobId));
    } finally {
      await raw.quit();
    }
  }

  const renderedBy = (jobId: string) => rendered.filter((entry) => entry.jobId === jobId).map((entry) => entry.worker);

  it('a job whose adapters only worker B holds is rendered by B; a job nobody holds is rendered by one worker', async () => {
    const bot = openQueue();
    await startWorker('A', ['alpha.safetensors']);
    const b = await startWorker('B', ['beta.safetensors', 'gamma.safetensors']);
    expect(b.consumer.workerId).toBeTruthy();
    expect(await bot.registry.filesOf(b.consumer.workerId ?? '')).toEqual(['beta.safetensors', 'gamma.safetensors']);

    const forB = [1, 2, 3].map(() => jobWithLoras(['beta.safetensors', 'alpha-missing.safetensors']));
    const forNobody = jobWithLoras(['delta.safetensors']);
    const plain = jobWithLoras([]);
    for (const job of [...forB, forNobody, plain]) await bot.enqueue(job);
    for (const job of [...forB, forNobody, plain]) {
      expect((await waitForState(bot, job.id, ['completed', 'failed'])).state).toBe('completed');
    }
    for (const job of forB) expect(renderedBy(job.id)).toEqual(['B']);
    expect(renderedBy(forNobody.id)).toHaveLength(1);
    expect(renderedBy(plain.id)).toHaveLength(1);
    expect(await routeOf(bot, forNobody.id)).toBeNull();
  });

  it('one GPU: a worker runs one job at a time across its personal and the shared queue', async () => {
    const bot = openQueue();
    await startWorker('B', ['beta.safetensors'], { renderMs: 30 });
    const jobs = [1, 2, 3, 4].flatMap(() => [jobWithLoras(['beta.safetensors']), jobWithLoras([])]);
    await Promise.all(jobs.map((job) => bot.enqueue(job)));
    for (const job of jobs) expect((await waitForState(bot, job.id, ['completed', 'failed'])).state).toBe('completed');
    expect(new Set(rendered.map((entry) => entry.jobId)).size).toBe(jobs.length);
    expect(busiest.get('B')).toBe(1);
  });

  it('prefers the worker holding more of the files, then the one with the shorter backlog', async () => {
    const bot = openQueue();
    const registry = bot.registry;
    await registry.register('w-one', ['a.safetensors', 'b.safetensors']);
    await registry.register('w-two', ['a.safetensors']);
    await registry.register('w-three', ['a.safetensors']);
    const backlog: Record<string, number> = { 'w-one': 9, 'w-two': 4, 'w-three': 1 };
    const backlogOf = async (id: string) => backlog[id] ?? 0;
    expect(await registry.pickWorker(['a.safetensors', 'b.safetensors'], backlogOf)).toEqual({
      workerId: 'w-one',
      held: 2,
    });
    expect(await registry.pickWorker(['a.safetensors'], backlogOf)).toEqual({ workerId: 'w-three', held: 1 });
    expect(await registry.pickWorker(['z.safetensors'], backlogOf)).toBeUndefined();
    await registry.unregister('w-three');
    expect(await registry.pickWorker(['a.safetensors'], backlogOf)).toEqual({ workerId: 'w-two', held: 1 });
  });

  it('advertises a file that appears in the LoRA folder', async () => {
    const bot = openQueue();
    const queue = openQueue();
    const { cache, folder } = loraFolder('loras-refresh', ['one.safetensors']);
    const consumer = await queue.consume(async () => undefined, {
      ...FAST_CONSUME,
      advertiseMs: 200,
      listLoras: () => cache.listFiles(),
    });
    consumers.push(consumer);
    const workerId = consumer.workerId ?? '';
    expect(await bot.registry.filesOf(workerId)).toEqual(['one.safetensors']);
    writeFileSync(path.join(folder, 'two.safetensors'), buildSafetensors({ ss_output_name: 'two' }));
    await until('the new file to be advertised', async () => (await bot.registry.filesOf(workerId)).length === 2);
    await consumer.close();
    // A clean stop: no job is routed to it any more.
    expect(await bot.registry.isAlive(workerId)).toBe(false);
  });

  it("when B's heartbeat lapses, its waiting job and the job it held are rendered by A, each exactly once", async () => {
    const bot = openQueue();
    const holdOn = new Map<string, Promise<void>>();
    const blocker = jobWithLoras(['beta.safetensors'], { requesterId: 'user-1' });
    const waiting = jobWithLoras(['beta.safetensors'], { requesterId: 'user-2' });
    holdOn.set(blocker.id, gate().promise);
    const b = await startWorker('B', ['beta.safetensors'], { holdOn });
    await bot.enqueue(blocker);
    await until('B to start the blocker', () => renderedBy(blocker.id).length === 1);
    expect((await bot.enqueue(waiting)).duplicate).toBe(false);
    expect((await bot.status(waiting.id))?.state).toBe('queued');

    // B dies without a word (no unregistering); only then does A start.
    await b.consumer.abandon();
    await startWorker('A', ['alpha.safetensors']);
    for (const job of [blocker, waiting]) {
      expect((await waitForState(bot, job.id, ['completed', 'failed'], 30_000)).state).toBe('completed');
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(renderedBy(waiting.id)).toEqual(['A']);
    expect(renderedBy(blocker.id)).toEqual(['B', 'A']);
  });

  it('a job that waited longer than the routing wait behind a busy worker is taken by another one', async () => {
    const bot = openQueue(1_000);
    const release = gate();
    const blocker = jobWithLoras(['beta.safetensors'], { requesterId: 'user-1' });
    const waiting = jobWithLoras(['beta.safetensors'], { requesterId: 'user-2' });
    await startWorker('B', ['beta.safetensors'], {
      routingWaitMs: 1_000,
      holdOn: new Map([[blocker.id, release.promise]]),
    });
    await startWorker('A', ['alpha.safetensors'], { routingWaitMs: 1_000 });
    await bot.enqueue(blocker);
    await until('B to start the blocker', () => renderedBy(blocker.id).length === 1);
    await bot.enqueue(waiting);
    expect((await waitForState(bot, waiting.id, ['completed', 'failed'])).state).toBe('completed');
    expect(renderedBy(waiting.id)).toEqual(['A']);
    release.open();
    expect((await waitForState(bot, blocker.id, ['completed'])).state).toBe('completed');
    expect(renderedBy(blocker.id)).toEqual(['B']);
  });

  it('is idempotent by job id across the personal and the shared queue', async () => {
    const bot = openQueue(1_500);
    const release = gate();
    const blocker = jobWithLoras(['beta.safetensors'], { requesterId: 'user-1' });
    const job = jobWithLoras(['beta.safetensors'], { requesterId: 'user-2' });
    const b = await startWorker('B', ['beta.safetensors'], {
      routingWaitMs: 1_500,
      holdOn: new Map([[blocker.id, release.promise]]),
    });
    await bot.enqueue(blocker);
    await until('B to start the blocker', () => renderedBy(blocker.id).length === 1);

    // Waiting on B's personal queue.
    expect(await bot.enqueue(job)).toMatchObject({ duplicate: false, position: 1 });
    expect(await routeOf(bot, job.id)).toBe(bot.personalQueueName(b.consumer.workerId ?? ''));
    expect(await bot.enqueue({ ...job, createdAt: job.createdAt + 1 })).toMatchObject({ duplicate: true, position: 1 });
    // Moved to the shared queue after the routing wait (no other worker yet): still the same job.
    await until('the job to be moved to the shared queue', async () => (await routeOf(bot, job.id)) === null);
    expect((await bot.queued()).map((entry) => entry.job.id)).toEqual([job.id]);
    expect(await bot.enqueue(job)).toMatchObject({ duplicate: true, position: 1 });
    expect(await bot.activeCountFor('user-2')).toBe(1);

    release.open();
    expect((await waitForState(bot, job.id, ['completed'])).state).toBe('completed');
    expect((await bot.enqueue(job)).duplicate).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(renderedBy(job.id)).toEqual(['B']);
  });

  it('cancels a job waiting on a personal queue: it is never rendered', async () => {
    const bot = openQueue();
    const release = gate();
    const blocker = jobWithLoras(['beta.safetensors'], { requesterId: 'user-1' });
    const job = jobWithLoras(['beta.safetensors'], { requesterId: 'user-2' });
    const b = await startWorker('B', ['beta.safetensors'], { holdOn: new Map([[blocker.id, release.promise]]) });
    await bot.enqueue(blocker);
    await until('B to start the blocker', () => renderedBy(blocker.id).length === 1);
    await bot.enqueue(job);
    expect(await routeOf(bot, job.id)).toBe(bot.personalQueueName(b.consumer.workerId ?? ''));
    expect(await bot.activeCountFor('user-2')).toBe(1);
    expect((await bot.status(job.id))?.position).toBe(1);
    expect((await bot.queued()).map((entry) => [entry.job.id, entry.position])).toEqual([[job.id, 1]]);
    expect(await bot.cancel(job.id)).toBe('removed');
    expect((await bot.status(job.id))?.state).toBe('cancelled');
    expect(await bot.activeCountFor('user-2')).toBe(0);
    release.open();
    await waitForState(bot, blocker.id, ['completed']);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(renderedBy(job.id)).toEqual([]);
    expect(await bot.cancel(job.id)).toBe('finished');
  });

  it('tells completed-job listeners about renders that ran on a personal queue', async () => {
    const bot = openQueue();
    const heard: { jobId: string; messageId: string }[] = [];
    const stop = await bot.onCompleted((job, outcome) => heard.push({ jobId: job.id, messageId: outcome.messageId }));
    await startWorker('B', ['beta.safetensors']);
    const job = jobWithLoras(['beta.safetensors']);
    await bot.enqueue(job);
    await waitForState(bot, job.id, ['completed']);
    await until('the completion to be heard', () => heard.length > 0);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(heard).toEqual([{ jobId: job.id, messageId: `message-B-${job.id}` }]);
    expect(renderedBy(job.id)).toEqual(['B']);
    await stop();
  });
});
