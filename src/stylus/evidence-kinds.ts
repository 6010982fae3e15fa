import type { Adapter } from '../catalog/adapter.js';
import { lemmas, singular } from '../catalog/classify/words.js';
import { isStopword } from '../catalog/text.js';
import { Memo } from '../util/memo.js';
import { type AdapterProfile, type Phrase, profileOf } from './adapter-profile.js';
import { isDictionaryWord, splitCompound } from './dictionary.js';
import { BODY_PARTS, describesPeople, PEOPLE_WORDS } from './evidence-people.js';
import {
  asksForLookBy,
  covers,
  doesSomething,
  isNoun,
  KINDS_OF_THINGS,
  NOUN_CLASSES,
  namesAGenreOrLook,
  related,
} from './evidence-text.js';
import {
  APPEARANCE_WORDS,
  COLOUR_WORDS,
  FILE_WORDS,
  FRAMING_WORDS,
  joinSyllables,
  KIND_LABELS,
  LATIN_WORD,
  LOOK_WORDS,
  NAMED_LOOKS,
} from './evidence-words.js';
import { MATERIALS } from './materials.js';
import { describes } from './name-readings.js';
import { lexiconClass } from './segment.js';

/**
 * Which kind of a thing a task or an adapter's name says, for the evidence rules (evidence.ts): a "fish tank" is no
 * tank, "Broken Glass" no plain glass, a "game icon" no app icon. Apart from evidenceFor so that the rules about kinds
 * read as one.
 */

/**
 * Whether the name of an adapter says `head` after a word that says which kind ("game" of "game icon"), where the task
 * says another kind before it ("app" of "app icon") that no phrase of the adapter says.
 */
export function namesAnotherKind(profile: AdapterProfile, words: readonly string[], head: string): boolean {
  const kind = words.length >= 2 && words[words.length - 1] === head ? words[words.length - 2] : undefined;
  // Things, not what they are made of ("marble statue" is a stone one) nor whose ("Greek statue").
  const aKind = (word: string | undefined): word is string =>
    word !== undefined && isNoun(word) && !MATERIALS.has(word) && !FILE_WORDS.has(word) && !asksForLookBy(word);
  if (!aKind(kind) || profile.phrases.some((phrase) => phrase.words.includes(kind))) return false;
  // The name's word may be a look: a "game icon" is drawn as a game's are.
  return profile.nameSegments.some((segment) => {
    const at = segment.findIndex((word) => related(word, head));
    const before = segment[at - 1];
    return at > 0 && (aKind(before) || (before !== undefined && asksForLookBy(before)));
  });
}

/**
 * Whether the first part of a name ends in a word its tags and triggers never say, after a word they do: "salon" of
 * "Hair Salon - by EDG" (tagged "hair"). The name says where what it draws is worn, or what it is for.
 */
export function namedForWhereWorn(profile: AdapterProfile): boolean {
  // Its Latin words: "double striped socks 双杠袜" ends in socks, said again in Chinese.
  const first = (profile.nameSegments[0] ?? []).filter((word) => LATIN_WORD.test(word));
  const head = first.at(-1);
  if (head === undefined || first.length < 2) return false;
  const said = (word: string) =>
    profile.phrases.some(
      (phrase) =>
        phrase.kind !== 'name' && phrase.words.some((other) => related(other, word) || joinedWith(word, other)),
    );
  return !said(head) && first.slice(0, -1).some(said);
}

/**
 * The dictionary word a style's name writes right before "art", when that word asks for no look itself: "laundry" of
 * "LaundryArt", "yarn" of "Yarn Art Style". Not "pixel" of "Pixel Art XL", nor "line" of line art: those are looks.
 */
export function artMadeOf(adapter: Adapter): string | undefined {
  // Remembered per name and tags ('' for none): asked of every style candidate for every task.
  const key = `${adapter.name}\n${adapter.tags.join('\n')}`;
  const made = artsMadeOf.through(key, () => {
    const written = lemmas(joinSyllables(adapter.name));
    const at = written.indexOf('art');
    // Or a tag says it of the name's one word: "balloon art" of "PE Balloon Diffusion".
    const [only, more] = profileOf(adapter).nameWords;
    const tagged =
      only !== undefined && more === undefined && adapter.tags.some((tag) => lemmas(tag).join(' ') === `${only} art`);
    const word = at > 0 ? written[at - 1] : tagged ? only : undefined;
    return word !== undefined &&
      /^[a-z]{3,}$/.test(word) &&
      isDictionaryWord(word) &&
      !isStopword(word) &&
      !FILE_WORDS.has(word) &&
      !asksForLookBy(word) &&
      !NAMED_LOOKS.has(`${word}art`)
      ? word
      : '';
  });
  return made === '' ? undefined : made;
}

const artsMadeOf = new Memo<string, string>(1024);

/**
 * Whether a word before a head can say which kind of it: a noun of the dictionary ("gas mask"), or a word neither the
 * dictionary nor the lexicon knows, from another language or a name ("oni mask", "kitsune mask").
 */
const namesAKind = (word: string) =>
  isDictionaryWord(word) ? isNoun(word) : /^[a-z]{3,}$/.test(word) && lexiconClass(word) === undefined;

/** Animals someone's looks are named for ("fox ears", "cat girl"): before a thing, they say which kind ("fox mask"). */
const ANIMAL_LOOKS = new Set(['fox', 'cat', 'dog', 'wolf', 'bunny', 'rabbit']);

/** Whether `kind` is an animal that names a kind of a thing, `head`, that is no part of someone: "fox mask". */
const animalOfAThing = (kind: string, head: string) =>
  ANIMAL_LOOKS.has(kind) && !BODY_PARTS.has(head) && !PEOPLE_WORDS.has(head) && !APPEARANCE_WORDS.has(head);

/** Whether the word before the task's head names a kind of it that the adapter's kinds of it leave out: see evidenceFor. */
export function listsOtherKinds(profile: AdapterProfile, words: readonly string[], head: string): boolean {
  const kind = words.length >= 2 && words[words.length - 1] === head ? words[words.length - 2] : undefined;
  if (
    kind === undefined ||
    !namesAKind(kind) ||
    COLOUR_WORDS.has(kind) ||
    (APPEARANCE_WORDS.has(kind) && !animalOfAThing(kind, head)) ||
    FILE_WORDS.has(kind) ||
    asksForLookBy(kind) ||
    profile.nameWords.some((word) => related(word, kind))
  )
    return false;
  // Its own words for the kinds it draws: a colour is no kind ("silver mask"), and one word inside another is one kind
  // ("highheel boots", "high heel boots").
  const kinds = [
    ...new Set(
      profile.phrases
        .filter((phrase) => phrase.kind !== 'name' && phrase.words.length === 2 && related(phrase.words[1] ?? '', head))
        .map((phrase) => phrase.words[0] ?? '')
        .filter(
          (word) =>
            word.length > 2 &&
            (isDictionaryWord(word) || splitCompound(word) !== undefined) &&
            !COLOUR_WORDS.has(word) &&
            !APPEARANCE_WORDS.has(word),
        ),
    ),
  ].filter((word, _, all) => !all.some((other) => other !== word && word.includes(other)));
  const said = profile.phrases.some((phrase) => phrase.words.some((word) => related(word, kind)));
  // One kind of its own: see oneOtherKind.
  return kinds.length >= 2 && !said;
}

/**
 * Whether the one kind of the task's head a thing's tags and triggers call it ("highheel boots" of "Kendoll Boots") is
 * not the kind the word before that head asks for ("rain boots", "cowboy boots"): a colour, a material or a look says
 * how it is, no kind ("black boots", "leather boots"), someone's says whose ("a girl's boots"), and a word for any
 * thing says no kind ("rpg item icons" for "SXZ WoW Icons", tagged "game icon").
 */
export function oneOtherKind(profile: AdapterProfile, words: readonly string[], head: string): boolean {
  const kind = words.length >= 2 && words[words.length - 1] === head ? words[words.length - 2] : undefined;
  if (
    kind === undefined ||
    !isDictionaryWord(kind) ||
    COLOUR_WORDS.has(kind) ||
    APPEARANCE_WORDS.has(kind) ||
    FILE_WORDS.has(kind) ||
    MATERIALS.has(kind) ||
    PEOPLE_WORDS.has(kind) ||
    KINDS_OF_THINGS.has(kind) ||
    KIND_LABELS.has(kind) ||
    asksForLookBy(kind) ||
    describes(kind) ||
    lexiconClass(kind) === 'Adjective' ||
    profile.phrases.some((phrase) => phrase.words.some((word) => related(word, kind)))
  )
    return false;
  const kinds = new Set(
    profile.phrases
      .filter(
        (phrase) => phrase.kind !== 'name' && phrase.words.length >= 2 && related(phrase.words.at(-1) ?? '', head),
      )
      .map((phrase) => phrase.words.slice(0, -1))
      // A maker's label says no kind: "edob" of "EdobCar".
      .filter((before) => before.every(isDictionaryWord))
      .filter((before) => !before.some((word) => COLOUR_WORDS.has(word) || APPEARANCE_WORDS.has(word)))
      .map((before) => before.join('')),
  );
  // One word inside another is one kind: "heel" and "highheel".
  return [...kinds].filter((word) => ![...kinds].some((other) => other !== word && word.includes(other))).length === 1;
}

/**
 * Whether a part of the name ends in a word the task holds, one that asks for no look, right after a word the task
 * lacks that says which kind of it: "broken" of "Broken Glass" for "a glass". Not what it is made of ("Stone
 * Statue" is a statue's look), a look ("Watercolor Dream"), nor a proper name (an artist's given name).
 */
export function bringsRestOfName(
  profile: AdapterProfile,
  taskSet: ReadonlySet<string>,
  isKind: (word: string) => boolean = () => true,
): boolean {
  return profile.nameSegments.some((segment) => {
    const head = segment[segment.length - 1] ?? '';
    const kind = segment[segment.length - 2];
    return (
      kind !== undefined &&
      covers(taskSet, head) &&
      !asksForLookBy(head) &&
      !covers(taskSet, kind) &&
      isDictionaryWord(kind) &&
      !MATERIALS.has(kind) &&
      !asksForLookBy(kind) &&
      !profile.properWords.includes(kind) &&
      // Where a thing is says no kind of it, but which part of a body: "Middle Finger" is one gesture, for no finger.
      (!FRAMING_WORDS.has(kind) || BODY_PARTS.has(head)) &&
      !KIND_LABELS.has(kind) &&
      isKind(kind)
    );
  });
}

/**
 * Whether a task word and a name word are one thing run together with more: the task asks for a kind of what the
 * name draws ("sunglasses" from "Glasses LoRA"), or the name runs words together ending in the task's word
 * ("Supercutecat" is a cat). A dictionary word that ends in another is a different thing: a jumpsuit is no suit,
 * an inbox no box. The last part is what a run-together word is about: "wooden" is no wood.
 */
export function joinedWith(nameWord: string, word: string): boolean {
  const endsIn = (longer: string, shorter: string) =>
    shorter.length >= 3 && longer.length - shorter.length >= 3 && longer.endsWith(shorter);
  return (
    endsIn(word, nameWord) || (endsIn(nameWord, word) && !isDictionaryWord(nameWord) && !saysWhichOne(nameWord, word))
  );
}

/**
 * Whether the other half of a two-word name of a place or a thing is a word that says which kind of `word` it is, no
 * thing of its own, nor praise, nor a maker's label: "MessyRoom" is a messy room for no plain room, where
 * "EdobHorse" is a horse.
 */
export function describedKind(profile: AdapterProfile, word: string): boolean {
  const [other, ...rest] = profile.nameWords.filter((nameWord) => !related(nameWord, word));
  return (
    other !== undefined &&
    rest.length === 0 &&
    other.length >= 4 &&
    isDictionaryWord(other) &&
    !FILE_WORDS.has(other) &&
    !NOUN_CLASSES.has(lexiconClass(other) ?? '')
  );
}

/**
 * Whether a run-together name puts a dictionary word before `word` that says which kind of it: "MessyRoom" is a
 * messy room and "sideface" a face seen from the side, for no room or face; praise says none ("Supercutecat").
 */
function saysWhichOne(nameWord: string, word: string): boolean {
  const before = nameWord.slice(0, nameWord.length - word.length);
  return before.length >= 4 && isDictionaryWord(before) && ![...FILE_WORDS].some((praise) => before.endsWith(praise));
}

/**
 * Whether every part of a place's name that ends in `head` says which kind of it by a noun before it the prompt
 * lacks: "rehearsal studio (instrument practice studio)" is a music room, for no photo "studio" of a portrait; "Very
 * Nice Forest" (no noun before it) is any forest.
 */
export function kindOfPlaceUnasked(profile: AdapterProfile, head: string, promptWords: ReadonlySet<string>): boolean {
  const ending = profile.nameSegments.filter((segment) => segment.length > 0 && related(segment.at(-1) ?? '', head));
  return (
    ending.length > 0 &&
    ending.every((segment) =>
      segment.slice(0, -1).some(
        (word) =>
          word.length >= 4 &&
          isDictionaryWord(word) &&
          isNoun(word) &&
          !FILE_WORDS.has(word) &&
          // A genre or a look says how it looks, no kind: "Science fiction city on Mars" for "the city of Mars".
          !namesAGenreOrLook(word) &&
          !asksForLookBy(word) &&
          !covers(promptWords, word),
      ),
    )
  );
}

/** Adapters that draw where things are: a "forest path" is in a forest, so "Forest" still fits it. */
export const PLACE_CATEGORIES = new Set<Adapter['category']>(['background', 'building']);

/** Heads that say how a thing is shown, not another thing: a "horse portrait" is a horse. */
export const SHOWN_AS = new Set([
  'photo',
  'picture',
  'image',
  'view',
  'portrait',
  'shot',
  'scene',
  'background',
  'wallpaper',
]);

/**
 * Beings a person can be: before "woman" or "girl" they say what she is, no other thing beside her ("a cyborg woman"
 * is a cyborg, where "cat ears" are no cat).
 */
const BEINGS = new Set(
  'cyborg android robot zombie vampire ghost skeleton demon angel elf orc goblin werewolf mermaid fairy alien mummy'.split(
    ' ',
  ),
);

/**
 * Whether `word` stands right before the task's head noun and says which kind of it the task asks for: a "tank top"
 * is no tank, "cat ears" no cat, a "police car" no police officer. An adapter named by that word alone draws the
 * other thing. Not a look ("cyberpunk city"), a material ("stone statue"), a word that describes ("cute dog"), a
 * head that frames ("horse portrait") or says what someone does ("horse riding"), nor a place adapter ("forest path").
 */
export function saysWhichKind(
  task: string,
  words: readonly string[],
  head: string,
  nameWord: string,
  category: Adapter['category'],
): boolean {
  if (PLACE_CATEGORIES.has(category) || words.length < 2 || words[words.length - 1] !== head) return false;
  const word = words[words.length - 2] ?? '';
  if (!related(word, nameWord) || related(word, head)) return false;
  if (BEINGS.has(word) && PEOPLE_WORDS.has(head)) return false;
  // A brand ("lego block") is what the thing is; a head written as a name is one named so ("the planet Jupiter").
  const headWritten = task.match(/[\p{L}\p{N}]+/gu)?.at(-1) ?? '';
  return (
    isDictionaryWord(word) &&
    !/^\p{Lu}/u.test(headWritten) &&
    !asksForLookBy(word) &&
    !MATERIALS.has(word) &&
    !describes(word) &&
    !SHOWN_AS.has(head) &&
    !asksForLookBy(head) &&
    !FILE_WORDS.has(head) &&
    !KIND_LABELS.has(head) &&
    !doesSomething(head) &&
    !describes(head)
  );
}

/**
 * The word written right before a task's last, in lower case and singular, when both are plain words written alike:
 * a "fish-like tank" or a "panic-stricken creature" have a compound before it, a name says whose ("the United States
 * flag"), a head written as a name is one named so.
 */
function nounBeforeHead(task: string): string | undefined {
  const [before, last] = task.trim().split(/\s+/).slice(-2);
  if (before === undefined || last === undefined) return undefined;
  // Written alike, in lower case or as a tag in title case ("Sniper Rifle").
  const alike =
    (/^\p{Ll}+$/u.test(before) && /^\p{Ll}/u.test(last)) ||
    (/^\p{Lu}\p{Ll}+$/u.test(before) && /^\p{Lu}\p{Ll}/u.test(last));
  return alike ? singular(before.toLowerCase()) : undefined;
}

/**
 * The noun a tag sets after a one-word name, when no tag or trigger says the name alone and the prompt lacks that
 * noun: "box" of "Super Cereal" (tagged "cereal box").
 */
export function kindOfItsTag(
  profile: AdapterProfile,
  nameWord: string,
  promptWords: ReadonlySet<string>,
): string | undefined {
  if (
    profile.phrases.some(
      (phrase) => phrase.kind !== 'name' && phrase.words.length === 1 && phrase.words[0] === nameWord,
    )
  )
    return undefined;
  for (const phrase of profile.phrases) {
    const [first, noun] = phrase.words;
    if (phrase.kind !== 'tag' || phrase.words.length !== 2 || first !== nameWord || noun === undefined) continue;
    if (
      isDictionaryWord(noun) &&
      isNoun(noun) &&
      !asksForLookBy(noun) &&
      !FILE_WORDS.has(noun) &&
      !covers(promptWords, noun)
    )
      return noun;
  }
  return undefined;
}

/** Nouns that say when a thing is seen, no kind of it: a "night sky" is a sky. */
const WHEN_WORDS = new Set(
  'day night morning evening noon midnight dawn dusk twilight sunrise sunset spring summer autumn fall winter'.split(
    ' ',
  ),
);

/**
 * Whether a noun stands right before the task's head, which `nameWord` names, and says which kind of it the task asks
 * for: a "fish tank" is no tank, a "teddy bear" no bear. Not a look, a material, a word that describes, a time ("a
 * night sky" is a sky), someone it is for ("a man's suit"), a name ("the United States flag"), nor a place adapter (a
 * "forest path" is a path).
 */
export function kindOfHead(
  task: string,
  words: readonly string[],
  head: string,
  nameWord: string,
  category: Adapter['category'],
): boolean {
  if (PLACE_CATEGORIES.has(category) || !related(nameWord, head)) return false;
  return kindBeforeHead(task, words, head) !== undefined;
}

/** The noun before the task's head that says which kind of it the task asks for ("fish" of "fish tank"), if any. */
function kindBeforeHead(task: string, words: readonly string[], head: string): string | undefined {
  // Remembered per task ('' for none): the composer asks for each of 150 candidates.
  const kind = kindsBeforeHeads.through(task, () => {
    if (words.length < 2 || words[words.length - 1] !== head) return '';
    const before = words[words.length - 2] ?? '';
    return !related(before, head) && saysWhichKindOf(task, before, head) ? before : '';
  });
  return kind === '' ? undefined : kind;
}

const kindsBeforeHeads = new Memo<string, string>(64);

/**
 * Whether `kind` is the noun the task writes before its head, a plain noun that can say which kind of it: no look, no
 * material, no colour, no time ("night sky"), no framing or file word.
 */
function isKindNounBeforeHead(task: string, kind: string): boolean {
  return (
    nounBeforeHead(task) === kind &&
    isDictionaryWord(kind) &&
    isNoun(kind) &&
    !WHEN_WORDS.has(kind) &&
    lexiconClass(kind) !== 'Adjective' &&
    !asksForLookBy(kind) &&
    !MATERIALS.has(kind) &&
    !COLOUR_WORDS.has(kind) &&
    !FRAMING_WORDS.has(kind) &&
    !FILE_WORDS.has(kind)
  );
}

function saysWhichKindOf(task: string, kind: string, head: string): boolean {
  return isKindNounBeforeHead(task, kind) && !PEOPLE_WORDS.has(kind) && !describesPeople(kind) && !SHOWN_AS.has(head);
}

/**
 * Whether a style is the style of the task's head alone ("Line style"), where the word before that head says which
 * kind of it the task asks for ("finish line"): not a look ("watercolor painting"), a material ("stone statue") or a
 * word that describes ("long line").
 */
export function styleOfAnotherKind(profile: AdapterProfile, words: readonly string[], head: string): boolean {
  const [thing] = profile.styleOf;
  const kind = words[words.length - 2];
  return (
    profile.styleOf.length === 1 &&
    thing !== undefined &&
    kind !== undefined &&
    words[words.length - 1] === head &&
    related(thing, head) &&
    !asksForLookBy(thing) &&
    isDictionaryWord(kind) &&
    !asksForLookBy(kind) &&
    !MATERIALS.has(kind) &&
    !describes(kind) &&
    !doesSomething(kind) &&
    !FILE_WORDS.has(kind)
  );
}

/** Words by which a clause gives a thing a part: "a cathedral with windows", "a pharaoh wearing glasses". */
const GIVES_A_PART = new Set(['with', 'wearing', 'wears', 'having', 'has', 'have']);

/**
 * The lemmas of each clause of a prompt (a tag list's tags, a sentence's parts), remembered for the prompts asked about
 * lately: the composer asks for every style candidate.
 */
const promptClauses = new Memo<string, readonly (readonly string[])[]>(64);
export const clausesOf = (prompt: string) =>
  promptClauses.through(prompt, () => prompt.split(/[,，.;|\n]/).map((clause) => lemmas(clause)));

/**
 * The thing of whose part `prompt` writes the task's words (`words`, in order), if any: the word before the "with" or
 * "wearing" that gives it ("cathedral" of "a cathedral with stained glass windows"), in one clause.
 */
export function ownerOfPart(prompt: string, words: readonly string[]): string | undefined {
  const [first] = words;
  if (first === undefined) return undefined;
  for (const clause of clausesOf(prompt)) {
    const written = clause.filter((word) => !isStopword(word) || GIVES_A_PART.has(word));
    const at = written.findIndex((_word, index) => words.every((each, offset) => written[index + offset] === each));
    if (at <= 0) continue;
    // The task may hold its "wearing" itself: "wearing stained glass armor".
    if (GIVES_A_PART.has(first)) return written[at - 1];
    const gives = at - 1;
    if (gives > 0 && GIVES_A_PART.has(written[gives] ?? '')) return written[gives - 1];
  }
  return undefined;
}

/**
 * Whether a style's one-word name is the task's head, a thing and no look, that the prompt gives someone "with" it in
 * one clause: "tattoo" of "a sailor with tattoos on his arms".
 */
export function thingSomeoneHas(
  profile: AdapterProfile,
  head: string,
  words: readonly string[],
  prompt: string,
): boolean {
  const [thing, more] = profile.nameWords;
  if (thing === undefined || more !== undefined || !related(thing, head) || asksForLookBy(thing)) return false;
  if (words.some((word) => LOOK_WORDS.has(word) || NAMED_LOOKS.has(word))) return false;
  return clausesOf(prompt).some((written) => {
    const at = written.findIndex((word) => related(word, head));
    const withAt = written.lastIndexOf('with', at);
    return (
      at > 0 && withAt > 0 && written.slice(0, withAt).some((word) => PEOPLE_WORDS.has(word) || describesPeople(word))
    );
  });
}

/**
 * Whether the task says which kind of its head it asks for by a noun right before it, one the name lacks: "Sniper
 * Rifle" is no "M4A1 - Assault Rifle". Not a look, a material, a colour, a time or a word that describes. Where the
 * name's word describes ("BlindMask"), the task's must be one the lexicon knows as a noun ("gas mask"): "ancient
 * ruins" still take "Stylized Ruins".
 */
export function asksAnotherKind(
  task: string,
  words: readonly string[],
  head: string,
  profile: AdapterProfile,
): boolean {
  const kind = words[words.length - 2];
  return (
    kind !== undefined &&
    words[words.length - 1] === head &&
    isKindNounBeforeHead(task, kind) &&
    !profile.nameWords.some((word) => related(word, kind))
  );
}

/**
 * The one noun all the triggers end in, one of them after a word of the name, when the name and the prompt lack it:
 * what the adapter's own words call the thing its name calls a kind of something ("armor" of "Parrley's Battle Suits",
 * triggers "Parrley_armor", "big bulky futuristic armor": sci-fi armour, no suit, unless "a suit of armor").
 */
export function calledOtherwise(profile: AdapterProfile, promptSet: ReadonlySet<string>): string | undefined {
  const triggers = profile.phrases.filter((phrase) => phrase.kind === 'trigger');
  // The word each ends in as written: "a cloud that looks like a" ends in no noun.
  const ending = (phrase: Phrase) => {
    const last = phrase.words.at(-1);
    const written = phrase.text
      .toLowerCase()
      .match(/\p{L}+/gu)
      ?.at(-1);
    return last !== undefined && written !== undefined && singular(written) === last ? last : undefined;
  };
  const [head, other] = new Set(triggers.map(ending));
  const named = triggers.some((phrase) => phrase.words.some((word) => profile.nameWords.includes(word)));
  return head !== undefined &&
    other === undefined &&
    named &&
    isDictionaryWord(head) &&
    isNoun(head) &&
    !covers(promptSet, head) &&
    !profile.nameWords.some((word) => related(word, head))
    ? head
    : undefined;
}

/** Whether a tag or trigger of two words or more says `word` with the rest: "snake eyes" of "Snake Eyes". */
export const taggedWith = (profile: AdapterProfile, word: string) =>
  profile.phrases.some((phrase) => phrase.kind !== 'name' && phrase.words.length >= 2 && phrase.words.includes(word));

/**
 * Words before a thing that make it a toy, a model or a likeness of one, no live or working one: "a rocking horse", "a
 * wooden horse", "a toy car", "a robot dog". Not a colour or a species' word ("golden eagle", "snow leopard").
 */
const LIKENESS_WORDS = new Set(
  (
    'toy toys plush plushie stuffed rocking carousel inflatable origami lego wooden plastic cardboard paper ' +
    'porcelain ceramic clay marble bronze stone metal glass balloon robot robotic mechanical pinata gingerbread ' +
    'chocolate papercraft'
  ).split(' '),
);

/**
 * Words before a place that say it grows or is built of something no ordinary one is: a "mushroom forest" is no wood of
 * trees, an "ice castle" no castle of stone. Not a season or a weather ("snow forest" is a snowy one).
 */
const PLACE_MAKERS = new Set(
  'mushroom bamboo kelp seaweed coral cactus candy crystal ice gingerbread chocolate lego paper cardboard'.split(' '),
);

/** What a word before a thing makes it another kind of, by the adapter's category: see otherMakeOf. */
const OTHER_MAKES = new Map<Adapter['category'], ReadonlySet<string>>([
  ['animal', LIKENESS_WORDS],
  ['vehicle', LIKENESS_WORDS],
  ['background', PLACE_MAKERS],
  ['building', PLACE_MAKERS],
]);

/**
 * The word that makes the task's thing another make of what the adapter draws, before its head, where the adapter's
 * name, tags and triggers never say that word: "rocking" of "a rocking horse in a nursery" for "EdobHorse"
 * (photorealistic horses), "mushroom" of "a mushroom forest" for "Very Nice Forest" (a wood of trees). A "Toy Car" card
 * still serves a toy car.
 */
export function otherMakeOf(
  adapter: Adapter,
  profile: AdapterProfile,
  words: readonly string[],
  head: string,
): string | undefined {
  const makers = OTHER_MAKES.get(adapter.category);
  if (makers === undefined) return undefined;
  const at = words.lastIndexOf(head);
  const maker = words.slice(Math.max(0, at - 2), Math.max(0, at)).find((word) => makers.has(word));
  if (maker === undefined) return undefined;
  return profile.phrases.some((phrase) => phrase.words.includes(maker)) ? undefined : maker;
}

/** Things that are likenesses of what they are "of": "a statue of a horse" is no horse. */
const LIKENESS_NOUNS = new Set(
  (
    'statue statuette sculpture bust figurine figure plush plushie toy model replica carving doll puppet tattoo cake ' +
    'cookie balloon origami ornament'
  ).split(' '),
);
/** Words that may stand between "of" or "like" and the thing: "a statue of a big white horse". */
const BETWEEN_LIMIT = 3;

/** Categories whose adapters draw the live or working thing their word names: a horse, a car, a dragon. */
const DRAWS_THE_REAL_ONE = new Set<Adapter['category']>(['animal', 'vehicle', 'concept']);

/**
 * Whether `prompt` makes every `head` it writes a likeness of one, no live or working one: "a statue of a horse", "a
 * cake shaped like a horse", "a cloud that looks like a dragon", "a horse made of wood". An adapter that draws the real
 * thing ("EdobHorse", "Western Dragon Collection") would put a live one in its place.
 */
export function onlyALikenessOf(prompt: string, head: string, category: Adapter['category']): boolean {
  if (!DRAWS_THE_REAL_ONE.has(category)) return false;
  const words = promptLemmas.through(prompt, () => lemmas(prompt));
  const at = words.flatMap((word, index) => (word === head ? [index] : []));
  return at.length > 0 && at.every((index) => likenessBefore(words, index) || madeOfAfter(words, index));
}

/** The lemmas of the prompts asked about lately: asked for each candidate of those categories and each task. */
const promptLemmas = new Memo<string, readonly string[]>(64);

/** "statue of (a) ...", "shaped like (a) ...", "looks like (a) ...", "shape of (a) ..." before the word at `index`. */
function likenessBefore(words: readonly string[], index: number): boolean {
  for (let back = 1; back <= BETWEEN_LIMIT + 1 && index - back - 1 >= 0; back++) {
    const link = words[index - back];
    const before = words[index - back - 1] ?? '';
    if (link === 'of' && (LIKENESS_NOUNS.has(before) || before === 'shape')) return true;
    if (link === 'like' && (before === 'shaped' || before === 'shape' || before === 'look' || before === 'looking'))
      return true;
  }
  return false;
}

/** What a likeness is formed of beside the materials a style makes things of: "a dragon made of clouds". */
const SUBSTANCES = new Set('cloud smoke mist steam water flower leaf vine'.split(' '));

/**
 * "... made of wood", "... made out of paper", "... carved from ..." right after the word at `index`: a material or a
 * substance, no look ("a capybara made of voxels" is still a capybara, drawn in voxels).
 */
function madeOfAfter(words: readonly string[], index: number): boolean {
  const [next, then] = [words[index + 1], words[index + 2]];
  if (next === 'carved' || next === 'sculpted') return true;
  if (next !== 'made' || (then !== 'of' && then !== 'out')) return false;
  const material = words.slice(index + 3, index + 6).find((word) => word !== 'of' && !isStopword(word));
  return material !== undefined && (MATERIALS.has(material) || SUBSTANCES.has(material));
}
