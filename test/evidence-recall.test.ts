import { describe, expect, it } from 'vitest';
import { enforceCaps } from '../src/stylus/caps.js';
import { asCandidates, characterCard, makeAdapter, picksFrom } from './support/adapters.js';
import {
  INS_STILL_LIFE,
  MAZDA_RX7,
  NEWSPAPER_BACKGROUND,
  PALLAS_CAT,
  REFLECTIONS_ON_WATER,
  RIO_PORTRAIT,
  STONE_STATUE,
  YARN_ART_STYLE,
} from './support/dump-items.js';

/**
 * Issue #11: picks a server can trust, with more of the right ones. Fixtures are the facts (id, name, tags, trigger
 * words) of items of the 2023-07 Civitai dump.
 */

describe('a short word that ends a name is what the name is about', () => {
  const picks = picksFrom([makeAdapter({ id: 'civitai:18238', name: 'To Love Ru' })]);

  it('takes no anime franchise named "To Love Ru" for the word love', () => {
    expect(picks('love')).toEqual([]);
    expect(picks('a couple in love')).toEqual([]);
  });
});

describe("a game's look is a look", () => {
  const picks = picksFrom([
    makeAdapter({ id: 'civitai:39400', name: 'Game_tree_model', category: 'concept', tags: ['concept', 'tree'] }),
  ]);

  it('takes no game asset of a tree for any tree, only for a game', () => {
    expect(picks('a tree')).toEqual([]);
    expect(picks('a giraffe eating the bark of a tree')).toEqual([]);
    expect(picks('a tree in a video game')).toContain('civitai:39400');
  });
});

describe('a romanised name written in hyphenated syllables is one name', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:14744',
      name: 'So-Bin style - LORA',
      category: 'style',
      tags: ['anime', 'overlord', 'art style', 'artstyle'],
    }),
  ]);

  it('takes no illustrator named So-Bin for a trash bin, only for So-Bin', () => {
    expect(picks('a circular brown trash bin in front of a brick wall')).toEqual([]);
    expect(picks('a trash bin')).toEqual([]);
    expect(picks('a knight in So-Bin style')).toEqual(['civitai:14744']);
  });
});

describe('an adapter trained on a world of its own brings that world', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:62217',
      name: 'Night',
      category: 'background',
      tags: ['background', 'backgrounds'],
      triggerWords: ['fantasy,night,tree,Medieval fantasy world,Moonlight at night,wilderness,night'],
    }),
  ]);

  it('takes no medieval fantasy "Night" for any night, only for a medieval one', () => {
    expect(picks('a cityscape at night with a full moon')).toEqual([]);
    expect(picks('Times Square at night')).toEqual([]);
    expect(picks('a medieval village at night')).toEqual(['civitai:62217']);
  });
});

describe('a part of a name after a dash is a part of what the name began with', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:61883',
      name: 'Backrooms - Level 0 : "The Lobby"',
      category: 'background',
      tags: ['horror', 'backrooms', 'background', 'place', 'backgrounds', 'lobby', 'soft horror'],
    }),
    PALLAS_CAT,
  ]);

  it('takes no Backrooms lobby for a bank lobby; a part after a slash says the same in other words', () => {
    expect(picks('a motorcycle parked in an ornate bank lobby')).toEqual([]);
    expect(picks('a bank lobby')).toEqual([]);
    expect(picks('a manul in the snow')).toEqual(['civitai:33194']);
  });
});

describe('a word that begins a longer proper name, written in lower case', () => {
  const picks = picksFrom([RIO_PORTRAIT]);

  it('takes no portrait named "rio" for rio de janeiro', () => {
    expect(picks('rio de janeiro')).toEqual([]);
    expect(picks('downtown rio de janeiro at sunrise')).toEqual([]);
    expect(picks('a portrait of rio smiling')).toEqual(['civitai:23599']);
  });
});

describe('a stopword that says which kind of the word after it', () => {
  const picks = picksFrom([INS_STILL_LIFE]);

  it('takes no still life for life, only for a still life', () => {
    expect(picks('life')).toEqual([]);
    expect(picks('meaning of life')).toEqual([]);
    expect(picks('a still life of flowers')).toEqual(['civitai:56374']);
  });
});

describe('a statue named by what it is of has a material of its own', () => {
  const picks = picksFrom([STONE_STATUE]);

  it('takes no stone statue for the statue of liberty in lower case, as for "Statue of Liberty"', () => {
    expect(picks('The Statue of Liberty on a cloudy day')).toEqual([]);
    expect(picks('statue of liberty')).toEqual([]);
    expect(picks('the statue of liberty next to the washington monument')).toEqual([]);
  });

  it('still takes it for a statue of someone or something', () => {
    expect(picks('a statue of a horse')).toEqual(['civitai:58701']);
    expect(picks('a portrait of a statue of anubis with a crown')).toEqual(['civitai:58701']);
  });
});

describe('a franchise named after its character names that character', () => {
  const naruto = makeAdapter({
    id: 'civitai:61568',
    name: 'Naruto Uzumaki / 漩涡鸣人 / ずまき ナルト / 火影忍者',
    category: 'character',
    tags: ['anime', 'character', 'naruto', 'uzumaki', 'uzumaki naruto', '漩涡鸣人', '火影'],
    triggerWords: ['uzumaki naruto'],
  });
  const kushina = makeAdapter({
    id: 'civitai:27185',
    name: 'Kushina Uzumaki (Naruto) LoRA',
    category: 'character',
    tags: ['anime', 'character', 'naruto', 'uzumaki', 'kushina uzumaki', 'kushina'],
    triggerWords: ['kushinans'],
  });
  const cast = [
    makeAdapter({
      id: 'civitai:63818',
      name: 'Tenten | Naruto',
      category: 'character',
      tags: ['anime', 'character', 'naruto', 'tenten'],
      triggerWords: ['tenten', 'double bun', 'forehead protector'],
    }),
    makeAdapter({
      id: 'civitai:83503',
      name: 'Anko Mitarashi | Naruto',
      category: 'character',
      tags: ['anime', 'character', 'naruto', 'anko mitarashi'],
      triggerWords: ['mitarashi anko', 'headband'],
    }),
    makeAdapter({
      id: 'civitai:71507',
      name: 'Tsunade (Naruto) - fC (LORA)',
      category: 'character',
      tags: ['anime', 'character', 'woman', 'characters'],
      triggerWords: ['t5un4d3, mark', 'tsunade, Japanese clothes, sash, jacket'],
    }),
  ];
  const picks = picksFrom([naruto, kushina, ...cast]);

  it('takes Naruto Uzumaki for "naruto", and no other character of Naruto', () => {
    expect(picks('naruto eating ramen')).toEqual(['civitai:61568']);
    expect(picks('kushina uzumaki')).toEqual(['civitai:27185']);
  });

  it('takes no character for the franchise asked for as a look', () => {
    expect(picks('a naruto style ninja')).toEqual([]);
  });

  it('takes no character for the franchise named as whose someone is', () => {
    expect(picks('sasuke from naruto')).toEqual([]);
    // Nor beside someone of it named in full: Tenten of Naruto, no Naruto Uzumaki beside her.
    expect(picks('tenten, naruto, training ground')).toEqual(['civitai:63818']);
    expect(picks('anko mitarashi, naruto, forest')).toEqual(['civitai:83503']);
  });

  it('needs a family name the cast shares to read the franchise as its character', () => {
    // Without Kushina, "uzumaki" is no family name of the cast: "naruto" stays the franchise's name only.
    expect(picksFrom([naruto, ...cast])('naruto eating ramen')).toEqual([]);
  });
});

describe('a franchise named after a rank and a name names that character', () => {
  const character = characterCard;
  const zelda = character(
    'civitai:69139',
    'The Legend of Zelda - Princess Zelda',
    ['zelda\\(princess\\)'],
    ['anime', 'character', 'female', 'the legend of zelda', 'princess zelda', 'zelda', 'woman', 'game character'],
  );
  const cast = [
    character(
      'civitai:66030',
      'Purah (The Legend of Zelda: Tears of the Kingdom) LoRA',
      ['purah'],
      ['anime', 'character', 'female', 'the legend of zelda', 'woman', 'game character', 'video game'],
    ),
    character(
      'civitai:64598',
      'Midna | The Legend of Zelda: Twilight Princess',
      ['midnaimp, fang, helmet, colored sclera, yellow sclera, one eye covered'],
      ['character', 'game character', 'midna', 'the legend of zelda: twilight princess'],
    ),
    character(
      'civitai:46351',
      'Link | The Legend of Zelda: Tears of the Kingdom',
      ['link \\(totk\\)', 'arm tattoo'],
      ['character', 'the legend of zelda', 'game character', 'link'],
    ),
    character(
      'civitai:46486',
      'Sheik - Legend of Zelda',
      ['SheikZ', 'bodysuit', 'braid'],
      ['character', 'zelda', 'sheik'],
    ),
    character('civitai:34898', 'Malon (The Legend of Zelda) Character LoRA', ['MalonOld', 'MalonYoung'], ['character']),
  ];
  const picks = picksFrom([zelda, ...cast]);

  it('takes Princess Zelda for "zelda", as fans call her', () => {
    expect(picks('zelda in a garden')).toEqual(['civitai:69139']);
  });

  it('takes no Zelda where the prompt names her series: whose someone is, or its longer name', () => {
    expect(picks('midna from zelda')).toEqual(['civitai:64598']);
    expect(picks('link, the legend of zelda, holding a sword')).toEqual(['civitai:46351']);
    expect(picks('a landscape, legend of zelda breath of the wild')).toEqual([]);
  });

  it('takes Link for "link" beside "zelda" written anywhere in the prompt, a franchise of the candidates', () => {
    expect(picks('zelda and link in hyrule field')).toEqual(['civitai:69139', 'civitai:46351']);
    expect(picks('a chain link fence in a garden')).toEqual([]);
  });

  it('takes no Zelda for a thing of her series, still for what she does', () => {
    expect(picks('a zelda sword in a stone')).toEqual([]);
    expect(picks('zelda smiling in a garden')).toEqual(['civitai:69139']);
  });

  it('takes no Zelda for a look after her series ("zelda-like"), still where she is named too', () => {
    expect(picks('a zelda-like dungeon')).toEqual([]);
    expect(picks('a zelda-inspired temple, concept art')).toEqual([]);
    expect(picks('zelda in a zelda-like dungeon')).toEqual(['civitai:69139']);
  });

  it('reads no plain rank as a name', () => {
    expect(picks('a princess in a castle')).toEqual([]);
  });

  it('takes one LoRA of her where two tasks name her, and both of two characters', () => {
    const totk = character(
      'civitai:69953',
      'Princess Zelda | The Legend of Zelda: Tears of the Kingdom',
      ['ZeldaTOTK'],
      ['character', 'the legend of zelda', 'princess zelda', 'zelda', 'game character'],
    );
    const withTotk = picksFrom([totk, zelda, ...cast]);
    const both = withTotk('ZeldaTOTK, princess zelda, 1girl');
    expect(both).toHaveLength(1);
    expect(['civitai:69953', 'civitai:69139']).toContain(both[0]);
    expect(withTotk('zelda and link in hyrule field')).toHaveLength(2);
    expect(withTotk('zelda and link in hyrule field')).toContain('civitai:46351');
    // An LLM's second LoRA of her is dropped with the reason.
    const { tasks, repairs } = enforceCaps(
      'ZeldaTOTK, princess zelda, 1girl',
      [
        { task: 'ZeldaTOTK', adapters: [{ adapterId: 'civitai:69953', reason: 'trigger' }] },
        { task: 'princess zelda', adapters: [{ adapterId: 'civitai:69139', reason: 'name' }] },
      ],
      asCandidates([totk, zelda, ...cast]),
    );
    expect(tasks.flatMap((task) => task.adapters.map((pick) => pick.adapterId))).toEqual(['civitai:69953']);
    expect(repairs).toEqual([
      'civitai:69139 dropped from "princess zelda": the composition has a LoRA of "princess zelda" already',
    ]);
  });
});

describe('a label of what kind of adapter a name is says nothing it draws', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:44421',
      name: 'Pose LORA Peeking Out | 姿势 探出身子',
      category: 'pose',
      tags: ['poses', 'pose'],
      triggerWords: ['peeking out upper body'],
    }),
    NEWSPAPER_BACKGROUND,
  ]);

  it('takes a pose named "Peeking Out" for someone peeking out', () => {
    expect(picks('a girl peeking out from dense tree branches')).toEqual(['civitai:44421']);
    // The spatial words the task keeps before its thing say where she peeks, not what she does.
    expect(picks('a cartoon girl peeking out from behind a bookshelf')).toEqual(['civitai:44421']);
    expect(picks('a man posing for a photo')).toEqual([]);
  });

  it('still reads "background" as where a thing is shown: a newspaper backdrop is no newspaper to read', () => {
    expect(picks('a cat reading a newspaper')).toEqual([]);
  });
});

describe('clothing named for whom it dresses dresses the people a task names so', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:73424',
      name: 'Tibetan style clothing',
      category: 'clothing',
      tags: ['chinese', 'clothing', 'china'],
    }),
  ]);

  it('takes Tibetan clothing for Tibetan priests, not for any Tibetan thing', () => {
    expect(picks('Tibetan priests ringing a bell')).toEqual(['civitai:73424']);
    expect(picks('a Tibetan temple in the mountains')).toEqual([]);
  });
});

describe('a name that says where after its preposition draws what comes before it', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:67388',
      name: 'girls in glass bottle/瓶中少女',
      category: 'style',
      tags: ['anime', 'concept', 'glass', 'girls', 'concert', 'style lora'],
      triggerWords: ['phgls', 'in container', 'bottle'],
    }),
  ]);

  it('takes no girls in a bottle for glass bottles', () => {
    expect(picks('two frosted glass bottles')).toEqual([]);
    expect(picks('three green glass bottles')).toEqual([]);
  });
});

describe('a participle and the noun of its verb say one thing', () => {
  const picks = picksFrom([
    REFLECTIONS_ON_WATER,
    makeAdapter({
      id: 'civitai:37715',
      name: 'Cracked/Fractured/Shattered/Etc. Skin',
      category: 'concept',
      tags: ['anime', 'concept', 'aesthetic', 'character design', 'cracked skin'],
      triggerWords: ['glowing cracks, cracked skin, shattered skin, fractured skin, broken skin', 'cracked skin'],
    }),
  ]);

  it('takes reflections on water for a boat reflected in the water', () => {
    expect(picks('an old wooden boat reflected in the water')).toEqual(['civitai:43671']);
  });

  it('reads no participle as its verb alone: cracked skin is no crack in a sidewalk', () => {
    expect(picks('weeds in the cracks of a sidewalk')).toEqual([]);
  });
});

describe('a look the prompt names by its kind of art, or a compound it writes apart', () => {
  const picks = picksFrom([
    YARN_ART_STYLE,
    makeAdapter({
      id: 'hf:TheLastBen/Papercut_SDXL',
      name: 'Papercut SDXL',
      category: 'style',
      tags: ['papercut', 'paper craft', 'cut paper', 'layered'],
      triggerWords: ['papercut'],
    }),
    makeAdapter({ id: 'civitai:53252', name: 'RW_pixelart', category: 'style', tags: ['style'] }),
  ]);

  it('restyles a scene whose look is "yarn art", not one with yarn in it', () => {
    expect(picks('a yarn art landscape with sheep')).toEqual(['hf:Norod78/SDXL-YarnArtStyle-LoRA']);
    expect(picks('a cat asleep in a yarn basket')).toEqual([]);
  });

  it('reads "paper cut" as Papercut and "pixel art" as pixelart', () => {
    expect(picks('a paper cut diorama of a coral reef')).toEqual(['hf:TheLastBen/Papercut_SDXL']);
    expect(picks('a pixel art corgi pizza')).toEqual(['civitai:53252']);
    expect(picks('a car parked next to a pet shop')).toEqual([]);
  });
});

describe('what a thing is made of, when the prompt says another material', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:11203',
      name: 'Glass Sculptures',
      category: 'style',
      tags: ['style', 'illustration', 'artstyle', 'photography'],
      triggerWords: ['glasssculpture', 'translucent', 'transparent', 'reflection'],
    }),
  ]);

  it('takes no glass sculpture for a sand or a cardboard one', () => {
    expect(picks('a sand sculpture of a castle on the beach')).toEqual([]);
    expect(picks('a cardboard sculpture of a horse in a gallery')).toEqual([]);
    expect(picks('a glass sculpture of a swan on a table')).toEqual(['civitai:11203']);
  });
});

describe("a coined word of the prompt is one name, another adapter's", () => {
  const punkPunk = makeAdapter({
    id: 'civitai:78060',
    name: '(color)PunkPunk',
    category: 'style',
    tags: ['punk', 'style', 'color'],
    triggerWords: ['PunkPunkAI', 'colorful'],
  });
  const sovietPunk = makeAdapter({
    id: 'civitai:75709',
    name: 'SovietPunkAI',
    category: 'style',
    tags: ['style'],
    triggerWords: ['sovietpunkai'],
  });
  const picks = picksFrom([punkPunk, sovietPunk]);

  it('takes no "(color)PunkPunk" for a part of "ValvePunkAI", still for punk and for its own trigger', () => {
    expect(picks('ValvePunkAI battle mech')).toEqual([]);
    expect(picks('a punk rock girl')).toEqual(['civitai:78060']);
    expect(picks('PunkPunkAI, a city street')).toEqual(['civitai:78060']);
  });

  it('takes the adapter a coined word names, with or without its version', () => {
    expect(picks('SovietPunkAI combine harvester')).toEqual(['civitai:75709']);
    expect(picks('SovietPunkAIv2 combine harvester')).toEqual(['civitai:75709']);
  });
});

describe('an art movement named "art" and a word', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:37495',
      name: 'ArtDecoAI',
      category: 'style',
      tags: ['style'],
      triggerWords: ['artdecoai'],
    }),
    makeAdapter({
      id: 'civitai:41114',
      name: 'ArtNouveauAI',
      category: 'style',
      tags: ['style', 'art nouveau'],
      triggerWords: ['ArtNouveauAI'],
    }),
  ]);

  it("takes the movement's style for a poster or a building the prompt asks in it", () => {
    expect(picks('an art deco poster of a train')).toEqual(['civitai:37495']);
    expect(picks('an art deco building in new york')).toEqual(['civitai:37495']);
    expect(picks('an art nouveau poster of a woman with flowers')).toEqual(['civitai:41114']);
  });

  it('takes none for the word that is only half of its name', () => {
    expect(picks('a nouveau riche man in a suit')).toEqual([]);
    expect(picks('a living room with modern deco')).toEqual([]);
  });
});

describe("a maker's handle in brackets before a name", () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:94628',
      name: '[Y5]Renaissance style',
      category: 'style',
      tags: ['renaissance', 'style', 'styles', 'renaissance style'],
      triggerWords: ['renaissance'],
    }),
    MAZDA_RX7,
  ]);

  it('signs the card, no model of anything: a renaissance painting takes the renaissance style', () => {
    expect(picks('a renaissance painting of a cat')).toEqual(['civitai:94628']);
  });

  it('still reads a model code in the name as one', () => {
    expect(picks('a photo of a red sports car')).toEqual([]);
    expect(picks('a photo of a red mazda rx-7')).toEqual(['civitai:9424']);
  });
});

describe('a model its name carries, named by its code', () => {
  const AK47 = makeAdapter({
    id: 'civitai:12955',
    name: 'Bettergun_AK47(WIP)',
    category: 'other',
    tags: ['gun', 'weapons', 'bettergun project', 'akm', 'ak-47'],
    triggerWords: ['ak-47', 'akm', 'kalashnikov_rifle', 'assault_rifle', 'holding_gun'],
  });
  const WW1_GERMAN_UNIFORM = makeAdapter({
    id: 'civitai:65736',
    name: 'WW1 - German Soldier uniform',
    category: 'clothing',
    tags: ['war', 'historical', 'clothing', 'realistic', 'uniform', 'soldier', 'german', 'history', 'ww1', 'germany'],
    triggerWords: ['ww1ger'],
  });
  const picks = picksFrom([MAZDA_RX7, AK47, WW1_GERMAN_UNIFORM]);

  it('takes the model the prompt names by its code, its maker and project names and all', () => {
    expect(picks('a photo of a red mazda rx-7')).toEqual(['civitai:9424']);
    expect(picks('a photo of an rx 7 at night')).toEqual(['civitai:9424']);
    expect(picks('a soldier holding an ak47')).toEqual(['civitai:12955']);
  });

  it('takes no model for a prompt that names none, nor one of a people the prompt does not name', () => {
    expect(picks('a photo of a red sports car')).toEqual([]);
    expect(picks('a soldier holding a rifle')).toEqual([]);
    expect(picks('a ww1 soldier in a trench')).toEqual([]);
    expect(picks('a ww1 german soldier in a trench')).toEqual(['civitai:65736']);
  });

  it('reads a code of two runs of letters and digits as one model, no other model beside the one named', () => {
    const M4A1 = makeAdapter({
      id: 'civitai:26423',
      name: 'M4A1 - Assault Rifle - LORA',
      category: 'other',
      tags: ['gun', 'rifle', 'weapon', 'lora'],
      triggerWords: ['m4a1'],
    });
    const HK416 = makeAdapter({
      id: 'civitai:12519',
      name: 'H&K HK416 LoRA',
      category: 'other',
      tags: ['anime', 'gun', 'weapons', 'rifle'],
      triggerWords: ['gun', 'weapons', 'holding weapon', 'assault rifle'],
    });
    const rifles = picksFrom([M4A1, HK416]);
    expect(rifles('an hk416 rifle')).toEqual(['civitai:12519']);
    expect(rifles('a soldier with an m4a1')).toEqual(['civitai:26423']);
    // A checkpoint a style was made for is no model it draws.
    const TORINO = makeAdapter({
      id: 'civitai:15946',
      name: '[LoCon/LoRA] Torino Style for AOM3A1',
      category: 'style',
      tags: ['anime', 'girl', 'photorealistic', 'style'],
      triggerWords: [],
    });
    expect(picksFrom([TORINO])('a girl in torino style')).toEqual(['civitai:15946']);
  });
});
