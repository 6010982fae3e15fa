import path from 'node:path';
import type { Adapter } from './adapter.js';

const MAX_NAME_LENGTH = 120;

/**
 * The file name an adapter has in the render backend's LoRA folder. Hub files often share a name
 * (`pytorch_lora_weights.safetensors`), so hub adapters are named after their id; local files keep their own name.
 * The result is always a bare `.safetensors` name: no directories, no traversal, no odd characters.
 */
export function localLoraName(adapter: Pick<Adapter, 'id' | 'source' | 'fileName'>): string {
  const stem =
    adapter.source === 'local' && adapter.fileName
      ? path.basename(adapter.fileName).replace(/\.safetensors$/i, '')
      : adapter.id.replace(':', '-').replaceAll('/', '--');
  return `${sanitiseStem(stem)}.safetensors`;
}

/** The name without `.safetensors`, as A1111 wants it in `<lora:NAME:weight>`. */
export function loraTagName(fileName: string): string {
  return fileName.replace(/\.safetensors$/i, '');
}

export function sanitiseStem(stem: string): string {
  const cleaned = stem
    .normalize('NFKD')
    .replace(/[^\w.-]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/^[.-]+|[.-]+$/g, '')
    .slice(0, MAX_NAME_LENGTH);
  return cleaned || 'lora';
}
