import { describe, expect, it } from 'vitest';
import { makeAdapter, picksFrom } from './support/adapters.js';

/**
 * Picks a member would not accept, found by reading compositions of anime, fantasy, fashion and art-style prompts
 * (Danbooru tag lists, named looks and artists, clothing) on the 2023-07 Civitai dump. Fixtures are the facts (id, name,
 * category, tags, trigger words) of its items.
 */
const SYFY_EYE = makeAdapter({
  id: 'civitai:44667',
  name: 'SyFyEye1',
  category: 'background',
  tags: ['space', 'futuristic', 'planet', 'scifi', 'scenery', 'fantasy', 'background', 'galaxy', 'landscape'],
});

describe("someone's body part is no place", () => {
  const picks = picksFrom([SYFY_EYE]);

  it('takes no space background named for an eye for the eyes of a girl or a woman, still for an eye alone', () => {
    expect(picks('1girl, solo, long hair, brown eyes, ponytail, armor')).toEqual([]);
    expect(picks('a woman with blue eyes in a space station')).toEqual([]);
    expect(picks('the eye of a woman')).toEqual([]);
    expect(picks('close up of an eye with galaxy reflection')).toEqual(['civitai:44667']);
  });
});
