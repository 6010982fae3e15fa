import { describe, expect, it } from 'vitest';
import { singular } from '../src/catalog/classify/words.js';
import { enforceCaps } from '../src/stylus/caps.js';
import { asCandidates, makeAdapter, offlinePicks, picksFrom } from './support/adapters.js';
import { NEWSPAPER_BACKGROUND, REFLECTIONS_ON_WATER, STATUES_COLLECTION, STONE_STATUE } from './support/dump-items.js';

/**
 * One word written in another form is still that word for a member: a plural no ending rule reads ("children" of a
 * child's drawing). And a name says its thing with more words that name no other thing: where it is seen from
 * ("train interior" is a train), the kind of adapter it is ("Corner store building" draws a store), what it is made
 * of ("Stone Statue" is a statue), where it is ("Reflections on water" are reflections). Names and tags are written
 * after real dump items.
 */
const catalog = [
  makeAdapter({ id: 'civitai:7267', name: "Children's Drawing LoRa", category: 'style', tags: ['anime', 'style'] }),
  makeAdapter({ id: 'civitai:2', name: 'Autumn Leaf', category: 'object', tags: ['leaf', 'autumn'] }),
  makeAdapter({
    id: 'civitai:74932',
    name: 'JR East 205 series / train interior',
    category: 'background',
    tags: ['photorealistic', 'scenery', 'japan', 'background'],
    triggerWords: ['JNR205'],
  }),
  makeAdapter({
    id: 'civitai:80505',
    name: 'Cave interiors',
    category: 'background',
    tags: ['cavern', 'background', 'cave'],
    triggerWords: ['cave interior'],
  }),
  REFLECTIONS_ON_WATER,
  NEWSPAPER_BACKGROUND,
  makeAdapter({ id: 'civitai:94526', name: '撮影スタジオ / photo studio', category: 'background' }),
  makeAdapter({
    id: 'civitai:75615',
    name: 'Corner store building（街头小店）LoRa',
    category: 'building',
    tags: ['streets', 'buildings', 'store', 'building', 'building complex'],
    triggerWords: ['corner store'],
  }),
  STONE_STATUE,
  makeAdapter({
    id: 'civitai:57788',
    name: 'Bronze Statue LoRA',
    category: 'style',
    tags: ['photorealistic', 'style'],
    triggerWords: ['bronze_statue', 'in the middle of a square', 'riding a horse'],
  }),
  makeAdapter({
    id: 'civitai:23789',
    name: '玉器/木雕文玩 wood/jade statue style',
    category: 'style',
    triggerWords: ['statue'],
  }),
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

  it('reads a noun in -ie as its own plural, and a -y noun as its', () => {
    expect(singular('hoodies')).toBe('hoodie');
    expect(singular('cookies')).toBe('cookie');
    expect(singular('puppies')).toBe('puppy');
    expect(singular('cities')).toBe('city');
  });

  it('gives "Hoodies" to a hoodie', () => {
    const hoodies = picksFrom([
      makeAdapter({
        id: 'civitai:19513',
        name: 'Hoodies - LoRA version',
        category: 'clothing',
        tags: ['fashion', 'fashion design', 'woman', 'clothing', 'hoodie'],
        triggerWords: ['hoodie', 'wearing a hoodie'],
      }),
    ]);
    expect(hoodies('a girl with cat ears and a hoodie, city street, night')).toEqual(['civitai:19513']);
  });
});

describe('a part of a name that says a thing and where it is seen from', () => {
  it('gives a train interior to the inside of a train, and not to a train seen from outside', () => {
    expect(picks('A photograph of the inside of a subway train. There are frogs sitting on the seats.')).toContain(
      'civitai:74932',
    );
    expect(picks('a train crossing a bridge')).not.toContain('civitai:74932');
    expect(picks('people waiting in a train station')).not.toContain('civitai:74932');
  });

  it('reads "in a cave" as the inside of a cave, and a cave on a mountain as seen from outside', () => {
    expect(picks('an ornate treasure chest glowing in a dark cave')).toContain('civitai:80505');
    expect(picks('a cave on a mountain')).not.toContain('civitai:80505');
  });

  it('takes a backdrop or a photo studio for no thing of the prompt', () => {
    expect(picks('a cat reading a newspaper')).not.toContain('civitai:96958');
    expect(picks('a bird speaking into a microphone in a recording studio')).not.toContain('civitai:94526');
  });
});

describe('a name that ends in the kind of adapter it is', () => {
  it('reads the thing before the kind: a corner store building is a store', () => {
    expect(picks("a store front that has the word 'openai' written on it.")).toContain('civitai:75615');
    expect(picks('a store front')).toContain('civitai:75615');
  });
});

describe('a name that says it was made again', () => {
  const STEAMPUNK_REDONE = makeAdapter({
    id: 'civitai:59338',
    name: 'Steampunk REDONE',
    category: 'style',
    tags: ['style'],
    triggerWords: ['CogPunkAI', 'SteampunkAI'],
  });

  it('is named by its look alone: "Steampunk REDONE" for a steampunk airship', () => {
    expect(picksFrom([STEAMPUNK_REDONE])('a steampunk airship')).toEqual(['civitai:59338']);
    expect(picksFrom([STEAMPUNK_REDONE])('a redone kitchen')).toEqual([]);
  });
});

describe('a thing named with what it is made of', () => {
  it('takes a stone statue for a statue that asks for no other material', () => {
    expect(picks('a portrait of a statue of the Egyptian god Anubis wearing aviator goggles')).toContain(
      'civitai:58701',
    );
    expect(picks('an Egyptian statue in the desert')).toContain('civitai:58701');
    expect(picks('Portrait of a gecko holding a flag. Marble statue.')).toContain('civitai:58701');
  });

  it('takes no stone for a statue of another material, and no name of two materials', () => {
    expect(picks('a cute wooden owl statue holding a large globe')).not.toContain('civitai:58701');
    const metal = picks('A portrait of a metal statue of a pharaoh wearing steampunk glasses');
    expect(metal).toContain('civitai:57788');
    expect(metal).not.toContain('civitai:58701');
    expect(picks('Greek statue of a man comforting a cat')).not.toContain('civitai:23789');
  });

  it('reads the material a prompt makes the thing of after it too, and a collection by its trigger', () => {
    const gold = picks('a statue made of gold');
    expect(gold).toContain('civitai:57788');
    expect(gold).not.toContain('civitai:58701');
    const collection = picksFrom([STATUES_COLLECTION]);
    expect(collection('a statue made of gold')).toEqual([]);
    expect(collection('a golden statue in a park')).toEqual([]);
    expect(collection('an ice sculpture of a swan')).toEqual(['civitai:76901']);
  });

  it("holds an LLM's picks to it", () => {
    const { tasks, repairs } = enforceCaps(
      'a statue made of gold',
      [{ task: 'statue', adapters: [{ adapterId: 'civitai:58701', reason: 'a statue' }] }],
      candidates,
    );
    expect(tasks[0]?.adapters).toEqual([]);
    expect(repairs).toEqual([
      `civitai:58701 dropped from "statue": it makes its thing of another material than the prompt's gold`,
    ]);
  });

  it('takes no pearl creature for a creature made of fire, and a style that sets things on fire for it', () => {
    const fire = picksFrom([
      makeAdapter({
        id: 'civitai:27087',
        name: 'pearl creature',
        category: 'other',
        tags: ['jellyfish', '人像', '閃亮', '珍珠', '水母'],
        triggerWords: ['mix_(spring)', 'mix_(jellyfish)', 'mix_(creature)', 'transparent'],
      }),
      makeAdapter({
        id: 'civitai:54524',
        name: 'On Fire',
        category: 'style',
        tags: ['photorealistic', 'style'],
        triggerWords: ['human on fire', 'animal on fire', 'bird on fire', 'red fire', 'blue fire'],
      }),
    ]);
    expect(fire('a creature made of fire')).toEqual(['civitai:54524']);
    expect(fire('a pearl creature in the sea')).toEqual(['civitai:27087']);
    // Nor for a creature the prompt makes of nothing: its pearls are nobody's ask.
    expect(fire('a sea creature in the deep ocean')).toEqual([]);
    expect(fire('a cute creature in a forest')).toEqual([]);
  });

  it("holds an LLM's picks to the material its name makes its thing of, still a statue of any stone", () => {
    const pearl = makeAdapter({
      id: 'civitai:27087',
      name: 'pearl creature',
      category: 'other',
      tags: ['jellyfish', '人像', '閃亮', '珍珠', '水母'],
      triggerWords: ['mix_(spring)', 'mix_(jellyfish)', 'mix_(creature)', 'transparent'],
    });
    const { tasks, repairs } = enforceCaps(
      'a sea creature',
      [{ task: 'sea creature', adapters: [{ adapterId: 'civitai:27087', reason: 'a creature' }] }],
      asCandidates([pearl]),
    );
    expect(tasks[0]?.adapters).toEqual([]);
    expect(repairs).toEqual([
      'civitai:27087 dropped from "sea creature": it makes its thing of pearl, which the prompt does not ask for',
    ]);
    expect(picks('a statue in a park')).toContain('civitai:58701');
  });
});

describe('a material a name opens with, its thing in brackets', () => {
  const DIFFUSION_MARBLE_SWORDS = makeAdapter({
    id: 'civitai:38396',
    name: 'Diffusion Marble (Swords)',
    category: 'concept',
    tags: ['concept', 'lora'],
    triggerWords: ['dmarble'],
  });
  const swords = picksFrom([DIFFUSION_MARBLE_SWORDS]);

  it('makes no marble sword for a sword the prompt makes of nothing', () => {
    expect(swords('a woman with a sword in the rain')).toEqual([]);
    expect(swords('raiden shogun holding a sword')).toEqual([]);
    // Nor an LLM composer's pick of it: marble is no everyday material of a sword.
    const { repairs } = enforceCaps(
      'masterpiece, best quality, holding sword',
      [{ task: 'holding sword', adapters: [{ adapterId: 'civitai:38396', reason: 'swords' }] }],
      asCandidates([DIFFUSION_MARBLE_SWORDS]),
    );
    expect(repairs).toEqual([
      'civitai:38396 dropped from "holding sword": it makes its thing of marble, which the prompt does not ask for',
    ]);
    // The whole prompt, yet a sword of its own kind: a nichirin blade, no marble.
    expect(swords('a demon slayer sword')).toEqual([]);
  });

  it('still makes one for a marble sword, and for a sword that is the whole prompt', () => {
    expect(swords('a marble sword on an altar')).toEqual(['civitai:38396']);
    expect(swords('a sword made of marble')).toEqual(['civitai:38396']);
    expect(swords('a sword')).toEqual(['civitai:38396']);
  });

  it('makes no marble of a prompt that asks for no sword', () => {
    expect(swords('product photo of a perfume bottle on marble')).toEqual([]);
    expect(swords('a marble statue of a horse')).toEqual([]);
  });
});

describe('a name that says where its thing is', () => {
  it('takes a style named for reflections on water for the reflection of a scene, not for the water', () => {
    expect(picks('a mountain and its reflection in a lake')).toContain('civitai:43671');
    expect(picks('Snow mountain and tree reflection in the lake')).toContain('civitai:43671');
    expect(picks('a boat on the water at dusk')).not.toContain('civitai:43671');
  });

  it('takes no photographic reflections for a reflection in a watercolor or a charcoal sketch', () => {
    expect(picks('a house reflection in a pond, watercolor')).not.toContain('civitai:43671');
    expect(picks('Taj Mahal with its reflection. detailed charcoal sketch.')).not.toContain('civitai:43671');
  });
});

describe('a later part of a name that says which kind of its thing', () => {
  const maps = picksFrom([
    makeAdapter({
      id: 'civitai:70723',
      name: 'Table Rpg / D&D Maps - #10 - World map',
      category: 'object',
      tags: ['assets'],
    }),
    makeAdapter({
      id: 'civitai:70602',
      name: 'Table Rpg / D&D Maps #8 - Modern city',
      category: 'object',
      tags: ['city', 'map', 'town', 'rpg', 'urban', 'assets'],
    }),
  ]);

  it('takes no world map nor a modern city for a tavern map, still a map for a map and a world map for one', () => {
    expect(maps('a d&d tavern map')).toEqual([]);
    expect(maps('a d&d map')).toContain('civitai:70723');
    expect(maps('a d&d world map')).toEqual(['civitai:70723']);
  });
});
