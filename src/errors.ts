/**
 * Expected failures carry a sentence a member or an admin understands. Everything else is a bug or an
 * outage: it gets a generic apology for the user and a structured log line with the error.
 */
export class UserFacingError extends Error {
  constructor(
    readonly userMessage: string,
    readonly code: string = 'bad_request',
    options?: { cause?: unknown },
  ) {
    super(userMessage, options);
    this.name = 'UserFacingError';
  }
}

export function isUserFacing(error: unknown): error is UserFacingError {
  return error instanceof UserFacingError;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_SOCKET',
]);

/**
 * The socket-level code (ECONNREFUSED...) of a failed request, looked for along the `cause` chain; "no connection"
 * for fetch's own "fetch failed" when a client dropped its cause. Undefined when the server did answer.
 */
export function networkErrorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    const { code, cause } = current as { code?: unknown; cause?: unknown };
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
    current = cause;
  }
  return error instanceof TypeError && error.message === 'fetch failed' ? 'no connection' : undefined;
}
