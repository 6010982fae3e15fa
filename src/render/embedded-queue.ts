import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from '../log.js';
import { silentLogger } from '../log.js';
import { BACKGROUND_WRITE_WAIT_MS, isDatabaseBusy, writeWhenFree } from '../storage/busy.js';
import type { SqliteDatabase } from '../storage/sqlite.js';
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
  owner: string | null;
  lease_until: number;
}

/** How long a claim on a running job lasts without renewal: a job whose process died is taken up again after it. */
export const DEFAULT_LEASE_MS = 30_000;

export interface EmbeddedConsumer extends RenderConsumer {
  /** Stops like a killed process would: no more lease renewal, no finish (tests of the takeover). */
  abandon(): Promise<void>;
}

/**
 * The queue of the embedded mode, persisted in the shared SQLite file so a restart loses no accepted job. A running
 * job is claimed with an atomic update and held by a lease its process renews: a second bot or worker on the same
 * file never takes it while its owner lives, and takes it up (as a new try) once the owner stopped renewing. A job
 * whose owner died under it as many times as it has tries fails with a message instead of looping.
 */
export class EmbeddedRenderQueue implements RenderQueue {
  readonly kind = 'embedded';
  readonly limits: QueueLimits;
  readonly leaseMs: number;
  /** This queue's claims: host, process and a random part (two queues in one process are two owners). */
  readonly owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  /** Jobs in a consumer's hands; `rendering` until they release their slot (only then posting their images). */
  private readonly running = new Map<
    string,
    { controller: AbortController; guildId: string | null; rendering: boolean }
  >();
  private consumers = new Set<Consumer>();
  private readonly listeners = new Set<CompletedListener>();
  private readonly failedListeners = new Set<FailedListener>();

  constructor(
    private readonly db: SqliteDatabase,
    limits: Partial<QueueLimits> & { leaseMs?: number } = {},
    private readonly log: Logger = silentLogger,
  ) {
    const { leaseMs, ...queueLimits } = limits;
    this.limits = { ...DEFAULT_LIMITS, ...queueLimits };
    this.leaseMs = leaseMs ?? DEFAULT_LEASE_MS;
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
    const columns = new Set(
      (db.prepare('PRAGMA table_info(render_queue)').all() as { name: string }[]).map((column) => column.name),
    );
    // Files made before leases existed: their running jobs have an expired lease and are taken up at once.
    if (!columns.has('owner')) db.exec('ALTER TABLE render_queue ADD COLUMN owner TEXT');
    if (!columns.has('lease_until'))
      db.exec('ALTER TABLE render_queue ADD COLUMN lease_until INTEGER NOT NULL DEFAULT 0');
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

  async consume(handler: RenderHandler, options: ConsumeOptions = {}): Promise<EmbeddedConsumer> {
    // Jobs this host's dead processes held need not wait for their leases: accepted means rendered.
    const orphaned = this.db
      .prepare(`SELECT id, owner FROM render_queue WHERE state = 'active' AND lease_until >= ?`)
      .all(Date.now()) as { id: string; owner: string | null }[];
    for (const { id, owner } of orphaned.filter((row) => ownerIsDeadHere(row.owner))) {
      this.db
        .prepare(`UPDATE render_queue SET lease_until = 0 WHERE id = ? AND state = 'active' AND owner = ?`)
        .run(id, owner);
    }
    if (orphaned.length > 0) this.log.warn({ jobs: orphaned.length }, 'renders that were running are taken up again');
    const consumer = new Consumer(
      this,
      handler,
      options.concurrency ?? 1,
      options.deliveryBacklog ?? DEFAULT_DELIVERY_BACKLOG,
      options.onFailed,
    );
    this.consumers.add(consumer);
    consumer.wake();
    return {
      close: async (force = false) => {
        this.consumers.delete(consumer);
        await consumer.close(force);
      },
      abandon: async () => {
        this.consumers.delete(consumer);
        consumer.abandon();
      },
    };
  }

  async onCompleted(listener: CompletedListener): Promise<() => Promise<void>> {
    this.listeners.add(listener);
    return async () => {
      this.listeners.delete(listener);
    };
  }

  async onFailed(listener: FailedListener): Promise<() => Promise<void>> {
    this.failedListeners.add(listener);
    return async () => {
      this.failedListeners.delete(listener);
    };
  }

  async close(): Promise<void> {
    await Promise.all([...this.consumers].map((consumer) => consumer.close(false)));
    this.consumers.clear();
  }

  /**
   * The next job a consumer may start now (per-guild concurrency respected), claimed for this queue with an atomic
   * update, or a hint of when to look again. A job whose owner stopped renewing its lease is taken up as a new try;
   * past its last try it fails instead, and `gaveUp` tells the member.
   */
  claimNext(
    gaveUp: (job: RenderJob, failure: RenderFailure) => void,
  ): { job: RenderJob; attempt: number; controller: AbortController } | { retryInMs: number | undefined } {
    const now = Date.now();
    const rows = this.db
      .prepare(
        `SELECT * FROM render_queue WHERE state = 'queued' OR (state = 'active' AND lease_until < ?)
         ORDER BY seq LIMIT 500`,
      )
      .all(now) as JobRow[];
    let soonest = this.nextLeaseExpiry(now);
    for (const row of rows) {
      if (row.state === 'queued' && row.not_before > now) {
        soonest = Math.min(soonest ?? Number.POSITIVE_INFINITY, row.not_before - now);
        continue;
      }
      if (row.guild_id && this.runningInGuild(row.guild_id) >= this.limits.guildConcurrency) continue;
      if (row.state === 'active' && row.attempts >= this.limits.attempts) {
        const message = crashedMessage(row.attempts);
        const failed = this.db
          .prepare(
            `UPDATE render_queue SET state = 'failed', failed_reason = ?, owner = NULL, updated_at = ?
             WHERE id = ? AND state = 'active' AND lease_until < ?`,
          )
          .run(message, now, row.id, now).changes;
        if (failed === 1) {
          this.log.warn({ jobId: row.id, attempts: row.attempts }, 'render lost its worker on every try; failed');
          this.announceFailure(parseJob(row.data), { userMessage: message }, gaveUp);
        }
        continue;
      }
      const claimed = this.db
        .prepare(
          `UPDATE render_queue SET state = 'active', attempts = attempts + 1, owner = ?, lease_until = ?, updated_at = ?
           WHERE id = ? AND (state = 'queued' OR (state = 'active' AND lease_until < ?))`,
        )
        .run(this.owner, now + this.leaseMs, now, row.id, now).changes;
      // Another bot or worker on this file took it between the look and the claim.
      if (claimed !== 1) continue;
      const controller = new AbortController();
      this.running.set(row.id, { controller, guildId: row.guild_id, rendering: true });
      return { job: parseJob(row.data), attempt: row.attempts + 1, controller };
    }
    return { retryInMs: soonest };
  }

  /** Renews this queue's claims on its running jobs. */
  renewLeases(): void {
    this.db
      .prepare(`UPDATE render_queue SET lease_until = ? WHERE state = 'active' AND owner = ?`)
      .run(Date.now() + this.leaseMs, this.owner);
  }

  /** When the first lease held by someone else runs out (its job may then be taken up). */
  private nextLeaseExpiry(now: number): number | undefined {
    const row = this.db
      .prepare(`SELECT MIN(lease_until) AS at FROM render_queue WHERE state = 'active' AND owner IS NOT ?`)
      .get(this.owner) as { at: number | null };
    return row.at === null ? undefined : Math.max(0, row.at - now) + 1;
  }

  private announceFailure(
    job: RenderJob,
    failure: RenderFailure,
    consumerHook?: (job: RenderJob, failure: RenderFailure) => void,
  ): void {
    for (const listener of [...(consumerHook ? [consumerHook] : []), ...this.failedListeners]) {
      try {
        listener(job, failure);
      } catch (error) {
        this.log.error({ jobId: job.id, err: error }, 'failed-render listener failed');
      }
    }
  }

  async finish(
    job: RenderJob,
    attempt: number,
    error: unknown,
    outcome?: RenderOutcome,
    gaveUp?: (job: RenderJob, failure: RenderFailure) => void,
  ): Promise<void> {
    this.running.delete(job.id);
    // Every change below is ours to make only while the claim is: a job taken up elsewhere is not touched.
    const mine = `id = ? AND state = 'active' AND owner = ?`;
    const write = (sql: string, ...params: unknown[]) =>
      writeWhenFree(() => this.db.prepare(sql).run(...params, job.id, this.owner).changes, BACKGROUND_WRITE_WAIT_MS);
    const now = Date.now();
    if (error === undefined) {
      if (
        (await write(
          `UPDATE render_queue SET state = 'completed', progress = 1, updated_at = ? WHERE ${mine}`,
          now,
        )) === 0
      )
        return this.lostClaim(job);
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
      await write(
        `UPDATE render_queue SET state = 'cancelled', failed_reason = 'cancelled', updated_at = ? WHERE ${mine}`,
        now,
      );
      return;
    }
    if (error instanceof ConsumerStopping) {
      // Handed back on a forced shutdown: not the job's fault, the try does not count.
      await write(
        `UPDATE render_queue SET state = 'queued', attempts = attempts - 1, owner = NULL, updated_at = ? WHERE ${mine}`,
        now,
      );
      return;
    }
    const reason = error instanceof Error ? error.message : String(error);
    if (!isRetriable(error) || attempt >= this.limits.attempts) {
      const failed = await write(
        `UPDATE render_queue SET state = 'failed', failed_reason = ?, owner = NULL, updated_at = ? WHERE ${mine}`,
        reason,
        now,
      );
      if (failed === 0) return this.lostClaim(job);
      this.announceFailure(job, { userMessage: userMessageOf(error) }, gaveUp);
      return;
    }
    await write(
      `UPDATE render_queue SET state = 'queued', failed_reason = ?, not_before = ?, owner = NULL, updated_at = ?
       WHERE ${mine}`,
      reason,
      now + retryDelay(this.limits, attempt),
      now,
    );
  }

  private lostClaim(job: RenderJob): void {
    this.log.warn({ jobId: job.id }, 'render finished after its claim ran out; the job is in other hands');
  }

  saveProgress(jobId: string, fraction: number): void {
    try {
      this.db
        .prepare(`UPDATE render_queue SET progress = ?, updated_at = ? WHERE id = ? AND state = 'active' AND owner = ?`)
        .run(Math.max(0, Math.min(1, fraction)), Date.now(), jobId, this.owner);
    } catch (error) {
      // Progress is for dashboards: a locked database skips one update.
      if (!isDatabaseBusy(error)) throw error;
    }
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

class Consumer {
  private readonly active = new Map<string, Promise<void>>();
  /** Active jobs still on the GPU (not yet `releaseSlot`). */
  private readonly rendering = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private readonly renewal: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly queue: EmbeddedRenderQueue,
    private readonly handler: RenderHandler,
    private readonly concurrency: number,
    private readonly deliveryBacklog: number,
    private readonly onFailed?: (job: RenderJob, failure: RenderFailure) => Promise<void>,
  ) {
    this.renewal = setInterval(() => this.renew(), Math.max(50, Math.floor(queue.leaseMs / 3)));
  }

  /** Tells the member about a job this consumer failed (or gave up on), in the background. */
  private readonly gaveUp = (job: RenderJob, failure: RenderFailure): void => {
    void this.onFailed?.(job, failure).catch(() => undefined);
  };

  wake(): void {
    if (this.closed) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.rendering.size < this.concurrency && this.active.size < this.concurrency + this.deliveryBacklog) {
      let claimed: ReturnType<EmbeddedRenderQueue['claimNext']>;
      try {
        claimed = this.queue.claimNext(this.gaveUp);
      } catch (error) {
        // Another process holds the database (an ingest): look again shortly.
        if (!isDatabaseBusy(error)) throw error;
        claimed = { retryInMs: 250 };
      }
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

  private renew(): void {
    if (this.active.size === 0) return;
    try {
      this.queue.renewLeases();
    } catch (error) {
      // A lease outlives a few missed renewals; a locked database only delays one.
      if (!isDatabaseBusy(error)) throw error;
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
    // An abandoned consumer plays a dead process: it records nothing.
    if (controller.signal.reason instanceof Abandoned) return;
    await this.queue.finish(job, attempt, failure ?? undefined, outcome, this.gaveUp);
  }

  async close(force: boolean): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (force) {
      for (const id of this.active.keys()) this.queue.runningJobs().get(id)?.controller.abort(new ConsumerStopping());
    }
    await Promise.allSettled([...this.active.values()]);
    clearInterval(this.renewal);
  }

  /** Stops renewing and taking jobs; running handlers are told to stop and their ends are not recorded. */
  abandon(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    clearInterval(this.renewal);
    for (const id of this.active.keys()) this.queue.runningJobs().get(id)?.controller.abort(new Abandoned());
  }
}

/** The reason of a handler's signal when its consumer was abandoned (tests of a dead process). */
class Abandoned extends Error {
  constructor() {
    super('the consumer was abandoned');
    this.name = 'Abandoned';
  }
}

/** The member's sentence for an error: a RenderError's own, else a general one (details go to the log). */
function userMessageOf(error: unknown): string {
  return error instanceof RenderError ? error.userMessage : 'Something went wrong on the render server.';
}

/** Whether a claim's owner is a process of this host that no longer exists. */
function ownerIsDeadHere(owner: string | null): boolean {
  const [host, pid] = owner?.split(':') ?? [];
  if (host !== hostname() || !pid || Number(pid) === process.pid) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

function parseJob(data: string): RenderJob {
  return RenderJobSchema.parse(JSON.parse(data));
}
