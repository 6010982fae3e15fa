import type { Logger } from '../log.js';
import { silentLogger } from '../log.js';
import { writeWhenFree } from '../storage/busy.js';
import type { SqliteDatabase } from '../storage/sqlite.js';
import { isRetriable, RenderCancelledError, RenderError } from './errors.js';
import { type RenderJob, RenderJobSchema } from './job.js';
import {
  type CancelOutcome,
  type CompletedListener,
  type ConsumeOptions,
  DEFAULT_DELIVERY_BACKLOG,
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
  retryDelay,
} from './queue.js';

interface JobRow {
  id: string;
  seq: number;
  state: RenderJobState;
  data: string;
  attempts: number;
  progress: number;
  failed_reason: string | null;
  guild_id: string | null;
  not_before: number;
}

/**
 * The queue of the embedded mode: one process, jobs persisted in the shared SQLite file so a restart loses no
 * accepted job (a job that was running when the process died is queued again at the next start).
 */
export class EmbeddedRenderQueue implements RenderQueue {
  readonly kind = 'embedded';
  readonly limits: QueueLimits;
  /** Jobs in a consumer's hands; `rendering` until they release their slot (only then posting their images). */
  private readonly running = new Map<
    string,
    { controller: AbortController; guildId: string | null; rendering: boolean }
  >();
  private consumers = new Set<EmbeddedConsumer>();
  private readonly listeners = new Set<CompletedListener>();

  constructor(
    private readonly db: SqliteDatabase,
    limits: Partial<QueueLimits> = {},
    private readonly log: Logger = silentLogger,
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
    db.exec(`CREATE TABLE IF NOT EXISTS render_queue (
      id TEXT PRIMARY KEY,
      seq INTEGER NOT NULL,
      state TEXT NOT NULL,
      requester_id TEXT NOT NULL,
      guild_id TEXT,
      data TEXT NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      progress REAL NOT NULL DEFAULT 0,
      failed_reason TEXT,
      not_before INTEGER NOT NULL DEFAULT 0,
      updated_at INTEGER NOT NULL
    );
    CREATE INDEX IF NOT EXISTS render_queue_state ON render_queue (state, seq);
    CREATE INDEX IF NOT EXISTS render_queue_requester ON render_queue (requester_id, state);`);
  }

  async enqueue(job: RenderJob): Promise<EnqueueResult> {
    const insert = this.db.transaction((): EnqueueResult => {
      const existing = this.row(job.id);
      if (existing && (existing.state === 'queued' || existing.state === 'active' || existing.state === 'completed')) {
        return { jobId: job.id, position: this.positionOf(existing), duplicate: true };
      }
      if (this.countActive(job.requesterId) >= this.limits.maxQueuedPerUser) {
        throw new RenderError(queueLimitMessage(this.limits.maxQueuedPerUser), 'queue_limit', false);
      }
      const seq = (
        this.db.prepare('SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM render_queue').get() as { next: number }
      ).next;
      // A failed or cancelled job with the same id may be queued again: that is the member asking twice on purpose.
      this.db
        .prepare(
          `INSERT OR REPLACE INTO render_queue (id, seq, state, requester_id, guild_id, data, attempts, progress,
             failed_reason, not_before, updated_at)
           VALUES (?, ?, 'queued', ?, ?, ?, 0, 0, NULL, 0, ?)`,
        )
        .run(job.id, seq, job.requesterId, job.guildId ?? null, JSON.stringify(job), Date.now());
      const row = this.row(job.id);
      return { jobId: job.id, position: row ? this.positionOf(row) : 0, duplicate: false };
    });
    const result = await writeWhenFree(() => insert.immediate());
    if (!result.duplicate) {
      this.log.info({ jobId: job.id, guildId: job.guildId, position: result.position }, 'render queued');
      for (const consumer of this.consumers) consumer.wake();
    }
    return result;
  }

  async status(jobId: string): Promise<RenderJobStatus | undefined> {
    const row = this.row(jobId);
    if (!row) return undefined;
    const status: RenderJobStatus = { id: row.id, state: row.state, attempts: row.attempts, progress: row.progress };
    if (row.state === 'queued') status.position = this.positionOf(row);
    if (row.failed_reason) status.failedReason = row.failed_reason;
    return status;
  }

  async queued(limit = 100): Promise<QueuedJob[]> {
    const rows = this.db
      .prepare(`SELECT * FROM render_queue WHERE state = 'queued' ORDER BY seq LIMIT ?`)
      .all(limit) as JobRow[];
    return rows.map((row, index) => ({ job: parseJob(row.data), position: index + 1 }));
  }

  async activeCountFor(requesterId: string): Promise<number> {
    return this.countActive(requesterId);
  }

  async cancel(jobId: string): Promise<CancelOutcome> {
    const row = this.row(jobId);
    if (!row) return 'not_found';
    if (row.state === 'queued') {
      await writeWhenFree(() => this.setState(jobId, 'cancelled', 'cancelled'));
      this.log.info({ jobId }, 'queued render cancelled');
      return 'removed';
    }
    if (row.state === 'active') {
      const running = this.running.get(jobId);
      // Rendered already, only posting is left: too late to cancel.
      if (running && !running.rendering) return 'finished';
      if (running) running.controller.abort(new RenderCancelledError());
      this.log.info({ jobId }, 'running render interrupted');
      return 'interrupting';
    }
    return 'finished';
  }

  async consume(handler: RenderHandler, options: ConsumeOptions = {}): Promise<RenderConsumer> {
    // Jobs that were running when the last process died go back to the queue: accepted means rendered.
    const resumed = this.db
      .prepare(`UPDATE render_queue SET state = 'queued', updated_at = ? WHERE state = 'active'`)
      .run(Date.now()).changes;
    if (resumed > 0) this.log.warn({ jobs: resumed }, 'renders interrupted by a restart are queued again');
    const consumer = new EmbeddedConsumer(
      this,
      handler,
      options.concurrency ?? 1,
      options.deliveryBacklog ?? DEFAULT_DELIVERY_BACKLOG,
    );
    this.consumers.add(consumer);
    consumer.wake();
    return {
      close: async (force = false) => {
        this.consumers.delete(consumer);
        await consumer.close(force);
      },
    };
  }

  async onCompleted(listener: CompletedListener): Promise<() => Promise<void>> {
    this.listeners.add(listener);
    return async () => {
      this.listeners.delete(listener);
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((consumer) => consumer.close(false)));
    this.consumers.clear();
  }

  /** The next job a consumer may start now (per-guild concurrency respected), marked active; or a wait hint. */
  claimNext(): { job: RenderJob; attempt: number; controller: AbortController } | { retryInMs: number | undefined } {
    const now = Date.now();
    const rows = this.db
      .prepare(`SELECT * FROM render_queue WHERE state = 'queued' ORDER BY seq LIMIT 500`)
      .all() as JobRow[];
    let soonest: number | undefined;
    for (const row of rows) {
      if (row.not_before > now) {
        soonest = Math.min(soonest ?? Number.POSITIVE_INFINITY, row.not_before - now);
        continue;
      }
      if (row.guild_id && this.runningInGuild(row.guild_id) >= this.limits.guildConcurrency) continue;
      const attempt = row.attempts + 1;
      this.db
        .prepare(`UPDATE render_queue SET state = 'active', attempts = ?, updated_at = ? WHERE id = ?`)
        .run(attempt, now, row.id);
      const controller = new AbortController();
      this.running.set(row.id, { controller, guildId: row.guild_id, rendering: true });
      return { job: parseJob(row.data), attempt, controller };
    }
    return { retryInMs: soonest };
  }

  async finish(job: RenderJob, attempt: number, error: unknown, outcome?: RenderOutcome): Promise<void> {
    this.running.delete(job.id);
    const row = this.row(job.id);
    if (row?.state !== 'active') return;
    if (error === undefined) {
      this.db
        .prepare(`UPDATE render_queue SET state = 'completed', progress = 1, updated_at = ? WHERE id = ?`)
        .run(Date.now(), job.id);
      if (outcome) {
        for (const listener of this.listeners) {
          try {
            listener(job, outcome);
          } catch (listenerError) {
            this.log.error({ jobId: job.id, err: listenerError }, 'completed-render listener failed');
          }
        }
      }
      return;
    }
    if (error instanceof RenderCancelledError) {
      this.setState(job.id, 'cancelled', 'cancelled');
      return;
    }
    if (error instanceof ConsumerStopping) {
      // Handed back on a forced shutdown: not the job's fault, the try does not count.
      this.db
        .prepare(`UPDATE render_queue SET state = 'queued', attempts = attempts - 1, updated_at = ? WHERE id = ?`)
        .run(Date.now(), job.id);
      return;
    }
    const reason = error instanceof Error ? error.message : String(error);
    if (!isRetriable(error) || attempt >= this.limits.attempts) {
      this.setState(job.id, 'failed', reason);
      return;
    }
    this.db
      .prepare(
        `UPDATE render_queue SET state = 'queued', failed_reason = ?, not_before = ?, updated_at = ? WHERE id = ?`,
      )
      .run(reason, Date.now() + retryDelay(this.limits, attempt), Date.now(), job.id);
  }

  saveProgress(jobId: string, fraction: number): void {
    this.db
      .prepare(`UPDATE render_queue SET progress = ?, updated_at = ? WHERE id = ? AND state = 'active'`)
      .run(Math.max(0, Math.min(1, fraction)), Date.now(), jobId);
  }

  runningJobs(): Map<string, { controller: AbortController; guildId: string | null; rendering: boolean }> {
    return this.running;
  }

  /** The job is past its render: it stops counting against its guild's concurrency. */
  releaseSlot(jobId: string): void {
    const running = this.running.get(jobId);
    if (running) running.rendering = false;
  }

  private runningInGuild(guildId: string): number {
    let count = 0;
    for (const running of this.running.values()) if (running.rendering && running.guildId === guildId) count++;
    return count;
  }

  private row(jobId: string): JobRow | undefined {
    return this.db.prepare('SELECT * FROM render_queue WHERE id = ?').get(jobId) as JobRow | undefined;
  }

  private positionOf(row: JobRow): number {
    if (row.state !== 'queued') return 0;
    const ahead = this.db
      .prepare(`SELECT COUNT(*) AS n FROM render_queue WHERE state = 'queued' AND seq < ?`)
      .get(row.seq) as { n: number };
    return ahead.n + 1;
  }

  private countActive(requesterId: string): number {
    return (
      this.db
        .prepare(`SELECT COUNT(*) AS n FROM render_queue WHERE requester_id = ? AND state IN ('queued', 'active')`)
        .get(requesterId) as { n: number }
    ).n;
  }

  private setState(jobId: string, state: RenderJobState, reason: string | null): void {
    this.db
      .prepare('UPDATE render_queue SET state = ?, failed_reason = ?, updated_at = ? WHERE id = ?')
      .run(state, reason, Date.now(), jobId);
  }
}

/** Thrown into a running handler's signal when its consumer is closed with `force`. */
export class ConsumerStopping extends Error {
  constructor() {
    super('the worker is shutting down');
    this.name = 'ConsumerStopping';
  }
}

class EmbeddedConsumer {
  private readonly active = new Map<string, Promise<void>>();
  /** Active jobs still on the GPU (not yet `releaseSlot`). */
  private readonly rendering = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    private readonly queue: EmbeddedRenderQueue,
    private readonly handler: RenderHandler,
    private readonly concurrency: number,
    private readonly deliveryBacklog: number,
  ) {}

  wake(): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.rendering.size < this.concurrency && this.active.size < this.concurrency + this.deliveryBacklog) {
      const claimed = this.queue.claimNext();
      if (!('job' in claimed)) {
        if (claimed.retryInMs !== undefined) this.timer = setTimeout(() => this.wake(), claimed.retryInMs + 5);
        return;
      }
      const { job, attempt, controller } = claimed;
      this.rendering.add(job.id);
      const run = this.run(job, attempt, controller).finally(() => {
        this.rendering.delete(job.id);
        this.active.delete(job.id);
        this.wake();
      });
      this.active.set(job.id, run);
    }
  }

  private async run(job: RenderJob, attempt: number, controller: AbortController): Promise<void> {
    let failure: unknown;
    let outcome: RenderOutcome | undefined;
    let released = false;
    const releaseSlot = () => {
      if (released) return;
      released = true;
      this.rendering.delete(job.id);
      this.queue.releaseSlot(job.id);
      // Deferred: the handler goes on posting while the next job is claimed.
      queueMicrotask(() => this.wake());
    };
    // Once released, the images exist: a late Cancel (or shutdown) no longer turns the job into a failure.
    const stopped = () => controller.signal.aborted && !released;
    try {
      outcome =
        (await this.handler(job, {
          attempt,
          maxAttempts: this.queue.limits.attempts,
          signal: controller.signal,
          reportProgress: async (fraction) => this.queue.saveProgress(job.id, fraction),
          releaseSlot,
        })) ?? undefined;
      if (stopped()) failure = controller.signal.reason;
    } catch (error) {
      failure = stopped() ? controller.signal.reason : error;
    }
    await this.queue.finish(job, attempt, failure ?? undefined, outcome);
  }

  async close(force: boolean): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (force) {
      for (const id of this.active.keys()) this.queue.runningJobs().get(id)?.controller.abort(new ConsumerStopping());
    }
    await Promise.allSettled([...this.active.values()]);
  }
}

function parseJob(data: string): RenderJob {
  return RenderJobSchema.parse(JSON.parse(data));
}
