import type { Adapter } from '../catalog/adapter.js';
import { lemmas } from '../catalog/classify/words.js';
import { isStopword } from '../catalog/text.js';
import { profileOf } from './adapter-profile.js';
import {
  DEFAULT_MAX_ADAPTERS,
  enforceCaps,
  MAX_ADAPTERS_PER_TASK,
  MAX_STYLE_ADAPTERS,
  otherReleaseOf,
  restylesTheImage,
} from './caps.js';
import { characterNamedIn, franchiseNames, namesOneCharacter } from './character-names.js';
import { isCompositionTask, withoutCompositionTags } from './composition-tags.js';
import { isDictionaryWord } from './dictionary.js';
import {
  characterEvidence,
  type Evidence,
  evidenceFor,
  foreignCodeIn,
  foreignLookIn,
  lookAsThing,
  materialEvidence,
  NO_RARITY,
  transformsUnasked,
  type WordRarity,
  writesCoinedTrigger,
} from './evidence.js';
import { nameCoverageOf, UNDER_WATER, viewOf, writesLongTrigger } from './evidence-text.js';
import { COLOUR_WORDS, KIND_LABELS } from './evidence-words.js';
import { materialKindsOfName, materialUnasked, otherMaterialAsked } from './materials.js';
import { nameAsWritten, withoutName } from './name-as-written.js';
import { describes } from './name-readings.js';
import { segmentTasks } from './segment.js';
import { LINK_WORDS, POSSESSIVE_PRONOUNS } from './segment-words.js';
import { wordSharing } from './shared-words.js';
import { tagLooksAsked } from './style-looks.js';
import type { Candidate, ComposedTask } from './types.js';

/**
 * The deterministic composer (no LLM): tasks from `segmentTasks`, then for each task the candidates with evidence
 * that they depict it (evidence.ts): the paper's filter against adapters that bring in foreign concepts, made strict
 * enough for a public server. A character adapter only for a task that names the character; at most two styles; at
 * most three adapters per task and `maxAdapters` in all, the best-evidenced first, so no image stacks more.
 */
export interface OfflineComposeOptions {
  /** Most adapters in the whole composition (image 1 uses them all). */
  maxAdapters?: number;
  /** Which words the catalog shares so widely that they identify no adapter. */
  rarity?: WordRarity;
}

/** Adapters that draw what someone does (a pose, an action, a concept such as "riding on a"). */
const DRAWS_ACTIONS = new Set<Adapter['category']>(['pose', 'action', 'concept']);

/** A text without its composition tags, its spaces closed up. */
const withoutTags = (text: string) => withoutCompositionTags(text).replace(/\s+/g, ' ').trim();

/** A task's text, its noun phrase, the part that says what is present and its action (see composeOffline). */
interface TaskTexts {
  subject: string;
  named: string;
  present: string;
  action: string;
  task: string;
  /** The task asks for a thing a look is named for ("squirting black ink" asks for ink): see lookAsThing. */
  thingNotLook: boolean;
}

/** Whether a card says every word of a character's name in one of its phrases ("yor forger" of a costume of hers). */
function saysWholeName(adapter: Adapter, name: string): boolean {
  const words = name.split(' ');
  return profileOf(adapter).phrases.some((phrase) => words.every((word) => phrase.words.includes(word)));
}

/** What the segmenter joins to a thing it lacks ("bench without any cats"): no action, nothing to draw. */
const ABSENT_PART = /\b(?:without|no)\b.*$/i;

/** The words a task adds to its noun phrase, or '' when it adds none; never what the thing lacks. */
function actionWords(task: string, subject: string): string {
  const at = task.toLowerCase().indexOf(subject.toLowerCase());
  if (!subject || at < 0) return '';
  const around = [task.slice(0, at), task.slice(at + subject.length)];
  const words = around
    .map((part) => part.replace(ABSENT_PART, ''))
    .join(' ')
    .trim()
    .split(/\s+/);
  // The spatial words that lead to the subject say where, not what is done: "peeking" of "peeking out from behind".
  while (words.length > 0 && isLeadingWord(words.at(-1) ?? '')) words.pop();
  return words.join(' ');
}

/** Counts a spatial phrase may end in before its thing: "next to two" of "standing next to two orange cats". */
const COUNT_WORDS = new Set('one two three four five six seven eight nine ten several many'.split(' '));
const isLeadingWord = (word: string) => {
  const lower = word.toLowerCase();
  return LINK_WORDS.has(lower) || POSSESSIVE_PRONOUNS.has(lower) || COUNT_WORDS.has(lower) || isStopword(lower);
};

/** The colours a name says its thing is ("green", "navyblue"), and the rest of its name. */
function colourVariant(adapter: Adapter): { colours: ReadonlySet<string>; rest: string } {
  const words = profileOf(adapter).nameWords;
  const isColour = (word: string) =>
    COLOUR_WORDS.has(word) ||
    [...COLOUR_WORDS].some((colour) => word.endsWith(colour) && isDictionaryWord(word.slice(0, -colour.length)));
  return { colours: new Set(words.filter(isColour)), rest: words.filter((word) => !isColour(word)).join(' ') };
}

/** Whether an adapter is another colour of one the task has taken: the same name but its colours. */
function otherColour(adapter: Adapter, task: ComposedTask, byId: ReadonlyMap<string, Adapter>): boolean {
  const mine = colourVariant(adapter);
  if (mine.colours.size === 0 || mine.rest === '') return false;
  return task.adapters.some((pick) => {
    const other = byId.get(pick.adapterId);
    if (other === undefined) return false;
    const theirs = colourVariant(other);
    return (
      theirs.rest === mine.rest && theirs.colours.size > 0 && ![...theirs.colours].some((c) => mine.colours.has(c))
    );
  });
}

/** Whether a style makes things of another material than a style the task has taken (`byId` reads its picks). */
function otherMaterial(adapter: Adapter, task: ComposedTask, byId: ReadonlyMap<string, Adapter>): boolean {
  const mine = materialKindsOfName(adapter);
  if (mine.size === 0) return false;
  return task.adapters.some((pick) => {
    const other = byId.get(pick.adapterId);
    if (other === undefined || other.category !== 'style') return false;
    const theirs = materialKindsOfName(other);
    return theirs.size > 0 && ![...theirs].some((kind) => mine.has(kind));
  });
}

/** Describing words that praise or rate a LoRA, no kind of its thing: "Concept better sky", "QuickHand", "Easy sticker". */
const PRAISE = new Set(['better', 'easy', 'quick', 'simple', 'fast', 'basic', 'proper', 'true', 'extra', 'more']);

/**
 * Whether an adapter names a kind of the thing a pick of the task names, by describing words the prompt lacks:
 * "Round glasses" beside "Glasses LoRA" for "a girl with glasses". The thing has one shape; the first pick drew it.
 */
function otherKind(
  adapter: Adapter,
  task: ComposedTask,
  byId: ReadonlyMap<string, Adapter>,
  promptWords: ReadonlySet<string>,
): boolean {
  const [mine] = profileOf(adapter).nameSegments;
  const head = mine?.at(-1);
  if (mine === undefined || head === undefined) return false;
  const kinds = mine.slice(0, -1).filter((word) => describes(word) && !PRAISE.has(word) && !promptWords.has(word));
  if (kinds.length === 0) return false;
  return task.adapters.some((pick) => {
    const other = byId.get(pick.adapterId);
    const [theirs] = other === undefined ? [] : profileOf(other).nameSegments;
    return theirs !== undefined && theirs.at(-1) === head && !kinds.every((kind) => theirs.includes(kind));
  });
}

/**
 * Whether a garment is a second one for a task that has one, whose name says more than the prompt: another outfit of
 * the same thing, worn by no one at once.
 */
function anotherOutfit(
  adapter: Adapter,
  task: ComposedTask,
  byId: ReadonlyMap<string, Adapter>,
  promptWords: ReadonlySet<string>,
): boolean {
  if (adapter.category !== 'clothing') return false;
  if (!task.adapters.some((pick) => byId.get(pick.adapterId)?.category === 'clothing')) return false;
  // Its Latin words: "戏装 Chinese Opera Costumes" says opera. Whom it is for is no other outfit: "Hanfu_male" for
  // "1boy, hanfu" (see dressesTheOtherSex for the other sex).
  // A label that files it ("Round glasses | Accessory") says no more either.
  return profileOf(adapter).nameWords.some(
    (word) => !promptWords.has(word) && !WORN_BY.has(word) && !KIND_LABELS.has(word) && !GARMENT_LABELS.has(word),
  );
}

/** Words a garment's name files it under, beside KIND_LABELS. */
const GARMENT_LABELS = new Set(['accessory', 'wear']);

/** Words a garment's name says whom it is for by. */
const WORN_BY = new Set(['male', 'female', 'man', 'woman', 'boy', 'girl', 'men', 'women', 'kid', 'child']);

/**
 * Whether an adapter is in a task by its tags or triggers alone: its name says nothing of `task` (nor of its subject's
 * head, run together: "Supercutecat_v10" is a cat). A coined trigger written is evidence of its own (evidence.ts).
 */
function onlyTagged(adapter: Adapter, subject: string, task: string): boolean {
  if (adapter.category === 'character' || nameCoverageOf(task, adapter) > 0) return false;
  const { head } = viewOf(subject);
  return !(head.length >= 3 && adapter.name.toLowerCase().includes(head));
}

/** Whether every word of `action` is a word of a title of the candidates' franchises ("attack titan") the task holds. */
function inATitle(action: string, task: string, franchises: ReadonlySet<string>): boolean {
  if (action === '') return false;
  const taskWords = new Set(lemmas(task));
  const titleWords = new Set(
    [...franchises]
      .map((key) => key.split(' '))
      .filter((words) => words.length >= 2 && words.every((word) => taskWords.has(word)))
      .flat(),
  );
  const actionWords = lemmas(action).filter((word) => !isStopword(word));
  return actionWords.length > 0 && actionWords.every((word) => titleWords.has(word));
}

export function composeOffline(
  prompt: string,
  candidates: readonly Candidate[],
  options: OfflineComposeOptions = {},
): ComposedTask[] {
  const maxAdapters = options.maxAdapters ?? DEFAULT_MAX_ADAPTERS;
  const rarity = options.rarity ?? NO_RARITY;
  const tasks = segmentTasks(prompt);
  // An adapter whose name asks for a look the prompt does not (a neon photo, a map, an illustration for a photo), or
  // names a model nobody asked for ("FF14", "RX-7"), or makes a thing of another material than the prompt's ("Stone
  // Statue LoRA" for "a statue made of gold") or of one the prompt never names ("pearl creature" for "a sea
  // creature"), is no candidate at all: caps.ts would drop it after the fact,
  // and the task would lose the next best pick.
  const sharesWith = wordSharing(prompt);
  // Its coined trigger written asks for the card as it is, its look and all ("genkan" of "Modern Genkan in Japanese
  // Houses").
  const fitting = candidates.filter(
    ({ adapter }) =>
      sharesWith(adapter) &&
      (writesCoinedTrigger(prompt, adapter, rarity, 1) ||
        (foreignLookIn(prompt, adapter) === undefined &&
          foreignCodeIn(prompt, adapter) === undefined &&
          !transformsUnasked(prompt, adapter) &&
          otherMaterialAsked(prompt, adapter) === undefined &&
          materialUnasked(prompt, adapter) === undefined)),
  );
  const franchises = franchiseNames(candidates.map((candidate) => candidate.adapter));
  // Score every (task, adapter) pair, then hand out the best pairs first so each adapter goes to the task it fits
  // best; ties fall to the better retrieval rank. Evidence reads the task's noun phrase (its head word is what the
  // task is about), not the action or framing words joined to it ("fire", not "breathing fire").
  const pairs: {
    taskIndex: number;
    /** The task's text and its noun phrase, without framing tags. */
    task: string;
    subject: string;
    candidate: Candidate;
    evidence: Evidence;
    characterName?: string;
  }[] = [];
  tasks.forEach(({ subject: written, task }, taskIndex) => {
    if (isCompositionTask(task, prompt)) return;
    // The framing tags a task holds beside its thing name nothing: "extremely detailed textures" is no texture.
    const framed = withoutCompositionTags(task) !== task;
    const named = framed ? withoutTags(task) : task;
    const subject = framed ? withoutTags(written) : written;
    // What the task says its subject does ("riding" of "riding a horse"): a pose or an action named after it draws
    // that ("riding on a"); one word of a longer name does not ("BetterRamenEating" is no giraffe eating bark).
    const done = actionWords(named, subject);
    // A word of a franchise's title is no action: "attack" of "attack on titan style wall" brings no "Attacking Concept".
    const action = inATitle(done, named, franchises) ? '' : done;
    const present = named.replace(ABSENT_PART, '');
    // A character is named anywhere in the task: the segmenter may take "keqing in a garden" to be about a garden.
    const namedHere: string[] = [];
    for (const candidate of fitting) {
      const { adapter } = candidate;
      if (adapter.category !== 'character') continue;
      const name = characterNamedIn(named, adapter, franchises, prompt);
      if (!name) continue;
      namedHere.push(name);
      pairs.push({
        taskIndex,
        task: named,
        subject,
        candidate,
        evidence: characterEvidence(nameAsWritten(name, named, prompt)),
        characterName: name,
      });
    }
    // Her name's words are hers: "yuuki mikan" asks for no "Mikan" artist's style, "grass wonder" for no grass. A card
    // that says her whole name is of her, and reads the whole task: "Sweater Dress of Yor" (tagged "yor forger").
    const others = (text: string) => namedHere.reduce(withoutName, text);
    const whole: TaskTexts = {
      subject,
      named,
      present,
      action,
      task,
      thingNotLook: lookAsThing(subject, action, prompt),
    };
    const withoutHer: TaskTexts = namedHere.length
      ? {
          subject: others(subject),
          named: others(named),
          present: others(present),
          action: others(action),
          task: others(task),
          thingNotLook: lookAsThing(others(subject), others(action), prompt),
        }
      : whole;
    for (const candidate of fitting) {
      if (candidate.adapter.category === 'character') continue;
      const ofHer = namedHere.find((name) => saysWholeName(candidate.adapter, name));
      // A card of hers but her outfit is another LoRA of her ("Madoka Kaname - Puella Magi Madoka Magica", filed as
      // no character, or a cast's "Madoka Magicka v2.0"): one LoRA per character holds for it too.
      const herAgain = ofHer !== undefined && candidate.adapter.category !== 'clothing' ? ofHer : undefined;
      findEvidence(taskIndex, candidate, ofHer !== undefined ? whole : withoutHer, herAgain);
    }
  });

  /** Evidence that an adapter (no character) draws a task, from its noun phrase, its action or its whole text. */
  function findEvidence(taskIndex: number, candidate: Candidate, texts: TaskTexts, characterName?: string): void {
    const { subject, named, present, action, task } = texts;
    const { adapter } = candidate;
    // "squirting black ink" asks for ink, no ink style.
    if (adapter.category === 'style' && texts.thingNotLook) return;
    const evidence =
      evidenceFor(subject, adapter, rarity, tasks.length === 1, prompt, task) ??
      (DRAWS_ACTIONS.has(adapter.category) && action && nameCoverageOf(action, adapter) > 0.5
        ? evidenceFor(action, adapter, rarity, false, prompt)
        : undefined) ??
      // The noun phrase holds half the name and the task the rest: "Glowing Eyes" for "glowing eyes" (of "eyes").
      (nameCoverageOf(subject, adapter) >= 0.5 && nameCoverageOf(present, adapter) === 1
        ? evidenceFor(present, adapter, rarity, tasks.length === 1, prompt)
        : undefined) ??
      // The task writes a trigger of two words or more whole, where its noun phrase is less of it: "shaded face" of
      // "Shaded face (eyes in shadow)". Not a style's: it restyles the whole image ("Limited Blue Style" for any
      // "limited palette").
      (present !== subject && adapter.category !== 'style' && writesLongTrigger(present, adapter)
        ? evidenceFor(present, adapter, rarity, tasks.length === 1, prompt)
        : undefined) ??
      // The task puts its subject under water ("bottom of the ocean" of "ocean"): an "Underwater" look for it.
      (UNDER_WATER.test(present) && nameCoverageOf(present, adapter) === 1 && tagLooksAsked(adapter, prompt)
        ? evidenceFor(present, adapter, rarity, tasks.length === 1, prompt)
        : undefined) ??
      // A material the task makes its thing of ("a box made of felt"): a style that makes things of it ("kFelted").
      materialEvidence(present, adapter);
    if (evidence) pairs.push({ taskIndex, task: named, subject, candidate, evidence, characterName });
  }
  pairs.sort((a, b) => b.evidence.score - a.evidence.score || a.candidate.rank - b.candidate.rank);
  const assigned: ComposedTask[] = tasks.map(({ task }) => ({ task, adapters: [] }));
  const used = new Set<string>();
  const picked: Adapter[] = [];
  let styles = 0;
  const characters = new Set<string>();
  const characterNames: string[] = [];
  const byId = new Map(candidates.map(({ adapter }) => [adapter.id, adapter]));
  const promptWords = new Set(lemmas(prompt));
  // Two rounds: every task its best adapter first, then the seconds and thirds, so the cap on the whole composition
  // never leaves a part of the prompt without its only adapter while another part gets a second one.
  for (const perTask of [1, MAX_ADAPTERS_PER_TASK])
    for (const pair of pairs) {
      if (used.size >= maxAdapters) break;
      const target = assigned[pair.taskIndex];
      const { adapter } = pair.candidate;
      if (!target || used.has(adapter.id) || target.adapters.length >= perTask) continue;
      // One release of an adapter: "BiopunkAI" and "BiopunkAI 2" draw one look, twice.
      if (picked.some((other) => otherReleaseOf(adapter, other))) continue;
      if (restylesTheImage(adapter) && styles >= MAX_STYLE_ADAPTERS) continue;
      // One thing is made of one material: "Stone Statue LoRA" and "Bronze Statue LoRA" make no statue together.
      if (adapter.category === 'style' && otherMaterial(adapter, target, byId)) continue;
      // One thing has one colour: "Gym uniform (NAVYBLUE)", "(GREEN)" and "(RED)" dress no one together.
      if (otherColour(adapter, target, byId)) continue;
      // One thing has one shape: "Glasses LoRA", then no "Round glasses" nor "Thin round glasses" for "glasses".
      if (otherKind(adapter, target, byId, promptWords)) continue;
      // One garment is one outfit: "Korean Warrior Hanbok", then no "King Hanbok Gonryongpo" (a king's robe) for a
      // swordsman's hanbok.
      if (anotherOutfit(adapter, target, byId, promptWords)) continue;
      // A task's second adapter is named for it: "Insanobot" for "a robot", then no
      // "RZ - MK Ultra" (gynoids, only tagged "robot") beside it, a robot of another shape.
      if (target.adapters.length > 0 && onlyTagged(adapter, pair.subject, pair.task)) continue;
      // One character per task: three LoRAs of Raiden Shogun draw one Raiden Shogun, worse than one of them.
      if (adapter.category === 'character' && target.adapters.some((pick) => characters.has(pick.adapterId))) continue;
      // One LoRA per character in the whole composition: "hu tao" and "boo tao, hu tao" are one Hu Tao.
      const { characterName } = pair;
      if (
        characterName !== undefined &&
        characterNames.some((other) => namesOneCharacter(characterName, other, franchises))
      )
        continue;
      if (characterName !== undefined) characterNames.push(characterName);
      if (adapter.category === 'character') characters.add(adapter.id);
      if (restylesTheImage(adapter)) styles += 1;
      used.add(adapter.id);
      picked.push(adapter);
      target.adapters.push({ adapterId: adapter.id, reason: pair.evidence.reason });
    }
  return enforceCaps(prompt, assigned, candidates, { maxAdapters, rarity }).tasks;
}
