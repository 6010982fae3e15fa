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
