import { randomBytes } from 'node:crypto';
import type { Job, JobsOptions, Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../log.js';
import type { RenderJob } from './job.js';
import type { WorkerRegistry } from './worker-registry.js';

/** What the sweeper needs from the BullMQ queue (kept narrow so the two files do not grow into each other). */
export interface RoutedQueue {
  readonly queueName: string;
  readonly registry: WorkerRegistry;
  readonly routingWaitMs: number;
  personalQueueName(workerId: string): string;
  queueNamed(name: string): Queue<RenderJob>;
  jobOptions(jobId: string): JobsOptions;
  key(kind: 'route' | 'handoff' | 'sweep', id?: string): string;
}

/** States of a job that has not started on its personal queue (or is waiting for a retry or a guild slot). */
const NOT_STARTED = ['wait', 'delayed', 'prioritized'] as const;

/**
 * The fallback of worker routing: no job is stranded on a personal queue. Any live worker periodically moves to the
 * shared queue, keeping the job id, (a) jobs whose worker's heartbeat expired, (b) jobs that waited longer than the
 * routing wait, (c) jobs a dead worker held when it died (active without a lock, as BullMQ's stalled check sees them).
 *
 * A move is remove-then-add; the job is written to a handoff hash first, so a sweeper killed between the two steps
 * leaves a record the next sweep completes, and status reads in between still find the job.
 */
export class RouteSweeper {
  constructor(
    private readonly queue: RoutedQueue,
    private readonly redis: Redis,
    private readonly log: Logger,
  ) {}

  /** One pass over every known worker; only one sweeper runs at a time across all workers. */
  async sweep(): Promise<number> {
    const token = randomBytes(8).toString('hex');
    const lockKey = this.queue.key('sweep');
    if ((await this.redis.set(lockKey, token, 'PX', 60_000, 'NX')) !== 'OK') return 0;
    let moved = 0;
    try {
      await this.finishHandoffs();
      for (const workerId of await this.queue.registry.knownWorkers()) {
        const alive = await this.queue.registry.isAlive(workerId);
        moved += await this.sweepWorker(workerId, alive ? 'overdue' : 'dead');
      }
    } finally {
      if ((await this.redis.get(lockKey)) === token) await this.redis.del(lockKey);
    }
    return moved;
  }

  /** Moves every job still waiting on a worker's personal queue (the worker is stopping cleanly). */
  async drain(workerId: string): Promise<number> {
    return this.sweepWorker(workerId, 'stopping');
  }

  private async sweepWorker(workerId: string, reason: 'overdue' | 'dead' | 'stopping'): Promise<number> {
    const personal = this.queue.queueNamed(this.queue.personalQueueName(workerId));
    let moved = 0;
    const now = Date.now();
    for (const job of await personal.getJobs([...NOT_STARTED], 0, -1, true)) {
      if (reason !== 'overdue' || now - job.timestamp >= this.queue.routingWaitMs) {
        if (await this.moveToShared(job, personal, reason)) moved++;
      }
    }
    if (reason === 'dead') {
      for (const job of await personal.getJobs(['active'], 0, -1, true)) {
        // A live worker renews its lock; an active job without one belongs to a worker that died mid-render.
        if (job.id && !(await this.redis.exists(`${personal.qualifiedName}:${job.id}:lock`))) {
          if (await this.moveToShared(job, personal, 'dead')) moved++;
        }
      }
      const left = (await personal.count()) + (await personal.getActiveCount());
      if (left === 0) await this.queue.registry.forget(workerId);
    }
    return moved;
  }

  private async moveToShared(job: Job<RenderJob>, from: Queue<RenderJob>, reason: string): Promise<boolean> {
    const jobId = job.id;
    if (!jobId) return false;
    const handoff = this.queue.key('handoff');
    await this.redis.hset(handoff, jobId, JSON.stringify({ from: from.name, data: job.data }));
    try {
      await job.remove();
    } catch {
      // Its worker took it a moment ago (the job is locked), or another sweeper removed it first (that one finishes
      // the handoff, so its record stays).
      if (await from.getJob(jobId)) await this.redis.hdel(handoff, jobId);
      return false;
    }
    await this.arrive(jobId, job.data);
    this.log.info({ jobId, from: from.name, reason }, 'routed render moved to the shared queue');
    return true;
  }

  private async arrive(jobId: string, data: RenderJob): Promise<void> {
    const shared = this.queue.queueNamed(this.queue.queueName);
    // Same id on the shared queue: BullMQ ignores a second add of an existing id, so a repeated arrival is harmless.
    await shared.add('render', data, this.queue.jobOptions(jobId));
    await this.redis.del(this.queue.key('route', jobId));
    await this.redis.hdel(this.queue.key('handoff'), jobId);
  }

  /** Completes moves a killed sweeper left half done. */
  private async finishHandoffs(): Promise<void> {
    const pending = await this.redis.hgetall(this.queue.key('handoff'));
    for (const [jobId, record] of Object.entries(pending)) {
      const { from, data } = JSON.parse(record) as { from: string; data: RenderJob };
      const shared = this.queue.queueNamed(this.queue.queueName);
      const arrived = await shared.getJob(jobId);
      if (arrived || (await this.queue.queueNamed(from).getJob(jobId))) {
        // Already arrived, or never left (its worker took it): only the record is stale.
        if (arrived) await this.redis.del(this.queue.key('route', jobId));
        await this.redis.hdel(this.queue.key('handoff'), jobId);
        continue;
      }
      await this.arrive(jobId, data);
      this.log.warn({ jobId, from }, 'completed an interrupted move of a routed render');
    }
  }
}
