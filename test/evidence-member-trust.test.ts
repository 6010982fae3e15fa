import { describe, expect, it } from 'vitest';
import { asCandidates, makeAdapter, offlinePicks } from './support/adapters.js';

/**
 * Picks a member of a public server would not accept, seen on the 2023-07 Civitai dump (base sd1). Fixtures are the
 * facts (id, name, tags, trigger words) of its items.
 */
const picksFrom = (catalog: Parameters<typeof asCandidates>[0]) => {
  const candidates = asCandidates(catalog);
  return (prompt: string) => offlinePicks(prompt, candidates);
};

describe('a one-word name is no evidence for the word that says which kind of thing the task asks for', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:59574',
      name: 'kCuteTanks',
      category: 'vehicle',
      tags: ['concept', 'tank', 'vehicle', 'submarine', 'dirigible'],
      triggerWords: ['kcuteT4nk'],
    }),
  ]);

  it('takes no tank (the vehicle) for a tank top, still for a tank', () => {
    expect(picks('a woman in a red tank top')).toEqual([]);
    expect(picks('a tank top')).toEqual([]);
    expect(picks('a tank crossing a river')).toEqual(['civitai:59574']);
  });
});
