import type { ResultDelivery } from './delivery.js';
import type { RenderJob } from './job.js';
import type { RenderQueue } from './queue.js';

/**
 * Edits of the bot's status message, at most one per `minIntervalMs` per job (Discord rate-limits edits; members
 * do not need more): the latest text always goes out, late rather than never. `force` sends at once (start, end).
 */
export class StatusThrottle {
  private readonly last = new Map<string, { sentAt: number; text: string; pending?: string; timer?: NodeJS.Timeout }>();
  private readonly sending = new Set<Promise<void>>();

  constructor(
    private readonly delivery: ResultDelivery,
    private readonly minIntervalMs = 2_000,
  ) {}

  report(job: RenderJob, text: string, force = false): void {
    if (!job.statusMessageId) return;
    const state = this.last.get(job.id);
    if (state && state.text === text && !state.pending) return;
    const now = Date.now();
    if (!state || force || now - state.sentAt >= this.minIntervalMs) {
      if (state?.timer) clearTimeout(state.timer);
      this.last.set(job.id, { sentAt: now, text });
      this.track(this.delivery.updateStatus(job, text));
      return;
    }
    state.pending = text;
    if (!state.timer) {
      state.timer = setTimeout(
        () => {
          const current = this.last.get(job.id);
          if (!current?.pending) return;
          this.last.set(job.id, { sentAt: Date.now(), text: current.pending });
          this.track(this.delivery.updateStatus(job, current.pending));
        },
        this.minIntervalMs - (now - state.sentAt),
      );
    }
  }

  /** Sends `text` now and forgets the job (its last word). */
  async finish(job: RenderJob, text: string): Promise<void> {
    const state = this.last.get(job.id);
    if (state?.timer) clearTimeout(state.timer);
    this.last.delete(job.id);
    if (job.statusMessageId) await this.delivery.updateStatus(job, text);
  }

  /** Waits for edits in flight (tests, shutdown). */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.sending]);
  }

  private track(promise: Promise<void>): void {
    this.sending.add(promise);
    void promise.finally(() => this.sending.delete(promise));
  }
}

export function queuedText(position: number): string {
  return position <= 1 ? 'Queued: next in line.' : `Queued: position ${position}.`;
}

export function progressText(imageIndex: number, imageCount: number, fraction: number): string {
  const percent = Math.round(Math.max(0, Math.min(1, fraction)) * 100);
  return imageCount > 1 ? `Rendering image ${imageIndex + 1} of ${imageCount}: ${percent}%` : `Rendering: ${percent}%`;
}

/**
 * Tells waiting jobs their new place when the queue moves (a job starts or ends). Remembers what each was told, so an
 * unchanged position is not edited again.
 */
export class PositionAnnouncer {
  private readonly told = new Map<string, number>();

  constructor(
    private readonly queue: RenderQueue,
    private readonly status: StatusThrottle,
    private readonly limit = 25,
  ) {}

  async announce(): Promise<void> {
    const waiting = await this.queue.queued(this.limit);
    const seen = new Set<string>();
    for (const { job, position } of waiting) {
      seen.add(job.id);
      if (this.told.get(job.id) === position) continue;
      this.told.set(job.id, position);
      this.status.report(job, queuedText(position), true);
    }
    for (const id of this.told.keys()) if (!seen.has(id)) this.told.delete(id);
  }
}
