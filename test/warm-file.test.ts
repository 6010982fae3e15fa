import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { warmFile } from '../src/storage/warm-file.js';

const dir = mkdtempSync(path.join(tmpdir(), 'stylus-warm-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('warmFile', () => {
  it('reads the whole file, over several chunks', async () => {
    const file = path.join(dir, 'catalog.db');
    writeFileSync(file, Buffer.alloc(9 * 2 ** 20 + 123, 7));
    expect(await warmFile(file)).toBe(9 * 2 ** 20 + 123);
  });

  it('stops when the bot stops', async () => {
    const file = path.join(dir, 'stopped.db');
    writeFileSync(file, Buffer.alloc(2 ** 20, 1));
    const stopping = new AbortController();
    stopping.abort();
    expect(await warmFile(file, stopping.signal)).toBe(0);
  });

  it('stops a read under way', async () => {
    const file = path.join(dir, 'under-way.db');
    writeFileSync(file, Buffer.alloc(64 * 2 ** 20, 2));
    const stopping = new AbortController();
    const reading = warmFile(file, stopping.signal);
    stopping.abort();
    expect(await reading).toBe(0);
  });

  it('rejects for a file that is not there (the app logs it and goes on)', async () => {
    await expect(warmFile(path.join(dir, 'missing.db'))).rejects.toThrow(/ENOENT/);
  });
});
