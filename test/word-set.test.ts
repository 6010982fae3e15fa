import { describe, expect, it } from 'vitest';
import { isDictionaryWord } from '../src/stylus/dictionary.js';
import { WordSet } from '../src/util/word-set.js';

describe('WordSet', () => {
  it('holds exactly its words: not their prefixes, extensions or empty parts', () => {
    const set = new WordSet('fox\nfoxes\nribbon\n\nribbon\ncafé\n');
    for (const word of ['fox', 'foxes', 'ribbon', 'café']) expect(set.has(word)).toBe(true);
    for (const word of ['fo', 'foxe', 'foxess', 'ribbons', 'cafe', '', 'Fox']) expect(set.has(word)).toBe(false);
  });

  it('takes another separator, and a word at the very end', () => {
    const set = new WordSet('red, green, blue', ', ');
    expect(['red', 'green', 'blue'].map((word) => set.has(word))).toEqual([true, true, true]);
    expect(set.has('red,')).toBe(false);
  });

  it('stays exact when many words share slots', () => {
    const words = Array.from({ length: 5000 }, (_, index) => `w${index.toString(36)}`);
    const set = new WordSet(words.join('\n'));
    expect(words.every((word) => set.has(word))).toBe(true);
    expect(words.some((word) => set.has(`${word}!`) || set.has(`x${word}`))).toBe(false);
  });
});

describe('isDictionaryWord', () => {
  it('knows English words and not the names the composer looks for', () => {
    expect(['fox', 'ribbon', 'blue', 'castle'].every(isDictionaryWord)).toBe(true);
    expect(['kisaki', 'frazetta', 'genshin'].some(isDictionaryWord)).toBe(false);
  });
});
