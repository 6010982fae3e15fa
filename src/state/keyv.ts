import KeyvRedis from '@keyv/redis';
import { Keyv } from 'keyv';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { SqliteDatabase } from '../storage/sqlite.js';
import { SqliteKeyvStore } from './sqlite-keyv-store.js';

export type StateKind = 'redis' | 'sqlite';

/**
 * The bot's key-value state (composition records; votes and tallies live in src/community): Redis through
 * @keyv/redis when `REDIS_URL` is set, so replicas share it; otherwise a table in the embedded SQLite file. Errors
 * throw instead of reading as "missing", so an outage never looks like an unknown composition.
 */
export function openStateKeyv<Value>(options: {
  config: Pick<Config, 'REDIS_URL' | 'REDIS_PREFIX'>;
  db: SqliteDatabase;
  namespace: string;
  log: Logger;
}): { keyv: Keyv<Value>; kind: StateKind } {
  const { config, namespace, log } = options;
  let keyv: Keyv<Value>;
  let kind: StateKind;
  if (config.REDIS_URL) {
    const redisNamespace = `${config.REDIS_PREFIX}:${namespace}`;
    const store = new KeyvRedis(config.REDIS_URL, { namespace: redisNamespace, throwOnErrors: true });
    // The Redis store prefixes keys with its own namespace; a second prefix from Keyv would double it.
    keyv = new Keyv<Value>({ store, namespace: redisNamespace, useKeyPrefix: false, throwOnErrors: true });
    kind = 'redis';
  } else {
    keyv = new Keyv<Value>({ store: new SqliteKeyvStore(options.db), namespace, throwOnErrors: true });
    kind = 'sqlite';
  }
  keyv.on('error', (error: unknown) => log.error({ err: error, namespace, kind }, 'key-value store error'));
  return { keyv, kind };
}
