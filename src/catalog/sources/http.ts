import { UserFacingError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { readBodyCapped } from '../../util/read-capped.js';

/**
 * The hubs' HTTP client. Hubs rate-limit crawlers (HTTP 429) and have bad minutes (5xx): a crawl of tens of
 * thousands of models rides those out, backing off from 1 s, doubling to 30 s, and waiting what the server asks
 * for in Retry-After. Everything else fails at once, in a sentence that names the hub and its setting: a hub that
 * cannot be reached (refused, unknown host) or never answered is not retried, and every request has two deadlines,
 * one to start answering (connect included) and one for the whole answer.
 */
export interface RetryPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  /** Attempts in all for 429 and 5xx answers, the first included. */
  maxAttempts: number;
  /** Attempts in all for a request that timed out at a hub that has answered before. */
  maxTimeoutAttempts: number;
}

export const DEFAULT_RETRY: RetryPolicy = {
  initialDelayMs: 1000,
  maxDelayMs: 30_000,
  maxAttempts: 8,
  maxTimeoutAttempts: 3,
};

/** Time for a hub to start answering, connection included. */
export const DEFAULT_ANSWER_TIMEOUT_MS = 10_000;
/** Time for a whole answer, body included. */
export const DEFAULT_TOTAL_TIMEOUT_MS = 60_000;
/** Largest answer read (model info of a repo with thousands of files is a few MB). */
export const DEFAULT_MAX_BODY_BYTES = 32 * 1024 * 1024;
/** Largest error answer read for its message; a longer one (a whole HTML page) says nothing useful. */
const ERROR_DETAIL_BYTES = 16 * 1024;

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

/** Which hub a client talks to, for messages that say what to check. */
export interface HubIdentity {
  /** "Hugging Face", "Civitai". */
  name: string;
  /** The setting that holds its address, and that address. */
  setting: string;
  url: string;
  /** The setting that holds its token. */
  tokenSetting: string;
}

const UNNAMED_HUB: HubIdentity = { name: 'The hub', setting: 'its address', url: '', tokenSetting: 'its token' };

/** The hub answered with a status that is not success (after retries for 429 and 5xx). */
export class HttpError extends UserFacingError {
  constructor(
    readonly status: number,
    readonly url: string,
    message: string,
  ) {
    super(message, 'hub_http');
    this.name = 'HttpError';
  }
}

/** The hub could not be reached, or did not answer in time: the whole listing stops, not just one record. */
export class HubUnreachableError extends UserFacingError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, 'hub_unreachable', options);
    this.name = 'HubUnreachableError';
  }
}

export interface HttpClientOptions {
  hub?: HubIdentity;
  /** Sent as a Bearer token, and never let into an error message. */
  token?: string;
  headers?: Record<string, string>;
  retry?: Partial<RetryPolicy>;
  sleep?: Sleep;
  log?: Logger;
  /** Deadline to start answering, connection included. */
  answerTimeoutMs?: number;
  /** Deadline for the whole answer. */
  timeoutMs?: number;
  maxBodyBytes?: number;
  /** At most this many requests a minute (the hubs ask crawlers to be gentle); unlimited when absent. */
  requestsPerMinute?: number;
  userAgent?: string;
}

/** An answer read whole within the deadlines. */
export interface HubResponse {
  url: string;
  status: number;
  headers: Headers;
  text: string;
}

/** Query strings can carry tokens (`?token=`) and URLs credentials: never show them. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username || parsed.password) {
      parsed.username = 'redacted';
      parsed.password = '';
    }
    for (const key of [...parsed.searchParams.keys()]) {
      if (/token|key|secret/i.test(key)) parsed.searchParams.set(key, 'redacted');
    }
    return parsed.toString();
  } catch {
    return url;
  }
}

/**
 * Text from a server (an error body) with anything token-like taken out: the client's own tokens wherever they
 * appear, `Bearer ...`, Hugging Face tokens (`hf_...`) and Civitai API keys (32 hex digits). Servers echo headers.
 */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  return out
    .replace(/\bBearer\s+[^\s"',;]+/gi, 'Bearer [redacted]')
    .replace(/\bhf_[A-Za-z0-9]{8,}/g, '[redacted]')
    .replace(/\b[0-9a-f]{32}\b/gi, '[redacted]');
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

/** undici's own deadline codes, and the system's. */
const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);

function errorCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

const seconds = (ms: number) => `${Number((ms / 1000).toFixed(2))} s`;

type Attempt =
  | { kind: 'answer'; response: HubResponse }
  | { kind: 'timeout'; phase: 'answer' | 'total'; error: unknown }
  | { kind: 'network'; code: string | undefined; error: unknown };

export class HttpClient {
  private readonly policy: RetryPolicy;
  private readonly wait: Sleep;
  private readonly hub: HubIdentity;
  private nextStartAt = 0;
  /** Whether the hub has answered once: timeouts are worth a retry only at a hub that is there. */
  private reachable = false;

  constructor(private readonly options: HttpClientOptions = {}) {
    this.policy = { ...DEFAULT_RETRY, ...options.retry };
    this.wait = options.sleep ?? sleep;
    this.hub = options.hub ?? UNNAMED_HUB;
  }

  /** GET, read whole; retried on 429, 5xx and (at a hub that answered before) timeouts, all bounded. */
  async get(url: string, signal?: AbortSignal): Promise<HubResponse> {
    let delay = this.policy.initialDelayMs;
    for (let attempt = 1; ; attempt += 1) {
      await this.throttle(signal);
      const outcome = await this.attempt(url, signal);
      let waitMs = delay;
      if (outcome.kind === 'answer') {
        const { response } = outcome;
        if (response.status >= 200 && response.status < 300) return response;
        if (!isRetryable(response.status)) throw this.statusError(response);
        if (attempt >= this.policy.maxAttempts) {
          throw new HttpError(
            response.status,
            url,
            `${this.hub.name} answered HTTP ${response.status} ${attempt} times in a row (${redactUrl(url)}); try again later.`,
          );
        }
        // The server's Retry-After wins, but never beyond the cap: a crawl must not stall for an hour on one header.
        waitMs = Math.min(retryAfterMs(response.headers.get('retry-after')) ?? delay, this.policy.maxDelayMs);
      } else if (outcome.kind === 'timeout') {
        if (!this.reachable || attempt >= this.policy.maxTimeoutAttempts) throw this.timeoutError(outcome, attempt);
      } else {
        throw this.networkError(outcome);
      }
      this.options.log?.warn(
        {
          hub: this.hub.name,
          url: redactUrl(url),
          status: outcome.kind === 'answer' ? outcome.response.status : undefined,
          failure: outcome.kind === 'answer' ? undefined : outcome.kind,
          attempt,
          waitMs,
        },
        'hub request failed, backing off',
      );
      await this.wait(waitMs, signal);
      delay = Math.min(delay * 2, this.policy.maxDelayMs);
    }
  }

  async getJson(url: string, signal?: AbortSignal): Promise<unknown> {
    const response = await this.get(url, signal);
    try {
      return JSON.parse(response.text);
    } catch {
      throw new HttpError(response.status, url, `${this.hub.name} answered ${redactUrl(url)} with something not JSON.`);
    }
  }

  /** One request under both deadlines, its body read (capped) before either passes. */
  private async attempt(url: string, signal?: AbortSignal): Promise<Attempt> {
    const answerMs = this.options.answerTimeoutMs ?? DEFAULT_ANSWER_TIMEOUT_MS;
    const totalMs = this.options.timeoutMs ?? DEFAULT_TOTAL_TIMEOUT_MS;
    const answered = new AbortController();
    const answerTimer = setTimeout(() => answered.abort(new Error('no answer in time')), answerMs);
    const total = AbortSignal.timeout(totalMs);
    const signals = [answered.signal, total, ...(signal ? [signal] : [])];
    try {
      const response = await fetch(url, {
        headers: {
          'user-agent': this.options.userAgent ?? 'stylus-bot',
          ...(this.options.token ? { authorization: `Bearer ${this.options.token}` } : {}),
          ...this.options.headers,
        },
        signal: AbortSignal.any(signals),
      });
      clearTimeout(answerTimer);
      this.reachable = true;
      const ok = response.ok;
      if (!ok && isRetryable(response.status)) {
        await response.body?.cancel().catch(() => undefined);
        return { kind: 'answer', response: { url, status: response.status, headers: response.headers, text: '' } };
      }
      const text = ok ? await this.readWhole(response, url) : await errorDetail(response);
      return { kind: 'answer', response: { url, status: response.status, headers: response.headers, text } };
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      if (error instanceof HttpError) throw error;
      if (answered.signal.aborted) return { kind: 'timeout', phase: 'answer', error };
      if (total.aborted) return { kind: 'timeout', phase: 'total', error };
      const code = errorCode(error);
      if (code && TIMEOUT_CODES.has(code)) return { kind: 'timeout', phase: 'answer', error };
      return { kind: 'network', code, error };
    } finally {
      clearTimeout(answerTimer);
    }
  }

  private async readWhole(response: Response, url: string): Promise<string> {
    const max = this.options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    const body = await readBodyCapped(response, max);
    if (!body) {
      throw new HttpError(
        response.status,
        url,
        `${this.hub.name} answered ${redactUrl(url)} with more than ${Math.round(max / 1024 / 1024)} MB; is ${this.hub.setting} a hub?`,
      );
    }
    return body.toString('utf8');
  }

  private where(): string {
    return this.hub.url ? `${this.hub.name} (${this.hub.setting}=${redactUrl(this.hub.url)})` : this.hub.name;
  }

  private statusError(response: HubResponse): HttpError {
    const { status, url } = response;
    if (status === 401) {
      const message = this.options.token
        ? `${this.hub.name} refused the token (401): check ${this.hub.tokenSetting}.`
        : `${this.hub.name} asks for a token (401) for ${redactUrl(url)}: set ${this.hub.tokenSetting}.`;
      return new HttpError(status, url, message);
    }
    const detail = redactSecrets(response.text.replace(/\s+/g, ' ').trim(), [this.options.token]).slice(0, 200);
    return new HttpError(status, url, `HTTP ${status} from ${redactUrl(url)}${detail ? `: ${detail}` : ''}`);
  }

  private timeoutError(outcome: Extract<Attempt, { kind: 'timeout' }>, attempts: number): HubUnreachableError {
    const tries = attempts > 1 ? ` (${attempts} tries)` : '';
    const message =
      outcome.phase === 'answer'
        ? `${this.where()} did not answer within ${seconds(this.options.answerTimeoutMs ?? DEFAULT_ANSWER_TIMEOUT_MS)}${tries}; check the address or your network.`
        : `${this.where()} did not finish answering within ${seconds(this.options.timeoutMs ?? DEFAULT_TOTAL_TIMEOUT_MS)}${tries}; try again later.`;
    return new HubUnreachableError(message, { cause: outcome.error });
  }

  private networkError(outcome: Extract<Attempt, { kind: 'network' }>): HubUnreachableError {
    const reason =
      outcome.code === 'ECONNREFUSED'
        ? 'refused the connection'
        : outcome.code === 'ENOTFOUND' || outcome.code === 'EAI_AGAIN'
          ? 'could not be found (no such host)'
          : `could not be reached (${outcome.code ?? redactSecrets(String((outcome.error as Error)?.message ?? outcome.error))})`;
    return new HubUnreachableError(`${this.where()} ${reason}; check the address or your network.`, {
      cause: outcome.error,
    });
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
}

async function errorDetail(response: Response): Promise<string> {
  const body = await readBodyCapped(response, ERROR_DETAIL_BYTES).catch(() => undefined);
  return body ? body.toString('utf8') : '';
}
