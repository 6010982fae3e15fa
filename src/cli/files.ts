import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { UserFacingError } from '../errors.js';

type Kind = 'file' | 'folder' | 'file or folder';

/**
 * Checks a path given on the command line before anything opens it, so a wrong one is one sentence naming it
 * (not ENOENT / EISDIR from deep inside a reader). Returns the path.
 */
async function checkPath(path: string, what: string, kind: Kind): Promise<string> {
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch {
    throw new UserFacingError(`There is no ${what} at "${path}": check the path.`, 'missing_file');
  }
  if (kind === 'file' && info.isDirectory()) {
    throw new UserFacingError(`"${path}" is a folder: give the ${what} itself.`, 'usage');
  }
  if (kind === 'folder' && !info.isDirectory()) {
    throw new UserFacingError(`"${path}" is a file: give the ${what}.`, 'usage');
  }
  try {
    await access(path, constants.R_OK);
  } catch {
    throw new UserFacingError(`Cannot read the ${what} "${path}": permission denied.`, 'missing_file');
  }
  return path;
}

export const readableFile = (path: string, what: string) => checkPath(path, what, 'file');
export const readableFolder = (path: string, what: string) => checkPath(path, what, 'folder');
export const readableFileOrFolder = (path: string, what: string) => checkPath(path, what, 'file or folder');
