import { open } from 'node:fs/promises';

/** Bytes read at a time: large enough for the disk to stream, small enough to stop soon when asked. */
const CHUNK_BYTES = 4 * 2 ** 20;

/**
 * Reads a file once, front to back, so the operating system holds its pages: at 300K adapters the catalog file is
 * 1.4 GB, and a bot whose file is not in memory reads it page by page on the compositions members wait for (300K,
 * Parti: p99 65 ms with a cold page cache, 32-41 ms warm). The reads run on libuv's thread pool, one chunk in flight,
 * into one reused buffer: the event loop stays free and the heap does not grow. Stops at the end of the file or when
 * `signal` aborts; returns the bytes read.
 */
export async function warmFile(file: string, signal?: AbortSignal): Promise<number> {
  const handle = await open(file, 'r');
  const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  let position = 0;
  try {
    while (!signal?.aborted) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, position);
      if (bytesRead === 0) break;
      position += bytesRead;
    }
  } finally {
    await handle.close();
  }
  return position;
}
