import { DelayedError, type Job, Queue, QueueEvents, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from '../log.js';
import { silentLogger } from '../log.js';
import { ConsumerStopping } from './embedded-queue.js';
import { isRetriable, RenderCancelledError, RenderError } from './errors.js';
import { type RenderJob, RenderJobSchema } from './job.js';
import {
  type CancelOutcome,
  type CompletedListener,
  DEFAULT_LIMITS,
  type EnqueueResult,
  type QueuedJob,
  type QueueLimits,
  queueLimitMessage,
  type RenderConsumer,
  type RenderHandler,
  type RenderJobState,
  type RenderJobStatus,
  type RenderOutcome,
  type RenderQueue,
} from './queue.js';

/** The failure reason BullMQ keeps for a job its owner cancelled. */
const CANCELLED = 'cancelled by its owner';
const KEEP_FINISHED_SECONDS = 7 * 24 * 3600;

export interface BullmqQueueOptions {
  redisUrl: string;
  /** Redis key prefix (REDIS_PREFIX): several bots can share one Redis. */
  prefix: string;
  queueName?: string;
  limits?: Partial<QueueLimits>;
  log?: Logger;
}

export interface BullmqConsumeOptions {
  concurrency?: number;
  /** How long a worker's claim on a job lasts without renewal: a killed worker's job is picked up after it. */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** How often a running job checks for a Cancel and renews its guild slot. */
  pollMs?: number;
}

/**
 * Takes a guild slot for a job (re-entrant: a job picked up again after a crash keeps its slot), dropping slots whose
 * holder stopped renewing them (a killed worker).
 */
const ACQUIRE_SLOT = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', tonumber(ARGV[1]) - tonumber(ARGV[4]))
if redis.call('ZSCORE', KEYS[1], ARGV[2]) then
  redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
  return 1
end
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
  return 1
end
return 0`;

/** The scale-out queue: BullMQ on Redis, workers in their own processes (on other machines if need be). */
export class BullmqRenderQueue implements RenderQueue {
  readonly kind = 'bullmq';
  readonly limits: QueueLimits;
  readonly queueName: string;
  private readonly prefix: string;
  private readonly redis: Redis;
  private readonly queue: Queue<RenderJob>;
  private readonly log: Logger;
  private readonly workers = new Set<Worker<RenderJob>>();
  private readonly workerConnections = new Set<Redis>();
  private readonly eventStreams = new Set<QueueEvents>();

  constructor(private readonly options: BullmqQueueOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.queueName = options.queueName ?? 'render';
    this.prefix = options.prefix;
    this.log = options.log ?? silentLogger;
    // BullMQ's production guide: producers should fail fast rather than queue commands while Redis is away.
    this.redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: true });
    this.queue = new Queue<RenderJob>(this.queueName, { connection: this.redis, prefix: this.prefix });
  }

  async enqueue(job: RenderJob): Promise<EnqueueResult> {
    const existing = await this.queue.getJob(job.id);
    if (existing) {
      const state = mapState(await existing.getState(), existing.failedReason);
      if (state === 'queued' || state === 'active' || state === 'completed') {
        return { jobId: job.id, position: state === 'queued' ? await this.positionOf(job.id) : 0, duplicate: true };
      }
      // Failed or cancelled: asking again is on purpose.
      await existing.remove();
    }
    const userKey = this.key('user', job.requesterId);
    await this.redis.sadd(userKey, job.id);
    if ((await this.activeCountFor(job.requesterId, job.id)) > this.limits.maxQueuedPerUser) {
      await this.redis.srem(userKey, job.id);
      throw new RenderError(queueLimitMessage(this.limits.maxQueuedPerUser), 'queue_limit', false);
    }
    await this.redis.del(this.key('cancel', job.id), this.key('cancelled', job.id));
    await this.queue.add('render', job, {
      jobId: job.id,
      attempts: this.limits.attempts,
      backoff: { type: 'exponential', delay: this.limits.backoffMs },
      // Finished jobs are kept a week so that queueing the same id again stays a no-op (idempotency).
      removeOnComplete: { age: KEEP_FINISHED_SECONDS },
      removeOnFail: { age: KEEP_FINISHED_SECONDS },
    });
    const position = await this.positionOf(job.id);
    this.log.info({ jobId: job.id, guildId: job.guildId, position }, 'render queued');
    return { jobId: job.id, position, duplicate: false };
  }

  async status(jobId: string): Promise<RenderJobStatus | undefined> {
    // State first, then the job: a finished state is final, so the job read after it (failedReason, attempts)
    // belongs to it. The other order can pair a failed state with the reason of an earlier try.
    const rawState = await this.queue.getJobState(jobId);
    const job = rawState === 'unknown' ? undefined : await this.queue.getJob(jobId);
    if (!job) {
      if (await this.redis.exists(this.key('cancelled', jobId))) {
        return { id: jobId, state: 'cancelled', attempts: 0, progress: 0, failedReason: 'cancelled' };
      }
      return undefined;
    }
    const state = mapState(rawState, job.failedReason);
    const status: RenderJobStatus = {
      id: jobId,
      state,
      attempts: job.attemptsStarted ?? job.attemptsMade,
      progress: typeof job.progress === 'number' ? job.progress : 0,
    };
    if (state === 'queued') status.position = await this.positionOf(jobId);
    if (state === 'cancelled') status.failedReason = 'cancelled';
    else if (job.failedReason) status.failedReason = job.failedReason;
    return status;
  }

  async queued(limit = 100): Promise<QueuedJob[]> {
    const ids = await this.waitingIds(limit);
    const jobs: QueuedJob[] = [];
    for (const [index, id] of ids.entries()) {
      const job = await this.queue.getJob(id);
      if (job) jobs.push({ job: RenderJobSchema.parse(job.data), position: index + 1 });
    }
    return jobs;
  }

  /** Queued or running jobs of a member; finished ones are pruned from the member's set as they are seen. */
  async activeCountFor(requesterId: string, pending?: string): Promise<number> {
    const userKey = this.key('user', requesterId);
    let count = 0;
    for (const id of await this.redis.smembers(userKey)) {
      if (id === pending) {
        count++;
        continue;
      }
      const job = await this.queue.getJob(id);
      const state = job ? mapState(await job.getState(), job.failedReason) : undefined;
      if (state === 'queued' || state === 'active') count++;
      else await this.redis.srem(userKey, id);
    }
    return count;
  }

  async cancel(jobId: string): Promise<CancelOutcome> {
    const job = await this.queue.getJob(jobId);
    if (!job) return (await this.redis.exists(this.key('cancelled', jobId))) ? 'finished' : 'not_found';
    const state = mapState(await job.getState(), job.failedReason);
    if (state === 'queued') {
      try {
        await job.remove();
        await this.redis.set(this.key('cancelled', jobId), '1', 'EX', KEEP_FINISHED_SECONDS);
        await this.redis.srem(this.key('user', job.data.requesterId), jobId);
        this.log.info({ jobId }, 'queued render cancelled');
        return 'removed';
      } catch {
        // A worker took it between our look and the removal (it is locked): interrupt it instead.
      }
    } else if (state !== 'active') {
      return 'finished';
    }
    await this.redis.set(this.key('cancel', jobId), '1', 'EX', 24 * 3600);
    this.log.info({ jobId }, 'running render interrupted');
    return 'interrupting';
  }

  async consume(handler: RenderHandler, options: BullmqConsumeOptions = {}): Promise<RenderConsumer> {
    const lockDuration = options.lockDurationMs ?? 30_000;
    const pollMs = options.pollMs ?? 1_000;
    const slotStaleMs = Math.max(3 * lockDuration, 10_000);
    // A blocking worker connection must never give up on a command (BullMQ's production guide).
    const connection = new Redis(this.options.redisUrl, { maxRetriesPerRequest: null });
    this.workerConnections.add(connection);
    const stopping = new AbortController();

    const processor = async (job: Job<RenderJob>, token?: string): Promise<RenderOutcome | undefined> => {
      const data = RenderJobSchema.parse(job.data);
      const slotKey = data.guildId ? this.key('guild', data.guildId) : undefined;
      const holdSlot = async (): Promise<boolean> =>
        !slotKey ||
        (await connection.eval(
          ACQUIRE_SLOT,
          1,
          slotKey,
          Date.now(),
          job.id ?? data.id,
          this.limits.guildConcurrency,
          slotStaleMs,
        )) === 1;
      if (!(await holdSlot())) {
        // The guild is at its concurrency: try again shortly without spending one of the job's tries.
        await job.moveToDelayed(Date.now() + Math.min(pollMs, 1_000), token);
        throw new DelayedError();
      }
      const controller = new AbortController();
      const onStop = () => controller.abort(new ConsumerStopping());
      stopping.signal.addEventListener('abort', onStop);
      const poll = setInterval(() => {
        void (async () => {
          if (await connection.exists(this.key('cancel', data.id))) controller.abort(new RenderCancelledError());
          // XX: only renew a slot still held; a late heartbeat must not take it back after the job released it.
          if (slotKey) await connection.zadd(slotKey, 'XX', Date.now(), job.id ?? data.id);
        })().catch((error: unknown) => this.log.warn({ jobId: data.id, err: error }, 'render heartbeat failed'));
      }, pollMs);
      const attempt = job.attemptsMade + 1;
      try {
        const outcome = await handler(data, {
          attempt,
          maxAttempts: this.limits.attempts,
          signal: controller.signal,
          reportProgress: async (fraction) => job.updateProgress(Math.max(0, Math.min(1, fraction))),
        });
        if (controller.signal.aborted) throw controller.signal.reason;
        // Kept as the job's return value: QueueEvents hands it to the bot (onCompleted), wherever it runs.
        return outcome ?? undefined;
      } catch (error) {
        const cause: unknown = controller.signal.aborted ? controller.signal.reason : error;
        if (cause instanceof RenderCancelledError) throw new UnrecoverableError(CANCELLED);
        if (!isRetriable(cause)) throw new UnrecoverableError(cause instanceof Error ? cause.message : String(cause));
        throw cause;
      } finally {
        clearInterval(poll);
        stopping.signal.removeEventListener('abort', onStop);
        if (slotKey) await connection.zrem(slotKey, job.id ?? data.id).catch(() => undefined);
      }
    };

    const worker = new Worker<RenderJob>(this.queueName, processor, {
      connection,
      prefix: this.prefix,
      concurrency: options.concurrency ?? 1,
      lockDuration,
      stalledInterval: options.stalledIntervalMs ?? Math.max(1_000, lockDuration),
      maxStalledCount: 2,
      autorun: true,
    });
    worker.on('failed', (job, error) =>
      this.log.warn({ jobId: job?.id, attempts: job?.attemptsMade, err: error }, 'render try failed'),
    );
    worker.on('error', (error) => this.log.error({ err: error }, 'render worker error'));
    this.workers.add(worker);
    await worker.waitUntilReady();
    return {
      close: async (force = false) => {
        if (force) stopping.abort();
        await worker.close(force);
        this.workers.delete(worker);
        await connection.quit().catch(() => undefined);
        this.workerConnections.delete(connection);
      },
    };
  }

  async onCompleted(listener: CompletedListener): Promise<() => Promise<void>> {
    const connection = new Redis(this.options.redisUrl, { maxRetriesPerRequest: null });
    const events = new QueueEvents(this.queueName, { connection, prefix: this.prefix });
    events.on('completed', ({ jobId, returnvalue }) => {
      void (async () => {
        const outcome = parseOutcome(returnvalue);
        if (!outcome) return;
        const job = await this.queue.getJob(jobId);
        if (job) listener(RenderJobSchema.parse(job.data), outcome);
      })().catch((error: unknown) => this.log.error({ jobId, err: error }, 'completed-render listener failed'));
    });
    await events.waitUntilReady();
    this.eventStreams.add(events);
    return async () => {
      this.eventStreams.delete(events);
      await events.close();
      await connection.quit().catch(() => undefined);
    };
  }

  async close(): Promise<void> {
    for (const events of this.eventStreams) await events.close();
    this.eventStreams.clear();
    for (const worker of this.workers) await worker.close();
    this.workers.clear();
    for (const connection of this.workerConnections) await connection.quit().catch(() => undefined);
    this.workerConnections.clear();
    await this.queue.close();
    await this.redis.quit().catch(() => undefined);
  }

  /** Removes every key of this queue (tests and `stylus worker --reset`). */
  async obliterate(): Promise<void> {
    await this.queue.obliterate({ force: true });
    const pattern = `${this.prefix}:${this.queueName}:x:*`;
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await this.redis.del(...keys);
    } while (cursor !== '0');
  }

  private key(kind: 'user' | 'cancel' | 'cancelled' | 'guild', id: string): string {
    return `${this.prefix}:${this.queueName}:x:${kind}:${id}`;
  }

  /** Waiting job ids, next to run first. */
  private async waitingIds(limit: number): Promise<string[]> {
    // BullMQ pushes new jobs on the left of the wait list and workers take from the right: oldest last.
    const ids = await this.queue.getRanges(['wait'], 0, -1, true);
    return ids.slice(0, limit);
  }

  private async positionOf(jobId: string): Promise<number> {
    const ids = await this.waitingIds(Number.MAX_SAFE_INTEGER);
    const index = ids.indexOf(jobId);
    if (index >= 0) return index + 1;
    // Delayed (waiting for a retry or a guild slot): behind everything that is waiting.
    return ids.length + 1;
  }
}

function parseOutcome(value: unknown): RenderOutcome | undefined {
  let parsed = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      return undefined;
    }
  }
  const outcome = parsed as Partial<RenderOutcome> | null;
  return outcome && typeof outcome.messageId === 'string' && typeof outcome.seeds === 'object'
    ? { messageId: outcome.messageId, seeds: outcome.seeds ?? {} }
    : undefined;
}

function mapState(state: string, failedReason: string | undefined): RenderJobState {
  switch (state) {
    case 'active':
      return 'active';
    case 'completed':
      return 'completed';
    case 'failed':
      return failedReason === CANCELLED ? 'cancelled' : 'failed';
    default:
      return 'queued';
  }
}
