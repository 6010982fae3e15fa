import { describe, expect, it } from 'vitest';
import { singular } from '../src/catalog/classify/words.js';
import { enforceCaps } from '../src/stylus/caps.js';
import { franchiseNames } from '../src/stylus/character-names.js';
import { composeOffline } from '../src/stylus/offline-composer.js';
import { asCandidates, makeAdapter, offlinePicks, picksFrom } from './support/adapters.js';
import {
  EDOB_CAR,
  EVA_01,
  FILM_GRAIN,
  GHIBLI_PYRAMID,
  MANGA_MAGAZINE_COVER,
  SMOKE,
  STAINED_GLASS,
  STICKERS,
  WOW_ICONS,
} from './support/dump-items.js';

/**
 * Picks a member would not accept on a real catalog, each seen on the Civitai dump: an adapter whose name asks for
 * a look or a format the prompt does not (a neon photo, an illustration for a photo, a tabletop map for a city), half
 * of a style's name ("South Park" for a park), glasses for a glass, a franchise taken for its characters' name, and
 * three LoRAs of one character on one task. Names and tags are written after real dump items.
 */
const catalog = [
  makeAdapter({ id: 'civitai:1', name: 'Neon photography', category: 'style', tags: ['photography', 'neon'] }),
  makeAdapter({ id: 'civitai:2', name: 'Food Photography', category: 'object', tags: ['food', 'photography'] }),
  makeAdapter({ id: 'civitai:3', name: 'Vintage illustration', category: 'style', tags: ['vintage'] }),
  makeAdapter({
    id: 'civitai:77277',
    name: '303 Acid Brutalist Poster',
    category: 'style',
    tags: ['design', 'style', 'poster'],
    triggerWords: ['poster'],
  }),
  makeAdapter({
    id: 'civitai:4',
    name: 'Table Rpg / D&D Maps #10 - Cities',
    category: 'object',
    tags: ['city', 'maps'],
  }),
  makeAdapter({ id: 'civitai:5', name: 'South Park Style (LORA)', category: 'style', tags: ['park', 'cartoon'] }),
  makeAdapter({
    id: 'civitai:6',
    name: 'Stone Statue LoRA',
    category: 'style',
    triggerWords: ['stone_statue', 'statue'],
  }),
  makeAdapter({ id: 'civitai:7', name: 'Broken Glass', category: 'style', triggerWords: ['glass', 'broken glass'] }),
  makeAdapter({ id: 'civitai:8', name: 'Glasses LoRA', category: 'clothing', triggerWords: ['glasses', 'sunglasses'] }),
  makeAdapter({
    id: 'civitai:9',
    name: 'Sailor Moon Outfit LoRA',
    category: 'clothing',
    triggerWords: ['sailor outfit'],
  }),
  makeAdapter({ id: 'civitai:10', name: 'Paper Lanterns in the Night', category: 'object', tags: ['lantern'] }),
  makeAdapter({ id: 'civitai:11', name: 'Keqing | Genshin Impact', category: 'character', triggerWords: ['keqing'] }),
  makeAdapter({ id: 'civitai:12', name: 'Keqing (Genshin Impact)', category: 'character', triggerWords: ['keqing'] }),
  makeAdapter({ id: 'civitai:13', name: 'Lisa | Genshin Impact', category: 'character', triggerWords: ['lisadef'] }),
  makeAdapter({ id: 'civitai:14', name: 'Ganyu | Genshin Impact', category: 'character', triggerWords: ['ganyu'] }),
  makeAdapter({
    id: 'civitai:15',
    name: 'Raiden Shogun | Genshin Impact',
    category: 'character',
    triggerWords: ['raidenshogundef'],
  }),
  makeAdapter({
    id: 'civitai:16',
    name: 'Sumeragi Lee Noriega / Gundam 00',
    category: 'character',
    tags: ['gundam'],
  }),
  makeAdapter({ id: 'civitai:17', name: 'Lockon Stratos / Gundam 00', category: 'character', tags: ['gundam'] }),
  makeAdapter({ id: 'civitai:18', name: 'Setsuna F. Seiei / Gundam 00', category: 'character', tags: ['gundam'] }),
  makeAdapter({ id: 'civitai:19', name: 'Tieria Erde / Gundam 00', category: 'character', tags: ['gundam'] }),
  makeAdapter({ id: 'civitai:20', name: 'Tokyo Girl 2', category: 'character', triggerWords: ['tokyo girl'] }),
  makeAdapter({ id: 'civitai:21', name: 'Rem (Re:0)/蕾姆', category: 'other', triggerWords: ['rem', 'blue eyes'] }),
  makeAdapter({ id: 'civitai:22', name: 'Waifu on Motorcycle', category: 'vehicle', triggerWords: ['motorcycle'] }),
  makeAdapter({
    id: 'civitai:23',
    name: 'VaporWaveV1',
    category: 'style',
    triggerWords: ['palm trees, pastel colors'],
  }),
  makeAdapter({
    id: 'civitai:24',
    name: 'Hankyu 3000 series / train interior',
    category: 'background',
    tags: ['trains', 'scenery'],
  }),
  makeAdapter({ id: 'civitai:25', name: 'FF14 Landscape and Cities', category: 'background', triggerWords: ['city'] }),
  makeAdapter({ id: 'civitai:26', name: 'MAZDA RX-7 FD3S car LORA', category: 'vehicle', triggerWords: ['car'] }),
  makeAdapter({ id: 'civitai:27', name: '90s Trading Card Style', category: 'style', triggerWords: ['card'] }),
  makeAdapter({
    id: 'civitai:28',
    name: '画师JW/huashiJW Style (for sky backgrounds with human silhouette)',
    category: 'background',
    tags: ['sky', 'background'],
  }),
  makeAdapter({ id: 'civitai:29', name: 'On Fire', category: 'style', triggerWords: ['on fire'] }),
  makeAdapter({ id: 'civitai:30', name: '古风LoRA | Chinese Style LoRA', category: 'style', tags: ['chinese'] }),
  makeAdapter({ id: 'civitai:31', name: 'Gongbi(flower)工笔（花）-T', category: 'background', tags: ['flower'] }),
];

const candidates = asCandidates(catalog);
const picks = (prompt: string) => offlinePicks(prompt, candidates);

describe('a look or a format the prompt does not ask for', () => {
  it('keeps a photo a photo, without neon nobody asked for', () => {
    expect(picks('a bowl of ramen, food photography')).toContain('civitai:2');
    expect(picks('a bowl of ramen, food photography')).not.toContain('civitai:1');
    expect(picks('a neon photography portrait of a singer')).toContain('civitai:1');
  });

  it('gives no illustration to a photo', () => {
    expect(picks('a vintage photo of a family')).not.toContain('civitai:3');
    expect(picks('a vintage illustration of a family')).toContain('civitai:3');
  });

  it('gives no brutalist design to any poster', () => {
    expect(picks('a poster that says I love you')).not.toContain('civitai:77277');
    expect(picks('a brutalist poster for a techno night')).toContain('civitai:77277');
  });

  it('gives no tabletop map to a city', () => {
    expect(picks('a city')).not.toContain('civitai:4');
    expect(picks('a victorian city in the rain')).not.toContain('civitai:4');
    expect(picks('a D&D map of a city')).toContain('civitai:4');
  });

  it('reads a look written in two words or run together, and an interior as a look of its own', () => {
    expect(picks('a child eating a birthday cake near some palm trees')).not.toContain('civitai:23');
    expect(picks('palm trees at sunset, vaporwave')).toContain('civitai:23');
    expect(picks('a train crossing a bridge')).not.toContain('civitai:24');
    expect(picks('the inside of a train')).toContain('civitai:24');
  });

  it("brings no artist's style along with a thing drawn in it", () => {
    expect(picks('fireworks in the sky')).not.toContain('civitai:28');
    expect(picks('the sky in huashi style')).toContain('civitai:28');
  });

  it('names no game, make of car or decade nobody asked for', () => {
    expect(picks('a victorian city in the rain')).not.toContain('civitai:25');
    expect(picks('an FF14 city at dusk')).toContain('civitai:25');
    expect(picks('an F1 race car')).not.toContain('civitai:26');
    expect(picks('a red Mazda RX-7 car')).toContain('civitai:26');
    expect(picks('a tarot card of the moon')).not.toContain('civitai:27');
    // Gongbi is a technique of Chinese painting, not a flower.
    expect(picks('a pokemon in a field of flowers')).not.toContain('civitai:31');
    expect(picks('flowers in gongbi style')).toContain('civitai:31');
    expect(picks('a 90s trading card')).toContain('civitai:27');
  });

  it('drops any composer pick whose name asks for another look, with the reason', () => {
    const { tasks, repairs } = enforceCaps(
      'food photography of a burger',
      [{ task: 'food photography', adapters: [{ adapterId: 'civitai:1', reason: 'the LLM liked it' }] }],
      candidates,
    );
    expect(tasks[0]?.adapters).toEqual([]);
    expect(repairs.join(' ')).toContain('neon');
  });
});

describe('half of a name', () => {
  it('takes no style for the other half of its name', () => {
    expect(picks('a dog playing in the park')).not.toContain('civitai:5');
    expect(picks('a glass of orange juice on a table')).not.toContain('civitai:7');
  });

  it('restyles a whole image for a one-word name only when the task is about it or asks for that look', () => {
    expect(picks('a rusty fire hydrant surrounded by dirt')).not.toContain('civitai:29');
    expect(picks('a house on fire')).toContain('civitai:29');
    expect(picks('a dragon breathing fire')).not.toContain('civitai:29');
    expect(picks('a pagoda by a lake, chinese painting')).toContain('civitai:30');
  });

  it('takes a style named after the thing when that thing is all the prompt asks for', () => {
    expect(picks('a statue')).toContain('civitai:6');
  });

  it('reads what a name is about before its preposition', () => {
    expect(picks('paper lanterns over a river')).toContain('civitai:10');
  });

  it('reads a name up to its preposition: a waifu on a motorcycle is no motorcycle', () => {
    expect(picks('a motorcycle parked in a garage')).not.toContain('civitai:22');
  });

  it('dresses no old sailor in a Sailor Moon outfit', () => {
    expect(picks('an old sailor on a boat')).not.toContain('civitai:9');
  });
});

describe('glasses are not a glass', () => {
  it('keeps the plural of worn glasses apart', () => {
    expect(singular('glasses')).toBe('glasses');
    expect(singular('sunglasses')).toBe('sunglasses');
    expect(singular('bottles')).toBe('bottle');
  });

  it('gives glasses to glasses and a glass to nobody', () => {
    expect(picks('a man wearing glasses')).toContain('civitai:8');
    expect(picks('a man wearing glasses')).not.toContain('civitai:7');
    expect(picks('a glass of milk on a table')).not.toContain('civitai:8');
  });
});

describe('a franchise names none of its characters', () => {
  it('tells franchise names from character names among the candidates', () => {
    const franchises = franchiseNames(catalog);
    expect(franchises).toContain('genshin');
    expect(franchises).toContain('gundam');
    expect(franchises).not.toContain('keqing');
    expect(franchises).not.toContain('lisa');
  });

  it('picks no character for a prompt that names only the franchise', () => {
    const characters = new Set(catalog.filter((a) => a.category === 'character').map((a) => a.id));
    expect(picks('genshin impact landscape').filter((id) => characters.has(id))).toEqual([]);
    expect(picks('a gundam robot in space').filter((id) => characters.has(id))).toEqual([]);
  });

  it('takes a character named by every word of a name written with it, and none by how someone looks', () => {
    expect(picks('a ramen shop in tokyo at night')).not.toContain('civitai:20');
    expect(picks('a tokyo girl in a ramen shop')).toContain('civitai:20');
    // Civitai leaves many characters uncategorised: "blue eyes" is no evidence for them.
    expect(picks('a cyborg with glowing blue eyes')).not.toContain('civitai:21');
  });

  it('picks the character a task names, once, wherever the name stands in the task', () => {
    const keqing = picks('keqing in a garden');
    expect(keqing.filter((id) => id === 'civitai:11' || id === 'civitai:12')).toHaveLength(1);
    expect(picks('raiden shogun under cherry blossoms')).toContain('civitai:15');
    expect(picks('tieria erde on a spaceship')).toContain('civitai:19');
  });
});

describe('a genre named alone asks for a look, no place or thing', () => {
  const SCIFI_CITY_ON_MARS = makeAdapter({
    id: 'civitai:26578',
    name: 'XSarchitectural-17SciencefictioncityonMars',
    category: 'building',
    tags: ['buildings', 'cg', 'scifi landscape', 'game cg', 'landscape', 'game', 'scene', 'architecture design'],
    triggerWords: ['science fiction', 'war between two cities on mars', 'spaceship', 'high-tech', 'night', 'prospect'],
  });
  const FANTASY_BACKGROUND = makeAdapter({
    id: 'civitai:85771',
    name: 'Background Fantasy & Cyber Punk',
    category: 'background',
    tags: ['background', 'backgrounds'],
    triggerWords: ['fantasy', 'cyberpunk city'],
  });
  const SWATCHES_NEON = makeAdapter({
    id: 'civitai:83847',
    name: '[LoRa] Swatches Neon / 色塊ネオン Concept (With multires noise version)',
    category: 'background',
    tags: ['neon', 'cityscape', 'atmosphere', 'vivid colors', 'background', 'city pop'],
  });
  const JAWLESS = makeAdapter({
    id: 'civitai:78116',
    name: "zyd232's Cybernetic Jawless LoRA | Cyberpunk | Body Modification",
    category: 'concept',
    tags: [
      'anime',
      'photorealistic',
      'concept',
      'cyberpunk',
      'cybernetic',
      'realistic',
      'body modification',
      'jawless',
    ],
    triggerWords: ['Cybernetic_Jawless', 'mask', 'mechanical parts', 'cybernetic'],
  });
  const picks = picksFrom([SCIFI_CITY_ON_MARS, FANTASY_BACKGROUND, SWATCHES_NEON, JAWLESS, WOW_ICONS]);

  it('gives a tag list no city, background or body modification for its genre', () => {
    expect(picks('solo, 1girl, robot, mecha, science fiction, weapon, white background')).toEqual([]);
    expect(picks('1girl, fantasy, castle, long hair')).toEqual([]);
    expect(picks('1girl, cityscape, neon, cowboy shot')).toEqual([]);
    expect(picks('metal, upper body, cyberpunk, photorealistic, 8k')).toEqual([]);
  });

  it('still draws a place the task names, a whole prompt of one genre, and a format', () => {
    expect(picks('1girl, cyberpunk city, night')).toEqual(['civitai:85771']);
    expect(picks('science fiction')).toContain('civitai:26578');
    expect(picks('wow game icon, a potion, white background')).toEqual(['civitai:45713']);
  });
});

describe("a studio's look asked for is a look, no place of its films", () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:6526',
      name: 'Studio Ghibli Style LoRA',
      category: 'style',
      tags: ['anime', 'landscapes', 'studio ghibli', 'ghibli', 'style', 'art style', 'artstyle'],
      triggerWords: ['ghibli style'],
    }),
    makeAdapter({
      id: 'civitai:28511',
      name: 'Ghibli_Style_Concept_scenery_V3',
      category: 'background',
      tags: ['studio ghibli', 'ghibli', 'concept art', 'background', 'scene'],
    }),
    makeAdapter({
      id: 'civitai:54233',
      name: 'GHIBLI_Background',
      category: 'background',
      tags: ['ghibli', 'scenery', 'background'],
    }),
  ]);

  it('draws a bowl of ramen in the Ghibli style, with no Ghibli landscape behind it', () => {
    expect(picks('a bowl of ramen, studio ghibli style')).toEqual(['civitai:6526']);
    expect(picks('a bowl of ramen, ghibli style')).toEqual(['civitai:6526']);
  });

  it('still draws a Ghibli background for one asked', () => {
    expect(picks('a girl in a field, ghibli background')).toContain('civitai:54233');
  });
});

describe("a look a thing's tag says is how it looks", () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:23410',
      name: 'Goth Gals',
      category: 'clothing',
      tags: ['fashion', 'gothic', 'fashion design', 'woman', 'clothing'],
      triggerWords: ['Gothgal', 'ballgown'],
    }),
  ]);

  it('dresses no one as a goth for a painting in the style of American Gothic, still a goth gal', () => {
    expect(picks('An oil painting of two rabbits in the style of American Gothic')).toEqual([]);
    expect(picks('a goth gal in a ballgown')).toEqual(['civitai:23410']);
  });
});

describe('a look asked for with a word that names it', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:24430',
      name: 'VaporWaveV1',
      category: 'style',
      tags: ['statue', 'plants', 'pool core', 'style', 'vaporwave', 'pastels'],
      triggerWords: ['vaporwavev1', 'pool', 'statue', 'palm trees', 'pastel colors', 'neon', 'plants'],
    }),
    makeAdapter({
      id: 'civitai:52543',
      name: 'RZ - MK Ultra ( 1.5 & 2.1 )',
      category: 'concept',
      tags: ['3d', 'photorealistic', 'concept', 'cyborg', 'scifi', 'robot'],
      triggerWords: ['rz88mkultr4'],
    }),
  ]);

  it('reads "vaporwave aesthetic" as vaporwave, and a genre tag of a concept as no concept', () => {
    expect(picks('a portrait, vaporwave aesthetic')).toEqual(['civitai:24430']);
    expect(picks('scifi, coffee machine, mug')).toEqual([]);
  });
});

describe("a style named for a people's look is no pick for a thing of theirs", () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:29507',
      name: '古风LoRA | Chinese Style LoRA',
      category: 'style',
      tags: ['style'],
      triggerWords: ['gufeng style'],
    }),
  ]);

  it('takes no Chinese style for a chinese dragon, a chinese restaurant or a chinese peony', () => {
    expect(picks('a chinese restaurant at night')).toEqual([]);
    expect(picks('a chinese dragon flying over mountains')).toEqual([]);
    expect(picks('flower, peony, chinese peony, dreamy')).toEqual([]);
  });

  it('still takes it for a Chinese look: a style, a painting, or "chinese" alone in a tag list', () => {
    expect(picks('chinese style, a tower in the mist')).toEqual(['civitai:29507']);
    expect(picks('a chinese landscape painting of a river')).toEqual(['civitai:29507']);
    expect(picks('1girl, chinese, red dress')).toEqual(['civitai:29507']);
  });
});

describe("a look a thing's tag says in more words is how it looks", () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:21530',
      name: 'chinese dragon-中国龙/ Chinese Long-Eastern Dragon',
      category: 'concept',
      tags: ['concept', 'ink painting', 'chinese dragon', 'long'],
      triggerWords: ['eastern dragon'],
    }),
  ]);

  it('brings no dragon into an ink painting of a crane, still for a chinese dragon', () => {
    expect(picks('chinese ink painting of a crane')).toEqual([]);
    expect(picks('an ink painting of a chinese dragon')).toEqual(['civitai:21530']);
  });
});

describe('a photographic place or thing fights a prompt drawn or painted', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:42976',
      name: '図書館 library',
      category: 'background',
      tags: ['photorealistic', 'scenery', 'japan', 'illustration', 'realistic', 'background', 'library'],
      triggerWords: ['NCT0', 'NCT1', 'NCT2'],
    }),
    MANGA_MAGAZINE_COVER,
  ]);

  it('takes no photorealistic library for a watercolor or an oil painting of one', () => {
    expect(picks('a cozy library, watercolor')).toEqual([]);
    expect(picks('an oil painting of an old library')).toEqual([]);
  });

  it('still takes it for a library with no look asked, or a photo; a manga cover for a manga cover', () => {
    expect(picks('an old library with tall bookshelves')).toEqual(['civitai:42976']);
    expect(picks('a photo of a library')).toEqual(['civitai:42976']);
    expect(picks('1girl, manga, manga magazine cover')).toEqual(['civitai:72045']);
  });
});

describe('an abstract or drawn thing fights a photo', () => {
  const picks = picksFrom([
    EDOB_CAR,
    makeAdapter({
      id: 'civitai:23902',
      name: 'Thin round glasses',
      category: 'clothing',
      tags: ['anime', 'glasses', 'clothing', 'realistic', 'circle glasses'],
      triggerWords: ['circle-glasses'],
    }),
    EVA_01,
    makeAdapter({
      id: 'civitai:50290',
      name: 'Rem (Re:0)/蕾姆',
      category: 'other',
      tags: ['anime', 'cartoon', 'girls', 'rem', 're:0'],
      triggerWords: ['ph_rem', 'remhd', 'blue hair', 'blue eyes', '1girl', 'solo', 'roswaal mansion maid uniform'],
    }),
  ]);

  it('takes no abstract car for a photo of a car, nor anime glasses for a RAW photo', () => {
    expect(picks('a car in the rain, photo')).toEqual([]);
    expect(picks('RAW photo, photorealistic, a man wearing glasses')).toEqual([]);
  });

  it('still takes drawn ones where no look is asked, or by the name the prompt asks for', () => {
    expect(picks('a man wearing glasses')).toEqual(['civitai:23902']);
    expect(picks('photorealistic, evangelion, eva 01')).toEqual(['civitai:16315']);
    expect(picks('RAW photo, realistic, 1girl, rem, maid uniform')).toEqual(['civitai:50290']);
  });
});

describe('an abstract thing is an abstract look', () => {
  const picks = picksFrom([EDOB_CAR]);

  it('takes no abstract concept-art car for a car of a prompt that asks no abstract look', () => {
    expect(picks('a red car on a road')).toEqual([]);
    expect(picks('a cartoon of a happy car on the road')).toEqual([]);
  });

  it('still for an abstract car', () => {
    expect(picks('an abstract painting of a car')).toEqual([EDOB_CAR.id]);
  });
});

describe('a look called by its other name is that look', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'hf:artificialguybr/ClayAnimationRedmond',
      name: 'ClayAnimation.Redmond',
      category: 'style',
      tags: ['claymation', 'clay', 'stop motion', 'plasticine'],
      triggerWords: ['Clay Animation'],
    }),
    makeAdapter({
      id: 'hf:artificialguybr/analogredmond-v2',
      name: 'Analog Photography.Redmond',
      category: 'style',
      tags: ['analog', 'film photography', 'grain', 'vintage'],
      triggerWords: ['AnalogRedmAF'],
    }),
  ]);

  it('takes clay animation for claymation and analog photography for film photography', () => {
    expect(picks('a claymation dog')).toEqual(['hf:artificialguybr/ClayAnimationRedmond']);
    expect(picks('portrait of a woman, film photography')).toEqual(['hf:artificialguybr/analogredmond-v2']);
  });

  it('takes neither for a film of another kind', () => {
    expect(picks('a film poster of a dog')).toEqual([]);
  });
});

describe('a look a part of another thing has', () => {
  const picks = picksFrom([STAINED_GLASS]);

  it('restyles no picture for the part: no stained glass look for a cathedral with stained glass windows', () => {
    expect(picks('a cathedral with stained glass windows')).toEqual([]);
    expect(picks('a knight wearing stained glass armor in a field')).toEqual([]);
  });

  it('still for the thing a prompt is of, or the look asked on its own', () => {
    expect(picks('a stained glass window of a rose')).toEqual(['civitai:81489']);
    expect(picks('a cathedral, stained glass')).toEqual(['civitai:81489']);
  });
});

describe('a style named for a part another thing has', () => {
  const picks = picksFrom([STICKERS, SMOKE, FILM_GRAIN]);

  it("draws no picture as that part: no sticker look for a laptop with a sticker, no smoke look for a chimney's smoke", () => {
    expect(picks('a laptop with a maze sticker on it')).toEqual([]);
    expect(picks('fairy cottage with smoke coming up the chimney and a squirrel at the window')).toEqual([]);
  });

  it('still for the thing itself, and for what a photo has: its grain', () => {
    expect(picks('a maze sticker on a laptop')).toEqual(['civitai:76413']);
    expect(picks('a cat made of smoke, dark background')).toEqual(['civitai:62757']);
    expect(picks('portrait of a woman, vintage photo with film grain')).toEqual(['civitai:33208']);
  });
});

describe('a prompt that writes the rest of a name asks for no look of it', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:85093',
      name: 'Sailor Moon (1992 Anime) (Style)',
      category: 'style',
      tags: ['anime', 'retro', 'sailor moon', 'style', '90s', '90s style', 'bishoujo'],
    }),
    makeAdapter({
      id: 'civitai:33609',
      name: 'Gothic Punk Girl',
      category: 'clothing',
      tags: ['punk', 'fashion', 'gothic', 'clothes', 'fashion design', 'gothicgirl', 'woman', 'clothing', 'goth girl'],
      triggerWords: ['Goth_punk'],
    }),
    makeAdapter({
      id: 'civitai:23380',
      name: 'コンビニ Japanese convenience store LoRA',
      category: 'background',
      tags: ['photorealistic', 'scenery', 'japan', 'illustration', 'realistic', 'background', 'convenience store'],
      triggerWords: ['konbini'],
    }),
    GHIBLI_PYRAMID,
    MANGA_MAGAZINE_COVER,
  ]);

  it("takes no style, no people's or studio's look, and no name's filing or people's word as more of it", () => {
    expect(picks('photorealistic, 1girl, eternal sailor moon, moonlight, night sky')).toEqual([]);
    expect(picks('a convenience store at night')).toEqual([]);
    expect(picks('horses pulling a carriage with the great pyramid in the background')).toEqual([]);
    expect(picks('heart-shaped head-mounted display, punk, 1girl, cute')).toEqual([]);
    expect(picks('masterpiece, illustration cover, magazine cover, 1girl')).toEqual([]);
    expect(picks('a magazine cover')).toEqual([]);
  });
});

describe('a style tagged with a look', () => {
  const GOURD_ICON = makeAdapter({
    id: 'civitai:75045',
    name: 'GameIconResearch_gourd_Lora',
    category: 'style',
    tags: ['style', 'gourd', 'game icon', 'chinese style'],
  });
  const picks = picksFrom([
    GOURD_ICON,
    makeAdapter({
      id: 'civitai:23293',
      name: 'MC Version 1',
      category: 'style',
      tags: ['minecraft', 'style', 'illustration', 'beautiful', 'video game'],
      triggerWords: ['in the style of minmin'],
    }),
  ]);

  it('is that look for a task that asks for it by a name of its own, never by a look any card may carry', () => {
    expect(picks('a horse in a field in Minecraft style')).toEqual(['civitai:23293']);
    // A game icon prompt takes the gourd icon for its "game icon", none for its "Chinese style".
    const gameIcon = makeAdapter({
      id: 'civitai:31827',
      name: 'game icon',
      category: 'style',
      tags: ['ui', 'style', 'graphic design', 'icon', 'game icon'],
      triggerWords: ['monochrome', 'transparent_background', 'black_background', 'silhouette', 'magic_circle'],
    });
    const tasks = composeOffline(
      'white background, a card, Chinese style, carving a purple and gold book, game icon',
      asCandidates([gameIcon, GOURD_ICON]),
    );
    expect(tasks.find((task) => task.task === 'Chinese style')?.adapters).toEqual([]);
  });
});

describe("a word of a style's proper name written after another name", () => {
  const picks = picksFrom(
    [
      makeAdapter({
        id: 'civitai:6685',
        name: 'Vox Machina Style LoRA',
        category: 'style',
        tags: ['animation', 'western art', 'dnd', 'dungeond & dragons', 'vox machina', 'style', 'illustration', '2d'],
        triggerWords: ['vox machina style'],
      }),
      // "machina" is its card's own word (one card uses it in the dump), as a coined trigger would be.
    ],
    { rarity: { isCommon: () => false, cardsUsing: (word) => (word === 'machina' || word === 'vox' ? 1 : 40) } },
  );

  it('is asked for still where its coined trigger is written: "zrpgstyle ... fallout 4 RPG character"', () => {
    const zovya = picksFrom(
      [
        makeAdapter({
          id: 'civitai:8951',
          name: "A to Zovya RPG Artist's Tools LoRA",
          category: 'style',
          tags: ['landscapes', 'digital art', 'concept art', 'fantasy art', 'style', 'illustration', 'fantasy', 'rpg'],
          triggerWords: ['zrpgstyle'],
        }),
      ],
      { rarity: { isCommon: () => false, cardsUsing: (word) => (word === 'zrpgstyle' ? 1 : 40) } },
    );
    expect(zovya('zrpgstyle post-apocalypse fallout 4 RPG character painting ginger hair')).toEqual(['civitai:8951']);
  });

  it('is that other name: "ex machina (2014)" is a film, still "vox machina style"', () => {
    expect(picks('a woman in a yellow dress, synthwave image, ex machina (2014), icon for an ai app')).toEqual([]);
    expect(picks('vox machina style, a bard in a tavern')).toEqual(['civitai:6685']);
  });
});

describe('a style named for a format', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:70899',
      name: 'SteampunkSchematics',
      category: 'style',
      tags: ['steampunk', 'style'],
      triggerWords: ['SteampunkSchematics'],
    }),
  ]);

  it('draws schematics, for no steampunk girl with goggles; still for steampunk schematics', () => {
    expect(picks('1girl, steampunk, goggles, gears, airship')).toEqual([]);
    expect(picks('steampunk schematics of an airship')).toEqual(['civitai:70899']);
  });
});
