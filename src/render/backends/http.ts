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

export function unreachableError(backend: string, url: string, cause: unknown): RenderError {
  return new RenderError(
    `The render server (${backend}) is not answering, so the render could not run. An admin should check ${backendHost(url)}.`,
    'backend_unreachable',
    true,
    { cause },
  );
}

function backendHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'its address';
  }
}

/**
 * fetch for a render backend: a network failure becomes RenderError('backend_unreachable'); an abort by the caller's
 * signal is passed through as is.
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
