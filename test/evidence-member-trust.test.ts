import { describe, expect, it } from 'vitest';
import { enforceCaps } from '../src/stylus/caps.js';
import type { WordRarity } from '../src/stylus/evidence.js';
import { asCandidates, characterCard, makeAdapter, picksFrom } from './support/adapters.js';
import {
  DRAGON_BALL_KI_CHARGE,
  EVA_01,
  JK_UNIFORM,
  LINE_STYLE,
  MADE_OF_ICE,
  PEACE_SIGN,
  PEN_SKETCH_STYLE,
  STAINED_GLASS,
  STATUES_COLLECTION,
  STATUES_COLLECTION_BY_NAME,
  SUPERCUTECAT,
  VINTAGE_STYLE,
  WOW_ICONS,
} from './support/dump-items.js';

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
    // Drawn as a cartoon: a cute tank, as it draws them (see "a name that says its things are cute").
    expect(picks('a tank crossing a river, cartoon')).toEqual(['civitai:59574']);
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
    STAINED_GLASS,
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

  it('takes no eye for the eye of a planet or a storm, still for an eye alone', () => {
    expect(picks('the eye of the planet Jupiter')).toEqual([]);
    expect(picks('a close-up of the eye of the planet Jupiter')).toEqual([]);
    expect(picks('the eye of the storm')).toEqual([]);
    expect(picks('a close-up of an eye')).toEqual(['civitai:44667']);
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
    MADE_OF_ICE,
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

describe("a thing's proper name that its own tags give is a show's or a brand's", () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:20008',
      name: 'Battlestar galactica suits',
      category: 'clothing',
      tags: ['science fiction', 'scifi', 'suit', 'tv show', 'clothing', 'sci fi', 'uniform', 'battlestar galactica'],
      triggerWords: [
        'Battlestarofficer',
        'bsgdckcrw',
        'bsgpltoffdty',
        'colonialvpr fighter jet',
        'vipersuit military uniform',
      ],
    }),
    makeAdapter({
      id: 'civitai:78241',
      name: 'EdobHorse',
      category: 'animal',
      tags: ['animals', 'photorealistic', 'equine', 'horse', 'beautiful', 'animal'],
      triggerWords: ['horse', 'horse standing', 'group of horses'],
    }),
  ]);

  it('dresses no man in a suit and tie in the uniform of a TV show, still one who asks for it', () => {
    expect(picks('a man in a suit and tie')).toEqual([]);
    expect(picks('an officer in a battlestar galactica suit')).toEqual(['civitai:20008']);
  });

  it("still takes a maker's name run into the thing it draws", () => {
    expect(picks('a horse in a meadow')).toEqual(['civitai:78241']);
  });
});

describe('an outfit is worn by someone; a mecha is a machine, no one to dress or draw as a girl', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:15464',
      name: 'A-Mecha Musume A素体机娘',
      category: 'style',
      tags: ['anime', 'girl', 'science', 'female', 'cyborg', 'science fiction', 'mecha', 'android', 'highly detailed'],
      triggerWords: ['mecha musume', 'mechanical parts', 'robot joints', 'headgear'],
    }),
    makeAdapter({
      id: 'civitai:69539',
      name: 'Mecha Girls - by EDG',
      category: 'clothing',
      tags: ['futuristic', 'mecha', 'sci-fi', 'clothing', 'robot', 'cyber girl'],
      triggerWords: ['edgMechagirl', 'wearing edgMechaGirl cyber armor'],
    }),
  ]);

  const picksOutfit = picksFrom([
    makeAdapter({
      id: 'civitai:39174',
      name: 'Star Wars sith outfit',
      category: 'clothing',
      tags: [
        'movie',
        'star wars',
        'science fiction',
        'scifi',
        'sci-fi',
        'outfit',
        'clothing',
        'sci fi',
        'sith',
        'lora',
      ],
      triggerWords: ['sthoutfit'],
    }),
  ]);

  it('takes no mecha girl for a mecha, nor for a kaiju fight', () => {
    expect(picks('a mecha')).toEqual([]);
    expect(picks('a mecha robot fighting a kaiju')).toEqual([]);
  });

  it('puts no one in an outfit nobody wears: a Star Wars sith outfit for a spaceship in the Star Wars style', () => {
    expect(picksOutfit('a spaceship, star wars style')).toEqual([]);
    expect(picksOutfit('a man in a sith outfit, star wars')).toEqual(['civitai:39174']);
  });

  it("reads a fighter beside an aircraft's word as a machine, no one to dress", () => {
    expect(picksOutfit('a star wars x-wing fighter')).toEqual([]);
    expect(picksOutfit('a star wars tie fighter over a desert planet')).toEqual([]);
    expect(picksOutfit('a street fighter in a sith outfit, star wars')).toEqual(['civitai:39174']);
    // A pilot beside his jet is still someone, whom a Star Wars prompt that names no sith puts in no sith outfit.
    expect(picksOutfit('a jet pilot in a sith outfit, star wars')).toEqual(['civitai:39174']);
    expect(picksOutfit('a jet pilot, star wars')).toEqual([]);
  });

  it('still dresses a girl the prompt has', () => {
    expect(picks('1girl, mecha')).toEqual(['civitai:69539']);
    expect(picks('a girl, mecha musume')).toEqual(['civitai:15464']);
  });
});

describe('a describing word that makes half of a two-word name says which kind of thing it draws', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:59051',
      name: 'MessyRoom',
      category: 'background',
      tags: ['background'],
      triggerWords: ['messy room'],
    }),
    makeAdapter({
      id: 'civitai:69207',
      name: 'colored eyelashes/非黑色的睫毛/带颜色的睫毛',
      category: 'concept',
      tags: ['concept', 'girls'],
      triggerWords: ['COLORED EYELASHES', 'white eyelashes', 'yellow eyelashes', '(Eyelashes of any color)'],
    }),
  ]);

  it('makes no plain room messy, nor plain eyelashes coloured', () => {
    expect(picks('a room')).toEqual([]);
    expect(picks('a girl in her room')).toEqual([]);
    expect(picks('1girl, solo, eyelashes, smile')).toEqual([]);
  });

  it('still takes them where the prompt asks for that kind', () => {
    expect(picks('a messy room full of clothes')).toEqual(['civitai:59051']);
    expect(picks('1girl, colored eyelashes, smile')).toEqual(['civitai:69207']);
  });
});

describe('a short word before the word of a trigger says which kind of it', () => {
  const picks = picksFrom([JK_UNIFORM]);

  it('dresses no man in a suit and tie in a Japanese school uniform, still a girl in a jk suit', () => {
    expect(picks('a man in a suit and tie')).toEqual([]);
    expect(picks('a girl in a jk suit')).toEqual(['civitai:81286']);
  });
});

describe('"vintage" or "retro" before a thing says how old it is, no anime illustration', () => {
  const picks = picksFrom([
    VINTAGE_STYLE,
    makeAdapter({
      id: 'civitai:65262',
      name: 'Retro - Style',
      category: 'style',
      tags: ['anime', 'retro', 'style', 'comic'],
    }),
  ]);

  it('gives no anime illustration to a vintage postage stamp or a retro sprite, still to the look it draws', () => {
    expect(picks('a vintage postage stamp with a lighthouse')).toEqual([]);
    expect(picks('a vintage car on route 66')).toEqual([]);
    expect(picks('a retro video game sprite of a knight')).toEqual([]);
    expect(picks('a vintage anime illustration of a girl')).toEqual(['civitai:49872']);
    expect(picks('retro anime comic of a robot')).toEqual(['civitai:65262']);
  });
});

describe("the style of one thing is that thing's look, no kind of it", () => {
  const picks = picksFrom([LINE_STYLE]);

  it('gives no line-art style to a finish line, still to lines asked for as such', () => {
    expect(picks('two runners crossing the finish line together')).toEqual([]);
    expect(picks('a line')).toEqual(['civitai:55183']);
    expect(picks('a cat, line style')).toEqual(['civitai:55183']);
  });

  it('gives it to no lines of a picture that asks for no line art', () => {
    expect(picks('a warrior, comic book style, bold lines')).toEqual([]);
    expect(picks('a spaceship, sleek lines and sharp edges')).toEqual([]);
    expect(picks('a two lane road with a bright yellow line')).toEqual([]);
    expect(picks('a girl, line art')).toEqual(['civitai:55183']);
  });
});

describe('a style is what its name begins with', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:bloodstained',
      name: 'Bloodstained - Vector / illustrative',
      category: 'style',
      tags: ['style', 'art style', 'illustration', 'vector art'],
      triggerWords: ['bloodstainai'],
    }),
  ]);

  it('gives no red-and-black bloodstained look to a vector illustration that does not ask for it', () => {
    expect(picks('a fox, vector art')).toEqual([]);
    expect(picks('a bloodstained knight, vector art')).toEqual(['civitai:bloodstained']);
  });
});

describe('a describing word before "style" asks for that look', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:24843',
      name: 'Sketchy - Style',
      category: 'style',
      tags: ['style', 'artstyle', 'sketch'],
    }),
  ]);

  it('takes "Sketchy - Style" for a sketchy style, not for a sketchy part of town', () => {
    expect(picks('an illustration of a castle, sketchy style')).toEqual(['civitai:24843']);
    expect(picks('a sketchy alley at night')).toEqual([]);
  });
});

describe('a framing word before a part of the body says which part', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:88998',
      name: 'Middle Finger',
      category: 'pose',
      tags: ['photorealistic', 'poses'],
      triggerWords: ['middle finger'],
    }),
  ]);

  it('shows no rude gesture for clasped fingers, still for a middle finger', () => {
    expect(picks('1girl, solo, facing viewer, fingers clasped, praying')).toEqual([]);
    expect(picks('a girl, finger on her lips')).toEqual([]);
    expect(picks('a man showing the middle finger')).toEqual(['civitai:88998']);
  });
});

describe("a word many adapters share, where it is the task's, the name's head and the trigger to write", () => {
  const dragons = [
    makeAdapter({
      id: 'civitai:96898',
      name: 'Western Dragon Collection - Classic style',
      category: 'concept',
      tags: ['dragons', 'concept', 'fantasy'],
      triggerWords: ['dragon'],
    }),
    makeAdapter({
      id: 'civitai:82903',
      name: 'Real dragons 真实龙',
      category: 'style',
      tags: ['dragons', 'style', 'girls'],
      triggerWords: ['dragon_real', 'flame'],
    }),
    makeAdapter({
      id: 'civitai:3',
      name: 'Modern Apartment Building（现代公寓楼效果）LoRa',
      category: 'building',
      tags: ['architecture', 'buildings'],
      triggerWords: ['mabuilding'],
    }),
  ];
  // "dragon" as common as in a catalog with Dragon Ball's cast; "building" as in one with hundreds of architecture renders.
  const common: WordRarity = { isCommon: (word) => word === 'dragon' || word === 'building' };
  const picks = picksFrom(dragons, { rarity: common });

  it('takes the dragon its trigger names for a dragon, no style of dragons nor a building render for any building', () => {
    expect(picks('a dragon breathing fire on a castle')).toEqual(['civitai:96898']);
    expect(picks('an oil painting of a tree and a building')).toEqual([]);
  });

  it('takes it for a dragon of a colour too: a colour is no other kind of dragon', () => {
    expect(picks('a black dragon perched on an obelisk, breathing flames at a knight')).toEqual(['civitai:96898']);
    expect(picks('a red dragon playing chess')).toEqual(['civitai:96898']);
    expect(picks('a baby dragon playing chess')).toEqual([]);
  });
});

describe('a tag that says again what a name opens with says where the thing comes from', () => {
  const picks = picksFrom([
    DRAGON_BALL_KI_CHARGE,
    makeAdapter({
      id: 'civitai:starwars',
      name: 'Star wars rebel pilot suit',
      category: 'clothing',
      tags: ['star wars', 'clothing', 'uniform'],
      triggerWords: ['in rebel pilot suit'],
    }),
  ]);

  it("gives no show's ki charge to a dark aura, still when the show or its own thing is asked for", () => {
    expect(picks('a knight with a dark aura')).toEqual([]);
    expect(picks('goku charging ki, dragon ball aura')).toEqual(['civitai:79197']);
    expect(picks('a woman in a rebel pilot suit')).toEqual(['civitai:starwars']);
  });
});

describe('a dictionary word run into a name says which kind of the thing it ends in', () => {
  const picks = picksFrom([
    makeAdapter({ id: 'civitai:sideface', name: 'sideface', category: 'concept', tags: ['face', 'side view'] }),
    makeAdapter({ id: 'civitai:81176', name: 'Chocoskin', category: 'concept', tags: ['concept', 'skin'] }),
    makeAdapter({ id: 'civitai:supercutecat', name: 'Supercutecat_v10', category: 'animal', tags: ['cat', 'cute'] }),
  ]);

  it('turns no face to the side and darkens no skin for "detailed face, detailed skin", still draws a cat', () => {
    expect(picks('1girl, detailed face, detailed skin')).toEqual([]);
    expect(picks('a cat sleeping on a windowsill')).toEqual(['civitai:supercutecat']);
  });
});

const KCUTE_TANKS = makeAdapter({
  id: 'civitai:59574',
  name: 'kCuteTanks',
  category: 'vehicle',
  tags: ['concept', 'tank', 'vehicle', 'submarine', 'dirigible'],
  triggerWords: ['kcuteT4nk'],
});

describe('a one-word name its tags say only before another noun says which kind of that noun', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'hf:ostris/super-cereal-sdxl-lora',
      name: 'Super Cereal',
      category: 'object',
      tags: ['cereal box', 'packaging', 'product', 'advertising'],
    }),
  ]);

  it('puts no cereal box in a bowl of cereal, still on a cereal box', () => {
    expect(picks('a bowl of cereal with milk')).toEqual([]);
    expect(picks('a cereal box with a cartoon tiger')).toEqual(['hf:ostris/super-cereal-sdxl-lora']);
  });
});

describe('a name that says its things are cute', () => {
  const picks = picksFrom([KCUTE_TANKS, SUPERCUTECAT]);

  it('fights a photo that asks for nothing cute', () => {
    expect(picks('a tank in the desert, war photography')).toEqual([]);
    expect(picks('a photo of a cat on a sofa')).toEqual([]);
  });

  it("fights a painter's look that asks for nothing cute", () => {
    expect(picks('a cat, cubism')).toEqual([]);
    expect(picks('an oil painting of a cat playing checkers')).toEqual([]);
    expect(picks('a cute cat, oil painting')).toEqual(['civitai:75132']);
  });

  it('makes no toy of a machine in a prompt that asks for no look at all; a cat drawn cute is still a cat', () => {
    expect(picks('a tank in the desert')).toEqual([]);
    expect(picks('a cat on a sofa')).toEqual(['civitai:75132']);
  });

  it('still draws its thing for a drawn prompt, its own trigger, or a photo of a cute one', () => {
    expect(picks('a tank in the desert, anime illustration')).toEqual(['civitai:59574']);
    expect(picks('concept art kcuteT4nk fish-like tank')).toEqual(['civitai:59574']);
    expect(picks('a photo of a cute cat on a sofa')).toEqual(['civitai:75132']);
  });
});

describe('a one-word name is no evidence for a head a noun before it makes a kind of', () => {
  const picks = picksFrom([KCUTE_TANKS]);

  it('takes no tank (the vehicle) for a fish tank, still for a tank, a fish-like tank, a tank at night', () => {
    expect(picks('a fish tank')).toEqual([]);
    expect(picks('a goldfish in a fish tank on a desk')).toEqual([]);
    expect(picks('a tank crossing a river, cartoon')).toEqual(['civitai:59574']);
    expect(picks('concept art kcuteT4nk fish-like tank')).toEqual(['civitai:59574']);
  });

  it('reads a name or a time before the head as whose or when, no kind of it', () => {
    const flag = picksFrom([
      makeAdapter({
        id: 'civitai:11187',
        name: 'Flag - LoRA',
        category: 'concept',
        tags: ['concept', 'flags', 'flag'],
        triggerWords: ['flag', 'no humans', 'simple background'],
      }),
    ]);
    expect(flag('the United States flag next to the flag of Texas')).toEqual(['civitai:11187']);
    expect(flag('a pirate flag')).toEqual([]);
  });
});

describe('what the triggers call a thing its name calls a kind of the task is that thing', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:62881',
      name: "Parrley's Battle Suits",
      category: 'clothing',
      tags: ['futuristic', 'mecha', 'suit', 'armor', 'clothing', 'sci fi'],
      triggerWords: ['Parrley_armor', 'wearing Parrley_armor', 'big bulky futuristic armor'],
    }),
  ]);

  it('dresses no man in a suit in sci-fi armour, still a battle suit or a suit of armor', () => {
    expect(picks('a man in a suit')).toEqual([]);
    expect(picks('1boy, blonde hair, suit, solo focus')).toEqual([]);
    expect(picks('a battle suit')).toEqual(['civitai:62881']);
    expect(picks('a woman in a suit of armor')).toEqual(['civitai:62881']);
  });
});

describe('a word in -ing is what is done with its root, no thing of it', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:71170',
      name: '[LoRa] Birch Light / シラカバの光 / 白樺樹之光 Concept (With multires noise version)',
      category: 'background',
      tags: ['fog', 'atmosphere', 'tools', 'background', 'landscape', 'light', 'daylightlighting'],
    }),
    makeAdapter({
      id: 'civitai:77957',
      name: '[LoRa] Dense Light / 雲煙 Concept (With multires noise version)',
      category: 'background',
      tags: ['fire', 'atmosphere', 'tools', 'background', 'landscape', 'light'],
    }),
  ]);

  it('takes no background light for "perfect lighting", still for a light', () => {
    expect(picks('perfect lighting')).toEqual([]);
    expect(picks('masterpiece, best quality, perfect lighting, 1girl, solo, sitting')).toEqual([]);
    // One light: "Dense Light" is a kind of the light "Birch Light" draws, which nobody asked dense.
    expect(picks('light')).toEqual(['civitai:71170']);
  });
});

describe('a later part of a name says in other words what its first part is, when its trigger says that part', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:87918',
      name: 'Qipao/Cheongsam Traditional Dress',
      category: 'clothing',
      tags: ['photorealistic', 'female', 'woman', 'clothing', 'girls', 'realistic'],
      triggerWords: ['qipao'],
    }),
  ]);

  it('dresses no Pocahontas in a qipao for a traditional dress, still anyone who asks for a qipao', () => {
    expect(picks('Pocahontas in a traditional dress')).toEqual([]);
    expect(picks('a woman in a traditional dress')).toEqual([]);
    expect(picks('a woman in a qipao')).toEqual(['civitai:87918']);
  });
});

describe('a material a trigger sets before someone is a genre of people', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:81851',
      name: 'MetalAI',
      category: 'style',
      tags: ['metal', 'style', 'style lora'],
      triggerWords: ['MetalAI', 'MetalOutfit', 'MetalGuitar', 'MetalSinger'],
    }),
  ]);

  it('takes no metal-singer style for a metal statue or a thing made of metal, still for a metal singer', () => {
    expect(picks('a metal statue')).toEqual([]);
    expect(picks('A funny Rube Goldberg machine made out of metal')).toEqual([]);
    expect(picks('a metal singer on stage')).toEqual(['civitai:81851']);
  });
});

describe('a task holds an outfit by the garment its name ends in, or a print on it', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:72566',
      name: 'Spider Suit | Attire',
      category: 'clothing',
      tags: ['clothing', 'spider-man'],
      triggerWords: ['spider suit', 'spider web print', 'spider web'],
    }),
  ]);

  it('takes no spider suit for a spider web, still for the suit or its web print', () => {
    expect(picks('a spider web with dew')).toEqual([]);
    expect(picks('a girl in a spider suit')).toEqual(['civitai:72566']);
    expect(picks('1girl, solo, spider web print, body suit, superhero')).toEqual(['civitai:72566']);
  });
});

describe('a garment is worn by someone', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:74675',
      name: 'Glasses LoRA',
      category: 'clothing',
      tags: ['sunglasses', 'glasses', 'clothing'],
      triggerWords: ['Glasses', 'Sunglasses', 'Aviators'],
    }),
  ]);

  it('puts no eyewear on glasses of water, still on a man who wears glasses', () => {
    expect(picks('two glasses of water')).toEqual([]);
    expect(picks('a man wearing glasses')).toEqual(['civitai:74675']);
    expect(picks('the glasses of the professor')).toEqual(['civitai:74675']);
  });
});

describe('a thing its own trigger calls a style by its whole name is a look of that name', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:7482',
      name: 'Elden Ring LoRA Extraction',
      category: 'background',
      tags: ['landscapes', 'nitrosocke', 'elden ring style', 'portraits', 'video game'],
      triggerWords: ['elden ring style'],
    }),
  ]);

  it("takes no game's look for a boxing ring or a ring of jewelry, still for it asked by name", () => {
    expect(picks('a boxer in a ring')).toEqual([]);
    expect(picks('1girl, jewelry, earrings, ring, necklace')).toEqual([]);
    expect(picks('a knight, elden ring style')).toEqual(['civitai:7482']);
  });
});

describe("a user's handle is named with its digits", () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:62335',
      name: 'rei_17/零/老累/rei子/理查不接广告不接稿/理查不接廣告不接稿 style',
      category: 'style',
      tags: ['style', 'art style', 'artist', 'girls', 'man', 'men', 'style art', 'girl，', 'boys'],
      triggerWords: ['painting \\(medium\\)'],
    }),
  ]);

  it("takes no illustrator's style for a character named Rei", () => {
    expect(picks('1girl, long sleeves, silhouette, antenna hair, miyamoto rei, masterpiece')).toEqual([]);
    expect(picks('rei')).toEqual([]);
  });
});

describe('"no humans" leaves no one to dress or pose', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:84833',
      name: 'LASER - 镭射衣',
      category: 'style',
      tags: ['female', 'clothing', 'laser', 'cloth', 'styles'],
      triggerWords: ['laser', 'leishe'],
    }),
  ]);

  it('takes no laser clothing for the laser of a space battle, still for a girl in it', () => {
    expect(picks('spacecraft, space battleship, no humans, deep space, glowing engine, laser, beam')).toEqual([]);
    expect(picks('1girl, laser')).toEqual(['civitai:84833']);
  });
});

describe('a name that says another kind of the head than the task asks for', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:26423',
      name: 'M4A1 - Assault Rifle - LORA',
      category: 'other',
      tags: ['gun', 'rifle', 'weapon', 'lora'],
      triggerWords: ['m4a1'],
    }),
  ]);

  it('takes no eye mask for a gas mask, a kind the lexicon knows as a noun; still "Stylized Ruins" for ancient ruins', () => {
    const mask = picksFrom([
      makeAdapter({
        id: 'civitai:59903',
        name: 'BlindMask',
        category: 'clothing',
        tags: ['mask', 'clothing', 'fantasy'],
        triggerWords: ['mask', 'blind mask', 'halo mask', 'crown mask', 'wing mask', 'silver mask', 'gold mask'],
      }),
    ]);
    expect(mask('wanderer, gas mask, survival gear, soft lighting')).toEqual([]);
    // An animal someone's looks are named for says a kind of a thing: a fox mask is no eye mask.
    expect(mask('1girl, fox girl, shrine, fox mask, festival')).toEqual([]);
    expect(mask('1girl, mask')).toEqual(['civitai:59903']);
    expect(mask('1girl, blind mask')).toEqual(['civitai:59903']);
    const ruins = picksFrom([
      makeAdapter({
        id: 'civitai:62294',
        name: 'Stylized Ruins',
        category: 'background',
        tags: ['ruins', 'background'],
        triggerWords: ['ruins', 'blue_sky'],
      }),
    ]);
    expect(ruins('ancient ruins')).toEqual(['civitai:62294']);
  });

  it('takes no assault rifle for a sniper rifle; a rifle of no model named takes no M4A1 either', () => {
    expect(picks('Fcartoon, Sniper Rifle')).toEqual([]);
    expect(picks('a sniper rifle')).toEqual([]);
    // "M4A1" is a model, as "RX-7" is: a rifle or an assault rifle of no model gets none, as a sports car gets no Mazda.
    expect(picks('a rifle')).toEqual([]);
    expect(picks('a soldier with an assault rifle')).toEqual([]);
    expect(picks('a soldier with an m4a1 assault rifle')).toEqual(['civitai:26423']);
  });
});

describe('a pose is the relation its name says', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:27701',
      name: 'hand to own mouth',
      category: 'pose',
      tags: ['anime', 'poses'],
      triggerWords: ['hand to own mouth'],
    }),
  ]);

  it('puts no hand to a mouth for hands clasped, still for a hand to the mouth', () => {
    expect(picks('1girl, solo, own hands together, own hands clasped, maid')).toEqual([]);
    expect(picks('1girl, hand to own mouth, smile')).toEqual(['civitai:27701']);
  });
});

describe('a tag that names a kind of art is a look', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:5101',
      name: 'ConceptART',
      category: 'background',
      tags: ['landscapes', 'concept art', 'brush', 'environment concept art', 'thick brush stokes'],
      triggerWords: ['conceptart'],
    }),
  ]);

  it('takes no concept art for a cluttered environment, still for environment concept art', () => {
    expect(picks('coffee machine, cluttered environment')).toEqual([]);
    expect(picks('environment concept art of a city')).toEqual(['civitai:5101']);
  });
});

describe('what the first part of a concept says was done is done, asked anywhere', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:19206',
      name: 'submerged_water',
      category: 'concept',
      tags: ['concept', 'water', 'ocean', 'water splash'],
      triggerWords: [
        'complete anatomy',
        'submerged water',
        'partially submerged',
        'bubbles',
        'shiny skin',
        'sweat',
        'cloudy sky',
        'deep submersion',
      ],
    }),
    makeAdapter({
      id: 'civitai:27858',
      name: 'Huge Two-Handed Burger LoRA',
      category: 'concept',
      tags: ['anime', 'girl', 'concept', 'food', 'burger', 'eating'],
      triggerWords: ['two-handed burger'],
    }),
  ]);

  it('submerges no girl for "water", still one partly submerged; a compound that describes is no deed', () => {
    expect(picks('masterpiece, best quality, 1girl, snow, water, light particles, moon')).toEqual([]);
    expect(picks('1girl, partially submerged, water')).toEqual(['civitai:19206']);
    expect(picks('1girl, cafe, eating burger')).toEqual(['civitai:27858']);
  });
});

describe('a style named for where a look comes from brings the medium its tags state', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:59768',
      name: 'Underwater',
      category: 'style',
      tags: ['water', 'aqua', 'style', 'ocean', 'mermaid', 'sea', 'diving'],
      triggerWords: ['UNDERWATER_SCENE', 'aqua'],
    }),
    makeAdapter({
      id: 'civitai:25615',
      name: 'Underwater - Style',
      category: 'style',
      tags: ['anime', 'colorful', 'style', 'artstyle'],
    }),
    makeAdapter({
      id: 'civitai:89348',
      name: '花想容/Chinese style/古风/中国風です Lora',
      category: 'style',
      tags: ['anime', 'girl', 'female', 'chinese', 'style', 'woman', 'girls', 'chinesestyle', 'chinese arts', '花想容'],
      triggerWords: ['Chinese style'],
    }),
  ]);

  it('takes no anime look for a shark underwater or a Chinese painting of a tower, still for an anime prompt', () => {
    expect(picks('a shark underwater')).toEqual(['civitai:59768']);
    expect(picks('The Oriental Pearl in Chinese painting')).toEqual([]);
    expect(picks('underwater, anime, 1girl')).toEqual(['civitai:59768', 'civitai:25615']);
  });
});

describe('an adapter tagged as a kind of person draws one, asked for or not', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:27850',
      name: 'NightmarketCyberG_MIXSushi',
      category: 'other',
      tags: ['cyber', 'girls', 'anime girl'],
      triggerWords: ['starry night', 'night market'],
    }),
    makeAdapter({
      id: 'civitai:96065',
      name: 'Better mirror_Duality_yin yang | 更好的镜子+二元性_阴阳——镜像 7dragons',
      category: 'concept',
      tags: ['anime', 'female', 'concept', 'mirror', '2girls', 'reflections', 'duality', 'yin_yang', 'mirroring'],
      triggerWords: ['in_mirror'],
    }),
  ]);

  it('brings no cyber girl into a night market, nor mirrored girls onto a yin-yang symbol', () => {
    expect(picks('a busy night market with paper lanterns')).toEqual([]);
    expect(picks('a hot air balloon with a yin-yang symbol')).toEqual([]);
  });

  it('takes a city for a place, however it is written, not for someone', () => {
    expect(picks('a night market in taipei')).toEqual([]);
    expect(picks('a night market in Taipei')).toEqual([]);
    expect(picks('Keqing at a night market in Taipei')).toEqual(['civitai:27850']);
  });

  it('still draws her where the prompt has someone: a person, or a tag list of how she looks', () => {
    expect(picks('a girl eating noodles at a night market')).toEqual(['civitai:27850']);
    expect(picks('long hair, blue eyes, night market, lanterns')).toEqual(['civitai:27850']);
    expect(picks('two women, yin-yang symbol')).toEqual(['civitai:96065']);
  });
});

describe('a style trained on girls, or an adapter named a portrait, draws someone too', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:60363',
      name: 'Cyberpunk Elements',
      category: 'style',
      tags: ['girl', 'mecha', 'cyberpunk', 'style', 'style lora'],
      triggerWords: ['cyberpunk'],
    }),
    makeAdapter({
      id: 'civitai:7024',
      name: '[LuisaP] 🥷Cyberpunk Portrait [1MB]',
      category: 'other',
      tags: ['cyberpunk', 'luisap', '[luisap]'],
      triggerWords: ['cyberpunk'],
    }),
    LINE_STYLE,
  ]);

  it('brings no girl into a cyberpunk mountain', () => {
    expect(picks('masterpiece, illustration, mountain, cyberpunk')).toEqual([]);
  });

  it('still draws her for someone, and a style asked for by its whole name', () => {
    expect(picks('1girl, mountain, cyberpunk')).toEqual(['civitai:60363', 'civitai:7024']);
    expect(picks('a cat, line style')).toEqual(['civitai:55183']);
  });
});

describe("a franchise's tag before a garment's name says whose it is: no one is dressed for the franchise's spaceship", () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:23025',
      name: 'Star wars rebel trooper uniform',
      category: 'clothing',
      tags: ['movie', 'star wars', 'science fiction', 'scifi', 'suit', 'sci-fi', 'clothing', 'sci fi', 'uniform'],
      triggerWords: ['in a rebel trooper uniform'],
    }),
  ]);

  it('dresses no one for a Star Wars spaceship, still someone in a Star Wars uniform', () => {
    expect(picks('a star wars spaceship over a desert planet')).toEqual([]);
    expect(picks('a star wars uniform')).toEqual(['civitai:23025']);
    expect(picks('a soldier in a rebel trooper uniform')).toEqual(['civitai:23025']);
  });
});

describe('a game a name writes by its initials is asked for by them or by its title', () => {
  const picks = picksFrom([WOW_ICONS]);

  it('brings no World of Warcraft icons to an icon nobody said was of it', () => {
    expect(picks('Icon of a red heart')).toEqual([]);
    expect(picks('a gold coin, game icon, white background')).toEqual([]);
  });

  it('still comes for its initials written as a word, or its title spelled out', () => {
    expect(picks('Icon of a red heart, wow')).toEqual(['civitai:45713']);
    expect(picks('Icon of a red heart, world of warcraft')).toEqual(['civitai:45713']);
  });

  it("drops an LLM composer's WoW icons for an icon of no game, with the reason", () => {
    const task = [{ task: 'icon', adapters: [{ adapterId: 'civitai:45713', reason: 'game icons' }] }];
    const { tasks, repairs } = enforceCaps('Icon of a red heart', task, asCandidates([WOW_ICONS]));
    expect(tasks.flatMap((each) => each.adapters)).toEqual([]);
    expect(repairs).toEqual(['civitai:45713 dropped from "icon": its name names "wow", which the prompt does not']);
  });
});

describe('a thing of a series, the series in brackets', () => {
  it('comes for the thing, no prompt that names only the series', () => {
    const picks = picksFrom([EVA_01]);
    expect(picks('asuka langley, plugsuit, evangelion')).toEqual([]);
    expect(picks('eva 01, evangelion, city')).toEqual(['civitai:16315']);
    // Brackets that say the thing in Latin letters translate it, no series: "ブルマ(Buruma)" for buruma.
    const buruma = picksFrom([
      makeAdapter({
        id: 'civitai:78523',
        name: 'ブルマ(Buruma)',
        category: 'clothing',
        tags: ['clothing'],
        triggerWords: ['brm'],
      }),
    ]);
    expect(buruma('1girl, gym uniform, red buruma')).toEqual(['civitai:78523']);
  });
});

describe('a garment named for a franchise', () => {
  it('dresses no one of a prompt that names the franchise and not the garment (see the sith outfit for one that does)', () => {
    const picks = picksFrom([
      makeAdapter({
        id: 'civitai:32047',
        name: 'Star Wars jedi outfit',
        category: 'clothing',
        tags: ['movie', 'star wars', 'scifi', 'clothes', 'sci-fi', 'outfit', 'clothing', 'sci fi', 'lora'],
        triggerWords: ['in jedioutfit'],
      }),
    ]);
    expect(picks('a stormtrooper on a desert planet, star wars')).toEqual([]);
    // A name whose head says only that it is worn leaves the garment to the words before it.
    const pelvicCurtain = picksFrom([
      makeAdapter({
        id: 'civitai:52430',
        name: 'Pelvic Curtain Dresses',
        category: 'clothing',
        tags: ['fashion', 'dress', 'fashion design', 'woman', 'clothing'],
        triggerWords: ['pelvic_curtain dress,wearing a pelvic_curtain dress, multiple straps around the waist,'],
      }),
    ]);
    expect(pelvicCurtain('1girl, maid, black leotard, pelvic curtain, thighhighs')).toEqual(['civitai:52430']);
  });
});

describe('one thing has one shape: no kind of it a pick already draws, by words the prompt lacks', () => {
  const clothing = (id: string, name: string, tags: string[], triggerWords: string[]) =>
    makeAdapter({ id, name, category: 'clothing', tags, triggerWords });
  const GLASSES = clothing(
    'civitai:74675',
    'Glasses LoRA',
    ['sunglasses', 'glasses', 'clothing'],
    ['Glasses', 'Sunglasses', 'Aviators'],
  );
  const ROUND_GLASSES = clothing(
    'civitai:21285',
    'Round glasses | Accessory',
    ['glass', 'round eyewear', 'glasses', 'clothing', 'circle glasses', 'eyewear'],
    ['glasses', 'round eyewear'],
  );
  const THIN_ROUND_GLASSES = clothing(
    'civitai:23902',
    'Thin round glasses',
    ['anime', 'glasses', 'clothing', 'realistic', 'circle glasses'],
    ['circle-glasses'],
  );
  const picks = picksFrom([GLASSES, ROUND_GLASSES, THIN_ROUND_GLASSES]);

  it('gives "glasses" the glasses LoRA alone, no round ones beside it', () => {
    expect(picks('a girl with glasses reading')).toEqual(['civitai:74675']);
  });

  it('reads a label that files a garment as no garment: "... | Attire" is no one\'s attire', () => {
    const STRIPED_THIGHHIGHS = clothing(
      'civitai:75593',
      'Depository of Striped Thighhighs | Attire',
      ['anime', 'thighhighs', 'clothing'],
      ['striped thighhighs'],
    );
    expect(picksFrom([STRIPED_THIGHHIGHS])('a pirate in tattered pirate attire')).toEqual([]);
    expect(picksFrom([STRIPED_THIGHHIGHS])('a girl in formal attire')).toEqual([]);
    expect(picksFrom([STRIPED_THIGHHIGHS])('girl in striped thighhighs')).toEqual(['civitai:75593']);
  });

  it('keeps a kind the prompt asks for', () => {
    expect(picks('a girl with thin round glasses reading')).toEqual(
      expect.arrayContaining(['civitai:21285', 'civitai:23902']),
    );
  });

  it('reads a word that rates a LoRA as no kind: "Concept better sky" beside another sky', () => {
    const sky = makeAdapter({ id: 'civitai:1', name: 'Sky', category: 'background', tags: ['sky'] });
    const betterSky = makeAdapter({
      id: 'civitai:28581',
      name: 'Concept better sky',
      category: 'background',
      tags: ['concept', 'scenery', 'night', 'blue sky', 'sky'],
      triggerWords: ['sky', 'sunset', 'night'],
    });
    expect(picksFrom([sky, betterSky])('beautiful fireworks in the sky')).toEqual(
      expect.arrayContaining(['civitai:1', 'civitai:28581']),
    );
  });
});

describe("a word of a franchise's title is no action", () => {
  const ATTACKING = makeAdapter({
    id: 'civitai:25483',
    name: 'Attacking Concept',
    category: 'concept',
    tags: ['concept'],
  });
  const attackOnTitan = [
    characterCard(
      'civitai:90523',
      'Mikasa Ackerman ミカサ・アッカーマン / Shingeki no Kyojin',
      ['hmmikasa, short hair, black eyes, scarf'],
      ['anime', 'character', 'shingeki no kyojin', 'attack on titan', 'mikasa ackerman'],
    ),
    characterCard(
      'civitai:86384',
      'Annie Leonhardt | Attack On Titan | Shingeki No Kyoujin',
      ['annie_leonhardt'],
      ['anime', 'character', 'female', 'attack on titan', 'woman'],
    ),
    characterCard(
      'civitai:19821',
      'Pieck (Attack on titan) LoRA',
      [],
      ['anime', 'character', 'attack on titan', 'pieck'],
    ),
    characterCard(
      'civitai:40671',
      'Sasha Braus | Attack on Titan',
      ['sasha braus', 'paradis military uniform', 'jacket'],
      ['anime', 'character', 'attack on titan', 'sasha braus'],
    ),
  ];
  const picks = picksFrom([ATTACKING, ...attackOnTitan]);

  it('takes no "Attacking Concept" for "attack on titan style wall"', () => {
    expect(picks('attack on titan style wall')).toEqual([]);
  });

  it('still takes it for someone attacking', () => {
    expect(picks('a knight attacking a dragon')).toEqual(['civitai:25483']);
  });
});
