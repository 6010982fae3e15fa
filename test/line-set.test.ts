import { describe, expect, it } from 'vitest';
import { isDictionaryWord } from '../src/stylus/dictionary.js';
import { LineSet } from '../src/util/line-set.js';

/** What LineSet must answer: exactly the Set of the text's lines. */
function expectSameAsSplit(text: string, probes: readonly string[]): void {
  const lines = new LineSet(text);
  const reference = new Set(text.split('\n'));
  for (const word of [...reference, ...probes]) expect(lines.has(word), JSON.stringify(word)).toBe(reference.has(word));
}

describe('LineSet', () => {
  it('answers like a Set of the lines, with a trailing newline, empty lines and duplicates', () => {
    expectSameAsSplit('apple\nbanana\n\nbanana\ncherry\n', ['', 'appl', 'apples', 'banana\n', 'Apple', 'cherr', 'x']);
  });

  it('answers like a Set of the lines without a trailing newline, and for an empty text', () => {
    expectSameAsSplit('zebra\nyak', ['zebra', 'yak', 'ya', 'yak\n', '']);
    expectSameAsSplit('', ['', 'a']);
  });

  it('keeps telling words apart past its first table size (many lines, colliding buckets)', () => {
    const words = Array.from({ length: 5000 }, (_, index) => `w${index.toString(36)}`);
    expectSameAsSplit(words.join('\n'), ['w', 'wzzz', 'x0', 'w0\n', ...words.map((word) => `${word}x`)]);
  });
});

describe('isDictionaryWord', () => {
  it('knows English words and not the names the composer must tell from them', () => {
    for (const word of ['fox', 'ribbon', 'blue', 'forest']) expect(isDictionaryWord(word), word).toBe(true);
    for (const word of ['kisaki', 'frazetta', 'genshin']) expect(isDictionaryWord(word), word).toBe(false);
  });
});
