import { spawn } from 'node:child_process';

/**
 * Between two 4 MB reads: at most 200 MB/s, so the disk still answers the pages a member's composition asks for while
 * the file is read in (a 1.4 GB file from a dropped page cache: the first composition took 840 ms unpaced, ~300 alone).
 */
const PAUSE_MS = 20;

/**
 * The reader, run in a child process: it reads the file front to back in 4 MB chunks into one buffer and prints how
 * many bytes it read. A child, not this process: closing a descriptor of the database file in the process that has
 * it open in SQLite would drop SQLite's POSIX locks on it (SQLite's "How To Corrupt" page, section 2.2).
 */
const READER = `
const fs = require('node:fs');
const fd = fs.openSync(process.argv[1], 'r');
const buffer = Buffer.allocUnsafe(4 * 1024 * 1024);
const pause = new Int32Array(new SharedArrayBuffer(4));
let position = 0;
for (let read; (read = fs.readSync(fd, buffer, 0, buffer.length, position)) > 0; ) {
  position += read;
  Atomics.wait(pause, 0, 0, ${PAUSE_MS});
}
process.stdout.write(String(position));
`;

/**
 * Reads a file once, front to back, so the operating system holds its pages: at 300K adapters the catalog file is
 * 1.4 GB, and a bot whose file is not in memory reads it page by page on the compositions members wait for (300K,
 * Parti: p99 65 ms with a cold page cache, 32-41 ms warm). A child process does the reading: the event loop and the
 * heap of this one stay free. Resolves with the bytes read, or 0 when `signal` stopped it first; rejects when the
 * file cannot be read.
 */
export function warmFile(file: string, signal?: AbortSignal): Promise<number> {
  if (signal?.aborted) return Promise.resolve(0);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', READER, file], { stdio: ['ignore', 'pipe', 'pipe'], env: {} });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    const stop = () => child.kill();
    signal?.addEventListener('abort', stop, { once: true });
    child.on('error', reject);
    child.on('close', (code) => {
      signal?.removeEventListener('abort', stop);
      if (signal?.aborted) resolve(0);
      else if (code === 0) resolve(Number(out));
      else reject(new Error(err.split('\n').find((line) => line.startsWith('Error')) ?? `reader exited with ${code}`));
    });
  });
}
