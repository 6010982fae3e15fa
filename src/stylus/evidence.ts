import type { Adapter } from '../catalog/adapter.js';
import { lemmas, singular, splitWords } from '../catalog/classify/words.js';
import { isStopword, rawTokens } from '../catalog/text.js';
import { Memo } from '../util/memo.js';
import {
  type AdapterProfile,
  ARTICLES,
  MEDIA,
  originOf,
  type Phrase,
  profileOf,
  TRANSFORMS,
} from './adapter-profile.js';
import { isCompositionTag } from './composition-tags.js';
import { isDictionaryWord } from './dictionary.js';
import {
  artMadeOf,
  asksAnotherKind,
  bringsRestOfName,
  calledOtherwise,
  describedKind,
  joinedWith,
  kindOfHead,
  kindOfItsTag,
  kindOfPlaceUnasked,
  listsOtherKinds,
  namedForWhereWorn,
  namesAnotherKind,
  oneOtherKind,
  onlyALikenessOf,
  otherMakeOf,
  ownerOfPart,
  PLACE_CATEGORIES,
  SHOWN_AS,
  saysWhichKind,
  styleOfAnotherKind,
  taggedWith,
  thingSomeoneHas,
} from './evidence-kinds.js';
import {
  beforeHeadOfName,
  coinedFirstPart,
  foreignNameIn,
  foreignWord,
  handleNamedWithoutDigits,
  namePartWrittenAsOne,
  namesGarment,
  namesWhatBothAreAbout,
  opensName,
  otherKindNamed,
  otherThingNamed,
  pieceOfOutfit,
  placeOf,
  qualifiedElsewhere,
  relationAsked,
  saysMoreAfter,
  saysOnly,
  sharesNameWord,
  THING_CATEGORIES,
  withoutOthersCoinedWords,
  writtenAfterHyphen,
} from './evidence-names.js';
import {
  BODY_PARTS,
  calledByItsName,
  describesPeople,
  describesSomeone,
  drawsABody,
  drawsSomeone,
  dressesSomeone,
  dressesTheOtherSex,
  genreOfPeople,
  NO_HUMANS,
  namesSomeone,
  namesSomeoneElse,
  onAnotherPart,
  ownerOf,
  PERSON_KIND_TAG,
  PERSON_TAG_CATEGORIES,
  SEXED_CATEGORIES,
  taggedAsAPerson,
  taggedAsSomeone,
  WHOLE_OUTFIT,
} from './evidence-people.js';
import {
  asksForLookBy,
  coverage,
  covers,
  DESCRIBES,
  doesSomething,
  GENRE_WORDS,
  isNoun,
  knownNoun,
  LOOK_NAMING_WORDS,
  monumentIn,
  namesAGenreOrLook,
  onlyItsDoing,
  related,
  STUDIOS,
  taskWords,
  viewOf,
  wasDone,
} from './evidence-text.js';
import {
  APPEARANCE_WORDS,
  COLOUR_WORDS,
  FILE_WORDS,
  FRAMING_WORDS,
  isContentWord,
  KIND_LABELS,
  LATIN_WORD,
  LOOK_ORIGINS,
  LOOK_WORDS,
  NAMED_LOOKS,
  NAMES_OF_PEOPLES,
} from './evidence-words.js';
import { MATERIALS, materialsMadeIn, materialsOfName, materialsOfTriggers } from './materials.js';
import { codesOf, looksOf, writesTitle } from './name-marks.js';
import {
  asksForRelation,
  describes,
  namesSomethingElse,
  qualifiedOtherwise,
  saysHowMade,
  writtenAfterAnotherName,
} from './name-readings.js';
import { lexiconClass } from './segment.js';
import {
  abstractUnasked,
  askedLooks,
  asksForOtherLook,
  culturesOf,
  cuteUnasked,
  drawnInAPhotoPrompt,
  lookFits,
  photoInADrawnPrompt,
  saysAge,
  tagLooksAsked,
  tagLooksFit,
} from './style-looks.js';

/**
 * Evidence that an adapter depicts a task, as a member would accept it: a phrase of the adapter (its name, a
 * trigger phrase, a tag) found whole in the task, or one distinctive word of it, never a single common word shared
 * with hundreds of adapters ("girl", "anime", "blue"). Words are compared as written, in singular form, so distinct
 * words stay distinct ("anime" is not "animals", as it is for the Porter stemmer of the BM25 index).
 *
 * The same profile answers the two trust questions of the composer: does a task name this character, and does the
 * adapter bring in a concept nobody asked for (an artist, a franchise, a brand: a proper name of its own that the
 * prompt does not hold).
 */

/**
 * The model code of an adapter's name that `prompt` does not name ("FF14" of "FF14 Landscape and Cities" for a
 * victorian city, "RX-7" of "MAZDA RX-7 FD3S" for a sports car, "WW1" for a soldier of the second world war), if
 * any: a game, a make of car, a war nobody asked for. Checked against the whole prompt, for any composer's picks.
 */
export function foreignCodeIn(prompt: string, adapter: Adapter): string | undefined {
  if (adapter.category === 'character') return undefined;
  const { codes, titleInitials } = profileOf(adapter);
  // A game a name writes by its initials ("SXZ WoW Icons") is asked for by them or by its title written out.
  if (titleInitials.length > 0) {
    const words = rawTokens(prompt);
    const title = titleInitials.find((initials) => !writesTitle(words, initials));
    if (title !== undefined) return title;
  }
  if (codes.length === 0) return undefined;
  const asked = codesWritten(prompt);
  // One of them named is enough: "a Mazda RX-7" asks for "MAZDA RX-7 FD3S".
  return codes.some((code) => asked.has(code)) ? undefined : codes[0];
}

const promptCodes = new Memo<string, ReadonlySet<string>>(64);

/** The model codes a text writes, its letters and digits run together ("a mazda rx 7" writes "rx7"). */
const codesWritten = (text: string) =>
  promptCodes.through(text, () => new Set(codesOf(text.replace(/(\p{L})\s+(\d)/gu, '$1$2'))));

/** Codes of two characters name little alone: "A1 filter" for no "A1 steak sauce". */
const MIN_NAMED_CODE = 3;

/**
 * The model code of an adapter's name that `text` writes ("rx7" of "MAZDA RX-7 FD3S" for "a red mazda rx-7", "ak47" of
 * "Bettergun_AK47"), if any: the member names that model, its maker's name and all, as by a coined trigger. Not a
 * game's number on a card of someone from it: "a doa6 fighter" names no "Kasumi - DOA6".
 */
export function modelCodeWritten(adapter: Adapter, text: string): string | undefined {
  const profile = profileOf(adapter);
  if (profile.codes.length === 0 || adapter.category === 'character' || drawsSomeone(adapter, profile))
    return undefined;
  const written = codesWritten(text);
  const code = profile.codes.find((each) => each.length >= MIN_NAMED_CODE && written.has(each));
  if (code === undefined) return undefined;
  // The model, of no people the text names: "a ww1 soldier" asks for no "WW1 - German Soldier uniform".
  const textWords = viewOf(text).set;
  return profile.nameWords.some((word) => lexiconClass(word) === 'Demonym' && !textWords.has(word)) ? undefined : code;
}

const promptOrigins = new Memo<string, ReadonlySet<string>>(64);

/**
 * The look an adapter's name asks for that `prompt` does not ("neon" of "Neon photography" for "food photography",
 * "map" of "D&D Maps - Cities" for "a victorian city"), if any: it would restyle the picture into something nobody
 * asked for. Checked against the whole prompt, for any composer's picks.
 */
export function foreignLookIn(prompt: string, adapter: Adapter): string | undefined {
  const asked = askedLooks(prompt);
  const { looks, interiorOf, triggerOrigins } = profileOf(adapter);
  // A studio in a character's name is her series, the look she is known by: "Alice Liddell (Disney)" for "alice
  // liddell" (the rules of character-names.ts say whether the prompt names her).
  const look = looks.find(
    (look) =>
      !asked.has(look) &&
      !(look === 'interior' && interiorOf && placesInside(prompt, interiorOf)) &&
      !(adapter.category === 'character' && STUDIOS.has(look)),
  );
  if (look === undefined && cuteUnasked(adapter, prompt)) return 'cute';
  if (look === undefined && PLACE_CATEGORIES.has(adapter.category)) {
    const genre = foreignGenreIn(prompt, adapter);
    if (genre !== undefined) return genre;
  }
  if (look !== undefined || triggerOrigins.length === 0) return look;
  // Trained on a world of its own, it draws that world: "Night" ("Medieval fantasy world") for no city at night.
  const origins = promptOrigins.through(
    prompt,
    () => new Set([...lemmas(prompt).flatMap((word) => originOf(word) ?? []), ...culturesOf(prompt)]),
  );
  return triggerOrigins.find((origin) => !origins.has(origin));
}

/**
 * The genre a place's name builds in that `prompt` does not ask for: "XSarchitectural-9Science fiction" for no
 * modernist architecture. Only places: "Final Fantasy" in a character's name is a franchise. Not where the prompt asks
 * for another thing the name offers ("Background Fantasy & Cyber Punk" for a cyberpunk city), nor for all the rest the
 * name says, two things or more: a city on Mars is a "Science fiction city on Mars".
 */
function foreignGenreIn(prompt: string, adapter: Adapter): string | undefined {
  const asked = genresOf(prompt);
  const genre = genresOf(adapter.name).find((named) => !asked.includes(named));
  if (genre === undefined) return undefined;
  const squeezedPrompt = squeezedLetters(prompt);
  const alternatives = adapter.name.split(/\s+(?:&|and|\/|\|)\s+/i).map(squeezedLetters);
  if (alternatives.length > 1 && alternatives.some((part) => part.length >= 4 && squeezedPrompt.includes(part)))
    return undefined;
  const promptWords = viewOf(prompt).set;
  const rest = profileOf(adapter).nameWords.filter(
    (word) => !GENRE_WORDS.has(word) && !KIND_LABELS.has(word) && isDictionaryWord(word),
  );
  return rest.length >= 2 && rest.every((word) => covers(promptWords, word)) ? undefined : genre;
}

/** A text's Latin letters only, lower case: "Cyber Punk" -> "cyberpunk". */
const squeezedLetters = (text: string) => text.toLowerCase().replace(/[^a-z]+/g, '');

/** The genres a text names, written apart or run together ("Science fiction", "Fantasyarchitecture", "sci-fi"). */
function genresOf(text: string): string[] {
  const squeezed = squeezedLetters(text);
  return GENRES.filter(([, written]) => written.test(squeezed)).map(([genre]) => genre);
}

const GENRES: readonly (readonly [string, RegExp])[] = [
  ['science fiction', /scifi|sciencefiction/],
  ['fantasy', /fantas/],
  ['horror', /horror/],
];

/**
 * Whether an adapter that makes its subject out of something ("Aether Cloud": "a cloud that looks like a ...") meets a
 * prompt that asks for no thing made of, or shaped like, another: a LoRA acts on the whole image, so it would turn the
 * angel of "an angel in the clouds" into a cloud. Checked against the whole prompt, for any composer's picks.
 */
export function transformsUnasked(prompt: string, adapter: Adapter): boolean {
  if (!profileOf(adapter).transformsSubject || TRANSFORMS.test(prompt)) return false;
  // "an ice sculpture" is made of ice as much as "made of ice" is: "Made of Ice" (trigger "made_of_ice") fits it.
  const asked = materialsMadeIn(prompt);
  return ![...materialsOfTriggers(adapter)].some((material) => asked.has(material));
}

/**
 * The evidence for an adapter named for a material alone ("Made of Ice", "kFelted") that `task` makes its thing of
 * ("an ice sculpture", "a yellow box made of felt"): it makes everything of that material, which is what was asked.
 */
export function materialEvidence(task: string, adapter: Adapter): Evidence | undefined {
  // Most tasks make nothing of anything: asked first, once per task.
  const asked = materialsMadeIn(task);
  if (asked.size === 0 || adapter.category === 'character') return undefined;
  const material = materialsOfName(adapter).find((named) => asked.has(named));
  return material === undefined ||
    foreignNameIn(task, adapter) !== undefined ||
    genreOfPeople(profileOf(adapter), viewOf(task).set) !== undefined
    ? undefined
    : { score: WEAK, reason: `its name "${adapter.name.slice(0, 60)}" makes things of ${material}` };
}

/** Words between "in" and the place it names: "in a dark cave". */
const PLACE_WORDS_BETWEEN = 3;

/**
 * Whether `prompt` places something in a `place` ("glowing in a dark cave"), where the inside of it is what is seen;
 * not a place named after it ("in a train station"), nor the place seen from outside ("a train on a bridge").
 */
function placesInside(prompt: string, place: string): boolean {
  const words = lemmas(prompt);
  return words.some((word, index) => {
    if (word !== 'in' && word !== 'inside') return false;
    const at = words.slice(index + 1, index + 2 + PLACE_WORDS_BETWEEN).indexOf(place);
    if (at < 0) return false;
    const after = words[index + 2 + at];
    return after === undefined || isStopword(after);
  });
}

/**
 * Whether a task's subject ends in a look word or a material that what the task says its subject does acts on:
 * "squirting black ink", "holding a painting", "playing with yarn" name ink, a painting and yarn as things, no look to
 * restyle the picture in (a kitten playing with yarn is no kitten knitted of yarn); so does a thing of it ("a cartridge
 * of ink").
 */
export function lookAsThing(subject: string, action: string, prompt?: string): boolean {
  const { head } = viewOf(subject);
  if (!asksForLookBy(head) && !MATERIALS.has(head)) return false;
  return (
    taskWords(action).some((word) => doesSomething(word) && !asksForLookBy(word)) ||
    // A medium is stuff a thing can hold ("a cartridge of ink", "a splash of paint"); a genre is none ("elements of
    // surrealism" ask for the look).
    (prompt !== undefined && (MEDIA.has(head) || head === 'paint') && heldOf(prompt, head))
  );
}

/**
 * Whether `prompt` writes a thing "of" `word`, what that thing holds: "a cartridge of ink", "a splash of paint". Not
 * a look or a format of it ("a style of ink", "a picture of paint"), what it is made of ("made of ink"), nor a place
 * in it ("the center of the painting").
 */
function heldOf(prompt: string, word: string): boolean {
  const words = prompt.toLowerCase().match(/[\p{L}\p{N}'’-]+/gu) ?? [];
  return words.some((written, index) => {
    if (written !== 'of') return false;
    const at = ARTICLES.has(words[index + 1] ?? '') ? index + 2 : index + 1;
    const container = words[index - 1];
    return (
      singular(words[at] ?? '') === word &&
      container !== undefined &&
      /^[a-z]{3,}$/.test(container) &&
      !DESCRIBES.test(container) &&
      !isStopword(container) &&
      !asksForLookBy(singular(container)) &&
      !SHOWN_AS.has(singular(container)) &&
      // Where in it: "in the center of the painting" is the painting's.
      !FRAMING_WORDS.has(singular(container)) &&
      !FILE_WORDS.has(singular(container))
    );
  });
}

/** A phrase that names a kind of art: "environment concept art", "thick brush art style". */
const NAMES_ART = /\s(?:art|artstyle|art\s+style)$/i;

/** Whether words ask for a look: a medium, a genre, a format ("watercolor", "pixel", "style"). */
const asksForALookIn = (words: ReadonlySet<string>) =>
  [...words].some((word) => LOOK_WORDS.has(word) || NAMED_LOOKS.has(word));

/** The evidence for a character adapter: the task names it. */
export function characterEvidence(name: string): Evidence {
  return { score: STRONG, reason: `the prompt names "${name}"` };
}

/** Catalog-wide counts of how many adapters use a word in their name, triggers or tags. */
export interface WordRarity {
  /** True when the word is shared by so many adapters that it identifies none of them. */
  isCommon(word: string): boolean;
  /**
   * How many cards use the word in their name, triggers or tags: one or two (its releases) for a coined trigger
   * ("edobcar"), dozens for "chibi" or "bowtie". Absent where the catalog's counts are unknown: then no word is any
   * card's own.
   */
  cardsUsing?(word: string): number;
}

export const NO_RARITY: WordRarity = { isCommon: (word) => FILE_WORDS.has(word) };

export interface Evidence {
  /** Higher is better: phrase length and kind. */
  score: number;
  reason: string;
}

const KIND_LABEL: Record<Phrase['kind'], string> = { name: 'its name', trigger: 'trigger', tag: 'tag' };
/** A phrase or a whole name found in the task, against one distinctive word: the composer prefers the first. */
const STRONG = 2;
const WEAK = 1;

/**
 * Whether an uncategorised adapter or a style that draws someone draws one the prompt (`promptWords`) does not ask
 * for. An uncategorised one is who the first part of its name says, asked for by a word of it: "Mobius_swimsuit_(honkai
 * impact)" (trigger "green hair") and "Florence Nightingale (Fate) Lora" (tagged "female") for no prompt that names only
 * their game. So is a style, by a name of it: "Tiana (The Princess and the Frog) Disney Princess" and "Cinderella Disney
 * Princess, by YeiyeiArt" (tagged "style" and "female") draw Tiana and Cinderella, for no "disney princess" nobody
 * names; an artist's "Josan Gonzalez aka Deathburger" is asked for by "josan gonzalez". For any composer's picks.
 */
export function drawsSomeoneUnasked(adapter: Adapter, promptWords: ReadonlySet<string>): boolean {
  if (adapter.category !== 'other' && adapter.category !== 'style') return false;
  const profile = profileOf(adapter);
  if (!drawsSomeone(adapter, profile)) return false;
  // A part in Han or kana says the name again: "葛城美里《新世纪福音战士》/ Katsuragi Misato《NEON GENESIS ...》".
  const latin = profile.nameSegments
    .map((segment) => segment.filter((word) => LATIN_WORD.test(word)))
    .filter((segment) => segment.length > 0);
  const [first] = latin;
  if (first !== undefined && latin.length > 1 && !first.some((word) => covers(promptWords, word))) return true;
  const names = (first ?? []).filter((word) => !isDictionaryWord(word) && !STUDIOS.has(word) && !NAMED_LOOKS.has(word));
  return adapter.category === 'style' && names.length > 0 && !names.some((word) => covers(promptWords, word));
}

/**
 * The best evidence that `adapter` depicts `task`, or undefined. A phrase counts when all its words are in the
 * task; a one-word phrase only when that word is distinctive (not common in the catalog, not an appearance or
 * framing word, at least three letters) and is what the task is about (its last word, the head of the phrase), or
 * the adapter's whole name. An adapter whose name carries a proper name the task lacks (an artist, a franchise, a
 * character) brings in a concept nobody asked for, and gets no evidence.
 */
/**
 * Whether a task's words make its thing of `material`: written before the thing ("a balloon dog") or after "made of"
 * ("a cat made of balloons"); not the thing itself ("holding a balloon").
 */
function makesOf(words: readonly string[], material: string, adapter: Adapter): boolean {
  const at = words.indexOf(material);
  if (at < 0) return false;
  if ((words[at - 1] === 'of' && words[at - 2] === 'made') || words[at - 1] === 'made') return true;
  // A noun before it makes it a thing of its own: "a hot air balloon landing" is no landing made of balloons.
  if (saysAnotherKindOf(words, at)) return false;
  // Before a noun a word as often says what the thing is for ("a laundry basket", "a yarn basket"): only a material,
  // or the word of an art its tags name, makes it ("a yarn cat", "a balloon dog"), and never a thing that holds.
  return (
    at < words.length - 1 &&
    !HOLDERS.has(words.at(-1) ?? '') &&
    (MATERIALS.has(material) || taggedAsArtOf(adapter, material))
  );
}

/** Words for any garment: a name's head that says only that it is worn. */
const GARMENT_WORDS = new Set([
  'dress',
  'outfit',
  'costume',
  'clothe',
  'clothes',
  'clothing',
  'uniform',
  'suit',
  'wear',
]);

/** A name that is a thing and, in brackets, the series it is of: "Eva 01 (Evangelion)". */
const THING_OF_SERIES = /^\s*([^()（）]+?)\s*[(（]\s*([^()（）]+?)\s*[)）]\s*$/u;

/**
 * Whether an adapter's name is a thing of a series whose name, in brackets, no dictionary holds, and the prompt names
 * the series but not the thing.
 */
function thingOfAnUnaskedSeries(adapter: Adapter, promptSet: ReadonlySet<string>): boolean {
  const match = THING_OF_SERIES.exec(adapter.name);
  if (!match) return false;
  const series = lemmas(match[2] ?? '').filter(isContentWord);
  // In another script the brackets translate the thing: "ブルマ(Buruma)".
  const thing = lemmas(match[1] ?? '').filter((word) => isContentWord(word) && LATIN_WORD.test(word));
  return (
    series.length > 0 &&
    thing.length > 0 &&
    series.every((word) => !isDictionaryWord(word) && covers(promptSet, word)) &&
    !thing.some((word) => covers(promptSet, word))
  );
}

/** Whether a noun before the word at `at` says which kind of it ("air" of "hot air balloon"), no colour or quality. */
function saysAnotherKindOf(words: readonly string[], at: number): boolean {
  const before = words[at - 1];
  return before !== undefined && isDictionaryWord(before) && !COLOUR_WORDS.has(before) && !describes(before);
}

const inRange = (count: number, least: number, most: number) => count >= least && count <= most;

/** Coined words members write as praise, whatever the card: where art is shown, quality tags. */
const PROMPT_PRAISE = new Set([
  'artstation',
  'pixiv',
  'deviantart',
  'cgsociety',
  'behance',
  'artgerm',
  'absurdres',
  'highres',
]);

/**
 * The coined trigger of a card that `written` (a text's tokens) holds, if any, used by `cards` cards at most: see
 * coinedTriggerIn. A coined word of its name is one too, as members copy it: "hrgiger" for "HRGiger".
 */
function coinedTriggerOf(
  profile: AdapterProfile,
  category: Adapter['category'],
  written: readonly string[],
  rarity: WordRarity,
  cards = OWN_WORD_CARDS,
): string | undefined {
  // Whether it is written first: most phrases of most cards are not in the task.
  return profile.phrases.find(
    (phrase) =>
      phrase.kind !== 'tag' &&
      coinedTriggerIn(phrase.text, written, rarity, cards) &&
      (phrase.kind === 'trigger' || writesWholeCoinedName(profile, category, phrase, written)),
  )?.text;
}

/**
 * Whether a word of a card's name is one its maker coined, no English word that the dictionary lacks: not a people's
 * or a place's name English knows ("american", "tokyo").
 */
const coinedNameWord = (word: string) =>
  !isDictionaryWord(word) && lexiconClass(word) === undefined && !NAMES_OF_PEOPLES.has(word);

/**
 * Whether a name's coined word is written with every other coined word of its part: "nomura tetsuya" for "Tetsuya
 * Nomura (Kingdom Hearts) Style", "hrgiger" for "HRGiger"; not "futaba" of another Futaba for "Sakura Futaba".
 */
function writesWholeCoinedName(
  profile: AdapterProfile,
  category: Adapter['category'],
  phrase: Phrase,
  written: readonly string[],
): boolean {
  // Someone's card, or one Civitai left uncategorised, may be named for someone: "Sakura Futaba" (filed under no
  // category) for no Futaba Aoi. Character names have their own rules (character-names.ts).
  if (category !== 'style' && !THING_CATEGORIES.has(category)) return false;
  const [word, more] = rawTokens(phrase.text);
  if (word === undefined || more !== undefined || !coinedNameWord(word)) return false;
  const part = profile.nameSegments.find((segment) => segment.includes(word)) ?? [word];
  return part.filter(coinedNameWord).every((each) => written.includes(each));
}

/** A card's own word is used by it and at most one more card (a release of it, as often as not). */
const OWN_WORD_CARDS = 2;

/**
 * Whether `text` writes a coined trigger of the adapter that `cards` cards use at most: it asks for this card by its
 * name. One no other card uses asks for it as it is, its look and all; a word two cards share may be a family's
 * ("gameicon" of "GameIconResearch_scroll" and "_chest"), or a card's and its remake's ("bronzepunkai").
 */
export function writesCoinedTrigger(text: string, adapter: Adapter, rarity: WordRarity, cards: 1 | 2): boolean {
  return coinedTriggerOf(profileOf(adapter), adapter.category, viewOf(text).tokens, rarity, cards) !== undefined;
}

/**
 * Whether a trigger is one coined word that `written` (a task's tokens) holds: no word of the dictionary, even without
 * its digits ("rz88mkultr4", "edobcar"; not "girl2"), and the card's own in the catalog (not "chibi" nor "saturn").
 */
function coinedTriggerIn(trigger: string, written: readonly string[], rarity: WordRarity, cards: number): boolean {
  const [token, ...more] = rawTokens(trigger);
  if (token === undefined || more.length > 0 || token.length < 5 || !written.includes(token)) return false;
  const letters = token.replace(/\d+/g, '');
  return (
    letters.length >= 4 &&
    !isDictionaryWord(letters) &&
    !isStopword(letters) &&
    !FILE_WORDS.has(letters) &&
    !NAMES_OF_PEOPLES.has(letters) &&
    !PROMPT_PRAISE.has(token) &&
    inRange(rarity.cardsUsing?.(token) ?? 0, 1, cards)
  );
}

/** Things named by what they hold or sell: a yarn basket holds yarn, a balloon shop sells balloons. */
const HOLDERS = new Set(
  'basket bag box bucket jar bin bowl cup pot can tub crate rack shelf shop store stall stand cart truck seller vendor'.split(
    ' ',
  ),
);

/** Crafts a whole thing is made in, and what a task writes for them ("crocheted" is crochet). */
const CRAFTS: ReadonlyMap<string, string> = new Map(
  (
    'amigurumi crochet crocheted:crochet knit knitted:knit knitting:knit embroidery embroidered:embroidery ' +
    'needlepoint origami papercut macrame quilt quilted:quilt'
  )
    .split(' ')
    .map((entry) => {
      const [written = '', craft = written] = entry.split(':');
      return [written, craft] as const;
    }),
);

/**
 * The craft a task makes its thing in, before its head ("crochet" of "a crochet bunny", of "a crochet octopus toy"),
 * when the name of an adapter of things says it makes things in that craft and its tags say so too: a crochet toy of
 * anything.
 */
function craftOfThing(words: readonly string[], head: string, adapter: Adapter): string | undefined {
  if (!THING_CATEGORIES.has(adapter.category) || words.length < 2 || words.at(-1) !== head) return undefined;
  const craft = words
    .slice(0, -1)
    .map((word) => CRAFTS.get(word))
    .find((each) => each !== undefined);
  if (craft === undefined || CRAFTS.has(head)) return undefined;
  const crafts = (text: string) => splitWords(text).map((word) => CRAFTS.get(word));
  return crafts(adapter.name).includes(craft) && adapter.tags.some((tag) => crafts(tag).includes(craft))
    ? craft
    : undefined;
}

/** Whether a tag of the adapter is the art of `word`: "balloon art" of "PE Balloon Diffusion". */
function taggedAsArtOf(adapter: Adapter, word: string): boolean {
  return adapter.tags.some((tag) => lemmas(tag).join(' ') === `${word} art`);
}

/**
 * Whether a phrase is the words of a thing's or a style's name (its Latin words: "armored dress" of "armored dress 鎧裝禮服
 * アーマードレス"), that a trigger of it says again.
 */
function namedAndTriggeredSo(adapter: Adapter, profile: AdapterProfile, phrase: Phrase): boolean {
  if (adapter.category !== 'style' && !THING_CATEGORIES.has(adapter.category)) return false;
  const same = (words: readonly string[]) => words.join(' ') === phrase.words.join(' ');
  return (
    phrase.kind !== 'tag' &&
    same(profile.nameWords) &&
    profile.phrases.some((other) => other.kind === 'trigger' && same(other.words))
  );
}

/** Words run together before a colour that say which shade of it: "NAVYBLUE" is blue. */
const SHADES = /^(?:navy|sky|dark|light|pale|deep|royal|baby|hot|midnight|neon|pastel)(.+)$/;

/** The colour a word of a name says, itself or a shade of it run together ("navyblue" -> blue). */
function colourOf(word: string): string[] {
  if (COLOUR_WORDS.has(word)) return [word];
  const shade = SHADES.exec(word)?.[1];
  return shade !== undefined && COLOUR_WORDS.has(shade) ? [shade] : [];
}

export function evidenceFor(
  task: string,
  adapter: Adapter,
  rarity: WordRarity,
  /** The task is the whole prompt ("a sword"): a style that draws that thing restyles nothing else. */
  soleTask = false,
  /** The whole prompt, when the task is a part of it: the looks it asks for (see namedThing below). */
  prompt?: string,
  /** The task's whole text, when `task` is its noun phrase ("fish" of "fish and chips"): see placeOf below. */
  taskText?: string,
): Evidence | undefined {
  const ownWords = withoutOthersCoinedWords(task, profileOf(adapter));
  if (ownWords !== task) return evidenceFor(ownWords, adapter, rarity, soleTask, prompt, taskText);
  const { words, set: taskSet, head, looks: subjectLooks, tokens: written } = viewOf(task);
  // The looks the whole task asks for, where the segmenter left its "style" out of the noun phrase ("simpsons" of
  // "simpsons style", read as a verb after a plural).
  const asksForLookAs =
    taskText === undefined || taskText === task ? subjectLooks : new Set([...subjectLooks, ...viewOf(taskText).looks]);
  if (words.length === 0) return undefined;
  const profile = profileOf(adapter);
  // The coined word its card says to write, written: the member asks for this card, its artist's or maker's name and
  // all ("atgons" for "Atelier GONS Style", "edobcar", "rz88mkultr4").
  const coined = coinedTriggerOf(profile, adapter.category, written, rarity);
  const said =
    coined !== undefined && profile.phrases.some((phrase) => phrase.kind === 'trigger' && phrase.text === coined)
      ? 'trigger'
      : 'its name';
  // A word of its name after another word than its own is another name: "ex machina (2014)" for no "Vox Machina
  // Style" (the task as written: its noun phrase may have lost the word before). Its trigger written still asks for it.
  if (
    adapter.category === 'style' &&
    said !== 'trigger' &&
    writtenAfterAnotherName(
      taskText ?? task,
      profile.nameSegments,
      (word) => profile.nameWords.includes(word) || asksForLookBy(word) || FILE_WORDS.has(word),
    )
  )
    return undefined;
  if (coined) return { score: STRONG, reason: `matches ${said} "${coined.trim().slice(0, 60)}"` };
  // A model its name carries, named by its code: "a red mazda rx-7" for "MAZDA RX-7 FD3S car LORA".
  const code = modelCodeWritten(adapter, task);
  if (code !== undefined) return { score: STRONG, reason: `matches its name's model "${code.toUpperCase()}"` };
  // A part of its name written as one word, as members copy a name: "puyopuyo" for "Puyo Puyo Style".
  const runTogether = namePartWrittenAsOne(adapter, profile, written);
  if (runTogether !== undefined) return { score: STRONG, reason: `matches its name "${runTogether.join('')}"` };
  const beforeHead = words.length >= 2 && words[words.length - 1] === head ? words[words.length - 2] : undefined;
  const compoundHead = beforeHead !== undefined && /^[a-z]{3,}$/.test(beforeHead) ? `${beforeHead}${head}` : undefined;
  // A genre or a look named alone in a longer prompt asks for how the picture looks, no place or thing: "science
  // fiction" of a robot's tag list gets no sci-fi city on Mars, "fantasy" no fantasy background. A whole prompt of
  // one genre is still drawn by one. So is a studio's look: "studio ghibli style" gets no Ghibli background.
  if (
    !soleTask &&
    DRAWS_PLACES_OR_THINGS.has(adapter.category) &&
    words.every(
      (word, index) =>
        namesAGenreOrLook(word) || STUDIOS.has(word) || (word === 'studio' && STUDIOS.has(words[index + 1] ?? '')),
    )
  )
    return undefined;
  // A style named for what an art is drawn with is that art, asked for as one or as the whole prompt: "Line style" is
  // line art, for "line art" or "line style", no "bold lines" of a comic nor "sleek lines" of a spaceship.
  const [drawnWith] = profile.nameWords;
  if (
    adapter.category === 'style' &&
    !soleTask &&
    profile.nameWords.length === 1 &&
    drawnWith !== undefined &&
    NAMED_LOOKS.has(`${drawnWith}art`) &&
    !asksForLookAs.has(drawnWith)
  )
    return undefined;
  // A style named for what its art is made of is that art, asked for as one ("yarn art", "laundry art") or as the
  // whole prompt: "LaundryArt" (things made of laundry) for no pile of laundry on a bed, "PE Terrible Fan Art" for no
  // ceiling fan.
  const artOf = adapter.category === 'style' ? artMadeOf(adapter) : undefined;
  const madeOf = soleTask ? undefined : artOf;
  if (
    madeOf !== undefined &&
    !asksForLookAs.has(madeOf) &&
    !(prompt !== undefined && viewOf(prompt).looks.has(madeOf)) &&
    !makesOf(words, madeOf, adapter)
  )
    return undefined;
  // A whole prompt of that thing is its art, unless a noun before it says another kind of it: "a hot air balloon" is
  // no "PE Balloon Diffusion" (things as latex balloons); "a red balloon" still is.
  if (
    soleTask &&
    artOf !== undefined &&
    words.at(-1) === artOf &&
    saysAnotherKindOf(words, words.length - 1) &&
    !asksForLookAs.has(artOf)
  )
    return undefined;
  const promptWords = prompt === undefined ? taskSet : viewOf(prompt).set;
  // A name that opens with a material and puts its thing in a later part makes that thing of it: "Diffusion Marble
  // (Swords)" makes marble swords, for no knight's sword the prompt makes of nothing or of steel ("a marble sword"
  // still, and "a sword" alone, where the sword is the whole picture; not "a demon slayer sword", a sword of its own).
  const [openingPart = [], ...laterParts] = profile.nameSegments;
  const openingMaterial = openingPart.find((word) => MATERIALS.has(word));
  if (
    !(soleTask && words.length === 1) &&
    openingMaterial !== undefined &&
    !covers(promptWords, openingMaterial) &&
    laterParts.some((part) => part.some((word) => related(word, head)))
  )
    return undefined;
  // And it makes that thing alone: "Diffusion Marble (Swords)" carves no marble floor under a perfume bottle. (A later
  // word that describes says how, no thing: "Chocolate (Wet) Style".)
  if (
    openingPart.length === 1 &&
    openingMaterial !== undefined &&
    laterParts.some(
      ([thing, more]) =>
        thing !== undefined &&
        more === undefined &&
        isDictionaryWord(thing) &&
        !describes(thing) &&
        !covers(promptWords, thing),
    )
  )
    return undefined;
  if (foreignWord(profile, taskSet, adapter.category, asksForLookAs, promptWords) !== undefined) return undefined;
  // A thing of one colour is no thing of another: "Gym uniform (GREEN)" for no blue gym uniform, "Black Eyes/Sclera"
  // for no white sclera.
  const coloursAsked = words.filter((word) => COLOUR_WORDS.has(word));
  const coloursNamed = profile.nameWords.flatMap(colourOf);
  if (coloursAsked.length > 0 && coloursNamed.length > 0 && !coloursNamed.some((colour) => covers(taskSet, colour)))
    return undefined;
  // A LoRA named only for a body part ("Concept: Perfect Eyes", "k Hand Mix 101") draws it well, for a task about how
  // well it is drawn: a colour or a size of someone's eyes ("green eyes" of a tag list) asks for none.
  if (
    profile.nameWords.length > 0 &&
    profile.nameWords.every((word) => BODY_PARTS.has(word)) &&
    words.some((word) => APPEARANCE_WORDS.has(word) && !BODY_PARTS.has(word))
  )
    return undefined;
  // A place of a kind its name says is that kind: "rehearsal studio" for no "studio" of a portrait photo. (A whole
  // prompt of that place takes any kind of it, as "a statue" takes "Stone Statue".)
  if (!soleTask && PLACE_CATEGORIES.has(adapter.category) && kindOfPlaceUnasked(profile, head, promptWords))
    return undefined;
  // A live animal or a working car is no toy nor a carving of one: "EdobHorse" for no rocking horse nor wooden horse. A
  // wood of trees is no mushroom forest.
  if (otherMakeOf(adapter, profile, words, head) !== undefined) return undefined;
  // So is the thing a prompt makes a likeness of: no live horse for "a statue of a horse" or "a horse made of wood".
  if (onlyALikenessOf(prompt ?? task, head, adapter.category)) return undefined;
  // A user's handle ("rei_17", an illustrator) is named with its digits: "miyamoto rei" asks for no artist's style.
  if (adapter.category !== 'character' && handleNamedWithoutDigits(adapter.name, taskSet, prompt ?? task))
    return undefined;
  // A trigger that is someone's full name ("Katsuragi_Misato") draws that one, whatever the card files it under: only
  // for a task that names her, not her franchise ("neon genesis evangelion").
  if (adapter.category !== 'character' && namesSomeoneElse(profile, taskSet)) return undefined;
  // A pose, an action or a concept is what its name says is done, asked anywhere in the prompt: "Zipping Undersized
  // Track Jacket" (a jacket too small to zip) for no plain "track jacket".
  if (
    DOINGS.has(adapter.category) &&
    profile.nameWords.some((word) => doesSomething(word) && !covers(promptWords, word))
  )
    return undefined;
  // What its name's first part says was done to the thing is done, asked anywhere too: "submerged_water" (partly
  // submerged, "shiny skin", "sweat") for no "1girl, snow, water".
  if (
    DOINGS.has(adapter.category) &&
    (profile.nameSegments[0] ?? []).some(
      (word) => wasDone(word) && !covers(promptWords, word) && !writtenAfterHyphen(adapter.name, word),
    )
  )
    return undefined;
  // A style named for one thing draws the picture as that thing: not for a thing someone has ("Yet Another Tattoo", a
  // tattoo design, for no "sailor with tattoos on his arms"; still for "a tattoo of a girl").
  if (
    adapter.category === 'style' &&
    !soleTask &&
    prompt !== undefined &&
    thingSomeoneHas(profile, head, words, prompt)
  )
    return undefined;
  // A look a part of another thing has restyles the whole picture, no part of it: "Stained Glass" for no "cathedral
  // with stained glass windows" (still for "a stained glass window of a rose", or a cathedral, stained glass). So does
  // a style named for that part, which draws the whole picture as one: "PE Neon Sign Style" for no "street market with
  // neon signs", "Stickers" for no "laptop with a maze sticker". What a picture has is its look: "a photo with film
  // grain" still takes "Film Grain".
  const owner =
    adapter.category === 'style' && !soleTask && prompt !== undefined ? ownerOfPart(prompt, words) : undefined;
  if (
    owner !== undefined &&
    (!SHOWN_AS.has(owner) || !profile.phrases.some((phrase) => phrase.words.some((word) => related(word, head))))
  )
    return undefined;
  if (drawsSomeoneUnasked(adapter, promptWords)) return undefined;
  // Clothing named for men dresses no woman, and the other way round: "Hanfu_male" for no "1girl, hanfu".
  // So is a pose, an action or a concept its tags say was trained on one sex: "[Concept]Smoking" (tagged "girl") smokes
  // no old man's pipe.
  if (SEXED_CATEGORIES.has(adapter.category) && dressesTheOtherSex(adapter, profile, prompt ?? task)) return undefined;
  // A pose is the relation its name says: "hand to own mouth" and "Hand on Own Arm" for no "own hands clasped".
  if (adapter.category === 'pose' && !relationAsked(adapter.name, promptWords)) return undefined;
  // "Through Screen" draws someone coming through a screen: a laptop screen asks for no one.
  if (profile.relation && !asksForRelation(prompt ?? task, profile.relation, profile.nameWords)) return undefined;
  // A name that says where or which after its preposition draws what comes before it: "girls in glass bottle" is
  // girls, no frosted glass bottles.
  if (profile.namedThing.length > 0 && !profile.namedThing.some((word) => covers(taskSet, word))) return undefined;
  // A product is whose it is or which: "Morphy Richards product lora" draws the maker's kettles and "CD Product Photo"
  // a music CD, for no product shot of a watch or a perfume bottle.
  if (!profile.productOf.every((word) => covers(promptWords, word))) return undefined;
  // A one-word name for the word that says which kind of thing the task asks for: "kCuteTanks" for a tank top. Unless
  // its tags or triggers say the two words together: "Yet Another Tattoo" (tagged "tattoo design") draws a tattoo design,
  // or it is a style tagged as the art of its one word, which makes things of it: "PE Balloon Diffusion" ("balloon
  // art") for "a balloon dog".
  const [onlyNameWord] = profile.nameWords;
  if (
    profile.nameWords.length === 1 &&
    onlyNameWord &&
    saysWhichKind(task, words, head, onlyNameWord, adapter.category) &&
    !(adapter.category === 'style' && taggedAsArtOf(adapter, onlyNameWord)) &&
    !profile.phrases.some(
      (phrase) =>
        phrase.kind !== 'name' && phrase.words.length >= 2 && phrase.words.every((word) => covers(taskSet, word)),
    )
  )
    return undefined;
  // A material a trigger sets before someone is a genre of people: "MetalAI" (trigger "MetalSinger", trained on metal
  // singers) for no metal statue.
  if (adapter.category === 'style' && genreOfPeople(profile, taskSet) !== undefined) return undefined;
  // A one-word name its tags never say alone, only before another noun, is the word that says which kind of that
  // noun: "Super Cereal" (tagged "cereal box", "packaging") puts things on a cereal box, for no bowl of cereal.
  if (onlyNameWord && profile.nameWords.length === 1 && kindOfItsTag(profile, onlyNameWord, promptWords) !== undefined)
    return undefined;
  // A one-word name for the task's head, of which a noun before it says which kind, draws its own kind: "kCuteTanks"
  // (tagged "vehicle") for no fish tank. Unless its tags or triggers say that noun too.
  if (
    profile.nameWords.length === 1 &&
    onlyNameWord &&
    adapter.category !== 'style' &&
    kindOfHead(task, words, head, onlyNameWord, adapter.category) &&
    !profile.phrases.some(
      (phrase) => phrase.kind !== 'name' && phrase.words.some((word) => covers(taskSet, word) && !related(word, head)),
    )
  )
    return undefined;
  // "the statue of liberty" is one statue, in lower case too: a name that says only "statue" is no evidence for it.
  if (profile.nameWords.every((word) => related(word, head)) && monumentIn(prompt ?? task, head)) return undefined;
  // A pose is taken by someone: a peace sign printed on a t-shirt is no hand making one. A trigger that describes a
  // body draws one: "submerged_water" ("shiny skin", "sweat") for no heart made of water.
  if ((adapter.category === 'pose' || drawsABody(profile)) && !namesSomeone(prompt ?? task)) return undefined;
  // An adapter tagged as someone draws her wherever its trigger is asked: "NightmarketCyberG" (tagged "anime girl",
  // trigger "night market") puts a cyber girl in a night market nobody asked one in. A garment is worn by whoever the
  // prompt has, a tag list's "long hair" or "navel" is someone, and so is who its name begins with ("Chi-Chi"). A style
  // trained on girls ("Cyberpunk Elements", tagged "girl") draws one too, unless the task asks for it by its whole name
  // ("a cat, line style").
  if (
    ((PERSON_TAG_CATEGORIES.has(adapter.category) &&
      (taggedAsAPerson(adapter) || profile.nameWords.includes('portrait'))) ||
      // An outfit named for who wears it dresses her: "Mecha Girls - by EDG" for no mecha of its own. So does one
      // named an outfit, unless the outfit is what is asked: "Star Wars sith outfit" puts a sith in "a spaceship,
      // star wars style", where "a star wars uniform" is the uniform.
      (adapter.category === 'clothing' &&
        (profile.nameWords.some((word) => PERSON_KIND_TAG.test(word)) ||
          (WHOLE_OUTFIT.test(adapter.name) && !WHOLE_OUTFIT.test(prompt ?? task))))) &&
    !namesSomeone(prompt ?? task) &&
    !describesSomeone(prompt ?? task) &&
    !calledByItsName(profile, promptWords) &&
    !(adapter.category === 'style' && coverage(profile, taskSet, prompt ?? task) === 1)
  )
    return undefined;
  // "no humans" (Danbooru's tag for a picture of nobody) leaves no one to dress or pose: "LASER - 镭射衣" (tagged
  // "clothing", "female") for no laser beam of a space battle.
  if (NO_HUMANS.test(prompt ?? task) && dressesSomeone(adapter)) return undefined;
  // Drawn with another medium than the task's: "pen sketch style" for no charcoal sketch.
  if (profile.media.length > 0 && words.some((word) => MEDIA.has(word)) && !profile.media.some((m) => taskSet.has(m)))
    return undefined;
  // "the eye of the storm" is no eye: the part of something that has no body.
  if (BODY_PARTS.has(head) && ownerOf(prompt ?? task, head) !== undefined) return undefined;
  // Someone's body part is no place: "SyFyEye1" (a planet like an eye, filed as a background) for no "brown eyes" of a
  // girl's tag list nor a woman's blue eyes.
  if (BODY_PARTS.has(head) && PLACE_CATEGORIES.has(adapter.category) && namesSomeone(prompt ?? task)) return undefined;
  // A garment is worn by someone: "two glasses of water" hold water, no eyes wear them ("Glasses LoRA"). Unless what
  // it is of is what the adapter draws too: "a suit of armor" (Parrley's Battle Suits, tagged "armor").
  // So is an object of what it holds: "a cartridge of ink" is an ink cartridge, no "Nintendo 64 Cartridge". A format
  // or a surface is of what it shows: "Icon of a red heart" is an icon, "a diffuse texture of mossy stone" a texture.
  const heldIn =
    adapter.category === 'object' && !asksForLookBy(head) && !SHOWN_AS.has(head) && !FRAMING_WORDS.has(head)
      ? ownerOf(prompt ?? task, head)
      : undefined;
  const wornBy = adapter.category === 'clothing' ? ownerOf(prompt ?? task, head) : heldIn;
  if (wornBy && !profile.phrases.some((phrase) => phrase.words.some((word) => wornBy.some((w) => related(w, word)))))
    return undefined;
  // How much of what the name says the task holds: a single word of a trigger or tag is not enough for an adapter
  // whose name is about something else ("FF14 Landscape and Cities" has the trigger "painting").
  // The style of one thing is that thing's look, no kind of it a noun before it names: "Line style" (line art) for no
  // finish line, "Street style" (a fashion) for no city street.
  if (adapter.category === 'style' && styleOfAnotherKind(profile, words, head)) return undefined;
  // A look said one way is no look of another: "dimly lit" for no "Lit" (tagged "bright", "overexposed").
  if (
    adapter.category === 'style' &&
    drawnWith !== undefined &&
    profile.nameWords.length === 1 &&
    qualifiedOtherwise(task, drawnWith, new Set(profile.phrases.flatMap((phrase) => phrase.words)))
  )
    return undefined;
  const nameCoverage = coverage(profile, taskSet, prompt ?? task);
  const depictsThings = THING_CATEGORIES.has(adapter.category);

  let best: Evidence | undefined;
  const consider = (score: number, reason: string) => {
    if (!best || score > best.score) best = { score, reason };
  };
  // A style named for a console's or a game's code is its look, for a task that writes the code: "PS1 Graphics v2" for
  // "a ps1 graphics car" (the code is no word to the phrases below).
  if (adapter.category === 'style' && profile.codes.length > 0) {
    const code = profile.codes.find((each) => codesOf(task).includes(each));
    if (code !== undefined) consider(STRONG, `its name says "${code}"`);
  }
  for (const phrase of profile.phrases) {
    if (!phrase.words.every((word) => covers(taskSet, word))) continue;
    // How someone looks ("blue eyes") describes; it is no evidence for an adapter that may draw a person of its own
    // (Civitai leaves many characters uncategorised: "Rem (Re:0)" has the trigger "blue eyes").
    if (!depictsThings && phrase.words.every((word) => APPEARANCE_WORDS.has(word))) continue;
    if (pieceOfOutfit(adapter, profile, phrase, nameCoverage, taskSet)) continue;
    // A trigger or tag that says how a picture is framed names nothing the adapter draws: "game icon" (trigger
    // "transparent_background") for no "HD Transparent background".
    if (phrase.kind !== 'name' && isCompositionTag(phrase.text.replace(/_/g, ' '))) continue;
    // A tag or trigger that names a kind of art is a look, for a prompt that asks for one: "ConceptART" (tagged
    // "environment concept art") for no "coffee machine, cluttered environment".
    if (phrase.kind !== 'name' && NAMES_ART.test(phrase.text.trim()) && !asksForALookIn(promptWords)) continue;
    // An uncategorised adapter tagged as someone draws whom its name says after its series: "Honkai Star Rail Bronya
    // Silver Wolf" (tagged "girl", "honkai star rail") for no March 7th of Honkai Star Rail.
    if (phrase.kind === 'tag' && taggedAsSomeone(adapter) && opensName(profile, phrase)) continue;
    // A tag or trigger that is what a part of the name says before its head is what the head is of or for: "1987
    // Action Figure Playset Packaging" (tagged "action figure") draws the box, for no action figure on a desk.
    // A style's head is how it is made ("PE Funko Pop Diffusion Style", tagged "funko pop"), no other thing.
    if (phrase.kind !== 'name' && depictsThings && beforeHeadOfName(profile, phrase, taskSet)) continue;
    // A tag of a garment that names no garment says where it is worn: "Clothes Spacesuit" (tagged "outer space")
    // dresses nobody in a light bulb in outer space.
    if (adapter.category === 'clothing' && phrase.kind === 'tag' && !namesGarment(profile, phrase)) continue;
    // An outfit is worn: named by words of the task that describe a thing it never says, it dresses no one where the
    // prompt names nobody ("snow white" for no "snow white horse", still for a "snow white dress").
    if (
      adapter.category === 'clothing' &&
      !profile.phrases.some((other) => other.words.some((word) => related(word, head))) &&
      !namesSomeone(prompt ?? task)
    )
      continue;
    const quoted = `"${phrase.text.slice(0, 60)}"`;
    if (phrase.words.length >= 2) {
      // Two or more words together: unless each is a word that half the catalog uses ("anime girl"). Still the whole
      // name of a thing or a style that its trigger says again, as its maker asks it to be written: "armored dress",
      // "Cartoon portrait".
      if (
        phrase.words.every((word) => rarity.isCommon(word) || FRAMING_WORDS.has(word)) &&
        !namedAndTriggeredSo(adapter, profile, phrase)
      )
        continue;
      // A look the tag of a thing or a concept says in more words is how it looks too: "chinese dragon" (tagged "ink
      // painting") brings no dragon into a Chinese ink painting of a crane. A whole prompt of one genre is still drawn.
      if (
        !soleTask &&
        phrase.kind !== 'name' &&
        THING_CATEGORIES.has(adapter.category) &&
        phrase.words.every(namesAGenreOrLook)
      )
        continue;
      // A trigger or a tag that shares no word with the name lists what else comes with it, not what it is:
      // "Stylized Ruins" (trigger "blue_sky") is no blue sky, "Colorful Mix" (trigger "wavy hair") no hairstyle,
      // "Dragon Ball KI Charge" (trigger "fighting stance") no stance of its own.
      if (phrase.kind !== 'name' && nameCoverage === 0 && !sharesNameWord(profile, phrase)) continue;
      // A later part of the name says in other words what its first part is, when its trigger says that part alone:
      // "Qipao/Cheongsam Traditional Dress" (trigger "qipao") is a qipao, for no traditional dress of Pocahontas.
      // Unless that part says whose it is by a people's word, as a "chinese dress" would.
      if (
        phrase.kind === 'name' &&
        coinedFirstPart(profile, taskSet) &&
        profile.nameSegments.slice(1).some((segment) => phrase.words.every((word) => segment.includes(word))) &&
        !phrase.words.some((word) => LOOK_ORIGINS.has(word) || NAMED_LOOKS.has(word))
      )
        continue;
      consider(STRONG, `matches ${phrase.kind === 'name' ? 'its name' : KIND_LABEL[phrase.kind]} ${quoted}`);
      continue;
    }
    const word = phrase.words[0] ?? '';
    // A word in -ing is what is done with its root, no thing of it: "perfect lighting" is how a picture is lit, no
    // "Birch Light" (tagged "light": light through a birch wood); "a painting" is no paint splash.
    if (depictsThings && onlyItsDoing(taskSet, word)) continue;
    // A tag that files the adapter by its kind says what kind it is, not what it draws: "Mirror Selfie Pose" (tagged
    // "poses") takes a selfie in a mirror, for no "cute pose".
    if (phrase.kind !== 'name' && KIND_LABELS.has(word)) continue;
    // A look or a genre the tag of a place, a thing or a concept says is how it looks: "Goth Gals" (tagged "gothic")
    // dresses no one for an oil painting "in the style of American Gothic", "RZ - MK Ultra" (gynoids, tagged "scifi")
    // builds none into a "scifi" coffee machine.
    if (phrase.kind !== 'name' && THING_CATEGORIES.has(adapter.category) && namesAGenreOrLook(word)) continue;
    // A word many adapters share is still evidence where it is what both the task and the name are about, and the
    // trigger to write for it: "dragon" (common for Dragon Ball's cast) for "Western Dragon Collection" (trigger
    // "dragon") and "a dragon"; not a tag "buildings" for every architecture render, nor a style of dragons that
    // would restyle an oil painting of one.
    const triggeredHead =
      phrase.kind === 'trigger' &&
      adapter.category !== 'style' &&
      isDistinctive(word, NO_RARITY) &&
      namesWhatBothAreAbout(profile, word, head);
    if (!isDistinctive(word, rarity) && !triggeredHead) continue;
    // A style named by one word restyles the whole image: only for what the task is about, a look, or a whole prompt
    // ("On Fire" is no fire hydrant, "MetalAI" no metal chair; "Chinese Style" still for a Chinese painting).
    // A word that only describes is no thing to restyle for, even when it ends the task: "flying low" asks for no
    // "LowRA" (a low-key look).
    if (adapter.category === 'style' && !asksForLookBy(word) && !asksForLookAs.has(word) && describes(word)) continue;
    // So is one whose art is made of the word, for a thing the task makes of it: "a balloon dog in a park".
    const restylesForWord =
      adapter.category !== 'style' ||
      soleTask ||
      related(word, head) ||
      asksForLookBy(word) ||
      asksForLookAs.has(word) ||
      (madeOf === word && makesOf(words, word, adapter));
    if (
      phrase.kind === 'name' &&
      ((profile.nameWords.length === 1 && profile.shortHeads.length === 0) || profile.labelledName === word) &&
      restylesForWord &&
      (adapter.category === 'character' || !namesSomethingElse(task, word)) &&
      // "hand-drawn" says how a picture was made: no "k Hand Mix 101" for it.
      !saysHowMade(task, word)
    ) {
      consider(STRONG, `matches its name ${quoted}`);
      continue;
    }
    // The head written together with the word before it is the head too: "karaoke room" asks for "karaokeroom".
    if (!related(word, head) && word !== compoundHead) continue;
    if (
      phrase.kind === 'name' &&
      depictsThings &&
      profile.nameSegments.some(
        (segment) => saysOnly(segment, word) && !qualifiedElsewhere(profile, segment, prompt ?? task),
      ) &&
      !KIND_LABELS.has(word) &&
      // A genre is a label, no thing it draws: "zyd232's Cybernetic Jawless LoRA | Cyberpunk | Body Modification"
      // gives no jawless cyborg to any cyberpunk picture.
      !namesAGenreOrLook(word) &&
      // Where it comes from is no thing it draws: "Samurai Armor (Japan)" for no street in Shibuya, Japan.
      originOf(word) === undefined &&
      // A part after a dash or a colon is a part of what the name began with: "Backrooms - Level 0 : "The Lobby"" is
      // the Backrooms' lobby, no bank's. A part after a slash says it in other words ("Pallas's cat/manul").
      !profile.subParts.some((segment) => saysOnly(segment, word) && otherThingNamed(profile, taskSet, word)) &&
      // A later part says what the first is for, when the first is one coined word its trigger says alone:
      // "Sitcrossleg (legs/shoes concept/helper)" sits cross-legged, it draws no pair of shoes. (A later part of a
      // longer or a dictionary name may say it in other words: "Pallas's cat/manul", "ins style,still life".)
      !profile.nameSegments.slice(1).some((segment) => saysOnly(segment, word) && coinedFirstPart(profile, taskSet)) &&
      // A later part says which kind of it, where the task says a kind of its own: "Table Rpg / D&D Maps - #10 - World
      // map" for no "d&d tavern map".
      !otherKindNamed(profile, words, taskSet, head)
    ) {
      // A part of the name on its own says what it draws: "Diffusion Marble (Swords)", "JR East 205 series / train
      // interior" (where it is shown is no other thing).
      consider(WEAK, `its name "${adapter.name.slice(0, 60)}" says ${quoted}`);
      continue;
    }
    if (
      adapter.category === 'style' &&
      phrase.kind === 'name' &&
      word.length >= 4 &&
      !isDictionaryWord(word) &&
      !asksForLookBy(word)
    ) {
      // An artist the task asks for by name ("Monet style" for "Claude Monet/Oscar-Claude Monet style"). Not a
      // character: "Mona Lisa" names no Lisa Simpson, and characters have their own naming rule. Nor a look the
      // dictionary lacks: "emoji" names no artist, and "Blue Archive Emoji style" is a game's emoji for any emoji.
      consider(WEAK, `its name "${adapter.name.slice(0, 60)}" names ${quoted}`);
      continue;
    }
    if (phrase.kind === 'name') {
      // One word of a longer name: only when the task holds most of the name, not "Fight Posing (Trained on Matrix
      // Movies)" for a train.
      // Half of a two-word name needs a tag or trigger with the same word behind it ("Stone Statue" has the
      // trigger "stone_statue"): "print" alone does not make "Albumen Print" a woodblock print.
      const backed = profile.phrases.some(
        (other) => other.kind !== 'name' && other.words.some((otherWord) => related(otherWord, word)),
      );
      // and only for a task of one word: "Union Suits" is no space suit; and only the word the name is about, its
      // last: "Sunrise Stance" is a stance, not a sunrise.
      // Its last word, and the head of its part: "Waifu on Motorcycle" is about a waifu, "Hand on Another's Cheek"
      // about a hand on a cheek.
      const isNameHead =
        related(profile.nameWords[profile.nameWords.length - 1] ?? '', word) &&
        profile.segmentHeads.some((head) => related(head, word));
      // A style's name part that is one look alone, said by its tags or triggers too, is its look: "Claymation -
      // miniature" for "a claymation character".
      const lookPart =
        adapter.category === 'style' &&
        backed &&
        asksForLookBy(word) &&
        profile.nameSegments.some((segment) => segment.length === 1 && segment[0] === word);
      // The other half of a style's or a franchise's name is what it is ("South Park Style" is no park, "Strike
      // Witches" no witch), where a thing's is a kind or a maker ("EdobHorse", "Very Nice Forest"): a style only
      // when that thing is all the prompt asks for ("a statue": "Stone Statue").
      // Clothing is what its name ends in: "Star Wars jedi outfit" dresses no stormtrooper of a "star wars" prompt.
      const promptTerms = prompt === undefined ? taskSet : viewOf(prompt).set;
      // A head that says only "clothes" leaves the garment to the words before it: "Pelvic Curtain Dresses".
      const garmentUnasked =
        adapter.category === 'clothing' &&
        nameCoverage < 1 &&
        !profile.segmentHeads.some(
          (head) => GARMENT_WORDS.has(head) || [...promptTerms].some((promptWord) => related(promptWord, head)),
        );
      if (
        (nameCoverage > 0.5 && !garmentUnasked) ||
        lookPart ||
        (nameCoverage === 0.5 &&
          (depictsThings || soleTask) &&
          backed &&
          isNameHead &&
          !(depictsThings && describedKind(profile, word)) &&
          words.filter((w) => !FILE_WORDS.has(w)).length === 1 &&
          otherThingNamed(profile, taskSet, word) === undefined)
      )
        consider(WEAK, `its name "${adapter.name.slice(0, 60)}" says ${quoted}`);
      continue;
    }
    // A trigger or tag word: most of the name is in the task too, or the task is that one thing and the word is in
    // the name, or the adapter draws things (an object, an animal, a place) and its name is no help. A style whose trigger happens to be the
    // task's noun ("DruidMagicAI" with the trigger "forest") would bring in its own look.
    // In the name as what it draws: the last word of a part of the name ("EdobHorse", "Thin round glasses"), not a
    // word that says which one ("Pipe Dreams" are no pipe, "Sailor Moon Outfit" dresses no sailor).
    const inName = profile.segmentHeads.some((last) => related(last, word) || joinedWith(last, word));
    // Without the name's support, one tag word is enough only when it is the whole task ("rain", "a horse"): a tag
    // "tree" does not make "Night" a cherry blossom tree, nor a tag "painting" an outfit an oil painting. One colour
    // says which colour the thing is, no other kind of it: "a black dragon" is still the dragon "Western Dragon
    // Collection" is triggered by. (A tag is no trigger: "Loose socks", tagged "socks", are no white socks; "black and
    // white" is a look.)
    const colourOfTriggered =
      phrase.kind === 'trigger' && related(word, head) && words.filter((w) => COLOUR_WORDS.has(w)).length === 1;
    const wholeTask =
      words.filter(
        (taskWord) =>
          !FILE_WORDS.has(taskWord) &&
          !LOOK_NAMING_WORDS.has(taskWord) &&
          !(colourOfTriggered && COLOUR_WORDS.has(taskWord)),
      ).length === 1;
    // A thing whose name says something else ("Kanzashi" with the trigger "flower", "Kamehameha" tagged "comics")
    // draws that something else; only a name that says nothing a prompt could hold ("JK制服") leaves it to the tags.
    const nameSaysNothing = profile.nameWords.length === 0;
    // Half the name is enough when it is the half the name is about, its head or a look ("Watercolor Dream"):
    // "Sailor Moon Outfit" (trigger "sailor outfit") dresses no old sailor.
    const saysALook = LOOK_WORDS.has(word) || NAMED_LOOKS.has(word);
    // Part of the name only, where the rest names a thing of its own, draws that thing: see otherThingNamed.
    const partOfName = () => otherThingNamed(profile, taskSet, word) === undefined;
    // A style tagged with the distinctive look the task asks for by name ("jojo style", "simpsons style") is that
    // look: "JoJo Style v2" (tagged "jojo"), whose name is no word of it, "SimpStyle" (tagged "simpsons").
    const lookTagged =
      adapter.category === 'style' &&
      phrase.kind === 'tag' &&
      asksForLookAs.has(word) &&
      // A look any card may be tagged with says no look of its own: "chinese style" for no "GameIconResearch_gourd".
      !asksForLookBy(word) &&
      !namesAGenreOrLook(word) &&
      isDistinctive(word, rarity);
    if (
      lookTagged ||
      nameCoverage > 0.5 ||
      (nameCoverage === 0.5 && (inName || saysALook) && partOfName()) ||
      (wholeTask &&
        ((inName && partOfName()) ||
          (depictsThings && nameSaysNothing) ||
          (adapter.category === 'background' &&
            phrase.kind === 'tag' &&
            placeOf(profile, word) &&
            !saysMoreAfter(taskText, task))))
    )
      consider(WEAK, `matches ${KIND_LABEL[phrase.kind]} ${quoted}`);
  }
  // Clothing named for whom it dresses ("Tibetan style clothing") dresses the people a task names so: "Tibetan
  // priests". All its name but the kind label, so a Tibetan dress is no pick for any Tibetan thing.
  if (
    !best &&
    adapter.category === 'clothing' &&
    nameCoverage === 1 &&
    profile.nameWords.some((word) => KIND_LABELS.has(word)) &&
    describesPeople(head)
  )
    consider(WEAK, `its name "${adapter.name.slice(0, 60)}" dresses the ${head}`);
  // A thing its name says is made in a craft, for a thing the task makes in that craft: "Amigurumi.Redmond Crochet" for
  // "a crochet bunny" (a crochet toy of any animal), where its name says no bunny.
  const craft = craftOfThing(words, head, adapter);
  if (craft !== undefined) consider(WEAK, `its name "${adapter.name.slice(0, 60)}" makes things in ${craft}`);
  // A style changes the look of the whole image: one shared word picks it only for a part of the prompt that asks
  // for a look ("watercolor", "pixel art", "cyberpunk style"), or when the thing is all the prompt asks for ("a
  // sword"); never for one thing of a scene (a girl reading "a book" gets no game-icon style).
  const found = best as Evidence | undefined;
  // A costume is someone's outfit: asked for by a whole part of its name, in the prompt. "Little Red Cap / Little Red
  // Riding Hood" (tagged "cosplay", "costume") dresses no commander in a "sailor red cap" as the fairy tale's girl.
  if (
    found &&
    adapter.category === 'clothing' &&
    (adapter.tags.some((tag) => COSTUME_TAG.test(tag)) ||
      (COSTUME_LABEL.test(adapter.name) && OF_SOMEONE.test(adapter.name))) &&
    !profile.nameSegments.some((part) => part.length > 0 && part.every((word) => covers(promptWords, word)))
  )
    return undefined;
  // An outfit named for a place its tags never say, by a word they do, is a maker's collection of that word: "Hair
  // Salon - by EDG" (tagged "hair", "hairstyle") does someone's hair, for no picture of a hair salon with nobody in it.
  if (found && adapter.category === 'clothing' && namedForWhereWorn(profile) && !namesSomeone(prompt ?? task))
    return undefined;
  // A thing or a concept its tags call surreal draws a surreal picture, for a prompt that asks for one or for that
  // thing alone: "Envy Send Noodles XL" (tagged "noodles", "surreal") for no bowl of noodles with chopsticks. (One
  // that makes its subject of something has its own rule: transformsUnasked.)
  if (
    found &&
    !soleTask &&
    THING_CATEGORIES.has(adapter.category) &&
    !profile.transformsSubject &&
    looksOf(adapter.tags.join(', ')).includes('surreal') &&
    !askedLooks(prompt ?? task).has('surreal')
  )
    return undefined;
  // Where on a body its name puts a thing is where it is drawn: "Back Tattoo" for no tattoo on an arm.
  if (found && adapter.category !== 'character' && onAnotherPart(adapter, promptWords)) return undefined;
  // A thing its tags file as a game's assets draws a sheet of them: "Atlas" (tagged "game props", "textures") is a
  // texture atlas, for no old atlas on a desk, "Pecha Swords Generator" (tagged "assets") no knight's long sword. Still
  // for a game's look or format (an icon), an asset asked for, or that thing alone ("a sword").
  if (
    found &&
    !soleTask &&
    THING_CATEGORIES.has(adapter.category) &&
    adapter.tags.some((tag) => ASSET_TAG.test(tag)) &&
    ![...askedLooks(prompt ?? task)].some((look) => ASSET_LOOKS.has(look)) &&
    ![...promptWords].some((word) => ASSET_WORDS.has(word))
  )
    return undefined;
  // An adapter is what its name begins with: "Bloodstained - Vector / illustrative" is a bloodstained look (red and
  // black) for no vector illustration whose prompt does not ask for it, "Knife Wielding - Dynamic Poses" a knife fight.
  const lead = profile.leadWords.filter((word) => !KIND_LABELS.has(word));
  const promptSet = prompt === undefined ? taskSet : viewOf(prompt).set;
  // An uncategorised adapter tagged as someone is who its name begins with: "Chi-Chi - Dragon Ball" (tagged "anime
  // girl") is Chi-Chi, for no prompt that names only Dragon Ball.
  const leadSaysWhat =
    adapter.category === 'style' ||
    THING_CATEGORIES.has(adapter.category) ||
    taggedAsSomeone(adapter) ||
    // Uncategorised, it is who or what its name begins with too: "Nurse Joy - Pokemon" (trigger "pokemon") for no
    // "pokemon style" of a dog.
    adapter.category === 'other';
  if (found && leadSaysWhat && lead.length > 0 && !lead.some((word) => covers(promptSet, word))) return undefined;
  // A thing of a series is what its name says before the series' name in brackets: "Eva 01 (Evangelion)" is no pick
  // for an "evangelion" tag beside Asuka. (A kind in brackets is what it draws: "Diffusion Marble (Swords)".)
  if (
    found &&
    adapter.category !== 'character' &&
    adapter.category !== 'style' &&
    thingOfAnUnaskedSeries(adapter, promptSet)
  )
    return undefined;
  // A style named after the thing asked for ("Stone Statue", "Yarn Style") brings that thing's look, nothing else;
  // named after half of it, it brings the other half too ("Broken Glass" for a glass of wine).
  // What a name says after its preposition is where or which: "Reflections on water" is named for a reflection.
  // Its tags' looks must be the prompt's, if the prompt asks for any: a photographic "Reflections on water" is no
  // reflection in a watercolor.
  const namedForTask =
    nameCoverage === 1 ||
    (profile.namedThing.length > 0 &&
      profile.namedThing.every((word) => covers(taskSet, word)) &&
      tagLooksFit(adapter, prompt));
  const asksForLook =
    soleTask ||
    namedForTask ||
    asksForLookAs.size > 0 ||
    words.some((word) => LOOK_WORDS.has(word) || NAMED_LOOKS.has(word));
  if (found && found.score < STRONG && adapter.category === 'style' && !asksForLook) return undefined;
  // A style named for where a look comes from ("Underwater - Style") brings the medium its tags state: an anime one
  // for no shark underwater that asks for no anime.
  if (
    found &&
    adapter.category === 'style' &&
    profile.nameWords.length > 0 &&
    profile.nameWords.every((word) => LOOK_ORIGINS.has(word)) &&
    !tagLooksAsked(adapter, prompt ?? task)
  )
    return undefined;
  const asksForALook = words.some((word) => LOOK_WORDS.has(word) || NAMED_LOOKS.has(word));
  // A photographic place or thing fights a prompt drawn or painted: no photorealistic "図書館 library" for "a cozy
  // library, watercolor".
  if (found && adapter.category !== 'style' && prompt !== undefined && photoInADrawnPrompt(adapter, profile, prompt))
    return undefined;
  // And the other way: an abstract or drawn thing found by a word of its tags fights a photo ("EdobCar" for no "car
  // in the rain, photo"); one the prompt asks for by its name, or a proper name of it, is what the member wants
  // realistic ("Rem (Re:0)", "Eva 01 (Evangelion)").
  if (
    found &&
    found.score < STRONG &&
    adapter.category !== 'style' &&
    prompt !== undefined &&
    !profile.properWords.some((word) => promptWords.has(word)) &&
    (drawnInAPhotoPrompt(adapter, profile, prompt) || abstractUnasked(adapter, profile, prompt))
  )
    return undefined;
  // A style named for where a look comes from is no pick for a thing from there: "Chinese Style" (古风) for a Chinese
  // painting or a tag list's "chinese", no "chinese dragon" or "chinese restaurant".
  if (
    found &&
    adapter.category === 'style' &&
    words.length > 1 &&
    !words.some((word) => (LOOK_WORDS.has(word) || NAMED_LOOKS.has(word)) && !LOOK_ORIGINS.has(word)) &&
    asksForLookAs.size === 0 &&
    profile.nameWords.some((word) => PEOPLES.has(word)) &&
    profile.nameWords.every((word) => PEOPLES.has(word) || LOOK_NAMING_WORDS.has(word))
  )
    return undefined;
  // A style named for a thing by a blend, of a prompt that asks for a look elsewhere, must draw in that look:
  // "Insanobot" (a detailed robot) for no robot of an oil painting, nor of graffiti.
  const blended = profile.blendOf !== undefined && prompt !== undefined && !asksForALook;
  if (found && adapter.category === 'style' && blended && !lookFits(adapter, profile, prompt)) return undefined;
  // "vintage" or "retro" before a thing says how old the thing is ("a vintage car", "a vintage photo"): a style of
  // that name whose tags draw in a look the prompt does not ask for ("Vintage - Style", an anime illustration)
  // restyles the picture.
  // Not a style named for all the task says, its thing and age: "Vintage Postage Stamps" for a vintage postage stamp,
  // or a vintage stamp (its name says the age and the thing, whatever kind of stamp it adds). The thing may be the
  // noun whose part the head is: "Vintage Magazine Style" for a vintage magazine cover.
  const ownerNoun = words.length >= 2 && words.at(-1) === head ? words.at(-2) : undefined;
  const namedForAgedThing =
    profile.nameWords.some(
      (word) => related(word, head) || (ownerNoun !== undefined && related(word, ownerNoun) && !saysAge([word], head)),
    ) &&
    (namedForTask || profile.nameWords.some((word) => word !== head && words.includes(word) && saysAge([word], head)));
  if (
    found &&
    adapter.category === 'style' &&
    saysAge(words, head) &&
    !namedForAgedThing &&
    !tagLooksFit(adapter, prompt ?? task)
  )
    return undefined;
  // The look the task asks for must be the style's own, unless the style is named for the task or is all the prompt.
  const weakStyle = found !== undefined && found.score < STRONG && adapter.category === 'style';
  if (weakStyle && !soleTask && !namedForTask && asksForOtherLook(profile, words)) return undefined;
  // A style named for a kind of thing is that kind's look: "Broken Glass", "Stained Glass" for a wine glass bring
  // the shards and the lead lines. A task that asks for a look ("vector illustration") takes a flavour of it.
  if (
    found &&
    found.score < STRONG &&
    adapter.category === 'style' &&
    !asksForALook &&
    bringsRestOfName(profile, taskSet)
  )
    return undefined;
  // A thing its tags call by its whole name, a kind of what the task asks for, is that kind: "Snake Eyes" (tagged
  // "snake eyes", slit pupils) for no eye. A word that describes says how it looks ("Round glasses"), no other thing.
  // A thing whose triggers and tags list two kinds or more of what the task asks for ("blind mask", "halo mask", "crown
  // mask") is none of another kind the task names and it never says: "BlindMask" for no gas mask, "EdobHorse" for no
  // wooden toy horse. A colour or a look says how it is, no kind ("black mask").
  if (
    found &&
    found.score < STRONG &&
    adapter.category !== 'style' &&
    adapter.category !== 'character' &&
    (bringsRestOfName(
      profile,
      taskSet,
      (kind) =>
        ((isNoun(kind) || knownNoun(words[words.length - 2])) && asksAnotherKind(task, words, head, profile)) ||
        (isNoun(kind) && (taggedWith(profile, kind) || calledOtherwise(profile, promptSet) !== undefined)),
    ) ||
      listsOtherKinds(profile, words, head) ||
      oneOtherKind(profile, words, head))
  )
    return undefined;
  // A style named for one kind of what the task asks is no other kind: "game icon" (RPG items) for no "app icon".
  if (found && found.score < STRONG && adapter.category === 'style' && namesAnotherKind(profile, words, head))
    return undefined;
  return found;
}

function isDistinctive(word: string, rarity: WordRarity): boolean {
  return (
    word.length >= 3 &&
    !rarity.isCommon(word) &&
    !FRAMING_WORDS.has(word) &&
    !COLOUR_WORDS.has(word) &&
    !isStopword(word)
  );
}

/** Adapters that draw a place or a thing of their own, no look: see evidenceFor. */
const DRAWS_PLACES_OR_THINGS = new Set<Adapter['category']>([
  'object',
  'animal',
  'background',
  'building',
  'vehicle',
  'clothing',
]);

/** Where looks come from that are peoples' words: a "chinese dragon" is a dragon of China's, no Chinese painting. */
const PEOPLES = new Set(
  'chinese japanese korean indian egyptian greek roman persian arabic nordic celtic aztec mayan african'.split(' '),
);

/** Tags that file an outfit as someone's: see evidenceFor. */
const COSTUME_TAG = /^\s*(?:cosplay|costumes?)\s*$/i;
/**
 * A bracketed label of a name that files it as a costume, where the name says whose it is: "【Costume】【Cosplay】Sweater
 * Dress of Yor". Labelled alone it is a garment: "【Costume】Oekakizuki's China Dress" for any china dress.
 */
const COSTUME_LABEL = /[【[]\s*(?:cosplay|costumes?)\s*[】\]]/i;
const OF_SOMEONE = /\bof\s+\p{Lu}/u;

/** Tags that file a thing as a game's assets: "assets", "game props", "textures". */
const ASSET_TAG = /^\s*(?:game\s+)?(?:assets?|props?|sprites?|textures?)\s*$/i;

/** Looks of a game's assets: a game's look, an icon ("Icon of a red heart"), a sprite, a map. */
const ASSET_LOOKS = new Set(['game', 'icon', 'sprite', 'map', 'tabletop']);

/** Words of a prompt that ask for a game's assets. */
const ASSET_WORDS = new Set(['asset', 'prop', 'sprite', 'texture', 'spritesheet', 'tileset']);

/** Adapters that draw what is done: see evidenceFor. */
const DOINGS = new Set<Adapter['category']>(['pose', 'action', 'concept']);
