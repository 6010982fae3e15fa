import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { SqliteDatabase } from '../storage/sqlite.js';
import { RedisCommunityStore } from './redis-store.js';
import { SqliteCommunityStore } from './sqlite-store.js';
import type { CommunityStore } from './types.js';

/** Redis when `REDIS_URL` is set (replicas share the tallies), otherwise tables in the embedded SQLite file. */
export function openCommunityStore(
  config: Pick<Config, 'REDIS_URL' | 'REDIS_PREFIX'>,
  db: SqliteDatabase,
  log?: Logger,
): CommunityStore {
  return config.REDIS_URL
    ? new RedisCommunityStore({ url: config.REDIS_URL, prefix: config.REDIS_PREFIX, ...(log ? { log } : {}) })
    : new SqliteCommunityStore(db);
}
