import { accessSync, constants, mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { UserFacingError } from '../errors.js';

export type SqliteDatabase = Database.Database;

/**
 * How long a statement waits for another process's write lock (an ingest, a second CLI run) before giving up. A CLI
 * second writer waits its turn; the bot lowers it once it serves members (see storage/busy.ts).
 */
export const DEFAULT_BUSY_TIMEOUT_MS = 60_000;

/** The one SQLite file of the embedded mode: catalog, key-value state and the embedded queue live here. */
export function databasePath(dataDir: string): string {
  return path.join(dataDir, 'stylus.db');
}

/**
 * Opens (and creates) a SQLite file with the settings every part of the project relies on: WAL so the bot
 * and the CLI can read while another process writes, a busy timeout instead of SQLITE_BUSY errors.
 */
export function openDatabase(file: string, options: { busyTimeoutMs?: number } = {}): SqliteDatabase {
  try {
    if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
    const db = new Database(file);
    try {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma(`busy_timeout = ${Math.max(0, Math.round(options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS))}`);
      db.pragma('foreign_keys = ON');
    } catch (error) {
      db.close();
      throw error;
    }
    return db;
  } catch (error) {
    throw notWritableError(error, file) ?? error;
  }
}

/** The sentence for a data folder this user may not write, whichever step found out; undefined for other failures. */
function notWritableError(error: unknown, file: string): UserFacingError | undefined {
  if (file === ':memory:') return undefined;
  const code = (error as { code?: unknown }).code;
  const dir = path.dirname(file);
  const denied =
    code === 'EACCES' ||
    code === 'EPERM' ||
    code === 'EROFS' ||
    (typeof code === 'string' && code.startsWith('SQLITE_READONLY')) ||
    (code === 'SQLITE_CANTOPEN' && !writable(dir));
  if (!denied) return undefined;
  return new UserFacingError(
    `DATA_DIR (${dir}) is not writable for this user, and the bot keeps its database there. Make the folder writable for the user that runs stylus, or set DATA_DIR to a folder that is.`,
    'data_dir_not_writable',
    { cause: error },
  );
}

function writable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
