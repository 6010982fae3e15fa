import { readFileSync } from 'node:fs';
import { type Adapter, AdapterSchema, describeAdapterError } from './adapter.js';
import type { AdapterStore } from './store.js';

/** The seed catalog that ships with the project: public Hugging Face SDXL LoRAs that download without a token. */
export const SEED_CATALOG_URL = new URL('../../../src/catalog/seed-catalog.json', import.meta.url);

function seedCatalogFile(): URL {
  // Compiled code runs from dist/src/catalog, sources from src/catalog: the JSON stays in src/catalog.
  const here = new URL('./seed-catalog.json', import.meta.url);
  try {
    readFileSync(here, { flag: 'r' });
    return here;
  } catch {
    return SEED_CATALOG_URL;
  }
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
