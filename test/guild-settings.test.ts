import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createLogger, silentLogger } from '../src/log.js';
import { GuildSettingsStore } from '../src/state/guild-settings.js';
import { openStateKeyv } from '../src/state/keyv.js';
import { openDatabase } from '../src/storage/sqlite.js';

const root = mkdtempSync(path.join(tmpdir(), 'stylus-settings-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function recordingLogger() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      done();
    },
  });
  return { log: createLogger('info', stream), lines };
}

describe('GuildSettingsStore (SQLite state)', () => {
  it('stores settings per guild, falls back to the configuration, validates, and logs who changed what', async () => {
    const db = openDatabase(path.join(root, 'state.db'));
    const config = loadConfig({
      STYLUS_DEFAULT_BASE: 'sd1',
      STYLUS_MAX_ADAPTERS: '5',
      RENDER_MAX_QUEUED_PER_USER: '7',
    });
    const { keyv } = openStateKeyv({ config, db, namespace: 'guild-settings', log: silentLogger });
    const { log, lines } = recordingLogger();
    const store = new GuildSettingsStore(keyv, log);
    try {
      expect(await store.effective('g1', config)).toEqual({
        defaultBase: 'sd1',
        nsfw: 'channel',
        maxImages: 4,
        maxAdapters: 5,
        maxQueuedPerUser: 7,
        channels: [],
      });
      await store.set('g1', 'u1', { maxAdapters: 2, nsfw: 'never' });
      await store.set('g1', 'u2', { maxAdapters: 3 });
      expect(await store.effective('g1', config)).toMatchObject({ maxAdapters: 3, nsfw: 'never', defaultBase: 'sd1' });
      expect(await store.get('g2')).toEqual({});
      await expect(store.set('g1', 'u1', { maxAdapters: 13 })).rejects.toThrow();
      expect((await store.get('g1')).maxAdapters).toBe(3);

      const changes = lines.filter((line) => line.msg === 'guild setting changed');
      expect(
        changes.map(({ guildId, userId, key, old, new: value }) => ({ guildId, userId, key, old, new: value })),
      ).toEqual([
        { guildId: 'g1', userId: 'u1', key: 'maxAdapters', old: null, new: 2 },
        { guildId: 'g1', userId: 'u1', key: 'nsfw', old: null, new: 'never' },
        { guildId: 'g1', userId: 'u2', key: 'maxAdapters', old: 2, new: 3 },
      ]);
    } finally {
      await keyv.disconnect();
      db.close();
    }
  });
});
