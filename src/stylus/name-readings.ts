import { lemmas, singular } from '../catalog/classify/words.js';
import { isStopword } from '../catalog/text.js';
import { Memo } from '../util/memo.js';
import { isDictionaryWord } from './dictionary.js';
import { FILE_WORDS, isContentWord, KIND_LABELS, LATIN_WORD } from './evidence-words.js';
import { lexiconClass } from './segment.js';

/**
 * How an adapter's name reads beside the thing a task shares with it (evidence.ts): what a style is the style of
 * ("Ocarina of Time Style"), the relation a name opens with ("Through Screen"), a word that only describes ("LowRA"
 * for "flying low"), and a word that begins a longer proper name ("Rio" of "Rio de Janeiro").
 */

/** What a picture is drawn with: a style "of" one is a technique, not a thing ("pen sketch style"). */
export const DRAWING_TOOLS = new Set(['pen', 'brush', 'marker', 'quill', 'chalk', 'crayon', 'pastel', 'airbrush']);

const ADJECTIVE_CLASSES = new Set(['Adjective', 'Comparative', 'Superlative']);
/** Endings of adjectives the lexicon lacks: "colorful", "painterly", "realistic", "invisible", "massive". */
const ADJECTIVE_ENDING = /(ful|ous|ive|less|ish|able|ible|esque|istic|ical|erly)$/;

/**
 * Whether a dictionary word only describes ("flat", "dreamy", "colorful"), not names a thing ("peanuts", "gelato"):
 * the lexicon's word class, else its ending, or a "-y" made of a word ("dreamy", "cartoony"). Asking the tagger
 * instead cost a 300K catalog 2 ms a composition and 200 MB.
 */
function isDescribingWord(word: string): boolean {
  const known = lexiconClass(word);
  if (known !== undefined) return ADJECTIVE_CLASSES.has(known);
  if (ADJECTIVE_ENDING.test(word)) return true;
  return word.length >= 5 && word.endsWith('y') && isDictionaryWord(word.slice(0, -1)) && !ERY_NOUNS.has(word);
}

/**
 * Nouns a word and a "-y" make, as "dreamy" is made of "dream": crafts, places and kinds of things ("Embroidery Style"
 * names embroidery, no way a thing looks).
 */
const ERY_NOUNS = new Set(
  (
    'embroidery pottery bakery brewery winery archery cookery battery greenery cutlery stationery imagery ' +
    'machinery jewelry jewellery masonry artillery bindery cannery distillery eatery hatchery joinery knittery ' +
    'nunnery piggery rookery saddlery tannery'
  ).split(' '),
);

const describingWords = new Memo<string, boolean>(16384);
export const describes = (word: string) => isDictionaryWord(word) && describingWords.through(word, isDescribingWord);

/**
 * Prepositions a name can open with to say how something is, not what is drawn: "Through Screen" (someone coming
 * through one), "On Fire" (anything burning: no fire hydrant), "Inside creature".
 */
const RELATIONS = new Set(['through', 'across', 'inside', 'under', 'behind', 'beneath', 'into', 'over', 'on', 'in']);

/** The preposition a name opens with, past labels ("【Concept】Through Screen"), when a thing follows it. */
export function relationOf(segmentLemmas: readonly (readonly string[])[]): string | undefined {
  if (!segmentLemmas.some((words) => words.some((word) => RELATIONS.has(word)))) return undefined;
  const isLabel = (word: string) => !LATIN_WORD.test(word) || FILE_WORDS.has(word) || KIND_LABELS.has(word);
  const part = segmentLemmas.find((words) => !words.every(isLabel)) ?? [];
  const first = part.findIndex((word) => !isLabel(word));
  const relation = part[first];
  return relation !== undefined && RELATIONS.has(relation) && part.length > first + 1 ? relation : undefined;
}

/** Whether `text` puts something in that relation to what the name names: "on fire", "through the screen". */
export function asksForRelation(text: string, relation: string, named: readonly string[]): boolean {
  const words = lemmas(text);
  return words.some(
    (word, index) => word === relation && words.slice(index + 1, index + 4).some((next) => named.includes(next)),
  );
}

/** Words that end the name of a style: "X Style", "X Art Style", "X artstyle". */
const STYLE_WORDS = new Set(['style', 'artstyle']);

/**
 * The content words a name says it is the style of, from its parts as words: before "style" in a part ("Ocarina of
 * Time Style"), or the part before when a part says only that it is a style ("Peanuts Comics (Art Style)").
 */
export function styleOf(segmentLemmas: readonly (readonly string[])[]): string[] {
  for (const [index, words] of segmentLemmas.entries()) {
    const at = words.findIndex((word) => STYLE_WORDS.has(word));
    if (at < 0) continue;
    // Latin-script words only: "线条速写风格" beside "pen sketch style" says the same again.
    const said = (part: readonly string[]) => part.filter((word) => isContentWord(word) && LATIN_WORD.test(word));
    const before = said(words.slice(0, at));
    if (before.length > 0) return before;
    if (said(words.slice(at + 1)).length > 0) continue;
    return said(segmentLemmas[index - 1] ?? []);
  }
  return [];
}

/** Particles that join a name in Romance languages, and are no English word: "Rio de Janeiro", "Leonardo da Vinci". */
const ROMANCE_PARTICLES = new Set('de da di del della dos du des'.split(' '));

/** Small words inside a proper name: "Rio de Janeiro", "Statue of Liberty", "Vincent van Gogh". */
const NAME_PARTICLES = new Set('de da di del della do dos du des la le van von of'.split(' '));

/**
 * Whether `word` is written in `task` as a leading part of a longer proper name ("Rio" of "Rio de Janeiro", "Empire"
 * of "Empire State Building"): that name is one thing, and an adapter named by that one word ("rio", a portrait of
 * someone) is not it. What the name says it is still counts: its last word ("Bridge" of "Golden Gate Bridge"), and
 * in English the word before "of" ("Statue" of "Statue of Liberty").
 */
export function namesSomethingElse(task: string, word: string): boolean {
  const written = task.match(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu) ?? [];
  // Written in lower case, a Romance particle still joins a name: "rio de janeiro", "notre dame de paris".
  const joinedByParticle = written.some(
    (token, index) =>
      singular(token.toLowerCase()) === word &&
      ROMANCE_PARTICLES.has(written[index + 1]?.toLowerCase() ?? '') &&
      written[index + 2] !== undefined,
  );
  if (joinedByParticle) return true;
  const capital = (token: string) => /^\p{Lu}/u.test(token) && !isStopword(token.toLowerCase());
  let run: { word: string; head: boolean }[] = [];
  const leadingPart = () => run.slice(0, -1).some((part) => !part.head && part.word === word);
  for (const [index, token] of written.entries()) {
    const lower = token.toLowerCase();
    if (capital(token)) run.push({ word: singular(lower), head: false });
    else if (run.length > 0 && NAME_PARTICLES.has(lower) && capital(written[index + 1] ?? '')) {
      if (lower === 'of') (run[run.length - 1] as { head: boolean }).head = true;
    } else {
      if (leadingPart()) return true;
      run = [];
    }
  }
  return leadingPart();
}

/** Participles that say how a thing was made or looks, after the noun that made or shaped it: "hand-drawn". */
const MADE_BY =
  'drawn painted made crafted carved woven sewn knitted stitched written colored coloured tinted shaped printed lit kissed ' +
  'tiled paved inlaid';
const MADE_BY_PATTERN = new RegExp(`^[\\s_-]*(?:${MADE_BY.split(' ').join('|')})(?![\\p{L}])`, 'iu');

/**
 * Whether `task` writes `word` only before a participle of making ("hand-drawn", "hand_drawn", "heart-shaped",
 * "sun-kissed"): it says how something was made or looks, no such thing to draw.
 */
export function saysHowMade(task: string, word: string): boolean {
  const written = [...task.toLowerCase().matchAll(/\p{L}+/gu)];
  const at = written.filter((match) => singular(match[0]) === word);
  return at.length > 0 && at.every((match) => MADE_BY_PATTERN.test(task.slice((match.index ?? 0) + match[0].length)));
}

/** The roots an adverb in -ly may come from: "dimly" -> dim, "happily" -> happy, "dramatically" -> dramatical, dramatic. */
function adverbRoots(adverb: string): string[] {
  const root = adverb.slice(0, -2);
  return [root, root.replace(/i$/, 'y'), root.replace(/al$/, ''), root.replace(/l$/, 'le')];
}

/**
 * Whether every time `task` writes `word` an adverb in -ly stands right before it whose root the card never says:
 * "dimly lit" is lit one way, no "Lit" (tagged "bright", "overexposed"); "brightly lit" still is.
 */
export function qualifiedOtherwise(task: string, word: string, cardWords: ReadonlySet<string>): boolean {
  const written = task.toLowerCase().match(/\p{L}+/gu) ?? [];
  const at = written.flatMap((each, index) => (singular(each) === word ? [index] : []));
  return (
    at.length > 0 &&
    at.every((index) => {
      const before = written[index - 1];
      return (
        before !== undefined &&
        before.length > 4 &&
        before.endsWith('ly') &&
        !adverbRoots(before).some((root) => cardWords.has(root))
      );
    })
  );
}

/**
 * Whether `task` writes a word of a style's proper name only after another word than the one the name puts before
 * it: "ex machina" is a film, no "Vox Machina Style"; "claude monet" or "monet style" still name Monet.
 */
export function writtenAfterAnotherName(
  task: string,
  nameSegments: readonly (readonly string[])[],
  isOwnOrLook: (word: string) => boolean,
): boolean {
  // Words of one clause: "by wlop, rutkowski" writes no name before "rutkowski".
  const written = task
    .toLowerCase()
    .split(/[,.;:|()[\]{}]/)
    .flatMap((clause) => [...(clause.match(/\p{L}+/gu) ?? []), ''])
    .filter((word, index, all) => word !== '' || all[index - 1] !== '');
  return nameSegments.some((segment) =>
    segment.some((word, index) => {
      const before = segment[index - 1];
      // A word of a proper name, which the dictionary lacks ("machina"; not "lighting" of "Better Portrait Lighting"
      // for "dramatic lighting", nor "statue" of "Stone Statue" for "a massive statue").
      if (index === 0 || before === undefined || written.includes(before) || isDictionaryWord(word)) return false;
      const at = written.flatMap((each, position) => (singular(each) === word ? [position] : []));
      return (
        at.length > 0 &&
        at.every((position) => {
          const other = written[position - 1];
          return other !== undefined && other.length >= 2 && !isStopword(other) && !isOwnOrLook(other);
        })
      );
    }),
  );
}
