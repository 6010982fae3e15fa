import { describe, expect, it } from 'vitest';
import { enforceCaps } from '../src/stylus/caps.js';
import { asCandidates, makeAdapter, picksFrom } from './support/adapters.js';
import { PEACE_SIGN, PEN_SKETCH_STYLE, STATUES_COLLECTION, STATUES_COLLECTION_BY_NAME } from './support/dump-items.js';

/**
 * Picks a member of a public server would not accept, seen on the 2023-07 Civitai dump (base sd1). Fixtures are the
 * facts (id, name, tags, trigger words) of its items.
 */

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

  it('still takes a one-word name whose own tags say the two words together', () => {
    const tattoo = picksFrom([
      makeAdapter({
        id: 'hf:Norod78/yet-another-sdxl-tattoo-lora',
        name: 'Yet Another Tattoo',
        category: 'style',
        tags: ['tattoo', 'ink', 'tattoo design'],
        triggerWords: ['tattoo'],
      }),
    ]);
    expect(tattoo('a tattoo design of a rose and a dagger')).toEqual(['hf:Norod78/yet-another-sdxl-tattoo-lora']);
  });
});

describe('a later part of a name says what its first part, a thing of its own, is for', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:26323',
      name: 'Sitcrossleg (legs/shoes concept/helper)',
      category: 'concept',
      tags: ['concept', 'helper', 'shoes', 'crossed legs', 'legs'],
      triggerWords: ['sitcrossleg'],
    }),
  ]);

  it('takes no cross-legged sitting pose for shoes or a leg, still for sitcrossleg', () => {
    expect(picks('a pair of shoes')).toEqual([]);
    expect(picks('a black shoe with a lightning bolt on it')).toEqual([]);
    expect(picks('black bearded dog with an injured leg wearing a cone')).toEqual([]);
    expect(picks('a girl, sitcrossleg')).toEqual(['civitai:26323']);
  });
});

describe('a style named for a kind of thing brings that kind', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:76152',
      name: 'Broken Glass',
      category: 'style',
      tags: ['style', 'girls', 'styles', 'broken glass'],
      triggerWords: ['glass,broken glass'],
    }),
    makeAdapter({
      id: 'civitai:81489',
      name: 'Stained Glass',
      category: 'style',
      tags: ['anime', 'colorful', 'glass', 'style', 'art style', 'stained glass', 'style art', 'color', 'styles'],
      triggerWords: ['st41nedg'],
    }),
  ]);

  it('takes no broken or stained glass look for a drinking glass, still for broken or stained glass', () => {
    expect(picks('a glass')).toEqual([]);
    expect(picks('a wine glass')).toEqual([]);
    expect(picks('a glass of wine')).toEqual([]);
    expect(picks('a stained glass window')).toEqual(['civitai:81489']);
    expect(picks('a girl behind broken glass')).toEqual(['civitai:76152']);
  });
});

describe('a thing named by the common word it is "of" is that one thing, however it is written', () => {
  const picks = picksFrom([STATUES_COLLECTION_BY_NAME]);

  it('takes no collection of statues for the statue of liberty, still for a statue', () => {
    expect(picks('the statue of liberty')).toEqual([]);
    expect(picks('the statue of liberty at sunset')).toEqual([]);
    expect(picks('The Statue of Liberty on a cloudy day')).toEqual([]);
    expect(picks('a statue')).toEqual(['civitai:76901']);
  });
});

describe('a body part of something without a body is no body part', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:44667',
      name: 'SyFyEye1',
      category: 'background',
      tags: ['space', 'futuristic', 'planet', 'scifi', 'scenery', 'fantasy', 'background', 'galaxy', 'landscape'],
    }),
  ]);

  it('takes no eye for the eye of a planet or a storm, still for the eye of a woman', () => {
    expect(picks('the eye of the planet Jupiter')).toEqual([]);
    expect(picks('a close-up of the eye of the planet Jupiter')).toEqual([]);
    expect(picks('the eye of the storm')).toEqual([]);
    expect(picks('the eye of a woman')).toEqual(['civitai:44667']);
  });
});

describe('a pose needs someone to take it', () => {
  const picks = picksFrom([PEACE_SIGN]);

  it('takes no hand pose for a printed peace sign, still for a girl making one', () => {
    expect(picks('a black t-shirt with the peace sign on it')).toEqual([]);
    expect(picks('a peace sign painted on a wall')).toEqual([]);
    expect(picks('a girl making a peace sign')).toEqual(['civitai:48578']);
  });
});

describe('a look named in Chinese or Japanese is a look', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:76242',
      name: '室内设计：极简/宅寂/北欧：Mr_MC_HomeV1',
      category: 'building',
      tags: ['photorealistic', 'buildings', 'woman', 'realistic', '风格', '室内设计'],
      triggerWords: ['Mr_MC_HomeV1'],
    }),
  ]);

  it('takes no interior design for a country home seen from outside, still for a home interior', () => {
    expect(picks('a white country home')).toEqual([]);
    expect(picks('a white country home with a wrap-around porch')).toEqual([]);
    expect(picks('a minimalist home interior')).toEqual(['civitai:76242']);
  });
});

describe('a style drawn with one medium is no style of another', () => {
  const picks = picksFrom([PEN_SKETCH_STYLE]);

  it('takes no pen sketch for a charcoal sketch, still for a sketch or a pen sketch', () => {
    expect(picks("a charcoal sketch of an old man's face")).toEqual([]);
    expect(picks('a pencil sketch of a cat')).toEqual([]);
    expect(picks('a sketch of a cat')).toEqual(['civitai:28687']);
    expect(picks('an ink sketch of a cat')).toEqual(['civitai:28687']);
  });
});

describe('a 3D render is a look', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:55908',
      name: 'NeonPunk - 3D / neon style',
      category: 'style',
      tags: ['3d', 'neon', 'style', 'style art'],
      triggerWords: ['Neonpunkai'],
    }),
  ]);

  it('takes no 3D neon style for neon in a tag list, still for a 3D render with neon', () => {
    expect(picks('1girl, solo, red dress, night city, neon')).toEqual([]);
    expect(picks('a 3d render of a robot, neon')).toContain('civitai:55908');
  });
});

describe('a thing its tags call by its whole name, a kind of what the task asks for, is that kind', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:79246',
      name: 'Snake Eyes',
      category: 'concept',
      tags: ['concept', 'eyes', 'slit pupils', 'snake eyes'],
      triggerWords: ['snake eyes'],
    }),
  ]);

  it('takes no slit pupils for any eye, still for snake eyes', () => {
    expect(picks('an eye')).toEqual([]);
    expect(picks('a cat with four eyes')).toEqual([]);
    expect(picks('a girl with snake eyes')).toEqual(['civitai:79246']);
  });
});

describe('an adapter that makes its subject out of something', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'hf:joachimsallstrom/aether-cloud-lora-for-sdxl',
      name: 'Aether Cloud',
      category: 'concept',
      tags: ['cloud', 'sky', 'cloud shapes', 'surreal'],
      triggerWords: ['a cloud that looks like a'],
    }),
    makeAdapter({ id: 'civitai:58723', name: 'Made of Ice', category: 'style', triggerWords: ['made_of_ice'] }),
    STATUES_COLLECTION,
  ]);

  it('is no pick for a prompt that asks for nothing made of or shaped like another thing', () => {
    expect(picks('an angel with white wings in the clouds')).toEqual([]);
    expect(picks('a skyscraper reflecting clouds')).toEqual([]);
    expect(picks('a statue')).toEqual([]);
    expect(picks('a stone sculpture of a swan')).toEqual([]);
  });

  it('is one where the prompt asks for it', () => {
    expect(picks('a dragon made of clouds')).toEqual(['hf:joachimsallstrom/aether-cloud-lora-for-sdxl']);
    expect(picks('a swan made of ice')).toEqual(['civitai:58723']);
    // An ice sculpture is made of ice: the ice version of "Statues Collection" the store holds fits it too.
    expect(picks('an ice sculpture of a swan')).toEqual(['civitai:76901', 'civitai:58723']);
  });

  it('holds an LLM composer to it', () => {
    const task = [{ task: 'clouds', adapters: [{ adapterId: 'civitai:76901', reason: 'statues in the clouds' }] }];
    const { tasks, repairs } = enforceCaps('a statue in the clouds', task, asCandidates([STATUES_COLLECTION]));
    expect(tasks[0]?.adapters).toEqual([]);
    expect(repairs.join(' ')).toContain('makes the subject out of something else');
  });
});
