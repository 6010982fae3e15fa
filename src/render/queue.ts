import type { RenderJob } from './job.js';

/**
 * The render queue port. Two implementations share one contract suite (test/contract/render-queue.contract.ts):
 * BullMQ on Redis (scale-out, workers in other processes) and an embedded queue persisted in SQLite (one process).
 */
export type RenderJobState = 'queued' | 'active' | 'completed' | 'failed' | 'cancelled';

export interface RenderJobStatus {
  id: string;
  state: RenderJobState;
  /** Tries started so far. */
  attempts: number;
  /** 0..1 */
  progress: number;
  /** 1-based place among queued jobs (only while queued). */
  position?: number;
  failedReason?: string;
}

export interface EnqueueResult {
  jobId: string;
  /** 1-based place in the queue; 0 when the job is already running or finished (a duplicate). */
  position: number;
  /** True when a job with this id already existed: nothing new was queued. */
  duplicate: boolean;
}

export interface QueuedJob {
  job: RenderJob;
  position: number;
}

export type CancelOutcome = 'removed' | 'interrupting' | 'not_found' | 'finished';

export interface RenderContext {
  /** 1-based try number. */
  attempt: number;
  maxAttempts: number;
  /** Aborted when the owner cancels a running job or the consumer shuts down. */
  signal: AbortSignal;
  reportProgress(fraction: number): Promise<void>;
  /**
   * Says the job no longer needs the GPU (its images are rendered; only posting them is left): the consumer may start
   * the next job, and the job's guild slot is free, while this one finishes. After it, a Cancel no longer stops the
   * job. Calling it twice is harmless.
   */
  releaseSlot(): void;
}

/** What a finished render reports: where it was posted and the seed of each image (by index). */
export interface RenderOutcome {
  messageId: string;
  seeds: Record<string, number>;
}

// biome-ignore lint/suspicious/noConfusingVoidType: handlers that report nothing (tests, tools) return Promise<void>.
export type RenderHandler = (job: RenderJob, context: RenderContext) => Promise<RenderOutcome | undefined | void>;

export type CompletedListener = (job: RenderJob, outcome: RenderOutcome) => void;

/** Why a job ended failed for good, as the sentence the member reads. */
export interface RenderFailure {
  userMessage: string;
}

export type FailedListener = (job: RenderJob, failure: RenderFailure) => void;

/** The member's sentence for a job that kept losing its worker mid-render (killed, crashed, restarted). */
export function crashedMessage(times: number): string {
  return `The render stopped before it finished ${times} times (the render worker crashed or was restarted), so it was not tried again.`;
}

export interface RenderConsumer {
  /** Stops taking jobs; a running job is finished (or handed back to the queue when `force`). */
  close(force?: boolean): Promise<void>;
}

export interface ConsumeOptions {
  /** Jobs rendering at once (one per GPU: 1). */
  concurrency?: number;
  /**
   * Jobs past their render (`releaseSlot`) that may still be posting their images while others render: Discord's rate
   * limits then slow delivery, not the GPU. Past it, the consumer waits for a delivery before taking another job.
   */
  deliveryBacklog?: number;
  /**
   * Called once, by the consumer that failed it, for every job that ends failed for good: a render error, tries used
   * up, or a job whose worker died under it too often (stalled). Never for a cancelled job. The worker tells the member.
   */
  onFailed?: (job: RenderJob, failure: RenderFailure) => Promise<void>;
}

/** Default `deliveryBacklog`: rendered images are held in memory until posted, so it stays small. */
export const DEFAULT_DELIVERY_BACKLOG = 4;

export interface QueueLimits {
  /** Queued or running jobs one member may have (RENDER_MAX_QUEUED_PER_USER). */
  maxQueuedPerUser: number;
  /** Jobs of one guild rendering at the same time (RENDER_GUILD_CONCURRENCY). */
  guildConcurrency: number;
  /** Tries per job before it fails. */
  attempts: number;
  /** First retry delay; doubles on each try. */
  backoffMs: number;
}

export const DEFAULT_LIMITS: QueueLimits = { maxQueuedPerUser: 3, guildConcurrency: 1, attempts: 3, backoffMs: 5_000 };

export interface RenderQueue {
  readonly kind: 'bullmq' | 'embedded';
  readonly limits: QueueLimits;
  /** Queues a job unless one with the same id exists. Throws RenderError('queue_limit') past the per-user limit. */
  enqueue(job: RenderJob): Promise<EnqueueResult>;
  status(jobId: string): Promise<RenderJobStatus | undefined>;
  /** Jobs waiting to run, first first (at most `limit`). */
  queued(limit?: number): Promise<QueuedJob[]>;
  /** Queued or running jobs of one member. */
  activeCountFor(requesterId: string): Promise<number>;
  /** Removes a queued job or interrupts a running one. Ownership is the caller's business. */
  cancel(jobId: string): Promise<CancelOutcome>;
  /** Starts taking jobs. `concurrency` is per consumer (one per GPU: 1). */
  consume(handler: RenderHandler, options?: ConsumeOptions): Promise<RenderConsumer>;
  /**
   * Calls `listener` for each job that completes with an outcome, whichever worker ran it (BullMQ: from the time of
   * the call on). The bot uses it to record results in its own store when workers run elsewhere.
   */
  onCompleted(listener: CompletedListener): Promise<() => Promise<void>>;
  /**
   * Calls `listener` for each job that ends failed for good, whichever worker ran it (BullMQ: from the time of the
   * call on). The bot uses it to make the composition renderable again.
   */
  onFailed(listener: FailedListener): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** Backoff before try `attempt + 1`: base, 2x base, 4x base... */
export function retryDelay(limits: QueueLimits, attempt: number): number {
  return limits.backoffMs * 2 ** Math.max(0, attempt - 1);
}

export function queueLimitMessage(limit: number): string {
  return `You already have ${limit} render${limit === 1 ? '' : 's'} waiting. Wait for one to finish (or cancel one) and try again.`;
}
