import type { Adapter } from '../catalog/adapter.js';
import { containsPhrase, lemmas } from '../catalog/classify/words.js';
import { isStopword, rawTokens } from '../catalog/text.js';
import { type AdapterProfile, type Phrase, profileOf } from './adapter-profile.js';
import { isDictionaryWord } from './dictionary.js';
import { joinedWith } from './evidence-kinds.js';
import { describesPeople, PEOPLE_WORDS } from './evidence-people.js';
import {
  asksForLookBy,
  covers,
  coversName,
  DESCRIBES,
  doesSomething,
  isNoun,
  KINDS_OF_THINGS,
  related,
  STUDIO_LOOKS,
  taskWords,
  viewOf,
} from './evidence-text.js';
import {
  APPEARANCE_WORDS,
  FILE_WORDS,
  FRAMING_WORDS,
  KIND_LABELS,
  LOOK_ORIGINS,
  LOOK_WORDS,
  NAMED_LOOKS,
} from './evidence-words.js';
import { DRAWING_TOOLS, describes } from './name-readings.js';
import { lexiconClass } from './segment.js';

/**
 * What an adapter's name and its own phrases say, for the evidence rules (evidence.ts): a proper name the task lacks
 * (foreignNameIn), a pose's relation, a user's handle, which part of the name a phrase is, a piece of an outfit, and
 * another thing the name is about. Apart from evidenceFor so that the rules about names read as one.
 */

/** Words that relate a pose's parts: "hand to own mouth", "Hand on Own Arm". */
const POSE_RELATIONS = new Set(['to', 'on', 'in', 'over', 'under', 'behind', 'against', 'across', 'around', 'between']);

/**
 * Whether `promptWords` hold what the first part of a pose's name relates its thing to, after its relation word
 * ("mouth" of "hand to own mouth"), or the name relates nothing.
 */
export function relationAsked(name: string, promptWords: ReadonlySet<string>): boolean {
  const first = lemmas(name.split(NAME_PART_END)[0] ?? '');
  const at = first.findIndex((word, index) => index > 0 && POSE_RELATIONS.has(word));
  if (at < 0) return true;
  const rest = first
    .slice(at + 1)
    .filter((word) => !isStopword(word) && !WHOSE.has(word) && !KIND_LABELS.has(word) && !FILE_WORDS.has(word));
  return rest.every((word) => covers(promptWords, word));
}

/** Words that say whose a part of the body is: "own", "another's". */
const WHOSE = new Set(['own', 'another', "another's", 'other']);

/** Where the first part of a name ends: "Hand on Own Arm | Pose". */
const NAME_PART_END = /[|/\\()[\]【】（）:：,，]|\s-\s/u;

/**
 * Words that say from where a thing is seen, not another thing: "train interior" is a train. Not "background" (a
 * "Newspaper Background" is a backdrop printed like a newspaper, no newspaper to read), nor "photo" ("photo studio").
 */
const VIEW_WORDS = new Set(['interior', 'exterior', 'view']);

/** Whether a part of the name is qualified by a stopword ("still life") that `task` does not write with it. */
export function qualifiedElsewhere(profile: AdapterProfile, segment: readonly string[], task: string): boolean {
  const written = profile.qualifiedParts.get(segment);
  return written !== undefined && !containsPhrase(lemmas(task), written);
}

/** Whether a part of a name says `word` and nothing else but from where it is seen ("train interior"). */
export function saysOnly(segment: readonly string[], word: string): boolean {
  const content = segment.filter((part) => !VIEW_WORDS.has(part));
  return content.length === 1 && content[0] === word;
}

/** Whether `word` is the task's head and the head of a part of the adapter's name, no appearance word ("hair"). */
export function namesWhatBothAreAbout(profile: AdapterProfile, word: string, head: string): boolean {
  return (
    related(word, head) &&
    !APPEARANCE_WORDS.has(word) &&
    profile.segmentHeads.some((segmentHead) => related(segmentHead, word))
  );
}

/** A user's handle as a name opens with it: letters and two digits or more ("rei_17/零/老累 style"). */
const HANDLE = /^\s*(\p{L}{2,})[_-]?(\d{2,})(?![\p{L}\d])/u;

/** Whether `taskSet` holds the letters of the handle a name opens with, and `prompt` never writes its digits. */
export function handleNamedWithoutDigits(name: string, taskSet: ReadonlySet<string>, prompt: string): boolean {
  const handle = HANDLE.exec(name);
  if (!handle) return false;
  const [, letters = '', digits = ''] = handle;
  return taskSet.has(letters.toLowerCase()) && !new RegExp(`${letters}[\\s_-]?${digits}`, 'iu').test(prompt);
}

/** Categories of adapters that draw a thing, a creature or a place rather than a look or a person. */
export const THING_CATEGORIES = new Set<Adapter['category']>([
  'object',
  'animal',
  'background',
  'building',
  'vehicle',
  'concept',
  'clothing',
  'pose',
  'action',
]);

/**
 * The word of a style, character or uncategorised adapter's name that is no dictionary word (an artist: Frazetta;
 * a character: Kiriko; a franchise: Genshin) and that the task does not hold, if any. Things may carry a brand or a
 * maker's prefix ("MAZDA MX-5", "EdobHorse"): a Mazda is still a car.
 */
export function foreignWord(
  profile: AdapterProfile,
  taskSet: ReadonlySet<string>,
  category: Adapter['category'],
  /** Words the task asks for as a look ("piece" of "one piece style"). */
  asLooks: ReadonlySet<string> = new Set(),
  /** The words of the whole prompt the task is part of. */
  promptSet: ReadonlySet<string> = taskSet,
): string | undefined {
  // A thing in an artist's style brings the artist along: "画师JW/huashiJW Style (for sky backgrounds)".
  if (THING_CATEGORIES.has(category)) {
    if (profile.artist && !covers(taskSet, profile.artist)) return profile.artist;
    // A thing its own trigger or tag calls a style by its whole name is a look of that name, asked for whole: "Elden
    // Ring LoRA Extraction" (trigger "elden ring style", filed as a background) is a game's look, for no boxing ring.
    const unnamed = profile.nameWords.find((word) => !covers(taskSet, word));
    if (unnamed !== undefined && calledAStyle(profile)) return unnamed;
    // A proper name its own tags give as what it is ("Battlestar galactica suits", tagged "battlestar galactica") is a
    // show's or a brand's: it draws that show's uniforms, no suit for "a man in a suit and tie".
    return (
      profile.properWords.find((word) => !covers(taskSet, word) && taggedAsName(profile, word, taskSet)) ??
      taggedOpening(profile, taskSet, promptSet)
    );
  }
  // A style of something is that thing's look: "Ocarina of Time Style (Low Poly)" is a game's low poly, "Peanuts
  // Comics (Art Style)" one comic strip's, "architecture watercolor style" a building's. It comes only with what it
  // is the style of asked for, unless that is itself a look ("Pixel Art style", "Chinese style").
  // A studio's name is a look: "Studio Ghibli Style" for "ghibli style".
  // A name shortened from the look its card is tagged with and the task asks for is that look: "SimpStyle" (tagged
  // "simpsons") for "simpsons style".
  const unasked = profile.styleOf.filter(
    (word) =>
      !LOOK_WORDS.has(word) &&
      !NAMED_LOOKS.has(word) &&
      !STUDIO_LOOKS.has(word) &&
      !(category === 'style' && shortenedLookAsked(profile, word, asLooks)),
  );
  // One of its words asked for is enough ("Claude Monet/Oscar-Claude Monet style" for "Monet style"); what it
  // describes ("Dreamy Vector Style") or a drawing tool ("pen sketch style") says how, not of what.
  if (!unasked.some((word) => covers(taskSet, word))) {
    const thing = unasked.find((word) => !LOOK_ORIGINS.has(word) && !DRAWING_TOOLS.has(word) && !describes(word));
    if (thing) return thing;
  }
  // A part of the name the task holds whole makes the rest a maker's or a series' label: "Watercolor Painting
  // (vizsumit)" for a watercolor painting.
  // The first part, or one asked for as a look: after a name, a part is its series ("Eiichirou Oda (One Piece)
  // Style" is the artist's, for "one piece style", for no one-piece swimsuit).
  if (
    category === 'style' &&
    profile.nameSegments.some(
      (segment, index) =>
        segment.every((word) => covers(taskSet, word)) &&
        (index === 0 || segment.some((word) => asksForLookBy(word) || asLooks.has(word))),
    )
  )
    return undefined;
  const proper = profile.properWords;
  // "Claude Monet style" for "Monet style": the task names the artist.
  if (proper.some((word) => coversName(profile, taskSet, word))) return undefined;
  if (category === 'style' && proper.some((word) => shortenedLookAsked(profile, word, asLooks))) return undefined;
  return proper[0];
}

/** Whether `word` of a style's name opens a one-word tag of its card that the task asks for as a look. */
function shortenedLookAsked(profile: AdapterProfile, word: string, asLooks: ReadonlySet<string>): boolean {
  return (
    word.length >= 4 &&
    profile.phrases.some(
      (phrase) =>
        phrase.kind === 'tag' &&
        phrase.words.length === 1 &&
        phrase.words.some((tag) => tag.startsWith(word) && asLooks.has(tag)),
    )
  );
}

/** A phrase that names a style: "elden ring style", "ghibli art style". */
const NAMES_A_STYLE = /\s(?:art\s*)?style$/i;

/** Whether a trigger or tag of the adapter is its name's words and "style": "elden ring style" of "Elden Ring". */
const calledAStyle = (profile: AdapterProfile) =>
  profile.nameWords.length > 0 &&
  profile.phrases.some(
    (phrase) =>
      phrase.kind !== 'name' &&
      NAMES_A_STYLE.test(phrase.text.trim()) &&
      phrase.words.length === profile.nameWords.length &&
      phrase.words.every((word, index) => profile.nameWords[index] === word),
  );

/** The shortest a name part run together may be: "puyopuyo"; "tiger" of "ti ger" would be a word of its own. */
const MIN_RUN_TOGETHER = 6;

/**
 * The part of a style's or a thing's name of two words or more, written apart, that `written` (a text's tokens) holds as
 * one word no dictionary has, if any: "puyo puyo" of "Puyo Puyo Style" for "puyopuyo". A name written as one word
 * ("EdobCar") is a coined word, whose rule asks the catalog whose it is (evidence.ts). Not someone's: characters have
 * their own rule (character-names.ts).
 */
export function namePartWrittenAsOne(
  adapter: Adapter,
  profile: AdapterProfile,
  written: readonly string[],
): readonly string[] | undefined {
  if (adapter.category !== 'style' && !THING_CATEGORIES.has(adapter.category)) return undefined;
  return profile.nameSegments.find((segment) => {
    const joined = segment.join('');
    return (
      segment.length >= 2 &&
      joined.length >= MIN_RUN_TOGETHER &&
      written.includes(joined) &&
      !isDictionaryWord(joined) &&
      !rawTokens(adapter.name).includes(joined)
    );
  });
}

/**
 * The proper name (an artist, a franchise) in the name of a style or uncategorised adapter that `text` does not
 * hold: a concept nobody asked for. Checked against the whole prompt for any composer's picks (caps.ts), so an LLM's
 * pick for one span may rest on a name written in another.
 */
export function foreignNameIn(text: string, adapter: Adapter): string | undefined {
  if (adapter.category === 'character') return undefined;
  const view = viewOf(text);
  const profile = profileOf(adapter);
  // A part written as one word is written: "puyopuyo" names the Puyo Puyo style.
  const runTogether = namePartWrittenAsOne(adapter, profile, view.tokens) ?? [];
  return foreignWord(profile, new Set([...view.set, ...runTogether]), adapter.category, view.looks);
}

/**
 * Whether a phrase has a word of the name, written apart or inside one ("skirt" of "JKskirt"). A name with no word
 * of its own (a bare code) is no help, and neither is one that asks for a look the prompt asks for too: the prompt
 * wants what comes with it ("VaporWaveV1" with the trigger "palm trees" for "palm trees, vaporwave").
 */
export function sharesNameWord(profile: AdapterProfile, phrase: Phrase): boolean {
  // An interior is where, no look whose accessories a prompt asks for: "XSarchitectural-7Modern interior" (trigger
  // "cinematic lighting") lights no adventurer's scene because it says "indoors".
  if (profile.nameWords.length === 0 || profile.looks.some((look) => look !== 'interior')) return true;
  return phrase.words.some((word) =>
    profile.nameWords.some((named) => related(named, word) || (word.length >= 4 && named.includes(word))),
  );
}

/** Whether a tag of a clothing adapter names what it dresses in: a word of the name ("spacesuit", "hanfu"). */
export function namesGarment(profile: AdapterProfile, phrase: Phrase): boolean {
  return phrase.words.some(
    (word) => profile.nameWords.some((named) => related(named, word)) || profile.segmentHeads.includes(word),
  );
}

/**
 * Whether `phrase` is one piece of an outfit that its name says is something else, or nothing a prompt could hold:
 * a clothing adapter's first trigger calls the outfit ("jk suit" of "JK制服"), the rest list what comes with it
 * ("plaid skirt, pleated skirt, shirt, bowtie"), and a sloth's bowtie asks for no school uniform, nor a corgi's "red
 * bowtie" for "JKskirt". A task that holds a word of the name holds the outfit only by the garment its name ends in:
 * "Spider Suit | Attire" (triggers "spider suit", "spider web print", "spider web") is a suit with a web printed on it,
 * for no spider web with dew; a print or a pattern is on the garment ("spider web print" of Spider-Gwen's suit).
 */
export function pieceOfOutfit(
  adapter: Adapter,
  profile: AdapterProfile,
  phrase: Phrase,
  nameCoverage: number,
  taskSet: ReadonlySet<string>,
): boolean {
  if (adapter.category !== 'clothing' || phrase.kind !== 'trigger') return false;
  if (nameCoverage > 0 && profile.segmentHeads.some((head) => covers(taskSet, head))) return false;
  if (phrase === profile.phrases.find((other) => other.kind === 'trigger')) return false;
  const namedPiece = (word: string) =>
    profile.segmentHeads.some((head) => related(head, word) || joinedWith(head, word));
  return !phrase.words.some((word) => namedPiece(word) || (nameCoverage > 0 && ON_A_GARMENT.has(word)));
}

/** Words for what is on a garment: a "spider web print" is the suit's. */
const ON_A_GARMENT = new Set(['print', 'pattern']);

/**
 * A word of the name that the task lacks and that the adapter's own tags or triggers say alone, if any: the name is
 * about that thing too, and the part of it the task holds is another thing. "Spaceship bridge" (tagged "spaceship")
 * is a ship's bridge, no bridge over a river; "Peace Sign" (trigger "peace") a hand, no shop sign; "Riding Monster"
 * (tag "riding") someone riding, no slime monster; "Pallas's cat" (tag "manul") a wild cat, no house cat. A look,
 * a framing word or a participle alone says how, not what ("Watercolor Dream", "Forest Background", "striped").
 */
export function otherThingNamed(
  profile: AdapterProfile,
  taskSet: ReadonlySet<string>,
  /** The task's word the adapter matched: "Glasses LoRA" (trigger "glasses") is all sunglasses ask for. */
  matched: string,
): string | undefined {
  const alone = new Set(
    profile.phrases.flatMap((phrase) => (phrase.kind !== 'name' && phrase.words.length === 1 ? phrase.words : [])),
  );
  return profile.nameWords.find(
    (word) =>
      (alone.has(word) || doesSomething(word)) &&
      !covers(taskSet, word) &&
      !related(word, matched) &&
      !joinedWith(word, matched) &&
      !FRAMING_WORDS.has(word) &&
      !KIND_LABELS.has(word) &&
      !KINDS_OF_THINGS.has(word) &&
      !DESCRIBES.test(word) &&
      !asksForLookBy(word),
  );
}

/**
 * Whether the name's first part is one coined word, no dictionary word, that a trigger or tag says alone and the task
 * lacks: "Sitcrossleg" of "Sitcrossleg (legs/shoes concept/helper)".
 */
export function coinedFirstPart(profile: AdapterProfile, taskSet: ReadonlySet<string>): boolean {
  const [first] = profile.nameSegments;
  const coined = first?.length === 1 ? first[0] : undefined;
  return (
    coined !== undefined &&
    !isDictionaryWord(coined) &&
    !covers(taskSet, coined) &&
    profile.phrases.some((phrase) => phrase.kind !== 'name' && phrase.words.length === 1 && phrase.words[0] === coined)
  );
}

/** Whether a name writes `word` after a hyphen, as part of a compound that describes: "Two-Handed". */
export const writtenAfterHyphen = (name: string, word: string) => name.toLowerCase().includes(`-${word}`);

/**
 * Whether a background whose name opens with one dictionary word that its own tags say too ("Nebulae", tagged "nebula"; "Shoal",
 * tagged "shoal") is the place of `word`, another of its tags ("space", "fish"): a thing, no person, look or scenery.
 */
export function placeOf(profile: AdapterProfile, word: string): boolean {
  // Its first part: "Shoal" of "[LoRa] Shoal / 錦鱗 Concept (With multires noise version)".
  const [only, other] = profile.nameSegments[0] ?? [];
  return (
    only !== undefined &&
    other === undefined &&
    isDictionaryWord(only) &&
    profile.phrases.some(
      (phrase) => phrase.kind === 'tag' && !/\s/.test(phrase.text) && related(phrase.words[0] ?? '', only),
    ) &&
    isNoun(word) &&
    !PEOPLE_WORDS.has(word) &&
    !describesPeople(word) &&
    // A word the lexicon reads as a verb first is as often someone's job: "nurse" of "Infirmary".
    lexiconClass(word) !== 'Infinitive' &&
    !asksForLookBy(word) &&
    !KIND_LABELS.has(word) &&
    // A tag that files it in a section of the catalog ("tools") is no thing of it: no "Shoal" for tools on a wall.
    !KINDS_OF_THINGS.has(word) &&
    // Nor one that says how it feels: no "Shoal" (tagged "atmosphere") for the atmosphere of a planet.
    !MOOD_WORDS.has(word) &&
    !SCENERY_WORDS.has(word) &&
    // A background tagged as scenery ("Model-EX Enhancer", tagged "landscape") is of any place, of no one thing.
    !profile.phrases.some((phrase) => phrase.kind === 'tag' && phrase.words.some((tag) => SCENERY_WORDS.has(tag)))
  );
}

/**
 * Whether a task says more of its thing after it: what it lacks or has, what it comes with ("a fish without eyes",
 * "fish and chips", a dish). It asks for that one thing as it is, no place full of them ("Shoal", a fish-shoal
 * background); a place it is in ("floating in space") comes before it.
 */
export function saysMoreAfter(taskText: string | undefined, subject: string): boolean {
  if (taskText === undefined) return false;
  const words = taskWords(taskText);
  const last = taskWords(subject).at(-1);
  return last !== undefined && words.lastIndexOf(last) < words.length - 1;
}

/** Tags that say how a picture feels, no thing in it: "atmosphere" of "Shoal". */
const MOOD_WORDS = new Set(['atmosphere', 'mood', 'ambience', 'ambiance', 'vibe', 'feeling']);

/** Tags that say a background is scenery, of any place: "landscape" is no place of a "Nebulae". */
const SCENERY_WORDS = new Set(['landscape', 'scenery', 'scene', 'cityscape', 'nature', 'environment', 'place']);

/**
 * Whether a tag of the adapter is a name of two words or more, `word` among them, that holds nothing the task holds:
 * a title ("battlestar galactica", "hibike! euphonium") or a character's full name ("yor forger"). One such word
 * alone is as often what it draws ("hanfu").
 */
const taggedAsName = (profile: AdapterProfile, word: string, taskSet: ReadonlySet<string>) =>
  profile.phrases.some(
    (phrase) =>
      phrase.kind === 'tag' &&
      phrase.words.length >= 2 &&
      phrase.words.includes(word) &&
      !phrase.words.some((w) => covers(taskSet, w)),
  );

/**
 * The words a name opens with, before what it draws, when a tag of two words or more says them again and the task
 * holds none of them: where it comes from ("dragon ball" of "Dragon Ball KI Charge (Aura)", tagged "dragon ball": a
 * show's ki aura, for no dark aura of a knight).
 */
function taggedOpening(
  profile: AdapterProfile,
  taskSet: ReadonlySet<string>,
  promptSet: ReadonlySet<string>,
): string | undefined {
  const first = profile.nameSegments[0] ?? [];
  const tag = profile.phrases.find(
    (phrase) =>
      phrase.kind === 'tag' &&
      phrase.words.length >= 2 &&
      phrase.words.length < first.length &&
      phrase.words.every((word, index) => first[index] === word && !covers(taskSet, word)),
  );
  if (!tag) return undefined;
  // The rest of the name asked for whole: "rebel pilot suit" is Star Wars', "charging his ki" Dragon Ball's.
  const rest = first.slice(tag.words.length);
  return rest.every((word) => covers(promptSet, word) || sharesStem(promptSet, word)) ? undefined : tag.words.join(' ');
}

/** Whether a phrase of two words or more is what the first part of the name opens with, before more words. */
export function opensName(profile: AdapterProfile, phrase: Phrase): boolean {
  const first = profile.nameSegments[0] ?? [];
  return (
    phrase.words.length >= 2 &&
    phrase.words.length < first.length &&
    phrase.words.every((word, index) => first[index] === word)
  );
}

/**
 * Whether a phrase of two words or more is the words a part of the name opens with, before a head the task lacks that
 * names a thing ("packaging" of "Action Figure Playset Packaging" for "action figure"): see evidenceFor.
 */
export function beforeHeadOfName(profile: AdapterProfile, phrase: Phrase, taskSet: ReadonlySet<string>): boolean {
  return (
    phrase.words.length >= 2 &&
    profile.nameSegments.some((segment) => {
      const head = segment.at(-1);
      return (
        head !== undefined &&
        segment.length > phrase.words.length &&
        phrase.words.every((word, index) => segment[index] === word) &&
        !phrase.words.some((word) => related(word, head)) &&
        !covers(taskSet, head) &&
        isDictionaryWord(head) &&
        !describes(head) &&
        !DESCRIBES.test(head) &&
        !FRAMING_WORDS.has(head) &&
        !KIND_LABELS.has(head) &&
        !KINDS_OF_THINGS.has(head) &&
        !asksForLookBy(head)
      );
    })
  );
}

/** Whether `words` hold a form of `word` that shares its first five letters: "charging" for "charge". */
function sharesStem(words: ReadonlySet<string>, word: string): boolean {
  if (word.length < 5) return false;
  const stem = word.slice(0, 5);
  for (const each of words) if (each.startsWith(stem)) return true;
  return false;
}

/** A word coined by writing words together with capitals: "ValvePunkAI", "SpongeBob", "PlayStation" (not "iPhone"). */
const COINED_WORD = /(?<![\p{L}\p{N}])\p{Lu}[\p{L}\p{N}]*\p{Ll}\p{Lu}[\p{L}\p{N}]*/gu;
const HAS_COINED_WORD = new RegExp(COINED_WORD.source, 'u');

/** Letters and digits only, in lower case: "Play Station Controller" is "playstationcontroller". */
const squashed = (text: string) => text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');

/**
 * Whether a phrase of the adapter writes `coined`, spaced or not, with or without its version or the "AI" or "LoRA"
 * its author closes names with ("VaporWaveV1", "TrypophobiaAI").
 */
function writesCoined(profile: AdapterProfile, coined: string): boolean {
  const whole = squashed(coined);
  const unversioned = whole.replace(/(?:v?\d+|ai|lora)+$/, '');
  return profile.phrases.some((phrase) => {
    const text = squashed(phrase.text);
    return text.includes(whole) || (unversioned.length >= 3 && text.includes(unversioned));
  });
}

/**
 * `task` without the coined words no phrase of the adapter writes: a coined word is one name, the trigger of some
 * other adapter ("ValvePunkAI"), whose parts say nothing of this one ("(color)PunkPunk" for no "ValvePunkAI battle
 * mech"; no sponge for "SpongeBob").
 */
export function withoutOthersCoinedWords(task: string, profile: AdapterProfile): string {
  if (!HAS_COINED_WORD.test(task)) return task;
  return task.replace(COINED_WORD, (coined) => (writesCoined(profile, coined) ? coined : ' '));
}

/**
 * Whether a part of the name after its first says which kind of its thing the adapter draws ("World map", "Modern
 * city" of "Table Rpg / D&D Maps - #10 - World map", "#8 - Modern city"), where the task says a kind of its own
 * before its head that the name lacks ("a d&d tavern map"): two kinds of one thing. A look says how, not which
 * ("Isometric"); a task that says no kind takes any ("a d&d map").
 */
export function otherKindNamed(
  profile: AdapterProfile,
  words: readonly string[],
  taskSet: ReadonlySet<string>,
  head: string,
): boolean {
  const kindWord = (word: string) =>
    word.length >= 3 && isNoun(word) && !asksForLookBy(word) && !FILE_WORDS.has(word) && !FRAMING_WORDS.has(word);
  const asked = words
    .slice(0, words.lastIndexOf(head))
    .filter((word) => kindWord(word) && !profile.nameWords.includes(word));
  if (asked.length === 0) return false;
  return profile.subParts.some((part) =>
    part.some((word) => kindWord(word) && !covers(taskSet, word) && !related(word, head)),
  );
}
