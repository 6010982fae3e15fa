import { describe, expect, it } from 'vitest';
import { readSeedCatalog } from '../src/catalog/seed.js';
import { composeOffline } from '../src/stylus/offline-composer.js';
import { asCandidates } from './support/adapters.js';

/**
 * What a new server gets from the shipped seed catalog: the style a prompt names by its craft or its art, and no
 * style for a thing that only shares the word. Every seed record is a candidate, as retrieval would rank them.
 */
const seed = readSeedCatalog();
const candidates = asCandidates(seed);
const names = (prompt: string) => {
  const byId = new Map(seed.map((adapter) => [adapter.id, adapter.name]));
  return composeOffline(prompt, candidates).flatMap((task) => task.adapters.map((pick) => byId.get(pick.adapterId)));
};

describe('seed catalog picks', () => {
  it('takes a style tagged with the look a prompt asks for by its name, whatever the style is called', () => {
    expect(names('jojo style').sort()).toEqual(['JoJo Style v2', "JoJo's Bizarre Style"]);
    // "SimpStyle" is short for the show it is tagged with.
    expect(names('a family on a couch, simpsons style')).toEqual(['SimpStyle']);
    expect(names('simpsons style')).toEqual(['SimpStyle']);
    // A look any card may carry names none: no anime style for "anime style".
    expect(names('a girl reading, anime style')).toEqual([]);
    expect(names('a family on a couch')).toEqual([]);
  });

  it('names a craft ending in -ery as a thing, no way a thing looks: "Embroidery Style" for embroidery', () => {
    expect(names('embroidery of a flower')).toEqual(['Embroidery Style']);
  });

  it('takes a style named for its thing and its age: "Vintage Postage Stamps" for a vintage postage stamp', () => {
    expect(names('vintage postage stamp of a ship')).toEqual(['Vintage Postage Stamps']);
    // Its name says the age and the thing: any kind of that thing, as old, is its own.
    expect(names('a vintage stamp with a bird')).toEqual(['Vintage Postage Stamps']);
    expect(names('a vintage photo of a woman')).toEqual([]);
    // A part of the thing its name says: the cover of a vintage magazine.
    expect(names('a vintage magazine cover with a rocket')).toEqual(['Vintage Magazine Style']);
  });

  it('takes a being a person is for her: a cyborg woman is a cyborg', () => {
    expect(names('a cyborg woman')).toEqual(['Cyborg Style']);
    expect(names('a cyborg girl in a neon city')).toEqual(['Cyborg Style']);
    expect(names('a woman with a cyborg arm')).toEqual([]);
  });

  it('makes a thing of the art a style is tagged with, for a thing the prompt makes of it', () => {
    expect(names('a balloon dog in a park')).toEqual(['PE Balloon Diffusion']);
    expect(names('a cat made of balloons')).toEqual(['PE Balloon Diffusion']);
    expect(names('a yarn cat on a sofa')).toEqual(['Yarn Art Style']);
  });

  it('makes a thing in the craft a thing card is named and tagged for: a crochet toy of any animal', () => {
    expect(names('a crochet octopus')).toEqual(['Amigurumi.Redmond Crochet']);
    // The craft may say a word earlier: a crochet toy of an octopus.
    expect(names('a crochet baby octopus')).toEqual(['Amigurumi.Redmond Crochet']);
    expect(names('a crochet octopus toy')).toContain('Amigurumi.Redmond Crochet');
    expect(names('an amigurumi bunny on a shelf')).toEqual(['Amigurumi.Redmond Crochet']);
    expect(names('a woman crocheting a scarf')).toEqual([]);
    expect(names('a plush bunny')).toEqual([]);
  });

  it('restyles nothing for a thing that holds it or is it', () => {
    expect(names('a dog holding a balloon at a party')).toEqual([]);
    expect(names('a cat asleep in a yarn basket')).toEqual([]);
    expect(names('a laundry basket full of toys')).not.toContain('LaundryArt');
  });

  it('takes no balloon art for a balloon of another kind a noun says: a hot air balloon', () => {
    expect(names('a hot air balloon')).toEqual([]);
    expect(names('a hot air balloon landing in a corn field')).toEqual([]);
    // Still for a balloon, of any colour or size, alone or as what a thing is made of.
    expect(names('a red balloon')).toEqual(['PE Balloon Diffusion']);
    expect(names('a giant balloon dog')).toEqual(['PE Balloon Diffusion']);
  });
});
