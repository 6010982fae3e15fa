import type { Adapter } from '../adapter.js';
import { type CategoryVerdict, inferCategory } from './category.js';
import { judgeSafety, type SafetyVerdict } from './safety.js';

export type { CategoryVerdict } from './category.js';
export type { ImageRatings, SafetyVerdict } from './safety.js';

export interface Classified {
  adapter: Adapter;
  safety: SafetyVerdict;
  category: CategoryVerdict;
}

/**
 * The catalog's own rules, applied to every record on its way in (ingest from any source, `catalog load`): a
 * category when the source gave none (a refined one is the refiner's and stays), and the SFW gate. A record
 * flagged by its source stays flagged; the gate only adds flags, never clears one.
 */
export function classifyAdapter(adapter: Adapter): Classified {
  const category =
    adapter.refined || adapter.category !== 'other'
      ? { category: adapter.category, reason: adapter.refined ? 'refiner' : 'source' }
      : inferCategory(adapter);
  const safety = judgeSafety(adapter);
  const celebrity = adapter.tags.some((tag) => tag.trim().toLowerCase() === 'celebrity');
  return {
    adapter: {
      ...adapter,
      category: category.category,
      nsfw: safety.nsfw,
      ...(safety.reason ? { nsfwReason: safety.reason } : {}),
      realPerson: adapter.realPerson || celebrity,
    },
    safety,
    category,
  };
}
