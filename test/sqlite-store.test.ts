import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SqliteAdapterStore } from '../src/catalog/sqlite-store.js';
import { adapterStoreContract } from './contract/adapter-store.contract.js';
import { makeAdapter } from './support/adapters.js';

adapterStoreContract('sqlite', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'stylus-store-'));
  const file = path.join(dir, 'stylus.db');
  return {
    open: async () => new SqliteAdapterStore(file),
    reopen: async () => new SqliteAdapterStore(file),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

describe('SQLite store: re-embedding with a model of another size', () => {
  it('searches the vectors of the query size and names the fix when none has it', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'stylus-store-dims-'));
    const store = new SqliteAdapterStore(path.join(dir, 'stylus.db'));
    try {
      await store.upsert([
        makeAdapter({ id: 'hf:a/one' }),
        makeAdapter({ id: 'hf:a/two' }),
        makeAdapter({ id: 'hf:a/three' }),
      ]);
      await store.setVectors([{ id: 'hf:a/one', vector: Float32Array.from([1, 0, 0, 0]) }], 'old-model');
      await store.setVectors(
        [
          { id: 'hf:a/two', vector: Float32Array.from([1, 0]) },
          { id: 'hf:a/three', vector: Float32Array.from([0, 1]) },
        ],
        'new-model',
      );
      const hits = await store.searchVector(Float32Array.from([0.1, 1]), { limit: 5 });
      expect(hits.map((hit) => hit.id)).toEqual(['hf:a/three', 'hf:a/two']);
      expect((await store.searchVector(Float32Array.from([1, 0, 0, 0]), { limit: 5 })).map((hit) => hit.id)).toEqual([
        'hf:a/one',
      ]);
      await expect(store.searchVector(Float32Array.from([1, 0, 0]), { limit: 5 })).rejects.toThrow(/run stylus embed/);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
