import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { SqliteDatabase } from '../storage/sqlite.js';
import type { QdrantAdapterStore, QdrantStoreOptions } from './qdrant-store.js';
import { SqliteAdapterStore } from './sqlite-store.js';
import type { AdapterStore } from './store.js';

/**
 * The catalog store the configuration asks for: Qdrant when QDRANT_URL is set (scale-out), otherwise the embedded
 * SQLite store in the process's database file.
 */
export async function openAdapterStore(config: Config, db: SqliteDatabase, log?: Logger): Promise<AdapterStore> {
  if (!config.QDRANT_URL) return new SqliteAdapterStore(db, { denseIndex: config.STYLUS_DENSE_INDEX });
  return openQdrantStore({
    url: config.QDRANT_URL,
    apiKey: config.QDRANT_API_KEY,
    collection: config.QDRANT_COLLECTION,
    dimensions: config.STYLUS_EMBEDDING_DIMENSIONS,
    log,
  });
}

/**
 * Opens the Qdrant store. Every failure is already one sentence naming QDRANT_URL (see qdrant-errors.ts): nothing
 * answering, a missing API key, something else than Qdrant, or Qdrant's own reason.
 */
export async function openQdrantStore(options: QdrantStoreOptions): Promise<QdrantAdapterStore> {
  // Loaded only when configured: the Qdrant client is a tenth of an embedded process's start-up.
  const { QdrantAdapterStore } = await import('./qdrant-store.js');
  return QdrantAdapterStore.open(options);
}
