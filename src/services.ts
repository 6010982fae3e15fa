import type OpenAI from 'openai';
import { type Embedder, OpenAiEmbedder } from './catalog/embedder.js';
import { Blacklist } from './catalog/ingest/blacklist.js';
import { openAdapterStore } from './catalog/open-store.js';
import { loadSeedCatalogIfEmpty } from './catalog/seed.js';
import type { AdapterStore } from './catalog/store.js';
import { type Config, openAiConfigured } from './config.js';
import { createLogger, type Logger } from './log.js';
import { ensureDataDir } from './storage/data-dir.js';
import { databasePath, openDatabase, type SqliteDatabase } from './storage/sqlite.js';

/** What the CLI, the bot and the worker share: built once from config, closed once. */
export interface Services {
  config: Config;
  log: Logger;
  /** The embedded SQLite file (catalog in embedded mode, key-value state, embedded queue). */
  db: SqliteDatabase;
  store: AdapterStore;
  openai?: OpenAI;
  embedder?: Embedder;
  /** Adapters never to pick (STYLUS_BLACKLIST_FILE), whatever the catalog holds. */
  blacklist?: Blacklist;
  close(): Promise<void>;
}

export interface ServiceOptions {
  log?: Logger;
  /** Load the shipped seed catalog into an empty store (default: config STYLUS_SEED_CATALOG). */
  seedCatalog?: boolean;
}

export async function openServices(config: Config, options: ServiceOptions = {}): Promise<Services> {
  const log = options.log ?? createLogger(config.LOG_LEVEL);
  const blacklist = config.STYLUS_BLACKLIST_FILE ? await Blacklist.load(config.STYLUS_BLACKLIST_FILE) : undefined;
  ensureDataDir(config.DATA_DIR);
  const db = openDatabase(databasePath(config.DATA_DIR));
  let store: AdapterStore | undefined;
  try {
    store = await openAdapterStore(config, db, log);
    if (options.seedCatalog ?? config.STYLUS_SEED_CATALOG) {
      const loaded = await loadSeedCatalogIfEmpty(store);
      if (loaded > 0) log.info({ adapters: loaded }, 'seed catalog loaded into an empty store');
    }
  } catch (error) {
    // A store that cannot open (Qdrant down, a bad collection) must not leave the database file open behind it.
    await store?.close().catch(() => undefined);
    if (db.open) db.close();
    throw error;
  }
  const openedStore = store;
  // The SDK is loaded only when a model is configured: an offline `stylus compose` never needs it.
  const openai = openAiConfigured(config) ? (await import('./openai-client.js')).createOpenAiClient(config) : undefined;
  const embedder =
    openai && config.STYLUS_EMBEDDING_MODEL
      ? new OpenAiEmbedder(openai, config.STYLUS_EMBEDDING_MODEL, config.STYLUS_EMBEDDING_DIMENSIONS)
      : undefined;
  return {
    config,
    log,
    db,
    store: openedStore,
    openai,
    embedder,
    ...(blacklist ? { blacklist } : {}),
    async close() {
      await openedStore.close();
      if (db.open) db.close();
    },
  };
}
