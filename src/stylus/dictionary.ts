import { readFileSync } from 'node:fs';
import wordListPath from 'word-list';

/**
 * Whether a word is an English dictionary word (about 275,000, from the `word-list` package). Character and artist
 * names mostly are not ("kisaki", "frazetta", "genshin"), appearance words are ("fox", "ribbon", "blue"): the
 * composer uses it to tell a name from a description. Loaded once, on first use (about 30 ms).
 */
let words: Set<string> | undefined;

export function isDictionaryWord(word: string): boolean {
  if (!words) words = new Set(readFileSync(wordListPath, 'utf8').split('\n'));
  return words.has(word);
}
