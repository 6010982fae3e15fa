import type { Schemas } from '@qdrant/js-client-rest';
import { UserFacingError } from '../errors.js';
import type { QdrantConnection } from './qdrant-connection.js';
import { redactedUrl } from './qdrant-errors.js';
import { PAYLOAD_INDEXES } from './qdrant-filter.js';
import { DENSE_VECTOR, SPARSE_VECTOR } from './qdrant-points.js';

/** Collection metadata needs Qdrant 1.16; adding a named vector to an existing collection needs 1.18. */
const MINIMUM_SERVER = [1, 16] as const;
const NAMED_VECTOR_SERVER = [1, 18] as const;

/** BM25 weights carry their own IDF (FTS5's formula, see qdrant-sparse.ts): Qdrant must not multiply in its own. */
const SPARSE_PARAMS: Schemas['SparseVectorParams'] = { modifier: 'none' };

/**
 * Creates the collection, or brings one made by an older version up to the current layout without losing data:
 * adds a missing vector or payload index, switches the BM25 vector from Qdrant's IDF to ours (its points are
 * re-weighted afterwards, see qdrant-text-weights.ts). Never drops anything: a collection whose embeddings have
 * another size than STYLUS_EMBEDDING_DIMENSIONS is refused, since other processes share it. Returns the size of the
 * dense vectors, once known.
 */
export async function prepareCollection(
  connection: QdrantConnection,
  dimensions: number | undefined,
): Promise<number | undefined> {
  await checkServerVersion(connection, MINIMUM_SERVER);
  const { exists } = await connection.call('check that the collection exists', (client, collection) =>
    client.collectionExists(collection),
  );
  if (!exists) await createCollection(connection, dimensions);
  const info = await connection.info();
  const vectors = info.config.params.vectors;
  if (vectors && 'size' in vectors && typeof vectors.size === 'number') {
    throw new UserFacingError(
      `The Qdrant collection "${connection.collection}" has an unnamed vector, so it was not made by Stylus: ` +
        'set QDRANT_COLLECTION to another name.',
      'config',
    );
  }
  let denseSize = (vectors as Record<string, Schemas['VectorParams'] | undefined> | undefined)?.[DENSE_VECTOR]?.size;
  if (dimensions !== undefined) {
    if (denseSize === undefined) denseSize = await addDenseVector(connection, dimensions);
    else if (denseSize !== dimensions) throw dimensionsRefused(connection, denseSize, dimensions);
  }
  const sparse = info.config.params.sparse_vectors?.[SPARSE_VECTOR];
  if (!sparse) {
    await checkServerVersion(connection, NAMED_VECTOR_SERVER);
    await connection.call('add the BM25 sparse vector', (client, collection) =>
      client.createVectorName(collection, SPARSE_VECTOR, { sparse: SPARSE_PARAMS }, { wait: true }),
    );
    connection.log.info({ collection: connection.collection }, 'qdrant BM25 sparse vector added');
  } else if (sparse.modifier === 'idf') {
    await connection.call('switch the BM25 vector to FTS5 scoring', (client, collection) =>
      client.updateCollection(collection, { sparse_vectors: { [SPARSE_VECTOR]: SPARSE_PARAMS } }),
    );
    connection.log.warn({ collection: connection.collection }, 'BM25 vector switched from Qdrant IDF to FTS5 scoring');
  }
  for (const index of PAYLOAD_INDEXES) {
    if (info.payload_schema[index.field]?.data_type === index.type) continue;
    await connection.call(`index the payload field ${index.field}`, (client, collection) =>
      client.createPayloadIndex(collection, { wait: true, field_name: index.field, field_schema: index.type }),
    );
  }
  return denseSize;
}

/** Adds the dense vector to a collection that has none yet (the first embeddings define its size). */
export async function addDenseVector(connection: QdrantConnection, size: number): Promise<number> {
  await checkServerVersion(connection, NAMED_VECTOR_SERVER);
  await connection.call('add the dense vector', (client, collection) =>
    client.createVectorName(collection, DENSE_VECTOR, { dense: { size, distance: 'Cosine' } }, { wait: true }),
  );
  connection.log.info({ collection: connection.collection, dimensions: size }, 'qdrant dense vector added');
  return size;
}

/** The sentence for embeddings of another size than the collection's, from config or from an embedder. */
export function dimensionsRefused(
  connection: QdrantConnection,
  stored: number,
  wanted: number,
  source = `STYLUS_EMBEDDING_DIMENSIONS is ${wanted}`,
): UserFacingError {
  return new UserFacingError(
    `The Qdrant collection "${connection.collection}" at QDRANT_URL=${redactedUrl(connection.target.url)} holds ` +
      `${stored}-dimension embeddings but ${source}: set STYLUS_EMBEDDING_DIMENSIONS=${stored} with an embedding ` +
      `model of that size, or set QDRANT_COLLECTION to a new collection and fill it (stylus catalog migrate or ` +
      'stylus ingest, then stylus embed); nothing was changed.',
    'config',
  );
}

async function createCollection(connection: QdrantConnection, dimensions: number | undefined): Promise<void> {
  try {
    await connection.call('create the collection', (client, collection) =>
      client.createCollection(collection, {
        // Without a size yet the collection starts sparse-only; the dense vector is added with the first embeddings.
        ...(dimensions === undefined ? {} : { vectors: { [DENSE_VECTOR]: { size: dimensions, distance: 'Cosine' } } }),
        sparse_vectors: { [SPARSE_VECTOR]: SPARSE_PARAMS },
      }),
    );
    connection.log.info({ collection: connection.collection, dimensions }, 'qdrant collection created');
  } catch (error) {
    // Bot and worker start together: the other one may have just created it.
    const { exists } = await connection.call('check that the collection exists', (client, collection) =>
      client.collectionExists(collection),
    );
    if (!exists) throw error;
  }
}

async function checkServerVersion(connection: QdrantConnection, minimum: readonly [number, number]): Promise<void> {
  const { version } = await connection.call('tell its version', (client) => client.versionInfo());
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major > minimum[0] || (major === minimum[0] && minor >= minimum[1])) return;
  throw new UserFacingError(
    `Qdrant ${version} at QDRANT_URL=${redactedUrl(connection.target.url)} is too old for the Stylus catalog: ` +
      `version ${minimum.join('.')} or newer is needed.`,
    'config',
  );
}
