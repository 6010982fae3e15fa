import { type Adapter, CATEGORIES } from '../catalog/adapter.js';
import { lemmas, singular } from '../catalog/classify/words.js';
import { isStopword, rawTokens } from '../catalog/text.js';
import { Memo } from '../util/memo.js';
import { type AdapterProfile, profileOf } from './adapter-profile.js';
import { isDictionaryWord } from './dictionary.js';
import {
  FILE_WORDS,
  joinSyllables,
  KIND_LABELS,
  KIND_OF,
  LOOK_ORIGINS,
  LOOK_WORDS,
  NAMED_LOOKS,
} from './evidence-words.js';
import { MATERIALS, SCULPTURES } from './materials.js';
import { describes } from './name-readings.js';
import { lexiconClass } from './segment.js';

/**
 * How the evidence rules (evidence.ts) read and compare words: a task's words in singular form and the view of a task
 * they share, one word in another form ("painter" / "painting"), the share of a name a text holds, and what a word is
 * (a look, a noun, a participle). The base the other evidence modules build on: of them it imports only the word lists
 * (evidence-words.ts).
 */

/** Task words in singular form, without stopwords. */
export function taskWords(task: string): string[] {
  return lemmas(joinSyllables(task)).filter((word) => !isStopword(word));
}

interface TaskView {
  task: string;
  words: readonly string[];
  set: ReadonlySet<string>;
  /**
   * What the task is about: its last word, past file words and words that name a look ("Monet style" is about Monet,
   * "vaporwave aesthetic" about vaporwave).
   */
  head: string;
  /** Words the task asks for as a look, before a word that says so: "yarn" of "yarn art landscape". */
  looks: ReadonlySet<string>;
  /** The task's tokens as the catalog's index reads them, one per run of letters and digits ("rz88mkultr4"). */
  tokens: readonly string[];
}

/** Where a place is under water: "the bottom of the ocean", "under the sea". */
export const UNDER_WATER = /\b(?:bottom of|under|beneath|below)\s+(?:the\s+|a\s+)?(?:sea|ocean|lake|water|waves)\b/i;

/** Looks with two names: the words of the other, and what must follow the word for it to be the look. */
const SAME_LOOK: ReadonlyMap<string, { words: readonly string[]; after?: RegExp }> = new Map([
  ['claymation', { words: ['clay', 'animation'] }],
  ['film', { words: ['analog'], after: /^photo/ }],
]);

/** Words that make the word before them a look: "yarn art", "chalk style". */
export const LOOK_NAMING_WORDS = new Set(['art', 'style', 'artstyle', 'aesthetic']);

/** A Latin word written with one capital at its end, after a lower-case letter: "NieR". */
const LAST_CAPITAL_STYLED = /(?<![\p{L}\p{N}])\p{L}*\p{Ll}\p{Lu}(?![\p{L}\p{N}])/gu;

/** A word of two capitalised parts or more, written together: "LoFi", "PixelArt". */
const CAMEL_CASED = /(?<![\p{L}\p{N}])(?:\p{Lu}\p{Ll}+){2,}(?![\p{L}\p{N}])/gu;

/** The words of the tasks asked about lately: the composer asks about each task for each of 150 candidates. */
const taskViews = new Memo<string, TaskView>(64);

export function viewOf(task: string): TaskView {
  return taskViews.through(task, () => {
    const words = taskWords(task);
    const kindOfArt = (index: number) => words[index] === 'art' && KINDS_OF_ART.has(words[index - 1] ?? '');
    // "splash art" is art, a kind of picture: its head is no splash.
    const headAt = words.findLastIndex(
      (word, index) => (!FILE_WORDS.has(word) && !LOOK_NAMING_WORDS.has(word)) || kindOfArt(index),
    );
    const head = words[headAt] ?? words[words.length - 1] ?? '';
    const set = new Set(words);
    // A compound written apart is the same word: "paper cut" asks for "Papercut", "low poly" for "lowpoly".
    for (const [index, word] of words.entries()) {
      const next = words[index + 1];
      if (next !== undefined && /^[a-z]{3,}$/.test(word) && /^[a-z]{3,}$/.test(next)) set.add(`${word}${next}`);
    }
    // A word styled with a capital at its end is that word: "NieR" is nier, which the lemmas read as "nie r". So is
    // one written in camel case: "LoFi" is lofi (the "Lo-Fi" of "Lo-Fi Aesthetic"), which they read as "lo fi".
    for (const match of task.matchAll(LAST_CAPITAL_STYLED)) set.add(match[0].toLowerCase());
    for (const match of task.matchAll(CAMEL_CASED)) set.add(match[0].toLowerCase());
    // The bottom of the sea is under water: "Underwater" for "a sunken ship at the bottom of the ocean".
    if (UNDER_WATER.test(task)) set.add('underwater');
    // A look called by another name is that look: "claymation" is clay animation, film photography analog.
    for (const [word, index] of words.map((each, at) => [each, at] as const)) {
      const same = SAME_LOOK.get(word);
      if (same && (same.after === undefined || same.after.test(words[index + 1] ?? '')))
        for (const w of same.words) set.add(w);
    }
    const looks = new Set(
      words.filter((_word, index) => LOOK_NAMING_WORDS.has(words[index + 1] ?? '') && !kindOfArt(index + 1)),
    );
    return { task, words, set, head, looks, tokens: rawTokens(task) };
  });
}

/** The words of a task as the evidence rules compare them: singular, without stopwords. */
export function taskWordSet(task: string): ReadonlySet<string> {
  return viewOf(task).set;
}

/** Endings that make another word of the same root: painting, paintings; photograph, photography. Not -er: a gardener is no garden. */
const DERIVATIONS = /(ography|ographer|ograph|ings|ing|ists|ist|ical|ic)$/;

const roots = new Map<string, string>();

export function root(word: string): string {
  let found = roots.get(word);
  if (found === undefined) {
    // An adjective of a feeling in -gry is its noun in -ger: "angry" for "anger", "hungry" for "hunger".
    const stripped = word.replace(/(?<=g)ry$/, 'er').replace(DERIVATIONS, '');
    found = stripped.length >= 4 ? stripped : word;
    if (roots.size > 50_000) roots.clear();
    roots.set(word, found);
  }
  return found;
}

/** Whether two words are one word in different forms ("painter" / "painting"), never a prefix ("stone" / "stonepunk"). */
export function related(left: string, right: string): boolean {
  return (
    left === right ||
    sculptures(left, right) ||
    (left.length >= 4 && right.length >= 4 && (root(left) === root(right) || actionAndDeed(left, right)))
  );
}

export function covers(task: ReadonlySet<string>, word: string): boolean {
  if (task.has(word)) return true;
  if (SCULPTURES.has(word)) for (const taskWord of task) if (SCULPTURES.has(taskWord)) return true;
  const kind = KIND_NAMED_BY.get(word);
  if (kind !== undefined && task.has(kind)) return true;
  if (word.length < 4) return false;
  const wordRoot = root(word);
  for (const taskWord of task)
    if (taskWord.length >= 4 && (root(taskWord) === wordRoot || actionAndDeed(taskWord, word))) return true;
  return false;
}

/** Whether the task holds a word of the name, or the thing a blended name is made from ("robot" for "Insanobot"). */
export function coversName(profile: AdapterProfile, task: ReadonlySet<string>, word: string): boolean {
  return covers(task, word) || (profile.blendOf !== undefined && covers(task, profile.blendOf));
}

/** A figure carved or cast is one kind of thing by any of its words: a stone bust is a stone statue. */
const sculptures = (left: string, right: string) => SCULPTURES.has(left) && SCULPTURES.has(right);

/** KIND_OF the other way: the kind that names each thing (covers asks it of every word of every phrase). */
const KIND_NAMED_BY: ReadonlyMap<string, string> = new Map([...KIND_OF].map(([kind, thing]) => [thing, kind]));

/**
 * Whether one word is the participle and the other the noun of one verb: "reflected" and "reflection" ("Reflections
 * on water" for a boat "reflected in the water"). Not "-ed" alone: "cracked" skin is no crack in a sidewalk.
 */
function actionAndDeed(left: string, right: string): boolean {
  const [participle, noun] = left.endsWith('ed') ? [left, right] : [right, left];
  const verb = participle.endsWith('ed') ? participle.slice(0, -2) : undefined;
  return verb !== undefined && verb.length >= 4 && (noun === `${verb}ion` || noun === `${verb}ions`);
}

/** The share of an adapter's name words that `text` holds: 1 when the text says all the name says. */
export function nameCoverageOf(text: string, adapter: Adapter): number {
  return coverage(profileOf(adapter), viewOf(text).set, text);
}

/**
 * Whether `text` writes a trigger of the adapter of two words or more, every word of it: "shaded face" of "Shaded face
 * (eyes in shadow)", where the task's noun phrase is only "face".
 */
export function writesLongTrigger(text: string, adapter: Adapter): boolean {
  const { set } = viewOf(text);
  return profileOf(adapter).phrases.some(
    (phrase) =>
      phrase.kind === 'trigger' && phrase.words.length >= 2 && phrase.words.every((word) => covers(set, word)),
  );
}

/** A name with no Latin word ("JK制服") says nothing a prompt could hold: 0. */
export function coverage(
  profile: AdapterProfile,
  taskSet: ReadonlySet<string>,
  /** The text the task comes from: see namedMonument. */
  text: string,
): number {
  const { shortHeads } = profile;
  // A label of what kind of adapter it is says nothing it draws: "Pose LORA Peeking Out" is all "peeking out" asks.
  // Not "background": a "Newspaper Background" is a backdrop printed like one, no newspaper to read.
  // A word alone in brackets that describes says how the thing is: "Chocolate (Wet) Style" is all chocolate asks.
  const labelled = profile.nameWords.filter(
    (word) => (!KIND_LABELS.has(word) || PLACE_LABELS.has(word)) && !profile.qualifiers.includes(word),
  );
  const nameWords = labelled.length > 0 ? labelled : profile.nameWords;
  if (nameWords.length === 0) return 0;
  // "To Love Ru" is about Ru: "love" says half of it.
  if (shortHeads.some((head) => !taskSet.has(head)))
    return (
      nameWords.filter((word) => coversName(profile, taskSet, word)).length / (nameWords.length + shortHeads.length)
    );
  const covered = nameWords.filter((word) => coversName(profile, taskSet, word)).length;
  // What a thing is made of is how that thing is drawn, no other thing: "Stone Statue" says all a statue asks for,
  // unless the task asks for another material ("a wooden owl statue").
  const head = nameWords[nameWords.length - 1] ?? '';
  if (covered === nameWords.length - 1 && covers(taskSet, head)) {
    const material = MATERIALS.get(nameWords.find((word) => !covers(taskSet, word)) ?? '');
    if (
      material &&
      ![...taskSet].some((word) => MATERIALS.has(word) && MATERIALS.get(word) !== material) &&
      !namedMonument(text, head)
    )
      return 1;
  }
  return covered / nameWords.length;
}

/**
 * Whether `text` names one `thing` by a common word it is "of", without an article, written in lower case too:
 * "statue of liberty". That one has a material of its own (the Statue of Liberty is copper): no other material
 * makes it complete. Not "a statue of a horse", "statues of warrior rabbits" (the word says which rabbits), "a
 * statue of marble" (a material), nor "a statue of anubis" (a statue of someone, in any material).
 */
function namedMonument(text: string, thing: string): boolean {
  const written = text.toLowerCase().match(/[\p{L}\p{N}'’-]+/gu) ?? [];
  return written.some((word, index) => {
    const name = written[index + 2];
    const after = written[index + 3];
    return (
      singular(word) === thing &&
      written[index + 1] === 'of' &&
      name !== undefined &&
      !isStopword(name) &&
      singular(name) === name &&
      isDictionaryWord(name) &&
      !MATERIALS.has(name) &&
      (after === undefined || isStopword(after) || describes(after))
    );
  });
}

const monuments = new Memo<string, boolean>(256);

/**
 * Whether `text` names one `thing` as "the" thing of a name ("the statue of liberty"), not a kind of it ("splashes
 * of paint", "a statue of Hanuman"). Remembered per text and thing: the composer asks for each of 150 candidates.
 */
export function monumentIn(text: string, thing: string): boolean {
  return monuments.through(
    `${thing}\n${text}`,
    () => ` ${text.toLowerCase()}`.includes(` the ${thing} of `) && namedMonument(text, thing),
  );
}

/** Kind labels that say where a thing is shown, which is part of what the adapter draws. */
const PLACE_LABELS = new Set(['background', 'scenery']);

/** A word that asks for a look: a medium, a genre, a format, or where or when a look comes from ("chinese"). */
export function asksForLookBy(word: string): boolean {
  return LOOK_WORDS.has(word) || NAMED_LOOKS.has(word) || LOOK_ORIGINS.has(word);
}

/**
 * Words before "art" that say what the picture is for, no look of theirs: "splash art" (a game's promotional art) asks
 * for no "Splash" (liquid splashes), "box art" for no box.
 */
const KINDS_OF_ART = new Set(['splash', 'key', 'box', 'cover', 'clip', 'promo', 'title', 'album']);

/** Genres of pictures, beside the looks of evidence-words.ts: a task of these words alone asks for a look. */
export const GENRE_WORDS: ReadonlySet<string> = new Set([
  'science',
  'fiction',
  'scifi',
  'sci',
  'fi',
  'fantasy',
  'horror',
]);

/**
 * A genre, a medium or where a look comes from; not a format, which is a thing an adapter may draw ("game icon" for
 * an icon set, "sticker", "map").
 */
/** Studios whose look is a look of its own (see NAMED_LOOKS). */
export const STUDIOS = new Set(['ghibli', 'pixar', 'disney', 'dreamworks']);
/** A studio's look and the word that names one ("Studio Ghibli Style"). */
export const STUDIO_LOOKS = new Set(['studio', ...STUDIOS]);

export const namesAGenreOrLook = (word: string) =>
  GENRE_WORDS.has(word) || LOOK_WORDS.has(word) || LOOK_ORIGINS.has(word);

/**
 * Whether the task holds `word` only as the word in -ing of its verb ("lighting" for "light", "painting" for "paint"),
 * which names the doing or what it makes, no thing the root names.
 */
export function onlyItsDoing(taskSet: ReadonlySet<string>, word: string): boolean {
  if (taskSet.has(word) || word.endsWith('ing')) return false;
  const forms = [...taskSet].filter((taskWord) => related(taskWord, word));
  return forms.length > 0 && forms.every((form) => form === `${word}ing` || form === `${word.replace(/e$/, '')}ing`);
}

/** A past participle of a dictionary verb: "submerged" (submerge), "constricted" (constrict). */
export function wasDone(word: string): boolean {
  const stem = /^([a-z]{3,})ed$/.exec(word)?.[1];
  return (
    stem !== undefined && (isDictionaryWord(stem) || isDictionaryWord(`${stem}e`)) && lexiconClass(word) !== 'Adjective'
  );
}

/**
 * A present participle: what the thing does or gives off ("Glowing Eyes", "Flying Castle", "Riding Monster"), which a
 * task that does not say it never asked for. Its verb is a dictionary word: "ring", "king" and "spring" are none.
 */
export function doesSomething(word: string): boolean {
  const verb = /^([a-z]{3,})ing$/.exec(word)?.[1];
  if (verb === undefined) return false;
  const doubled = /([b-df-hj-np-tv-z])\1$/.test(verb) ? verb.slice(0, -1) : undefined;
  return [verb, `${verb}e`, doubled].some((stem) => stem !== undefined && stem.length >= 3 && isDictionaryWord(stem));
}

/** A word that names a thing, not how one is or what it does: "snake", not "round", "glowing" or "striped". */
export const isNoun = (word: string) => !describes(word) && !doesSomething(word) && !DESCRIBES.test(word);

/** Classes of compromise's lexicon for nouns: "gas" is one, "ancient" (unknown to it) may describe. */
export const NOUN_CLASSES = new Set(['Singular', 'Plural', 'Uncountable', 'Noun']);

/** Whether the lexicon knows a word as a noun: a "gas mask" is a kind of mask as an "assault rifle" is. */
export const knownNoun = (word: string | undefined) => word !== undefined && NOUN_CLASSES.has(lexiconClass(word) ?? '');

/** A participle says how the thing looks ("double striped socks", "hooded cloak"), no other thing. */
export const DESCRIBES = /^[a-z]{3,}ed$/;

/** Words for what kind of thing an adapter draws ("MG_CORGI (animal)"): they say which kind, no other thing. */
export const KINDS_OF_THINGS = new Set([...CATEGORIES, 'creature', 'item', 'place', 'scene'].map(singular));
