import { UserFacingError } from '../errors.js';

/**
 * SQLite writes in a process that serves members. better-sqlite3 is synchronous: a statement that waits for another
 * process's write lock (an admin's `stylus ingest`) waits on the event loop, and every interaction waits with it. So a
 * serving process keeps its busy timeout tiny and waits here instead, between short pauses that let the loop run.
 */
export const BUSY_MESSAGE = 'The catalog is busy (an ingest is running); try again in a moment.';
/** A serving process's busy timeout: the longest one statement may hold the event loop on another's lock. */
export const SERVING_BUSY_TIMEOUT_MS = 50;
/** How long a member's write keeps trying before the member is told the catalog is busy (clicks must answer in 3 s). */
export const INTERACTION_WRITE_WAIT_MS = 2_000;
/** How long a render's bookkeeping keeps trying: it must not be lost, and nobody waits on it. */
export const BACKGROUND_WRITE_WAIT_MS = 10 * 60_000;

export function isDatabaseBusy(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

export class DatabaseBusyError extends UserFacingError {
  constructor(cause: unknown) {
    super(BUSY_MESSAGE, 'database_busy', { cause });
    this.name = 'DatabaseBusyError';
  }
}

/**
 * Runs a synchronous write; while the database is locked by another process, tries again after pauses of 10 to
 * 200 ms until `waitMs` has passed, then throws DatabaseBusyError. A failed try changed nothing (each write is one
 * statement or one transaction), so trying again is safe.
 */
export async function writeWhenFree<T>(write: () => T, waitMs = INTERACTION_WRITE_WAIT_MS): Promise<T> {
  const deadline = Date.now() + waitMs;
  for (let pause = 10; ; pause = Math.min(pause * 2, 200)) {
    try {
      return write();
    } catch (error) {
      if (!isDatabaseBusy(error)) throw error;
      if (Date.now() + pause > deadline) throw new DatabaseBusyError(error);
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
  }
}
