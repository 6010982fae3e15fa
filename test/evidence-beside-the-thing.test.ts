import { describe, expect, it } from 'vitest';
import { enforceCaps } from '../src/stylus/caps.js';
import { asCandidates, makeAdapter, offlinePicks } from './support/adapters.js';
import { DRAGON_BALL_KI_CHARGE, GHIBLI_PYRAMID } from './support/dump-items.js';

/**
 * What a name says beside the thing a task shares with it, found reading PartiPrompts compositions on the Civitai
 * dump: a relation ("Through Screen" draws someone coming through one), a studio's look ("Ghibli"), the place a
 * garment is worn (a spacesuit tagged "outer space"), and a style named by a word that only describes ("LowRA").
 * Names, categories, tags and triggers follow the dump items of the same ids.
 */
const catalog = [
  makeAdapter({
    id: 'civitai:10877',
    name: '【Concept】Through Screen 钻出屏幕',
    category: 'style',
    tags: ['style'],
    triggerWords: ['through_screen'],
  }),
  GHIBLI_PYRAMID,
  makeAdapter({
    id: 'civitai:25236',
    name: 'Clothes Spacesuit',
    category: 'clothing',
    tags: ['clothing', 'outer space', 'astronaut', 'spacesuit'],
    triggerWords: ['spacesuit'],
  }),
  makeAdapter({
    id: 'civitai:48139',
    name: 'LowRA',
    category: 'style',
    tags: ['dark', 'style', 'cinematic', 'low key'],
    triggerWords: ['dark theme'],
  }),
  makeAdapter({ id: 'civitai:25115', name: 'Deep - Style', category: 'style', tags: ['style'] }),
  makeAdapter({
    id: 'civitai:62294',
    name: 'Stylized Ruins',
    category: 'background',
    tags: ['ruins', 'background'],
    triggerWords: ['ruins', 'blue_sky'],
  }),
  DRAGON_BALL_KI_CHARGE,
];

const candidates = asCandidates(catalog);
const picks = (prompt: string) => offlinePicks(prompt, candidates);

describe('what a name says beside the thing a task shares with it', () => {
  it('reads a name that opens with a relation as that relation: a screen is no one coming through it', () => {
    expect(picks('a laptop screen')).not.toContain('civitai:10877');
    expect(picks('a cat climbing through the screen of a tv')).toContain('civitai:10877');
  });

  it("gives no Ghibli film's pyramid to a pyramid, unless Ghibli is asked for", () => {
    expect(picks('the Great Pyramid in the snow')).not.toContain('civitai:64610');
    expect(picks('a pyramid in the desert, ghibli')).toContain('civitai:64610');
  });

  it('dresses nobody in a spacesuit for a tag that says where it is worn, and still for the garment', () => {
    expect(picks('a light bulb in outer space')).not.toContain('civitai:25236');
    expect(picks('a dog in a spacesuit')).toContain('civitai:25236');
  });

  it('restyles nothing for a word that only describes', () => {
    expect(picks('a prop plane flying low over the Great Wall')).not.toContain('civitai:48139');
    expect(picks('A sign that says Deep Learning')).not.toContain('civitai:25115');
  });

  it('reads a trigger that shares no word with the name as what comes with it, not what it is', () => {
    expect(picks('two parallel chemtrails in blue sky')).not.toContain('civitai:62294');
    expect(picks('ancient ruins')).toContain('civitai:62294');
    expect(picks('a warrior wombat in a fighting stance')).not.toContain('civitai:79197');
    expect(picks('a warrior charging his ki, with a glowing aura')).toContain('civitai:79197');
  });

  it("holds an LLM composer to a studio's look", () => {
    const task = [{ task: 'Great Pyramid', adapters: [{ adapterId: 'civitai:64610', reason: 'a pyramid' }] }];
    const { tasks, repairs } = enforceCaps('the Great Pyramid at dawn', task, candidates);
    expect(tasks[0]?.adapters).toEqual([]);
    expect(repairs.join(' ')).toContain('ghibli');
  });
});
