import type { Logger } from '../log.js';
import { silentLogger } from '../log.js';
import { type ResultDelivery, StatusEditDeferred } from './delivery.js';
import type { RenderJob } from './job.js';
import type { RenderQueue } from './queue.js';

interface StatusState {
  job: RenderJob;
  /** The text to send next (the latest reported; older ones are dropped unsent). */
  pending?: string;
  /** Send `pending` without waiting for the interval (start, end, queue moves). */
  urgent: boolean;
  /** The job's last word is set: later progress reports are ignored. */
  final: boolean;
  /** The job is on the GPU: a queue position computed a moment earlier is stale. */
  started: boolean;
  inFlight: boolean;
  /** The text Discord last accepted. */
  lastText?: string;
  sentAt: number;
  /** Not before this time (Discord said to wait). */
  notBefore: number;
  timer?: NodeJS.Timeout;
  touchedAt: number;
}

const FORGET_AFTER_MS = 60 * 60_000;

/**
 * What a status text says: a place in the queue (dropped once the job started), the start of a try, progress
 * (throttled), or that the job goes back to the queue for another try.
 */
export type StatusKind = 'queued' | 'started' | 'progress' | 'retrying';

/**
 * The status message of each job, kept up to date off the render path: nothing here is awaited by a render. Per
 * message at most one edit is in flight and at most one waits; a newer text replaces the waiting one (the latest
 * state wins). Progress edits go out at most once per `minIntervalMs`; `urgent` ones (start, queue moves, the last
 * word) as soon as the edit in flight is answered. When Discord rate-limits an edit, the latest text is sent again
 * after the wait it asked for.
 */
export class StatusBoard {
  private readonly states = new Map<string, StatusState>();
  private readonly settled = new Set<() => void>();

  constructor(
    private readonly delivery: ResultDelivery,
    private readonly minIntervalMs = 2_000,
    private readonly log: Logger = silentLogger,
  ) {}

  report(job: RenderJob, text: string, kind: StatusKind): void {
    if (!job.statusMessageId) return;
    const state = this.stateOf(job);
    // Reports race with each other (a queue snapshot taken before the job started, a progress event after the last
    // word): only those that still describe the job are kept. A new try always is.
    if (kind === 'queued' && (state.started || state.final)) return;
    if (kind === 'progress' && state.final) return;
    if (kind === 'started' || kind === 'retrying') {
      state.started = kind === 'started';
      state.final = false;
    }
    this.queue(state, text, kind !== 'progress');
  }

  /** Sets the job's last word; it is sent as soon as the message may be edited, and the job is then forgotten. */
  finish(job: RenderJob, text: string): void {
    if (!job.statusMessageId) return;
    const state = this.stateOf(job);
    state.final = true;
    this.queue(state, text, true);
  }

  /** Resolves when no edit is in flight or waiting, or after `timeoutMs` (tests, shutdown). */
  async flush(timeoutMs = 10_000): Promise<void> {
    if (this.idle()) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.settled.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.settled.add(done);
    });
  }

  private stateOf(job: RenderJob): StatusState {
    const now = Date.now();
    let state = this.states.get(job.id);
    if (!state) {
      this.forgetStale(now);
      state = {
        job,
        urgent: false,
        final: false,
        started: false,
        inFlight: false,
        sentAt: 0,
        notBefore: 0,
        touchedAt: now,
      };
      this.states.set(job.id, state);
    }
    state.job = job;
    state.touchedAt = now;
    return state;
  }

  private queue(state: StatusState, text: string, urgent: boolean): void {
    if (state.pending === undefined && !state.inFlight && state.lastText === text) return;
    state.pending = text;
    state.urgent ||= urgent;
    this.schedule(state);
  }

  private schedule(state: StatusState): void {
    if (state.inFlight || state.pending === undefined) return;
    const now = Date.now();
    const due = Math.max(state.notBefore, state.urgent ? 0 : state.sentAt + this.minIntervalMs);
    if (due > now) {
      // An urgent text must not wait for a progress timer set earlier.
      if (state.timer && !state.urgent) return;
      if (state.timer) clearTimeout(state.timer);
      state.timer = setTimeout(() => {
        state.timer = undefined;
        this.schedule(state);
      }, due - now);
      state.timer.unref();
      return;
    }
    if (state.timer) clearTimeout(state.timer);
    state.timer = undefined;
    this.send(state, state.pending);
  }

  private send(state: StatusState, text: string): void {
    state.pending = undefined;
    state.urgent = false;
    state.inFlight = true;
    void this.delivery
      .updateStatus(state.job, text)
      .then(
        () => {
          state.lastText = text;
        },
        (error: unknown) => {
          if (error instanceof StatusEditDeferred) {
            state.notBefore = Date.now() + error.retryAfterMs;
            // Sent again after the wait, unless a newer text took its place meanwhile.
            if (state.pending === undefined) {
              state.pending = text;
              state.urgent = true;
            }
          } else {
            this.log.warn({ jobId: state.job.id, err: error }, 'status message edit failed');
          }
        },
      )
      .finally(() => {
        state.inFlight = false;
        state.sentAt = Date.now();
        if (state.pending !== undefined) this.schedule(state);
        else if (state.final) this.states.delete(state.job.id);
        if (this.idle()) for (const done of [...this.settled]) done();
      });
  }

  private idle(): boolean {
    for (const state of this.states.values()) if (state.inFlight || state.pending !== undefined) return false;
    return true;
  }

  /** Jobs that never got a last word (removed from the queue elsewhere) are not kept for ever. */
  private forgetStale(now: number): void {
    for (const [id, state] of this.states) {
      if (!state.inFlight && now - state.touchedAt > FORGET_AFTER_MS) {
        if (state.timer) clearTimeout(state.timer);
        this.states.delete(id);
      }
    }
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
    private readonly status: StatusBoard,
    private readonly limit = 25,
  ) {}

  async announce(): Promise<void> {
    const waiting = await this.queue.queued(this.limit);
    const seen = new Set<string>();
    for (const { job, position } of waiting) {
      seen.add(job.id);
      if (this.told.get(job.id) === position) continue;
      this.told.set(job.id, position);
      this.status.report(job, queuedText(position), 'queued');
    }
    for (const id of this.told.keys()) if (!seen.has(id)) this.told.delete(id);
  }
}
