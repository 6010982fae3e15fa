import { singular } from '../catalog/classify/words.js';

/** Word lists of the composer's evidence rules (evidence.ts), in singular form where words are compared so. */

/** Words that say what kind of file an adapter is, or praise it, not what it draws. */
export const FILE_WORDS: ReadonlySet<string> = new Set(
  (
    'lora locon loha lycoris dora lyco model version ver edition collection pack set mix sd sdxl xl sd15 ' +
    'pony flux mb kb dim alpha test beta final fixed fix update new style art artstyle concept character ' +
    'outfit helper tweaker slider generator extraction detail detailed detailer quality high best masterpiece beautiful cute ' +
    'nice good great epic amazing awesome cool pretty perfect ultra super real ai tag trigger realistic ' +
    'illustration anime'
  )
    .split(' ')
    .map(singular),
);

/** Where or how something is shown, not what an adapter could draw: never evidence on their own. */
export const FRAMING_WORDS: ReadonlySet<string> = new Set(
  (
    'photo photograph picture image view portrait shot scene background foreground close up closeup side ' +
    'front back top bottom left right middle center corner girl boy woman man person people lady guy solo ' +
    '1girl 1boy female male full body upper lower'
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
    'neon retro vintage noir gothic poly voxel ukiyo sumi'
  )
    .split(' ')
    .map(singular),
);
