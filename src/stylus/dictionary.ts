import { readFileSync } from 'node:fs';
import wordListPath from 'word-list';
import { LineSet } from '../util/line-set.js';

/**
 * Whether a word is an English dictionary word (about 275,000, from the `word-list` package). Character and artist
 * names mostly are not ("kisaki", "frazetta", "genshin"), appearance words are ("fox", "ribbon", "blue"): the
 * composer uses it to tell a name from a description. Loaded once, on first use: the list's text is looked up in
 * place (util/line-set.ts): a Set of its words cost `stylus compose` a sixth of its start-up and held 20 MB of a
 * bot's heap, 275,000 objects its garbage collector visited on every major collection.
 */
let words: LineSet | undefined;

export function isDictionaryWord(word: string): boolean {
  words ??= new LineSet(readFileSync(wordListPath, 'utf8'));
  return words.has(word);
}

/** Short words a run-together name may hold between longer ones ("SciencefictioncityonMars"). */
const JOINING_WORDS = new Set(['on', 'of', 'in', 'at', 'to', 'by', 'and', 'the']);
/** Long enough that a run of words is likelier than a name ("takanashi" and "merryweather" stay names). */
const MIN_COMPOUND_LENGTH = 12;
const MIN_PART_LENGTH = 4;
const MAX_PARTS = 4;

const compounds = new Map<string, string[] | undefined>();

/**
 * The dictionary words a run-together word is made of ("gameiconresearch" -> game icon research,
 * "superhighrisebuilding" -> super highrise building), fewest parts first; undefined when the word is a dictionary
 * word, too short to be sure, or not made of dictionary words of four letters or more (a name: "okuzorakohaku").
 */
export function splitCompound(word: string): string[] | undefined {
  if (word.length < MIN_COMPOUND_LENGTH || !/^[a-z]+$/.test(word)) return undefined;
  if (compounds.has(word)) return compounds.get(word);
  let found: string[] | undefined;
  if (!isDictionaryWord(word)) {
    // fewest[end]: the fewest parts that spell word[0, end).
    const fewest: (string[] | undefined)[] = [[]];
    for (let end = 1; end <= word.length; end++) {
      for (let start = 0; start < end; start++) {
        const before = fewest[start];
        const part = word.slice(start, end);
        if (!before || !(JOINING_WORDS.has(part) || (part.length >= MIN_PART_LENGTH && isDictionaryWord(part))))
          continue;
        const current = fewest[end];
        if (!current || before.length + 1 < current.length) fewest[end] = [...before, part];
      }
    }
    const parts = fewest[word.length];
    if (parts && parts.length >= 2 && parts.length <= MAX_PARTS) found = parts;
  }
  if (compounds.size > 20_000) compounds.clear();
  compounds.set(word, found);
  return found;
}
