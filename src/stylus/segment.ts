import { createRequire } from 'node:module';
import type TwoNlp from 'compromise/two';
import { contentTokens } from '../catalog/text.js';
import { ofInsideTag } from './composition-tags.js';
import { isDictionaryWord } from './dictionary.js';
import {
  COLLECTIVE_NOUNS,
  FRAMING_WORDS,
  ING_NOUNS,
  LINK_WORDS,
  MEASURE_WORDS,
  PICTURE_WORDS,
  POSSESSIVE_PRONOUNS,
} from './segment-words.js';

/**
 * Offline task segmentation: a prompt becomes the noun phrases and style phrases an adapter could be about
 * ("a corgi astronaut floating in space, ukiyo-e woodblock print style" -> corgi astronaut, space, ukiyo-e
 * woodblock print style). compromise tags each word; a phrase is a run of nouns and their modifiers, cut at
 * verbs, prepositions, conjunctions, determiners and punctuation. Every other content word of the prompt (an action,
 * a framing word, an adverb) joins the phrase it belongs to ("breathing fire"), so no part of the prompt is lost,
 * while the phrase itself stays the task's subject for the composer; the words of a clause without a phrase are a
 * task of their own (", rain,", ", highly detailed,"). Tuned on PartiPrompts against the Stylus composer's keywords
 * with general rules only (see `stylus eval topics`).
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
  /** For a word of quoted text ("a sign that says 'Deep Learning'"): the position of the quotation's first word. */
  quote?: number;
}

/** One task of a prompt. */
export interface Segment {
  /**
   * The noun phrase adapters are matched against ("fire"): the composer's evidence rules read its head word. Empty
   * for quoted text, which is words to write ("a sign that says 'Peace'"), not a thing or a look an adapter draws.
   */
  subject: string;
  /** The subject with the prompt's other content words that belong to it, in prompt order ("breathing fire"). */
  task: string;
}

const CLAUSE_END = /[,.;:!?()"“”]/;
const QUOTE = /["“”‘’']/;
const STARTS_UPPER = /^\p{Lu}/u;
const POSSESSIVE_CLITIC = /['’]s$/i;
const FUNCTION_TAGS = ['Pronoun', 'Determiner', 'Preposition', 'Conjunction', 'Copula', 'Auxiliary', 'Modal'];

type Nlp = typeof TwoNlp;
interface Tagger {
  nlp: Nlp;
  /** compromise's lexicon: what a word is when it knows it (undefined for words it only guesses). */
  lexicon: Record<string, string | undefined>;
}
let tagger: Tagger | undefined;

/**
 * compromise's tagger (its "two" level: the tags, without the phrase API we do not use), loaded on first use from
 * its one-file CommonJS bundle: the ES module build is hundreds of files and costs every start-up ~0.2 s more.
 */
function loadTagger(): Tagger {
  if (!tagger) {
    const nlp = createRequire(import.meta.url)('compromise/two') as Nlp;
    const lexicon = (nlp.model() as { one: { lexicon: Record<string, string | undefined> } }).one.lexicon;
    tagger = { nlp, lexicon };
  }
  return tagger;
}

/**
 * Loads the tagger now. A long-running process (the bot) calls it at start, so the first member's composition does
 * not hold the event loop for it; a one-shot command pays for it only when it segments.
 */
export function warmSegmenter(): void {
  loadTagger();
}

/** The word class compromise's lexicon gives a word ("Adjective", "Singular"), if it knows the word: one lookup. */
export function lexiconClass(word: string): string | undefined {
  return loadTagger().lexicon[word];
}

function isProperNoun(word: Word | undefined): boolean {
  return word?.tags.has('ProperNoun') === true;
}

/** A count written as a word ("two", "three-quarters"): a quantifier, like "a" or "several". */
function isCardinal(word: Word): boolean {
  return word.tags.has('Value') && !/\d/.test(word.text);
}

/** A word the tagger reads as part of a named place or organisation ("of" of "the city of London"). */
function isNamePart(word: Word): boolean {
  return ['ProperNoun', 'Place', 'Organization'].some((tag) => word.tags.has(tag));
}

const NOUN_TAGS = new Set(['Singular', 'Plural', 'Uncountable', 'Noun']);

/** Verbs an -ing word follows straight after ("sits watching", "keeps running"). */
const TAKES_AN_ING_WORD = new Set(
  (
    'sit stand lie come go keep start stop begin spend remain continue finish enjoy love like hate avoid try seem ' +
    'appear stay get mind miss risk practice consider suggest imagine recall'
  ).split(' '),
);

/** Whether a present-tense verb ("sits", "goes", "tries", "loves") is one of TAKES_AN_ING_WORD. */
function takesAnIngWord(verb: string): boolean {
  const bases = [verb.slice(0, -1), verb.replace(/es$/, ''), verb.replace(/ies$/, 'y')];
  return bases.some((base) => TAKES_AN_ING_WORD.has(base));
}

/** Determiners that may start a clause of their own ("a tree with leaves that look like balloons"). */
const DEMONSTRATIVES = new Set(['that', 'this', 'these', 'those', 'which', 'what', 'whose']);

/**
 * A participle or gerund used as an adjective: after a determiner or an adjective and before a noun ("a studded
 * leather jacket", "a smashed windshield", "a boxing ring"), not after a noun, where it starts an action.
 */
function isAttributive(word: Word, next: Word | undefined, before: Word | undefined, phraseOpen: boolean): boolean {
  const { tags } = word;
  if (!(tags.has('Gerund') || tags.has('PastTense') || tags.has('Participle'))) return false;
  if (!next || !before || CLAUSE_END.test(word.post) || CLAUSE_END.test(before.post)) return false;
  if (!next.tags.has('Noun') && !next.tags.has('Adjective')) return false;
  // After a determiner or a number: "a smashed windshield", "two running dogs", "a 90s trading card".
  if (before.tags.has('Determiner') || before.tags.has('Value') || POSSESSIVE_PRONOUNS.has(before.lower)) return true;
  return phraseOpen && before.tags.has('Adjective') && !before.tags.has('Noun');
}

function keeps(
  word: Word,
  next: Word | undefined,
  previous: Word | undefined,
  phraseOpen: boolean,
  before: Word | undefined,
): boolean {
  const { tags, lower } = word;
  const { lexicon } = loadTagger();
  // "a front view", "a side view": a camera angle, not where something is.
  if (
    FRAMING_WORDS.has(next?.lower ?? '') &&
    !CLAUSE_END.test(word.post) &&
    (LINK_WORDS.has(lower) || tags.has('Fraction'))
  )
    return true;
  // "front" before a noun describes it ("a large front grille"); see isFrontOfThing for "a store front".
  if (lower === 'front' && next?.tags.has('Noun') && !CLAUSE_END.test(word.post)) return true;
  if (LINK_WORDS.has(lower) || MEASURE_WORDS.has(lower)) return false;
  // "full of" says what a thing holds, as "with" does: "a tavern full of adventurers" is a tavern, and adventurers in it.
  if (lower === 'full' && next?.lower === 'of') return false;
  // A group of creatures counts them: "a school of fish" is fish, no school.
  if (COLLECTIVE_NOUNS.has(lower) && next?.lower === 'of') return false;
  // A stopword that opens a noun phrase as its describing word names the thing with it: "a still life", "still life of
  // fruit" (not "life").
  if (
    (tags.has('Adverb') || tags.has('Adjective')) &&
    !lower.endsWith('ly') &&
    next?.tags.has('Noun') &&
    !next.tags.has('Adjective') &&
    !CLAUSE_END.test(word.post) &&
    (word.sentenceStart || before?.tags.has('Determiner'))
  )
    return true;
  // A stopword the tagger reads as an adjective or a noun ("in" of "in front of", "of" of "the right of a car") names
  // nothing, unless it is inside a name ("the city of London", "the Beatles").
  if (contentTokens(word.text).size === 0 && !(isNamePart(word) && isProperNoun(next))) return false;
  if (tags.has('Pronoun') || POSSESSIVE_PRONOUNS.has(lower)) return false;
  if (tags.has('Determiner') || tags.has('Preposition') || tags.has('Conjunction')) return false;
  // A capitalised word before a name belongs to the name ("Mount Rushmore", tagged as a verb otherwise).
  if (STARTS_UPPER.test(word.text) && isProperNoun(next)) return true;
  if (tags.has('Noun') || tags.has('Adjective') || tags.has('Value') || ING_NOUNS.has(lower)) return true;
  if (isAttributive(word, next, before, phraseOpen)) return true;
  // "cream colored", "rust-coloured": a colour made an adjective, before what it colours.
  if (phraseOpen && /^colou?red$/.test(lower) && next?.tags.has('Noun')) return true;
  // A pronoun after a word in its clause is the word's object, not a noun it makes a compound with ("a man walks his
  // dog", "a robot holds its head").
  const objectPronoun =
    next !== undefined &&
    (next.tags.has('Pronoun') || POSSESSIVE_PRONOUNS.has(next.lower)) &&
    !CLAUSE_END.test(word.post);
  const nextIsNoun = next !== undefined && !objectPronoun && (next.tags.has('Noun') || ING_NOUNS.has(next.lower));
  // Prompts are descriptions, not orders: a sentence-initial "verb" (an infinitive or an imperative to compromise)
  // before a noun is a noun or what describes it ("Oil painting", "Overhead view of a street").
  if (word.sentenceStart && (tags.has('Infinitive') || tags.has('Imperative')) && nextIsNoun) return true;
  // Before a participle it is the thing doing it ("milk pouring into a glass", "rain falling on a city").
  const nextIsParticiple = next !== undefined && (next.tags.has('Gerund') || next.tags.has('Participle'));
  if (word.sentenceStart && tags.has('Infinitive') && nextIsParticiple) return true;
  // A word the lexicon knows as a noun, read as a verb before another noun: "oil painting", "a portrait in oil paint".
  if (tags.has('Verb') && nextIsNoun && NOUN_TAGS.has(lexicon[lower] ?? '')) return true;
  // No verb follows an article or a quantifier: a present or bare verb there is a noun ("a marina without any boats",
  // "boat" being a verb to compromise's lexicon), unless it takes an object ("the dog bit a child").
  if (
    tags.has('Verb') &&
    !['Gerund', 'PastTense', 'Participle', 'Copula', 'Auxiliary', 'Modal'].some((tag) => tags.has(tag)) &&
    before?.tags.has('Determiner') &&
    !DEMONSTRATIVES.has(before.lower) &&
    !CLAUSE_END.test(before.post) &&
    !next?.tags.has('Determiner')
  )
    return true;
  // A word compromise does not know, guessed as a past tense from its "-ed" right after "a" or "its", is a noun when
  // no noun follows that it could describe: "a rhinoceros in its flatbed".
  if (
    tags.has('PastTense') &&
    lexicon[lower] === undefined &&
    (before?.tags.has('Determiner') || POSSESSIVE_PRONOUNS.has(before?.lower ?? '')) &&
    !CLAUSE_END.test(before?.post ?? '') &&
    !next?.tags.has('Noun') &&
    !next?.tags.has('Determiner')
  )
    return true;
  // A bare verb form after a singular noun is no verb ("a cat jump" is no English) unless it takes an object ("the
  // dog bit a child"): a compound ("a speed boat"). So after a number with its unit: "a 3d render", "an 8k scan".
  if (
    phraseOpen &&
    tags.has('Infinitive') &&
    (previous?.tags.has('Singular') || (previous?.tags.has('Value') && /\d\p{L}/u.test(previous.text))) &&
    !CLAUSE_END.test(previous.post) &&
    !/(s|ing|ed)$/.test(lower) &&
    !next?.tags.has('Determiner')
  )
    return true;
  // A word compromise does not know, guessed as a bare verb inside a phrase, is its noun ("low poly fox in a forest"),
  // unless it follows a plural that it could be the verb of or takes an object.
  if (
    phraseOpen &&
    lexicon[lower] === undefined &&
    tags.has('Infinitive') &&
    !previous?.tags.has('Plural') &&
    !CLAUSE_END.test(previous?.post ?? '') &&
    !next?.tags.has('Determiner') &&
    !objectPronoun
  )
    return true;
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
  // Before what it does, too: "neon lights reflecting on a wet street", "fairy lights hanging in a bedroom". Few verbs
  // take an -ing word straight after them, and those say how someone is or goes on ("a cat sits watching birds").
  if (
    phraseOpen &&
    previous?.tags.has('Noun') &&
    !CLAUSE_END.test(previous.post) &&
    tags.has('PresentTense') &&
    lower.endsWith('s') &&
    !CLAUSE_END.test(word.post) &&
    next?.tags.has('Gerund') &&
    !takesAnIngWord(lower)
  )
    return true;
  return tags.has('Verb') && tags.has('Hyphenated');
}

/** An -ing word that follows a noun inside a phrase usually starts an action ("a hamburger fighting a hot dog"). */
function startsAction(word: Word, previous: Word | undefined): boolean {
  if (!previous || !word.lower.endsWith('ing') || ING_NOUNS.has(word.lower)) return false;
  return previous.tags.has('Noun') && !previous.tags.has('Adjective');
}

/** "of" inside a name stays: "Statue of Liberty", "Bay of Bengal"; so does the "of" of "depth of field", a tag. */
function joinsName(previous: Word | undefined, word: Word, next: Word | undefined): boolean {
  if (!previous || !next || word.lower !== 'of' || /\S/.test(word.post.trim())) return false;
  if (!CLAUSE_END.test(previous.post) && ofInsideTag(previous.lower, next.lower)) return true;
  return STARTS_UPPER.test(previous.text) && STARTS_UPPER.test(next.text) && isProperNoun(next);
}

/**
 * A capitalised word the dictionary lacks, right after a capitalised word of the phrase, is more of the same name,
 * whatever the tagger reads it as: "Chen Hai" (Azur Lane), whose "Hai" it takes for a verb.
 */
function continuesWrittenName(current: readonly Word[], word: Word): boolean {
  const last = current[current.length - 1];
  if (!last || /\S/.test(last.post.trim()) || !STARTS_UPPER.test(last.text) || !STARTS_UPPER.test(word.text))
    return false;
  return /^\p{L}+$/u.test(word.text) && !isDictionaryWord(word.lower);
}

/** Most words a series' name opens with before its "of". */
const SERIES_NAME_OPENING = 3;

/**
 * "of" (and a "the" after it) inside the name of a series someone is "from", written lower-case as members do: "lux
 * from league of legends", "frodo from the lord of the rings"; or of a title that opens its clause, with no article,
 * and names the noun after it: "league of legends splash art", "lord of the rings poster", or whose "of the" says it
 * is a title whatever follows: "lord of the rings style". Elsewhere "a cup of coffee" and "the skyline of New York"
 * are two things.
 */
function joinsSeriesName(current: readonly Word[], word: Word, words: readonly Word[]): boolean {
  const [first] = current;
  const last = current[current.length - 1];
  if (!first || !last || current.length > SERIES_NAME_OPENING || CLAUSE_END.test(last.post)) return false;
  const before = words[first.index - 1];
  const from = before?.lower === 'the' ? words[first.index - 2] : before;
  const opensClause = before === undefined || CLAUSE_END.test(before.post);
  if (from?.lower !== 'from' && !opensClause) return false;
  if (word.lower === 'the') return last.lower === 'of';
  if (word.lower !== 'of' || current.some((other) => other.lower === 'of')) return false;
  const next = words[word.index + 1];
  const noun = next?.lower === 'the' ? words[word.index + 2] : next;
  if (noun?.tags.has('Noun') !== true) return false;
  if (from?.lower === 'from') return true;
  // A title opening its clause names the noun that follows it: "legend of zelda landscape", no "cup of coffee". Its
  // first part is one word, no framing: "ground view of the great pyramids" is a view of them.
  if (current.length !== 1 || FRAMING_WORDS.has(first.lower)) return false;
  // "of the" after a bare word opening its clause is a title's, whatever follows: "lord of the rings style".
  if (next?.lower === 'the') return true;
  const named = words[noun.index + 1];
  if (named === undefined || CLAUSE_END.test(noun.post) || named.tags.has('Pronoun')) return false;
  // Or a compound that opens with a word read as a verb: "splash art".
  const compound = words[named.index + 1];
  return (
    named.tags.has('Noun') ||
    (named.tags.has('Infinitive') && !CLAUSE_END.test(named.post) && compound?.tags.has('Noun') === true)
  );
}

/** What a title names when its name comes first: "dungeons and dragons art". */
const WORKS_OF_A_TITLE = new Set(['art', 'artwork', 'style', 'poster', 'cover', 'illustration', 'aesthetic']);

/**
 * "and" inside a title of two plural nouns that opens its clause and names the art after it: "dungeons and dragons
 * art" is the game's art, not dungeons beside a dragon style. Without that word they are two things ("cats and dogs").
 */
function joinsTitleAnd(current: readonly Word[], word: Word, words: readonly Word[]): boolean {
  const [first] = current;
  if (word.lower !== 'and' || current.length !== 1 || !first?.tags.has('Plural') || CLAUSE_END.test(first.post))
    return false;
  const before = words[first.index - 1];
  if (before !== undefined && !CLAUSE_END.test(before.post)) return false;
  const second = words[word.index + 1];
  const work = words[word.index + 2];
  if (!second?.tags.has('Plural') || CLAUSE_END.test(word.post) || CLAUSE_END.test(second.post)) return false;
  return work !== undefined && WORKS_OF_A_TITLE.has(work.lower);
}

/**
 * "and" or "or" between the adjectives of one thing: "a black and white photo", "a fuzzy and bright yellow moon", "a
 * hazy and seemingly isolated landscape" (not "a cat and a dog", nor "salt and pepper").
 */
function joinsAdjectives(current: readonly Word[], word: Word, words: readonly Word[]): boolean {
  if ((word.lower !== 'and' && word.lower !== 'or') || current.length === 0) return false;
  const last = current[current.length - 1] as Word;
  if (CLAUSE_END.test(last.post) || CLAUSE_END.test(word.post)) return false;
  if (!current.every((other) => other.tags.has('Adjective') && !other.tags.has('Noun'))) return false;
  let next = word.index + 1;
  while (words[next]?.tags.has('Adverb')) next += 1;
  const after = words[next];
  if (!after) return false;
  return after.tags.has('Adjective') || (after.tags.has('PastTense') && words[next + 1]?.tags.has('Noun') === true);
}

/** After such an "and": its adverbs and the participle they qualify ("seemingly isolated"), until the noun. */
function continuesJoinedAdjectives(current: readonly Word[], word: Word, next: Word | undefined): boolean {
  const joined = current.findIndex((other) => other.lower === 'and' || other.lower === 'or');
  if (joined < 0 || current.slice(joined + 1).some((other) => !other.tags.has('Adverb'))) return false;
  return word.tags.has('Adverb') || (word.tags.has('PastTense') && next?.tags.has('Noun') === true);
}

/**
 * Marks that part a prompt as a comma does: a bar ("highly detailed | depth of field"), a bullet, a line break, and
 * AUTOMATIC1111's BREAK keyword ("1girl BREAK forest"). Read otherwise, "depth of field" fell apart into "depth" and
 * "field" and the whole list ran into one task.
 */
const PART_MARKS = /\s*(?:[|•\n\r]|\bBREAK\b)\s*/g;

/** "w/" and "w/o" as members write "with" and "without": "anime girl w/ sword" is no "girl w sword". */
const WITH_SHORT = /(?<![\p{L}\p{N}/])w\/(?=\s)/giu;
const WITHOUT_SHORT = /(?<![\p{L}\p{N}/])w\/o(?=\s)/giu;

/**
 * compromise's words, with hyphenated compounds rejoined ("ukiyo-e", "high-backed": one word, tagged with the
 * union of its parts), the first word of each sentence marked, and quoted text marked as such.
 */
function wordsOf(prompt: string): Word[] {
  const written = prompt.replace(PART_MARKS, ', ').replace(WITHOUT_SHORT, 'without').replace(WITH_SHORT, 'with');
  const sentences = loadTagger().nlp(written).json() as {
    terms: { text: string; tags: string[]; pre: string; post: string }[];
  }[];
  const words: Word[] = [];
  let quoteStart: number | undefined;
  for (const sentence of sentences) {
    let joinNext = false;
    sentence.terms.forEach((term, index) => {
      const previous = words[words.length - 1];
      if (!term.text) {
        // compromise splits "1girl" into "1girl" and an empty "girl": the comma after it still ends the clause.
        if (previous) previous.post += term.post;
        return;
      }
      if (joinNext && previous) {
        previous.text += `-${term.text}`;
        previous.lower = previous.text.toLowerCase();
        for (const tag of term.tags) previous.tags.add(tag);
        previous.post = term.post;
        // A compound with a content part is a content word: "pen-and-ink", "tug-of-war", "a four-leaf clover".
        if (['Noun', 'Adjective', 'Verb'].some((tag) => previous.tags.has(tag)))
          for (const tag of [...FUNCTION_TAGS, 'Value']) previous.tags.delete(tag);
      } else {
        words.push({
          index: words.length,
          text: term.text,
          lower: term.text.toLowerCase(),
          tags: new Set(term.tags),
          post: term.post,
          sentenceStart: index === 0 || CLAUSE_END.test(sentence.terms[index - 1]?.post ?? ''),
        });
        if (quoteStart === undefined && QUOTE.test(term.pre)) quoteStart = words.length - 1;
      }
      joinNext = term.post.trim() === '-';
      // A quotation ends at its closing mark; an opening mark never closed quotes nothing.
      if (quoteStart !== undefined && QUOTE.test(term.post)) {
        for (const word of words.slice(quoteStart)) word.quote = quoteStart;
        quoteStart = undefined;
      }
    });
  }
  // "on top of" is a preposition, like "in front of": the top of nothing ("a red sphere on top of a yellow box").
  words.forEach((word, index) => {
    if (word.lower === 'top' && words[index - 1]?.lower === 'on' && words[index + 1]?.lower === 'of')
      word.tags = new Set(['Preposition']);
  });
  return words;
}

/** "in the style of X" / "X-style" phrases become "X style", the keyword a style adapter is named by. */
function mergeStyleOf(phrases: Word[][]): Word[][] {
  const out: Word[][] = [];
  for (let index = 0; index < phrases.length; index++) {
    const phrase = phrases[index] ?? [];
    const next = phrases[index + 1];
    if (phrase.length === 1 && /^styles?$/i.test(phrase[0]?.text ?? '') && next) {
      out.push([...next, ...phrase]);
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
  // A fraction names an angle, not a count, before a framing noun: "a three-quarters front view".
  const framing = FRAMING_WORDS.has(words[words.length - 1]?.lower ?? '');
  while (start < words.length && isCardinal(words[start] as Word) && !(framing && words[start]?.tags.has('Fraction')))
    start += 1;
  return words.slice(start);
}

/** The noun phrases of the prompt and its quotations, each as its words in the order the task names them. */
function nounPhrases(words: Word[]): Word[][] {
  const phrases: Word[][] = [];
  let current: Word[] = [];
  const flush = () => {
    const trimmed = trimPhrase(current);
    if (trimmed.length) phrases.push(trimmed);
    current = [];
  };
  words.forEach((word, index) => {
    if (word.quote !== undefined) {
      // Quoted text is one task, whole, whatever its words are: the words to write, the title to show.
      if (word.quote === word.index) {
        flush();
        phrases.push(words.filter((other) => other.quote === word.index));
      }
      return;
    }
    if (
      joinsName(current[current.length - 1], word, words[index + 1]) ||
      continuesWrittenName(current, word) ||
      joinsSeriesName(current, word, words) ||
      joinsTitleAnd(current, word, words) ||
      joinsAdjectives(current, word, words) ||
      continuesJoinedAdjectives(current, word, words[index + 1])
    ) {
      current.push(word);
      if (CLAUSE_END.test(word.post)) flush();
      return;
    }
    if (keeps(word, words[index + 1], current[current.length - 1], current.length > 0, words[index - 1])) {
      if (current.length && startsAction(word, current[current.length - 1])) flush();
      else current.push(word);
    } else flush();
    if (CLAUSE_END.test(word.post)) flush();
  });
  flush();
  return mergeStyleOf(phrases).filter(
    (phrase) => !(phrase.length === 1 && FRAMING_WORDS.has((phrase[0] as Word).lower)),
  );
}

/**
 * "front" is a word of "in front of" only there; anywhere else it is the front of the thing before it ("a store
 * front"), which it joins like a framing word.
 */
function isFrontOfThing(word: Word, words: readonly Word[]): boolean {
  return word.lower === 'front' && words[word.index + 1]?.lower !== 'of';
}

/**
 * Function words say how things relate, not what is drawn: stopwords, pronouns, determiners, prepositions and
 * the spatial words of "next to" or "in front of", and counts ("two"), which quantify like "a" or "several".
 */
function isFunctionWord(word: Word, words: readonly Word[]): boolean {
  const { tags, lower } = word;
  if (contentTokens(word.text).size === 0) return true;
  if (isFrontOfThing(word, words)) return false;
  if (LINK_WORDS.has(lower) || POSSESSIVE_PRONOUNS.has(lower) || lower === "'s" || lower === '’s') return true;
  if (tags.has('Value') && !/\d/.test(word.text)) return true;
  return FUNCTION_TAGS.some((tag) => tags.has(tag));
}

/** Words that say a thing is absent: "a street without cars", "a car with no windows". */
const NEGATIONS = new Set(['without', 'no']);

/**
 * The words that make a phrase absent: the "without" or "no" before it, past its determiners ("without any boats",
 * "without its peel"), or nothing more when it is "of" something absent ("without a statue of a horse"). Undefined
 * for a phrase that is there.
 */
function absenceOf(phrase: readonly Word[], words: readonly Word[], absent: ReadonlySet<number>): Word[] | undefined {
  const first = phrase[0];
  if (!first || first.quote !== undefined) return undefined;
  for (let index = first.index - 1; index >= 0; index--) {
    const word = words[index] as Word;
    if (CLAUSE_END.test(word.post)) return undefined;
    if (NEGATIONS.has(word.lower)) return [word];
    if (word.lower === 'of' && absent.has(index - 1)) return [];
    if (!word.tags.has('Determiner') && !POSSESSIVE_PRONOUNS.has(word.lower) && !isCardinal(word)) return undefined;
  }
  return undefined;
}

/**
 * The first word of the clause of a word when no noun phrase of the prompt is in that clause, else undefined. A
 * clause right after a quotation is the quotation's own ("'Hello, world.' written on it"), whatever its punctuation.
 */
function phraselessClause(word: Word, words: readonly Word[], owner: ReadonlyMap<number, number>): number | undefined {
  let start = word.index;
  while (start > 0 && !CLAUSE_END.test(words[start - 1]?.post ?? '')) start -= 1;
  if (words[start - 1]?.quote !== undefined) return undefined;
  for (let index = start; index < words.length; index++) {
    if (owner.has(index)) return undefined;
    if (CLAUSE_END.test(words[index]?.post ?? '')) break;
  }
  return start;
}

interface Task {
  words: Word[];
  /** Content words of the prompt outside every phrase that belong to this one. */
  joined: Word[];
}

const textOf = (words: readonly Word[]) => words.map((word) => word.text).join(' ');
const headOf = (words: readonly Word[]) => words[words.length - 1]?.lower ?? '';

/**
 * The task a phrase is: a new one, or one named before. A phrase with the words of an earlier one, or fewer of them
 * around the same head, names the same thing again ("A smiling sloth ... The sloth is holding a book").
 */
function taskFor(phrase: Word[], tasks: Task[]): number {
  const tokens = contentTokens(textOf(phrase));
  const head = headOf(phrase);
  const found = tasks.findIndex((task) => {
    const taskTokens = contentTokens(textOf(task.words));
    const same = tokens.size === taskTokens.size && [...tokens].every((token) => taskTokens.has(token));
    const fewer = headOf(task.words) === head && [...tokens].every((token) => taskTokens.has(token));
    return same || fewer;
  });
  if (found >= 0) return found;
  tasks.push({ words: phrase, joined: [] });
  return tasks.length - 1;
}

/**
 * The task a content word outside every phrase joins: the next phrase of its clause ("breathing" -> "fire",
 * "photo" of "a photo of a cat" -> "cat"), else the previous one ("a man looks angry"). A framing word that frames
 * no "of" phrase or quotation says where the thing before it is ("a whale in the background"). A thing the prompt
 * names again (`mentionedAgain`) is where the clause's new thing acts, so the word joins that new thing instead
 * ("Several cats are leaning into the fountain" -> "cats are leaning"). Without a phrase in the clause (what a thing
 * lacks, where it is shown), the nearest phrase of the prompt.
 */
function taskOfWord(
  word: Word,
  words: readonly Word[],
  owner: ReadonlyMap<number, number>,
  belongsBefore = false,
  mentionedAgain: ReadonlySet<number> = new Set(),
): number | undefined {
  const clauseEnds = (index: number) => CLAUSE_END.test(words[index]?.post ?? '');
  let next: number | undefined;
  let nextAgain = false;
  for (let index = word.index; index < words.length - 1 && !clauseEnds(index) && next === undefined; index++) {
    next = owner.get(index + 1);
    nextAgain = mentionedAgain.has(index + 1);
  }
  // Why: a later mention's task is the first mention's, far back ("large city fountain leaning").
  let fresh: number | undefined;
  let again: number | undefined;
  for (let index = word.index - 1; index >= 0 && !clauseEnds(index) && fresh === undefined; index--) {
    const task = owner.get(index);
    if (task === undefined) continue;
    if (mentionedAgain.has(index)) again ??= task;
    else fresh = task;
  }
  const previous = fresh ?? again;
  const after = words[word.index + 1];
  const framesPrevious =
    (FRAMING_WORDS.has(word.lower) || isFrontOfThing(word, words)) &&
    after?.lower !== 'of' &&
    after?.quote === undefined;
  const inClause =
    framesPrevious || belongsBefore || (nextAgain && fresh !== undefined) ? (previous ?? next) : (next ?? previous);
  if (inClause !== undefined) return inClause;
  let nearest: number | undefined;
  let distance = Number.POSITIVE_INFINITY;
  for (const [index, task] of owner) {
    const away = Math.abs(index - word.index);
    if (away < distance || (away === distance && index > word.index)) {
      nearest = task;
      distance = away;
    }
  }
  return nearest;
}

/**
 * A spatial phrase with nothing to draw in it, between what is done and its thing: "next to two" of "standing next to
 * two orange cats", "down its" of "pouring down its slopes". Read into the task, so no "standing orange cats".
 */
function spatialGap(gap: readonly Word[]): boolean {
  return (
    gap.some((word) => LINK_WORDS.has(word.lower)) &&
    gap.every(
      (word) =>
        contentTokens(word.text).size === 0 ||
        LINK_WORDS.has(word.lower) ||
        POSSESSIVE_PRONOUNS.has(word.lower) ||
        isCardinal(word),
    )
  );
}

interface Span {
  first: number;
  last: number;
  text: string;
}

/**
 * The task as members read it: the phrase with its joined words in prompt order, and the stopwords and spatial words
 * between them where the prompt has nothing else there ("floating in space", "a piece of cheese", "sitting next to a
 * dog", never "sitting dog": see spatialGap); possessive "'s" dropped
 * ("corgi head": the eval's tokens and the catalog's have no "s").
 */
function taskText(task: Task, words: readonly Word[]): string {
  const indexes = task.words.map((word) => word.index);
  const phrase: Span[] =
    indexes.length === 0
      ? []
      : [
          {
            first: Math.min(...indexes),
            last: Math.max(...indexes),
            text: task.words.map((word) => word.text.replace(POSSESSIVE_CLITIC, '')).join(' '),
          },
        ];
  const spans = [
    ...task.joined.map((word) => ({ first: word.index, last: word.index, text: word.text })),
    ...phrase,
  ].sort((a, b) => a.first - b.first);
  let text = '';
  spans.forEach((span, index) => {
    const before = spans[index - 1];
    if (before) {
      const gap = words.slice(before.last + 1, span.first);
      const bridges =
        gap.length > 0 &&
        !words.slice(before.last, span.first).some((word) => CLAUSE_END.test(word.post)) &&
        (gap.every((word) => contentTokens(word.text).size === 0) || spatialGap(gap));
      text += bridges ? ` ${textOf(gap)} ` : ' ';
    }
    text += span.text;
  });
  return text;
}

/**
 * The tasks of a prompt, in prompt order: its noun phrases, each once, with every other content word joined to one of
 * them, and the clauses that name no thing.
 */
export function segmentTasks(prompt: string): Segment[] {
  const words = wordsOf(prompt);
  const tasks: Task[] = [];
  const owner = new Map<number, number>();
  const absent = new Set<number>();
  const mentionedAgain = new Set<number>();
  for (const phrase of nounPhrases(words)) {
    if (contentTokens(textOf(phrase)).size === 0) continue;
    const absence = absenceOf(phrase, words, absent);
    if (absence) {
      for (const word of [...absence, ...phrase]) absent.add(word.index);
      continue;
    }
    const known = tasks.length;
    const task = taskFor(phrase, tasks);
    for (const word of phrase) owner.set(word.index, task);
    if (task < known) for (const word of phrase) mentionedAgain.add(word.index);
  }
  if (tasks.length === 0) {
    // A prompt of one word that compromise reads as a verb ("fire") is still its own topic.
    const whole = prompt.trim();
    return contentTokens(whole).size > 0 ? [{ subject: whole, task: whole }] : [];
  }
  const clauseTasks = new Map<number, Task>();
  for (const word of words) {
    const lacked = absent.has(word.index);
    if (owner.has(word.index) || (isFunctionWord(word, words) && !lacked)) continue;
    // A clause that names no thing asks for something of its own, not for the nearest thing of the prompt: the terms
    // of a tag list ("neon lights, rain, cinematic lighting"), an action told apart ("two of which are turning away").
    // What a thing lacks still joins that thing; a framing word joins its clause's task ("It waited at the top").
    // What a tag list says is absent, in a clause of its own, is said of the whole picture ("scenery, no humans,
    // forest"): a task of its own, with no thing to draw (its subject is empty), so no adapter comes for it.
    if (lacked && !isFunctionWord(word, words)) {
      const own = phraselessClause(word, words, owner);
      if (own !== undefined) {
        const task = clauseTasks.get(own) ?? { words: [], joined: [] };
        if (!clauseTasks.has(own)) {
          tasks.push(task);
          clauseTasks.set(own, task);
        }
        task.joined.push(word);
        continue;
      }
    }
    const clause = lacked ? undefined : phraselessClause(word, words, owner);
    // A kind of picture alone in its clause is the medium asked for ("... on it. Photograph."), not where a thing is.
    const framing = FRAMING_WORDS.has(word.lower) && !PICTURE_WORDS.has(word.lower);
    if (clause !== undefined && framing) {
      const task = clauseTasks.get(clause);
      if (task) {
        task.joined.push(word);
        continue;
      }
    } else if (clause !== undefined) {
      const task = clauseTasks.get(clause) ?? { words: [], joined: [] };
      if (task.words.length === 0) {
        tasks.push(task);
        clauseTasks.set(clause, task);
      }
      task.words.push(word);
      continue;
    }
    // What a thing lacks is part of it, never a task of its own: "a street without cars" wants no car adapter.
    const task = taskOfWord(word, words, owner, lacked, mentionedAgain);
    if (task !== undefined) tasks[task]?.joined.push(word);
  }
  // In prompt order: a clause's task sits where the clause is.
  const startOf = (task: Task) => (task.words[0] ?? task.joined[0])?.index ?? 0;
  tasks.sort((a, b) => startOf(a) - startOf(b));
  return tasks.map((task) => ({
    subject: task.words[0]?.quote === undefined ? textOf(task.words) : '',
    task: taskText(task, words),
  }));
}

/** The task texts of a prompt (what `stylus eval topics` scores). */
export function segmentPrompt(prompt: string): string[] {
  return segmentTasks(prompt).map((segment) => segment.task);
}
