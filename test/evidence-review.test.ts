import { describe, expect, it } from 'vitest';
import { enforceCaps } from '../src/stylus/caps.js';
import { foreignLookIn } from '../src/stylus/evidence.js';
import { asCandidates, makeAdapter, offlinePicks, picksFrom } from './support/adapters.js';
import { JK_UNIFORM, PALLAS_CAT, PEACE_SIGN, SUPERCUTECAT } from './support/dump-items.js';

/**
 * Picks found by reading compositions of members' everyday prompts ("a cute emoji of a laughing cat", "a train
 * crossing a bridge") on the Civitai dump, that a member of a public server would not accept. Names, categories, tags
 * and triggers are written after the real dump items named by their ids.
 */
const catalog = [
  makeAdapter({
    id: 'civitai:43256',
    name: 'Blue Archive Emoji style',
    category: 'style',
    tags: ['anime', 'style', 'blue archive', 'artstyle', 'chibi', 'super deformed'],
    triggerWords: ['Chibi'],
  }),
  makeAdapter({
    id: 'civitai:1',
    name: 'Claude Monet/Oscar-Claude Monet style',
    category: 'style',
    tags: ['impressionism', 'painting'],
  }),
  makeAdapter({
    id: 'civitai:84625',
    name: 'Spaceship bridge',
    category: 'background',
    tags: ['spaceship', 'background', 'spaceship bridge'],
    triggerWords: ['Spaceship bridge'],
  }),
  PEACE_SIGN,
  makeAdapter({
    id: 'civitai:49646',
    name: '[LoRa] Riding Monster/怪獣騎士 Concept',
    category: 'concept',
    tags: ['concept', 'monster', 'riding'],
    triggerWords: ['ridingmonster'],
  }),
  PALLAS_CAT,
  SUPERCUTECAT,
  makeAdapter({
    id: 'civitai:74675',
    name: 'Glasses LoRA',
    category: 'clothing',
    tags: ['sunglasses', 'glasses', 'clothing'],
    triggerWords: ['Glasses', 'Sunglasses', 'Aviators'],
  }),
  makeAdapter({
    id: 'civitai:66593',
    name: 'double striped socks 双杠袜(LoRA)',
    category: 'clothing',
    tags: ['clothing', 'socks', 'legwear'],
    triggerWords: ['striped'],
  }),
  makeAdapter({
    id: 'civitai:83636',
    name: '动物模型丨柯基 MG_CORGI (animal)',
    category: 'animal',
    tags: ['animals', 'dog', 'animal', 'under water', 'corgi'],
    triggerWords: ['mangguo_keji'],
  }),
  makeAdapter({
    id: 'civitai:30305',
    name: 'hanfu_chinese wedding dress_women_female_女中式婚服 @spz',
    category: 'clothing',
    tags: ['female', 'hanfu', 'woman', 'wedding dress', 'chinese wedding dress'],
    triggerWords: ['zshf'],
  }),
  makeAdapter({ id: 'civitai:36682', name: 'Thai Nurse', category: 'clothing', tags: ['nurse', 'clothing'] }),
  makeAdapter({
    id: 'civitai:26545',
    name: 'watercolorLoRA(chinese-style中国风)',
    category: 'style',
    tags: ['watercolor', 'style', 'oldstyle', 'chinesestyle'],
  }),
  makeAdapter({
    id: 'civitai:26129',
    name: 'GorgeousWedding Dress V1',
    category: 'clothing',
    tags: ['clothing', 'wedding dress', 'bridal dress'],
    triggerWords: ['wedding dress', 'bridal dress'],
  }),
  makeAdapter({
    id: 'civitai:89540',
    name: 'Glowing Eyes',
    category: 'object',
    tags: ['objects', 'eyes', 'details', 'glowing eye'],
  }),
  makeAdapter({
    id: 'civitai:20104',
    name: 'Flaming Eye Concept - LORA',
    category: 'concept',
    tags: ['anime', 'concept', 'eye trail', 'flaming eye'],
    triggerWords: ['flaming eye', 'eye trail'],
  }),
  makeAdapter({
    id: 'civitai:6888',
    name: '[LuisaP] 🤖 Humanoid Robots [1MB]',
    category: 'other',
    tags: ['cyborg', 'luisap', '[luisap]', 'robots'],
    triggerWords: ['robot'],
  }),
  // The same adapter without its maker's brackets: a proper name of its own, which nobody asked for.
  makeAdapter({
    id: 'civitai:2',
    name: 'Luisap Humanoid Robots',
    category: 'other',
    tags: ['cyborg', 'robots'],
    triggerWords: ['robot'],
  }),
  JK_UNIFORM,
  makeAdapter({
    id: 'civitai:24689',
    name: 'JKskirt',
    category: 'clothing',
    tags: ['clothing', 'skirt'],
    triggerWords: ['red skirt', 'red bowtie'],
  }),
  makeAdapter({
    id: 'civitai:21079',
    name: 'Common Taiwanese Food | 台灣常見美食',
    category: 'object',
    tags: ['objects', 'food', 'photography', 'taiwan'],
    triggerWords: ['beef noodle soup', 'braised pork rice', 'bubble tea', 'stinky tofu'],
  }),
  makeAdapter({
    id: 'civitai:25375',
    name: 'XSarchitectural-2Wooden growing building',
    category: 'building',
    tags: ['buildings', 'architecture design'],
    triggerWords: ['round swimming pool', 'many pedestrian bridges', 'utopian city', 'aerial view', 'ultra wide shot'],
  }),
  makeAdapter({
    id: 'civitai:87893',
    name: 'Public building aerial view 公建鸟瞰',
    category: 'building',
    tags: ['architecture', 'buildings', 'aerial view', 'public building'],
    triggerWords: ['archiaerialview', 'architecture', 'line', 'curve'],
  }),
  makeAdapter({
    id: 'civitai:25373',
    name: 'XSarchitectural-6Modern small building',
    category: 'building',
    tags: ['buildings', 'architecture design'],
    triggerWords: ['cinematic', 'garden with olive trees', 'ultra - wide angle', 'shot on 25mm lens'],
  }),
  makeAdapter({
    id: 'civitai:46351',
    name: 'Link | The Legend of Zelda: Tears of the Kingdom',
    category: 'character',
    triggerWords: ['link \\(totk\\)', 'arm tattoo'],
  }),
];

const candidates = asCandidates(catalog);
const picks = (prompt: string) => offlinePicks(prompt, candidates);

describe('a look is no artist', () => {
  it('takes no game-franchise emoji style for an emoji: "emoji" names no artist', () => {
    expect(picks('a cute emoji of a laughing cat')).not.toContain('civitai:43256');
    expect(picks('an emoji')).not.toContain('civitai:43256');
  });

  it('still takes an artist named by a word the dictionary lacks', () => {
    expect(picks('a garden with a pond, monet style')).toContain('civitai:1');
  });
});

describe('half a name whose other half is a thing of its own', () => {
  it("takes no ship's bridge for a bridge, no peace sign for a stop sign, no riding for a monster", () => {
    expect(picks('a train crossing a bridge in the mountains')).not.toContain('civitai:84625');
    expect(picks('an old stone bridge')).not.toContain('civitai:84625');
    expect(picks('a stop sign')).not.toContain('civitai:48578');
    expect(picks('a robot holding a sign that says hello')).not.toContain('civitai:48578');
    expect(picks('a slime monster in a dungeon')).not.toContain('civitai:49646');
  });

  it('takes no wild cat of another species for a cat, and still a cat', () => {
    expect(picks('two cats sleeping on a windowsill')).not.toContain('civitai:33194');
    expect(picks('a cat wearing a tiny crown')).not.toContain('civitai:33194');
    expect(picks('a cat wearing a tiny crown')).toContain('civitai:75132');
  });

  it('takes them when the prompt asks for the whole name', () => {
    expect(picks('a spaceship bridge with glowing screens')).toContain('civitai:84625');
    expect(picks('a girl making a peace sign')).toContain('civitai:48578');
    expect(picks('a manul in the snow')).toContain('civitai:33194');
  });

  it('keeps a kind of the thing, a kind label and a participle as what they are', () => {
    expect(picks('a man wearing sunglasses')).toContain('civitai:74675');
    expect(picks('matching socks with cute cats on them')).toContain('civitai:66593');
    expect(picks('a corgi')).toContain('civitai:83636');
  });
});

describe('a look from a place the prompt does not name', () => {
  it('dresses a bride in a wedding dress, not a Chinese one, and a nurse in no Thai uniform', () => {
    const bride = picks('a bride in a wedding dress');
    expect(bride).toContain('civitai:26129');
    expect(bride).not.toContain('civitai:30305');
    expect(picks('a nurse in a hospital hallway')).not.toContain('civitai:36682');
    expect(picks('a picture of some food on a plate')).not.toContain('civitai:21079');
    expect(picks('a lighthouse, watercolor painting')).not.toContain('civitai:26545');
  });

  it('takes it when the prompt names the place or its people', () => {
    expect(picks('a bride in a chinese wedding dress')).toContain('civitai:30305');
    expect(picks('a thai nurse')).toContain('civitai:36682');
    expect(picks('taiwanese street food')).toContain('civitai:21079');
    const watercolor = catalog.find((adapter) => adapter.id === 'civitai:26545');
    expect(watercolor && foreignLookIn('a temple in china, watercolor painting', watercolor)).toBeUndefined();
    expect(watercolor && foreignLookIn('a lighthouse, watercolor painting', watercolor)).toBe('chinese');
  });

  it('holds an LLM composer to it', () => {
    const { tasks, repairs } = enforceCaps(
      'a bride in a wedding dress',
      [{ task: 'wedding dress', adapters: [{ adapterId: 'civitai:30305', reason: 'a wedding dress' }] }],
      candidates,
    );
    expect(tasks[0]?.adapters).toEqual([]);
    expect(repairs.join(' ')).toContain('chinese');
  });
});

describe('half a name that says what the thing does', () => {
  it('gives no glowing or flaming eyes to eyes that only look', () => {
    expect(picks('a cat with four eyes')).not.toContain('civitai:89540');
    expect(picks('the eye of the planet jupiter')).not.toContain('civitai:89540');
    expect(picks('the eye of the planet jupiter')).not.toContain('civitai:20104');
  });

  it('gives them to a prompt that asks for it', () => {
    expect(picks('a robot with glowing eyes')).toContain('civitai:89540');
    expect(picks('a demon with a flaming eye')).toContain('civitai:20104');
  });
});

describe("a maker's handle in brackets", () => {
  it('signs the adapter and brings in nothing: a robot gets humanoid robots', () => {
    expect(picks('a robot cooking in the kitchen')).toContain('civitai:6888');
    expect(picks('a robot cooking in the kitchen')).not.toContain('civitai:2');
  });
});

describe('one piece of an outfit', () => {
  it('dresses no animal with a bowtie in a school uniform', () => {
    expect(picks('a chimpanzee wearing a bowtie and playing a piano')).not.toContain('civitai:81286');
    expect(picks('a corgi wearing a red bowtie and a purple party hat')).not.toContain('civitai:24689');
  });

  it('takes the outfit its first trigger calls, and a thing its name says', () => {
    expect(picks('a girl in a red skirt')).toContain('civitai:24689');
    expect(picks('a man wearing sunglasses')).toContain('civitai:74675');
  });
});

describe("a camera's words", () => {
  it('say how a picture is taken, no building to put in it', () => {
    const aerial = picks('an aerial view of the great wall');
    expect(aerial).not.toContain('civitai:25375');
    expect(aerial).not.toContain('civitai:87893');
    expect(picks('an old wooden boat on a lake, wide angle lens')).not.toContain('civitai:25373');
  });

  it('still take a building the prompt asks for', () => {
    expect(picks('a public building')).toContain('civitai:87893');
  });
});

describe('a name that is a word', () => {
  it('names the character with its series beside it', () => {
    expect(picks('link from zelda in a forest')).toContain('civitai:46351');
  });

  it('is a word without it', () => {
    expect(picks('a chain link fence')).not.toContain('civitai:46351');
    expect(picks('a link between two towers in a kingdom')).not.toContain('civitai:46351');
  });

  it('holds an LLM composer to the same naming', () => {
    const task = (text: string) => [{ task: text, adapters: [{ adapterId: 'civitai:46351', reason: 'Link' }] }];
    expect(enforceCaps('link from zelda', task('link from zelda'), candidates).tasks[0]?.adapters).toHaveLength(1);
    expect(enforceCaps('a chain link fence', task('chain link fence'), candidates).tasks[0]?.adapters).toEqual([]);
  });
});

describe('a thing that lists its kinds of what the task asks for', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:59903',
      name: 'BlindMask',
      category: 'clothing',
      tags: ['mask', 'clothing', 'fantasy'],
      triggerWords: ['mask', 'blind mask', 'halo mask', 'crown mask', 'wing mask', 'silver mask', 'gold mask'],
    }),
    makeAdapter({
      id: 'civitai:65353',
      name: 'CM-Beautiful_armor',
      category: 'clothing',
      tags: ['clothing', 'cm-beautiful_armor,armor,   shield, shoulder_armor,crown，weapon，sword，'],
      triggerWords: ['CM-Beautiful_armor,armor,   shield, shoulder_armor,crown，weapon，sword，'],
    }),
  ]);

  it('puts no blind mask on a wanderer in a gas mask, still a mask of a colour or of its own kinds', () => {
    expect(picks('wanderer, gas mask, survival gear, explosion in distance')).toEqual([]);
    // A kind in a word of another language is a kind too: an oni mask, a kitsune mask.
    expect(picks('an oni mask')).toEqual([]);
    expect(picks('a kitsune mask on a wall')).toEqual([]);
    expect(picks('1girl, domino mask, close up')).toEqual([]);
    expect(picks('1girl, wearing black mask, city alley')).toEqual(['civitai:59903']);
    expect(picks('a girl in a crown mask')).toEqual(['civitai:59903']);
  });

  it('still takes a thing that names one kind only for another kind', () => {
    expect(picks('a female knight in full metal armor')).toEqual(['civitai:65353']);
  });
});
