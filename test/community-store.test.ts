import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { RedisCommunityStore } from '../src/community/redis-store.js';
import { SqliteCommunityStore } from '../src/community/sqlite-store.js';
import { databasePath, openDatabase, type SqliteDatabase } from '../src/storage/sqlite.js';
import { communityStoreContract } from './contract/community-store.contract.js';

const REDIS_URL = 'redis://127.0.0.1:6379';

communityStoreContract('SQLite (embedded)', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'stylus-community-'));
  const databases: SqliteDatabase[] = [];
  return {
    async open() {
      // A connection of its own each time, like a second process on the same file.
      const db = openDatabase(databasePath(dir));
      databases.push(db);
      return new SqliteCommunityStore(db);
    },
    async cleanup() {
      for (const db of databases) db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

communityStoreContract('Redis (Lua scripts)', async () => {
  const prefix = `t-community:${randomUUID()}`;
  return {
    async open() {
      return new RedisCommunityStore({ url: REDIS_URL, prefix });
    },
    async cleanup() {
      const redis = new Redis(REDIS_URL);
      const keys: string[] = [];
      let cursor = '0';
      do {
        const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 200);
        cursor = next;
        keys.push(...batch);
      } while (cursor !== '0');
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
    },
  };
});
