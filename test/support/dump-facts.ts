import { civitaiImage, civitaiItem } from './civitai-items.js';

/**
 * Civitai items rebuilt from the facts of real models of the 2023-07 dump (id, name, tags, trigger words, base
 * model, and how Civitai rated their sample images), not from their descriptions. They are the cases that made
 * compositions untrustworthy on a real catalog: sexual concepts behind innocent words, named characters matched by
 * appearance words, and adapters that share one word with a prompt but are about something else.
 */
type Rating = 'None' | 'Soft' | 'Mature' | 'X';

function rated(id: number, ratings: Partial<Record<Rating, number>>): Record<string, unknown>[] {
  const images: Record<string, unknown>[] = [];
  let next = id * 100;
  for (const [rating, count] of Object.entries(ratings)) {
    for (let index = 0; index < (count ?? 0); index++) images.push(civitaiImage(next++, { nsfw: rating }));
  }
  return images;
}

function fact(
  id: number,
  name: string,
  tags: string[],
  trainedWords: string[],
  ratings: Partial<Record<Rating, number>>,
  baseModel = 'SD 1.5',
) {
  return civitaiItem({ id, name, tags, trainedWords, baseModel, images: rated(id, ratings), description: null });
}

export const DUMP_FACTS = {
  gloryWall: fact(58083, 'Glory Wall ', ['character'], ['glory wall', 'through wall, stationary restraints'], {
    X: 4,
    Mature: 4,
  }),
  feetThroughWall: fact(87213, '壁足 / feet_through_wall', ['anime', 'concept'], ['through wall', ' foot tickling'], {
    None: 2,
  }),
  veryNiceForest: fact(84918, 'Very Nice Forest', ['forest', 'background', 'backgrounds'], ['Forest', 'tree'], {
    None: 10,
  }),
  kiriko: fact(9714, 'kiriko \\(overwatch \\)', ['character'], ['tag:1girl,facial mark,fox'], { None: 3 }),
  kisaki: fact(
    16576,
    ' Kisaki (Blue_Archive)',
    ['anime', 'character', 'girl', 'person', 'asian', 'woman', 'illustration', 'blue archive'],
    ['Kisaki'],
    { Soft: 5, X: 1 },
  ),
  sona: fact(
    23156,
    'Sona Buvelle (League of Legends)',
    ['league of legends', 'character', 'girl', 'game character', 'video game'],
    ['sona \\(league of legends\\), blue hair, blue eyes, gradient hair, twintails, hair ornament, '],
    { Soft: 9, None: 1 },
  ),
  okuzora: fact(
    9465,
    '奥空心白-THE IDOLM@STER STARLIT SEASON/Okuzora Kohaku',
    ['anime', 'character', 'girl', 'girls', 'idolmaster'],
    ['okuzora kohaku,blonde hair,short hair,hairband,hair over half eye,bangs,blue eyes'],
    { Soft: 1 },
  ),
  frenda: fact(
    24436,
    'frenda (Railgun) 芙兰达 （某科学的超电磁炮）',
    ['character'],
    ['fren,bow,hat,skirt,pantyhose', 'da,bare leg,slingshot swimsuit,o-ring'],
    { None: 4 },
  ),
  frazetta: fact(
    87831,
    'Frank Frazetta art style',
    ['art', 'oil painting', 'style', 'paint', 'art style', 'artist', 'painting', 'frazetta', 'painting style'],
    ['frazetta'],
    { None: 6, Mature: 2, X: 2 },
  ),
  underwaterPhoto: fact(
    35940,
    'Underwater photo LoRA - tropical edition',
    ['photorealistic', 'nature', 'photo', 'photography', 'fish', 'photos', 'animal'],
    ['underwater', 'photo'],
    { None: 10 },
  ),
  recordingStudio: fact(
    18211,
    'Recording studio',
    ['photorealistic', 'scenery', 'illustration', 'realistic', 'background', 'studio'],
    ['controlroom', 'recbooth', 'dynmic, microphone, microphone stand,'],
    { None: 10 },
  ),
  photoStudio: fact(
    94526,
    '撮影スタジオ / photo studio',
    ['photorealistic', 'scenery', 'illustration', 'realistic', 'background', 'lora'],
    ['photostudio'],
    { None: 5 },
  ),
  dressedAnimals: fact(35733, 'Dressed animals LoRA', ['dress', 'animal', 'lora'], [], { None: 6 }),
  oilPainter: fact(
    78345,
    'OilPainter',
    ['art', 'oil painting', 'style', 'paint', 'paintingstyle', 'artwork', 'painting', 'brushstroke'],
    [],
    { None: 6, Mature: 3, Soft: 1 },
  ),
  edobHorse: fact(
    78241,
    'EdobHorse',
    ['animals', 'photorealistic', 'equine', 'horse', 'beautiful'],
    ['horse', 'horse stopped'],
    { None: 10 },
  ),
  // Suggestive outfits and a fetish pose whose sample images Civitai rated no worse than Soft: only their words say it.
  openChestSweater: fact(
    97258,
    'Open Chest Sweater | Goofy Ai',
    ['anime', 'woman', 'clothing'],
    ['open chest sweater'],
    {
      Soft: 6,
    },
  ),
  leMalinBunnysuit: fact(
    59162,
    "【Costume】【Cosplay】Le Malin's Bunnysuit 恶毒兔女郎",
    ['anime', 'cosplay', 'azur lane', 'leotard', 'bunnysuit', 'clothing', 'bunny', 'highleg'],
    ['lemalinbunnysuit'],
    { None: 4 },
  ),
  tokiBunny: fact(
    54460,
    'TOKI (BUNNY)/トキ（バニーガール）/时（兔女郎）- Blue Archive/ブルーアーカイブ',
    ['anime', 'character', 'female'],
    ['playboy bunny', 'blue bow', 'rabbit ears', 'blue leotard', 'halo', 'white thighhighs', 'rabbit tail'],
    { None: 5 },
  ),
  // Two of nine samples rated X say what an artist's style is used for; one nude statue in ten says nothing.
  satoshiUrushihara: fact(
    7227,
    'Satoshi Urushihara style',
    ['anime', 'vintage', 'aesthetic', 'style', '1980s', '1990s'],
    ['urushisato', 'ova', 'background'],
    {
      None: 6,
      Soft: 1,
      X: 2,
    },
  ),
  stoneStatue: fact(
    58701,
    'Stone Statue LoRA',
    ['photorealistic', 'art', 'style', 'realistic', 'style art'],
    ['stone_statue', 'white_statue', 'sand_statue', 'on a pedestal', 'stone_color'],
    {
      None: 5,
      Soft: 4,
      X: 1,
    },
  ),
  // A Playboy bunny's costume by its Danbooru name ("bunny_girl"), five of five samples rated Soft.
  bunnyGirls: fact(
    12996,
    'Bunny Girls [LORA]',
    ['anime', 'girl', 'concept', 'woman', 'girls'],
    ['<lora:100_bunny_girl:0.9>', 'bunny_girl'],
    { Soft: 5 },
  ),
  // A character Civitai files under no category, named by a word of the dictionary ("REM sleep").
  rem: fact(
    50290,
    'Rem (Re:0)/蕾姆',
    ['anime', 'cartoon', 'girls', 'rem', 're:0'],
    ['ph_rem', 'remhd', 'blue hair', 'blue eyes', '1girl', 'solo', 'x hair ornament', 'maid'],
    { None: 1, Soft: 3 },
  ),
  haigure: fact(64108, 'haigure', ['concept', 'leotard', 'pose', 'haigure'], ['\\haigure\\'], { None: 3 }),
} as const;
