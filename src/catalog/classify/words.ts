/**
 * Words of catalog text as people read them, for classification and grounding (not for BM25, which has its own
 * stemmed terms in ../text.ts): camelCase and snake_case split ("OilPainter" -> oil painter, "feet_through_wall" ->
 * feet through wall), booru escapes dropped ("kiriko \(overwatch\)"), diacritics folded, lower-cased. Han, kana
 * and hangul runs stay whole words, apart from Latin letters written against them ("DUNE沙丘" -> dune 沙丘,
 * "蝴蝶ButterflyX" -> 蝴蝶 butterfly x): Civitai names often put both spellings side by side.
 */
const LATIN_THEN_CJK =
  /(\p{Script=Latin}|\p{N})(?=[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}])/gu;
const CJK_THEN_LATIN =
  /([\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}])(?=\p{Script=Latin}|\p{N})/gu;
const WORD = /[\p{L}\p{N}]+/gu;

/** Anything but printable ASCII and the usual spaces: such text takes the Unicode path. */
const NOT_ASCII = /[^\t\n\r -~]/;
const ASCII_WORD = /[a-z0-9]+/g;

export function splitWords(text: string): string[] {
  return NOT_ASCII.test(text) ? splitAnyWords(text) : splitAsciiWords(text);
}

/**
 * splitWords for ASCII text, where the Unicode classes are [A-Za-z0-9] and nothing is to be folded: the same
 * splits, each regex run only when the text holds what it splits. Profiles split every name and trigger of every
 * candidate, so this is a tenth of a composition.
 */
function splitAsciiWords(text: string): string[] {
  let spaced = text;
  if (/[A-Z]/.test(spaced))
    spaced = spaced.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/([A-Z])([A-Z][a-z])/g, '$1 $2');
  if (/[0-9]/.test(spaced))
    spaced = spaced.replace(/([A-Za-z])([0-9])/g, '$1 $2').replace(/([0-9])([A-Za-z]{3,})/g, '$1 $2');
  return spaced.replace(/_/g, ' ').toLowerCase().match(ASCII_WORD) ?? [];
}

function splitAnyWords(text: string): string[] {
  const spaced = text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(LATIN_THEN_CJK, '$1 ')
    .replace(CJK_THEN_LATIN, '$1 ')
    // "OilPainter" -> "Oil Painter", "GameIconResearch" -> "Game Icon Research", "HTMLStyle" -> "HTML Style".
    .replace(/(\p{Ll})(\p{Lu})/gu, '$1 $2')
    .replace(/(\p{Lu})(\p{Lu}\p{Ll})/gu, '$1 $2')
    // A letter followed by a digit splits ("style2" -> "style 2", "v2" -> "v 2"),
    .replace(/(\p{L})(\p{N})/gu, '$1 $2')
    // and a number followed by a word ("17SciencefictioncityonMars" -> "17 Sciencefictioncityon Mars"), but a
    // number with one or two letters stays ("3d", "2b").
    .replace(/(\p{N})(\p{L}{3,})/gu, '$1 $2')
    .replace(/_/g, ' ')
    .toLowerCase();
  return spaced.match(WORD) ?? [];
}

/** Words whose plural is another thing: glasses are worn, a glass is drunk from. */
const ONLY_PLURAL = new Set(['glasses', 'sunglasses', 'eyeglasses']);

/**
 * Plurals no ending rule reads: "children" is a child, "leaves" a leaf (but "waves" a wave, so -ves is listed, not
 * ruled).
 */
const IRREGULAR_PLURALS: ReadonlyMap<string, string> = new Map(
  (
    'children:child men:man women:woman feet:foot teeth:tooth geese:goose mice:mouse oxen:ox ' +
    'leaves:leaf wolves:wolf knives:knife shelves:shelf calves:calf halves:half loaves:loaf thieves:thief ' +
    'wives:wife lives:life elves:elf scarves:scarf hooves:hoof dwarves:dwarf'
  )
    .split(' ')
    .map((entry) => entry.split(':') as [string, string]),
);

/** Nouns in -ie, whose plural in -ies is no -y word: "hoodies" are hoodies, no "hoody"; "cookies", "zombies". */
const IE_NOUNS = new Set(
  (
    'hoodie cookie movie zombie pixie selfie brownie rookie beanie genie onesie goalie smoothie magpie necktie ' +
    'bowtie calorie prairie collie birdie auntie hippie foodie indie boogie veggie doggie cutie nightie freebie ' +
    'groupie newbie roomie yorkie valkyrie sortie lassie kiddie pinkie sweetie bootie'
  ).split(' '),
);

/**
 * A light, predictable singular: "animals" -> animal, "puppies" -> puppy, "hoodies" -> hoodie, "boxes" -> box,
 * "glasses" stays. Unlike the Porter stemmer it never merges different words ("anime" and "animals" stay apart).
 */
export function singular(word: string): string {
  const irregular = IRREGULAR_PLURALS.get(word);
  if (irregular) return irregular;
  if (word.length <= 3 || !/^[a-z]+$/.test(word) || ONLY_PLURAL.has(word)) return word;
  if (/(ss|us|is|ous|series|species)$/.test(word)) return word;
  if (word.endsWith('ies') && IE_NOUNS.has(word.slice(0, -1))) return word.slice(0, -1);
  if (word.endsWith('ies') && word.length > 4) return `${word.slice(0, -3)}y`;
  if (/(sses|shes|ches|xes|zes)$/.test(word)) return word.slice(0, -2);
  if (word.endsWith('s')) return word.slice(0, -1);
  return word;
}

/** Words of a text in singular form, in order. */
export function lemmas(text: string): string[] {
  return splitWords(text).map(singular);
}

/** Whether `phrase` (a word sequence) occurs contiguously in `words`. */
export function containsPhrase(words: readonly string[], phrase: readonly string[]): boolean {
  if (phrase.length === 0 || phrase.length > words.length) return false;
  outer: for (let start = 0; start + phrase.length <= words.length; start++) {
    for (let offset = 0; offset < phrase.length; offset++) {
      if (words[start + offset] !== phrase[offset]) continue outer;
    }
    return true;
  }
  return false;
}
