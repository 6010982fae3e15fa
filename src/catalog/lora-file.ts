import path from 'node:path';
import type { Adapter } from './adapter.js';

const MAX_NAME_LENGTH = 120;
const MAX_DEPTH = 8;

/**
 * One folder or file name of a LoRA path: letters (any script), digits, spaces and `_ . - ( ) + , '`; not `.` or
 * `..`, no leading dot or space. What is left out is what breaks a path (`/ \ :`), an A1111 tag (`: < >`) or a shell.
 */
const SAFE_SEGMENT = /^(?![. ])(?!.* $)[\p{L}\p{N}_ .()+,'-]{1,120}$/u;

/**
 * Whether a LoRA name is a safe path below the LoRA folder: `name.safetensors` or `folder/…/name.safetensors`, with
 * `/` between safe segments, no traversal, not absolute.
 */
export function isSafeLoraPath(name: string): boolean {
  if (!/\.safetensors$/.test(name) || name.length > 255) return false;
  const segments = name.split('/');
  return segments.length <= MAX_DEPTH && segments.every((segment) => SAFE_SEGMENT.test(segment) && segment !== '..');
}

/**
 * The file's path in the render backend's LoRA folder. Hub files often share a name (`pytorch_lora_weights.safetensors`),
 * so hub adapters are named after their id, at the top of the folder. Local files keep their own path below the folder
 * (`style/ink.safetensors`), so two files with one name in two folders stay two adapters; a path that is not safe as
 * it is gets each part cleaned (and the render then reports the file missing rather than reaching outside the folder).
 */
export function localLoraName(
  adapter: Pick<Adapter, 'id' | 'source' | 'fileName'> & Partial<Pick<Adapter, 'sourceIds'>>,
): string {
  if (adapter.source === 'local') {
    const relative = (adapter.sourceIds?.path ?? adapter.fileName ?? '').replaceAll('\\', '/');
    if (relative) {
      const named = relative.replace(/\.safetensors$/i, '.safetensors');
      if (isSafeLoraPath(named)) return named;
      const segments = relative
        .replace(/\.safetensors$/i, '')
        .split('/')
        .filter((segment) => segment !== '' && segment !== '.' && segment !== '..');
      return `${segments.slice(-MAX_DEPTH).map(sanitiseStem).join('/')}.safetensors`;
    }
  }
  return `${sanitiseStem(adapter.id.replace(':', '-').replaceAll('/', '--'))}.safetensors`;
}

/**
 * The name as A1111 wants it in `<lora:NAME:weight>`: the file's stem without its folders (A1111's Lora extension
 * finds files in subfolders and names each by its stem alone).
 */
export function loraTagName(fileName: string): string {
  return path.posix.basename(fileName).replace(/\.safetensors$/i, '');
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
