import { createHash } from 'node:crypto';

/**
 * Qdrant refuses a request body over `service.max_request_size_mb` (32 MiB by default). Batches are cut well below
 * that, by the size of their JSON, so 3072-d vectors or long records never make a request the server turns away.
 */
export const MAX_REQUEST_BYTES = 8 * 1024 * 1024;

/** Room for the envelope of a batch (operation names, filters, commas) around its items. */
const ENVELOPE_BYTES = 4 * 1024;

/**
 * Splits items into batches of at most `maxItems` items whose encoded sizes add up to at most `maxBytes`. An item
 * bigger than the budget on its own travels alone (and Qdrant's answer, if it refuses it, names the reason).
 */
export function sizedBatches<T>(
  items: readonly T[],
  encodedBytes: (item: T) => number,
  maxItems: number,
  maxBytes = MAX_REQUEST_BYTES,
): T[][] {
  const budget = Math.max(1, maxBytes - ENVELOPE_BYTES);
  const batches: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = encodedBytes(item) + 1;
    if (current.length > 0 && (current.length >= maxItems || bytes + size > budget)) {
      batches.push(current);
      current = [];
      bytes = 0;
    }
    current.push(item);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

export function jsonBytes(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

/**
 * A float32 vector as JSON numbers with nine significant digits: enough to give back every float32 bit for bit,
 * and about half the bytes of the doubles `Array.from` would print.
 */
export function compactVector(vector: Float32Array): number[] {
  const out = new Array<number>(vector.length);
  for (let index = 0; index < vector.length; index++) out[index] = Number((vector[index] as number).toPrecision(9));
  return out;
}

/** A short content hash: what a re-run compares with the stored payload instead of sending the data again. */
export function contentHash(...parts: (string | Uint8Array)[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  return hash.digest('hex').slice(0, 32);
}

export function vectorBytes(vector: Float32Array): Uint8Array {
  return new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength);
}

export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}
