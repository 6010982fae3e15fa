import { describe, expect, it } from 'vitest';
import { enforceCaps } from '../src/stylus/caps.js';
import { asCandidates, makeAdapter, offlinePicks } from './support/adapters.js';
import { PEN_SKETCH_STYLE } from './support/dump-items.js';

/**
 * A style of something is that thing's look: a name that says what it is the style of ("Ocarina of Time Style (Low
 * Poly)", "Peanuts Comics (Art Style)") brings that thing along, so it comes only when the prompt asks for it, or when
 * it is itself a look ("Pixel Art style"), a drawing tool ("pen sketch style") or a word that only describes ("Dreamy
 * Vector Style"). Names, categories, tags and triggers follow the Civitai dump items of the same ids.
 */
const catalog = [
  makeAdapter({
    id: 'civitai:17361',
    name: 'Peanuts Comics (Art Style)',
    category: 'style',
    tags: ['comic book', 'style', 'peanuts', 'cartoon'],
  }),
  makeAdapter({
    id: 'civitai:90001',
    name: 'Ocarina of Time Style (Low Poly)',
    category: 'style',
    tags: ['style', 'low poly', 'video game'],
  }),
  makeAdapter({
    id: 'civitai:67122',
    name: 'Gelato Style',
    category: 'style',
    tags: ['ice cream', 'food', 'style'],
  }),
  PEN_SKETCH_STYLE,
  makeAdapter({
    id: 'civitai:25020',
    name: 'Dreamy Vector Style',
    category: 'style',
    tags: ['vector', 'illustration', 'style'],
  }),
  makeAdapter({
    id: 'civitai:73902',
    name: 'Claude Monet/Oscar-Claude Monet style',
    category: 'style',
    tags: ['impressionism', 'painting', 'style'],
  }),
  makeAdapter({
    id: 'civitai:90002',
    name: 'Pixel Art style Lora',
    category: 'style',
    tags: ['pixel art', 'style'],
  }),
];

const candidates = asCandidates(catalog);
const picks = (prompt: string) => offlinePicks(prompt, candidates);

describe('a style of something brings that thing along', () => {
  it("takes no comic strip's style for any comic book, no game's style for any low poly, no gelato for ice cream", () => {
    expect(picks('a comic book page of a superhero fighting a villain')).not.toContain('civitai:17361');
    expect(picks('a low poly island with palm trees')).not.toContain('civitai:90001');
    expect(picks('an ice cream cone on a hot day')).not.toContain('civitai:67122');
  });

  it('takes it when the prompt asks for what it is the style of', () => {
    expect(picks('charlie brown in the style of peanuts comics')).toContain('civitai:17361');
  });

  it('keeps styles of a look, of a drawing tool, of a word that only describes, and of an artist named once', () => {
    expect(picks('pixel art of a castle')).toContain('civitai:90002');
    expect(picks('a sketch of a camel next to a stream')).toContain('civitai:28687');
    expect(picks('a vector illustration of a fox')).toContain('civitai:25020');
    expect(picks('a garden with a pond, monet style')).toContain('civitai:73902');
  });

  it('holds an LLM composer to it', () => {
    const task = [{ task: 'comic book page', adapters: [{ adapterId: 'civitai:17361', reason: 'a comic book' }] }];
    const { tasks, repairs } = enforceCaps('a comic book page of a superhero', task, candidates);
    expect(tasks[0]?.adapters).toEqual([]);
    expect(repairs.join(' ')).toContain('peanut');
  });
});
