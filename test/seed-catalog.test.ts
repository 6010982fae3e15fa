import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AdapterSchema } from '../src/catalog/adapter.js';
import { loadSeedCatalogIfEmpty, readSeedCatalog } from '../src/catalog/seed.js';
import { SqliteAdapterStore } from '../src/catalog/sqlite-store.js';

/** The shipped file itself, read raw, so a record that only validates after defaults are filled still shows up. */
const SEED_FILE = new URL('../src/catalog/seed-catalog.json', import.meta.url);

describe('seed catalog', () => {
  const seed = readSeedCatalog();

  it('ships about a hundred records, each valid on its own', () => {
    const raw = JSON.parse(readFileSync(SEED_FILE, 'utf8')) as unknown[];
    expect(raw.length).toBe(seed.length);
    expect(seed.length).toBeGreaterThanOrEqual(90);
    expect(seed.length).toBeLessThanOrEqual(110);
    for (const entry of raw) {
      const parsed = AdapterSchema.safeParse(entry);
      expect(parsed.success, JSON.stringify(entry).slice(0, 120)).toBe(true);
    }
  });

  it('has unique ids, one per Hugging Face repository', () => {
    expect(new Set(seed.map((adapter) => adapter.id)).size).toBe(seed.length);
    for (const adapter of seed) {
      expect(adapter.source).toBe('huggingface');
      expect(adapter.id).toBe(`hf:${adapter.sourceIds.repo}`);
    }
  });

  it('points every record at safetensors weights on a Hugging Face resolve URL', () => {
    for (const adapter of seed) {
      const fileName = adapter.fileName ?? '';
      expect(fileName, adapter.id).toMatch(/\.safetensors$/);
      expect(adapter.sourceIds.path, adapter.id).toBe(fileName);
      const url = new URL(adapter.downloadUrl ?? '');
      expect(url.protocol, adapter.id).toBe('https:');
      expect(url.hostname, adapter.id).toBe('huggingface.co');
      expect(adapter.downloadUrl, adapter.id).toBe(
        `https://huggingface.co/${adapter.sourceIds.repo}/resolve/main/${encodeURIComponent(fileName)}`,
      );
      expect(adapter.pageUrl, adapter.id).toBe(`https://huggingface.co/${adapter.sourceIds.repo}`);
    }
  });

  it('needs no pivotal-tuning text embeddings', () => {
    for (const adapter of seed) {
      for (const trigger of adapter.triggerWords) expect(trigger, adapter.id).not.toContain('<s');
    }
  });

  it('holds no NSFW or real-person likeness adapter, only SDXL ones', () => {
    for (const adapter of seed) {
      expect(adapter.nsfw, adapter.id).toBe(false);
      expect(adapter.realPerson, adapter.id).toBe(false);
      expect(adapter.baseFamily, adapter.id).toBe('sdxl');
    }
  });

  it('describes every adapter in its own words with a few lower-case tags', () => {
    for (const adapter of seed) {
      expect(adapter.description.length, adapter.id).toBeGreaterThan(15);
      expect(adapter.tags.length, adapter.id).toBeGreaterThanOrEqual(3);
      expect(adapter.tags.length, adapter.id).toBeLessThanOrEqual(6);
      for (const tag of adapter.tags) expect(tag, adapter.id).toBe(tag.toLowerCase());
    }
  });

  describe('in the embedded store', () => {
    let dir: string;
    let store: SqliteAdapterStore;

    beforeEach(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'stylus-seed-'));
      store = new SqliteAdapterStore(path.join(dir, 'stylus.db'));
    });

    afterEach(async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('loads into an empty store once, and not again', async () => {
      expect(await loadSeedCatalogIfEmpty(store)).toBe(seed.length);
      expect(await store.count()).toBe(seed.length);
      const versionAfterLoad = await store.version();
      expect(await loadSeedCatalogIfEmpty(store)).toBe(0);
      expect(await store.count()).toBe(seed.length);
      expect(await store.version()).toBe(versionAfterLoad);
    });

    it('finds the ukiyo-e style adapter first for a woodblock print query', async () => {
      const ukiyoe = seed.filter(
        (adapter) =>
          adapter.category === 'style' && /ukiyo-e|woodblock/i.test(`${adapter.name} ${adapter.tags.join(' ')}`),
      );
      expect(ukiyoe.length).toBeGreaterThan(0);
      await loadSeedCatalogIfEmpty(store);
      const hits = await store.searchText('ukiyo-e woodblock print', { limit: 5, filter: { baseFamilies: ['sdxl'] } });
      // Other records match 'print' too, so the ranking is a real contest, not a lone hit.
      expect(hits.length).toBeGreaterThan(1);
      expect(ukiyoe.map((adapter) => adapter.id)).toContain(hits[0]?.id);
    });
  });
});
