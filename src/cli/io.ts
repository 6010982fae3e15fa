import type { Writable } from 'node:stream';

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
