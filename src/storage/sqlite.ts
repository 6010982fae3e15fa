import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { UserFacingError } from '../errors.js';
import { ensureDataDir } from './data-dir.js';

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
  if (file !== ':memory:') {
    ensureDataDir(path.dirname(file));
    assertWritableFiles(file);
  }
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma(`busy_timeout = ${Math.max(0, Math.round(options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS))}`);
  db.pragma('foreign_keys = ON');
  return db;
}

/**
 * SQLite opens a file it may not write read-only without a word, and fails at the first write ("attempt to write a
 * readonly database"): a database, or its WAL files, left by another user (root) is named here instead.
 */
function assertWritableFiles(file: string): void {
  for (const part of [file, `${file}-wal`, `${file}-shm`]) {
    if (!existsSync(part)) continue;
    try {
      accessSync(part, constants.W_OK);
    } catch (error) {
      throw new UserFacingError(
        `${part} cannot be written by this user (another user may have created it): make it writable for the user that runs stylus, or point DATA_DIR at another folder.`,
        'config',
        { cause: error },
      );
    }
  }
}
