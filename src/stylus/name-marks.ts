import { lemmas } from '../catalog/classify/words.js';
import { splitCompound } from './dictionary.js';
import { NAMED_LOOKS } from './evidence-words.js';

/**
 * Marks in a text that the whole picture must share with the prompt: the looks a name asks for (a medium, a genre, a
 * format, a decade: see NAMED_LOOKS) and the model codes it names ("FF14", "RX-7"). evidence.ts holds adapters'
 * names against prompts with them.
 */

/** "90s", "1970s", "80's". */
const DECADE = /(?<![\p{L}\p{N}])(?:19|20)?([1-9])0['’]?s(?![\p{L}])/giu;

/** The looks a text asks for, in NAMED_LOOKS's shared forms; run-together words count by their parts ("PixelArt"). */
export function looksOf(text: string): string[] {
  const written = lemmas(text.replace(/\bd\s*&\s*d\b/gi, ' dnd ').replace(/\b(low|high)[\s_-]+key\b/gi, '$1key'));
  // Run together ("Indoorpinkrestaurant") or camel-cased apart ("VaporWave"): a look either way.
  const pairs = written.slice(1).map((word, index) => `${written[index]}${word}`);
  const words = [...written, ...pairs].flatMap((word) => [word, ...(splitCompound(word) ?? [])]);
  // A decade is a look too: "90s Trading Card Style", "1980s anime".
  const decades = [...text.matchAll(DECADE)].map((match) => `${match[1]}0s`);
  return [...new Set([...words.flatMap((word) => NAMED_LOOKS.get(word) ?? []), ...decades])];
}

/**
 * A maker's model code or a game's number in a name: "FF14", "RX-7", "N64", "WW1". Letters and digits run together
 * (or joined by a hyphen) name one thing; a version ("v2", "SD1.5", "Girl 2") is no code.
 */
const MODEL_CODE = /(?<![\p{L}\p{N}])([a-z]{1,4})-?(\d{1,4})([a-z]{0,2})(?![\p{L}\p{N}])/giu;
const NOT_A_CODE =
  /^(v|ver|e|ep|r|x|b|s|t|d|p|k|m|sd|sdxl|xl|no|vol|set|mix|lora|test|dim|rank|lr|step|part|page|type)$/;

/** The model codes of a text, lower-case and run together ("ff14", "rx7"). */
export function codesOf(text: string): string[] {
  const codes = [...text.toLowerCase().matchAll(MODEL_CODE)]
    .filter((match) => !NOT_A_CODE.test(match[1] ?? ''))
    .map((match) => `${match[1]}${match[2]}${match[3]}`);
  return [...new Set(codes)];
}
