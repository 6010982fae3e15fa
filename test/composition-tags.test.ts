import { describe, expect, it } from 'vitest';
import { enforceCaps } from '../src/stylus/caps.js';
import { isCompositionTask } from '../src/stylus/composition-tags.js';
import { asCandidates, makeAdapter, picksFrom } from './support/adapters.js';
import { GAME_ICON, INS_STILL_LIFE, REFERENCE_POSE, UNDERSEA_DEPTHS } from './support/dump-items.js';

/**
 * Prompts as members paste them from Civitai, framed with Danbooru tags. Fixtures are the facts (id, name, tags,
 * trigger words) of items of the 2023-07 Civitai dump (base sd1).
 */
const COWBOY = makeAdapter({
  id: 'civitai:50378',
  name: 'cowboy(niuzai)',
  category: 'clothing',
  tags: ['cowgirl', 'clothing', 'cowboy hat', 'cowboy'],
  triggerWords: ['cowgirl', 'cowboy', 'hat', 'cowboy_hat', 'belt_buckle'],
});

describe('composition tags name no thing to draw', () => {
  const picks = picksFrom([COWBOY, REFERENCE_POSE, UNDERSEA_DEPTHS, INS_STILL_LIFE]);

  it('dresses nobody as a cowboy for "cowboy shot", in any spelling', () => {
    expect(picks('1girl, solo, cowboy shot, smile')).toEqual([]);
    expect(picks('1girl, cowboy_shot, looking at viewer')).toEqual([]);
  });

  it('still dresses a cowboy the prompt asks for, framed by a tag', () => {
    expect(picks('a cowboy riding a horse at sunset, full body')).toEqual(['civitai:50378']);
    expect(picks('1girl, cowboy hat, cowboy shot')).toEqual(['civitai:50378']);
  });

  it('takes no sticker sheet for the blush stickers drawn on a face, still for a sticker', () => {
    const stickers = picksFrom([
      makeAdapter({ id: 'hf:stickers', name: 'Stickers.Redmond', category: 'style', tags: ['sticker', 'die cut'] }),
    ]);
    expect(stickers('1girl, smile, blush stickers')).toEqual([]);
    expect(stickers('a sticker of a happy avocado')).toEqual(['hf:stickers']);
  });

  it('takes no reference sheet for "full body", no undersea depths for "depth of field", no still life for a plain background', () => {
    expect(picks('1girl, full body, standing, depth of field, simple background')).toEqual([]);
    // Its "of" keeps the tag one task, whatever describes it: "deep depth" is no undersea depth either.
    expect(picks('a girl in a garden, deep depth of field, sharp focus')).toEqual([]);
    expect(picks('a still life of flowers, simple background')).toEqual(['civitai:56374']);
  });

  it('holds the LLM composer to it: a pick for a framing tag is dropped with the reason', () => {
    const { tasks, repairs } = enforceCaps(
      '1girl, cowboy shot, smile',
      [{ task: 'cowboy shot', adapters: [{ adapterId: 'civitai:50378', reason: 'cowboy' }] }],
      asCandidates([COWBOY]),
    );
    expect(tasks[0]?.adapters).toEqual([]);
    expect(repairs.join(' ')).toContain('framed');
  });

  it('takes no mythology wallpaper for "wallpaper" written alone in a tag list, still for a wall papered', () => {
    const wallpaper = makeAdapter({
      id: 'civitai:75443',
      name: "PAseer的神话壁纸/PAseer's mythology wallpaper",
      category: 'building',
      tags: ['architecture', 'background', 'wallpaper', 'landscape', 'outdoors', 'details'],
      triggerWords: ['clouds'],
    });
    const pick = picksFrom([wallpaper]);
    expect(pick('masterpiece, best quality, absurdres, highres, wallpaper, illustration, 1girl')).toEqual([]);
    expect(isCompositionTask('wallpaper', 'masterpiece, 8k, artstation, wallpaper, sharp focus')).toBe(true);
    expect(isCompositionTask('floral wallpaper', 'a room with floral wallpaper, a sofa')).toBe(false);
    expect(pick('a mythology wallpaper')).toEqual(['civitai:75443']);
  });

  it('takes no skybox for a render engine named alone, no pose for a white balance, no icon for a framing trigger', () => {
    const pick = picksFrom([
      makeAdapter({
        id: 'civitai:81168',
        name: 'skybox',
        category: 'background',
        tags: ['3d', 'unreal', 'background', 'unity', 'skybox', 'cubemap'],
        triggerWords: ['cubemap'],
      }),
      makeAdapter({
        id: 'civitai:74934',
        name: 'I-Balance Pose - I字バランスポーズ Lora',
        category: 'pose',
        tags: ['poses', 'pose', 'yoga', 'i balance'],
        triggerWords: ['ibalance standing_split, standing_on_one_leg, leg_up Holding leg'],
      }),
      GAME_ICON,
    ]);
    expect(pick('portrait of an actor in a dark studio, rim lighting, teal hue, octane, unreal, dimly lit')).toEqual(
      [],
    );
    expect(pick('a woman in the car, retro, award winning photo, Sepia, White Balance, Telephoto')).toEqual([]);
    expect(pick('purple, masterpieces, HD Transparent background, fantasy, pendants')).toEqual([]);
    expect(pick('purple, Game ICON, fantasy, pendants')).toEqual(['civitai:31827']);
  });

  it('reads a task split out of a tag as part of it, and a word written elsewhere as asked for', () => {
    const prompt = 'masterpiece, 1girl, depth of field, sitting, white background, simple background';
    expect(isCompositionTask('depth', prompt)).toBe(true);
    expect(isCompositionTask('field', prompt)).toBe(true);
    expect(isCompositionTask('simple background', prompt)).toBe(true);
    expect(isCompositionTask('sitting', prompt)).toBe(false);
    expect(isCompositionTask('field', 'a field of flowers, depth of field')).toBe(false);
  });
});

describe('how fine surfaces are drawn is no texture to draw', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:50391',
      name: 'Diffuse Texture',
      category: 'object',
      tags: ['objects', 'texture', 'textures'],
      triggerWords: ['diffuse texture'],
    }),
  ]);

  it('takes no texture map for a portrait with detailed textures, still for a texture asked for', () => {
    expect(picks('1girl, solo, upper body, red eyes, lively texture')).toEqual([]);
    expect(picks('night, dark, dimly lit, extremely detailed textures, 1boy')).toEqual([]);
    expect(picks('1girl, portrait, detailed skin texture, natural skin texture')).toEqual([]);
    expect(picks('a diffuse texture of mossy stone')).toEqual(['civitai:50391']);
  });
});

describe('a thing is what its name begins with', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:76349',
      name: 'Knife Wielding - Dynamic Poses',
      category: 'pose',
      tags: ['photorealistic', 'poses', 'combat', 'fight'],
      triggerWords: ['knife'],
    }),
  ]);

  it('puts no knife in the hand of a girl in a dynamic pose, still in one wielding a knife', () => {
    expect(picks('1girl, dynamic pose, smile')).toEqual([]);
    expect(picks('a girl wielding a knife, dynamic pose')).toEqual(['civitai:76349']);
  });
});

describe('an interior is where, no look whose accessories a prompt asks for', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:25383',
      name: 'XSarchitectural-7Modern interior',
      category: 'building',
      tags: ['buildings', 'interior rendering', 'interior design', 'architecture design'],
      triggerWords: ['daylight', 'indirect lighting', 'cinematic lighting', 'volumetric lighting', 'photorealism'],
    }),
  ]);

  it('lights no girl indoors with an interior-design LoRA', () => {
    expect(picks('1girl, smile, room, indoors, volumetric lighting')).toEqual([]);
  });
});
