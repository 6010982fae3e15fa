import { randomBytes } from 'node:crypto';
import { DelayedError, type Job, Queue, QueueEvents, UnrecoverableError, WaitingError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from '../log.js';
import { silentLogger } from '../log.js';
import { ConsumerStopping } from './embedded-queue.js';
import { isRetriable, RenderCancelledError, RenderError } from './errors.js';
import { type RenderJob, RenderJobSchema } from './job.js';
import {
  type CancelOutcome,
  type CompletedListener,
  type ConsumeOptions,
  crashedMessage,
  DEFAULT_DELIVERY_BACKLOG,
  DEFAULT_LIMITS,
  type EnqueueResult,
  type FailedListener,
  type QueuedJob,
  type QueueLimits,
  queueLimitMessage,
  type RenderConsumer,
  type RenderFailure,
  type RenderHandler,
  type RenderJobState,
  type RenderJobStatus,
  type RenderOutcome,
  type RenderQueue,
} from './queue.js';
import { RouteSweeper } from './routing.js';
import { newWorkerId, WorkerRegistry } from './worker-registry.js';

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
  /** Worker routing: how long a job waits for the worker holding its LoRA files before any worker may take it. */
  routingWaitMs?: number;
  /** How long a worker counts as alive after its last heartbeat (30 s). */
  heartbeatTtlMs?: number;
}

export interface BullmqConsumeOptions extends ConsumeOptions {
  /** How long a worker's claim on a job lasts without renewal: a killed worker's job is picked up after it. */
  lockDurationMs?: number;
  stalledIntervalMs?: number;
  /** How often a running job checks for a Cancel and renews its guild slot. */
  pollMs?: number;
  /**
   * The LoRA files this worker holds (its LORA_DIR). When given, the worker advertises them and also takes jobs routed
   * to it on its own queue, so adapter load time is paid rarely.
   */
  listLoras?: () => Promise<string[]>;
  /** Tells the worker when its folder changed (a download or an eviction), to advertise again at once. */
  onLorasChanged?: (listener: () => void) => () => void;
  /** Heartbeat period (a third of the heartbeat TTL) and folder re-advertisement period (30 s). */
  heartbeatMs?: number;
  advertiseMs?: number;
  /** How often this worker moves stranded or long-waiting routed jobs to the shared queue (5 s). */
  sweepMs?: number;
}

/** A consumer of the BullMQ queue; `workerId` is set when it takes routed jobs. */
export interface BullmqConsumer extends RenderConsumer {
  readonly workerId?: string;
  /** Stops like a killed process would: no unregistering, the heartbeat just lapses (tests of the fallback). */
  abandon(): Promise<void>;
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
  private readonly otherQueues = new Map<string, Queue<RenderJob>>();
  /** Stops of the routed-completion readers opened by `onCompleted`. */
  private readonly routedFollowers = new Set<() => Promise<void>>();
  readonly registry: WorkerRegistry;
  readonly routingWaitMs: number;

  constructor(private readonly options: BullmqQueueOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    this.queueName = options.queueName ?? 'render';
    this.prefix = options.prefix;
    this.log = options.log ?? silentLogger;
    // BullMQ's production guide: producers should fail fast rather than queue commands while Redis is away.
    this.redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 1, enableOfflineQueue: true });
    this.queue = this.logErrors(new Queue<RenderJob>(this.queueName, { connection: this.redis, prefix: this.prefix }));
    this.routingWaitMs = options.routingWaitMs ?? 30_000;
    this.registry = new WorkerRegistry(this.redis, this.namespace, {
      ...(options.heartbeatTtlMs ? { heartbeatTtlMs: options.heartbeatTtlMs } : {}),
    });
  }

  async enqueue(job: RenderJob): Promise<EnqueueResult> {
    const found = await this.locate(job.id);
    if (found.job) {
      const state = mapState(await found.job.getState(), found.job.failedReason);
      if (state === 'queued' || state === 'active' || state === 'completed') {
        const position = state === 'queued' ? await this.positionOf(job.id, found.queue) : 0;
        return { jobId: job.id, position, duplicate: true };
      }
      // Failed or cancelled: asking again is on purpose.
      await found.job.remove();
      await this.redis.del(this.key('route', job.id));
    } else if (found.moving) {
      return { jobId: job.id, position: await this.positionOf(job.id, this.queue), duplicate: true };
    }
    // The id is claimed across the shared and personal queues: of two concurrent enqueues, one queues the job.
    if ((await this.redis.set(this.key('claim', job.id), '1', 'PX', 10_000, 'NX')) !== 'OK') {
      return { jobId: job.id, position: 0, duplicate: true };
    }
    try {
      return await this.enqueueClaimed(job);
    } finally {
      await this.redis.del(this.key('claim', job.id));
    }
  }

  private async enqueueClaimed(job: RenderJob): Promise<EnqueueResult> {
    // One member's submissions are counted and added one at a time, across bot processes: two counted side by side
    // would each see the other as a stale entry (no job yet), drop it from the member's set and both pass the limit.
    const unlock = await this.lockMember(job.requesterId);
    try {
      return await this.enqueueLocked(job);
    } finally {
      await unlock();
    }
  }

  /** A short Redis lock per member (expires on its own if its holder dies). */
  private async lockMember(requesterId: string): Promise<() => Promise<void>> {
    const lockKey = this.key('user-lock', requesterId);
    const token = randomBytes(8).toString('hex');
    const deadline = Date.now() + 10_000;
    while ((await this.redis.set(lockKey, token, 'PX', 10_000, 'NX')) !== 'OK') {
      if (Date.now() > deadline) {
        throw new RenderError('The render queue is busy; try again in a moment.', 'queue_limit', false);
      }
      await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 20));
    }
    return async () => {
      if ((await this.redis.get(lockKey)) === token) await this.redis.del(lockKey);
    };
  }

  private async enqueueLocked(job: RenderJob): Promise<EnqueueResult> {
    const userKey = this.key('user', job.requesterId);
    await this.redis.sadd(userKey, job.id);
    if ((await this.activeCountFor(job.requesterId, job.id)) > this.limits.maxQueuedPerUser) {
      await this.redis.srem(userKey, job.id);
      throw new RenderError(queueLimitMessage(this.limits.maxQueuedPerUser), 'queue_limit', false);
    }
    await this.redis.del(this.key('cancel', job.id), this.key('cancelled', job.id));
    const worker = await this.chooseWorker(job);
    const target = worker ? this.queueNamed(this.personalQueueName(worker)) : this.queue;
    // The route is written before the job so that a status read never looks in the wrong queue.
    if (worker) await this.redis.set(this.key('route', job.id), target.name, 'EX', KEEP_FINISHED_SECONDS + 24 * 3600);
    await target.add('render', job, this.jobOptions(job.id));
    const position = await this.positionOf(job.id, target);
    this.log.info({ jobId: job.id, guildId: job.guildId, position, worker }, 'render queued');
    return { jobId: job.id, position, duplicate: false };
  }

  /** BullMQ options of every render job, on whichever queue it waits. */
  jobOptions(jobId: string) {
    return {
      jobId,
      attempts: this.limits.attempts,
      backoff: { type: 'exponential' as const, delay: this.limits.backoffMs },
      // Finished jobs are kept a week so that queueing the same id again stays a no-op (idempotency).
      removeOnComplete: { age: KEEP_FINISHED_SECONDS },
      removeOnFail: { age: KEEP_FINISHED_SECONDS },
    };
  }

  /** The live worker that already holds the job's LoRA files, if any (routing). */
  private async chooseWorker(job: RenderJob): Promise<string | undefined> {
    const files = job.images.flatMap((image) => image.loras.map((lora) => lora.fileName));
    if (files.length === 0) return undefined;
    try {
      const choice = await this.registry.pickWorker(files, (workerId) =>
        this.queueNamed(this.personalQueueName(workerId)).count(),
      );
      return choice?.workerId;
    } catch (error) {
      // Routing is an optimisation: the shared queue always works.
      this.log.warn({ jobId: job.id, err: error }, 'worker routing failed; queueing on the shared queue');
      return undefined;
    }
  }

  personalQueueName(workerId: string): string {
    return `${this.queueName}-w-${workerId}`;
  }

  /**
   * Connection errors (Redis restarting) go to the log: without a listener BullMQ prints them to stderr and ioredis
   * reports them as unhandled. The commands themselves still reject to their callers, or wait for the reconnect.
   */
  private logErrors<T extends { on(event: 'error', listener: (error: Error) => void): unknown }>(emitter: T): T {
    emitter.on('error', (error) => this.log.warn({ err: error }, 'render queue: Redis connection error'));
    return emitter;
  }

  /** The shared queue or a worker's personal queue, by BullMQ queue name (personal ones opened on demand). */
  queueNamed(name: string): Queue<RenderJob> {
    if (name === this.queueName) return this.queue;
    let queue = this.otherQueues.get(name);
    if (!queue) {
      queue = this.logErrors(new Queue<RenderJob>(name, { connection: this.redis, prefix: this.prefix }));
      this.otherQueues.set(name, queue);
    }
    return queue;
  }

  /** Where a job is: its queue (shared unless routed), the job if it exists, and whether it is being handed over. */
  private async locate(
    jobId: string,
  ): Promise<{ queue: Queue<RenderJob>; job: Job<RenderJob> | undefined; moving: boolean }> {
    const route = await this.redis.get(this.key('route', jobId));
    const queue = route ? this.queueNamed(route) : this.queue;
    const job = await queue.getJob(jobId);
    if (job) return { queue, job, moving: false };
    // Between its removal from a personal queue and its arrival on the shared one (see RouteSweeper).
    const moving = (await this.redis.hexists(this.key('handoff'), jobId)) === 1;
    if (moving) return { queue: this.queue, job: await this.queue.getJob(jobId), moving: true };
    return { queue, job: undefined, moving: false };
  }

  async status(jobId: string): Promise<RenderJobStatus | undefined> {
    // State first, then the job: a finished state is final, so the job read after it (failedReason, attempts)
    // belongs to it. The other order can pair a failed state with the reason of an earlier try.
    const route = await this.redis.get(this.key('route', jobId));
    const queue = route ? this.queueNamed(route) : this.queue;
    const rawState = await queue.getJobState(jobId);
    const job = rawState === 'unknown' ? undefined : await queue.getJob(jobId);
    if (!job) {
      if (await this.redis.hexists(this.key('handoff'), jobId)) {
        // Being moved to the shared queue this very moment.
        return {
          id: jobId,
          state: 'queued',
          attempts: 0,
          progress: 0,
          position: await this.positionOf(jobId, this.queue),
        };
      }
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
    if (state === 'queued') status.position = await this.positionOf(jobId, queue);
    if (state === 'cancelled') status.failedReason = 'cancelled';
    else if (job.failedReason) status.failedReason = job.failedReason;
    return status;
  }

  /**
   * Jobs waiting on the shared queue, first first, then those waiting on each worker's personal queue (routed jobs),
   * each with its place on the queue it waits on.
   */
  async queued(limit = 100): Promise<QueuedJob[]> {
    const jobs = await this.queuedOn(this.queue, limit);
    for (const workerId of await this.registry.knownWorkers()) {
      if (jobs.length >= limit) break;
      jobs.push(...(await this.queuedOn(this.queueNamed(this.personalQueueName(workerId)), limit - jobs.length)));
    }
    return jobs;
  }

  private async queuedOn(queue: Queue<RenderJob>, limit: number): Promise<QueuedJob[]> {
    const jobs: QueuedJob[] = [];
    for (const [index, id] of (await this.waitingIds(limit, queue)).entries()) {
      const job = await queue.getJob(id);
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
      const { job, moving } = await this.locate(id);
      const state = job ? mapState(await job.getState(), job.failedReason) : moving ? 'queued' : undefined;
      if (state === 'queued' || state === 'active') count++;
      else await this.redis.srem(userKey, id);
    }
    return count;
  }

  async cancel(jobId: string): Promise<CancelOutcome> {
    const { job } = await this.locate(jobId);
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
    } else if (state !== 'active' || (await this.redis.exists(this.key('delivering', jobId)))) {
      // Finished, or rendered already and only posting is left: too late to cancel.
      return 'finished';
    }
    await this.redis.set(this.key('cancel', jobId), '1', 'EX', 24 * 3600);
    this.log.info({ jobId }, 'running render interrupted');
    return 'interrupting';
  }

  async consume(handler: RenderHandler, options: BullmqConsumeOptions = {}): Promise<BullmqConsumer> {
    const lockDuration = options.lockDurationMs ?? 30_000;
    const pollMs = options.pollMs ?? 1_000;
    const slotStaleMs = Math.max(3 * lockDuration, 10_000);
    // A blocking worker connection must never give up on a command (BullMQ's production guide).
    const connection = new Redis(this.options.redisUrl, { maxRetriesPerRequest: null });
    this.workerConnections.add(connection);
    const stopping = new AbortController();

    const processor = async (
      job: Job<RenderJob>,
      token: string | undefined,
      releaseGpu: () => void,
    ): Promise<RenderOutcome | undefined> => {
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
      let released = false;
      const releaseSlot = () => {
        if (released) return;
        released = true;
        releaseGpu();
        const jobId = job.id ?? data.id;
        void Promise.all([
          slotKey ? connection.zrem(slotKey, jobId) : undefined,
          connection.set(this.key('delivering', jobId), '1', 'PX', slotStaleMs),
        ]).catch((error: unknown) => this.log.warn({ jobId, err: error }, 'render slot not released'));
      };
      // Once released, the images exist: a late Cancel (or shutdown) no longer turns the job into a failure.
      const stopped = () => controller.signal.aborted && !released;
      try {
        const outcome = await handler(data, {
          attempt,
          maxAttempts: this.limits.attempts,
          signal: controller.signal,
          reportProgress: async (fraction) => job.updateProgress(Math.max(0, Math.min(1, fraction))),
          releaseSlot,
        });
        if (stopped()) throw controller.signal.reason;
        // Kept as the job's return value: QueueEvents hands it to the bot (onCompleted), wherever it runs.
        return outcome ?? undefined;
      } catch (error) {
        const cause: unknown = stopped() ? controller.signal.reason : error;
        if (cause instanceof RenderCancelledError) throw new UnrecoverableError(CANCELLED);
        if (!isRetriable(cause)) throw new UnrecoverableError(cause instanceof Error ? cause.message : String(cause));
        throw cause;
      } finally {
        clearInterval(poll);
        stopping.signal.removeEventListener('abort', onStop);
        if (slotKey) await connection.zrem(slotKey, job.id ?? data.id).catch(() => undefined);
        if (released) await connection.del(this.key('delivering', job.id ?? data.id)).catch(() => undefined);
      }
    };

    // One GPU: the shared and the personal queue's workers together render at most `concurrency` jobs. When full,
    // both are paused so that neither holds a job another worker could start; a job fetched in the race goes back.
    // A job that released its slot (posting its images) lets one more job in, up to `deliveryBacklog` of them: each
    // BullMQ worker's concurrency is the GPU's plus the jobs now posting.
    const capacity = options.concurrency ?? 1;
    const backlog = options.deliveryBacklog ?? DEFAULT_DELIVERY_BACKLOG;
    const bullWorkers: Worker<RenderJob>[] = [];
    let rendering = 0;
    let delivering = 0;
    let closing = false;
    const wakeWorkers = () => {
      if (stopping.signal.aborted || closing) return;
      for (const worker of bullWorkers) {
        worker.concurrency = capacity + delivering;
        if (worker.isPaused()) void worker.resume();
        // BullMQ's main loop waits for a running job to end before it looks at a raised concurrency; resume() is
        // its public way to make it fetch again now.
        else void worker.pause(true).then(() => worker.resume());
      }
    };
    const gated = async (job: Job<RenderJob>, token?: string): Promise<RenderOutcome | undefined> => {
      if (rendering >= capacity) {
        await job.moveToWait(token);
        throw new WaitingError();
      }
      rendering++;
      if (rendering >= capacity && bullWorkers.length > 1) for (const worker of bullWorkers) void worker.pause(true);
      let phase = 'rendering' as 'rendering' | 'delivering' | 'waiting';
      const releaseGpu = () => {
        if (phase !== 'rendering') return;
        rendering--;
        // Past the backlog the job keeps its place in the worker's count: the next one waits for a delivery.
        phase = delivering < backlog ? 'delivering' : 'waiting';
        if (phase === 'delivering') delivering++;
        wakeWorkers();
      };
      try {
        return await processor(job, token, releaseGpu);
      } finally {
        if (phase === 'rendering') rendering--;
        if (phase === 'delivering') delivering--;
        for (const worker of bullWorkers) worker.concurrency = capacity + delivering;
        if (!stopping.signal.aborted && !closing && bullWorkers.length > 1) {
          for (const worker of bullWorkers) if (worker.isPaused()) void worker.resume();
        }
      }
    };
    const connections = [connection];
    const startWorker = async (queueName: string, workerConnection: Redis): Promise<Worker<RenderJob>> => {
      const worker = new Worker<RenderJob>(queueName, gated, {
        connection: workerConnection,
        prefix: this.prefix,
        concurrency: capacity,
        lockDuration,
        stalledInterval: options.stalledIntervalMs ?? Math.max(1_000, lockDuration),
        maxStalledCount: 2,
        autorun: true,
      });
      worker.on('failed', (job, error) => {
        this.log.warn({ jobId: job?.id, attempts: job?.attemptsMade, err: error }, 'render try failed');
        // Final (no retry left, or unrecoverable): only the worker that failed it sees this, so the member is told once.
        if (job && job.finishedOn !== undefined && error.message !== CANCELLED) {
          void this.jobFailedForGood(job, failureOf(error, job), options.onFailed);
        }
      });
      worker.on('error', (error) => this.log.error({ err: error }, 'render worker error'));
      this.workers.add(worker);
      bullWorkers.push(worker);
      await worker.waitUntilReady();
      return worker;
    };
    await startWorker(this.queueName, connection);

    const routing = options.listLoras
      ? await this.startRouting(options, async (personalName) => {
          const personalConnection = new Redis(this.options.redisUrl, { maxRetriesPerRequest: null });
          this.workerConnections.add(personalConnection);
          connections.push(personalConnection);
          const worker = await startWorker(personalName, personalConnection);
          // Completions on a personal queue reach `onCompleted` listeners through one stream of this queue.
          worker.on('completed', (job, result) => {
            void this.redis
              .xadd(
                this.key('routed-completed'),
                'MAXLEN',
                '~',
                10_000,
                '*',
                'queue',
                personalName,
                'jobId',
                job.id ?? '',
                'returnvalue',
                JSON.stringify(result ?? null),
              )
              .catch((error: unknown) =>
                this.log.warn({ jobId: job.id, err: error }, 'routed completion not published'),
              );
          });
        })
      : undefined;
    const sweeper = new RouteSweeper(this, this.redis, this.log);
    const sweepTimer = setInterval(
      () => void sweeper.sweep().catch((error: unknown) => this.log.warn({ err: error }, 'routing sweep failed')),
      options.sweepMs ?? Math.min(5_000, Math.max(250, Math.floor(this.routingWaitMs / 2))),
    );
    void sweeper.sweep().catch((error: unknown) => this.log.warn({ err: error }, 'routing sweep failed'));

    const stop = async (force: boolean, cleanUp: boolean) => {
      closing = true;
      clearInterval(sweepTimer);
      routing?.stopTimers();
      if (force) stopping.abort();
      // Unregistered first: no new job is routed here while the workers finish.
      if (routing && cleanUp) await this.registry.unregister(routing.workerId).catch(() => undefined);
      for (const worker of bullWorkers) {
        await worker.close(force);
        this.workers.delete(worker);
      }
      // Jobs still waiting for this worker go to the shared queue at once rather than after the routing wait.
      if (routing && cleanUp) {
        await sweeper
          .drain(routing.workerId)
          .catch((error: unknown) => this.log.warn({ err: error }, 'personal queue not drained'));
      }
      for (const workerConnection of connections) {
        await workerConnection.quit().catch(() => undefined);
        this.workerConnections.delete(workerConnection);
      }
    };
    return {
      ...(routing ? { workerId: routing.workerId } : {}),
      close: (force = false) => stop(force, true),
      abandon: () => stop(true, false),
    };
  }

  /** Registers this worker with its LoRA files, starts its personal queue, and keeps both fresh. */
  private async startRouting(
    options: BullmqConsumeOptions,
    startPersonalWorker: (queueName: string) => Promise<void>,
  ): Promise<{ workerId: string; stopTimers: () => void }> {
    const listLoras = options.listLoras ?? (async () => []);
    const workerId = newWorkerId();
    await startPersonalWorker(this.personalQueueName(workerId));
    await this.registry.register(workerId, await listLoras());
    const advertise = () =>
      void listLoras()
        .then((files) => this.registry.advertise(workerId, files))
        .catch((error: unknown) => this.log.warn({ workerId, err: error }, 'LoRA files not advertised'));
    const heartbeat = setInterval(
      () =>
        void this.registry
          .heartbeat(workerId)
          .catch((error: unknown) => this.log.warn({ workerId, err: error }, 'worker heartbeat failed')),
      options.heartbeatMs ?? Math.max(100, Math.floor(this.registry.heartbeatTtlMs / 3)),
    );
    const refresh = setInterval(advertise, options.advertiseMs ?? 30_000);
    const unsubscribe = options.onLorasChanged?.(advertise);
    this.log.info({ workerId }, 'worker takes jobs routed to it by the LoRA files it holds');
    return {
      workerId,
      stopTimers: () => {
        clearInterval(heartbeat);
        clearInterval(refresh);
        unsubscribe?.();
      },
    };
  }

  async onCompleted(listener: CompletedListener): Promise<() => Promise<void>> {
    const connection = new Redis(this.options.redisUrl, { maxRetriesPerRequest: null });
    const events = this.logErrors(new QueueEvents(this.queueName, { connection, prefix: this.prefix }));
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
    // Completions on personal queues are published by their workers (see `consume`).
    const stopRouted = await this.followStream(this.key('routed-completed'), async (entry) => {
      const outcome = parseOutcome(entry.get('returnvalue'));
      const job = outcome
        ? await this.queueNamed(entry.get('queue') ?? '').getJob(entry.get('jobId') ?? '')
        : undefined;
      if (outcome && job) listener(RenderJobSchema.parse(job.data), outcome);
    });
    return async () => {
      await stopRouted();
      this.eventStreams.delete(events);
      await events.close();
      await connection.quit().catch(() => undefined);
    };
  }

  /** Final failures, on whichever queue and worker, published by the worker that failed the job. */
  async onFailed(listener: FailedListener): Promise<() => Promise<void>> {
    return this.followStream(this.key('failed-events'), async (entry) => {
      const job = await this.queueNamed(entry.get('queue') ?? '').getJob(entry.get('jobId') ?? '');
      if (job) listener(RenderJobSchema.parse(job.data), { userMessage: entry.get('message') ?? '' });
    });
  }

  /** Tells the member (through the consumer's hook) and every `onFailed` listener that a job failed for good. */
  private async jobFailedForGood(
    job: Job<RenderJob>,
    failure: RenderFailure,
    onFailed: ConsumeOptions['onFailed'],
  ): Promise<void> {
    try {
      const data = RenderJobSchema.parse(job.data);
      await this.redis.xadd(
        this.key('failed-events'),
        'MAXLEN',
        '~',
        10_000,
        '*',
        'queue',
        job.queueName,
        'jobId',
        job.id ?? data.id,
        'message',
        failure.userMessage,
      );
      await onFailed?.(data, failure);
    } catch (error) {
      this.log.error({ jobId: job.id, err: error }, 'a failed render could not be announced');
    }
  }

  /** Reads a stream of this queue from its newest entry at the time of the call on, like QueueEvents. */
  private async followStream(
    streamKey: string,
    onEntry: (entry: Map<string, string>) => Promise<void>,
  ): Promise<() => Promise<void>> {
    const reader = this.logErrors(new Redis(this.options.redisUrl, { maxRetriesPerRequest: null }));
    const newest = (await reader.xrevrange(streamKey, '+', '-', 'COUNT', 1))[0];
    let lastId = newest?.[0] ?? '0-0';
    let stopped = false;
    const loop = (async () => {
      while (!stopped) {
        const batch = await reader
          .xread('COUNT', 100, 'BLOCK', 1_000, 'STREAMS', streamKey, lastId)
          .catch(async (error: unknown) => {
            if (stopped) return null;
            this.log.warn({ err: error, streamKey }, 'reading a queue stream failed; retrying');
            await new Promise((resolve) => setTimeout(resolve, 1_000));
            return null;
          });
        for (const [, entries] of batch ?? []) {
          for (const [id, fields] of entries) {
            lastId = id;
            const entry = new Map<string, string>();
            for (let index = 0; index + 1 < fields.length; index += 2)
              entry.set(fields[index] ?? '', fields[index + 1] ?? '');
            await onEntry(entry).catch((error: unknown) =>
              this.log.error({ jobId: entry.get('jobId'), err: error }, 'queue stream listener failed'),
            );
          }
        }
      }
    })();
    const stop = async () => {
      if (stopped) return;
      stopped = true;
      this.routedFollowers.delete(stop);
      // Ends the blocking read at once.
      reader.disconnect();
      await loop.catch(() => undefined);
    };
    this.routedFollowers.add(stop);
    return stop;
  }

  async close(): Promise<void> {
    for (const events of this.eventStreams) await events.close();
    this.eventStreams.clear();
    for (const worker of this.workers) await worker.close();
    this.workers.clear();
    for (const connection of this.workerConnections) await connection.quit().catch(() => undefined);
    this.workerConnections.clear();
    for (const stop of [...this.routedFollowers]) await stop();
    for (const queue of this.otherQueues.values()) await queue.close();
    this.otherQueues.clear();
    await this.queue.close();
    await this.redis.quit().catch(() => undefined);
  }

  /** Removes every key of this queue (tests and `stylus worker --reset`). */
  async obliterate(): Promise<void> {
    for (const workerId of await this.registry.knownWorkers()) {
      await this.queueNamed(this.personalQueueName(workerId)).obliterate({ force: true });
    }
    await this.queue.obliterate({ force: true });
    const pattern = `${this.prefix}:${this.queueName}:x:*`;
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await this.redis.del(...keys);
    } while (cursor !== '0');
  }

  /** Where this queue's own keys live (removed by `obliterate`). */
  get namespace(): string {
    return `${this.prefix}:${this.queueName}:x`;
  }

  key(
    kind:
      | 'user'
      | 'user-lock'
      | 'cancel'
      | 'cancelled'
      | 'guild'
      | 'delivering'
      | 'route'
      | 'claim'
      | 'handoff'
      | 'sweep'
      | 'routed-completed'
      | 'failed-events',
    id?: string,
  ): string {
    return id === undefined ? `${this.namespace}:${kind}` : `${this.namespace}:${kind}:${id}`;
  }

  /** Waiting job ids, next to run first. */
  private async waitingIds(limit: number, queue: Queue<RenderJob> = this.queue): Promise<string[]> {
    // BullMQ pushes new jobs on the left of the wait list and workers take from the right: oldest last.
    const ids = await queue.getRanges(['wait'], 0, -1, true);
    return ids.slice(0, limit);
  }

  private async positionOf(jobId: string, queue: Queue<RenderJob> = this.queue): Promise<number> {
    const ids = await this.waitingIds(Number.MAX_SAFE_INTEGER, queue);
    const index = ids.indexOf(jobId);
    if (index >= 0) return index + 1;
    // Delayed (waiting for a retry or a guild slot): behind everything that is waiting.
    return ids.length + 1;
  }
}

/** BullMQ's reason for a job that lost its worker too often (maxStalledCount). */
const STALLED = 'job stalled more than allowable limit';

/** The member's sentence for a job's final error: the render's own sentence, or what a stall means. */
function failureOf(error: Error, job: Job<RenderJob>): RenderFailure {
  if (error.message === STALLED) return { userMessage: crashedMessage(Math.max(1, job.stalledCounter)) };
  if (error instanceof RenderError) return { userMessage: error.userMessage };
  // Raised by the processor from a RenderError's message (a failure no retry can help).
  if (error instanceof UnrecoverableError) return { userMessage: error.message };
  return { userMessage: 'Something went wrong on the render server.' };
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
