import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../src/storage/sqlite.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const NOBODY = 65534;

/**
 * `stylus compose` as a user who may not write DATA_DIR. Root writes anywhere, so under root (CI) the child runs as
 * nobody; under any other user the folder's own permission bits already say no.
 */
function composeAs(dataDir: string) {
  const asRoot = process.getuid?.() === 0;
  const result = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      "import { main } from './src/cli.ts'; process.exitCode = await main(['compose', 'a red fox']);",
    ],
    {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        DATA_DIR: dataDir,
        LOG_LEVEL: 'silent',
        STYLUS_SEED_CATALOG: 'false',
        HOME: tmpdir(),
      },
      encoding: 'utf8',
      ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}),
    },
  );
  return { code: result.status, stderr: result.stderr };
}

describe('a DATA_DIR the process may not write', { timeout: 60_000 }, () => {
  let parent: string;
  beforeAll(() => {
    parent = mkdtempSync(path.join(tmpdir(), 'stylus-ro-'));
    chmodSync(parent, 0o755);
  });
  afterAll(() => {
    chmodSync(parent, 0o755);
    rmSync(parent, { recursive: true, force: true });
  });

  const folderSentence = (dir: string) =>
    `stylus compose: DATA_DIR=${dir} cannot be created or written (EACCES): point DATA_DIR at a folder this user can write, or fix its permissions.`;

  it('an existing read-only folder: the message names the path and what to do', () => {
    const dir = path.join(parent, 'existing');
    mkdirSync(dir);
    chmodSync(dir, 0o555);
    const { code, stderr } = composeAs(dir);
    expect(stderr.trim()).toBe(folderSentence(dir));
    expect(code).toBe(1);
  });

  it('a folder that cannot be created under a read-only parent', () => {
    const locked = path.join(parent, 'locked');
    mkdirSync(locked);
    chmodSync(locked, 0o555);
    const dir = path.join(locked, 'data');
    const { code, stderr } = composeAs(dir);
    expect(stderr.trim()).toBe(folderSentence(dir));
    expect(code).toBe(1);
  });

  it('a database another user (root) made, in a folder this user may write', () => {
    const dir = path.join(parent, 'made-by-root');
    mkdirSync(dir);
    openDatabase(path.join(dir, 'stylus.db')).close();
    chmodSync(dir, 0o777);
    chmodSync(path.join(dir, 'stylus.db'), 0o644);
    const { code, stderr } = composeAs(dir);
    expect(stderr.trim()).toBe(
      `stylus compose: ${path.join(dir, 'stylus.db')} cannot be written by this user (another user may have created it): make it writable for the user that runs stylus, or point DATA_DIR at another folder.`,
    );
    expect(code).toBe(1);
  });
});
