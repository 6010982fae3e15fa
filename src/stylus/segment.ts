import { createRequire } from 'node:module';
import type TwoNlp from 'compromise/two';
import { contentTokens } from '../catalog/text.js';

/**
 * Offline task segmentation: a prompt becomes the noun phrases and style phrases an adapter could be about
 * ("a corgi astronaut floating in space, ukiyo-e woodblock print style" -> corgi astronaut, space, ukiyo-e
 * woodblock print style). compromise tags each word; a phrase is a run of nouns and their modifiers, cut at
 * verbs, prepositions, conjunctions, determiners and punctuation. Tuned on PartiPrompts against the Stylus
 * composer's keywords with general rules only (see `stylus eval topics`).
 */

interface Word {
  /** Position in the prompt. */
  index: number;
  text: string;
  lower: string;
  tags: Set<string>;
  sentenceStart: boolean;
  /** Punctuation or space that follows the word as written. */
  post: string;
}

/** Spatial and linking words compromise sometimes tags as adjectives or nouns ("next to", "in front of"). */
const LINK_WORDS = new Set([
  'about',
  'above',
  'across',
  'after',
  'against',
  'along',
  'among',
  'around',
  'atop',
  'away',
  'before',
  'behind',
  'below',
  'beneath',
  'beside',
  'besides',
  'between',
  'beyond',
  'down',
  'front',
  'inside',
  'near',
  'next',
  'outside',
  'over',
  'through',
  'together',
  'toward',
  'towards',
  'under',
  'underneath',
  'upon',
  'within',
  'without',
]);

/** Counting and container words that frame the real subject ("a piece of cheese", "a pair of headphones"). */
const MEASURE_WORDS = new Set([
  'piece',
  'pieces',
  'pair',
  'pairs',
  'bunch',
  'group',
  'couple',
  'lot',
  'lots',
  'number',
]);

/** Nouns ending in -ing that are things, not actions; other -ing words after a noun start a verb phrase. */
const ING_NOUNS = new Set([
  'painting',
  'paintings',
  'drawing',
  'drawings',
  'building',
  'buildings',
  'ceiling',
  'clothing',
  'wedding',
  'morning',
  'evening',
  'engraving',
  'etching',
  'carving',
  'lighting',
  'frosting',
  'icing',
  'stuffing',
  'pudding',
  'dumpling',
  'dumplings',
  'railing',
  'landing',
  'sibling',
  'string',
  'spring',
  'thing',
  'things',
  'king',
  'ring',
  'wing',
  'wings',
  'swing',
  'sling',
  'sing',
  'ping',
]);

/** Framing and layout nouns: where or how something is shown, not what an adapter could draw. */
const FRAMING_WORDS = new Set([
  'photo',
  'photos',
  'photograph',
  'picture',
  'image',
  'view',
  'portrait',
  'background',
  'foreground',
  'side',
  'middle',
  'center',
  'centre',
  'corner',
  'edge',
  'top',
  'bottom',
  'set',
  'series',
  'shape',
  'word',
  'words',
]);

const POSSESSIVE_PRONOUNS = new Set(['its', 'his', 'her', 'their', 'my', 'your', 'our', 'whose']);

const CLAUSE_END = /[,.;:!?()"“”]/;
const STARTS_UPPER = /^\p{Lu}/u;

function isProperNoun(word: Word | undefined): boolean {
  return word?.tags.has('ProperNoun') === true;
}

function isCardinal(word: Word): boolean {
  return word.tags.has('Value') && !/\d/.test(word.text);
}

type Nlp = typeof TwoNlp;
let tagger: { nlp: Nlp; lexicon: Record<string, string | undefined> } | undefined;

/**
 * compromise's tagger (its "two" level: tags, no phrase API we do not use), loaded on first use from its one-file
 * CommonJS bundle: the ES module build is hundreds of files and costs a command that never segments ~0.2 s more.
 */
function loadTagger(): { nlp: Nlp; lexicon: Record<string, string | undefined> } {
  if (!tagger) {
    const nlp = createRequire(import.meta.url)('compromise/two') as Nlp;
    // compromise's lexicon: what a word is when it knows it (undefined for words it only guesses).
    const lexicon = (nlp.model() as { one: { lexicon: Record<string, string | undefined> } }).one.lexicon;
    tagger = { nlp, lexicon };
  }
  return tagger;
}
const NOUN_TAGS = new Set(['Singular', 'Plural', 'Uncountable', 'Noun']);

function keeps(word: Word, next: Word | undefined, previous: Word | undefined, phraseOpen: boolean): boolean {
  const { tags, lower } = word;
  const lexicon = loadTagger().lexicon;
  if (LINK_WORDS.has(lower) || MEASURE_WORDS.has(lower)) return false;
  if (tags.has('Pronoun') || POSSESSIVE_PRONOUNS.has(lower)) return false;
  if (tags.has('Determiner') || tags.has('Preposition') || tags.has('Conjunction')) return false;
  // A capitalised word before a name belongs to the name ("Mount Rushmore", tagged as a verb otherwise).
  if (STARTS_UPPER.test(word.text) && isProperNoun(next)) return true;
  if (tags.has('Noun') || tags.has('Adjective') || tags.has('Value') || ING_NOUNS.has(lower)) return true;
  // Prompts are descriptions, not orders: a sentence-initial "verb" before a noun is a noun ("Oil painting").
  const nextIsNoun = next !== undefined && (next.tags.has('Noun') || ING_NOUNS.has(next.lower));
  if (word.sentenceStart && tags.has('Infinitive') && nextIsNoun) return true;
  // A word the lexicon knows as a noun, read as a verb before another noun: "oil painting", "a portrait in oil paint".
  if (tags.has('Verb') && nextIsNoun && NOUN_TAGS.has(lexicon[lower] ?? '')) return true;
  // A word compromise does not know, guessed from its ending inside a phrase: "low poly" ("poly" is no adverb).
  if (phraseOpen && lexicon[lower] === undefined && tags.has('Adverb') && !lower.endsWith('ly')) return true;
  if (phraseOpen && lexicon[lower] === undefined && tags.has('Adverb') && previous?.tags.has('Adjective')) return true;
  // "neon lights, ...": a plural read as a verb right after a bare noun, before a preposition or the clause's end.
  if (
    phraseOpen &&
    previous?.sentenceStart &&
    tags.has('PresentTense') &&
    lower.endsWith('s') &&
    (!next || next.tags.has('Preposition') || CLAUSE_END.test(word.post))
  )
    return true;
  return tags.has('Verb') && tags.has('Hyphenated');
}

/** An -ing word that follows a noun inside a phrase usually starts an action ("a hamburger fighting a hot dog"). */
function startsAction(word: Word, previous: Word | undefined): boolean {
  if (!previous || !word.lower.endsWith('ing') || ING_NOUNS.has(word.lower)) return false;
  return previous.tags.has('Noun') && !previous.tags.has('Adjective');
}

/** "of" inside a name stays: "Statue of Liberty", "Bay of Bengal". */
function joinsName(previous: Word | undefined, word: Word, next: Word | undefined): boolean {
  if (!previous || !next || word.lower !== 'of' || /\S/.test(word.post.trim())) return false;
  return STARTS_UPPER.test(previous.text) && STARTS_UPPER.test(next.text) && isProperNoun(next);
}

/**
 * compromise's words, with hyphenated compounds rejoined ("ukiyo-e", "high-backed": one word, tagged with the
 * union of its parts) and the first word of each sentence marked.
 */
function wordsOf(prompt: string): Word[] {
  const sentences = loadTagger().nlp(prompt).json() as { terms: { text: string; tags: string[]; post: string }[] }[];
  const words: Word[] = [];
  for (const sentence of sentences) {
    let joinNext = false;
    sentence.terms.forEach((term, index) => {
      if (!term.text) return;
      const previous = words[words.length - 1];
      if (joinNext && previous) {
        previous.text += `-${term.text}`;
        previous.lower = previous.text.toLowerCase();
        for (const tag of term.tags) previous.tags.add(tag);
        previous.post = term.post;
      } else {
        words.push({
          index: words.length,
          text: term.text,
          lower: term.text.toLowerCase(),
          tags: new Set(term.tags),
          post: term.post,
          sentenceStart: index === 0 || CLAUSE_END.test(sentence.terms[index - 1]?.post ?? ''),
        });
      }
      joinNext = term.post.trim() === '-';
    });
  }
  return words;
}

/** "in the style of X" / "X-style" phrases become "X style", the keyword a style adapter is named by. */
function mergeStyleOf(phrases: string[][]): string[][] {
  const out: string[][] = [];
  for (let index = 0; index < phrases.length; index++) {
    const phrase = phrases[index] ?? [];
    const next = phrases[index + 1];
    if (phrase.length === 1 && /^styles?$/i.test(phrase[0] ?? '') && next) {
      out.push([...next, 'style']);
      index += 1;
      continue;
    }
    out.push(phrase);
  }
  return out;
}

/** Leading counts go ("two black holes" -> "black holes"); a bare count is no task. */
function trimPhrase(words: Word[]): Word[] {
  let start = 0;
  while (start < words.length && isCardinal(words[start] as Word)) start += 1;
  return words.slice(start);
}

export function segmentPrompt(prompt: string): string[] {
  const words = wordsOf(prompt);
  const phrases: string[][] = [];
  let current: Word[] = [];
  const flush = () => {
    const trimmed = trimPhrase(current);
    if (trimmed.length) phrases.push(trimmed.map((word) => word.text));
    current = [];
  };
  words.forEach((word, index) => {
    if (joinsName(current[current.length - 1], word, words[index + 1])) {
      current.push(word);
      return;
    }
    if (keeps(word, words[index + 1], current[current.length - 1], current.length > 0)) {
      if (current.length && startsAction(word, current[current.length - 1])) flush();
      else current.push(word);
    } else flush();
    if (CLAUSE_END.test(word.post)) flush();
  });
  flush();
  const seen = new Set<string>();
  const tasks = mergeStyleOf(phrases)
    .filter((phrase) => !(phrase.length === 1 && FRAMING_WORDS.has((phrase[0] ?? '').toLowerCase())))
    .map((phrase) => phrase.join(' '))
    .filter((phrase) => {
      const key = [...contentTokens(phrase)].join(' ');
      if (!key || seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  // A prompt of one word that compromise reads as a verb ("fire") is still its own topic.
  if (tasks.length === 0 && contentTokens(prompt).size > 0) return [prompt.trim()];
  return tasks;
}
