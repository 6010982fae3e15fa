import type { AdapterStore } from '../catalog/store.js';
import { rawTokens, stem } from '../catalog/text.js';
import { NO_RARITY, type WordRarity } from './evidence.js';
import { taskWords } from './evidence-text.js';

/**
 * A word is common, and identifies no adapter on its own, when more than this share of the catalog (and at least
 * MIN_COMMON adapters) uses it in a name, trigger word or tag: "girl" (27% of the Civitai dump), "anime" (55%),
 * "blue" (6%), against "forest" (0.1%) or "capybara".
 */
export const COMMON_SHARE = 0.015;
const MIN_COMMON = 5;

/** The rarity of the prompt's words in the catalog, read once per composition from the store's index. */
export async function wordRarityFor(store: AdapterStore, prompt: string): Promise<WordRarity> {
  if (!store.identityFrequencies) return NO_RARITY;
  // The prompt's tokens as written too: a coined trigger ("rz88mkultr4") is one token of the index, four task words.
  const words = [...taskWords(prompt), ...rawTokens(prompt)];
  const { total, counts } = await store.identityFrequencies(words.map(stem));
  const limit = Math.max(MIN_COMMON, COMMON_SHARE * total);
  return {
    isCommon: (word) => NO_RARITY.isCommon(word) || (counts.get(stem(word)) ?? 0) > limit,
    // A word the index was not asked about (or does not hold) is used by no card it knows.
    cardsUsing: (word) => counts.get(stem(word)) ?? 0,
  };
}
