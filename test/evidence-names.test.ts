import { describe, expect, it } from 'vitest';
import { splitWords } from '../src/catalog/classify/words.js';
import { splitCompound } from '../src/stylus/dictionary.js';
import { asCandidates, makeAdapter, offlinePicks } from './support/adapters.js';
import { RIO_PORTRAIT, STATUES_COLLECTION_BY_NAME } from './support/dump-items.js';

/**
 * How the composer reads adapter names as Civitai writes them (names from the 2023-07 dump): two scripts run
 * together, words run together, a name whose last word is what it draws, an artist asked for by name, and a thing
 * whose name says it is something else than its tags.
 */
const catalog = [
  makeAdapter({ id: 'civitai:1', name: '(background) DUNE沙丘', category: 'background', triggerWords: ['dune'] }),
  makeAdapter({ id: 'civitai:2', name: '蝴蝶ButterflyX', category: 'object', tags: ['objects'] }),
  makeAdapter({
    id: 'civitai:3',
    name: 'Modern Apartment Building（现代公寓楼效果）LoRa',
    category: 'building',
    triggerWords: ['mabuilding'],
    tags: ['architecture', 'buildings'],
  }),
  makeAdapter({
    id: 'civitai:4',
    name: 'Claude Monet/Oscar-Claude Monet style',
    category: 'style',
    triggerWords: ['painting \\(medium\\)'],
  }),
  makeAdapter({ id: 'civitai:5', name: 'Lisa Simpson', category: 'character', triggerWords: ['lisa simpson'] }),
  makeAdapter({
    id: 'civitai:6',
    name: 'Kanzashi - かんざし',
    category: 'clothing',
    triggerWords: ['kanzashi, flower'],
  }),
  makeAdapter({
    id: 'civitai:7',
    name: 'Sunrise Stance大张一刀流',
    category: 'pose',
    triggerWords: ['sunrise stance'],
  }),
  makeAdapter({ id: 'civitai:8', name: 'Supercutecat_v10', category: 'animal', tags: ['cat', 'animal'] }),
  makeAdapter({ id: 'civitai:9', name: 'Gameiconresearch_bottle3', category: 'object', tags: ['bottle'] }),
  makeAdapter({
    id: 'civitai:10',
    name: 'XSarchitectural-17SciencefictioncityonMars',
    category: 'building',
    tags: ['buildings', 'scifi landscape'],
  }),
  makeAdapter({ id: 'civitai:11', name: 'Vault Jumpsuit (Fallout) LoRA', category: 'clothing', tags: ['suit'] }),
  makeAdapter({ id: 'civitai:12', name: 'Glasses LoRA', category: 'clothing', triggerWords: ['Sunglasses'] }),
  makeAdapter({ id: 'civitai:13', name: 'White Nun', category: 'clothing', triggerWords: ['nun, full_body'] }),
  makeAdapter({
    id: 'civitai:14',
    name: 'Summer BB - Fate Grand Order',
    category: 'other',
    triggerWords: ['summer bb'],
  }),
  makeAdapter({ id: 'hf:redmond/logo', name: 'Logo.Redmond', category: 'style', tags: ['logo', 'graphic design'] }),
  makeAdapter({ id: 'hf:redmond/pixel', name: 'PixelArt.Redmond', category: 'style', triggerWords: ['Pixel Art'] }),
  makeAdapter({ id: 'civitai:15', name: 'Gongbi(flower)工笔（花）-T', category: 'style', tags: ['flower'] }),
  makeAdapter({ id: 'civitai:16', name: 'pin-up（Gil Elvgren）', category: 'style', tags: ['pin-up'] }),
  RIO_PORTRAIT,
  makeAdapter({ id: 'hf:norod78/tattoo', name: 'Yet Another Tattoo', category: 'style', tags: ['tattoo', 'ink'] }),
  makeAdapter({ id: 'civitai:48078', name: 'Naruto - Samui', triggerWords: ['NarutoSamui'] }),
  STATUES_COLLECTION_BY_NAME,
  makeAdapter({ id: 'civitai:90003', name: 'Bridge', category: 'building', tags: ['bridge'] }),
];
const candidates = asCandidates(catalog);
const picks = (prompt: string) => offlinePicks(prompt, candidates);

describe('words of Civitai names', () => {
  it('splits Latin words written against Han or kana', () => {
    expect(splitWords('DUNE沙丘')).toEqual(['dune', '沙丘']);
    expect(splitWords('蝴蝶ButterflyX')).toEqual(['蝴蝶', 'butterfly', 'x']);
  });

  it('splits camel case, digits and underscores alike in ASCII and in text with other letters', () => {
    const ascii = 'OilPainter HTMLStyle style2 17SciencefictioncityonMars 1girl feet_through_wall';
    const expected = [
      'oil',
      'painter',
      'html',
      'style',
      'style',
      '2',
      '17',
      'sciencefictioncityon',
      'mars',
      '1',
      'girl',
    ];
    expect(splitWords(ascii)).toEqual([...expected, 'feet', 'through', 'wall']);
    expect(splitWords(`${ascii} Café`)).toEqual([...expected, 'feet', 'through', 'wall', 'cafe']);
  });

  it('splits long run-together words into dictionary words, and leaves names whole', () => {
    expect(splitCompound('gameiconresearch')).toEqual(['game', 'icon', 'research']);
    expect(splitCompound('superhighrisebuilding')).toEqual(['super', 'highrise', 'building']);
    expect(splitCompound('okuzorakohaku')).toBeUndefined();
    expect(splitCompound('takanashi')).toBeUndefined();
    expect(splitCompound('architecture')).toBeUndefined();
  });
});

describe('evidence from names as Civitai writes them', () => {
  it('finds the thing a name spells beside its Han or kana spelling', () => {
    expect(picks('a group of skiers walking up a sand dune')).toContain('civitai:1');
    expect(picks('a monarch butterfly')).toContain('civitai:2');
  });

  it('takes the last two words of a longer name as what it draws', () => {
    expect(picks('a beach with apartment buildings next to it')).toContain('civitai:3');
    expect(picks('a modern kitchen')).not.toContain('civitai:3');
  });

  it('gives an artist style to a task that names the artist, never a character sharing a first name', () => {
    expect(picks('a painting of a sports car in the style of Monet')).toContain('civitai:4');
    expect(picks('the mona lisa')).toEqual([]);
  });

  it('does not take a thing whose name says it is something else, nor half a name that is not its head', () => {
    expect(picks('a flower')).not.toContain('civitai:6');
    expect(picks('a pickup truck at the beach at sunrise')).not.toContain('civitai:7');
    // "Summer BB" is about BB (a Fate/Grand Order character), not summer: short words still end a name.
    expect(picks('a teenage girl at the beach in summer')).not.toContain('civitai:14');
  });

  it('reads run-together names: a super cute cat is a cat, a science fiction city on Mars a city on Mars', () => {
    expect(picks('a cat')).toContain('civitai:8');
    expect(picks('an icon of a bottle')).toContain('civitai:9');
    // A game icon is a format of its own: a prompt that asks for bottles, not icons, gets no icon.
    expect(picks('bottles')).not.toContain('civitai:9');
    expect(picks('an astronaut in the city of Mars')).toContain('civitai:10');
    expect(picks('a man wearing sunglasses and a business suit')).toContain('civitai:12');
  });

  it('never takes how a picture is framed as evidence', () => {
    expect(picks('a beautiful woman, full body')).toEqual([]);
    expect(picks('a nun')).toContain('civitai:13');
  });

  it("reads a maker's label after a dot or in brackets as a label: Logo.Redmond is a logo style", () => {
    expect(picks('a logo of a coffee shop')).toContain('hf:redmond/logo');
    expect(picks('a pixel art castle on a hill')).toContain('hf:redmond/pixel');
    // Not a word before its label, nor half a hyphenated word: Gongbi is a technique, a pin-up no pin.
    expect(picks('a flower pot next to a bench')).not.toContain('civitai:15');
    expect(picks('a map with a pin on San Francisco')).not.toContain('civitai:16');
  });

  it('does not read a dictionary word as the word it ends in: a jumpsuit is no suit', () => {
    expect(picks('a suit')).not.toContain('civitai:11');
  });
});

describe('a word of a longer proper name is that name', () => {
  it('takes no portrait named "rio" for Rio de Janeiro, whose name it only begins', () => {
    expect(picks('Downtown Rio de Janeiro at sunrise')).not.toContain('civitai:23599');
    expect(picks('a portrait of rio smiling')).toContain('civitai:23599');
  });

  it('still reads what the name says it is: its last word, and the word before "of"', () => {
    expect(picks('the Golden Gate Bridge in fog')).toContain('civitai:90003');
    expect(picks('The Statue of Liberty')).toContain('civitai:76901');
  });
});

describe("a maker's modesty is no word of the name", () => {
  it('reads "Yet Another Tattoo" as a tattoo, in a prompt of several tasks too', () => {
    expect(picks('a tattoo of a snake')).toContain('hf:norod78/tattoo');
  });
});

describe("a part after a dash is who the name draws, not a maker's label", () => {
  it('gives no Samui of Naruto to a prompt that names Naruto, and still reads a label after a dot', () => {
    expect(picks('naruto eating ramen')).not.toContain('civitai:48078');
    expect(picks('a logo for a bakery')).toContain('hf:redmond/logo');
  });
});
