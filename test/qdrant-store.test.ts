import { randomUUID } from 'node:crypto';
import { QdrantClient } from '@qdrant/js-client-rest';
import { describe } from 'vitest';
import { QdrantAdapterStore } from '../src/catalog/qdrant-store.js';
import { adapterStoreContract } from './contract/adapter-store.contract.js';
import { QdrantRecorder } from './support/qdrant-recorder.js';

/**
 * The store contract against the loopback Qdrant double (always), and against a real Qdrant server when QDRANT_URL
 * is set (`.ci/run` sets it when a server answers on 127.0.0.1:6333); each test gets its own collection.
 */
adapterStoreContract('qdrant (loopback double)', async () => {
  const recorder = await QdrantRecorder.start();
  const open = () => QdrantAdapterStore.open({ url: recorder.url, collection: 't_contract', batchSize: 2 });
  return { open, reopen: open, cleanup: () => recorder.close() };
});

const url = process.env.QDRANT_URL;
const apiKey = process.env.QDRANT_API_KEY || undefined;

if (url) {
  adapterStoreContract('qdrant server', async () => {
    const collection = `t_scale_${randomUUID().slice(0, 8)}`;
    const open = () => QdrantAdapterStore.open({ url, apiKey, collection, batchSize: 2 });
    return {
      open,
      reopen: open,
      cleanup: async () => {
        const client = new QdrantClient({ url, apiKey, checkCompatibility: false });
        if ((await client.collectionExists(collection)).exists) await client.deleteCollection(collection);
      },
    };
  });
} else {
  describe.skip('AdapterStore contract: qdrant server (set QDRANT_URL to run against a Qdrant server)', () => {});
}
