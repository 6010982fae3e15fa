import { describe, expect, it } from 'vitest';
import { singular } from '../src/catalog/classify/words.js';
import { asCandidates, makeAdapter, offlinePicks } from './support/adapters.js';

/**
 * One word written in another form is still that word for a member: a plural no ending rule reads ("children" of a
 * child's drawing). Names and tags are written after real dump items.
 */
const catalog = [
  makeAdapter({ id: 'civitai:7267', name: "Children's Drawing LoRa", category: 'style', tags: ['anime', 'style'] }),
  makeAdapter({ id: 'civitai:2', name: 'Autumn Leaf', category: 'object', tags: ['leaf', 'autumn'] }),
];

const candidates = asCandidates(catalog);
const picks = (prompt: string) => offlinePicks(prompt, candidates);

describe('irregular plurals', () => {
  it('reads the plurals no ending rule reads, and leaves the regular ones to it', () => {
    expect(singular('children')).toBe('child');
    expect(singular('women')).toBe('woman');
    expect(singular('leaves')).toBe('leaf');
    expect(singular('wolves')).toBe('wolf');
    expect(singular('waves')).toBe('wave');
    expect(singular('caves')).toBe('cave');
  });

  it("gives a children's drawing style to a child's drawing, and not to a child", () => {
    expect(picks("a gecko in a hat. child's crayon drawing")).toContain('civitai:7267');
    expect(picks('a child')).not.toContain('civitai:7267');
  });

  it('gives a leaf to leaves', () => {
    expect(picks('autumn leaves')).toContain('civitai:2');
  });
});
