import { UserFacingError } from '../errors.js';

/**
 * Where a failed Qdrant request went, for the one sentence that explains it: the server (as QDRANT_URL, without
 * credentials) and the collection.
 */
export interface QdrantTarget {
  url: string;
  collection: string;
}

/** The origin of a URL without user name or password: safe to print and to log. */
export function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return '(an invalid URL)';
  }
}

/**
 * Turns what the Qdrant client throws into one sentence naming QDRANT_URL, the collection, what the store was doing
 * and Qdrant's own reason (`status.error` of its error body), instead of the bare HTTP status text ("Bad Request").
 */
export function explainQdrantError(error: unknown, target: QdrantTarget, operation: string): UserFacingError {
  const where = `Qdrant at QDRANT_URL=${redactedUrl(target.url)} (collection "${target.collection}")`;
  const status = httpStatus(error);
  if (status !== undefined) {
    const reason = qdrantReason(error) ?? `HTTP ${status}`;
    return new UserFacingError(
      `${where} refused to ${operation}: ${trimSentence(reason)} (HTTP ${status}).`,
      status === 404 ? 'qdrant_not_found' : 'qdrant_rejected',
      { cause: error },
    );
  }
  if (error instanceof Error && error.name === 'QdrantClientTimeoutError') {
    return new UserFacingError(`${where} did not answer in time while trying to ${operation}.`, 'qdrant_unreachable', {
      cause: error,
    });
  }
  const code = networkCode(error);
  const detail = code ?? (error instanceof Error ? error.message : String(error));
  return new UserFacingError(`Cannot reach ${where} to ${operation}: ${trimSentence(detail)}.`, 'qdrant_unreachable', {
    cause: error,
  });
}

function httpStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const status = (error as { status?: unknown }).status;
  return typeof status === 'number' ? status : undefined;
}

/** Qdrant answers errors as `{ status: { error: "..." }, time }`; the client keeps the parsed body as `data`. */
function qdrantReason(error: unknown): string | undefined {
  const data = (error as { data?: unknown }).data;
  const body = typeof data === 'string' ? parseJson(data) : data;
  if (typeof body !== 'object' || body === null) return typeof data === 'string' && data ? data : undefined;
  const status = (body as { status?: unknown }).status;
  if (typeof status === 'object' && status !== null) {
    const reason = (status as { error?: unknown }).error;
    if (typeof reason === 'string' && reason) return reason;
  }
  return undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `fetch failed` hides the reason in `cause`: ECONNREFUSED, ENOTFOUND... */
function networkCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z_]+$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** One line, no trailing full stop: the reason goes inside our sentence. */
function trimSentence(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  const short = line.length > 400 ? `${line.slice(0, 397)}...` : line;
  return short.replace(/[.\s]+$/, '');
}
