import { singular } from '../catalog/classify/words.js';
import { isStopword } from '../catalog/text.js';

/** Word lists of the composer's evidence rules (evidence.ts), in singular form where words are compared so. */

/**
 * Words that say what kind of file an adapter is, or praise it, not what it draws: "Multi-LORA" is a LoRA of several
 * people, for no "multi story car park".
 */
export const FILE_WORDS: ReadonlySet<string> = new Set(
  (
    'lora locon loha lycoris dora lyco model version ver edition collection pack set mix sd sdxl xl sd15 ' +
    'pony flux mb kb dim alpha test beta final fixed fix update new style art artstyle concept character ' +
    'outfit helper tweaker slider generator extraction detail detailed detailer quality high best masterpiece beautiful cute ' +
    'nice good great epic amazing awesome cool pretty perfect ultra super real ai tag trigger realistic yet ' +
    'illustration anime multi diffusion redone remastered revised reworked retrained redux updated improved'
  )
    .split(' ')
    .map(singular),
);

/**
 * Where or how something is shown, not what an adapter could draw: never evidence on their own. A camera's words too:
 * "aerial view", "wide-angle lens" are how any picture is taken, no building of an architect's LoRA. So is a surface's
 * "texture": "detailed skin texture" gets no tileable texture map ("Diffuse Texture").
 */
export const FRAMING_WORDS: ReadonlySet<string> = new Set(
  (
    'photo photograph picture image view portrait shot scene background foreground close up closeup side ' +
    'front back top bottom left right middle center corner girl boy woman man person people lady guy solo ' +
    '1girl 1boy female male full body upper lower interior exterior ' +
    'aerial angle wide lens perspective overhead fisheye macro bokeh closeup telephoto panorama panoramic texture'
  )
    .split(' ')
    .map(singular),
);

/** Colours: they describe, alone they are evidence of nothing. */
export const COLOUR_WORDS: ReadonlySet<string> = new Set(
  'red orange yellow green blue purple pink black white grey gray brown silver gold golden blonde blond'.split(' '),
);

/** Appearance words: colours and common body or clothing details. They describe, they never name anyone. */
export const APPEARANCE_WORDS: ReadonlySet<string> = new Set(
  (
    'red orange yellow green blue purple pink black white grey gray brown silver gold golden blonde blond ' +
    'dark light long short medium big small large tiny hair eye eyes ear ears tail hat ribbon bow dress ' +
    'skirt shirt uniform glove boot sock hairband hairclip headband twintail twintails ponytail bang ' +
    'bangs braid ahoge smile fox cat dog wolf bunny rabbit horn wing mark facial ornament'
  )
    .split(' ')
    .map(singular),
);

/** Words that ask for a look: a medium, a technique, a genre of images. A style adapter needs one, or a phrase. */
export const LOOK_WORDS: ReadonlySet<string> = new Set(
  (
    'style art artstyle aesthetic painting paint drawing sketch illustration watercolor watercolour ink ' +
    'oil acrylic pastel gouache charcoal pencil photo photograph photography render pixel anime cartoon ' +
    'comic manga poster print woodblock engraving etching lithograph impressionist impressionism ' +
    'expressionism surreal surrealism abstract cubism cubist vaporwave synthwave cyberpunk steampunk ' +
    'realism minimalist minimalism lineart chibi isometric graffiti mosaic origami papercut claymation ' +
    'neon retro vintage noir gothic poly voxel ukiyo sumi silhouette'
  )
    .split(' ')
    .map(singular),
);

/**
 * Words of an adapter's name that bring a look or a format of their own (a medium, a genre, a map or an icon), each
 * with the one form its variants share: "Neon photography" brings neon, "Vintage illustration" an illustration,
 * "Table Rpg / D&D Maps - Cities" a tabletop game's map: a prompt that does not ask for that look would get a
 * picture it did not ask for. An interior is a look of its own too: "train interior" draws no train on a bridge.
 * "dd" is "D&D" split into words. Where a look comes from is a look too: "hanfu_chinese wedding dress" dresses a bride
 * who asked for a wedding dress in a Chinese one, "Thai Nurse" a nurse in a Thai uniform; a country counts as its
 * people's word ("china", "chinese"). A 3D render is a look: "NeonPunk - 3D" for no neon of a tag list. A
 * studio's look is a look too: "(Pyramid)_lora_Ghibli_Background" is a Ghibli film's pyramid, "Disney Princess" a Disney drawing. A game's look too: "Game_tree_model" is a game asset of a tree,
 * "GameIconResearch_sword" an icon, no tree or sword of a photo or a painting.
 * Not "pastel" (mostly a colour, and the checkpoint "Pastel Mix"), nor "style" or "art" (every style says them).
 */
export const NAMED_LOOKS: ReadonlyMap<string, string> = new Map(
  (
    'photo:photo photograph:photo photography:photo photographic:photo photorealistic:photo photoreal:photo ' +
    'painting:paint paint:paint painted:paint drawing:draw drawn:draw sketch:sketch watercolor:watercolor ' +
    'watercolour:watercolor illustration:illustration illustrated:illustration cartoon:cartoon toon:cartoon ' +
    'comic:comic impressionist:impressionism impressionism:impressionism expressionist:expressionism ' +
    'expressionism:expressionism surreal:surreal surrealism:surreal surrealist:surreal cubism:cubism cubist:cubism ' +
    'minimalist:minimal minimalism:minimal oil acrylic gouache impasto ink pencil charcoal crayon lineart anime ' +
    'manga chibi pixel voxel poly isometric render claymation origami papercut mosaic graffiti ukiyo gongbi ' +
    'woodblock engraving etching lithograph abstract vaporwave synthwave cyberpunk steampunk dieselpunk gothic noir ' +
    'neon retro vintage analog filmphoto:analog filmphotograph:analog filmphotography:analog liminal brutalist:brutalism brutalism map icon logo sticker emoji sprite blueprint ' +
    'schematic:blueprint schematics:blueprint ' +
    'diagram tarot game videogame:game dnd:tabletop ' +
    'dd:tabletop rpg:tabletop tabletop:tabletop lowkey highkey interior:interior inside:interior indoor:interior ' +
    'indoors:interior ' +
    'chinese china:chinese japanese japan:japanese korean korea:korean thai thailand:thai vietnamese ' +
    'vietnam:vietnamese taiwanese taiwan:taiwanese indian india:indian egyptian egypt:egyptian arabic arab:arabic ' +
    'persian aztec mayan ghibli pixar disney dreamworks 3d'
  )
    .split(' ')
    .map((entry) => {
      const [word = '', look = word] = entry.split(':');
      return [singular(word), look] as const;
    }),
);

/** Where or when a look comes from: "Chinese Style", "BaroqueAI", "Underwater" restyle a picture that asks for them. */
export const LOOK_ORIGINS: ReadonlySet<string> = new Set(
  (
    'chinese japanese korean indian egyptian greek roman persian arabic nordic celtic aztec mayan african medieval ' +
    'baroque renaissance rococo victorian edwardian gothic futuristic underwater'
  ).split(' '),
);

/**
 * Things of one culture, which ask for its look as its name does: a samurai is Japanese, so "Samurai Armor (Japan)"
 * brings no foreign look to "a samurai under a full moon", nor a Japanese street to "a rainy tokyo street". Only
 * words that belong to one culture alone (no "pagoda", no "dragon").
 */
export const CULTURE_OF: ReadonlyMap<string, string> = new Map(
  Object.entries({
    japanese:
      'samurai ninja geisha kimono yukata katana shogun ronin torii onsen izakaya tatami shoji kabuki sumo yokai ' +
      'kitsune ukiyo tokyo kyoto osaka shibuya akihabara',
    chinese: 'hanfu qipao cheongsam wuxia xianxia beijing shanghai mahjong',
    korean: 'hanbok seoul',
    egyptian: 'pharaoh sphinx anubis cairo hieroglyph',
    indian: 'sari saree mumbai delhi bollywood',
    greek: 'athens parthenon',
    roman: 'colosseum gladiator centurion',
    nordic: 'viking valhalla',
  }).flatMap(([origin, words]) => words.split(' ').map((word) => [word, origin] as const)),
);

/** Words that label what kind of adapter a name is, not what it draws: "【Costume】Bruce Lee Style Jacket". */
export const KIND_LABELS = new Set([
  'costume',
  'cosplay',
  'clothing',
  'clothes',
  // "Depository of Striped Thighhighs | Attire" draws thighhighs, no pirate's or a knight's attire.
  'attire',
  'apparel',
  'pose',
  'object',
  'background',
  'scenery',
]);

/**
 * Words the dictionary lacks that name no one: romanised Danbooru terms for how someone looks or dresses ("zettai
 * ryouiki" is the skin between a skirt and thighhighs, no name of Noel Vermillion, whose trigger lists it), kinds of
 * people and genres ("mecha_musume" is a kind of girl, "steampunk" a look), and
 * prefixes of adapter names ("Multi-LORA" names no one for a "multi story car park"; "RapunzelWaifu" is no Rapunzel of a
 * family Waifu, so "disney" names no princess), and kinds of card ("Girlpack", a series' girls in one LoRA).
 */
export const TERMS_NO_NAMES: ReadonlySet<string> = new Set(
  (
    'zettai ryouiki kemonomimi nekomimi bishounen bishoujo serafuku gakuran sukumizu hakama miko haori yukata ' +
    'jirai kei gyaru tsundere yandere kawaii chibi oppai ecchi ahegao sarashi qipao cheongsam hanbok waifu husbando ' +
    'multi mesugaki musume mecha steampunk dieselpunk kemono isekai vtuber lolita cosplay kpop hanfu catgirl kunoichi ' +
    'oiran loli shota bunnygirl monstergirl harajuku ulzzang girlpack boypack fanart fanarts'
  ).split(' '),
);

/** A word in Latin script (or digits): a Han or kana rendering of a name says it again in another script. */
export const LATIN_WORD = /^[\p{Script=Latin}\p{N}]+$/u;

/** A word of an adapter's text that can say what it draws: three letters or more, no stopword, no file word, no number. */
export const isContentWord = (word: string) =>
  word.length > 2 && !isStopword(word) && !FILE_WORDS.has(word) && !/^\d/.test(word);

/**
 * Two syllables of at most three letters joined by a hyphen: one word, as romanised names are written ("So-Bin", an
 * illustrator's given name, is no bin; "She-Ra") and as "sci-fi", "lo-fi" or "k-pop" are.
 */
const SYLLABLE_PAIR = /(?<![\p{L}\p{N}-])(\p{L}{1,3})-(\p{L}{1,3})(?![\p{L}\p{N}-])/gu;

/** `text` with each hyphenated pair of syllables written as one word ("So-Bin" -> "Sobin"), for names and tasks alike. */
export function joinSyllables(text: string): string {
  return text.includes('-')
    ? text.replace(SYLLABLE_PAIR, (_, first: string, second: string) => first + second.toLowerCase())
    : text;
}

/**
 * The kinds of a thing a task may name it by, each under the word for the thing: a pencil sketch is a pencil drawing
 * ("Pencil drawing" for it, and its look), but a drawing asks for no sketchy look.
 */
export const KIND_OF: ReadonlyMap<string, string> = new Map([['sketch', 'drawing']]);

/**
 * Peoples whose names neither the dictionary nor the lexicon holds: no maker coined them ("aztec" of TotemPunk's
 * triggers asks for no TotemPunk look; an aztec pyramid is Aztec).
 */
export const NAMES_OF_PEOPLES = new Set(
  'aztec aztecs inca incas maya mayan sioux apache mohawk cherokee navajo zulu maori inuit celtic celts'.split(' '),
);
