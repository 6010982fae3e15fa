import { describe, expect, it } from 'vitest';
import { SqliteAdapterStore } from '../src/catalog/sqlite-store.js';
import { loadConfig } from '../src/config.js';
import { silentLogger } from '../src/log.js';
import { planComposition } from '../src/stylus/pipeline.js';
import { makeAdapter } from './support/adapters.js';

/** A catalog where "a castle, watercolor" has two picks and alternatives to show. */
function catalog() {
  return [
    makeAdapter({ id: 'civitai:1', name: 'Watercolor Dream', baseFamily: 'sd1', triggerWords: ['watercolor'] }),
    makeAdapter({ id: 'civitai:2', name: 'Old Castle', baseFamily: 'sd1', tags: ['castle'] }),
    makeAdapter({ id: 'civitai:3', name: 'Castle Ruins', baseFamily: 'sd1', tags: ['castle', 'ruins'] }),
    makeAdapter({ id: 'civitai:4', name: 'Pixel Knight', baseFamily: 'sd1', tags: ['pixel art'] }),
  ];
}

describe('the composition cache', () => {
  it('answers a repeated prompt with the same plan and records, and composes again once the catalog changed', async () => {
    const store = new SqliteAdapterStore(':memory:');
    try {
      await store.upsert(catalog());
      const services = { config: loadConfig({ LOG_LEVEL: 'silent' }), store, log: silentLogger };
      const request = { prompt: 'a castle, watercolor', base: 'sd1' as const, images: 2, seed: 1 };
      const first = await planComposition(services, request);
      const picked = first.tasks.flatMap((task) => task.adapters.map((adapter) => adapter.adapterId));
      expect(picked).toEqual(expect.arrayContaining(['civitai:1', 'civitai:2']));
      // The alternatives of a task are shown too, so their records come with the plan.
      expect(first.alternatives.flat().length).toBeGreaterThan(0);
      for (const id of first.alternatives.flat()) expect(first.adapters[id]?.id).toBe(id);

      // Another seed, same prompt: from the cache (no retrieval), with the shown records read back in the same order.
      const again = await planComposition(services, { ...request, seed: 2 });
      expect(again.timingsMs.retrieve).toBe(0);
      expect(again.tasks).toEqual(first.tasks);
      expect(again.alternatives).toEqual(first.alternatives);
      expect(Object.keys(again.adapters)).toEqual(Object.keys(first.adapters));
      expect(again.adapters).toEqual(first.adapters);

      // A record changed: a new catalog version, so the composition runs again and shows the new record.
      await store.upsert([makeAdapter({ ...catalog()[1], id: 'civitai:2', name: 'Old Castle II' })]);
      const changed = await planComposition(services, request);
      expect(changed.timingsMs.retrieve).toBeGreaterThan(0);
      expect(changed.adapters['civitai:2']?.name).toBe('Old Castle II');
    } finally {
      await store.close();
    }
  });
});
