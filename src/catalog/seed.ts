import { existsSync, readFileSync } from 'node:fs';
import { type Adapter, AdapterSchema, describeAdapterError } from './adapter.js';
import type { AdapterStore } from './store.js';

/**
 * The seed catalog that ships with the project: public Hugging Face SDXL LoRAs that download without a token.
 * Sources run from src/catalog, compiled code from dist/src/catalog; the JSON stays in src/catalog.
 */
function seedCatalogFile(): URL {
  const beside = new URL('./seed-catalog.json', import.meta.url);
  return existsSync(beside) ? beside : new URL('../../../src/catalog/seed-catalog.json', import.meta.url);
}

export function readSeedCatalog(): Adapter[] {
  const raw = JSON.parse(readFileSync(seedCatalogFile(), 'utf8')) as unknown[];
  return raw.map((entry, index) => {
    const parsed = AdapterSchema.safeParse(entry);
    if (!parsed.success) throw new Error(`seed catalog entry ${index}: ${describeAdapterError(parsed.error)}`);
    return parsed.data;
  });
}

/** Loads the seed catalog when the store is empty; returns how many records it loaded. */
export async function loadSeedCatalogIfEmpty(store: AdapterStore): Promise<number> {
  if ((await store.count()) > 0) return 0;
  const adapters = readSeedCatalog();
  await store.upsert(adapters);
  return adapters.length;
}
