import type { Config } from '../config.js';
import { errorMessage, isUserFacing, networkErrorCode, UserFacingError } from '../errors.js';
import type { Logger } from '../log.js';
import type { SqliteDatabase } from '../storage/sqlite.js';
import { QdrantAdapterStore, type QdrantStoreOptions } from './qdrant-store.js';
import { SqliteAdapterStore } from './sqlite-store.js';
import type { AdapterStore } from './store.js';

/**
 * The catalog store the configuration asks for: Qdrant when QDRANT_URL is set (scale-out), otherwise the embedded
 * SQLite store in the process's database file.
 */
export async function openAdapterStore(config: Config, db: SqliteDatabase, log?: Logger): Promise<AdapterStore> {
  if (!config.QDRANT_URL) return new SqliteAdapterStore(db);
  return openQdrantStore({
    url: config.QDRANT_URL,
    apiKey: config.QDRANT_API_KEY,
    collection: config.QDRANT_COLLECTION,
    dimensions: config.STYLUS_EMBEDDING_DIMENSIONS,
    log,
  });
}

/**
 * Opens the Qdrant store; a server that does not answer, or answers like something else, is one sentence naming
 * QDRANT_URL (instead of "fetch failed" or "Not Found").
 */
export async function openQdrantStore(options: QdrantStoreOptions): Promise<QdrantAdapterStore> {
  try {
    return await QdrantAdapterStore.open(options);
  } catch (error) {
    throw isUserFacing(error) ? error : explainQdrantFailure(error, options.url);
  }
}

export function explainQdrantFailure(error: unknown, url: string): UserFacingError {
  const network = networkErrorCode(error);
  if (network) {
    return new UserFacingError(
      `Qdrant did not answer at QDRANT_URL=${url} (${network}): start Qdrant or fix QDRANT_URL (leave it empty for the embedded catalog).`,
      'unreachable',
      { cause: error },
    );
  }
  const status = (error as { status?: unknown }).status;
  if (status === 401 || status === 403) {
    return new UserFacingError(
      `Qdrant at QDRANT_URL=${url} refused the request (HTTP ${status}): set QDRANT_API_KEY to the server's API key.`,
      'config',
      { cause: error },
    );
  }
  // A client that cannot read the answer fails with a TypeError: the server is something else.
  const answer =
    typeof status === 'number'
      ? `HTTP ${status} ${errorMessage(error)}`
      : error instanceof TypeError
        ? "its answers are not Qdrant's"
        : errorMessage(error);
  return new UserFacingError(
    `QDRANT_URL=${url} does not answer like a Qdrant server (${answer}): point it at Qdrant's REST port (6333 by default).`,
    'config',
    { cause: error },
  );
}
