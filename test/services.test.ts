import { mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { silentLogger } from '../src/log.js';
import { openServices } from '../src/services.js';

/** Open file descriptors of this process that point into a folder (Linux /proc). */
function openFilesUnder(folder: string): string[] {
  return readdirSync('/proc/self/fd').flatMap((fd) => {
    try {
      const target = readlinkSync(`/proc/self/fd/${fd}`);
      return target.startsWith(folder) ? [target] : [];
    } catch {
      return [];
    }
  });
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

let dataDir: string | undefined;
afterEach(() => {
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('openServices', () => {
  it('closes the database file again when the catalog store cannot be opened', async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'stylus-services-'));
    const config = loadConfig({ DATA_DIR: dataDir, QDRANT_URL: `http://127.0.0.1:${await closedPort()}` });
    await expect(openServices(config, { log: silentLogger, seedCatalog: false })).rejects.toThrow();
    expect(openFilesUnder(dataDir)).toEqual([]);
  });

  it('opens the embedded store and closes every file on close()', async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'stylus-services-'));
    const services = await openServices(loadConfig({ DATA_DIR: dataDir }), { log: silentLogger, seedCatalog: false });
    expect(openFilesUnder(dataDir)).not.toEqual([]);
    expect(await services.store.count()).toBe(0);
    await services.close();
    expect(openFilesUnder(dataDir)).toEqual([]);
  });
});
