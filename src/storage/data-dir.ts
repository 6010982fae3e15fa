import { accessSync, constants, mkdirSync } from 'node:fs';
import { UserFacingError } from '../errors.js';

/**
 * Makes sure DATA_DIR is a folder this process can write (the SQLite file and its journal live there), or says in
 * one sentence what is wrong with it, instead of EEXIST / ENOTDIR / EACCES from deep inside SQLite.
 */
export function ensureDataDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    if (code === 'EEXIST' || code === 'ENOTDIR') {
      throw new UserFacingError(
        `DATA_DIR=${dir} is a file, not a folder: point DATA_DIR at a folder (it holds stylus.db).`,
        'config',
        { cause: error },
      );
    }
    throw new UserFacingError(
      `DATA_DIR=${dir} cannot be created or written (${code}): point DATA_DIR at a folder this user can write, or fix its permissions.`,
      'config',
      { cause: error },
    );
  }
}
