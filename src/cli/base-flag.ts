import { BASE_FAMILIES, CHECKPOINT_FAMILIES } from '../catalog/adapter.js';
import { NoAdaptersForBase } from '../stylus/base-availability.js';
import type { StringFlag } from './spec.js';

/** `--base` of the commands that compose: every family, `other` included (adapters whose hub named no known base). */
export const BASE_FLAG = {
  type: 'string',
  value: 'family',
  help: `base model family: ${BASE_FAMILIES.join(', ')}`,
  defaultText: 'STYLUS_DEFAULT_BASE, else sdxl',
} as const satisfies StringFlag;

/** `--base` where a checkpoint of the family renders: no `other`. */
export const CHECKPOINT_BASE_FLAG = {
  ...BASE_FLAG,
  help: `base model family (its CHECKPOINT_<FAMILY> renders): ${CHECKPOINT_FAMILIES.join(', ')}`,
} as const satisfies StringFlag;

/** Runs a composition; "no adapters for this base" names the flag to try, as the command line spells it. */
export async function cliBaseHint<T>(compose: () => Promise<T>): Promise<T> {
  try {
    return await compose();
  } catch (error) {
    if (error instanceof NoAdaptersForBase) throw error.withSuggestion((family) => `--base ${family}`);
    throw error;
  }
}
