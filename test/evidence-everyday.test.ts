import { describe, expect, it } from 'vitest';
import { makeAdapter, picksFrom } from './support/adapters.js';
import {
  EDOB_HORSE,
  KENDOLL_BOOTS,
  SHOAL,
  UNDERSEA_DEPTHS,
  VERY_NICE_FOREST,
  YARN_ART_STYLE,
  ZYD_INK_STYLE,
} from './support/dump-items.js';

/**
 * Picks found by reading compositions of everyday prompts (product shots, pets, food, rooms, vehicles, weather) on
 * the Civitai dump and the seed catalog, that a member of a public server would not accept. Names, categories, tags
 * and triggers are written after the real items named by their ids.
 */
describe('everyday prompts', () => {
  it('gives a product shot no product of a maker or a kind the prompt does not name', () => {
    const picks = picksFrom([
      makeAdapter({
        id: 'civitai:22483',
        name: 'Morphy Richards product lora',
        category: 'object',
        tags: ['objects', 'product design', 'product', 'industrial desigin'],
        triggerWords: ['morphyrichards'],
      }),
      makeAdapter({
        id: 'hf:CiroN2022/cd-md-music',
        name: 'CD Product Photo',
        category: 'object',
        tags: ['cd', 'album', 'product photo', 'music'],
        triggerWords: ['product photo cd'],
      }),
    ]);
    expect(picks('a watch on a wrist, product shot')).not.toContain('civitai:22483');
    expect(picks('product photo of a perfume bottle on a marble table')).not.toContain('hf:CiroN2022/cd-md-music');
    // Still for the products it names.
    expect(picks('a morphy richards kettle, product shot')).toContain('civitai:22483');
    expect(picks('product photo of a cd')).toContain('hf:CiroN2022/cd-md-music');
  });
});

describe('everyday places', () => {
  it('takes no wood of trees for a forest of mushrooms, bamboo or kelp', () => {
    const picks = picksFrom([VERY_NICE_FOREST]);
    expect(picks('a fairy in a mushroom forest')).toEqual([]);
    expect(picks('a panda in a bamboo forest')).toEqual([]);
    expect(picks('a kelp forest with sea otters')).toEqual([]);
    // Still for a forest of any weather, season or tree.
    expect(picks('an elf in a misty forest')).toEqual(['civitai:84918']);
    expect(picks('a snow forest at dawn')).toEqual(['civitai:84918']);
    expect(picks('a pine forest in autumn')).toEqual(['civitai:84918']);
    expect(picks('a cloud forest in costa rica')).toEqual(['civitai:84918']);
  });

  it("does nobody's hair for a picture of a hair salon", () => {
    const picks = picksFrom([
      makeAdapter({
        id: 'civitai:67827',
        name: 'Hair Salon - by EDG',
        category: 'clothing',
        tags: ['fashion', 'fashion design', 'woman', 'clothing', 'hair', 'hairstyle'],
        triggerWords: ['edgHitMeBaby', 'edgHitMeBaby_woman', 'edgHitMeBaby_hairstyle', 'edgHitMeBaby_outfit'],
      }),
    ]);
    expect(picks('a hair salon')).toEqual([]);
    // Still for someone there to wear it.
    expect(picks('a woman at the hair salon')).toEqual(['civitai:67827']);
  });
});

describe('everyday things', () => {
  it('draws no live horse for a toy or a carving of one', () => {
    const picks = picksFrom([EDOB_HORSE]);
    expect(picks('a rocking horse in a nursery')).toEqual([]);
    expect(picks('a wooden horse on a shelf')).toEqual([]);
    expect(picks('a plush horse on a bed')).toEqual([]);
    // Still for a horse of any coat or work.
    expect(picks('a white horse in a meadow')).toEqual(['civitai:78241']);
    expect(picks('a draft horse in a field')).toEqual(['civitai:78241']);
  });

  it('draws no live horse for what a prompt makes a likeness of one', () => {
    const picks = picksFrom([EDOB_HORSE]);
    expect(picks('a pair of headphones on a statue of a horse')).toEqual([]);
    expect(picks('a cake shaped like a horse')).toEqual([]);
    expect(picks('a cloud that looks like a horse')).toEqual([]);
    expect(picks('a tattoo of a horse on an arm')).toEqual([]);
    expect(picks('a horse made of wood')).toEqual([]);
    expect(picks('a horse made of clouds over mountains')).toEqual([]);
    // Still for a horse a picture shows, drawn in any look, and beside a likeness of something else.
    expect(picks('a horse made of voxels in a field')).toEqual(['civitai:78241']);
    expect(picks('a horse next to a statue of a lion')).toEqual(['civitai:78241']);
  });

  it('gives a kind of a thing no adapter of another kind its tags say', () => {
    const picks = picksFrom([KENDOLL_BOOTS, EDOB_HORSE]);
    expect(picks('rain boots by the door')).toEqual([]);
    // Still for its own kind, and in any material; a maker's prefix says no kind ("EdobHorse" for a race horse).
    expect(picks('a pair of high heel boots')).toEqual(['civitai:19049']);
    expect(picks('a pair of leather boots')).toEqual(['civitai:19049']);
    expect(picks('a race horse on the track')).toEqual(['civitai:78241']);
  });
});

describe('game assets', () => {
  it('draws no sheet of game assets for a thing of an everyday scene', () => {
    const picks = picksFrom([
      makeAdapter({
        id: 'civitai:33036',
        name: 'Atlas',
        category: 'object',
        tags: [
          'objects',
          'fashion design',
          'collage',
          'game',
          'foliage',
          'atlas',
          'elements',
          'stock photo',
          'textures',
          'game props',
        ],
      }),
      makeAdapter({
        id: 'civitai:68668',
        name: 'Pecha Swords Generator',
        category: 'object',
        tags: ['game art', 'concept art', 'games', 'weapons', 'sword', 'conceptual', 'assets'],
        triggerWords: ['sword', 'axe', 'bow', 'cleaver'],
      }),
    ]);
    expect(picks('an old atlas on a desk')).toEqual([]);
    expect(picks('a knight holding a long sword')).toEqual([]);
    // Still for that thing alone, or for a game's asset.
    expect(picks('a sword')).toEqual(['civitai:68668']);
    expect(picks('a sword, game asset')).toEqual(['civitai:68668']);
  });
});

describe('coined names', () => {
  it('reads a word and the capital that ends it as one coined word where its tags write them so', () => {
    const picks = picksFrom([
      makeAdapter({
        id: 'hf:Norod78/SDXL-DollZ-Style-LoRA',
        name: 'DollZ Style',
        category: 'style',
        tags: ['doll', 'dollz', 'cute'],
        triggerWords: ['DollZ style'],
      }),
    ]);
    expect(picks('a doll on a shelf')).toEqual([]);
    expect(picks('a girl in dollz style')).toEqual(['hf:Norod78/SDXL-DollZ-Style-LoRA']);
  });
});

describe('what a thing is of', () => {
  it('takes a tag that opens the name before its head for what the head is of', () => {
    const picks = picksFrom([
      makeAdapter({
        id: 'hf:KappaNeuro/1987-action-figure-playset-packaging',
        name: '1987 Action Figure Playset Packaging',
        category: 'object',
        tags: ['action figure', 'packaging', 'toy', '1980s'],
        triggerWords: ['1987 Action Figure Playset Packaging page'],
      }),
    ]);
    expect(picks('an action figure on a desk')).toEqual([]);
    expect(picks('action figure playset packaging')).toEqual(['hf:KappaNeuro/1987-action-figure-playset-packaging']);
  });

  it("reads a style's head as how it is made, no thing its tag is of", () => {
    const picks = picksFrom([
      makeAdapter({
        id: 'hf:ProomptEngineer/pe-funko-pop-diffusion-style',
        name: 'PE Funko Pop Diffusion Style',
        category: 'style',
        tags: ['funko pop', 'vinyl figure', 'toy', 'collectible'],
        triggerWords: ['PEPopFigure'],
      }),
    ]);
    expect(picks('a collection of funko pops')).toEqual(['hf:ProomptEngineer/pe-funko-pop-diffusion-style']);
  });
});

describe('a material as a thing', () => {
  it('gives a kitten playing with yarn no yarn style, still a kitten made of yarn or yarn art', () => {
    const picks = picksFrom([
      makeAdapter({
        id: 'civitai:37472',
        name: 'Yarn Style 毛线玩具风格',
        category: 'style',
        tags: ['style'],
        triggerWords: ['yarn,chibi,cute,'],
      }),
      YARN_ART_STYLE,
    ]);
    expect(picks('a kitten playing with yarn')).toEqual([]);
    expect(picks('a girl knitting with yarn')).toEqual([]);
    expect(picks('a kitten made of yarn')).toContain('civitai:37472');
    expect(picks('yarn art of a kitten')).toContain('hf:Norod78/SDXL-YarnArtStyle-LoRA');
  });
});

describe('a surreal concept', () => {
  it('gives a bowl of noodles no surreal noodles, still a surreal picture of them', () => {
    const picks = picksFrom([
      makeAdapter({
        id: 'hf:e-n-v-y/envy-send-noodles-xl-01',
        name: 'Envy Send Noodles XL',
        category: 'concept',
        tags: ['noodles', 'food', 'surreal'],
        triggerWords: ['noodles'],
      }),
    ]);
    expect(picks('a bowl of noodles with chopsticks')).toEqual([]);
    expect(picks('a surreal picture of noodles')).toEqual(['hf:e-n-v-y/envy-send-noodles-xl-01']);
  });
});

describe('a workshop and a restaurant', () => {
  const picks = picksFrom([SHOAL, UNDERSEA_DEPTHS]);

  it('takes no school of fish for the tools of a garage: "tools" files it in a section of the catalog', () => {
    expect(picks('a mechanic working under a car in a garage, tools on the wall')).toEqual([]);
    expect(picks('a school of fish')).toEqual(['civitai:79737']);
  });

  it('takes no school of fish for an atmosphere: a tag that says how it feels', () => {
    expect(picks('the atmosphere of a planet')).toEqual([]);
    expect(picks('an atmosphere of calm')).toEqual([]);
  });

  it('takes no undersea depths for a shallow depth of field', () => {
    expect(picks('a chef plating a dish in a restaurant, close-up of hands, shallow depth of field')).toEqual([]);
  });
});

describe('a compound written apart', () => {
  it('takes "karaokeroom" for a karaoke room', () => {
    const picks = picksFrom([
      makeAdapter({
        id: 'civitai:9504',
        name: 'カラオケ karaokeroom',
        category: 'background',
        tags: ['photorealistic', 'scenery', 'japan', 'illustration', 'realistic', 'background'],
        triggerWords: [
          'karaokeroom',
          'joypad',
          'denmoku',
          'at-clm7000tx',
          'microphone',
          'wm-610',
          'dynmic',
          'microphone stand',
        ],
      }),
    ]);
    expect(picks('a karaoke room')).toEqual(['civitai:9504']);
    expect(picks('a room')).toEqual([]);
  });
});

describe('an art made of a thing', () => {
  it('takes a style named for what its art is made of only for that art', () => {
    const picks = picksFrom([
      makeAdapter({
        id: 'hf:Norod78/SDXL-LaundryArt-LoRA-r32',
        name: 'LaundryArt',
        category: 'style',
        tags: ['laundry', 'clothes', 'fabric', 'textile art'],
        triggerWords: ['LaundryArt'],
      }),
      makeAdapter({
        id: 'hf:ProomptEngineer/pe-shitty-fanart',
        name: 'PE Terrible Fan Art',
        category: 'style',
        tags: ['bad drawing', 'fan art', 'amateur', 'humor'],
        triggerWords: ['PETerribleFanArt'],
      }),
    ]);
    expect(picks('a pile of laundry on a bed')).toEqual([]);
    expect(picks('a ceiling fan in a bedroom')).toEqual([]);
    expect(picks('laundry art of a dog')).toEqual(['hf:Norod78/SDXL-LaundryArt-LoRA-r32']);
    expect(picks('terrible fan art of a dragon')).toEqual(['hf:ProomptEngineer/pe-shitty-fanart']);
  });
});

describe('where on a body', () => {
  it('takes no back tattoo for a tattoo on an arm, still for a tattoo', () => {
    const picks = picksFrom([
      makeAdapter({
        id: 'civitai:26335',
        name: 'Back Tattoo | Concept LoRA',
        category: 'concept',
        tags: ['concept', 'tattoos', 'tattoo', 'back', 'lora', 'concept lora', 'back tattoo'],
        triggerWords: ['back tattoo'],
      }),
    ]);
    expect(picks('a man with a tattoo on his arm')).toEqual([]);
    expect(picks('a tattoo')).toEqual(['civitai:26335']);
  });
});

describe('what a thing holds', () => {
  it('takes no console cartridge and no ink style for a cartridge of ink', () => {
    const picks = picksFrom([
      makeAdapter({
        id: 'hf:stets/nintendo64_cartridge',
        name: 'Nintendo 64 Cartridge',
        category: 'object',
        tags: ['n64', 'cartridge', 'video game', 'retro'],
        triggerWords: ['n64'],
      }),
      ZYD_INK_STYLE,
    ]);
    expect(picks('a cartridge of ink')).toEqual([]);
    // Still for the cartridge it names and for an ink painting.
    expect(picks('a nintendo 64 cartridge')).toEqual(['hf:stets/nintendo64_cartridge']);
    expect(picks('an ink painting of a mountain')).toEqual(['civitai:73305']);
  });

  it('reads a genre a thing is "of" as the look: "elements of surrealism" hold no stuff', () => {
    const picks = picksFrom([
      makeAdapter({
        id: 'civitai:50953',
        name: 'SurrealismAI LoRA',
        category: 'style',
        tags: ['style'],
        triggerWords: ['surrealismai'],
      }),
    ]);
    expect(picks('a portrait of a woman in a style that mixes realism with elements of surrealism')).toEqual([
      'civitai:50953',
    ]);
  });

  it('takes no place of a kind its name says for the plain place: "studio" of a portrait is no rehearsal studio', () => {
    const picks = picksFrom([
      makeAdapter({
        id: 'civitai:17140',
        name: 'rehearsal studio (instrument practice studio)',
        category: 'background',
        tags: ['photorealistic', 'scenery', 'japan', 'illustration', 'realistic', 'background', 'studio'],
        triggerWords: ['rihasuta'],
      }),
      makeAdapter({
        id: 'civitai:26578',
        name: 'XSarchitectural-17SciencefictioncityonMars',
        category: 'building',
        tags: ['buildings', 'cg', 'scifi landscape', 'game cg', 'landscape', 'game', 'scene', 'architecture design'],
        triggerWords: ['science fiction', 'war between two cities on mars', 'spaceship', 'high-tech', 'night'],
      }),
      VERY_NICE_FOREST,
    ]);
    expect(picks('1girl, kpop idol, sleeveless black dress, studio, photorealistic')).toEqual([]);
    expect(picks('a band playing in a rehearsal studio')).toEqual(['civitai:17140']);
    // A word that describes, or a genre, says how it looks, no kind: any forest, any city on Mars.
    expect(picks('a dark forest at night')).toEqual([VERY_NICE_FOREST.id]);
    expect(picks('a spaceship flying over the city of Mars')).toEqual(['civitai:26578']);
  });

  it('takes no look that its task says the other way: "dimly lit" is no "Lit" (bright, overexposed)', () => {
    const picks = picksFrom([
      makeAdapter({
        id: 'civitai:51145',
        name: 'Lit',
        category: 'style',
        tags: ['style', 'bright', 'dazz', 'overexposed', 'high-key', 'dazzling'],
      }),
    ]);
    expect(picks('basement, 1girl, ladder, squatting, dimly lit, shadow')).toEqual([]);
    expect(picks('a girl in a white room, brightly lit')).toEqual(['civitai:51145']);
  });
});

describe('a LoRA named only for a body part', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:90461',
      name: 'Concept: Perfect Eyes',
      category: 'concept',
      tags: ['concept', 'eyes'],
      triggerWords: ['photo of perfecteyes eyes', 'perfecteyes eyes'],
    }),
  ]);

  it('draws it well, for a task about how well; a colour or a size of her eyes asks for none', () => {
    expect(picks('1girl, solo, green eyes, long hair, kimono')).toEqual([]);
    expect(picks('1girl, big eyes, tokyo street')).toEqual([]);
    expect(picks('1girl, solo, perfect eyes, long hair')).toEqual(['civitai:90461']);
  });
});
