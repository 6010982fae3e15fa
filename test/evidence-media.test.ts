import { describe, expect, it } from 'vitest';
import { makeAdapter, picksFrom } from './support/adapters.js';
import { PEN_SKETCH_STYLE } from './support/dump-items.js';

/**
 * A member names the medium of a picture in their own words: a sketch is a drawing, claymation is the look of a style
 * named "Claymation - miniature", a DSLR photograph is a photograph. Names, tags and triggers are written after real
 * dump items.
 */
const PENCIL_DRAWING = makeAdapter({
  id: 'civitai:19762',
  name: 'Pencil drawing',
  category: 'style',
  tags: ['style'],
  triggerWords: ['greyscale，(line art:1.1)'],
});
const CLAYMATION = makeAdapter({
  id: 'civitai:25258',
  name: 'Claymation - miniature',
  category: 'style',
  tags: ['claymation', 'clay', 'miniatures', 'style', 'dollhouse'],
  triggerWords: ['claymation'],
});
const REALISTIC_PHOTOGRAPHY = makeAdapter({
  id: 'civitai:59980',
  name: 'ReaPhoLoRA (Realistic Photography LoRA)',
  category: 'style',
  tags: ['photorealistic', 'photo', 'style', 'photography', 'photoshoot'],
  triggerWords: ['Photograph'],
});
const BLACKBOARD_DRAWING = makeAdapter({
  id: 'civitai:63597',
  name: '[realistic] 黑板绘 blackboard drawing',
  category: 'style',
  tags: ['style', 'style art'],
  triggerWords: ['chalkboard', 'monochrome', 'traditional media,', 'chalk outline,'],
});

describe('a sketch is a drawing', () => {
  const picks = picksFrom([PENCIL_DRAWING, PEN_SKETCH_STYLE]);

  it('gives a pencil sketch the pencil drawing style', () => {
    expect(picks('a pencil sketch of a face')).toEqual(['civitai:19762']);
  });

  it('gives a plain drawing no sketchy look: a sketch is one kind of drawing, not the other way round', () => {
    expect(picks('a drawing of a hammer')).toEqual([]);
  });

  it('still gives a pencil drawing its style', () => {
    expect(picks('a pencil drawing of a horse')).toEqual(['civitai:19762']);
  });
});

describe('a look that is a part of a style name', () => {
  const picks = picksFrom([CLAYMATION, REALISTIC_PHOTOGRAPHY]);

  it('takes "Claymation - miniature" for claymation, its look said by its tags and trigger', () => {
    expect(picks('a claymation character')).toEqual(['civitai:25258']);
    expect(picks('a fox in a forest, claymation')).toEqual(['civitai:25258']);
  });

  it('takes a realistic photography style for a photograph of any kind', () => {
    expect(picks('a dslr photograph of a cat')).toEqual(['civitai:59980']);
  });

  it('restyles nothing the prompt draws in another medium', () => {
    expect(picks('a watercolor painting of a fox')).toEqual([]);
    expect(picks('a clay pot on a table')).toEqual([]);
  });
});

describe("Danbooru's traditional media tag", () => {
  const picks = picksFrom([BLACKBOARD_DRAWING]);

  it('asks for no blackboard drawing, which its trigger happens to be', () => {
    expect(picks('sketch, monochrome, building, house, traditional media')).toEqual([]);
  });

  it('still draws on a blackboard when asked', () => {
    expect(picks('a blackboard drawing of a house')).toEqual(['civitai:63597']);
  });
});

describe('a kind of art named for what it is for', () => {
  const SPLASH = makeAdapter({
    id: 'civitai:81619',
    name: 'Splash',
    category: 'style',
    tags: ['splash', 'style', 'food', 'splashes', 'fruit', 'explosion', 'advertising photo', 'splashing'],
    triggerWords: ['Splash', 'splashes', 'splashing', 'explosion', 'exploding'],
  });
  const LOL_SPLASH_ART = makeAdapter({
    id: 'civitai:22112',
    name: 'League of Legends - Splashart',
    category: 'other',
    tags: ['league of legends', 'riot', 'lol', 'splashart'],
  });
  const picks = picksFrom([SPLASH, LOL_SPLASH_ART]);

  it("takes no liquid splash for a game's splash art, and the splash art style for it", () => {
    expect(picks('splash art of a warrior')).toEqual([]);
    expect(picks('league of legends, splash art, a mage in a forest')).toEqual(['civitai:22112']);
  });

  it('still splashes a drink', () => {
    expect(picks('a glass of orange juice, splash')).toEqual(['civitai:81619']);
  });
});

describe("a style named for a console's code", () => {
  const PS1_GRAPHICS = makeAdapter({
    id: 'hf:veryVANYA/ps1-graphics-sdxl-v2',
    name: 'PS1 Graphics v2',
    category: 'style',
    tags: ['ps1', 'playstation', 'low poly', 'retro game'],
    triggerWords: ['ps1 style'],
  });
  const picks = picksFrom([PS1_GRAPHICS]);

  it('is the look of a task that writes the code', () => {
    expect(picks('a ps1 graphics car')).toEqual(['hf:veryVANYA/ps1-graphics-sdxl-v2']);
  });

  it('restyles nothing the prompt asks of no console', () => {
    expect(picks('a car on a road')).toEqual([]);
    expect(picks('a n64 graphics car')).toEqual([]);
  });
});
