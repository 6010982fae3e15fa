import { describe, expect, it } from 'vitest';
import { asCandidates, makeAdapter, offlinePicks } from './support/adapters.js';

/**
 * Picks found by reading compositions of members' everyday prompts ("a cute emoji of a laughing cat", "a train
 * crossing a bridge") on the Civitai dump, that a member of a public server would not accept. Names, categories, tags
 * and triggers are written after the real dump items named by their ids.
 */
const catalog = [
  makeAdapter({
    id: 'civitai:43256',
    name: 'Blue Archive Emoji style',
    category: 'style',
    tags: ['anime', 'style', 'blue archive', 'artstyle', 'chibi', 'super deformed'],
    triggerWords: ['Chibi'],
  }),
  makeAdapter({
    id: 'civitai:1',
    name: 'Claude Monet/Oscar-Claude Monet style',
    category: 'style',
    tags: ['impressionism', 'painting'],
  }),
];

const candidates = asCandidates(catalog);
const picks = (prompt: string) => offlinePicks(prompt, candidates);

describe('a look is no artist', () => {
  it('takes no game-franchise emoji style for an emoji: "emoji" names no artist', () => {
    expect(picks('a cute emoji of a laughing cat')).not.toContain('civitai:43256');
    expect(picks('an emoji')).not.toContain('civitai:43256');
  });

  it('still takes an artist named by a word the dictionary lacks', () => {
    expect(picks('a garden with a pond, monet style')).toContain('civitai:1');
  });
});
