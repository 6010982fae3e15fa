import { EventEmitter } from 'node:events';
import type { KeyvStoreAdapter, StoredData } from 'keyv';
import { writeWhenFree } from '../storage/busy.js';
import type { SqliteDatabase } from '../storage/sqlite.js';

interface Row {
  key: string;
  value: string;
}

/**
 * A Keyv store over the project's one SQLite file (better-sqlite3), so the embedded mode needs no second native
 * SQLite binding. Keyv serialises values and prefixes keys with its namespace; this store keeps strings, honours
 * TTLs (expired rows are invisible and purged on write) and clears only its own namespace.
 */
export class SqliteKeyvStore extends EventEmitter implements KeyvStoreAdapter {
  readonly opts: { table: string; dialect: 'sqlite' };
  namespace?: string | undefined;

  private readonly statements: {
    get: (key: string, now: number) => Row | undefined;
    /** Stores a value and purges expired ones, in one write transaction. */
    set: (key: string, value: string, expiresAt: number | null, now: number) => void;
    delete: (key: string) => number;
    clearPrefix: (pattern: string) => void;
    clearAll: () => void;
    scan: (pattern: string, now: number) => Row[];
  };

  constructor(db: SqliteDatabase, table = 'keyv_entries') {
    super();
    if (!/^\w+$/.test(table)) throw new Error(`invalid table name: ${table}`);
    this.opts = { table, dialect: 'sqlite' };
    db.exec(`CREATE TABLE IF NOT EXISTS ${table} (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL,
      expires_at INTEGER
    );
    CREATE INDEX IF NOT EXISTS ${table}_expires ON ${table}(expires_at) WHERE expires_at IS NOT NULL;`);
    const get = db.prepare<[string, number], Row>(
      `SELECT key, value FROM ${table} WHERE key = ? AND (expires_at IS NULL OR expires_at > ?)`,
    );
    const set = db.prepare(
      `INSERT INTO ${table} (key, value, expires_at) VALUES (?, ?, ?)
       ON CONFLICT(key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at`,
    );
    const remove = db.prepare(`DELETE FROM ${table} WHERE key = ?`);
    const clearPrefix = db.prepare(`DELETE FROM ${table} WHERE key LIKE ? ESCAPE '\\'`);
    const clearAll = db.prepare(`DELETE FROM ${table}`);
    const purge = db.prepare(`DELETE FROM ${table} WHERE expires_at IS NOT NULL AND expires_at <= ?`);
    // One transaction, so one wait for the write lock: a serving bot stores a composition before it shows it, while
    // `stylus ingest` or `stylus embed` may hold that lock (each statement on its own waited for it twice).
    const setAndPurge = db.transaction((key: string, value: string, expiresAt: number | null, now: number) => {
      set.run(key, value, expiresAt);
      purge.run(now);
    });
    const scan = db.prepare<[string, number], Row>(
      `SELECT key, value FROM ${table} WHERE key LIKE ? ESCAPE '\\' AND (expires_at IS NULL OR expires_at > ?) ORDER BY key`,
    );
    this.statements = {
      get: (key, now) => get.get(key, now),
      set: (key, value, expiresAt, now) => {
        setAndPurge.immediate(key, value, expiresAt, now);
      },
      delete: (key) => remove.run(key).changes,
      clearPrefix: (pattern) => {
        clearPrefix.run(pattern);
      },
      clearAll: () => {
        clearAll.run();
      },
      scan: (pattern, now) => scan.all(pattern, now),
    };
  }

  async get<Value>(key: string): Promise<StoredData<Value> | undefined> {
    return this.statements.get(key, Date.now())?.value as StoredData<Value> | undefined;
  }

  async getMany<Value>(keys: string[]): Promise<Array<StoredData<Value | undefined>>> {
    const now = Date.now();
    return keys.map((key) => this.statements.get(key, now)?.value as StoredData<Value | undefined>);
  }

  async set(key: string, value: unknown, ttl?: number): Promise<boolean> {
    const now = Date.now();
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    await writeWhenFree(() =>
      this.statements.set(key, text, typeof ttl === 'number' && ttl > 0 ? now + ttl : null, now),
    );
    return true;
  }

  async has(key: string): Promise<boolean> {
    return this.statements.get(key, Date.now()) !== undefined;
  }

  async delete(key: string): Promise<boolean> {
    return (await writeWhenFree(() => this.statements.delete(key))) > 0;
  }

  async deleteMany(keys: string[]): Promise<boolean> {
    let deleted = 0;
    for (const key of keys) deleted += await writeWhenFree(() => this.statements.delete(key));
    return deleted > 0;
  }

  async clear(): Promise<void> {
    const namespace = this.namespace;
    await writeWhenFree(() => {
      if (namespace) this.statements.clearPrefix(`${likeEscape(namespace)}:%`);
      else this.statements.clearAll();
    });
  }

  async *iterator<Value>(namespace?: string): AsyncGenerator<Array<string | Awaited<Value> | undefined>, void> {
    const pattern = namespace ? `${likeEscape(namespace)}:%` : '%';
    for (const row of this.statements.scan(pattern, Date.now())) yield [row.key, row.value as Awaited<Value>];
  }

  /** The database belongs to the services; closing it is their job. */
  async disconnect(): Promise<void> {}
}

function likeEscape(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}
