import type { Logger } from '../../log.js';

/**
 * Hubs rate-limit crawlers (HTTP 429) and have bad minutes (5xx). A crawl of tens of thousands of models must ride
 * those out: back off from 1 s, doubling to 30 s, and wait what the server asks for when it sends Retry-After.
 */
export interface RetryPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  /** Attempts in all, the first included. */
  maxAttempts: number;
}

export const DEFAULT_RETRY: RetryPolicy = { initialDelayMs: 1000, maxDelayMs: 30_000, maxAttempts: 8 };

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const sleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly url: string,
    detail: string,
  ) {
    super(`HTTP ${status} from ${redactUrl(url)}: ${detail}`);
    this.name = 'HttpError';
  }
}

export interface HttpClientOptions {
  headers?: Record<string, string>;
  retry?: Partial<RetryPolicy>;
  sleep?: Sleep;
  log?: Logger;
  /** Per-request timeout. */
  timeoutMs?: number;
  /** At most this many requests a minute (the hubs ask crawlers to be gentle); unlimited when absent. */
  requestsPerMinute?: number;
  userAgent?: string;
}

/** Query strings can carry tokens (`?token=`): never log them. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    for (const key of [...parsed.searchParams.keys()]) {
      if (/token|key|secret/i.test(key)) parsed.searchParams.set(key, 'redacted');
    }
    return parsed.toString();
  } catch {
    return url;
  }
}

/** Seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function isRetryable(status: number): boolean {
  return status === 429 || status >= 500;
}

export class HttpClient {
  private readonly policy: RetryPolicy;
  private readonly wait: Sleep;
  private nextStartAt = 0;

  constructor(private readonly options: HttpClientOptions = {}) {
    this.policy = { ...DEFAULT_RETRY, ...options.retry };
    this.wait = options.sleep ?? sleep;
  }

  /** GET with backoff on 429, 5xx and network errors; other statuses throw an HttpError at once. */
  async get(url: string, signal?: AbortSignal): Promise<Response> {
    let delay = this.policy.initialDelayMs;
    for (let attempt = 1; ; attempt += 1) {
      await this.throttle(signal);
      let response: Response | undefined;
      let failure: unknown;
      try {
        const timeout = AbortSignal.timeout(this.options.timeoutMs ?? 60_000);
        response = await fetch(url, {
          headers: { 'user-agent': this.options.userAgent ?? 'stylus-bot', ...this.options.headers },
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        });
      } catch (error) {
        if (signal?.aborted) throw error;
        failure = error;
      }
      if (response?.ok) return response;
      if (response && !isRetryable(response.status)) {
        const body = await response.text().catch(() => '');
        throw new HttpError(response.status, url, body.slice(0, 200) || response.statusText);
      }
      if (attempt >= this.policy.maxAttempts) {
        if (response) throw new HttpError(response.status, url, `still failing after ${attempt} attempts`);
        throw failure;
      }
      const asked = response ? retryAfterMs(response.headers.get('retry-after')) : undefined;
      // The server's Retry-After wins, but never beyond the cap: a crawl must not stall for an hour on one header.
      const waitMs = Math.min(asked ?? delay, this.policy.maxDelayMs);
      await response?.body?.cancel().catch(() => undefined);
      this.options.log?.warn(
        {
          url: redactUrl(url),
          status: response?.status,
          attempt,
          waitMs,
          error: failure ? String(failure) : undefined,
        },
        'hub request failed, backing off',
      );
      await this.wait(waitMs, signal);
      delay = Math.min(delay * 2, this.policy.maxDelayMs);
    }
  }

  /** Spaces request starts by 60 s / requestsPerMinute. */
  private async throttle(signal?: AbortSignal): Promise<void> {
    const perMinute = this.options.requestsPerMinute;
    if (!perMinute) return;
    const now = Date.now();
    const waitMs = this.nextStartAt - now;
    this.nextStartAt = Math.max(now, this.nextStartAt) + 60_000 / perMinute;
    if (waitMs > 0) await this.wait(waitMs, signal);
  }

  async getJson(url: string, signal?: AbortSignal): Promise<unknown> {
    const response = await this.get(url, signal);
    const text = await response.text();
    try {
      return JSON.parse(text);
    } catch {
      throw new HttpError(response.status, url, 'response is not JSON');
    }
  }
}
