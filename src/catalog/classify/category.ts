import { isDictionaryWord } from '../../stylus/dictionary.js';
import { FILE_WORDS, TERMS_NO_NAMES } from '../../stylus/evidence-words.js';
import type { Adapter, Category } from '../adapter.js';
import { singular, splitWords } from './words.js';

/**
 * A category for every adapter at ingest, without an LLM, from what the source has: Civitai's own category tags
 * (character, style, concept, clothing, poses, background, objects, vehicle, animal, buildings, tool...), the
 * free tags of Hugging Face repos and kohya metadata, and the name. The refiner may still improve it. The composer
 * leans on it: a character adapter is picked only when the prompt names the character, at most two styles.
 */

/** Civitai's category tags (and their plural or variant spellings) -> our categories. */
const CATEGORY_TAGS: Record<string, Category> = {
  character: 'character',
  characters: 'character',
  celebrity: 'character',
  'anime character': 'character',
  'game character': 'character',
  'video game character': 'character',
  'cartoon character': 'character',
  'consistent character': 'character',
  'original character': 'character',
  vtuber: 'character',
  'virtual youtuber': 'character',
  style: 'style',
  styles: 'style',
  'art style': 'style',
  artstyle: 'style',
  'style lora': 'style',
  artist: 'style',
  'artist style': 'style',
  clothing: 'clothing',
  clothes: 'clothing',
  outfit: 'clothing',
  outfits: 'clothing',
  costume: 'clothing',
  fashion: 'clothing',
  poses: 'pose',
  pose: 'pose',
  action: 'action',
  background: 'background',
  backgrounds: 'background',
  scenery: 'background',
  landscape: 'background',
  landscapes: 'background',
  buildings: 'building',
  building: 'building',
  architecture: 'building',
  vehicle: 'vehicle',
  vehicles: 'vehicle',
  car: 'vehicle',
  cars: 'vehicle',
  animal: 'animal',
  animals: 'animal',
  objects: 'object',
  object: 'object',
  assets: 'object',
  concept: 'concept',
  concepts: 'concept',
  tool: 'tool',
  tools: 'tool',
  slider: 'tool',
};

/**
 * When several category tags are present, the first of this order wins: a character first (an adapter that draws
 * one person must never pass as a concept), then what most constrains an image.
 */
const PRECEDENCE: readonly Category[] = [
  'character',
  'style',
  'clothing',
  'pose',
  'action',
  'vehicle',
  'animal',
  'building',
  'background',
  'object',
  'tool',
  'concept',
];

/** Name words that say what kind of adapter it is, when no tag does. */
const NAME_HINTS: [RegExp, Category][] = [
  // "Kasumi - DOA6 - Character LORA", "Moana - Character LORA": the card says what it is.
  [/\bcharacter (lora|locon|lycoris|loha|lokr|model)\b/, 'character'],
  [/\b(slider|tweaker|detailer|enhancer|helper|fixer)\b/, 'tool'],
  [/\b(art ?style|style|artist|painting style|aesthetic)\b/, 'style'],
  [/\b(outfit|costume|uniform|dress|clothes|armou?r)\b/, 'clothing'],
  [/\b(pose|poses|posing)\b/, 'pose'],
  [/\b(background|scenery|landscape)\b/, 'background'],
];

export interface CategoryVerdict {
  category: Category;
  /** What decided it, for `catalog stats` and audits. */
  reason: string;
}

type CategoryInput = Pick<Adapter, 'name' | 'tags'> & Partial<Pick<Adapter, 'triggerWords'>>;

/** Booru tags that say an image holds one person: a LoRA triggered by them draws someone. */
const ONE_PERSON = /(^|[\s,，])(1girl|1boy|solo)($|[\s,，])/i;
/** Booru tags that count more people: "1girl,2boys,parents and son" draws a family, no one person. */
const MORE_PEOPLE = /(^|[\s,，])([2-9]|multiple )(girls|boys|others)($|[\s,，])/i;

/** Tags that file an adapter as a person: "girl", "anime girl", "woman", "female", "1boy". */
const PERSON_TAG = /^(?:anime |1)?(?:girl|boy|woman|man|female|male|person)s?$/;

/**
 * A word that can be someone's name: Latin letters, three or more, no dictionary word, no Danbooru term ("serafuku",
 * "mesugaki") and no word of a file ("lora").
 */
const nameLike = (word: string) =>
  /^[a-z]{3,}$/.test(word) &&
  !isDictionaryWord(word) &&
  !isDictionaryWord(singular(word)) &&
  !TERMS_NO_NAMES.has(word) &&
  !FILE_WORDS.has(word);

/** The words of a name without its square-bracketed parts, which hold a maker or a kind ("[Tsumasaky] Nilou"). */
const ownNameWords = (name: string) => splitWords(name.replace(/\[[^\]]*\]/g, ' '));

/**
 * An uncategorised adapter triggered by "1girl" or "solo" whose name holds a name, no dictionary word ("qiqi (genshin
 * impact)", "duoli(genshin impact)"): a character, so that only a prompt naming it gets it. A "Chinese fashion girl"
 * names nobody, and a "Multi-LORA" of a family ("1girl,2boys,parents and son") draws no one person.
 */
function drawsANamedPerson(adapter: CategoryInput): string | undefined {
  const trigger = adapter.triggerWords?.find((entry) => ONE_PERSON.test(entry) && !MORE_PEOPLE.test(entry));
  if (!trigger) return undefined;
  return ownNameWords(adapter.name).some(nameLike) ? trigger : undefined;
}

/**
 * An uncategorised adapter tagged as a person whose tags or trigger words call it by a name its own name holds: a
 * character. Civitai leaves many uncategorised: "Honkai Star Rail Bronya Silver Wolf" (tagged "girl" and "bronya"),
 * "Seras Victoria - Hellsing" (tagged "anime girl" and "seras victoria"), "Oyama mahiro" (trigger "oyama mahiro").
 * A "mecha_musume" (tagged "girl", trigger "mecha_musume") is a kind of girl, and "[Tsumasaky]" a maker's handle.
 */
function calledByItsName(adapter: CategoryInput): string | undefined {
  if (!adapter.tags.some((tag) => PERSON_TAG.test(splitWords(tag).join(' ')))) return undefined;
  const nameWords = ownNameWords(adapter.name);
  const written = new Set(nameWords);
  const runTogether = nameWords.join('');
  const inName = (word: string) => written.has(word) || runTogether.includes(word);
  return [...adapter.tags, ...(adapter.triggerWords ?? [])].find((phrase) => {
    // A booru tag's series in brackets ("nilou \(genshin impact\)") and a file's words ("<lora:...:1>") aside.
    const words = splitWords(phrase).filter((word) => !FILE_WORDS.has(word) && !/^\d+$/.test(word));
    return words.length > 0 && words.every(inName) && words.some(nameLike);
  });
}

/** "Name (Series)" at the start of a card's name: "Rem (Re:0)/蕾姆", "Cindy Aurum (Final Fantasy XV) LORA". */
const NAME_THEN_SERIES = /^\s*([^()（）[\]]+?)\s*[(（]([^)）]+)[)）]/;
/** "Name - Series" as a whole card's name: "Momiji - Ninja Gaiden". */
const NAME_DASH_SERIES = /^\s*([^-–—|()]+?)\s+[-–—|]\s+([^-–—|()]+?)\s*$/;
/** A name as written: one to three words, each opening with a capital ("Rem", "Cindy Aurum"); "small_scene" is none. */
const WRITTEN_AS_A_NAME = /^\p{Lu}[\p{L}'-]*(?:\s+\p{Lu}[\p{L}'-]*){0,2}$/u;

/** A card's tags as word runs: "Kaguya-sama: Love is War" is "kaguya sama love is war". */
const taggedPhrases = (adapter: CategoryInput): ReadonlySet<string> =>
  new Set(adapter.tags.map((tag) => splitWords(tag).join(' ')));

/** The name and the series of a card named "Name (Series)", where the name is written as one and the series is one. */
function nameThenSeries(adapter: CategoryInput): { name: string; series: string } | undefined {
  const match = NAME_THEN_SERIES.exec(adapter.name);
  const name = match?.[1]?.trim();
  const series = match?.[2]?.trim();
  if (name === undefined || series === undefined || !WRITTEN_AS_A_NAME.test(name) || NO_SERIES.test(series))
    return undefined;
  return { name, series };
}

/**
 * An uncategorised adapter named "Name (Series)" or "Name - Series" whose tags say both the name and the series: a
 * character of that series, even where her name is a word of the dictionary ("Rem (Re:0)", tagged "rem" and "re:0";
 * "Momiji - Ninja Gaiden", tagged "momiji" and "ninja gaiden").
 */
function taggedWithItsSeries(adapter: CategoryInput): { name: string; series: string } | undefined {
  const match = NAME_THEN_SERIES.exec(adapter.name) ?? NAME_DASH_SERIES.exec(adapter.name);
  const name = match?.[1]?.trim();
  const series = match?.[2]?.trim();
  if (name === undefined || series === undefined || !WRITTEN_AS_A_NAME.test(name) || NO_SERIES.test(series))
    return undefined;
  const tagged = taggedPhrases(adapter);
  return tagged.has(splitWords(name).join(' ')) && tagged.has(splitWords(series).join(' '))
    ? { name, series }
    : undefined;
}

/** A name's parts around dashes or bars, Latin letters only: "League of legends—karma 英雄联盟 卡尔玛". */
const DASHED_PARTS = /\s*[-–—|]\s*/;
const NOT_LATIN = /[^\p{Script=Latin}\d\s'&:.\-–—|]+/gu;

/**
 * An uncategorised adapter tagged as a person whose name is two parts around a dash, each tagged whole, in either
 * order and case: someone of a series. "League of legends—karma" (tagged "woman", "league of legends", "karma") is
 * Karma, whom no "league of legends" prompt should get unnamed. A part that says a kind of card ("Anime - Watercolor
 * style") is no one's name.
 */
function taggedPersonOfASeries(adapter: CategoryInput): string | undefined {
  if (!adapter.tags.some((tag) => PERSON_TAG.test(splitWords(tag).join(' ')))) return undefined;
  const parts = adapter.name.replace(NOT_LATIN, ' ').trim().split(DASHED_PARTS);
  if (parts.length !== 2 || parts.some((part) => NO_SERIES.test(part) || NAME_HINTS.some(([hint]) => hint.test(part))))
    return undefined;
  const tagged = taggedPhrases(adapter);
  const words = parts.map((part) => splitWords(part).join(' '));
  return words.every((part) => part.length > 0 && tagged.has(part)) ? parts.join(' - ') : undefined;
}

/** Danbooru's tag for someone of a series: "special week \(umamusume\)", "hornet_(rance)". */
const BOORU_CHARACTER_TAG = /^\s*([^()\\]+?)[\s_]*\\?\(([^()\\]+)\\?\)\s*$/;

/** A bracket after a name that says what kind of card it is or lists things, no series: "Bodychain (concept)". */
const NO_SERIES = /,|\b(?:concept|style|lora|locon|pose|outfit|costume|background|object|wip|beta|test)\b/i;

/**
 * An uncategorised adapter named "Name (Series)" whose tags or triggers call it by that name, its whole name or a
 * word of it no dictionary holds: "Reisalin Stout (Atelier Ryza3)" (trigger "reisalin"), "Princess Peach (Mario
 * Movie)" (tagged "princess peach"), "Chen Hai(碧蓝航线...)" (trigger "chenhai"). Someone of that series.
 */
function calledWithItsSeries(adapter: CategoryInput): string | undefined {
  const { name, series } = nameThenSeries(adapter) ?? {};
  if (name === undefined || series === undefined) return undefined;
  const nameWords = splitWords(name);
  const whole = nameWords.join(' ');
  const runTogether = nameWords.join('');
  const seriesWords = new Set(splitWords(series));
  return [...adapter.tags, ...(adapter.triggerWords ?? [])].find((phrase) => {
    // A booru tag names someone with her series in brackets: "hornet_(rance)" of "Hornet(Rance X)".
    const booru = BOORU_CHARACTER_TAG.exec(phrase);
    if (
      booru !== undefined &&
      booru !== null &&
      splitWords(booru[1] ?? '').join(' ') === whole &&
      splitWords(booru[2] ?? '').every((word) => seriesWords.has(word))
    )
      return true;
    const words = splitWords(phrase).filter((word) => !FILE_WORDS.has(word));
    if (nameWords.length >= 2 && words.join(' ') === whole) return true;
    return words.some((word) => nameLike(word) && (nameWords.includes(word) || runTogether.startsWith(word)));
  });
}

/**
 * An uncategorised adapter named "Name (Series)" whose name is two or three words no dictionary holds and whose tags say
 * the series: "Shinobu Kochou (Demon Slayer) LoRA" (tagged "demon slayer"). Someone of that series, though no tag or
 * trigger calls her by her name.
 */
function namedOfATaggedSeries(adapter: CategoryInput): string | undefined {
  const { name, series } = nameThenSeries(adapter) ?? {};
  if (name === undefined || series === undefined) return undefined;
  const words = splitWords(name);
  if (words.length < 2 || !words.every(nameLike)) return undefined;
  return taggedPhrases(adapter).has(splitWords(series).join(' ')) ? name : undefined;
}

export function inferCategory(adapter: CategoryInput): CategoryVerdict {
  const found = new Map<Category, string>();
  for (const tag of adapter.tags) {
    const key = splitWords(tag).join(' ');
    const category = CATEGORY_TAGS[key] ?? CATEGORY_TAGS[singular(key)];
    if (category && !found.has(category)) found.set(category, tag);
  }
  for (const category of PRECEDENCE) {
    const tag = found.get(category);
    if (tag) return { category, reason: `tag "${tag}"` };
  }
  const name = splitWords(adapter.name).join(' ');
  for (const [pattern, category] of NAME_HINTS) {
    if (pattern.test(name)) return { category, reason: `name "${adapter.name.slice(0, 60)}"` };
  }
  const person = drawsANamedPerson(adapter);
  if (person) return { category: 'character', reason: `trigger "${person.slice(0, 40)}" and a name` };
  const called = calledByItsName(adapter);
  if (called) return { category: 'character', reason: `tagged as a person and called "${called.slice(0, 40)}"` };
  const ofSeries = taggedWithItsSeries(adapter);
  if (ofSeries)
    return {
      category: 'character',
      reason: `named "${ofSeries.name.slice(0, 40)}" of "${ofSeries.series.slice(0, 40)}", both tagged`,
    };
  const personOfASeries = taggedPersonOfASeries(adapter);
  if (personOfASeries)
    return {
      category: 'character',
      reason: `tagged as a person and as both parts of "${personOfASeries.slice(0, 60)}"`,
    };
  const ofATaggedSeries = namedOfATaggedSeries(adapter);
  if (ofATaggedSeries)
    return {
      category: 'character',
      reason: `named "${ofATaggedSeries.slice(0, 40)}", no dictionary word, of a tagged series`,
    };
  const ofItsSeries = calledWithItsSeries(adapter);
  if (ofItsSeries)
    return { category: 'character', reason: `named as someone of a series and called "${ofItsSeries.slice(0, 40)}"` };
  return { category: 'other', reason: 'no category tag' };
}
