import { existsSync } from 'node:fs';
import { openQdrantStore } from '../catalog/open-store.js';
import { SqliteAdapterStore } from '../catalog/sqlite-store.js';
import { UserFacingError } from '../errors.js';
import { createLogger } from '../log.js';
import { databasePath } from '../storage/sqlite.js';
import { cliConfig } from './context.js';
import { type CliIo, writeLine } from './io.js';
import { defineCommand, parseCommand, shortUsage, UsageError } from './spec.js';

const spec = defineCommand({
  command: 'stylus catalog migrate',
  summary:
    'Copy the embedded catalog (DATA_DIR/stylus.db: records, and the vectors of the embedding model) into the ' +
    'Qdrant collection of QDRANT_URL / QDRANT_COLLECTION. Safe to run again: records are upserted by id.',
  flags: {
    to: { type: 'string', value: 'store', help: 'where to copy to: qdrant (the only one)' },
    batch: { type: 'int', help: 'records per request', min: 1, max: 10_000, default: 500 },
    model: {
      type: 'string',
      value: 'name',
      help: 'copy the vectors of this embedding model',
      defaultText: 'STYLUS_EMBEDDING_MODEL',
    },
  },
  examples: ['QDRANT_URL=http://127.0.0.1:6333 stylus catalog migrate --to qdrant'],
  notes: ['With docker compose, mount the folder that holds your stylus.db: see the README, "Scale out".'],
});

/**
 * `stylus catalog migrate --to qdrant`: copies the embedded catalog (records, and the vectors of the configured
 * embedding model) from DATA_DIR/stylus.db into the Qdrant collection named by QDRANT_URL / QDRANT_COLLECTION.
 * Idempotent and cheap to repeat: what the collection already holds unchanged (compared by hashes in the payload)
 * is not sent again, so a run that stopped half-way can simply be run again.
 */
export async function runCatalogMigrate(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommand(spec, args);
  if (values.to !== 'qdrant') {
    throw new UsageError(
      values.to ? `cannot migrate to "${values.to}": only --to qdrant` : 'say where to: --to qdrant',
      {
        command: spec.command,
        usage: shortUsage(spec),
      },
    );
  }
  const batchSize = values.batch;
  const config = cliConfig(io);
  if (!config.QDRANT_URL) {
    throw new UserFacingError('QDRANT_URL is not set: point it at the Qdrant server to migrate into.', 'config');
  }
  const file = databasePath(config.DATA_DIR);
  if (!existsSync(file))
    throw new UserFacingError(
      `There is no embedded catalog at ${file}: set DATA_DIR to the folder that holds your stylus.db.`,
      'missing_file',
    );
  // Vectors are copied only for one embedding model: the one retrieval will query with.
  const model = values.model ?? config.STYLUS_EMBEDDING_MODEL;

  const source = new SqliteAdapterStore(file);
  const log = createLogger(io.env.LOG_LEVEL ?? 'warn');
  try {
    const target = await openQdrantStore({
      url: config.QDRANT_URL,
      apiKey: config.QDRANT_API_KEY,
      collection: config.QDRANT_COLLECTION,
      dimensions: config.STYLUS_EMBEDDING_DIMENSIONS,
      batchSize,
      log,
    });
    try {
      const total = await source.count();
      const withoutModel = new Set(model ? await source.idsWithoutVector(model, total) : []);
      let records = 0;
      let vectors = 0;
      let unchanged = 0;
      let after: string | undefined;
      for (;;) {
        const page = await source.list({ after, limit: batchSize });
        if (page.length === 0) break;
        const written = await target.writeAdapters(page);
        records += page.length;
        unchanged += written.unchanged;
        if (model) {
          const ids = page.map((adapter) => adapter.id).filter((id) => !withoutModel.has(id));
          const stored = await source.getVectors(ids);
          const sent = await target.writeVectors(stored, model);
          vectors += stored.length;
          unchanged += sent.unchanged;
        }
        after = page.at(-1)?.id;
        writeLine(io.stderr, `migrated ${records}/${total} records, ${vectors} vectors`);
      }
      const inTarget = await target.count();
      writeLine(
        io.stdout,
        `Copied ${records} adapters and ${vectors} vectors${model ? ` (${model})` : ' (no embedding model set: vectors skipped)'} ` +
          `into Qdrant collection "${target.collection}" (${unchanged} of them already there, not sent again); ` +
          `it now holds ${inTarget} adapters.`,
      );
      return inTarget >= records ? 0 : 1;
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}
