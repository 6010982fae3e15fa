import { describe, expect, it } from 'vitest';
import type { Adapter } from '../src/catalog/adapter.js';
import { composeOffline } from '../src/stylus/offline-composer.js';
import { asCandidates, characterCard, makeAdapter, picksFrom } from './support/adapters.js';

/**
 * Members call a character as fans do: "goku", not "son goku"; "lux" beside "league of legends" written as a tag of
 * its own. The facts (ids, names, trigger words, tags) are those of real items of the 2023-07 Civitai dump.
 */
const character = characterCard;

const GOKU = character(
  'civitai:8888',
  'Son Goku - Dragon Ball Z / Super (LoRA)',
  ['son_goku', 'super_saiyan', 'ultra_instinct', 'super_saiyan_blue', 'super_saiyan_god', 'base_form'],
  ['anime', 'character', 'dragon ball z', 'dragon ball super', 'goku', 'male', 'man'],
);
const LUX = character(
  'civitai:34317',
  'Lux / League of Legends',
  ['1girl, lux1', '1girl, lux1, lux_(league_of_legends)'],
  ['league of legends', 'character', 'game character', 'game', 'lora', 'lux'],
);
const HATSUNE_MIKU = character(
  'civitai:56121',
  '[AIMIKU] Hatsune Miku',
  ['Hatsune Miku', 'twintails'],
  ['character', 'vocaloid', 'hatsune miku', 'twintails', 'characters'],
);
const MAEKAWA_MIKU = character(
  'civitai:15144',
  'Maekawa Miku (THE IDOLM@STER CINDERELLA GIRLS)',
  ['maekawa_miku'],
  ['anime', 'character', 'girl', 'game character', 'idolmaster', 'cinderella girls'],
);
const SAILOR_SATURN = character(
  'civitai:56569',
  'Sailor Saturn | Sailor Moon',
  ['sailor saturn', 'tiara', 'sailor senshi uniform'],
  ['anime', 'character', 'sailor moon', 'hotaru tomoe', 'sailor saturn'],
);
const CUPA = character(
  'civitai:28907',
  'Cupa Minecraft (LoRA)',
  ['cupa_minecraft'],
  ['anime', 'character', 'female', 'minecraft', 'game character', 'creeper', '1girl', 'cupa'],
);
const MC_VERSION_1 = makeAdapter({
  id: 'civitai:23293',
  name: 'MC Version 1',
  category: 'style',
  triggerWords: ['in the style of minmin'],
  tags: ['minecraft', 'style', 'illustration', 'beautiful', 'video game'],
  source: 'civitai',
  baseFamily: 'sd1',
});
const SAMUS_ARAN = character(
  'civitai:80970',
  'Samus Aran (Metroid) LoRA',
  ['samus aran', 'ponytail, hair tie, blue gloves, blue bodysuit, high heels'],
  ['anime', 'character', 'female', 'woman', 'game character', 'video game', 'metroid'],
);

const AKANE_KINOSHITA = character(
  'civitai:29765',
  'Akane Kinoshita',
  ['Akane Kinoshita'],
  ['anime', 'character', 'female', 'girls', 'characters', 'akane', 'yamada', 'akane kinoshita', 'kinoshita'],
);
const KUROKAWA_AKANE = character(
  'civitai:63784',
  'Kurokawa Akane | Oshi no Ko | (LoRA)',
  ['akane'],
  ['anime', 'character', 'girl', 'woman', 'oshi no ko', 'kurokawa akane'],
);
const HIBIKI_KANCOLLE = character(
  'civitai:55796',
  'Hibiki \\ 舰娘响 \\ 響 \\ ひびき',
  ['khorosho \\(kancolle\\)'],
  ['character', 'kancolle', 'girl，', 'hibiki'],
);
const NEKOZUKA_HIBIKI = character(
  'civitai:23607',
  'Nekozuka Hibiki / 猫塚ヒビキ',
  ['hibiki', 'default', 'cheerleader'],
  ['anime', 'character', 'girl', 'blue archive'],
);

const picks = picksFrom([
  GOKU,
  LUX,
  HATSUNE_MIKU,
  MAEKAWA_MIKU,
  SAILOR_SATURN,
  CUPA,
  MC_VERSION_1,
  SAMUS_ARAN,
  AKANE_KINOSHITA,
  KUROKAWA_AKANE,
  // Ranked first, as retrieval may: a rule that took her by "hibiki" would take her over the Hibiki called so alone.
  NEKOZUKA_HIBIKI,
  HIBIKI_KANCOLLE,
]);

describe('a character called by the one name fans use', () => {
  it('takes a name her card tags alone, when no other candidate is called by it', () => {
    expect(picks('goku powering up')).toContain(GOKU.id);
    expect(picks('goku and a dragon')).toContain(GOKU.id);
  });

  it('takes no one for a name two candidates share, though both cards call her by it', () => {
    // Both tag or trigger "akane": Akane Kinoshita and Kurokawa Akane.
    expect(picks('akane at the beach')).toEqual([]);
    expect(picks('kurokawa akane at the beach')).toEqual([KUROKAWA_AKANE.id]);
    // One Hibiki is called "Hibiki" alone, the other "Nekozuka Hibiki": "hibiki" names the first, not both.
    expect(picks('hibiki on a ship')).toEqual([HIBIKI_KANCOLLE.id]);
    expect(picks('miku playing guitar')).toEqual([]);
    expect(picks('hatsune miku playing guitar')).toEqual([HATSUNE_MIKU.id]);
  });

  it('takes no one for a word her card never writes alone', () => {
    // "saturn" is a planet: "Sailor Saturn" is called by both words, as her tag and trigger say.
    expect(picks('saturn in the night sky')).toEqual([]);
    // "aran sweater" is a knit; Samus Aran's card calls her "samus aran" only.
    expect(picks('a girl in an aran sweater')).toEqual([]);
  });

  it('takes no one for a world that a candidate style is tagged with', () => {
    // "minecraft" is Cupa's game, and the tag of "MC Version 1": no character for a Minecraft castle.
    expect(picks('a castle in minecraft')).not.toContain(CUPA.id);
    expect(picks('cupa in a forest')).toContain(CUPA.id);
  });
});

describe('a plain-word name beside its series written elsewhere in the prompt', () => {
  it('takes Lux for "lux" when the prompt names League of Legends, as her card tags it', () => {
    expect(picks('lux, league of legends, 1girl, smile')).toContain(LUX.id);
    expect(picks('lux from league of legends')).toContain(LUX.id);
  });

  it('takes no one for the plain word alone', () => {
    expect(picks('a bright room, 500 lux, soft light')).not.toContain(LUX.id);
  });
});

describe('a name her several cards share is hers, no franchise', () => {
  const megumin = [
    character('civitai:8941', 'Megumin - Konosuba', ['megumin'], ['anime', 'character', 'konosuba', '2d']),
    character(
      'civitai:47911',
      'Konosuba-Megumin|素晴-惠惠',
      ["Megumin,megumin's style", 'cape,hat'],
      ['anime', 'character', 'female', 'konosuba', 'megumin', 'anime girl'],
    ),
    character(
      'civitai:27720',
      'Megumin Bakuen edition',
      ['megumin'],
      ['character', 'konosuba', 'anime character', 'megumin', 'bakuen'],
    ),
    character(
      'civitai:9502',
      'Megumin (KonoSuba)',
      ['megumin', 'kono subarashii sekai ni shukufuku wo!'],
      ['anime', 'character', 'girl', 'female', 'konosuba', 'megumin', 'fantasy', 'girls'],
    ),
  ];
  const annaYamada = [
    character(
      'civitai:57130',
      'Anna Yamada (Boku no Kokoro no Yabai Yatsu)',
      ['Yamada Anna'],
      ['anime', 'character', 'female', 'brown eyes', '1girl', 'yamada anna'],
    ),
    character(
      'civitai:84492',
      '山田杏奈/Anna yamada/僕の心のヤバイやつ/The Dangers in My Heart/我心中的危险的东西',
      ['Anna yamada', 'black hair', 'brown'],
      ['anime', 'character', 'girl', 'anna yamada', 'the dangers in my heart', '山田杏奈', '僕の心のヤバイやつ'],
    ),
  ];
  // A franchise's LoRA (its mechs) and one of its pilots: "eva" is the franchise, no one's name.
  const evangelion = [
    character(
      'civitai:51484',
      'EVA『新世紀エヴァンゲリオン』新世纪福音战士 Neon Genesis EVANGELION LoRA',
      ['evangelion mecha', 'EVAGOD', 'EVA00', 'EVA01', 'EVA02', 'EVA08'],
      ['character', 'evangelion', 'eva', 'evagod', 'eva 08', 'eva 02', 'eva 01', 'eva 00'],
    ),
    character(
      'civitai:18478',
      'Asuka Langley Soryu(EVA)',
      ['asuka', 'white_bodysuit', 'red_bodysuit', 'mecha'],
      ['character', 'girl', 'bodysuit', 'asuka'],
    ),
  ];
  const picksOf = picksFrom([...megumin, ...annaYamada, ...evangelion]);
  const ids = (list: readonly { id: string }[]) => list.map((adapter) => adapter.id);

  it('takes one Megumin for "megumin", the name all her cards are triggered by', () => {
    const picked = picksOf('megumin at the beach');
    expect(picked).toHaveLength(1);
    expect(ids(megumin)).toContain(picked[0]);
  });

  it('takes Anna Yamada for her name, whatever her cards write beside it', () => {
    const picked = picksOf('anna yamada reading in a library');
    expect(picked).toHaveLength(1);
    expect(ids(annaYamada)).toContain(picked[0]);
  });

  it("takes no pilot for her franchise's mech", () => {
    expect(picksOf('eva 02, science fiction, official art')).not.toContain('civitai:18478');
  });
});

describe('a word and a colour after it are a name, as English writes none of a thing', () => {
  const LILY_WHITE = character(
    'civitai:86188',
    'lily white (touhou)  白莉莉 东方project',
    ['1girl,hat,blonde hair,long hair,blue eyes,bow,wide sleeves,white dress,wings,'],
    ['character', 'female', 'touhou'],
  );
  const picksOf = picksFrom([LILY_WHITE]);

  it('takes Lily White where the prompt names her beside someone or her series', () => {
    expect(picksOf('masterpiece, lily white, 1girl, hat, blonde hair, white dress, wings')).toEqual(['civitai:86188']);
    expect(picksOf('lily white, touhou, spring, flowers')).toEqual(['civitai:86188']);
  });

  it('takes her for no lily white dress nor a white lily', () => {
    expect(picksOf('a lily white dress on a hanger')).toEqual([]);
    expect(picksOf('a white lily in a vase')).toEqual([]);
  });
});

describe("a studio in a character's name is her series", () => {
  const ALICE = character(
    'civitai:80264',
    'Alice Liddell (Disney)',
    ['alice liddell'],
    ['character', 'disney', 'woman', 'cartoon', 'alice in wonderland'],
  );
  const picksOf = picksFrom([ALICE]);

  it('takes Disney\'s Alice for "alice liddell", in a prompt that asks for no Disney look', () => {
    expect(picksOf('masterpiece, alice liddell, blue dress, white apron, smile')).toEqual([ALICE.id]);
  });

  it("still takes her for no one named alice of the prompt's own", () => {
    expect(picksOf('a girl named alice in a garden')).toEqual([]);
  });
});

describe('a name two cards share, one of them naming her series beside it', () => {
  const rory = [
    character(
      'civitai:6500',
      'Rory Mercury | 2 Outfits | Character Lora 368',
      ['rory mercury'],
      ['anime', 'character', 'lora'],
    ),
    character(
      'civitai:59701',
      'Rory Mercury | Gate: Jieitai Kanochi nite, Kaku Tatakaeri',
      ['<lora:rory2-000009:1>'],
      ['anime', 'character', 'female', 'woman', 'gate: jieitai kanochi nite, kaku tatakaeri'],
    ),
  ];
  const picksOf = picksFrom(rory);

  it("takes one Rory Mercury for her name: the words of one card's series are no cast of a franchise", () => {
    const picked = picksOf('mountain, night, moon, 1girl, solo, rory mercury, looking at viewer');
    expect(picked).toHaveLength(1);
    expect(rory.map((adapter) => adapter.id)).toContain(picked[0]);
  });
});

describe('a card named "X from Y" names X, of the series Y', () => {
  const GWEN = character(
    'civitai:5025',
    'Gwen from League of Legends',
    ['gwen \\(league of legends\\)'],
    ['anime', 'league of legends', 'character', 'girl', 'gwen'],
  );
  const GWEN_TENNYSON = character(
    'civitai:54918',
    'Gwen Tennyson  Ben 10 Alien Force',
    ['gwentennyson'],
    ['character', 'cartoon', 'ben 10', 'gwen tennyson'],
  );
  const picksOf = picksFrom([GWEN, GWEN_TENNYSON]);

  it('takes Gwen for "Gwen from League of Legends", the series its own task', () => {
    expect(picksOf('Gwen from League of Legends at the beach')).toEqual([GWEN.id]);
    expect(picksOf('gwen tennyson at the beach')).toEqual([GWEN_TENNYSON.id]);
  });
});

describe("a look word in a character's series is the title's", () => {
  const REBECCA = character(
    'civitai:37539',
    'Rebecca / Cyberpunk Edgerunners',
    ['1girl, rebecca \\(cyberpunk\\)'],
    ['anime', 'character', 'cyberpunk', 'rebecca', 'cyberpunk edgerunners'],
  );
  const PIXEL_MIKU = character('civitai:pixel-miku', 'Hatsune Miku (Pixel art)', ['hatsune miku'], ['character']);

  it('takes Rebecca of Cyberpunk Edgerunners for a beach nobody asked to be cyberpunk', () => {
    expect(picksFrom([REBECCA])('Rebecca at the beach')).toEqual([REBECCA.id]);
  });

  it('still reads a part of look words only as the look she is drawn in', () => {
    expect(picksFrom([PIXEL_MIKU])('hatsune miku at the beach')).toEqual([]);
    expect(picksFrom([PIXEL_MIKU])('hatsune miku at the beach, pixel art')).toEqual([PIXEL_MIKU.id]);
  });
});

describe('a trigger her card also tags as her series makes no part of the name hers', () => {
  const MIRKO = character(
    'civitai:33149',
    'Mirko [My Hero Academia] Character LoRA',
    ['mirkomha', 'boku no hero academia'],
    ['anime', 'character', 'my hero academia', 'mirko', 'boku no hero academia'],
  );

  it('takes Mirko for "mirko", though "boku no hero academia" is among her triggers', () => {
    expect(picksFrom([MIRKO])('Mirko at the beach')).toEqual([MIRKO.id]);
  });
});

describe('a word for a person is no name beside a series', () => {
  const RENT_A_GIRLFRIEND = character(
    'civitai:56441',
    'Rent a Girlfriend: Kanojo, Okarishimasu | 4 girl pack: Chizuru, Mami, Ruka, Sumi',
    ['chizuru', 'mami', 'ruka, blue hairband', 'sumi, single braid'],
    ['anime', 'character', 'kanojo okarishimasu', 'rent-a-girlfriend', 'mami nanami', 'anime girl'],
  );

  it('takes no pack of girls for "girl pack", a kind of card, though the card calls itself "Girlpack"', () => {
    const SLIMES_GIRLPACK = character(
      'civitai:28975',
      'I’ve Been Killing Slimes for 300 Years and Maxed Out My Level - Girlpack LoRA',
      ['See "Girl List"'],
      ['anime', 'character'],
    );
    expect(picksFrom([SLIMES_GIRLPACK])('Akame ga Kill! Ultimate Girl Pack at the beach')).toEqual([]);
  });

  it('takes no pack of girls for "a girl" beside its series', () => {
    expect(picksFrom([RENT_A_GIRLFRIEND])('a girl from rent a girlfriend')).toEqual([]);
    expect(picksFrom([RENT_A_GIRLFRIEND])('girl okarishimasu')).toEqual([]);
  });
});

describe('a romanised name written apart is the name run together', () => {
  const HU_TAO = character(
    'civitai:9688',
    'hu tao (genshin impact) 胡桃 hutao 原神',
    ['hu tao \\(genshin impact\\)'],
    ['anime', 'character', 'hutao'],
  );
  const picksOf = picksFrom([HU_TAO]);

  it('takes Hu Tao for "hu tao", whose card writes "hutao"', () => {
    expect(picksOf('hu tao at the beach')).toEqual([HU_TAO.id]);
  });

  it('takes Hu Tao for "hutao" written as her card writes it, whose trigger writes "hu tao"', () => {
    expect(picksOf('hutao in a garden')).toEqual([HU_TAO.id]);
  });

  it('joins no two words that are not a short syllable and its neighbour', () => {
    expect(picksOf('a tao symbol carved in wood')).toEqual([]);
  });
});

describe('a full name her trigger writes as one word', () => {
  const PENI_PARKER = character(
    'civitai:88316',
    'Peni Parker (Into The Spider-Verse)',
    ['peniparker'],
    ['character', 'girls', 'spider-man'],
  );
  const picksOf = picksFrom([PENI_PARKER]);

  it('takes Peni Parker for "peniparker", written as her trigger writes it', () => {
    expect(picksOf('peniparker, :d, looking at viewer, backpack, walking, bedroom')).toEqual([PENI_PARKER.id]);
  });

  it('takes her for no run-together word her card never writes', () => {
    expect(picksOf('parkerpeni, walking, bedroom')).toEqual([]);
  });
});

describe('plain words with a family name are a name', () => {
  const PENI_PARKER = character(
    'civitai:48943',
    'Spider-Man - Peni Parker',
    ['peni parker'],
    ['character', 'female', 'spiderman'],
  );
  // Plain words that say what they say: "Rice Shower" (Uma Musume) at a wedding is a shower of rice.
  const RICE_SHOWER = character(
    'civitai:15221',
    'Rice Shower',
    ['rice shower'],
    ['anime', 'character', 'girl', 'umamusume'],
  );
  const picksOf = picksFrom([PENI_PARKER, RICE_SHOWER]);

  it('takes Peni Parker for "peni parker", lower-case, in a prompt that says more', () => {
    expect(picksOf('peni parker at the beach')).toEqual([PENI_PARKER.id]);
  });

  it('still takes no one for plain words in a prompt that names nobody', () => {
    expect(picksOf('a rice shower at a wedding')).toEqual([]);
  });
});

describe('plain words a tag list writes as a tag of their own, beside tags that describe someone', () => {
  const SOLID_SNAKE = character(
    'civitai:58205',
    'Solid Snake (Metal Gear Solid) LoRA',
    ['solid snake', 'facial hair, blue bodysuit, gloves, headband'],
    ['anime', 'character', 'metal gear solid', 'game character', 'male', 'man', 'video game'],
  );
  const CLOUD_STRIFE = character(
    'civitai:62344',
    'Cloud Strife (Final Fantasy VII) LoRA',
    ['cloud strife', 'shoulder armor, sleeveless turtleneck, suspenders, belt, baggy pants, gloves, bracer, boots'],
    ['anime', 'character', 'final fantasy', 'final fantasy vii', 'game character', 'male', 'man', 'video game'],
  );
  const picksOf = picksFrom([SOLID_SNAKE, CLOUD_STRIFE]);

  it('takes Solid Snake and Cloud Strife for their names as tags of a tag list that describes someone', () => {
    expect(picksOf('masterpiece, solid snake, facial hair, blue bodysuit, gloves, headband')).toEqual([SOLID_SNAKE.id]);
    expect(picksOf('masterpiece, cloud strife, shoulder armor, sleeveless turtleneck, gloves')).toEqual([
      CLOUD_STRIFE.id,
    ]);
  });

  it('takes no one for the words inside a longer tag, nor in a tag list of no one', () => {
    expect(picksOf('a solid snake sculpture, long hair')).toEqual([]);
    expect(picksOf('storm cloud, strife, war, long hair')).toEqual([]);
    expect(picksOf('masterpiece, solid snake, marble, museum')).toEqual([]);
  });
});

describe('a name with a word for a person, as her trigger says it whole', () => {
  const WONDER_WOMAN = character(
    'civitai:61435',
    'Wonder Woman - Character LORA',
    ['wonder woman'],
    ['character', 'superhero', 'dc', 'dc comics', 'wonder woman'],
  );
  const CUTE_GIRL = character('civitai:54361', 'cute girl', [], ['character', 'woman', 'girls']);
  const picksOf = picksFrom([WONDER_WOMAN, CUTE_GIRL]);

  it('takes Wonder Woman for "wonder woman", written lower-case too', () => {
    expect(picksOf('wonder woman at the beach')).toEqual([WONDER_WOMAN.id]);
    expect(picksOf('Wonder Woman flying over a city')).toEqual([WONDER_WOMAN.id]);
  });

  it('takes no one for the words apart, nor for a kind of girl no trigger calls a name', () => {
    expect(picksOf('a woman who is a wonder at cooking')).toEqual([]);
    expect(picksOf('a cute girl at the beach')).toEqual([]);
  });
});

describe('a code name her card opens with and tags alone, beside her series', () => {
  const TWO_B = character(
    'civitai:50304',
    '2B / NieR:Automata',
    ['blindfold', 'grey eyes'],
    ['anime', 'character', 'nier automata', '2b'],
  );
  const THREE_D_GIRLS = character(
    'civitai:10751',
    '3d Girls (Lora) [2b d.va widowmaker ]',
    [],
    ['anime', 'character', 'girl', '3d', 'nier', 'overwatch'],
  );
  const picksOf = picksFrom([TWO_B, THREE_D_GIRLS]);

  it('takes 2B for "2b" beside "nier"', () => {
    expect(picksOf('2b from nier automata')).toEqual([TWO_B.id]);
    expect(picksOf('2b, nier automata, city ruins')).toEqual([TWO_B.id]);
    // As the game writes its name: "NieR" is nier, no "nie r".
    expect(picksOf('2B (NieR:Automata) sitting on a bench')).toEqual([TWO_B.id]);
  });

  it('takes no one for the code alone', () => {
    expect(picksOf('a 2b pencil drawing of a house')).toEqual([]);
    expect(picksOf('2b, 1girl, city ruins')).toEqual([]);
  });
});

describe("a character pick's reason shows the name as the member wrote it", () => {
  const reasonsFor = (prompt: string, adapter: Adapter) =>
    composeOffline(prompt, asCandidates([adapter])).flatMap((task) => task.adapters.map((pick) => pick.reason));

  it('quotes the words of the prompt, not their lemmas', () => {
    expect(reasonsFor('lux, league of legends, 1girl, smile', LUX)).toEqual([
      'the prompt names "lux, league of legends"',
    ]);
    expect(reasonsFor('Goku eating ramen', GOKU)).toEqual(['the prompt names "Goku"']);
  });

  it('quotes only the words of a name written far apart', () => {
    const twoB = character(
      'civitai:50304',
      '2B / NieR:Automata',
      ['blindfold', 'grey eyes'],
      ['anime', 'character', 'nier automata', '2b'],
    );
    expect(reasonsFor('2b and 9s in a ruined city, nier automata', twoB)).toEqual(['the prompt names "2b … nier"']);
  });

  it('quotes a name written apart as written', () => {
    const huTao = character(
      'civitai:9688',
      'hu tao (genshin impact) 胡桃 hutao 原神',
      [],
      ['anime', 'character', 'hutao'],
    );
    expect(reasonsFor('hu tao at the beach', huTao)).toEqual(['the prompt names "hu tao"']);
  });
});

describe('a name found only as a plural the card never writes', () => {
  const CANDICE = character(
    'civitai:53953',
    'Candice (Pokemon) LoRA',
    ['candice, twintails', 'bowtie, white shirt, clothes around waist, orange miniskirt, striped socks, loafers'],
    ['anime', 'character', 'woman', 'game character', 'pokemon', 'video game'],
  );

  it('takes no Candice for "candices" in a photo prompt', () => {
    const prompt = 'model girl kneeling in a river, award winning photo of candices, extremely detailed';
    expect(picksFrom([CANDICE])(prompt)).toEqual([]);
  });

  it('still takes her for her name as her card writes it', () => {
    expect(picksFrom([CANDICE])('candice at the gym, pokemon')).toEqual(['civitai:53953']);
  });
});

describe("a dictionary word her card opens with, written as someone's", () => {
  const REM = character(
    'civitai:42774',
    'Rem | Re:Zero',
    ['rem', 'rem (re:zero)'],
    ['anime', 'character', 'waifu', 're:zero', 'anime character', 'maid', 'anime girl', 'rem'],
  );
  const picks = picksFrom([REM]);

  it('takes Rem for "rem\'s maid uniform" in a prompt that draws someone', () => {
    expect(picks("R_E_M, rem's maid uniform, blue hair, smile")).toEqual(['civitai:42774']);
  });

  it("still takes no one for rem sleep, nor for a band's album", () => {
    expect(picks('a diagram of rem sleep')).toEqual([]);
    expect(picks("the band rem's first album cover")).toEqual([]);
  });
});

describe('a name the prompt gives to someone of its own', () => {
  const HONOKA = makeAdapter({
    id: 'civitai:48386',
    name: 'DOA - Honoka',
    category: 'character',
    tags: ['character'],
    triggerWords: ['honoka'],
  });
  const picks = picksFrom([HONOKA]);

  it('names no character of that name', () => {
    expect(picks('a girl named honoka')).toEqual([]);
    expect(picks('a fox called honoka in a forest')).toEqual([]);
  });

  it('still names her where the prompt calls her so', () => {
    expect(picks('honoka at the beach')).toEqual(['civitai:48386']);
  });
});
