import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AdapterStore } from '../../src/catalog/store.js';
import { makeAdapter } from '../support/adapters.js';

/**
 * What every AdapterStore must do. Runs against the SQLite store always and against Qdrant when QDRANT_URL is set.
 * `open` gives a fresh, empty store; `reopen` (when given) opens the same data again, as after a restart.
 */
export function adapterStoreContract(
  name: string,
  factory: () => Promise<{
    open: () => Promise<AdapterStore>;
    reopen?: () => Promise<AdapterStore>;
    cleanup: () => Promise<void>;
  }>,
): void {
  describe(`AdapterStore contract: ${name}`, () => {
    let store: AdapterStore;
    let env: Awaited<ReturnType<typeof factory>>;

    beforeEach(async () => {
      env = await factory();
      store = await env.open();
    });
    afterEach(async () => {
      await store.close();
      await env.cleanup();
    });

    const catalog = () => [
      makeAdapter({
        id: 'hf:a/ukiyoe',
        name: 'Ukiyo-e Woodblock',
        description: 'Japanese woodblock print style with flat colours.',
        category: 'style',
        tags: ['style', 'japanese art'],
        triggerWords: ['ukiyo-e style'],
      }),
      makeAdapter({
        id: 'hf:a/pixel',
        name: 'Pixel Art',
        description: 'Retro 16-bit pixel art for game sprites.',
        category: 'style',
        tags: ['pixel art'],
        triggerWords: ['pixel art'],
      }),
      makeAdapter({
        id: 'civitai:1',
        source: 'civitai',
        name: 'Corgi Dog',
        description: 'A fluffy corgi dog.',
        category: 'animal',
        baseFamily: 'sd1',
      }),
      makeAdapter({ id: 'civitai:2', source: 'civitai', name: 'Spicy', description: 'corgi', nsfw: true }),
      makeAdapter({ id: 'civitai:3', source: 'civitai', name: 'Famous Actor', description: 'corgi', realPerson: true }),
    ];

    it('stores, reads back and counts records', async () => {
      await store.upsert(catalog());
      expect(await store.count()).toBe(5);
      const ukiyo = await store.get('hf:a/ukiyoe');
      expect(ukiyo?.name).toBe('Ukiyo-e Woodblock');
      expect(ukiyo?.triggerWords).toEqual(['ukiyo-e style']);
      expect(await store.get('nope:1')).toBeUndefined();
      const many = await store.getMany(['civitai:1', 'missing', 'hf:a/pixel']);
      expect(many.map((adapter) => adapter.id)).toEqual(['civitai:1', 'hf:a/pixel']);
    });

    it('replaces a record on upsert by id and deletes', async () => {
      await store.upsert(catalog());
      const before = await store.version();
      await store.upsert([makeAdapter({ id: 'hf:a/pixel', name: 'Pixel Art v2', description: 'Chunky pixels.' })]);
      expect(await store.count()).toBe(5);
      expect((await store.get('hf:a/pixel'))?.name).toBe('Pixel Art v2');
      expect(await store.version()).not.toBe(before);
      const hits = await store.searchText('chunky', { limit: 5 });
      expect(hits.map((hit) => hit.id)).toEqual(['hf:a/pixel']);
      expect(await store.searchText('retro sprites', { limit: 5 })).toEqual([]);
      await store.delete(['hf:a/pixel']);
      expect(await store.get('hf:a/pixel')).toBeUndefined();
      expect(await store.searchText('chunky', { limit: 5 })).toEqual([]);
    });

    it('ranks a trigger-word match above a description-only match', async () => {
      await store.upsert([
        makeAdapter({ id: 'hf:x/desc', name: 'Generic Look', description: 'Adds a watercolor feel to scenes.' }),
        makeAdapter({ id: 'hf:x/trig', name: 'Soft Paint', description: 'A soft look.', triggerWords: ['watercolor'] }),
      ]);
      const hits = await store.searchText('a watercolor landscape', { limit: 10 });
      expect(hits.map((hit) => hit.id)).toEqual(['hf:x/trig', 'hf:x/desc']);
      expect(hits[0]?.score).toBeGreaterThan(hits[1]?.score ?? Number.POSITIVE_INFINITY);
    });

    it('filters by base family, NSFW, real person, category and excluded ids', async () => {
      await store.upsert(catalog());
      const ids = async (filter: Parameters<AdapterStore['searchText']>[1]['filter']) =>
        (await store.searchText('corgi', { limit: 10, filter })).map((hit) => hit.id).sort();
      expect(await ids(undefined)).toEqual(['civitai:1']);
      expect(await ids({ allowNsfw: true })).toEqual(['civitai:1', 'civitai:2']);
      expect(await ids({ allowNsfw: true, allowRealPerson: true })).toEqual(['civitai:1', 'civitai:2', 'civitai:3']);
      expect(await ids({ baseFamilies: ['sdxl'], allowNsfw: true, allowRealPerson: true })).toEqual([
        'civitai:2',
        'civitai:3',
      ]);
      expect(await ids({ categories: ['animal'] })).toEqual(['civitai:1']);
      expect(await ids({ excludeIds: ['civitai:1'] })).toEqual([]);
      expect(await store.count({ baseFamilies: ['sd1'] })).toBe(1);
    });

    it('searches vectors by cosine with the same filters', async () => {
      await store.upsert(catalog());
      await store.setVectors(
        [
          { id: 'hf:a/ukiyoe', vector: Float32Array.from([1, 0, 0, 0]) },
          { id: 'hf:a/pixel', vector: Float32Array.from([0.7, 0.7, 0, 0]) },
          { id: 'civitai:1', vector: Float32Array.from([0, 0, 1, 0]) },
          { id: 'civitai:2', vector: Float32Array.from([2, 0, 0, 0]) },
        ],
        'test-model',
      );
      const hits = await store.searchVector(Float32Array.from([1, 0.1, 0, 0]), { limit: 3 });
      expect(hits.map((hit) => hit.id)).toEqual(['hf:a/ukiyoe', 'hf:a/pixel', 'civitai:1']);
      expect(hits[0]?.score).toBeCloseTo(0.995, 2);
      const sd1 = await store.searchVector(Float32Array.from([1, 0, 0, 0]), {
        limit: 3,
        filter: { baseFamilies: ['sd1'] },
      });
      expect(sd1.map((hit) => hit.id)).toEqual(['civitai:1']);
      expect(await store.idsWithoutVector('test-model', 10)).toEqual(['civitai:3']);
      const [stored] = await store.getVectors(['civitai:1']);
      expect(Array.from(stored?.vector ?? [])).toEqual([0, 0, 1, 0]);
    });

    it("pages through every record once, in the store's order, and reports stats", async () => {
      await store.upsert(catalog());
      const first = await store.list({ limit: 2 });
      const second = await store.list({ limit: 2, after: first.at(-1)?.id });
      const third = await store.list({ limit: 2, after: second.at(-1)?.id });
      expect([first.length, second.length, third.length]).toEqual([2, 2, 1]);
      expect([...first, ...second, ...third].map((adapter) => adapter.id).sort()).toEqual([
        'civitai:1',
        'civitai:2',
        'civitai:3',
        'hf:a/pixel',
        'hf:a/ukiyoe',
      ]);
      expect(await store.list({ limit: 2, after: third.at(-1)?.id })).toEqual([]);
      const safe = await store.list({ limit: 10, filter: {} });
      expect(safe.map((adapter) => adapter.id).sort()).toEqual(['civitai:1', 'hf:a/pixel', 'hf:a/ukiyoe']);
      const stats = await store.stats();
      expect(stats.total).toBe(5);
      expect(stats.by_base).toEqual({ sdxl: 4, sd1: 1 });
      expect(stats.by_source).toEqual({ huggingface: 2, civitai: 3 });
      expect(stats.by_category.style).toBe(2);
    });

    it('keeps everything across a reopen', async () => {
      if (!env.reopen) return;
      await store.upsert(catalog());
      await store.setVectors([{ id: 'civitai:1', vector: Float32Array.from([0, 1]) }], 'm');
      await store.close();
      store = await env.reopen();
      expect(await store.count()).toBe(5);
      expect((await store.searchText('woodblock', { limit: 3 }))[0]?.id).toBe('hf:a/ukiyoe');
      expect((await store.searchVector(Float32Array.from([0, 1]), { limit: 1 }))[0]?.id).toBe('civitai:1');
    });
  });
}
