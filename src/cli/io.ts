import type { Writable } from 'node:stream';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { UserFacingError } from '../errors.js';

/** Where a CLI command writes; tests pass buffers. */
export interface CliIo {
  stdout: Writable;
  stderr: Writable;
  env: NodeJS.ProcessEnv;
}

export type CliCommand = (args: string[], io: CliIo) => Promise<number>;

export function writeLine(stream: Writable, line = ''): void {
  stream.write(`${line}\n`);
}

/** node:util parseArgs with strict options; an unknown flag is a user-facing error naming it. */
export function parseCliArgs<T extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: T,
  allowPositionals = true,
) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (error) {
    throw new UserFacingError(error instanceof Error ? error.message : String(error), 'usage');
  }
}

/** Parses a whole-number flag, or fails naming it. */
export function intFlag(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw new UserFacingError(`--${name} must be a whole number from ${min} to ${max} (got "${value}").`, 'usage');
  }
  return parsed;
}
