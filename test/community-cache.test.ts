import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CachedCommunityStore } from '../src/community/cached-store.js';
import { SqliteCommunityStore } from '../src/community/sqlite-store.js';
import { GLOBAL_SCOPE } from '../src/community/types.js';
import { openDatabase, type SqliteDatabase } from '../src/storage/sqlite.js';

describe('CachedCommunityStore', () => {
  let dir: string;
  let db: SqliteDatabase;
  let inner: SqliteCommunityStore;
  let clock: number;
  let cached: CachedCommunityStore;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'stylus-community-cache-'));
    db = openDatabase(path.join(dir, 'stylus.db'));
    inner = new SqliteCommunityStore(db);
    clock = 1_000;
    cached = new CachedCommunityStore(inner, 10_000, () => clock);
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reuses tallies within the time limit and reads again after it', async () => {
    expect((await cached.tallies('g1')).size).toBe(0);
    // A write by another process (straight to the store underneath) is not seen until the entry expires.
    await inner.vote({ guildId: 'g1', memberId: 'm1', adapterId: 'a', value: 1 });
    expect((await cached.tallies('g1')).size).toBe(0);
    clock += 10_001;
    expect((await cached.tallies('g1')).get('a')?.votesUp).toBe(1);
  });

  it('forgets the server and global tallies the moment a vote or reaction goes through it', async () => {
    await cached.tallies('g1');
    await cached.tallies(GLOBAL_SCOPE);
    await cached.vote({ guildId: 'g1', memberId: 'm1', adapterId: 'a', value: 1 });
    expect((await cached.tallies('g1')).get('a')?.votesUp).toBe(1);
    expect((await cached.tallies(GLOBAL_SCOPE)).get('a')?.votesUp).toBe(1);
    await cached.addReaction({ guildId: 'g1', messageId: 'msg', memberId: 'm2', rating: 'star', adapterIds: ['a'] });
    expect((await cached.tallies('g1')).get('a')?.stars).toBe(1);
    await cached.removeReaction({ guildId: 'g1', messageId: 'msg', memberId: 'm2', rating: 'star' });
    expect((await cached.tallies('g1')).get('a')?.stars ?? 0).toBe(0);
  });

  it('applies a hide or unhide at once, and hands out copies', async () => {
    expect(await cached.hidden('g1')).toEqual(new Set());
    await cached.hide('g1', 'a', 'mod');
    const hidden = await cached.hidden('g1');
    expect(hidden).toEqual(new Set(['a']));
    hidden.add('b');
    expect(await cached.hidden('g1')).toEqual(new Set(['a']));
    await cached.unhide('g1', 'a');
    expect(await cached.hidden('g1')).toEqual(new Set());
  });
});
