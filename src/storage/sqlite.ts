import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export type SqliteDatabase = Database.Database;

/** The one SQLite file of the embedded mode: catalog, key-value state and the embedded queue live here. */
export function databasePath(dataDir: string): string {
  return path.join(dataDir, 'stylus.db');
}

/**
 * Opens (and creates) a SQLite file with the settings every part of the project relies on: WAL so the bot
 * and the CLI can read while another process writes, a busy timeout instead of SQLITE_BUSY errors.
 */
export function openDatabase(file: string): SqliteDatabase {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  return db;
}
