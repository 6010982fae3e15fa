import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Adapter } from '../src/catalog/adapter.js';
import { DEFAULT_RULES, ingestRecords } from '../src/catalog/ingest/ingest.js';
import { IngestState } from '../src/catalog/ingest/state.js';
import type { SourceRecord } from '../src/catalog/sources/types.js';
import { SqliteAdapterStore } from '../src/catalog/sqlite-store.js';
import { silentLogger } from '../src/log.js';
import { openDatabase } from '../src/storage/sqlite.js';
import { makeAdapter } from './support/adapters.js';

/**
 * An admin who upgrades the bot and runs the same ingest again: items the source did not change are not rewritten,
 * but the catalog's rules read some of them otherwise now (a category, a flag), and the stored copies follow.
 * Fixtures are facts of real items of the 2023-07 Civitai dump, as the source hands them over (no category).
 */
const BRONYA = makeAdapter({
  id: 'civitai:13911',
  name: 'Honkai Star Rail Bronya Silver Wolf/星穹鐵道 布洛妮婭 銀狼',
  category: 'other',
  tags: ['anime', 'girl', 'silver wolf', 'bronya', 'honkai star rail', 'honkai'],
  triggerWords: ['silver wolf'],
});
const FEET_THROUGH_WALL = makeAdapter({
  id: 'civitai:87213',
  name: 'feet_through_wall',
  category: 'other',
  tags: ['concept'],
  triggerWords: ['feet_through_wall'],
});

const records = (adapters: readonly Adapter[]): AsyncIterable<SourceRecord> =>
  (async function* () {
    for (const adapter of adapters) yield { key: adapter.id, adapter, warnings: [], versionKey: `${adapter.id}:v1` };
  })();

describe('ingesting again after the rules changed', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ingest-rules-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A catalog as an earlier release left it: the records stored as they came, marked done at version v1. */
  async function olderCatalog(file: string, stored: readonly Adapter[]) {
    const db = openDatabase(path.join(dir, file));
    const store = new SqliteAdapterStore(db);
    const state = new IngestState(db);
    await store.upsert(stored);
    state.markDone(
      'ingest',
      stored.map((adapter) => ({ id: adapter.id, versionKey: `${adapter.id}:v1` })),
    );
    return { db, store, state };
  }

  it("gives an unchanged item the category today's rules give, and counts it", async () => {
    const { db, store, state } = await olderCatalog('a.db', [BRONYA]);
    const report = await ingestRecords(records([BRONYA]), { store, state, log: silentLogger });
    expect(report.get('reclassified')).toBe(1);
    expect((await store.get(BRONYA.id))?.category).toBe('character');
    const again = await ingestRecords(records([BRONYA]), { store, state, log: silentLogger });
    expect(again.get('unchanged')).toBe(1);
    db.close();
  });

  it('keeps the category the refiner chose', async () => {
    const refined = { ...BRONYA, category: 'style' as const, refined: true };
    const { db, store, state } = await olderCatalog('b.db', [refined]);
    const report = await ingestRecords(records([BRONYA]), { store, state, log: silentLogger });
    expect(report.get('unchanged')).toBe(1);
    expect((await store.get(BRONYA.id))?.category).toBe('style');
    db.close();
  });

  it('flags a stored item the SFW gate now keeps out, so no SFW channel gets it', async () => {
    const { db, store, state } = await olderCatalog('c.db', [{ ...FEET_THROUGH_WALL, nsfw: false }]);
    const report = await ingestRecords(records([FEET_THROUGH_WALL]), {
      store,
      state,
      log: silentLogger,
      rules: DEFAULT_RULES,
    });
    expect(report.get('filtered')).toBe(1);
    const stored = await store.get(FEET_THROUGH_WALL.id);
    expect(stored?.nsfw).toBe(true);
    expect(stored?.nsfwReason).toMatch(/sexual/);
    db.close();
  });
});
