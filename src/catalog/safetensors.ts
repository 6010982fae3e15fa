import { open } from 'node:fs/promises';

/**
 * A .safetensors file is an 8-byte little-endian header length, a JSON header, then raw tensor bytes: reading it can
 * never run code, unlike a pickle (.ckpt, .pt, .bin). We read and check the header before trusting a file.
 */
export interface SafetensorsHeader {
  headerLength: number;
  /** `__metadata__` (string to string), e.g. kohya's ss_* keys. */
  metadata: Record<string, string>;
  tensors: Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
}

export class SafetensorsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SafetensorsError';
  }
}

/** Headers past this size are refused: real LoRA headers are kilobytes; 2^40 is an attack or corruption. */
export const MAX_HEADER_BYTES = 100 * 1024 * 1024;

/** Parses a header from the first bytes of a file whose total size is `fileSize` (checks tensors fit inside it). */
export function parseSafetensorsHeader(bytes: Uint8Array, fileSize: number): SafetensorsHeader {
  if (fileSize < 8 || bytes.byteLength < 8) throw new SafetensorsError('file is shorter than the 8-byte header length');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const length = view.getBigUint64(0, true);
  if (length < 2n || length > BigInt(MAX_HEADER_BYTES)) {
    throw new SafetensorsError(`header length ${length} is not plausible`);
  }
  const headerLength = Number(length);
  if (8 + headerLength > fileSize) throw new SafetensorsError('header runs past the end of the file (truncated?)');
  if (bytes.byteLength < 8 + headerLength) throw new SafetensorsError('not enough bytes to read the header');
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + 8, headerLength).toString('utf8'));
  } catch {
    throw new SafetensorsError('header is not valid JSON');
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new SafetensorsError('header is not a JSON object');
  }
  const dataSize = fileSize - 8 - headerLength;
  const metadata: Record<string, string> = {};
  const tensors: SafetensorsHeader['tensors'] = {};
  for (const [key, value] of Object.entries(json as Record<string, unknown>)) {
    if (key === '__metadata__') {
      if (typeof value === 'object' && value !== null) {
        for (const [metaKey, metaValue] of Object.entries(value)) {
          if (typeof metaValue === 'string') metadata[metaKey] = metaValue;
        }
      }
      continue;
    }
    const tensor = value as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const offsets = tensor?.data_offsets;
    if (
      typeof tensor?.dtype !== 'string' ||
      !Array.isArray(tensor.shape) ||
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      typeof offsets[0] !== 'number' ||
      typeof offsets[1] !== 'number' ||
      offsets[0] < 0 ||
      offsets[1] < offsets[0] ||
      offsets[1] > dataSize
    ) {
      throw new SafetensorsError(`tensor "${key}" has a malformed entry or lies outside the file`);
    }
    tensors[key] = { dtype: tensor.dtype, shape: tensor.shape as number[], data_offsets: [offsets[0], offsets[1]] };
  }
  return { headerLength, metadata, tensors };
}

/** Reads and checks the header of a file on disk without reading its tensors. */
export async function readSafetensorsHeader(file: string): Promise<SafetensorsHeader> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    if (size < 8) throw new SafetensorsError('file is shorter than the 8-byte header length');
    const prefix = Buffer.alloc(8);
    await handle.read(prefix, 0, 8, 0);
    const length = prefix.readBigUInt64LE(0);
    if (length < 2n || length > BigInt(MAX_HEADER_BYTES))
      throw new SafetensorsError(`header length ${length} is not plausible`);
    const headerLength = Number(length);
    if (8 + headerLength > size) throw new SafetensorsError('header runs past the end of the file (truncated?)');
    const bytes = Buffer.alloc(8 + headerLength);
    await handle.read(bytes, 0, bytes.length, 0);
    return parseSafetensorsHeader(bytes, size);
  } finally {
    await handle.close();
  }
}

/** Builds a valid .safetensors file: for tests and fixtures (tiny tensors, real format). */
export function buildSafetensors(
  metadata: Record<string, string>,
  tensors: Record<string, Float32Array> = { 'lora.down.weight': new Float32Array([0.1, 0.2]) },
): Buffer {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  const payloads: Buffer[] = [];
  for (const [name, data] of Object.entries(tensors)) {
    const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    header[name] = { dtype: 'F32', shape: [data.length], data_offsets: [offset, offset + bytes.length] };
    offset += bytes.length;
    payloads.push(bytes);
  }
  let json = JSON.stringify(header);
  // The format pads the header with spaces to an 8-byte boundary.
  while ((8 + Buffer.byteLength(json)) % 8 !== 0) json += ' ';
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  return Buffer.concat([length, Buffer.from(json), ...payloads]);
}
