import { RenderError } from '../errors.js';

const OOM = /out of memory|OutOfMemoryError|Allocation on device|CUDA error: out of memory/i;

export function isOutOfMemory(text: string): boolean {
  return OOM.test(text);
}

export function outOfMemoryError(backend: string, detail: string): RenderError {
  return new RenderError(
    `The GPU ran out of memory on this render (${backend}). Try fewer adapters, fewer images or a smaller size.`,
    'out_of_memory',
    false,
    { cause: new Error(detail) },
  );
}

/** The setting that holds each backend's address, named in messages instead of the address itself. */
const SETTING: Record<string, string> = { ComfyUI: 'COMFYUI_URL', AUTOMATIC1111: 'A1111_URL' };

/**
 * The backend did not answer. Members see no address of ours (they go to the log, with the cause): only which
 * setting an admin should check.
 */
export function unreachableError(backend: string, url: string, cause: unknown): RenderError {
  return new RenderError(
    `The render server (${backend}) is not answering, so the render could not run. ` +
      `An admin should check that it is running and reachable from the worker (${SETTING[backend] ?? 'its URL setting'}).`,
    'backend_unreachable',
    true,
    { cause: new Error(`${backend} at ${backendHost(url)}: ${describe(cause)}`, { cause }) },
  );
}

/** The backend took longer than its deadline on one image: it is interrupted and the try counts as failed. */
export function tooSlowError(backend: string, timeoutMs: number): RenderError {
  return new RenderError(
    `The render took longer than ${Math.round(timeoutMs / 1000)} s on the render server (${backend}) and was stopped.`,
    'backend_unreachable',
    true,
  );
}

function backendHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'its address';
  }
}

function describe(error: unknown): string {
  const code = (error as { cause?: { code?: unknown } } | undefined)?.cause?.code;
  const text = error instanceof Error ? error.message : String(error);
  return typeof code === 'string' ? `${text} (${code})` : text;
}

/** Whether a failed fetch never reached the server (so sending it again cannot run anything twice). */
export function neverReached(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    if ((current as { code?: unknown }).code === 'ECONNREFUSED') return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * Text a backend wrote (an exception message, a validation detail) made fit for members: URLs and host:port pairs
 * become "[address]", so an error that quotes our network layout does not publish it.
 */
export function publicText(text: string): string {
  return text
    .replace(/\b[a-z][\w+.-]*:\/\/[^\s'"<>)\]]+/gi, '[address]')
    .replace(/\b(?:\d{1,3}\.){3}\d{1,3}(?::\d{1,5})?\b/g, '[address]')
    .replace(/\[[0-9a-f:]*:[0-9a-f:]*\](?::\d{1,5})?/gi, '[address]')
    .replace(/\b(?:localhost|[\w-]+(?:\.[\w-]+)+):\d{2,5}\b/gi, '[address]');
}

/**
 * fetch for a render backend, with a total deadline (`timeoutMs`; the connection itself must open within undici's
 * 10 s connect timeout): a network failure or the deadline becomes RenderError('backend_unreachable'); an abort by
 * the caller's signal is passed through as is.
 */
export async function backendFetch(
  backend: string,
  url: string,
  init: RequestInit & { timeoutMs?: number } = {},
): Promise<Response> {
  const { timeoutMs = 30_000, signal, ...rest } = init;
  const timeout = AbortSignal.timeout(timeoutMs);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  try {
    return await fetch(url, { ...rest, signal: combined });
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    throw unreachableError(backend, url, error);
  }
}

/** The body of a failed response as text (bounded), for error messages and logs. */
export async function errorBody(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  return text.slice(0, 4000);
}
