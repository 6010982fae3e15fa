import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient } from '@keyv/redis';
import { silentLogger } from '../src/log.js';
import { openStateKeyv } from '../src/state/keyv.js';
import { databasePath, openDatabase, type SqliteDatabase } from '../src/storage/sqlite.js';
import { keyvStoreContract } from './contract/keyv-store.contract.js';

const REDIS_URL = 'redis://127.0.0.1:6379';

keyvStoreContract('SQLite (embedded)', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'stylus-keyv-'));
  const databases: SqliteDatabase[] = [];
  return {
    async open(namespace) {
      // A fresh connection each time: a reopened file is what a restarted bot sees.
      const db = openDatabase(databasePath(dir));
      databases.push(db);
      return openStateKeyv({
        config: { REDIS_URL: undefined, REDIS_PREFIX: 'unused' },
        db,
        namespace,
        log: silentLogger,
      }).keyv;
    },
    async cleanup() {
      for (const db of databases) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

keyvStoreContract('Redis (@keyv/redis)', async () => {
  const prefix = `t-bot:${randomUUID()}`;
  const db = openDatabase(':memory:');
  return {
    async open(namespace) {
      return openStateKeyv({ config: { REDIS_URL, REDIS_PREFIX: prefix }, db, namespace, log: silentLogger }).keyv;
    },
    async cleanup() {
      const client = createClient({ url: REDIS_URL });
      await client.connect();
      const keys: string[] = [];
      for await (const batch of client.scanIterator({ MATCH: `${prefix}:*`, COUNT: 100 })) keys.push(...batch);
      if (keys.length > 0) await client.del(keys);
      await client.quit();
      db.close();
    },
  };
});
