import { readFileSync } from 'node:fs';
import wordListPath from 'word-list';
import { WordSet } from '../util/word-set.js';

/**
 * Whether a word is an English dictionary word (about 275,000, from the `word-list` package). Character and artist
 * names mostly are not ("kisaki", "frazetta", "genshin"), appearance words are ("fox", "ribbon", "blue"): the
 * composer uses it to tell a name from a description. Loaded once, on first use (about 30 ms), into a compact set: a
 * Set of strings held 20 MB of the bot's heap.
 */
let words: WordSet | undefined;

export function isDictionaryWord(word: string): boolean {
  if (!words) words = new WordSet(readFileSync(wordListPath, 'utf8'));
  return words.has(word);
}
