import { readFileSync } from 'node:fs';
import wordListPath from 'word-list';
import { LineSet } from '../util/line-set.js';

/**
 * Whether a word is an English dictionary word (about 275,000, from the `word-list` package). Character and artist
 * names mostly are not ("kisaki", "frazetta", "genshin"), appearance words are ("fox", "ribbon", "blue"): the
 * composer uses it to tell a name from a description. Loaded once, on first use: the list's text is looked up in
 * place (util/line-set.ts), as a Set of its words cost `stylus compose` a sixth of its start-up.
 */
let words: LineSet | undefined;

export function isDictionaryWord(word: string): boolean {
  words ??= new LineSet(readFileSync(wordListPath, 'utf8'));
  return words.has(word);
}
