import { errorMessage, networkErrorCode, UserFacingError } from '../errors.js';

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
 * Turns what the Qdrant client throws into one sentence naming QDRANT_URL and what to do: Qdrant's own reason
 * (`status.error` of its error body) with the collection and what the store was doing, instead of the bare HTTP
 * status text ("Bad Request"); or that nothing answers there, that the API key is missing, or that what answers is
 * not Qdrant.
 */
export function explainQdrantError(error: unknown, target: QdrantTarget, operation: string): UserFacingError {
  const url = redactedUrl(target.url);
  const status = httpStatus(error);
  const cause = { cause: error };
  if (status === 401 || status === 403) {
    return new UserFacingError(
      `Qdrant at QDRANT_URL=${url} refused the request (HTTP ${status}): set QDRANT_API_KEY to the server's API key.`,
      'config',
      cause,
    );
  }
  if (status !== undefined) {
    const reason = qdrantReason(error);
    if (reason === undefined) return notQdrant(url, `HTTP ${status} ${statusText(error)}`.trim(), cause);
    return new UserFacingError(
      `Qdrant at QDRANT_URL=${url} (collection "${target.collection}") refused to ${operation}: ` +
        `${trimSentence(reason)} (HTTP ${status}).`,
      status === 404 ? 'qdrant_not_found' : 'qdrant_rejected',
      cause,
    );
  }
  if (error instanceof Error && error.name === 'QdrantClientTimeoutError') {
    return new UserFacingError(
      `Qdrant at QDRANT_URL=${url} (collection "${target.collection}") did not answer in time to ${operation}.`,
      'unreachable',
      cause,
    );
  }
  const network = networkErrorCode(error);
  if (network) {
    return new UserFacingError(
      `Qdrant did not answer at QDRANT_URL=${url} (${network}): start Qdrant or fix QDRANT_URL (leave it empty for ` +
        'the embedded catalog).',
      'unreachable',
      cause,
    );
  }
  // A client that cannot read the answer fails with a TypeError: the server is something else.
  return notQdrant(url, error instanceof TypeError ? "its answers are not Qdrant's" : errorMessage(error), cause);
}

function notQdrant(url: string, answer: string, cause: { cause: unknown }): UserFacingError {
  return new UserFacingError(
    `QDRANT_URL=${url} does not answer like a Qdrant server (${trimSentence(answer)}): point it at Qdrant's REST ` +
      'port (6333 by default).',
    'config',
    cause,
  );
}

function httpStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const status = (error as { status?: unknown }).status;
  return typeof status === 'number' ? status : undefined;
}

function statusText(error: unknown): string {
  const text = (error as { statusText?: unknown }).statusText;
  return typeof text === 'string' ? text : '';
}

/** Qdrant answers errors as `{ status: { error: "..." }, time }`; the client keeps the parsed body as `data`. */
function qdrantReason(error: unknown): string | undefined {
  const data = (error as { data?: unknown }).data;
  const body = typeof data === 'string' ? parseJson(data) : data;
  if (typeof body !== 'object' || body === null) return undefined;
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

/** One line, no trailing full stop: the reason goes inside our sentence. */
function trimSentence(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  const short = line.length > 400 ? `${line.slice(0, 397)}...` : line;
  return short.replace(/[.\s]+$/, '');
}
