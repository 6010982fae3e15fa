import type { Adapter } from '../catalog/adapter.js';
import { lemmas } from '../catalog/classify/words.js';
import { Memo } from '../util/memo.js';
import type { AdapterProfile } from './adapter-profile.js';
import { CULTURE_OF, KIND_OF, LOOK_WORDS, NAMED_LOOKS } from './evidence-words.js';
import { looksOf } from './name-marks.js';

/**
 * Whether a style's look is the one a prompt asks for: a LoRA acts on the whole image, so a style that matches a
 * thing of the prompt still brings its own look (evidence.ts asks these of every style it finds evidence for).
 */

const promptLooks = new Memo<string, ReadonlySet<string>>(64);

/** KIND_OF as looks: the look of a kind ("sketch") and the look of its thing ("draw" of "drawing"). */
const KIND_LOOKS: ReadonlyMap<string, string> = new Map(
  [...KIND_OF].flatMap(([kind, thing]) => {
    const [kindLook, thingLook] = [NAMED_LOOKS.get(kind), NAMED_LOOKS.get(thing)];
    return kindLook && thingLook ? [[kindLook, thingLook] as const] : [];
  }),
);

/** The looks `prompt` asks for (NAMED_LOOKS's shared forms), remembered: the composer asks for 150 candidates. */
export function askedLooks(prompt: string): ReadonlySet<string> {
  return promptLooks.through(prompt, () => {
    const looks = looksOf(prompt);
    // A kind of a look asks for the look too: a sketch is drawn (see KIND_OF). A thing of one culture asks for its
    // look: a samurai is Japanese (see CULTURE_OF).
    return new Set([...looks, ...looks.flatMap((look) => KIND_LOOKS.get(look) ?? []), ...culturesOf(prompt)]);
  });
}

/** The cultures whose things a text names ("samurai" -> japanese). */
export function culturesOf(text: string): string[] {
  return lemmas(text).flatMap((word) => CULTURE_OF.get(word) ?? []);
}

/** Looks that say how old a thing is, when they come before it: "a vintage car", "a retro radio". */
const AGE_LOOKS = new Set(['vintage', 'retro']);

/** Look words any style answers: a style is an art style, most are illustrations. */
const GENERIC_LOOKS = new Set(['style', 'art', 'artstyle', 'aesthetic', 'illustration']);

/**
 * Whether a task's words say how old its `head` is ("a vintage car", "a vintage photo"), where the head is no word
 * every style is ("vintage style" asks for the look itself).
 */
export function saysAge(words: readonly string[], head: string): boolean {
  return words.some((word) => AGE_LOOKS.has(word) && word !== head) && !GENERIC_LOOKS.has(head);
}

/**
 * Whether a task asks for a look (not one every style is: "Monet style", "vector illustration") that none of the
 * style's own words say: "Dark and Light" (tagged "perfect lighting") brings no neon to "neon lights".
 */
export function asksForOtherLook(profile: AdapterProfile, words: readonly string[]): boolean {
  const lookOf = (word: string) => NAMED_LOOKS.get(word) ?? word;
  const asked = words
    .filter((word) => (LOOK_WORDS.has(word) || NAMED_LOOKS.has(word)) && !GENERIC_LOOKS.has(word))
    .map(lookOf);
  const own = (look: string) => profile.phrases.some((phrase) => phrase.words.some((word) => lookOf(word) === look));
  return asked.length > 0 && !asked.some(own);
}

/** Whether an adapter's name or tags state a look `prompt` asks for, or it asks for none. */
export function lookFits(adapter: Adapter, profile: AdapterProfile, prompt: string): boolean {
  const asked = looksAskedOutsideQuotes(prompt);
  if (asked.size === 0) return true;
  return [...profile.looks, ...looksOf(adapter.tags.join(', '))].some((look) => asked.has(look));
}

/** The looks `prompt` asks for; quoted words are words to write: "a sign that says 'Let's PAINT!'" asks for none. */
function looksAskedOutsideQuotes(prompt: string): ReadonlySet<string> {
  return askedLooks(prompt.replace(/(["“”])[^"“”]*\1|(^|\s)'[^']*'(?=\W|$)/g, ' '));
}

/** Whether every look an adapter's tags state is one `prompt` asks for: no anime "Underwater - Style" for a photo. */
export function tagLooksAsked(adapter: Adapter, prompt: string): boolean {
  const asked = askedLooks(prompt);
  return looksOf(adapter.tags.join(', ')).every((look) => asked.has(look));
}

/** Whether the looks an adapter's tags state are all asked for by `prompt`, or it asks for none. */
export function tagLooksFit(adapter: Adapter, prompt: string | undefined): boolean {
  return prompt === undefined || askedLooks(prompt).size === 0 || tagLooksAsked(adapter, prompt);
}

/** Looks drawn or painted by hand, which a photographic adapter fights (NAMED_LOOKS's shared forms). */
const DRAWN_LOOKS = new Set(
  (
    'paint draw sketch watercolor cartoon comic impressionism expressionism cubism oil acrylic gouache impasto ink ' +
    'pencil charcoal crayon lineart anime manga chibi pixel ukiyo gongbi woodblock engraving etching lithograph ' +
    'graffiti mosaic papercut origami'
  ).split(' '),
);

/**
 * Whether an adapter's tags say it is photographic ("photorealistic", "realistic") and neither they nor its name say
 * a look `prompt` asks for, where the prompt asks for a drawn or painted look and no photo: a photographic "図書館
 * library" would fight "a cozy library, watercolor"; "manga magazine cover" still serves a manga cover.
 */
export function photoInADrawnPrompt(adapter: Adapter, profile: AdapterProfile, prompt: string): boolean {
  const asked = looksAskedOutsideQuotes(prompt);
  if (asked.has('photo') || ![...asked].some((look) => DRAWN_LOOKS.has(look))) return false;
  return tagLooks.through(adapter.tags.join(', '), looksOf).includes('photo') && !lookFits(adapter, profile, prompt);
}

/**
 * Whether an adapter's tags say it is drawn, painted or abstract ("anime", "abstract") and never photographic, and
 * neither they nor its name say a look `prompt` asks for, where the prompt asks for a photo and no drawn look: an
 * abstract "EdobCar" would fight "a car in the rain, photo".
 */
export function drawnInAPhotoPrompt(adapter: Adapter, profile: AdapterProfile, prompt: string): boolean {
  const asked = looksAskedOutsideQuotes(prompt);
  if (!asked.has('photo') || [...asked].some((look) => DRAWN_LOOKS.has(look))) return false;
  const own = tagLooks.through(adapter.tags.join(', '), looksOf);
  return (
    own.length > 0 &&
    own.every((look) => DRAWN_LOOKS.has(look) || look === 'abstract') &&
    !lookFits(adapter, profile, prompt)
  );
}

/**
 * Whether an adapter's tags say it is abstract art, where `prompt` asks for no abstract look: "EdobCar" (tagged
 * "abstract", "concept art": a war car in a burning desert) for no red sports car on a mountain road.
 */
export function abstractUnasked(adapter: Adapter, profile: AdapterProfile, prompt: string): boolean {
  if (!tagLooks.through(adapter.tags.join(', '), looksOf).includes('abstract')) return false;
  const asked = looksAskedOutsideQuotes(prompt);
  return !asked.has('abstract') && !profile.looks.some((look) => asked.has(look));
}

/** The looks of adapters' tags, remembered: asked of every candidate with evidence. */
const tagLooks = new Memo<string, string[]>(512);

/** The words of a name as written, camel case split: "kCuteTanks" is k, cute, tanks. */
const NAME_TOKENS = /[^\p{L}]+|(?<=\p{Ll})(?=\p{Lu})/u;
/** Name words that say a drawn, sweetened look: "kCuteTanks", "Supercutecat", "Chibi ArtStyle". */
const CUTE_NAME = /^(?:super)?(?:cute|chibi|kawaii)/;
/** Prompt words that ask for that look. */
const CUTE_ASKED = /\b(?:cute|chibi|kawaii|adorable|cartoon\w*|toon)\b/i;

/**
 * Whether an adapter's name says it draws things cute ("kCuteTanks", "Supercutecat") for a prompt that asks for
 * nothing cute and no drawn look: a chibi tank fights "a tank in the desert, war photography", and a machine or a thing
 * made cute is a toy of it in a prompt of no look at all ("a tank in the desert"). A painter's look fights it too ("a
 * cat, cubism"). Praise in a drawn prompt ("cute" is no look of its own there), and a cat drawn cute is still a cat,
 * so only those are fought.
 */
export function cuteUnasked(adapter: Adapter, prompt: string): boolean {
  // Its own trigger written asks for it: "concept art kCuteT4nk fish-like tank".
  const lower = prompt.toLowerCase();
  if (CUTE_ASKED.test(prompt) || adapter.triggerWords.some((trigger) => lower.includes(trigger.toLowerCase())))
    return false;
  const looks = askedLooks(prompt);
  // A machine or a thing made cute is a toy of it: "kCuteTanks" for "a tank in the desert" in no look at all too. (A
  // cat drawn cute is still a cat.)
  const toyOfIt = MADE_THINGS.has(adapter.category) && ![...looks].some((look) => DRAWN_LOOKS.has(look));
  // A painter's look is no sweet one: "Supercutecat" for no "a cat, cubism" nor an oil painting of a cat.
  const painted = [...looks].some((look) => FINE_ART_LOOKS.has(look));
  if (!looks.has('photo') && !toyOfIt && !painted) return false;
  return adapter.name.split(NAME_TOKENS).some((token) => CUTE_NAME.test(token.toLowerCase()));
}

/** Looks of fine art, painted, printed or carved, which a cute LoRA's sweetened look fights. */
const FINE_ART_LOOKS = new Set(
  (
    'paint oil acrylic gouache impasto impressionism expressionism cubism surreal ukiyo gongbi woodblock engraving ' +
    'etching lithograph charcoal'
  ).split(' '),
);

/** Categories of made things, which a cute LoRA turns into toys. */
const MADE_THINGS = new Set<Adapter['category']>(['vehicle', 'object', 'building', 'tool']);
