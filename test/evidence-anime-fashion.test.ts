import { describe, expect, it } from 'vitest';
import { makeAdapter, picksFrom } from './support/adapters.js';
import { EDOB_HORSE, GAME_ICON, KENDOLL_BOOTS, PEACE_SIGN, WOW_ICONS } from './support/dump-items.js';

/**
 * Picks a member would not accept, found by reading compositions of anime, fantasy, fashion and art-style prompts
 * (Danbooru tag lists, named looks and artists, clothing) on the 2023-07 Civitai dump. Fixtures are the facts (id, name,
 * category, tags, trigger words) of its items.
 */
const SYFY_EYE = makeAdapter({
  id: 'civitai:44667',
  name: 'SyFyEye1',
  category: 'background',
  tags: ['space', 'futuristic', 'planet', 'scifi', 'scenery', 'fantasy', 'background', 'galaxy', 'landscape'],
});

describe("someone's body part is no place", () => {
  const picks = picksFrom([SYFY_EYE]);

  it('takes no space background named for an eye for the eyes of a girl or a woman, still for an eye alone', () => {
    expect(picks('1girl, solo, long hair, brown eyes, ponytail, armor')).toEqual([]);
    expect(picks('a woman with blue eyes in a space station')).toEqual([]);
    expect(picks('the eye of a woman')).toEqual([]);
    expect(picks('close up of an eye with galaxy reflection')).toEqual(['civitai:44667']);
  });
});

/** A style named for one thing (the seed catalog's "Yet Another Tattoo" draws the subject as a tattoo design). */
const MANY_BLADES = makeAdapter({
  id: 'civitai:75860',
  name: 'ManyBladesAI',
  category: 'style',
  tags: ['style'],
  triggerWords: ['ManyBladesAI'],
});
const YET_ANOTHER_TATTOO = makeAdapter({
  id: 'hf:Norod78/yet-another-sdxl-tattoo-lora',
  name: 'Yet Another Tattoo',
  category: 'style',
  tags: ['tattoo', 'ink', 'tattoo design'],
  triggerWords: ['tattoo'],
});

describe('a style named for one thing draws the picture as it, no thing someone has', () => {
  const picks = picksFrom([MANY_BLADES, YET_ANOTHER_TATTOO]);

  it('takes no tattoo design for a sailor with tattoos, still for a tattoo of a dragon', () => {
    expect(picks('a sailor with tattoos on his arms')).toEqual([]);
    expect(picks('a woman with a dragon tattoo on her back')).toEqual([]);
    expect(picks('a tattoo of a dragon')).toEqual(['hf:Norod78/yet-another-sdxl-tattoo-lora']);
    expect(picks('tattoo art of a woman')).toEqual(['hf:Norod78/yet-another-sdxl-tattoo-lora']);
  });

  it('restyles no warrior with a glowing blade as a style of blades', () => {
    expect(picks('a warrior with a glowing blade')).toEqual([]);
    expect(picks('a glowing blade')).toEqual(['civitai:75860']);
  });
});

describe('a thing its tags call one kind of what the task asks for is no other kind of it', () => {
  const picks = picksFrom([KENDOLL_BOOTS, WOW_ICONS, EDOB_HORSE]);

  it('takes no high heel boots for rain, cowboy, combat or thigh boots, still for boots or black leather boots', () => {
    expect(picks('1girl, raincoat, rain boots, puddle')).toEqual([]);
    expect(picks('a pair of cowboy boots')).toEqual([]);
    expect(picks('a woman wearing a leather jacket and combat boots')).toEqual([]);
    expect(picks('white headwear, pouch, thigh boots, gloves')).toEqual([]);
    expect(picks('1girl, boots, gloves')).toEqual(['civitai:19049']);
    expect(picks('black leather boots')).toEqual(['civitai:19049']);
    expect(picks('1girl, black coat, ankle boots')).toEqual([]);
    expect(picks('1girl, black coat, high heel boots')).toEqual(['civitai:19049']);
    expect(picks('1girl, black coat, boots')).toEqual(['civitai:19049']);
    // Boots a tag list says are not there are no task to draw.
    expect(picks('1girl, black coat, no boots, barefoot')).toEqual([]);
  });

  // Its game named, so that only the kind of icon decides ("SXZ WoW Icons" draws World of Warcraft's).
  it('still takes game icons for rpg item icons, none for a flat design icon', () => {
    expect(picks('rpg item icons, world of warcraft')).toEqual(['civitai:45713']);
    expect(picks('a wow game icon of a sword')).toEqual(['civitai:45713']);
    expect(picks('a flat design icon of a house, world of warcraft')).toEqual([]);
    expect(picks('an app icon for a weather app, world of warcraft')).toEqual([]);
  });

  it("reads a maker's label as no kind", () => {
    expect(picks('a race horse on the track')).toEqual(['civitai:78241']);
  });
});

describe('a style named for one kind of a thing is no other kind of it', () => {
  const picks = picksFrom([GAME_ICON]);

  it('draws no game icon for an app icon, still for a game icon or an icon', () => {
    expect(picks('an app icon')).toEqual([]);
    expect(picks('a game icon of a potion')).toEqual(['civitai:31827']);
    expect(picks('an icon of a potion')).toEqual(['civitai:31827']);
  });
});

describe('one thing is made of one material', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:58701',
      name: 'Stone Statue LoRA',
      category: 'style',
      tags: ['photorealistic', 'art', 'style', 'realistic', 'style art'],
      triggerWords: ['stone_statue', 'white_statue', 'sand_statue', 'on a pedestal', 'stone_color'],
    }),
    makeAdapter({
      id: 'civitai:57788',
      name: 'Bronze Statue LoRA',
      category: 'style',
      tags: ['photorealistic', 'style', 'realisti'],
      triggerWords: [
        'bronze_statue',
        'in the middle of a square',
        'riding a horse',
        'on a pedestal',
        'sitting on a bench',
      ],
    }),
  ]);

  it('takes a stone or a bronze statue style for a statue, never both', () => {
    expect(picks('a statue of a knight in a park')).toEqual(['civitai:58701']);
    expect(picks('a little mermaid statue in copenhagen')).toEqual(['civitai:58701']);
    expect(picks('a bronze statue of a horse')).toEqual(['civitai:57788']);
  });

  it('reads whose a statue is, or its stone, as no other kind of statue than a stone one', () => {
    expect(picks('an Egyptian statue in the desert')).toEqual(['civitai:58701']);
    expect(picks('Greek statue of a man comforting a cat')).toEqual(['civitai:58701']);
  });
});

describe('an outfit named by words that describe another thing dresses no one where the prompt names nobody', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:69059',
      name: 'snow white',
      category: 'clothing',
      tags: ['clothing', 'girls'],
      triggerWords: ['snow white', 'blue and yellow dress', 'red bow'],
    }),
  ]);

  it("takes no Snow White dress for a snow-white horse, still for Snow White's dress or a girl dressed as her", () => {
    expect(picks('a snow white horse')).toEqual([]);
    expect(picks('a snow white cat sleeping')).toEqual([]);
    expect(picks('snow white dress')).toEqual(['civitai:69059']);
    expect(picks('a girl in a snow white costume')).toEqual(['civitai:69059']);
  });
});

describe('a look word before a participle of making says how a thing is made', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'hf:CiroN2022/mosaic-style',
      name: 'Mosaic Style',
      category: 'style',
      tags: ['mosaic', 'tiles', 'tesserae'],
      triggerWords: ['mosaic'],
    }),
  ]);

  it('takes no mosaic art style for a mosaic-tiled bathroom, still for a mosaic of a phoenix', () => {
    expect(picks('a man in a mosaic-tiled bathroom')).toEqual([]);
    expect(picks('a mosaic of a phoenix')).toEqual(['hf:CiroN2022/mosaic-style']);
  });
});

describe('clothing named for one sex dresses no one of the other', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:15365',
      name: 'hanfu 汉服',
      category: 'clothing',
      tags: ['hanfu', 'clothing', 'hanstyle', 'jinstyle', 'tangstyle', 'songstyle', 'mingstyle'],
      triggerWords: ['hanfu', 'ming style', 'tang style', 'song style', 'jin style', 'han style'],
    }),
    makeAdapter({ id: 'civitai:21319', name: 'Hanfu_male', category: 'clothing', tags: ['hanfu', 'clothing', 'male'] }),
  ]);

  it("takes no men's hanfu for a girl or a woman, still for a man or a couple", () => {
    expect(picks('1girl, hanfu, red')).toEqual(['civitai:15365']);
    expect(picks('a woman wearing a hanfu in a bamboo forest')).not.toContain('civitai:21319');
    expect(picks('2girls, hanfu')).toEqual(['civitai:15365']);
    expect(picks('1boy, hanfu')).toContain('civitai:21319');
    expect(picks('a couple in hanfu, a man and a woman')).toContain('civitai:21319');
  });
});

describe('a pose or a concept trained on one sex', () => {
  const picks = picksFrom([
    PEACE_SIGN,
    makeAdapter({
      id: 'civitai:32883',
      name: '[Concept]Smoking',
      category: 'concept',
      tags: ['girl', 'concept', 'smoking', 'lora'],
      triggerWords: ['smoke,smoking'],
    }),
  ]);

  it('is no pick for a prompt that names the other sex only, still for its own or for both', () => {
    expect(picks('an old man with a beard smoking a pipe')).toEqual([]);
    expect(picks('a man doing a peace sign')).toEqual([]);
    expect(picks('a girl smoking on a balcony')).toEqual(['civitai:32883']);
    expect(picks('a woman doing a peace sign')).toEqual(['civitai:48578']);
    expect(picks('a man and a woman doing a peace sign')).toEqual(['civitai:48578']);
  });
});

describe('one thing has one colour', () => {
  const gymUniform = (id: string, name: string, triggers: string[]) =>
    makeAdapter({
      id,
      name,
      category: 'clothing',
      tags: ['photorealistic', 'costume', 'japan', 'illustration', 'clothing', 'realistic', 'lora', 'gym unifrom'],
      triggerWords: triggers,
    });
  const picks = picksFrom([
    gymUniform('civitai:55385', '体操服（紺）Gym uniform (NAVYBLUE)', ['BK2S', ' taisoufukuN, gym uniform, ']),
    gymUniform('civitai:53687', '体操服（緑）Gym uniform (GREEN)', [
      'BG0, KJP530G,burumaG',
      'taisoufukuG,  gym uniform,',
    ]),
    gymUniform('civitai:53671', '体操服（赤）Gym uniform (RED)', [
      'BRS0, KJP530R, burumaR',
      'taisoufukuR,  gym uniform,',
    ]),
  ]);

  it('takes one gym uniform of the three colours for a gym uniform', () => {
    expect(picks('1girl, gym uniform, bloomers')).toEqual(['civitai:55385']);
  });

  it('takes the one of the colour a task asks for, none of another colour', () => {
    expect(picks('1girl, green gym uniform')).toEqual(['civitai:53687']);
    expect(picks('1girl, red gym uniform')).toEqual(['civitai:53671']);
    const sclera = picksFrom([
      makeAdapter({
        id: 'civitai:77724',
        name: 'Black Eyes/Sclera',
        category: 'concept',
        tags: ['concept', 'black sclera', 'black eyes'],
      }),
    ]);
    expect(sclera('1boy, eye-patch covering right eye, glowing left eye, white sclera')).toEqual([]);
    expect(sclera('1girl, red eyes, black sclera')).toEqual(['civitai:77724']);
  });
});
