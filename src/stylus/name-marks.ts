import { lemmas } from '../catalog/classify/words.js';
import { isDictionaryWord, splitCompound } from './dictionary.js';
import { NAMED_LOOKS } from './evidence-words.js';

/**
 * Marks in a text that the whole picture must share with the prompt: the looks a name asks for (a medium, a genre, a
 * format, a decade: see NAMED_LOOKS) and the model codes it names ("FF14", "RX-7"). evidence.ts holds adapters'
 * names against prompts with them.
 */

/** "90s", "1970s", "80's". */
const DECADE = /(?<![\p{L}\p{N}])(?:19|20)?([1-9])0['’]?s(?![\p{L}])/giu;

/** Looks that only say which kind of the look that follows them: "game icon", "game sprite". */
const QUALIFIES_A_LOOK = new Set(['game']);

/**
 * Looks in Han script, in NAMED_LOOKS's shared forms, found anywhere in a text (Han is written without spaces): a
 * name that says them only in Chinese or Japanese asks for them all the same.
 */
const CJK_LOOKS: ReadonlyMap<string, string> = new Map([
  ['室内', 'interior'],
  ['水彩', 'watercolor'],
  ['油画', 'paint'],
  ['像素', 'pixel'],
  ['素描', 'sketch'],
  ['水墨', 'ink'],
  // An illustration: "Mix pattern / 拼贴元素插画风格" (a collage illustration style) for no flower pattern of a dress.
  ['插画', 'illustration'],
  ['浮世绘', 'ukiyo'],
  // A cartoon: "M_vehicle 卡通车车" draws toy-like cartoon cars, no motorcycle of a photo.
  ['卡通', 'cartoon'],
]);

/** The looks a text asks for, in NAMED_LOOKS's shared forms; run-together words count by their parts ("PixelArt"). */
export function looksOf(text: string): string[] {
  return looksOfWords(lemmas(text), text);
}

/** looksOf for a text already split into `written` words (singular, in order). */
export function looksOfWords(written: readonly string[], text: string): string[] {
  // Run together ("Indoorpinkrestaurant") or written apart ("VaporWave", "low key", "D&D"): a look either way.
  const looks = new Set<string>();
  const add = (word: string) => {
    const look = NAMED_LOOKS.get(word);
    if (look) looks.add(look);
  };
  const addAll = (words: readonly string[]) =>
    words.forEach((word, index) => {
      // "game" before another look says which kind of it: a game icon is an icon (see NAMED_LOOKS).
      const next = words[index + 1];
      if (!(QUALIFIES_A_LOOK.has(word) && next !== undefined && NAMED_LOOKS.has(next))) add(word);
      if (index > 0) add(`${words[index - 1]}${word}`);
      const parts = splitCompound(word);
      if (parts) addAll(parts);
    });
  addAll(written);
  // Looks named in Chinese or Japanese: "室内设计" (interior design) of "室内设计：极简/宅寂/北欧：Mr_MC_HomeV1".
  for (const [said, look] of CJK_LOOKS) if (text.includes(said)) looks.add(look);
  // A decade is a look too: "90s Trading Card Style", "1980s anime".
  for (const match of text.matchAll(DECADE)) looks.add(`${match[1]}0s`);
  return [...looks];
}

/**
 * A maker's model code or a game's number in a name: "FF14", "RX-7", "N64", "WW1". Letters and digits run together
 * (or joined by a hyphen) name one thing; a version ("v2", "SD1.5", "Girl 2") is no code.
 */
const MODEL_CODE = /(?<![\p{L}\p{N}])([a-z]{1,4})-?(\d{1,4})([a-z]{0,2})(?:([a-z])(\d{1,2}))?(?![\p{L}\p{N}])/giu;
const NOT_A_CODE =
  /^(v|ver|e|ep|r|x|b|s|t|d|p|k|m|sd|sdxl|xl|no|vol|set|mix|lora|test|dim|rank|lr|step|part|page|type)$/;

/** A checkpoint a card says it was made "for", by such a code: "Torino Style for AOM3A1" names no model it draws. */
const MADE_FOR = /\bfor\s+$/;

/** The model codes of a text, lower-case and run together ("ff14", "rx7", "m4a1"). */
export function codesOf(text: string): string[] {
  const lower = text.toLowerCase();
  const codes = [...lower.matchAll(MODEL_CODE)]
    // A second run of letters and digits makes a code of any first letters: "M4A1" (an "M4" alone may be a size).
    .filter((match) => match[5] !== undefined || !NOT_A_CODE.test(match[1] ?? ''))
    .filter((match) => match[5] === undefined || !MADE_FOR.test(lower.slice(Math.max(0, match.index - 8), match.index)))
    .map((match) => `${match[1]}${match[2]}${match[3]}${match[4] ?? ''}${match[5] ?? ''}`);
  return [...new Set(codes)];
}

/**
 * A title's initials written with the small words between them ("WoW", World of Warcraft; "BotW", "LoL", "OoT"): a
 * capital, one or two small letters, a capital, ending in a capital. "WiP" (work in progress) is a note, no title.
 */
const TITLE_INITIALS = /(?<![\p{L}\p{N}])((?:\p{Lu}\p{Ll}{1,2})+\p{Lu})(?![\p{L}\p{N}])/gu;
const NOT_A_TITLE = new Set(['wip']);

/** The titles a name writes by their initials, lower-case ("wow" of "SXZ WoW Icons"). */
export function titleInitialsOf(name: string): string[] {
  const titles = [...name.matchAll(TITLE_INITIALS)]
    .map((match) => (match[1] ?? '').toLowerCase())
    .filter((title) => !NOT_A_TITLE.has(title));
  return [...new Set(titles)];
}

/**
 * Whether a text asks for the title `initials` stands for: written as a word ("wow icons"), opening a coined one (the
 * card's trigger "wowicon"), or spelled out, small words and all ("world of warcraft", "breath of the wild" for "botw").
 */
export function writesTitle(words: readonly string[], initials: string): boolean {
  if (words.some((word) => word === initials || (word.startsWith(initials) && !isDictionaryWord(word)))) return true;
  return words.some((_, start) => {
    const run = words.slice(start, start + initials.length);
    return run.length === initials.length && run.every((word, index) => word[0] === initials[index]);
  });
}
