import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteAdapterStore } from '../src/catalog/sqlite-store.js';
import { AdapterNameCache } from '../src/discord/adapter-name-cache.js';
import { silentLogger } from '../src/log.js';
import { makeAdapter } from './support/adapters.js';

let dir: string;
let store: SqliteAdapterStore;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'stylus-names-'));
  store = new SqliteAdapterStore(path.join(dir, 'stylus.db'));
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('AdapterNameCache', () => {
  it('loads a large catalog page by page, letting other work run in between, and then suggests from all of it', async () => {
    store.upsertSync(
      Array.from({ length: 1600 }, (_, index) => makeAdapter({ id: `hf:a/item${index}`, name: `Lantern ${index}` })),
    );
    const cache = new AdapterNameCache(store, silentLogger);
    // Turns the event loop gives other callbacks (a bot's gateway frames, its acknowledgements) during the load.
    let turns = 0;
    let loading = true;
    const tick = () => {
      if (!loading) return;
      turns++;
      setImmediate(tick);
    };
    setImmediate(tick);
    await cache.warm();
    loading = false;
    expect(turns).toBeGreaterThanOrEqual(3);
    const suggestions = await cache.suggest('lantern 1599', { allowNsfw: false });
    expect(suggestions).toEqual([{ name: 'Lantern 1599', value: 'hf:a/item1599' }]);
  });
});
