import type { Adapter } from '../../src/catalog/adapter.js';
import { makeAdapter } from './adapters.js';

/**
 * Items of the 2023-07 Civitai dump that several evidence tests read, as the store holds them after `stylus ingest
 * civitai` (id, name, the category ingest gives, tags, trigger words; not their descriptions). One definition each, so
 * the tests agree on what the item is.
 */
export const NEWSPAPER_BACKGROUND: Adapter = makeAdapter({
  id: 'civitai:96958',
  name: '报纸风格背景/Newspaper Background',
  category: 'background',
  tags: ['background'],
  triggerWords: ['newspaper background'],
});

/** Statues Collection as the store holds it: its latest version is the one that makes the subject of ice. */
export const STATUES_COLLECTION: Adapter = makeAdapter({
  id: 'civitai:76901',
  name: 'Statues Collection',
  category: 'style',
  tags: ['statue', 'style'],
  triggerWords: ['made_of_ice'],
});

/** The same collection read from its name and tags alone (its bronze and stone versions have other triggers). */
export const STATUES_COLLECTION_BY_NAME: Adapter = makeAdapter({
  id: 'civitai:76901',
  name: 'Statues Collection',
  category: 'style',
  tags: ['statue', 'style'],
});

export const STONE_STATUE: Adapter = makeAdapter({
  id: 'civitai:58701',
  name: 'Stone Statue LoRA',
  category: 'style',
  tags: ['photorealistic', 'art', 'style', 'realistic', 'style art'],
  triggerWords: ['stone_statue', 'white_statue', 'sand_statue', 'on a pedestal', 'stone_color'],
});

export const PEACE_SIGN: Adapter = makeAdapter({
  id: 'civitai:48578',
  name: 'LoRA Peace Sign✌',
  category: 'pose',
  tags: [
    'girl',
    'photorealistic',
    'female',
    'poses',
    'woman',
    'girls',
    'realistic',
    'pose',
    'finger',
    'sign',
    'fingers',
    'peace',
  ],
  triggerWords: ['peace', 'sign'],
});

export const REFLECTIONS_ON_WATER: Adapter = makeAdapter({
  id: 'civitai:43671',
  name: 'Reflections on water',
  category: 'style',
  tags: ['photorealistic', 'nature', 'photo', 'style', 'photorealism', 'photoshoot', 'landscape'],
  triggerWords: ['reflections'],
});

export const PALLAS_CAT: Adapter = makeAdapter({
  id: 'civitai:33194',
  name: "[狲爷驾到] Pallas's cat/兔狲/manul/マヌルネコ LoRA",
  category: 'animal',
  tags: ['animals', 'cats', 'cat', 'animal', 'pallascat', 'マヌルネコ', 'манул', 'manul', '兔狲', "pallas's cat"],
  triggerWords: ['tusun', 'tusuncub'],
});

export const PEN_SKETCH_STYLE: Adapter = makeAdapter({
  id: 'civitai:28687',
  name: '线条速写风格 ｜ pen sketch style',
  category: 'style',
  tags: ['art style', 'sketch'],
  triggerWords: ['penSketch_style, monochrome, ink sketch'],
});

/** A portrait of someone named Rio, uncategorised. */
export const RIO_PORTRAIT: Adapter = makeAdapter({
  id: 'civitai:23599',
  name: 'rio',
  tags: ['personal portrait'],
});

export const JK_UNIFORM: Adapter = makeAdapter({
  id: 'civitai:81286',
  name: 'JK制服',
  category: 'clothing',
  tags: ['clothes', 'clothing'],
  triggerWords: ['jk suit', 'plaid skirt', 'pleated skirt', 'shirt', 'bowtie'],
});

export const DRAGON_BALL_KI_CHARGE: Adapter = makeAdapter({
  id: 'civitai:79197',
  name: 'Dragon Ball KI Charge (Aura) | Concept LoRA',
  category: 'concept',
  tags: ['concept', 'dragon ball', 'fighting', 'stance', 'ki', 'charge', 'aura'],
  triggerWords: ['Ki Charge', 'aura', 'fighting stance', 'yellow aura', 'purple aura'],
});

export const VINTAGE_STYLE: Adapter = makeAdapter({
  id: 'civitai:49872',
  name: 'Vintage - Style',
  category: 'style',
  tags: ['anime', 'vintage', 'style', 'illustration'],
});

/** Filed as a character by Civitai: a VTuber reference sheet, named by "fullbody". */
export const REFERENCE_POSE: Adapter = makeAdapter({
  id: 'civitai:55504',
  name: 'Character A-Poses / Vtuber reference pose (fullbody + halfbody)',
  category: 'character',
  tags: ['vtuber', 'poses', 'virtual youtuber', 'pose'],
  triggerWords: ['vtuber-halfbody', 'vtuber-fullbody'],
});

export const INS_STILL_LIFE: Adapter = makeAdapter({
  id: 'civitai:56374',
  name: 'ins style,still life,simple background,简约静物',
  category: 'background',
  tags: ['flowers', 'background', 'real', 'ins style', '静物', 'real still life'],
  triggerWords: ['simple background', 'still life', 'flowers'],
});

export const MADE_OF_ICE: Adapter = makeAdapter({
  id: 'civitai:58723',
  name: 'Made of Ice',
  category: 'style',
  tags: ['photorealistic', 'art', 'style', 'realistic', 'iceart', 'artwork', 'ice'],
  triggerWords: ['made_of_ice'],
});

export const KENDOLL_BOOTS: Adapter = makeAdapter({
  id: 'civitai:19049',
  name: 'Kendoll Boots 肯豆靴',
  category: 'clothing',
  tags: ['girl', 'woman', 'clothing', 'highheel boots', 'boots'],
  triggerWords: ['kendolllegver', 'high heel boots'],
});

export const WOW_ICONS: Adapter = makeAdapter({
  id: 'civitai:45713',
  name: 'SXZ WoW Icons [ Concept ]',
  category: 'object',
  tags: [
    'game art',
    'asset',
    'icons',
    'games',
    'video game',
    'videogames',
    'assets',
    'icon',
    'game icon',
    'videogame',
    'gamedev',
  ],
  triggerWords: ['wowicon of', 'wowicon portrait of'],
});

export const LINE_STYLE: Adapter = makeAdapter({
  id: 'civitai:55183',
  name: 'Line style',
  category: 'style',
  tags: ['anime', 'style', 'girls'],
  triggerWords: ['shouhui', 'limited palette'],
});

export const SHOAL: Adapter = makeAdapter({
  id: 'civitai:79737',
  name: '[LoRa] Shoal / 錦鱗 Concept (With multires noise version)',
  category: 'background',
  tags: ['atmosphere', 'tools', 'background', 'fish', 'light', 'underwater', 'shoal'],
});

export const ZYD_INK_STYLE: Adapter = makeAdapter({
  id: 'civitai:73305',
  name: "zyd232's Ink Style",
  category: 'style',
  tags: ['ink', 'inksplat', 'style', 'ink wash', 'style lora'],
  triggerWords: ['zydink', 'monochrome', 'ink sketch'],
});

export const UNDERSEA_DEPTHS: Adapter = makeAdapter({
  id: 'civitai:59994',
  name: 'Undersea Depths - fC - Lora',
  category: 'background',
  tags: ['water', 'woman', 'background'],
  triggerWords: ['depths-fc'],
});

export const EDOB_CAR: Adapter = makeAdapter({
  id: 'civitai:54017',
  name: 'EdobCar',
  category: 'vehicle',
  tags: ['abstract', 'digital art', 'concept art', 'cars', 'landscape', 'vehicle'],
  triggerWords: ['EdobCar'],
});

/** A maker's horse: "Edob" is its maker's label, no kind of horse. */
export const EDOB_HORSE: Adapter = makeAdapter({
  id: 'civitai:78241',
  name: 'EdobHorse',
  category: 'animal',
  tags: ['animals', 'photorealistic', 'equine', 'horse', 'beautiful', 'animal'],
  triggerWords: ['horse', 'horse stopped', 'horse standing', 'horse running', 'GypsyVanner'],
});

/** A wood of trees, filed as a background. */
export const VERY_NICE_FOREST: Adapter = makeAdapter({
  id: 'civitai:84918',
  name: 'Very Nice Forest',
  category: 'background',
  tags: ['forest', 'background', 'backgrounds'],
  triggerWords: ['Forest', 'tree'],
});

export const GAME_ICON: Adapter = makeAdapter({
  id: 'civitai:31827',
  name: 'game icon',
  category: 'style',
  tags: ['ui', 'style', 'graphic design', 'icon', 'game icon'],
  triggerWords: ['monochrome', 'transparent_background', 'black_background', 'silhouette', 'magic_circle'],
});

/** A Hugging Face item of the seed catalog, beside the dump's yarn styles. */
export const YARN_ART_STYLE: Adapter = makeAdapter({
  id: 'hf:Norod78/SDXL-YarnArtStyle-LoRA',
  name: 'Yarn Art Style',
  category: 'style',
  tags: ['yarn', 'knitting', 'textile', 'craft'],
  triggerWords: ['Yarn art style'],
});

export const SUPERCUTECAT: Adapter = makeAdapter({
  id: 'civitai:75132',
  name: 'Supercutecat_v10',
  category: 'animal',
  tags: ['animals', 'colorful', 'cat', 'cute', 'depth of field', 'animal'],
  triggerWords: ['cutemaomao'],
});

export const STAINED_GLASS: Adapter = makeAdapter({
  id: 'civitai:81489',
  name: 'Stained Glass',
  category: 'style',
  tags: ['anime', 'colorful', 'glass', 'style', 'art style', 'stained glass', 'style art', 'color', 'styles'],
  triggerWords: ['st41nedg'],
});

/** A style that draws what a prompt shows as stickers: for a sticker, no laptop with one on it. */
export const STICKERS: Adapter = makeAdapter({
  id: 'civitai:76413',
  name: 'Stickers [LORA}',
  category: 'style',
  tags: ['style'],
  triggerWords: ['Sticker', 'cute cartoon of'],
});

/** A style that makes people, animals and things of smoke. */
export const SMOKE: Adapter = makeAdapter({
  id: 'civitai:62757',
  name: 'Smoke',
  category: 'style',
  tags: ['smoke', 'style'],
  triggerWords: ['smoke'],
});

/** A photo's look: the grain a film photo has. */
export const FILM_GRAIN: Adapter = makeAdapter({
  id: 'civitai:33208',
  name: 'FilmGirl 胶片风 Film Grain LoRA & LoHA',
  category: 'style',
  tags: ['film', 'portrait', 'photo', 'style', 'woman', 'girls', 'camera', '摄影', '写真', 'filmvelvia', 'velvia'],
});

export const INSANOBOT: Adapter = makeAdapter({
  id: 'civitai:90119',
  name: 'Insanobot',
  category: 'style',
  tags: ['style', 'detailed', 'robot'],
});

/** Gynoids ("RZ - MK Ultra"), tagged "robot" and "cyborg", named by a code and a coined trigger. */
export const MK_ULTRA: Adapter = makeAdapter({
  id: 'civitai:52543',
  name: 'RZ - MK Ultra ( 1.5 & 2.1 )',
  category: 'concept',
  tags: ['3d', 'photorealistic', 'concept', 'cyborg', 'scifi', 'robot'],
  triggerWords: ['rz88mkultr4'],
});

/** A make's model, named by its code. */
export const MAZDA_RX7: Adapter = makeAdapter({
  id: 'civitai:9424',
  name: 'MAZDA RX-7 FD3S car LORA',
  category: 'vehicle',
  tags: ['photorealistic', 'autos', 'cars', 'photography', 'vehicle', 'car'],
  triggerWords: ['car', 'vehicle', 'fd3s'],
});

/** A manga magazine's cover, filed as a background. */
export const MANGA_MAGAZINE_COVER: Adapter = makeAdapter({
  id: 'civitai:72045',
  name: 'No.410 漫画杂志封面 manga magazine cover  （已更正',
  category: 'background',
  tags: ['anime', 'photorealistic', 'background'],
  triggerWords: ['cover'],
});

/** A pyramid in a Ghibli film's look, filed as a background and tagged as no more. */
export const GHIBLI_PYRAMID: Adapter = makeAdapter({
  id: 'civitai:64610',
  name: '(Pyramid)_lora_Ghibli_Background',
  category: 'background',
  tags: ['background'],
});

/** A mecha of Neon Genesis Evangelion, filed as no category. */
export const EVA_01: Adapter = makeAdapter({
  id: 'civitai:16315',
  name: 'Eva 01 (Evangelion)',
  category: 'other',
  tags: ['anime', 'evangelion'],
  triggerWords: ['evaunitone'],
});
