import type { Adapter, Category } from '../catalog/adapter.js';
import { lemmas, singular } from '../catalog/classify/words.js';
import { isStopword } from '../catalog/text.js';
import { Memo } from '../util/memo.js';
import { type AdapterProfile, ARTICLES } from './adapter-profile.js';
import { isDictionaryWord } from './dictionary.js';
import { covers } from './evidence-text.js';
import { LOOK_WORDS, NAMED_LOOKS } from './evidence-words.js';
import { MATERIALS } from './materials.js';
import { lexiconClass } from './segment.js';

/**
 * Who a prompt or an adapter draws, for the evidence rules (evidence.ts): whether a prompt names or describes someone,
 * whose a part of a body is, whether an adapter dresses, poses or draws someone, and of which sex. Apart from
 * evidenceFor so that the rules about people read as one.
 */

/** Parts of a body that name a part of a thing too: the eye of a storm, the foot of a hill, the mouth of a river. */
export const BODY_PARTS = new Set(
  'eye face head mouth foot leg arm hand heart neck nose lip tooth tongue ear shoulder finger spine belly brow'.split(
    ' ',
  ),
);

/** People a body part can belong to, besides the lexicon's actors: see describesPeople. */
export const PEOPLE_WORDS = new Set('girl boy woman man person people lady guy child kid baby 1girl 1boy'.split(' '));

const bodilessParts = new Memo<string, readonly string[] | undefined>(256);
const someoneNamed = new Memo<string, boolean>(64);

/**
 * Whether `text` names someone who could take a pose: a person ("a girl", "an astronaut"), a name the dictionary
 * lacks (a character: "keqing"), or a name written with a capital ("Superman shaking hands with Spiderman"). Animals
 * are no word class of the lexicon: "a cat making a peace sign" gets no pose.
 */
export function namesSomeone(text: string): boolean {
  return someoneNamed.through(
    text,
    () =>
      CAPITALISED.test(text.replace(PLACE_NAMES_WRITTEN, (word) => (isPlaceName(word) ? '' : word))) ||
      lemmas(text).some(
        (word, index, words) =>
          PEOPLE_WORDS.has(word) ||
          (describesPeople(word) && !namesAMachine(words, index)) ||
          (/^[a-z]{3,}$/.test(word) &&
            !isStopword(word) &&
            !isDictionaryWord(word) &&
            !isPlaceName(word) &&
            !NO_ONE_WORDS.has(word) &&
            !LOOK_WORDS.has(word) &&
            !NAMED_LOOKS.has(word)),
      ),
  );
}

/** Words the lexicon reads as people that also name a craft: a "fighter" can be a fighter jet. */
const CRAFT_OR_PERSON = new Set(['fighter', 'bomber', 'interceptor']);
/** Words of aircraft and spacecraft that make such a word the craft: "x-wing fighter", "fighter jet", "tie fighter". */
const CRAFT_WORDS = new Set(['jet', 'plane', 'aircraft', 'airplane', 'wing', 'tie', 'stealth', 'spacecraft', 'craft']);

/** Whether the word at `index` is a craft, no one: "fighter" beside a craft's word ("a jet pilot" is still someone). */
const namesAMachine = (words: readonly string[], index: number) =>
  CRAFT_OR_PERSON.has(words[index] ?? '') &&
  (CRAFT_WORDS.has(words[index - 1] ?? '') || CRAFT_WORDS.has(words[index + 1] ?? ''));

/** A name that says it dresses someone whole, no garment to show alone ("Star Wars sith outfit"). */
export const WHOLE_OUTFIT = /\b(?:outfit|costume|cosplay|uniform)s?\b/i;

/**
 * Words the dictionary lacks that name a machine, a monster or a genre, no one: "a mecha" has no pilot to pose nor a
 * mecha girl ("A-Mecha Musume") to draw; a look the dictionary lacks ("chibi", "emoji") is no one either.
 */
const NO_ONE_WORDS = new Set(['mecha', 'mech', 'mechs', 'kaiju', 'steampunk', 'dieselpunk', 'kawaii', 'isekai']);

/** A capitalised word after a space: a name, as writers mark one. */
const CAPITALISED = /\s\p{Lu}/u;
/** The words of a text as written, for finding the place names among them. */
const PLACE_NAMES_WRITTEN = /\p{L}+/gu;

/** A city, a country or a region the lexicon knows ("taipei", "kyoto"): a place, no one who could take a pose. */
const isPlaceName = (word: string) => PLACE_CLASSES.has(lexiconClass(word.toLowerCase()) ?? '');
const PLACE_CLASSES = new Set(['City', 'Country', 'Region', 'Place', 'Town']);

const someoneDescribed = new Memo<string, boolean>(64);

/** Whether `words` hold who an adapter's name begins with: its lead ("Chi-Chi"), or its first part whole. */
export function calledByItsName(profile: AdapterProfile, words: ReadonlySet<string>): boolean {
  const [first = []] = profile.nameSegments;
  const holds = (name: readonly string[]) => name.length > 0 && name.every((word) => covers(words, word));
  return holds(profile.leadWords) || holds(first);
}

/** Whether `text` describes someone by a body part or a tag list's look: "long hair", "navel", "solo". */
export const describesSomeone = (text: string) =>
  someoneDescribed.through(text, () => lemmas(text).some((word) => BODY_PARTS.has(word) || SOMEONES_LOOKS.has(word)));

/**
 * What `text` writes `part` "of", when that names nobody: "the planet Jupiter" of "the eye of the planet Jupiter",
 * "water" of "two glasses of water". Animals are no word class of the lexicon, so "the eye of a tiger" counts as no
 * one's too: the part gets no adapter, which is safe. Remembered per text and part: the composer asks for each of 150
 * candidates.
 */
export function ownerOf(text: string, part: string): readonly string[] | undefined {
  return bodilessParts.through(`${part}\n${text}`, () => {
    const words = text.toLowerCase().match(/[\p{L}\p{N}'’-]+/gu) ?? [];
    for (const [index, word] of words.entries()) {
      if (singular(word) !== part || words[index + 1] !== 'of') continue;
      const owner: string[] = [];
      for (const next of words.slice(index + 2, index + 6)) {
        if (ARTICLES.has(next) && owner.length === 0) continue;
        if (isStopword(next)) break;
        owner.push(singular(next));
      }
      if (owner.length > 0 && !owner.some((word) => PEOPLE_WORDS.has(word) || describesPeople(word))) return owner;
    }
    return undefined;
  });
}

/** A full name as written: two capitalised words ("Katsuragi_Misato"), not a coined token ("ArchiZHS", "mangguo_keji"). */
const FULL_NAME = /^\p{Lu}\p{Ll}{2,}[\s_]\p{Lu}\p{Ll}{2,}$/u;

/** Whether a trigger is a full name of two words the dictionary lacks ("Katsuragi_Misato") and `taskSet` holds neither. */
export const namesSomeoneElse = (profile: AdapterProfile, taskSet: ReadonlySet<string>) =>
  profile.phrases.some(
    (phrase) =>
      phrase.kind === 'trigger' &&
      FULL_NAME.test(phrase.text) &&
      phrase.words.length === 2 &&
      phrase.words.every((word) => /^[a-z]{3,}$/.test(word) && !isDictionaryWord(word)) &&
      !phrase.words.some((word) => covers(taskSet, word)),
  );

/** Danbooru's tag for a picture with nobody in it. */
export const NO_HUMANS = /\bno[\s_]+humans?\b/i;

/** Tags that say an adapter dresses or draws someone: "clothing", "female", "girls". */
const SOMEONE_TAGS = new Set([
  'clothing',
  'clothes',
  'outfit',
  'costume',
  'female',
  'male',
  'woman',
  'man',
  'girl',
  'boy',
]);

/** Whether an adapter dresses, poses or draws someone: a garment, a pose, a tag that says so. */
export const dressesSomeone = (adapter: Adapter) =>
  adapter.category === 'clothing' ||
  adapter.category === 'pose' ||
  adapter.tags.some((tag) => SOMEONE_TAGS.has(singular(tag.toLowerCase())));

/**
 * Where a tag for a kind of person, or a name that says portrait, says an adapter draws one: categories that say
 * nothing of what it draws, and styles. A building's "woman" is a sample image's; a garment is worn by whoever is there.
 */
export const PERSON_TAG_CATEGORIES = new Set<Category>(['other', 'concept', 'style']);

/** Words of a tag list that describe someone: "long hair", "navel", "solo". */
const SOMEONES_LOOKS = new Set('hair hairstyle solo navel midriff skin smile barefoot thigh collarbone'.split(' '));

/** A tag for a kind of person: "anime girl", "cyber girl", "2girls", "woman", "female". */
export const PERSON_KIND_TAG = /(?:^|\s|\d)(?:girl|boy|woman|women|man|men|lady|ladies|female|male)s?$/i;

/** Whether an adapter's tags say it draws a person ("cyber girl"), whatever else it draws. */
export const taggedAsAPerson = (adapter: Adapter) => adapter.tags.some((tag) => PERSON_KIND_TAG.test(tag));

/** Words of a trigger that describe someone's body: the adapter draws someone. */
const BODY_WORDS = new Set(['skin', 'sweat', 'anatomy']);

export const drawsABody = (profile: AdapterProfile) =>
  profile.phrases.some((phrase) => phrase.kind === 'trigger' && phrase.words.some((word) => BODY_WORDS.has(word)));

/** Words that say which sex someone is, as names and prompts write them: "Hanfu_male", "1girl", "a woman". */
const SEX_WORDS: ReadonlyMap<string, 'male' | 'female'> = new Map([
  ...'male man men boy 1boy guy gentleman masculine'.split(' ').map((word) => [word, 'male'] as const),
  ...'female woman women girl 1girl lady feminine'.split(' ').map((word) => [word, 'female'] as const),
]);

/** The sexes `words` say. */
const sexesOf = (words: readonly string[]) =>
  new Set(words.flatMap((word) => SEX_WORDS.get(word) ?? SEX_WORDS.get(singular(word)) ?? []));

/** Danbooru's tags that count girls or boys: "2girls", "3boys". */
const COUNTED = /\b\d+(girl|boy)s?\b/gi;

/** Adapters drawn on someone, whose name or tags may say which sex: see dressesTheOtherSex. */
export const SEXED_CATEGORIES = new Set<Category>(['clothing', 'pose', 'action', 'concept']);

/**
 * Whether a garment's name says it dresses one sex ("male" of "Hanfu_male"), or else its tags say it was trained on
 * one ("girl", "female" of a pose), and the prompt names people of the other sex only ("1girl", "a woman wearing a
 * hanfu"; "an old man smoking").
 */
export function dressesTheOtherSex(adapter: Adapter, profile: AdapterProfile, prompt: string): boolean {
  const named = sexesOf(profile.nameWords);
  const dresses = named.size > 0 ? named : sexesOf(adapter.tags.flatMap((tag) => tag.toLowerCase().split(/\s+/)));
  if (dresses.size !== 1) return false;
  const drawn = promptSexes.through(prompt, sexesDrawnIn);
  return drawn.size === 1 && ![...drawn].some((sex) => dresses.has(sex));
}

type Sex = 'female' | 'male';

/** The sexes a prompt draws, in words or counted ("2girls"): asked for every clothing candidate of a prompt. */
function sexesDrawnIn(prompt: string): ReadonlySet<Sex> {
  const drawn = sexesOf(lemmas(prompt));
  for (const match of prompt.matchAll(COUNTED)) drawn.add(match[1]?.toLowerCase() === 'boy' ? 'male' : 'female');
  return drawn;
}

const promptSexes = new Memo<string, ReadonlySet<Sex>>(64);

/** Whether a task's head word names people: the lexicon's "Actor" class ("priest", "warrior", "dancer"). */
export function describesPeople(word: string): boolean {
  return lexiconClass(word) === 'Actor' || lexiconClass(singular(word)) === 'Actor';
}

/**
 * The material word of a name that a trigger sets before someone the task does not name ("metal" of "MetalAI", whose
 * trigger "MetalSinger" says metal singers): the name says a genre of people, no material.
 */
export function genreOfPeople(profile: AdapterProfile, taskSet: ReadonlySet<string>): string | undefined {
  return profile.nameWords.find(
    (word) =>
      MATERIALS.has(word) &&
      profile.phrases.some((phrase) => {
        const [first, person] = phrase.words;
        return (
          phrase.kind === 'trigger' &&
          phrase.words.length === 2 &&
          first === word &&
          person !== undefined &&
          (PEOPLE_WORDS.has(person) || describesPeople(person)) &&
          !covers(taskSet, person)
        );
      }),
  );
}

/** Parts of a body a thing is worn or drawn on: "Back Tattoo", "Knife thigh strap". */
const PARTS_OF_A_BODY = new Set([
  ...BODY_PARTS,
  ...'back thigh chest wrist ankle hip waist knee cheek forehead elbow calf'.split(' '),
]);

/**
 * Whether an adapter's name puts its thing on a part of a body the prompt lacks, where the prompt puts it on another:
 * "Back Tattoo" for "a tattoo on his arm".
 */
export function onAnotherPart(adapter: Adapter, promptWords: ReadonlySet<string>): boolean {
  const named = lemmas(adapter.name).filter((word) => PARTS_OF_A_BODY.has(word));
  return (
    named.length > 0 &&
    !named.some((part) => promptWords.has(part)) &&
    [...promptWords].some((word) => PARTS_OF_A_BODY.has(word))
  );
}

/** Whether an uncategorised adapter is tagged as someone ("anime girl"): it draws a character. */
export const taggedAsSomeone = (adapter: Adapter) =>
  adapter.category === 'other' && adapter.tags.some((tag) => PERSON_TAG.test(tag));

/** Tags that say an uncategorised adapter draws a woman or a man. */
const SEX_TAG = /^(?:fe)?males?$/i;

/** Triggers that say how someone looks: "green hair", "blue eyes". */
const LOOKS_OF_SOMEONE = new Set(['hair', 'eye']);

/** Whether an adapter draws someone: tagged as someone ("girl", "female"), or triggered by how someone looks. */
export const drawsSomeone = (adapter: Adapter, profile: AdapterProfile) =>
  adapter.tags.some((tag) => PERSON_TAG.test(tag) || SEX_TAG.test(tag)) ||
  profile.phrases.some(
    (phrase) => phrase.kind === 'trigger' && phrase.words.length === 2 && LOOKS_OF_SOMEONE.has(phrase.words[1] ?? ''),
  );

/** A tag that files an adapter as someone: "anime girl", "character", "1boy". */
const PERSON_TAG = /^(?:anime |1)?(?:girl|boy|woman|man|character)s?$/i;
