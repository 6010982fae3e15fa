import type { Adapter } from '../adapter.js';
import { EXPLICIT_PROMPT_WORDS, SEXUAL_CJK, SEXUAL_PHRASES, SEXUAL_WORDS } from './sexual-terms.js';
import { containsPhrase, singular, splitWords } from './words.js';

/**
 * The SFW gate, decided at ingest for every source and stored on the record (`nsfw` with `nsfwReason`), so
 * retrieval only has to filter on a flag. An adapter is kept out of channels that are not age-restricted when:
 * its hub marks it NSFW; its sample images are rated Mature or X in a large share (Civitai's own ratings, the
 * real signal: the model-level flag is false for most sexual LoRAs); or its name, tags or trigger words name
 * sexual content.
 */

/** Sample-image ratings as Civitai gives them (`nsfw`: None / Soft / Mature / X). */
export interface ImageRatings {
  none: number;
  soft: number;
  mature: number;
  x: number;
}

/** A share of Mature or X sample images at or above this flags the adapter. */
export const MATURE_SHARE_LIMIT = 0.3;
/**
 * A share of X sample images at or above this flags it too: explicit samples say what it is used for ("Satoshi
 * Urushihara style", 2 of 9), where one in ten may be a nude statue ("Stone Statue LoRA").
 */
export const EXPLICIT_SHARE_LIMIT = 0.2;

export interface SafetyVerdict {
  nsfw: boolean;
  /** One sentence for admins (`ingest` report, `catalog stats`), when flagged. */
  reason?: string;
  /** The kind of reason, for counting: hub, images, words. */
  kind?: 'hub' | 'images' | 'words';
}

/** The first sexual word or phrase in a text, or undefined. */
export function sexualTermIn(text: string): string | undefined {
  for (const cjk of SEXUAL_CJK) if (text.includes(cjk)) return cjk;
  const words = splitWords(text);
  const singulars = words.map(singular);
  for (const [index, word] of words.entries()) {
    if (SEXUAL_WORDS.has(word) || SEXUAL_WORDS.has(singulars[index] ?? word)) return word;
  }
  for (const phrase of SEXUAL_PHRASES) {
    if (containsPhrase(words, phrase) || containsPhrase(singulars, phrase)) return phrase.join(' ');
  }
  return undefined;
}

/** The first word of a member's prompt that asks for explicit content (EXPLICIT_PROMPT_WORDS), or undefined. */
export function explicitTermIn(prompt: string): string | undefined {
  for (const cjk of SEXUAL_CJK) if (prompt.includes(cjk)) return cjk;
  return splitWords(prompt).find(
    (word) => EXPLICIT_PROMPT_WORDS.has(word) || EXPLICIT_PROMPT_WORDS.has(singular(word)),
  );
}

/**
 * Authors say it in the description: "trained on sfw and nsfw images", "can do nsfw", "tends to do nsfw images",
 * "works also on nsfw". A negation just before ("not trained on nsfw", "do not use for nsfw") or a negative-prompt
 * context ("add nsfw to the negatives") does not count.
 */
const NSFW_CLAIM =
  /\b(trained on|dataset|includ\w*|contain\w*|can (?:also )?(?:do|make|produce|generate)|capable of|tends? to (?:do|make|produce|generate)|works? (?:also |well )?(?:on|for|with)|(?:produce|generate)s?|ability to)\b[^.!?,;\n]{0,40}(?<![\w-])nsfw\b/gi;
const NEGATION =
  /\b(not|no|never|don'?t|doesn'?t|isn'?t|wasn'?t|avoid|without|prohibit\w*|negative\w*)\b[^.!?\n]{0,24}$/i;
/** "AOM2 nsfw", "orangemix2-nsfw": checkpoint names, not claims about the adapter. */
const CHECKPOINT_NAME = /(\d|mix\w*)[\s_-]nsfw$/i;

export function descriptionClaimsNsfw(description: string): string | undefined {
  const text = description.slice(0, 20_000);
  for (const match of text.matchAll(NSFW_CLAIM)) {
    const start = match.index ?? 0;
    const end = start + match[0].length;
    if (NEGATION.test(text.slice(Math.max(0, start - 30), start))) continue;
    if (/\b(not|no|never|without)\b|n't\b/i.test(match[0]) || CHECKPOINT_NAME.test(match[0])) continue;
    if (/negative/i.test(text.slice(end, end + 60))) continue;
    return match[0].replace(/\s+/g, ' ').trim();
  }
  return undefined;
}

export function matureShare(ratings: ImageRatings | undefined): number {
  if (!ratings) return 0;
  const total = ratings.none + ratings.soft + ratings.mature + ratings.x;
  return total === 0 ? 0 : (ratings.mature + ratings.x) / total;
}

type SafetyInput = Pick<
  Adapter,
  'name' | 'tags' | 'triggerWords' | 'nsfw' | 'nsfwReason' | 'imageRatings' | 'originalDescription' | 'description'
>;

/** The share of X sample images. */
function explicitShare(ratings: ImageRatings): number {
  const total = ratings.none + ratings.soft + ratings.mature + ratings.x;
  return total === 0 ? 0 : ratings.x / total;
}

export function judgeSafety(adapter: SafetyInput): SafetyVerdict {
  if (adapter.nsfw) return { nsfw: true, reason: adapter.nsfwReason ?? 'the source marks it NSFW', kind: 'hub' };
  const ratings = adapter.imageRatings;
  if (ratings) {
    const total = ratings.none + ratings.soft + ratings.mature + ratings.x;
    if (matureShare(ratings) >= MATURE_SHARE_LIMIT) {
      const rated = ratings.mature + ratings.x;
      return { nsfw: true, reason: `${rated} of its ${total} sample images are rated Mature or X`, kind: 'images' };
    }
    if (explicitShare(ratings) >= EXPLICIT_SHARE_LIMIT)
      return { nsfw: true, reason: `${ratings.x} of its ${total} sample images are rated X`, kind: 'images' };
  }
  const fields: [string, readonly string[]][] = [
    ['name', [adapter.name]],
    ['trigger word', adapter.triggerWords],
    ['tag', adapter.tags],
  ];
  for (const [field, texts] of fields) {
    for (const text of texts) {
      const term = sexualTermIn(text);
      if (term)
        return {
          nsfw: true,
          reason: `its ${field} "${text.slice(0, 60)}" names sexual content (${term})`,
          kind: 'words',
        };
    }
  }
  const claim = descriptionClaimsNsfw(adapter.originalDescription || adapter.description);
  if (claim)
    return { nsfw: true, reason: `its description says it makes NSFW images ("${claim.slice(0, 80)}")`, kind: 'words' };
  return { nsfw: false };
}
