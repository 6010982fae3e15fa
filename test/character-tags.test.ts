import { describe, expect, it } from 'vitest';
import { profileOf } from '../src/stylus/adapter-profile.js';
import { enforceCaps } from '../src/stylus/caps.js';
import { characterNamedIn } from '../src/stylus/character-names.js';
import { foreignNameIn } from '../src/stylus/evidence-names.js';
import { composeOffline } from '../src/stylus/offline-composer.js';
import { asCandidates, characterCard, makeAdapter, picksFrom } from './support/adapters.js';
import { REFERENCE_POSE } from './support/dump-items.js';

/**
 * Characters nobody named, seen when composing Civitai's own image prompts (the queries of retrieval-dev, without
 * their trigger words) on the 2023-07 dump. Fixtures are the facts (id, name, tags, trigger words) of its items.
 */
const NOEL = characterCard(
  'civitai:noel',
  'Noel Vermillion (BlazBlue) LoRA',
  [
    'noelms',
    'thighhighs, hat, boots, beret, necktie, detached sleeves, short hair, black thighhighs, ribbon, gloves,  dress, zettai ryouiki, bare shoulders, short dress',
  ],
  ['anime', 'character', 'blazblue'],
);
const RAPUNZEL = characterCard(
  'civitai:rapunzel',
  'Rapunzel disney',
  ['rapunzel'],
  ['anime', 'character', 'disney', 'female', 'woman', 'disney princess', 'rapunzel'],
);
const RAPUNZEL_TANGLED = characterCard(
  'civitai:rapunzel-tangled',
  'Rapunzel (Tangled series)',
  ['rapunzel', 'long braid', 'purple princess dress'],
  ['character', 'disney', 'woman', 'cartoon', 'disney princess', 'tangled'],
);
const USHIO = characterCard(
  'civitai:ushio',
  'Ushio | Kantai Collection',
  ['ushio', 'ahoge', 'school uniform, serafuku, short sleeves, pleated skirt'],
  ['character', 'kantai collection', 'game character', 'ushio'],
);
const LARA = makeAdapter({
  id: 'civitai:lara',
  name: 'Lara Croft (Tomb Raider), by YeiyeiArt',
  category: 'character',
  triggerWords: ['LaraWaifu', 'tank top, boots, shorts, belt', 'single braid'],
});
/** A family of three, no one person: ingest files it under no category (see category.ts). */
const FAMILY = makeAdapter({
  id: 'civitai:23202',
  name: 'Multi-LORA 多人LORA 家庭',
  category: 'other',
  triggerWords: ['1girl,2boys,parents and son|1boy,2girls,parents and daughter'],
});

/** More of Disney's cast, so that "disney" reads as the franchise of their names. */
const DISNEY_CAST = [
  makeAdapter({
    id: 'civitai:39104',
    name: 'Rapunzel Disney Princess, Tangled by YeiyeiArt',
    category: 'character',
    triggerWords: ['RapunzelWaifu', 'Purple dress', 'short hair, brown hair, green eyes'],
  }),
  makeAdapter({
    id: 'civitai:42668',
    name: 'Elsa (Frozen) Disney Princess, by YeiyeiArt',
    category: 'character',
    triggerWords: ['ElsaWaifu', 'blue dress', 'single braid'],
  }),
  makeAdapter({
    id: 'civitai:80264',
    name: 'Alice Liddell (Disney)',
    category: 'character',
    triggerWords: ['alice liddell'],
  }),
  makeAdapter({
    id: 'civitai:39097',
    name: 'Merida (Brave) Disney Princess, by YeiyeiArt',
    category: 'character',
    triggerWords: ['MeridaWaifu', 'dress'],
  }),
  makeAdapter({
    id: 'civitai:42599',
    name: 'SXZ Helga Sinclair [ Disney ]',
    category: 'character',
    triggerWords: ['sinclair'],
  }),
];

describe('who a prompt does not name', () => {
  const picks = picksFrom([NOEL, RAPUNZEL, RAPUNZEL_TANGLED, USHIO, LARA, FAMILY, REFERENCE_POSE, ...DISNEY_CAST]);

  it('takes no character for a Danbooru term its trigger lists ("zettai ryouiki"), still for its name', () => {
    expect(picks('1girl, solo, blue thighhighs, dress, zettai ryouiki')).toEqual([]);
    expect(picks('noel vermillion, zettai ryouiki')).toEqual(['civitai:noel']);
  });

  it("takes no Disney princess for Disney's look, still for her name", () => {
    expect(picks('1girl, solo, blonde hair, cinematic light, disney')).toEqual([]);
    expect(picks('rapunzel in a tower')).toContain('civitai:rapunzel-tangled');
  });

  it('takes no character for the game its name gives after hers, still for her name or one her trigger shares', () => {
    expect(picks('girl, oni, police station background, kantai collection, loafers')).toEqual([]);
    expect(picks('ushio from kantai collection')).toEqual(['civitai:ushio']);
    expect(picks('lara croft exploring a tomb')).toEqual(['civitai:lara']);
  });

  it('reads no name in a word a name begins with ("multi") or in a framing tag ("fullbody")', () => {
    expect(picks('a woman in a multi story car park')).toEqual([]);
    expect(picks('thick outline 1girl pixel art fullbody dynamic pose')).toEqual([]);
  });

  it('holds the LLM composer to the framing tag', () => {
    const task = 'thick outline 1girl pixel art fullbody dynamic pose';
    const { tasks } = enforceCaps(
      task,
      [{ task, adapters: [{ adapterId: 'civitai:55504', reason: 'fullbody' }] }],
      asCandidates([REFERENCE_POSE]),
    );
    expect(tasks[0]?.adapters).toEqual([]);
  });
});

describe('a label that files a name is no part of what it draws', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:smug',
      name: '【Expression】╯∇╰  Smug 雌小鬼の笑',
      category: 'concept',
      tags: ['expression'],
    }),
    makeAdapter({
      id: 'civitai:pushups',
      name: '【Concept】【Pov】Push-ups 俯卧撑',
      category: 'concept',
      tags: ['pov'],
    }),
  ]);

  it('takes no smug face for a serious expression, no push-ups for a point of view', () => {
    expect(picks('1girl, upper body, serious expression')).toEqual([]);
    expect(picks('a girl, pov, smile')).toEqual([]);
    expect(picks('1girl, smug expression')).toEqual(['civitai:smug']);
  });
});

const ONE_PIECE_ARTIST = makeAdapter({
  id: 'civitai:5066',
  name: 'Eiichirou Oda (One Piece) Style LoRA',
  category: 'style',
  tags: ['anime', 'one piece', 'watercolor', 'manga', 'oda eiichirou', 'style'],
  triggerWords: ['oda eiichirou'],
});

describe('a name that says a word twice, a series after a name, where a thing comes from', () => {
  const picks = picksFrom([
    characterCard(
      'civitai:6859',
      'Hunter X Hunter LORA (Style + Characters)',
      ['hxh2011'],
      ['anime', 'hunter x hunter', 'hxh', 'gon', 'killua'],
    ),
    ONE_PIECE_ARTIST,
    makeAdapter({
      id: 'civitai:83476',
      name: 'Samurai Armor (Japan) - Traditional Dress Series',
      category: 'clothing',
      tags: ['clothing'],
      triggerWords: ['samurai', 'armor'],
    }),
  ]);

  it('names no Hunter x Hunter for one hunter, still for the series written whole', () => {
    expect(picks('an armed female hunter warrior in the wild west')).toEqual([]);
    expect(picks('gon from hunter x hunter')).toEqual(['civitai:6859']);
  });

  it("gives no mangaka's style to a one-piece swimsuit, still when his series' look is asked for", () => {
    expect(picks('1girl, blue one-piece swimsuit, beach')).toEqual([]);
    const oda = ONE_PIECE_ARTIST;
    expect(foreignNameIn('blue one-piece swimsuit', oda)).toBe('eiichirou');
    expect(foreignNameIn('one piece style', oda)).toBeUndefined();
  });

  it('dresses no street in Japan in samurai armor, still a samurai', () => {
    expect(picks('a street in Shibuya, Japan, at night')).toEqual([]);
    expect(picks('a japanese samurai armor')).toEqual(['civitai:83476']);
  });
});

describe('a given name beside a name its card never says is someone else', () => {
  const picks = picksFrom([
    characterCard(
      'civitai:15821',
      'Yukari (Persona 3)',
      ['takeba_yukari'],
      ['anime', 'character', 'shin megami tensei', 'persona 3', 'yukari', 'yukari takeba', 'takeba yukari'],
    ),
    characterCard('civitai:49780', 'DOAXVV - Misaki', ['misaki'], ['character']),
  ]);

  it("takes no Persona 3 Yukari for Touhou's yakumo yukari, no DOAXVV Misaki for Misaki Okusawa", () => {
    expect(picks('masterpiece, 1girl, solo, yakumo yukari, shrine, night')).toEqual([]);
    expect(picks('Misaki Okusawa, 1girl, festival')).toEqual([]);
  });

  it('still takes her for her name alone, or beside a name her card says', () => {
    expect(picks('masterpiece, 1girl, yukari takeba, bow and arrow')).toEqual(['civitai:15821']);
    expect(picks('1girl, misaki, beach')).toEqual(['civitai:49780']);
  });

  it('takes no Claire for "ligne claire", the name of a look a candidate style says', () => {
    const claire = characterCard(
      'civitai:47376',
      'Claire (the summoning)',
      ['claire', 'blue hair', 'furry', 'collared dress'],
      ['character', 'cartoon'],
    );
    const ligneClaire = makeAdapter({
      id: 'civitai:6785',
      name: 'Ligne Claire Anime Style LoRA',
      category: 'style',
      tags: ['anime', 'ligne claire', 'art style'],
      triggerWords: ['ligne claire', 'flat color'],
    });
    const pick = picksFrom([ligneClaire, claire]);
    expect(pick('1girl, ligne claire, flat color, city street')).not.toContain('civitai:47376');
    expect(pick('ligne claire')).not.toContain('civitai:47376');
    expect(pick('claire, blue hair, in a garden')).toEqual(['civitai:47376']);
  });
});

describe('a trigger longer than a name is a title', () => {
  const picks = picksFrom([
    characterCard(
      'civitai:9502',
      'Megumin (KonoSuba)',
      ['megumin', 'kono subarashii sekai ni shukufuku wo!'],
      ['anime', 'character', 'girl', 'female', 'konosuba', 'megumin', 'fantasy', 'girls'],
    ),
    characterCard(
      'civitai:84615',
      'Kono Subarashii Sekai ni Bakuen wo! (この素晴らしい世界に爆焔を！)',
      ['cecily'],
      ['character', 'konosuba', 'megumin', 'luna', 'bakuen', 'komekko', 'sakiberry', 'arue', 'wolbach'],
    ),
  ]);

  it("takes no Megumin, nor a spin-off's cast, for a series' title, still for her name", () => {
    expect(picks('aqua konosuba, kono subarashii sekai ni shukufuku wo!, 1girl, blue hair')).toEqual([]);
    expect(picks('megumin, 1girl, witch hat')).toEqual(['civitai:9502']);
  });
});

describe('an uncategorised adapter tagged as someone is who its name begins with', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:25868',
      name: 'Chi-Chi - Dragon Ball',
      category: 'other',
      tags: ['dragon ball', 'anime girl', 'young adult chichi', 'chichi'],
      triggerWords: ['chichi', 'dragon ball'],
    }),
  ]);

  it('takes no Chi-Chi for a prompt that names only Dragon Ball, still for Chi-Chi', () => {
    expect(picks('goku fighting vegeta, dragon ball')).toEqual([]);
    expect(picks('chichi cooking dinner, dragon ball')).toContain('civitai:25868');
  });
});

describe('an uncategorised adapter is who or what its name begins with, tagged as someone or not', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:28559',
      name: 'Nurse Joy - Pokemon',
      category: 'other',
      tags: ['pokemon', 'nurse joy'],
      triggerWords: ['nurse joy', 'pokemon'],
    }),
  ]);

  it('takes no Nurse Joy for a dog in the Pokemon style, still for Nurse Joy', () => {
    expect(picks('a dog, pokemon style')).toEqual([]);
    expect(picks('nurse joy, pokemon, 1girl')).toEqual(['civitai:28559']);
  });
});

describe("a Latin name beside its Han or kana spelling, and a game's cast", () => {
  const VIOLET = characterCard(
    'civitai:10942',
    'Violet Evergarden 薇尔莉特·伊芙加登 ヴァイオレット・エヴァーガーデン',
    ['violet_evergarden', ' blue_eyes'],
    ['anime', 'girl'],
  );
  const INDOMITABLE_MAID = makeAdapter({
    id: 'civitai:7425',
    name: 'Indomitable (Azur Lane) Maid Costume 不挠 女仆皮肤 ',
    category: 'character',
    tags: ['anime', 'character', 'girl', 'azur lane', 'azur_lane', 'game character'],
  });
  const hsr = (id: number, name: string, triggerWords: string[], tags: string[] = ['anime', 'character', 'girl']) =>
    makeAdapter({ id: `civitai:${id}`, name, category: 'character', tags, triggerWords });
  const STAR_RAIL = [
    hsr(
      64414,
      'Qingque_青雀_Honkai: Star Rail_星穹铁道',
      ['1girl,qingque,baldric,green eyes,off shoulder,'],
      ['anime', 'character', 'girls', 'game', 'star rail', 'qingque'],
    ),
    hsr(10240, 'Qingque | Honkai Star Rail', ['qingque hsr ', 'two tails hair', 'dress', 'green_eyes']),
    hsr(11357, 'Kafka | Honkai Star Rail', ['kafka hsr']),
    hsr(10234, 'Tingyun | Honkai Star Rail', ['tingyun hsr ', 'ponytail ', 'fox_ears', 'green eyes']),
    hsr(10978, 'Seele | Honkai Star Rail', ['seele hsr', 'purple_hair, long_hair, purple_eyes']),
    // Two characters, uncategorised on Civitai: ingest files it as a character (see trusted-picks.test.ts).
    hsr(
      13911,
      'Honkai Star Rail Bronya Silver Wolf/星穹鐵道 布洛妮婭 銀狼',
      ['silver wolf'],
      ['anime', 'girl', 'silver wolf', 'bronya', 'honkai star rail', 'honkai'],
    ),
  ];
  const picks = picksFrom([VIOLET, INDOMITABLE_MAID, ...STAR_RAIL]);

  it('names Violet Evergarden by her Latin name, and Indomitable by no maid costume', () => {
    expect(picks('violet evergarden writing a letter')).toEqual(['civitai:10942']);
    expect(picks('a girl in a maid costume')).toEqual([]);
  });

  it("reads no character the game is named after in her game's initials: none for the game alone", () => {
    expect(picks('a train station in honkai star rail')).toEqual([]);
    expect(picks('7th march honkai star rail, 1girl, pink hair, holding camera')).toEqual([]);
    expect(picks('qingque playing mahjong')).toContain('civitai:10240');
  });

  it('takes no one whose name the prompt writes as a manner: "kafka style" asks for a look, no Kafka', () => {
    expect(picks('kafka style surreal office')).toEqual([]);
    expect(picks('a kafka-inspired corridor')).toEqual([]);
    expect(picks('kafka smoking in a dark alley')).toEqual(['civitai:11357']);
    // A card Civitai files as a character (tagged "game character") whose own name says "Style" is named by it.
    const remakeStyle = makeAdapter({
      id: 'civitai:7228',
      name: 'Final Fantasy VII Remake Style (Unreal Engine 4) LoRA',
      category: 'character',
      tags: ['3d', 'ff7', 'unreal engine', 'final fantasy vii remake', 'style', 'game character', 'video game'],
    });
    const finalFantasy = [
      'Tifa Lockhart (Final Fantasy VII)',
      'Aerith Gainsborough | Final Fantasy VII',
      'Yuna (Final Fantasy X)',
    ].map((name, index) => makeAdapter({ id: `ff:${index}`, name, category: 'character' }));
    expect(picksFrom([remakeStyle, ...finalFantasy])('Final Fantasy VII Remake Style at the beach')).toEqual([
      'civitai:7228',
    ]);
  });
});

describe('whose a cast is, and who is named by her series', () => {
  it('takes no heroines "of Makoto Shinkai" for a prompt by the artist', () => {
    const picks = picksFrom([
      characterCard(
        'civitai:72096',
        'Three heroines of Makoto Shinkai disaster movie series  新海诚灾难电影系列女主合集',
        ['miyamizu_mitsuha'],
        ['anime', 'character', 'anime girl', 'tenki no ko', 'suzume', 'amano hina', 'your name'],
      ),
    ]);
    expect(picks('a commander, by greg rutkowski wlop makoto shinkai studio ghibli')).toEqual([]);
    expect(picks('miyamizu mitsuha, 1girl')).toEqual(['civitai:72096']);
  });

  it('takes no Qingque for Honkai Star Rail: a name another card calls her by alone is no family name', () => {
    const qingque = characterCard(
      'civitai:64414',
      'Qingque_青雀_Honkai: Star Rail_星穹铁道',
      ['1girl,qingque,baldric,green eyes,off shoulder,'],
      ['anime', 'character', 'girls', 'game', 'star rail', 'qingque', '青雀', '星穹铁道'],
    );
    const cast = [
      makeAdapter({
        id: 'civitai:10240',
        name: 'Qingque | Honkai Star Rail',
        category: 'character',
        triggerWords: ['qingque', 'qingque_hsr'],
      }),
      makeAdapter({ id: 'hsr:bronya', name: 'Bronya Rand | Honkai Star Rail', category: 'character' }),
      makeAdapter({ id: 'hsr:kafka', name: 'Kafka | Honkai Star Rail', category: 'character' }),
      makeAdapter({ id: 'hsr:himeko', name: 'Himeko | Honkai Star Rail', category: 'character' }),
    ];
    const picks = picksFrom([qingque, ...cast]);
    expect(picks('1girl, honkai star rail, train')).toEqual([]);
    expect(picks('1girl, qingque, honkai star rail')).toContain('civitai:10240');
  });

  it('takes no uncategorised pair of a series for another of its cast', () => {
    const picks = picksFrom([
      makeAdapter({
        id: 'civitai:13911',
        name: 'Honkai Star Rail Bronya Silver Wolf/星穹鐵道 布洛妮婭 銀狼',
        category: 'other',
        tags: ['anime', 'girl', 'silver wolf', 'bronya', 'honkai star rail', 'honkai'],
        triggerWords: ['silver wolf'],
      }),
    ]);
    expect(picks('7th march honkai star rail, 1girl, pink hair, holding camera')).toEqual([]);
  });
});

describe("a costume is someone's outfit", () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:64334',
      name: 'Little Red Cap / Little Red Riding Hood',
      category: 'clothing',
      tags: ['cosplay', 'fashion', 'fairy tale', 'costume', 'woman', 'clothing'],
      triggerWords: ['RHG', 'wearing RHG'],
    }),
  ]);

  it("dresses no one in a sailor's red cap as Little Red Riding Hood, still one who asks for her", () => {
    expect(picks('a commander with a sailor red cap, brunette hair')).toEqual([]);
    expect(picks('a girl dressed as little red riding hood in the woods')).toEqual(['civitai:64334']);
  });

  it('reads a bracketed label of its name as its costume tag: Yor in a black dress wears no sweater dress of hers', () => {
    const sweaterDress = picksFrom([
      makeAdapter({
        id: 'civitai:99914',
        name: '【Costume】【Cosplay】Sweater Dress of Yor (Housewife ver.) 约儿太太的毛衣',
        category: 'clothing',
        tags: ['anime', 'female', 'spy x family', 'yor briar', 'yor forger', 'clothing', 'spy×family'],
        triggerWords: ['sweater dress'],
      }),
    ]);
    expect(sweaterDress('yor forger, black dress, rose')).toEqual([]);
    expect(sweaterDress('yor forger in a sweater dress')).toEqual(['civitai:99914']);
    // Labelled alone, of no one, it is a garment for any prompt that names it.
    const chinaDress = picksFrom([
      makeAdapter({
        id: 'civitai:56029',
        name: "【Costume】Oekakizuki's China Dress",
        category: 'clothing',
        tags: ['anime', 'clothing'],
        triggerWords: ['oekakizuki china dress'],
      }),
    ]);
    expect(chinaDress('1girl, solo, braid, china dress, high heels')).toEqual(['civitai:56029']);
  });
});

describe('a later part of plain words after her name, or a part her run-together trigger leaves, is her series', () => {
  const picks = picksFrom([
    characterCard(
      'civitai:58891',
      'Ahsoka Tano (Clone Wars) Star Wars',
      ['ahsokatano'],
      ['character', 'star wars', 'woman', 'cartoon', 'ahsoka tano', 'series character', 'clone wars'],
    ),
    characterCard(
      'civitai:39068',
      'Ahsoka Tano / Star Wars',
      ['1girl, blue eyes, orange skin, tentacle hair'],
      ['character', 'movie', 'star wars', 'female', 'ahsoka tano', 'lora'],
    ),
  ]);

  it('takes no Ahsoka Tano for a Star Wars spaceship, still for her name', () => {
    expect(picks('a star wars spaceship over a desert planet')).toEqual([]);
    expect(picks('ahsoka tano with two lightsabers')).toEqual(['civitai:58891']);
  });
});

describe('two words of a three-word name name her as members call her', () => {
  const asukas = [
    characterCard(
      'civitai:20058',
      'Asuka Langley Souryuu/Shikinami (Evangelion)',
      ['souryuu asuka langley'],
      ['anime', 'character', 'girl', 'evangelion'],
    ),
    characterCard(
      'civitai:13441',
      'Asuka Kazama (Tekken) LoRA',
      ['asukakazamams'],
      ['anime', 'character', 'woman', 'game character', 'video game'],
    ),
    characterCard(
      'civitai:66520',
      'Tenjouin Asuka / Yu-Gi-Oh! GX',
      ['tenjouin asuka'],
      ['anime', 'character', 'yu-gi-oh!', 'tenjouin asuka', "yu-gi-oh! 5d's", 'yu-gi-oh! gx'],
    ),
    characterCard(
      'civitai:84524',
      'Asuka Momoko (Ojamajo Doremi)',
      ['ojaskmmkmgc'],
      ['character', 'magical girl', 'girls'],
    ),
  ];
  const picks = picksFrom(asukas);

  it('takes Asuka Langley Souryuu for "asuka langley", no other Asuka, and none for "asuka" alone', () => {
    expect(picks('asuka langley in her plugsuit standing in front of an eva unit')).toEqual(['civitai:20058']);
    expect(picks('asuka kazama, fighting stance')).toEqual(['civitai:13441']);
    expect(picks('asuka, 1girl, red hair')).toEqual([]);
  });
});

describe('a name written inside a hyphenated word is part of that word', () => {
  const picks = picksFrom([
    characterCard(
      'civitai:56441',
      'Rent a Girlfriend: Kanojo, Okarishimasu | 4 girl pack: Chizuru, Mami, Ruka, Sumi',
      ['chizuru', 'mami', 'ruka, blue hairband', 'sumi, single braid'],
      ['anime', 'character', 'kanojo okarishimasu', 'rent-a-girlfriend', 'mami nanami', 'sumi sakurasawa'],
    ),
  ]);

  it('takes no Sumi for a sumi-e ink painting, still for sumi', () => {
    expect(picks('ink drawing of a samurai, sumi-e')).toEqual([]);
    expect(picks('sumi-e painting of a crane')).toEqual([]);
    expect(picks('sumi, single braid, 1girl')).toEqual(['civitai:56441']);
  });
});

describe('a name of two words written as one hyphenated word describes', () => {
  const picks = picksFrom([
    characterCard(
      'civitai:45401',
      'Snow White',
      ['snow white'],
      ['character', 'disney', 'woman', 'cartoon', 'disney princess'],
    ),
  ]);

  it('takes no Snow White for a snow-white beach, still for Snow White', () => {
    expect(picks('sunlight on the snow-white beach. The coral sea, red roses')).toEqual([]);
    expect(picks('Snow White in a forest')).toEqual(['civitai:45401']);
  });
});

describe('a name that opens with a word that describes, written before a noun, describes that noun', () => {
  const picks = picksFrom([
    characterCard(
      'civitai:15937',
      'Dark Sakura (Fate Stay Night)',
      ['dark sakura', 'striped dress, hair ribbon'],
      ['anime', 'character', 'female', 'fate', 'fate stay night'],
    ),
  ]);

  it('takes no Dark Sakura for dark sakura trees, still for her', () => {
    expect(picks('dark sakura trees at night')).toEqual([]);
    expect(picks('dark sakura, 1girl, striped dress')).toEqual(['civitai:15937']);
    expect(picks('dark sakura cosplay')).toEqual(['civitai:15937']);
  });
});

describe('a name of plain words names her only beside someone, alone or written as a name', () => {
  const picks = picksFrom([
    characterCard('civitai:15221', 'Rice Shower', ['rice shower'], ['anime', 'character', 'girl', 'umamusume']),
    makeAdapter({
      id: 'civitai:10746',
      name: 'Twin Turbo | Uma Musume',
      category: 'character',
      tags: ['anime', 'character', 'umamusume'],
    }),
    characterCard(
      'civitai:44427',
      '【Character】Aegir (Azur Lane) Spring Festival Outfit',
      ['spring-aegir', 'demon horns', 'white hair', 'china dress', 'red dress'],
      ['anime', 'character', 'game character'],
    ),
    makeAdapter({
      id: 'civitai:12543',
      name: 'Tatsumaki / Terrible Tornado (One Punch Man)',
      category: 'character',
      tags: ['anime', 'character', 'one punch man'],
    }),
  ]);

  it('takes no horse girl, no shipgirl and no esper for a wedding, an engine, a festival or a storm', () => {
    expect(picks('rice shower at a wedding')).toEqual([]);
    expect(picks('a sports car with a twin turbo engine')).toEqual([]);
    expect(picks('a spring festival in a chinese village')).toEqual([]);
    expect(picks('a terrible tornado destroying a town')).toEqual([]);
  });

  it('still takes them where the prompt names someone, or only them', () => {
    expect(picks('rice shower, 1girl, horse ears')).toEqual(['civitai:15221']);
    expect(picks('2girls, rice shower, twin turbo, racetrack')).toEqual(['civitai:15221', 'civitai:10746']);
    expect(picks('Rice Shower at a wedding')).toEqual(['civitai:15221']);
    expect(picks('rice shower')).toEqual(['civitai:15221']);
  });
});

describe('a trigger written run together is the name it joins', () => {
  const picks = picksFrom([
    characterCard(
      'civitai:19877',
      'Emma Verde (Lovelive! - Love Live! Nijigasaki High School Idol Club)',
      ['emmaverde'],
      ['anime', 'character', 'girl', 'female', 'girls'],
    ),
  ]);

  it('reads "Lovelive!" as her series: no Emma Verde for a love live concert, still for her', () => {
    expect(picks('love live concert')).toEqual([]);
    expect(picks('emma verde singing')).toEqual(['civitai:19877']);
  });
});

describe("a part of a name that the card's tags write longer is its series", () => {
  const picks = picksFrom([
    characterCard(
      'civitai:7596',
      'Miyamoto Musashi (Fate Grand/Order)',
      ['bare shoulders, magatama, long hair, japanese clothes, ponytail, hair ornament, detached sleeves'],
      ['anime', 'character', 'girl', 'female', 'fate', 'fate grand order', 'game character', 'girls'],
    ),
    characterCard(
      'civitai:27406',
      '2B (YoRHa No.2 Type B) / Nier: Automata',
      ['hm2b, black blindfold, covered eyes, mole under mouth, clothing cutout, long sleeves'],
      ['character', 'nier automata', 'android', '2b', 'game character', 'game', 'lora', 'yorha no.2 type b'],
    ),
    characterCard(
      'civitai:24566',
      '菅牧典(Kudamaki Tsukasa)/東方Project(Touhou Project)',
      ['Kudamaki Tsukasa', 'fox ears', ' fox tail', 'hair between eyes', 'white romper', 'green ribbon'],
      ['character', 'girl', 'touhou', 'game character', 'unconnected marketeers', 'touhou project', 'kudamaki tsukasa'],
    ),
  ]);

  it('takes no one of the cast for the series, still for her name', () => {
    expect(picks('fate grand order style servant')).toEqual([]);
    expect(picks('nier automata android')).toEqual([]);
    expect(picks('touhou project shrine')).toEqual([]);
    expect(picks('miyamoto musashi, fate grand order')).toEqual(['civitai:7596']);
    expect(picks('kudamaki tsukasa, touhou project')).toEqual(['civitai:24566']);
  });
});

describe('an uncategorised adapter that draws someone is who the first part of its name says', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:33352',
      name: 'Mobius_swimsuit_(honkai impact)',
      category: 'other',
      tags: ['anime', 'honkai impact 3rd', 'honkai', 'mobius', 'sw'],
      triggerWords: ['ph_mobius', 'bare shoulders', 'green hair'],
    }),
    makeAdapter({
      id: 'civitai:8869',
      name: 'Florence Nightingale (Fate) Lora',
      category: 'other',
      tags: ['anime', 'female', 'fate', 'fate grand order', 'video game'],
      triggerWords: ['florence nightingale \\(fate\\)'],
    }),
  ]);

  it('takes no one of a game for the game, still for her name', () => {
    expect(picks('honkai impact valkyrie')).toEqual([]);
    expect(picks('fate grand order style servant')).toEqual([]);
    expect(picks('florence nightingale, fate')).toEqual(['civitai:8869']);
    expect(picks('mobius swimsuit, honkai impact')).toEqual(['civitai:33352']);
  });
});

describe('a name three cards of one character share is hers, no franchise', () => {
  const nezuko = (id: number, name: string, triggerWords: string[]) =>
    makeAdapter({ id: `civitai:${id}`, name, category: 'character', tags: ['anime', 'character'], triggerWords });
  const cards = [
    nezuko(20346, 'Nezuko (Demon Slayer / Kimetsu No Yaiba) LoRA', ['kamado nezuko', 'bit gag', 'gagged']),
    nezuko(16794, 'Esthetic Nezuko Kamado', ['kamado nezuko', 'bamboo']),
    nezuko(36995, 'Nezuko | Demon Slayer', ['nezuko', 'kamado nezuko', '1girl', 'solo', 'long hair', 'pink kimono']),
  ];

  it('takes one of her cards for "nezuko"', () => {
    const picked = picksFrom(cards)('nezuko eating a rice ball');
    expect(picked).toHaveLength(1);
    expect(cards.map((card) => card.id)).toContain(picked[0]);
  });

  it('still reads a word three characters share as their franchise', () => {
    const genshin = [
      ['Keqing | Genshin Impact', 'keqing \\(genshin impact\\)'],
      ['Ganyu (Genshin Impact)', 'ganyu \\(genshin impact\\)'],
      ['Raiden Shogun | Genshin Impact', 'raiden shogun'],
      ['Lisa | Genshin Impact', 'lisa \\(genshin impact\\)'],
    ].map(([name = '', trigger = ''], index) =>
      makeAdapter({ id: `genshin:${index}`, name, category: 'character', triggerWords: [trigger] }),
    );
    expect(picksFrom(genshin)('a genshin impact landscape')).toEqual([]);
  });
});

describe('a trigger a card coins as one word, copied from its page, names her', () => {
  const picks = picksFrom([
    characterCard(
      'civitai:57022',
      'Sailor Pluto | Sailor Moon',
      ['SMPluto', 'long hair, single hair bun', 'sailor senshi uniform, knee boots, bow'],
      ['anime', 'character', 'female', 'sailor moon', 'woman', 'sailor pluto'],
    ),
    characterCard(
      'civitai:57077',
      'Ai Haibara/Shiho Miyano (Detective Conan)',
      ['haibara_ai'],
      ['anime', 'character', 'girls', 'detective conan'],
    ),
    characterCard(
      'civitai:56454',
      'Clara Honkai Star Rail Lora',
      ['clara', 'honkai_star_rail'],
      ['character', 'honkai star rail', 'clara'],
    ),
  ]);

  it('takes her card for its coined trigger', () => {
    expect(picks('masterpiece, best quality, 1girl, solo, SMPluto, long hair, knee boots')).toEqual(['civitai:57022']);
    expect(picks('1girl, haibara_ai, short hair, brown hair, smile')).toEqual(['civitai:57077']);
  });

  it('takes no one for a coined trigger that is the series a tag of the card says', () => {
    expect(picks('a train station, honkai_star_rail, night')).toEqual([]);
  });
});

describe('a studio and a rank name no princess of it', () => {
  // One artist's princesses, filed by Civitai as styles or as characters: each draws one princess.
  const princess = (id: number, name: string, category: 'style' | 'character', triggerWords: string[]) =>
    makeAdapter({
      id: `civitai:${id}`,
      name,
      category,
      tags:
        category === 'style' ? ['anime', 'disney', 'female', 'princess', 'style', 'woman'] : ['character', 'disney'],
      triggerWords,
    });
  const picks = picksFrom([
    princess(43727, 'Tiana (The Princess and the Frog) Disney Princess, by YeiyeiArt', 'style', ['TianaWaifu']),
    princess(40796, 'Cinderella Disney Princess, by YeiyeiArt', 'style', ['CinderellaWaifu', 'blue dress']),
    princess(39104, 'Rapunzel Disney Princess, Tangled by YeiyeiArt', 'character', ['RapunzelWaifu', 'Purple dress']),
  ]);

  it('takes no princess for "a disney princess" nobody names', () => {
    expect(picks('a disney princess in a forest')).toEqual([]);
  });

  it("holds an LLM's picks to it", () => {
    const tiana = princess(43727, 'Tiana (The Princess and the Frog) Disney Princess, by YeiyeiArt', 'style', [
      'TianaWaifu',
    ]);
    const { tasks, repairs } = enforceCaps(
      'a disney princess in a forest',
      [{ task: 'disney princess', adapters: [{ adapterId: tiana.id, reason: 'a disney princess' }] }],
      asCandidates([tiana]),
    );
    expect(tasks[0]?.adapters).toEqual([]);
    expect(repairs).toEqual([`${tiana.id} dropped from "disney princess": it draws someone the prompt does not name`]);
  });

  it('still takes an artist\'s style, tagged "woman", for one of the artist\'s names', () => {
    const josan = makeAdapter({
      id: 'civitai:86622',
      name: 'Josan Gonzalez aka Deathburger - LoRA Style',
      category: 'style',
      tags: ['anime', 'style', 'woman'],
      triggerWords: ['by josan gonzalez'],
    });
    expect(picksFrom([josan])('samurai woman, in rural japanese, by josan gonzalez')).toEqual(['civitai:86622']);
  });

  it('still takes a princess for her name', () => {
    expect(picks('rapunzel disney princess in a tower')).toEqual(['civitai:39104']);
    // A trigger of plain words names no one: "Purple dress" is a dress.
    expect(picks('a woman in a purple dress')).toEqual([]);
  });
});

describe('a series a card names in brackets, or a pack of its cast, names no one of it', () => {
  const picks = picksFrom([
    characterCard(
      'civitai:21339',
      'Kishirika Kishirisu (Mushoku Tensei) 无职转生 魔界大帝 奇西利卡',
      ['1girl'],
      ['anime', 'character'],
    ),
    characterCard(
      'civitai:30622',
      'Mushoku Tensei - Girlpack LoRA',
      ['zenith', 'elinalise', 'eris', 'migurdia', 'roxy', 'sylphiette', 'anime art style'],
      ['character', 'mushoku tensei', 'mushoku tensei: jobless reincarnation', 'girlpack', 'characterpack'],
    ),
    characterCard(
      'civitai:32995',
      'My Dress-Up Darling - Characters - Girlpack',
      ['kitagawa marin', 'kitasch', 'kuroe shizuku', 'inui sajuna', 'gojou wakana'],
      ['anime', 'character', 'my dress up darling', 'characters', 'girlpack', 'sono bisque doll wa koi o suru'],
    ),
  ]);

  it('takes no one for the series alone, where the catalog holds one card of it or a pack', () => {
    expect(picks('Mushoku Tensei at the beach')).toEqual([]);
    expect(picks('a my dress up darling poster')).toEqual([]);
  });

  it('still takes her by her name, and a pack by a name of its cast', () => {
    expect(picks('Kishirika Kishirisu at the beach')).toEqual(['civitai:21339']);
    // A trigger written whole names her, series and all.
    const priestess = picksFrom([
      characterCard(
        'civitai:10067',
        'Priestess (Goblin Slayer)',
        ['priestess \\(goblin slayer!\\)'],
        ['anime', 'character', 'girl', 'goblin slayer'],
      ),
    ]);
    expect(priestess('portrait, solo, priestess \\(goblin slayer!\\), 1girl, blonde hair')).toEqual(['civitai:10067']);
    expect(priestess('goblin slayer fan art, a cave')).toEqual([]);
    expect(picks('kitagawa marin at the beach')).toEqual(['civitai:32995']);
  });

  it('takes a pack for one of its cast its triggers call by one name', () => {
    expect(picks('sylphiette reading in a library')).toEqual(['civitai:30622']);
    // "roxy" is a given name many people have: with her family name, another of the pack's triggers, it is hers.
    expect(picks('roxy at the beach')).toEqual([]);
    expect(picks('1girl, Roxy Migurdia, witch hat, blue hair')).toEqual(['civitai:30622']);
    const akame = picksFrom([
      characterCard(
        'civitai:42405',
        'Akame ga Kill! Ultimate Girl Pack',
        ['akame \\(akame ga kill!\\)', 'esdeath', 'kurome', 'leone', 'sheele'],
        ['anime', 'character', 'esdeath', 'chelsea', 'akame ga kill!', 'leone', 'akame', 'kurome', 'sheele'],
      ),
    ]);
    expect(akame('esdeath in a snowy forest')).toEqual(['civitai:42405']);
  });

  it('reads no one of a pack in a one-word trigger that is a term of the trade ("fanart")', () => {
    const u149 = characterCard(
      'civitai:19138',
      'The Idolmaster Cinderella Girls U149 anime',
      ['Akagi Miria', 'Tachibana Arisu', 'u149ani', 'fanart', 'apuri', 'Yonai P'],
      ['anime', 'character', 'girl', 'idolmaster', 'cinderella girls', 'characterpack'],
    );
    const oneWordNames = profileOf(u149)
      .fullNames.filter((name) => name.length === 1)
      .map(([name]) => name);
    expect(oneWordNames).toContain('apuri');
    expect(oneWordNames).not.toContain('fanart');
  });

  it('takes no pack for a plain word among its triggers, nor for a one-word name written as something else', () => {
    // "zenith" and "anime art style" are triggers too: plain words, no one's name.
    expect(picks('a hot air balloon at its zenith')).toEqual([]);
    expect(picks('anime art style, a castle')).toEqual([]);
    // A name before a plain noun says what it is: "roxy music poster" is a band's poster.
    expect(picks('a roxy music poster')).toEqual([]);
    const rosario = picksFrom([
      characterCard(
        'civitai:23523',
        'Rosario + Vampire - Girlpack LoRA',
        ['kurumu', 'mizore', 'moka', 'mokavampire', 'shizuka', 'yukari'],
        ['anime', 'character', 'rosario+vampire', 'girlpack', 'characterpack'],
      ),
    ]);
    expect(rosario('a moka pot on a gas stove')).toEqual([]);
    expect(rosario('moka standing in a school hallway')).toEqual(['civitai:23523']);
  });

  it('takes her own card, not her pack, for the trigger of her card', () => {
    const AI_HAYASAKA = characterCard(
      'civitai:24130',
      '早坂愛 - Ai Hayasaka - Kaguya-Sama:Love is War.',
      ['aihayasakav4'],
      ['anime', 'character', 'girl', 'blonde hair', 'kaguyasama', 'kaguya-sama:love is war', '早坂愛', 'ai hayasaka'],
    );
    const KAGUYA_PACK = characterCard(
      'civitai:50077',
      'Love is War: Kaguya-sama wa Kokurasetai | 5 Girl pack: Chika, Hayasaka Ai, Miko, Kei',
      ['school uniform', 'shinomiya kaguya, red eyes, black hair, hair ribbon'],
      ['anime', 'character', 'anime girl', 'kaguya-sama:love is war', 'shirogane', 'shinomiya', 'fujiwara'],
    );
    const picks = picksFrom([KAGUYA_PACK, AI_HAYASAKA]);
    expect(picks('masterpiece, best quality, AiHayasakaV4, 1girl, solo')).toEqual(['civitai:24130']);
    expect(picks('ai hayasaka in a maid uniform')).toEqual(['civitai:24130']);
    // Every part of its name before the part that says it is a pack is the series: no pack for the series' title.
    expect(picksFrom([KAGUYA_PACK])('kaguya-sama wa kokurasetai landscape')).toEqual([]);
    expect(picksFrom([KAGUYA_PACK])('shinomiya kaguya, red eyes')).toEqual(['civitai:50077']);
    const supporting = picksFrom([
      characterCard(
        'civitai:46436',
        'Astarotte no omocha! // supporting characters',
        ['teacher'],
        ['character', 'bat', 'astarotte no omocha!', 'lotte no omocha!', 'enja niuhali', 'fii', 'olaf frismar'],
      ),
    ]);
    expect(supporting('astarotte no omocha! landscape')).toEqual([]);
  });

  it('takes no pack for a name another candidate card calls its character by', () => {
    const SAO_GIRLPACK = characterCard(
      'civitai:23707',
      'Sword Art Online - Girlpack LoRA',
      ['asuna', 'leafa', 'sinon', 'yui'],
      ['character', 'sword art online', 'asuna', 'girlpack', 'yui', 'silica', 'leafa', 'characterpack'],
    );
    const HIRASAWA_YUI = characterCard(
      'civitai:9000',
      'Hirasawa Yui (K-On!)',
      ['hirasawa yui'],
      ['anime', 'character', 'k-on!'],
    );
    expect(picksFrom([SAO_GIRLPACK])('yui playing in a meadow')).toEqual(['civitai:23707']);
    expect(picksFrom([SAO_GIRLPACK, HIRASAWA_YUI])('yui playing in a meadow')).toEqual([]);
    expect(picksFrom([SAO_GIRLPACK, HIRASAWA_YUI])('leafa flying over a forest')).toEqual(['civitai:23707']);
  });
});

describe('a series a card names in one word, in brackets or after "from", names no one of it', () => {
  const SAGE = characterCard(
    'civitai:24094',
    'Sage(Valorant)',
    ['sage(valorant)', 'sage bodysuit', 'black pant'],
    ['anime', 'character', 'girl', 'valorant', 'video gaming', 'lora'],
  );
  const KILLJOY = characterCard(
    'civitai:10777',
    'KillJoy From Valorant',
    ['kljy'],
    ['character', 'girl', 'female', 'woman', 'game character', 'video game'],
  );
  const AQUA = characterCard(
    'civitai:54817',
    'Aqua | KonoSuba',
    ['aqua (konosuba)', '1girl'],
    ['character', 'waifu', 'aqua', 'konosuba', 'anime character', 'characters'],
  );
  const KONOSUBA_PACK = characterCard(
    'civitai:90398',
    'KonoSuba',
    ['Megumin'],
    ['anime', 'character', 'konosuba', 'megumin', 'girls', 'characters', 'girlpack', 'characterpack'],
  );
  const picks = picksFrom([SAGE, KILLJOY]);

  it('takes no agent of the game for the game alone', () => {
    expect(picks('a valorant agent')).toEqual([]);
    expect(picksFrom([SAGE])('a valorant agent')).toEqual([]);
  });

  it("still takes each by her name with her series, as Danbooru writes it or in her card's order", () => {
    expect(picks('sage (valorant) at the beach')).toEqual(['civitai:24094']);
    expect(picks('valorant sage')).toEqual(['civitai:24094']);
  });

  it('takes a name the card runs together as the member writes it', () => {
    const [task] = composeOffline('killjoy, valorant', asCandidates([SAGE, KILLJOY]));
    expect(task?.adapters).toEqual([{ adapterId: 'civitai:10777', reason: 'the prompt names "killjoy"' }]);
  });

  it("takes no pack for its franchise's name written as one word", () => {
    expect(picksFrom([KONOSUBA_PACK, AQUA])('aqua konosuba, 1girl')).toEqual(['civitai:54817']);
  });

  it("takes no one for her series' initials, which her card writes as a part of its name", () => {
    const LISBETH = characterCard(
      'civitai:23876',
      'lisbeth (Sword Art Online) 莉兹贝特 刀剑神域 SAO',
      ['1girl,apron,frills,skirt,shirt'],
      ['character'],
    );
    // Quinella of SAO (her own card flagged out of an SFW channel) is no Lisbeth.
    expect(picksFrom([LISBETH])('1girl, quinella sao, standing in a park')).toEqual([]);
    expect(picksFrom([LISBETH])('lisbeth from sao')).toEqual(['civitai:23876']);
  });

  it("takes no one for her series' name, though a trigger of her uniform says a word of it", () => {
    const MAKI_ZENIN = characterCard(
      'civitai:26443',
      'Maki Zenin | Jujutsu Kaisen',
      ['zenin_maki', 'ponytail', 'glasses', 'bangs', 'green hair', 'jujutsu_uniform', 'purple jacket'],
      ['anime', 'character', 'jujutsu kaisen', 'maki zenin'],
    );
    const JUJUTSU_SORCERERS = characterCard(
      'civitai:57465',
      'JUJUTSU SORCERERS | Depository of Jujutsu Kaisen Characters',
      ['inumaki toge', 'facial tattoo', 'white hair', 'school uniform', 'black jacket', 'high collar'],
      ['anime', 'character', 'jujutsu kaisen', 'nobara kugisaki', 'maki zenin', 'satoru gojo', 'toge inumaki'],
    );
    expect(picksFrom([MAKI_ZENIN])('jujutsu kaisen cursed energy')).toEqual([]);
    expect(picksFrom([MAKI_ZENIN])('maki zenin, jujutsu kaisen')).toEqual(['civitai:26443']);
    // Nor a depository of its cast for the series it is "of".
    expect(picksFrom([JUJUTSU_SORCERERS])('jujutsu kaisen cursed energy')).toEqual([]);
  });

  it("takes no one for her series, a part of her card's name after her name in Latin and Japanese letters", () => {
    const SHINOBU = characterCard(
      'civitai:18666',
      'Kochou Shinobu | Kimetsu no yaiba | LoRA',
      ['kochou shinobu', 'haori', 'japanese clothes', 'butterfly hair ornament'],
      ['anime', 'girl', 'person', 'woman'],
    );
    const SHINOBU_TAGGED = characterCard(
      'civitai:87259',
      'Kochou Shinobu 胡蝶しのぶ / Kimetsu no Yaiba',
      ['1girl, solo, kochou shinobu, butterfly hair ornament, purple eyes, multicolored hair, short hair'],
      ['anime', 'character', 'demon slayer', 'anime character', 'kimetsu no yaiba', 'anime girl', 'kochou shinobu'],
    );
    const picks = picksFrom([SHINOBU, SHINOBU_TAGGED]);
    // Kanzaki Aoi of the same series is no Shinobu, nor is the series' look.
    expect(picks('kanzaki aoi \\(kimetsu no yaiba\\), 1girl')).toEqual([]);
    expect(picks('kimetsu no yaiba style')).toEqual([]);
    expect(picks('kochou shinobu, 1girl')).toHaveLength(1);
  });

  it('takes no one for her series where her card tags it whole after her name, or writes it in a booru tag of her', () => {
    const MIKASA = characterCard(
      'civitai:90523',
      'Mikasa Ackerman ミカサ・アッカーマン / Shingeki no Kyojin',
      ['hmmikasa, short hair, black eyes, scarf, emblem, belt, thigh strap, red scarf, white pants'],
      ['anime', 'character', 'shingeki no kyojin', 'attack on titan', 'anime character', 'mikasa ackerman'],
    );
    const RYOKO = characterCard(
      'civitai:21730',
      'Ryoko - Tenchi Muyo!',
      ['ryouko_(tenchi_muyou!)', 'big hair', 'blue hair', 'spiked hair'],
      ['anime', 'character', 'tenchi muyo', 'ryoko'],
    );
    const picks = picksFrom([MIKASA, RYOKO]);
    expect(picks('shingeki no kyojin landscape')).toEqual([]);
    expect(picks('1girl, tenchi muyo style, school uniform')).toEqual([]);
    expect(picks('mikasa ackerman, red scarf')).toEqual(['civitai:90523']);
    expect(picks('ryoko, tenchi muyo')).toEqual(['civitai:21730']);
  });

  it('takes no one for a series her card cuts into parts, writes after her name in two scripts, or calls a series', () => {
    const HAYASAKA = characterCard(
      'civitai:24130',
      '早坂愛 - Ai Hayasaka - Kaguya-Sama:Love is War.',
      ['aihayasakav4'],
      ['anime', 'character', 'girl', 'blonde hair', 'kaguyasama', 'lora', 'kaguya-sama:love is war', 'ai hayasaka'],
    );
    const SAREN = characterCard(
      'civitai:24603',
      'Saren (Princess Connect! Re:Dive)',
      ['saren_\\(princess_connect!\\)'],
      ['anime', 'character', 'girls', 'princess connect'],
    );
    const NAGATO = characterCard(
      'civitai:71550',
      'Nagato Yuki 長門有希 / Suzumiya Haruhi Series',
      ['ny1, school uniform, blue sailor collar, serafuku, blue skirt, long sleeves'],
      ['anime', 'character', 'anime character', 'anime girl', 'lora', 'suzumiya haruhi serires', 'nagato yuki'],
    );
    const picks = picksFrom([HAYASAKA, SAREN, NAGATO]);
    expect(picks('kaguya-sama:love is war landscape')).toEqual([]);
    expect(picks('princess connect re:dive landscape')).toEqual([]);
    expect(picks('suzumiya haruhi series landscape')).toEqual([]);
    expect(picks('ai hayasaka in a maid outfit')).toEqual(['civitai:24130']);
    expect(picks('saren, princess connect')).toEqual(['civitai:24603']);
    expect(picks('nagato yuki reading a book')).toEqual(['civitai:71550']);
    // A piece of a title a tag says whole is no name, where a plain word after the series still is hers.
    const KARYL = characterCard(
      'civitai:98422',
      'Karyl キャル / Princess Connect! Re:Dive',
      ['karylaa, two-tone hair, low twintails, green eyes, fang, cat tail'],
      ['anime', 'character', 'game character', 'princess connect', 'princess connect! re:dive', 'karyl'],
    );
    const JASMINE = characterCard(
      'civitai:38355',
      'Pokemon - Jasmine',
      ['jasmine \\(pokemon\\)'],
      ['character', 'female', 'pokemon', 'pokemon gsc'],
    );
    expect(picksFrom([KARYL])('princess connect re:dive landscape')).toEqual([]);
    expect(picksFrom([KARYL])('karyl, princess connect')).toEqual(['civitai:98422']);
    expect(picksFrom([JASMINE])('jasmine pokemon, aqua dress')).toEqual(['civitai:38355']);
    // Her booru tag written whole names her, her series and all; her name before her series' tag still names her.
    const INDEX = characterCard(
      'civitai:70850',
      'Index Librorum Prohibitorum || Toaru Majutsu no Index',
      ['index \\(toaru majutsu no index\\)'],
      ['anime', 'character', 'female', 'toaru majutsu no index'],
    );
    expect(picksFrom([INDEX])('toaru majutsu no index landscape')).toEqual([]);
    expect(picksFrom([INDEX])('1girl, index \\(toaru majutsu no index\\), long dress')).toEqual(['civitai:70850']);
    const LULU = characterCard(
      'civitai:5923',
      'Lulu from League of Legends',
      ['lulu \\(league of legends\\)', 'staff'],
      ['league of legends', 'character', 'lulu (league of legends)', 'video game'],
    );
    expect(picksFrom([LULU])('beach, lulu league of legends, 1girl')).toEqual(['civitai:5923']);
    // A word of the series in brackets is no name of hers beside the rest of the series.
    const himawari = picksFrom([
      characterCard(
        'civitai:61568',
        'Naruto Uzumaki / 漩涡鸣人 / ずまき ナルト / 火影忍者',
        ['uzumaki naruto'],
        ['anime', 'character', 'naruto', 'uzumaki', 'uzumaki naruto', '漩涡鸣人', '火影'],
      ),
      characterCard(
        'civitai:58066',
        'Hinata / Hinata Hyūga (日向 ヒナタ) /  [Boruto: Naruto Next Generations]',
        ['hinata\\(boruto\\)', 'purple hoodie', 'brown pants', 'black shirt, apron'],
        ['anime', 'character', 'female', 'naruto', 'hinata', 'boruto: naruto next generations', 'hyuuga hinata'],
      ),
      characterCard(
        'civitai:51542',
        'Himawari Uzumaki (Boruto: Naruto Next Generations)',
        ['himawari', 'little girl', 'ahoge', 'hoodie', 'pink skirt', 'black stockings'],
        ['anime', 'character', 'girl', 'female', 'boruto: naruto next generations', 'uzumaki', 'himawari'],
      ),
    ]);
    expect(himawari('boruto: naruto next generations landscape')).not.toContain('civitai:51542');
    expect(himawari('himawari uzumaki, boruto')).toEqual(['civitai:51542']);
    // Where "naruto" is a franchise the catalog knows, "boruto" beside it is still her series' word, no name of hers.
    const HIMAWARI = characterCard(
      'civitai:51542',
      'Himawari Uzumaki (Boruto: Naruto Next Generations)',
      ['himawari', 'little girl', 'ahoge', 'hoodie', 'pink skirt', 'black stockings'],
      ['anime', 'character', 'girl', 'female', 'boruto: naruto next generations', 'uzumaki', 'himawari'],
    );
    const prompt = 'boruto: naruto next generations landscape';
    expect(characterNamedIn('boruto', HIMAWARI, new Set(['naruto']), prompt)).toBeUndefined();
    expect(characterNamedIn('himawari uzumaki', HIMAWARI, new Set(['naruto']), 'himawari uzumaki, naruto')).toBe(
      'himawari uzumaki',
    );
  });

  it('takes no one for her name with another series after "from"', () => {
    const ASHE = characterCard(
      'civitai:44587',
      'Ashe (Overwatch) LORA',
      ['ashe'],
      ['character', 'female', 'ashe', 'woman', 'overwatch', 'videogame'],
    );
    expect(picksFrom([ASHE])('1girl, ashe from league of legends, standing in a park')).toEqual([]);
    expect(picksFrom([ASHE])('ashe from overwatch')).toEqual(['civitai:44587']);
    // "from behind" is where we see her from.
    expect(picksFrom([ASHE])('ashe from behind, cowboy hat')).toEqual(['civitai:44587']);
  });
});

describe('a name as its card writes it in a trigger', () => {
  const FLORENCE = characterCard(
    'civitai:8869',
    'Florence Nightingale (Fate) Lora',
    ['florence nightingale \\(fate\\)'],
    ['anime', 'female', 'fate', 'fate grand order', 'video game'],
  );
  const RICE_SHOWER = characterCard(
    'civitai:15549',
    'rice shower (umamusume)',
    ['RiceShower', 'rice shower \\(umamusume\\)'],
    ['anime', 'character', 'girl', 'umamusume'],
  );
  const TY_LEE = characterCard(
    'civitai:48192',
    'Ty Lee - Avatar: The Last Airbender - Character LORA',
    ['tylee'],
    ['avatar', 'avatar the last airbender', 'tylee', 'ty lee'],
  );
  const picks = picksFrom([FLORENCE, RICE_SHOWER, TY_LEE]);

  it('takes her for the booru tag of her name and her series, however plain its words', () => {
    expect(picks('florence nightingale \\(fate\\), military uniform')).toEqual(['civitai:8869']);
    expect(picks('rice shower \\(umamusume\\), at a wedding')).toEqual(['civitai:15549']);
    // Without the series, plain words say what they say: a shower of rice.
    expect(picks('rice shower at a wedding')).toEqual([]);
  });

  it('takes her for her name run together as her trigger writes it, or apart where it is no plain word', () => {
    expect(picks('masterpiece, 1girl, tylee, upper body, armor, braid')).toEqual(['civitai:48192']);
    expect(picks('ty lee doing a handstand')).toEqual(['civitai:48192']);
  });
});

describe('a one-word name before a place', () => {
  const picks = picksFrom([
    characterCard(
      'civitai:11521',
      'Nami v2 [9mb]',
      ['namiop', 'one piece'],
      ['anime', 'character', 'one piece', 'woman', 'nami'],
    ),
  ]);

  it('is the place it names: no Nami of One Piece for nami island', () => {
    expect(picks('a nami island in korea')).toEqual([]);
    expect(picks('nami at the beach')).toEqual(['civitai:11521']);
    expect(picks('nami, island, beach')).toEqual(['civitai:11521']);
  });
});

describe('a one-word name before a part of a plant', () => {
  const picks = picksFrom([characterCard('civitai:52685', 'DOA - Momiji', ['momiji'], ['character'])]);

  it('is the plant it names in another language: no Momiji for momiji leaves', () => {
    expect(picks('momiji leaves in autumn')).toEqual([]);
    expect(picks('a momiji tree in a temple garden')).toEqual([]);
    expect(picks('momiji, 1girl, ninja, kimono')).toEqual(['civitai:52685']);
  });
});

describe("her name's words are hers", () => {
  const YUUKI_MIKAN = characterCard(
    'civitai:23751',
    'Yuuki Mikan (To Love-Ru)',
    ['yuukimikan'],
    ['character', 'yuuki mikan'],
  );
  const MIKAN_STYLE = makeAdapter({
    id: 'civitai:22397',
    name: '[LoCon/LoRA] Mikan/蜜柑 Style',
    category: 'style',
    tags: ['style', 'art style', 'illustration', '2d', 'girls', 'photography', 'portraits'],
  });
  const ZELDA = characterCard(
    'civitai:69139',
    'The Legend of Zelda - Princess Zelda',
    ['zelda\\(princess\\)'],
    ['anime', 'character', 'female', 'the legend of zelda', 'princess zelda', 'zelda', 'woman', 'game character'],
  );
  const ZELDA_CDI = makeAdapter({
    id: 'civitai:6020',
    name: 'Zelda CDI Style LoRA',
    category: 'style',
    tags: ['nintendo', 'the legend of zelda', 'philips', 'style', 'video game'],
  });
  const YOR = characterCard('civitai:29306', 'Yor Forger - Spy x Family', ['yor'], ['character', 'yor briar', '1girl']);
  const YOR_SWEATER_DRESS = makeAdapter({
    id: 'civitai:99914',
    name: '【Costume】【Cosplay】Sweater Dress of Yor (Housewife ver.) 约儿太太的毛衣',
    category: 'clothing',
    tags: ['anime', 'female', 'spy x family', 'yor briar', 'yor forger', 'clothing', 'spy×family'],
    triggerWords: ['sweater dress'],
  });
  const picks = picksFrom([YUUKI_MIKAN, MIKAN_STYLE, ZELDA, ZELDA_CDI, YOR, YOR_SWEATER_DRESS]);

  it('takes no artist or style that shares a word of the name the task gives her', () => {
    expect(picks('1girl, yuuki mikan, smile')).toEqual(['civitai:23751']);
    expect(picks('a portrait of princess zelda')).toEqual(['civitai:69139']);
    // Asked for by its own words, the style still comes.
    expect(picks('mikan style, a girl reading')).toEqual(['civitai:22397']);
  });

  it('still takes a card that says her whole name: her costume', () => {
    expect(picks('yor forger in a sweater dress').sort()).toEqual(['civitai:29306', 'civitai:99914']);
  });

  it('takes one LoRA of her, where cards filed as no character say her whole name too', () => {
    const madoka = picksFrom([
      characterCard(
        'civitai:24495',
        'kaname_madoka (school uniform ver.)',
        ['char_kaname_madoka_128dim'],
        ['character', 'mahou shoujo madoka magica', 'kaname_madoka'],
      ),
      makeAdapter({
        id: 'civitai:26383',
        name: 'Madoka Kaname - Puella Magi Madoka Magica',
        category: 'other',
        tags: ['anime', 'magical girl', 'mahou shoujo madoka magica'],
        triggerWords: ['madoka kaname'],
      }),
      makeAdapter({
        id: 'civitai:13783',
        name: 'Madoka Magicka v2.0',
        category: 'other',
        tags: ['anime', 'mahou shoujo', 'mahou shoujo madoka magica'],
        triggerWords: ['akemi_homura', 'kaname_madoka', 'miki_sayaka', 'sakura_kyouko', 'tomoe_mami', 'kyubey'],
      }),
    ]);
    expect(madoka('masterpiece, best quality, 1girl, kaname madoka, solo, pink hair, twintails')).toHaveLength(1);
  });
});
