import { describe, expect, it } from 'vitest';
import { segmentPrompt } from '../src/stylus/segment.js';

describe('segmentPrompt', () => {
  it.each([
    [
      'a corgi astronaut floating in space, ukiyo-e woodblock print style',
      ['corgi astronaut', 'space', 'ukiyo-e woodblock print style'],
    ],
    ['an oil painting of a cat playing checkers', ['oil painting', 'cat', 'checkers']],
    // Multi-word heads stay whole, after a comma too, where compromise reads "oil" as a verb and "lights" as one.
    ['a fox, oil painting', ['fox', 'oil painting']],
    ['neon lights in a rainy city, low poly', ['neon lights', 'rainy city', 'low poly']],
    [
      'a tennis match in the style of Egyptian hieroglyphic tomb paintings',
      ['tennis match', 'Egyptian hieroglyphic tomb paintings style'],
    ],
    ['The Statue of Liberty with Mount Rushmore in the background', ['Statue of Liberty', 'Mount Rushmore']],
    ['a hamburger fighting a hot dog in a boxing ring', ['hamburger', 'hot dog', 'boxing ring']],
    ['two black holes next to a piece of cheese', ['black holes', 'cheese']],
    ['fire', ['fire']],
  ])('%s', (prompt, expected) => {
    expect(segmentPrompt(prompt)).toEqual(expected);
  });

  it('returns nothing for a prompt without content words', () => {
    expect(segmentPrompt('the of and, in a')).toEqual([]);
    expect(segmentPrompt('')).toEqual([]);
  });

  it('returns each task once', () => {
    expect(segmentPrompt('a cat, a cat and another cat')).toEqual(['cat']);
  });
});
