import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SqliteAdapterStore } from '../src/catalog/sqlite-store.js';
import { adapterStoreContract } from './contract/adapter-store.contract.js';

adapterStoreContract('sqlite', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'stylus-store-'));
  const file = path.join(dir, 'stylus.db');
  return {
    open: async () => new SqliteAdapterStore(file),
    reopen: async () => new SqliteAdapterStore(file),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});
