import { describe, expect, it } from 'vitest';
import { makeAdapter, picksFrom } from './support/adapters.js';

/**
 * Picks seen composing members' Civitai tag prompts ("masterpiece, 1girl, cute pose, ...") on the 2023-07 dump, that
 * bring in a thing nobody asked for. Names, categories, tags and triggers are the dump items' own, by their ids.
 */
const MIRROR_SELFIE = makeAdapter({
  id: 'civitai:46553',
  name: 'Mirror Selfie Pose (LoRA)',
  category: 'pose',
  tags: ['anime', 'poses', 'pose', 'lora'],
  triggerWords: ['girl mirror selfie'],
});
const HEAD_TILT = makeAdapter({
  id: 'civitai:9146',
  name: 'Shaft Head Tilt | シャフ度 | 新房45度 (Pose LORA)',
  category: 'pose',
  tags: ['anime', 'poses'],
  triggerWords: ['shaft head tilt', 'from behind', 'from side'],
});

describe('a tag that files an adapter by its kind', () => {
  const picks = picksFrom([MIRROR_SELFIE, HEAD_TILT]);

  it('takes no mirror selfie nor head tilt for "pose" or "cute pose"', () => {
    expect(picks('masterpiece, best quality, 1girl, solo, cute pose, smile')).toEqual([]);
    expect(picks('1girl, pose, looking at viewer')).toEqual([]);
  });

  it('still takes each for what it draws', () => {
    expect(picks('1girl, mirror selfie, phone')).toEqual(['civitai:46553']);
    expect(picks('1girl, head tilt, smile')).toEqual(['civitai:9146']);
  });
});

describe('a noun before a participle of making says how a thing was made', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:47285',
      name: 'k Hand Mix 101',
      category: 'other',
      tags: ['hand', 'fingers', 'handmix'],
      triggerWords: ['hand101'],
    }),
  ]);

  it('takes no hand adapter for "hand_drawn" or a hand-drawn illustration, still for hands', () => {
    expect(picks('masterpiece, 1girl, hand_drawn, sketch')).toEqual([]);
    expect(picks('a hand-drawn illustration of a cat')).toEqual([]);
    expect(picks('1girl, hands, holding cup')).toEqual(['civitai:47285']);
  });
});

describe('a look a name says in Chinese', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:89551',
      name: 'Mix pattern / 拼贴元素插画风格',
      category: 'style',
      tags: ['anime', 'girl', 'female', 'fashion', 'pattern', 'style', 'illustration'],
      triggerWords: ['mix patterns'],
    }),
  ]);

  it('takes no collage illustration (插画) for the flower pattern of a dress, still for an illustration', () => {
    expect(picks('masterpiece, 1girl, white dress, white flower pattern')).toEqual([]);
    expect(picks('masterpiece, illustration, 1girl, mix patterns')).toEqual(['civitai:89551']);
  });

  it('takes no cartoon cars (卡通) for the vehicle of a prompt that asks for no cartoon', () => {
    const cartoonCars = picksFrom([
      makeAdapter({
        id: 'civitai:31342',
        name: 'M_vehicle 卡通车车',
        category: 'vehicle',
        tags: ['landscapes', '3d', 'cartoon', 'fantasy', 'toon', 'vehicle', 'car', 'videogame'],
        triggerWords: ['vehicle'],
      }),
    ]);
    expect(cartoonCars('1girl, solo, ground_vehicle, motor_vehicle, motorcycle, on_motorcycle, jacket')).toEqual([]);
    expect(cartoonCars('masterpiece, best quality, 1vehicle, pixar style, cute, toon, 3d')).toEqual(['civitai:31342']);
  });
});

describe('a trigger that is a full name draws that one', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:44234',
      name: '葛城美里《新世纪福音战士》/ Katsuragi Misato《NEON GENESIS EVANGELION》/葛城ミサト《新世紀エヴァンゲリオン》',
      category: 'other',
      tags: ['anime', 'female', 'woman'],
      triggerWords: ['Katsuragi_Misato'],
    }),
  ]);

  it('takes no uncategorised Katsuragi Misato for her franchise, still for her name', () => {
    expect(picks('masterpiece, photorealistic, backlighting, neon genesis evangelion, 1girl')).toEqual([]);
    expect(picks('masterpiece, 1girl, katsuragi misato, neon genesis evangelion')).toEqual(['civitai:44234']);
  });
});

describe('a concept is what its name says is done', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:95291',
      name: '【Concept】Zipping Undersized Track Jacket 胸太大拉链拉不上',
      category: 'concept',
      tags: ['anime', 'concept'],
      triggerWords: ['track jacket', 'zipping', 'jacket tug'],
    }),
  ]);

  it('takes no too-small jacket for a plain track jacket, still for zipping one', () => {
    expect(picks('masterpiece, 1girl, cowboy shot, green jacket, track jacket, outdoors')).toEqual([]);
    expect(picks('1girl, zipping undersized track jacket')).toEqual(['civitai:95291']);
  });
});

describe('a trigger of two words or more written whole', () => {
  const SHADED_FACE = makeAdapter({
    id: 'civitai:14669',
    name: 'Shaded face (eyes in shadow)',
    category: 'concept',
    tags: ['anime', 'concept', 'face focus'],
    triggerWords: ['shaded face'],
  });
  const LIMITED_BLUE = makeAdapter({
    id: 'civitai:19525',
    name: 'Limited Blue Style (LORA)',
    category: 'style',
    tags: ['style', 'art style', 'digital colors'],
    triggerWords: ['limited palette'],
  });
  const picks = picksFrom([SHADED_FACE, LIMITED_BLUE]);

  it('picks its card where the noun phrase is less of it: "face" of "shaded face"', () => {
    expect(picks('masterpiece, best quality, highres, 1girl, shaded face')).toEqual(['civitai:14669']);
  });

  it('picks no style by such a trigger: it would restyle the whole image', () => {
    expect(picks('1girl, aqua hair, limited palette, bubble')).toEqual([]);
  });

  it('picks nothing for a face that is no shaded face', () => {
    expect(picks('masterpiece, 1girl, face, smile, shaded background')).toEqual([]);
    expect(picks('a portrait of a woman with a round face')).toEqual([]);
  });
});

describe('a word written in camel case', () => {
  const LO_FI = makeAdapter({
    id: 'civitai:55153',
    name: 'Lo-Fi Aesthetic',
    category: 'background',
    tags: ['anime', 'concept', 'pastel', 'line art', 'lofi', 'landscape', 'lofi girl', 'backgrounds'],
  });
  const picks = picksFrom([LO_FI]);

  it('is that word: "LoFi" is the "Lo-Fi" of a name', () => {
    expect(picks('LoFi Aesthetic, masterpiece, bicycle, outdoors, power lines, rain')).toEqual(['civitai:55153']);
    expect(picks('lo-fi aesthetic, a bedroom at night')).toEqual(['civitai:55153']);
  });

  it('still takes no card for another word in camel case', () => {
    expect(picks('LoRes Aesthetic, a bedroom at night')).toEqual([]);
  });
});

describe('a name of common words its trigger says again', () => {
  const cards = [
    makeAdapter({
      id: 'civitai:92654',
      name: 'armored dress 鎧裝禮服  アーマードレス',
      category: 'clothing',
      tags: ['female', 'armor', 'clothing', 'fantasy', 'armored'],
      triggerWords: ['armored dress', 'armored_dress'],
    }),
    makeAdapter({
      id: 'civitai:95736',
      name: 'Cartoon portrait',
      category: 'style',
      tags: ['anime', 'style', 'woman', 'girls', 'boys'],
      triggerWords: ['cartoon portrait'],
    }),
    makeAdapter({
      id: 'civitai:1',
      name: 'Anime girl',
      category: 'other',
      tags: ['anime', 'girl'],
      triggerWords: ['anime girl'],
    }),
    makeAdapter({ id: 'civitai:2', name: 'Dark Magician', category: 'other', triggerWords: ['dark magician'] }),
  ];
  // Each word as common as in a catalog of thousands of anime and fashion LoRAs.
  const common = new Set(['armored', 'armor', 'dress', 'cartoon', 'anime', 'girl', 'dark', 'magician']);
  const picks = picksFrom(cards, { rarity: { isCommon: (word) => common.has(word) } });

  it('takes the card the member writes by its whole name, as its maker asks: "armored dress", "cartoon portrait"', () => {
    expect(picks('1girl, armored dress, blue eyes, castle')).toEqual(['civitai:92654']);
    expect(picks('best quality, 1girl, solo, cartoon portrait, simple background')).toEqual(['civitai:95736']);
  });

  it('takes none for a dress or a portrait alone, nor an uncategorised card for common words', () => {
    expect(picks('1girl, red dress, castle')).toEqual([]);
    expect(picks('anime girl with blue hair')).toEqual([]);
    expect(picks('dark magician, 1boy, purple robe')).toEqual([]);
  });
});

describe("a part of a style's name written as one word", () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:25404',
      name: 'Puyo Puyo Style',
      category: 'style',
      tags: ['anime', 'simple', 'style', 'chibi', 'cute', 'flat color'],
      triggerWords: ['puyopuyo'],
    }),
    makeAdapter({ id: 'civitai:25806', name: 'tilt-shift', category: 'style', tags: ['style'] }),
  ]);

  it('takes the style a member names run together, as its card writes it: "puyopuyo", "tiltshift"', () => {
    expect(picks('masterpiece, 1girl, puyopuyo, cirno, smile')).toEqual(['civitai:25404']);
    expect(picks('1girl, solo, tiltshift, city, giantess')).toEqual(['civitai:25806']);
  });

  it('takes none for its words in other words', () => {
    expect(picks('a truck driver shifts gears on a tilted road')).toEqual([]);
  });
});
