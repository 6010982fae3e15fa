import type { Adapter } from '../catalog/adapter.js';
import { lemmas } from '../catalog/classify/words.js';
import { isStopword } from '../catalog/text.js';
import { Memo } from '../util/memo.js';
import { isDictionaryWord, splitCompound } from './dictionary.js';
import {
  APPEARANCE_WORDS,
  COLOUR_WORDS,
  FILE_WORDS,
  FRAMING_WORDS,
  isContentWord,
  joinSyllables,
  KIND_LABELS,
  LATIN_WORD,
  LOOK_ORIGINS,
  NAMED_LOOKS,
  TERMS_NO_NAMES,
} from './evidence-words.js';
import { codesOf, looksOfWords, titleInitialsOf } from './name-marks.js';
import { describes, relationOf, styleOf } from './name-readings.js';

/**
 * An adapter's profile: what its name, trigger words and tags say, read once per record (phrases, name words, the
 * name's parts and heads, proper names, looks, codes, what it is the style of). The evidence rules (evidence.ts) and
 * the character rules (character-names.ts) ask it, for each of the 150 candidates of every composition.
 */

export interface Phrase {
  /** As the adapter's card writes it, for the reason members read. */
  text: string;
  words: readonly string[];
  kind: 'name' | 'trigger' | 'tag';
}

export interface AdapterProfile {
  phrases: Phrase[];
  /** Content words of the name (noise and praise words removed). */
  nameWords: readonly string[];
  /** Words that can name the character of a character adapter: distinctive words of its name and name-like triggers. */
  identityWords: Set<string>;
  /** Multi-word names of the character ("ruby rose"): all words present name it, even if each is a dictionary word. */
  identityPhrases: (readonly string[])[];
  /** What the name alone says of who it is: its name-like words and its phrases joined ("ruby rose"). */
  nameIdentity: readonly string[];
  /** Words of a part of the name that is a title, more name-like words than a name has: see characterNamedIn. */
  titleWords: ReadonlySet<string>;
  /**
   * The character's full names: each part of the name and each name-like trigger, as words ("keqing" of "Keqing |
   * Genshin Impact", "inaba tewi" of the trigger "Inaba Tewi"). A task names the character when it holds one whole.
   */
  fullNames: (readonly string[])[];
  /** The full names written in the adapter's name, not its triggers: see isFamilyName. */
  nameFullNames: (readonly string[])[];
  /** Content words of each part of the name ("Watercolor Painting (vizsumit)" -> [watercolor, painting], [vizsumit]). */
  nameSegments: (readonly string[])[];
  /** The parts of nameSegments after the name's first dash or colon: parts of what it began with. */
  subParts: (readonly string[])[];
  /** The content words before the name's first dash or colon, when it has one ("bloodstained" of "Bloodstained - Vector"). */
  leadWords: readonly string[];
  /**
   * Parts of nameSegments whose words a stopword qualifies, each with its written words: "still life" (a genre, no
   * life) is [life] as content words, [still, life] as written.
   */
  qualifiedParts: ReadonlyMap<readonly string[], readonly string[]>;
  /**
   * The last word of each part of the name, short ones included ("bb" of "Summer BB"): what that part is about. Digits,
   * single letters and versions ("v10") are left out.
   */
  segmentHeads: readonly string[];
  /**
   * Heads too short to be content words that end a part with other words in it: "ru" of "To Love Ru", "bb" of
   * "Summer BB". The part is about them, so a task that lacks them holds only part of the name. A short part alone
   * ("fC" of "Crop Tops - fC") is a maker's label.
   */
  shortHeads: readonly string[];
  /** Words of the name that are no dictionary word (an artist, a character, a franchise): see foreignWord. */
  properWords: readonly string[];
  /** The looks its name asks for (NAMED_LOOKS): "neon" of "Neon photography", "map" of "D&D Maps - Cities". */
  looks: readonly string[];
  /**
   * The one word a name says when the rest of it is a maker's label, proper names only, after it: "pixel" of
   * "PixelArt.Redmond" (not "pin" of "pin-up (Gil Elvgren)", nor "flower" of "Gongbi(flower)").
   */
  labelledName: string | undefined;
  /**
   * The words of a one-part name before its preposition, where the rest says where or which ("reflection" of
   * "Reflections on water"); empty for other names.
   */
  namedThing: readonly string[];
  /**
   * The words a name writes before "product", two-letter ones too, which say whose products or which ("morphy",
   * "richards" of "Morphy Richards product lora", "cd" of "CD Product Photo"): the products it draws are those.
   */
  productOf: readonly string[];
  /**
   * The relation a name opens with ("through" of "Through Screen", "across" of "Across Table"): the name is about
   * someone or something in that relation to the thing it names, so the thing alone is no evidence.
   */
  relation: string | undefined;
  /** What its name says it shows the inside of ("cave" of "Cave interiors"): see foreignLookIn. */
  interiorOf: string | undefined;
  /**
   * Where or when its trigger words set what it draws, beyond what its name says ("medieval" of "Night", trained on
   * "Medieval fantasy world"): see foreignLookIn. None for a character: its triggers dress the one the prompt names.
   */
  triggerOrigins: readonly string[];
  /**
   * A trigger that makes the subject out of something or into the shape of something ("a cloud that looks like a",
   * "made of bath foam and soap bubbles", "made_of_ice"): the adapter turns whatever the picture shows into it.
   */
  transformsSubject: boolean;
  /** Model codes its name carries ("ff14", "rx7"): see foreignCodeIn. */
  codes: readonly string[];
  /** Titles its name writes by their initials ("wow" of "SXZ WoW Icons"): see foreignCodeIn. */
  titleInitials: readonly string[];
  /**
   * What its name says it is the style of: the words before "style" ("ocarina", "time" of "Ocarina of Time Style (Low
   * Poly)"), or the part of the name before "(Art Style)" ("peanut", "comic" of "Peanuts Comics (Art Style)").
   */
  styleOf: readonly string[];
  /** An artist whose style a part of the name says it is ("huashi" of "huashiJW Style"), whatever its category. */
  artist: string | undefined;
  /** What its name and triggers say it is drawn with ("pen", "ink" of "pen sketch style"): see MEDIA. */
  media: readonly string[];
  /**
   * The word of its tags or triggers that a one-word coined name ends in part of, a blend: "robot" of "Insanobot"
   * (tagged "robot": an insane robot). The name is about that thing.
   */
  blendOf: string | undefined;
  /** Words that only describe, each alone in brackets: "wet" of "Chocolate (Wet) Style" says how the chocolate is. */
  qualifiers: readonly string[];
}

/** One word alone in round brackets: "(Wet)". */
const BRACKETED_WORD = /[(（]\s*(\p{L}+)\s*[)）]/gu;

/** What a picture is drawn or painted with: a pen sketch is no charcoal sketch. */
export const MEDIA = new Set(
  'pen ink pencil charcoal crayon pastel chalk marker watercolor watercolour oil acrylic gouache'.split(' '),
);

/** Name words that say which kind of adapter the thing before them is drawn as ("Corner store building"). */
const KIND_HEADS = new Set([...KIND_LABELS, 'building', 'scenery', 'landscape']);

/** Prepositions that end a name's head phrase: "Reflections on water", "Ocarina of Time". */
const HEAD_ENDS_BEFORE = new Set(['on', 'of', 'in', 'with', 'for', 'at', 'from', 'under', 'over']);

/**
 * Splits where names join their parts: "Kisaki (Blue Archive)", "Okuzora Kohaku | Idolmaster", "X / Y", and a maker's
 * label after a dot ("Logo.Redmond").
 */
const NAME_SEPARATORS = /[|/\\()[\]{}【】「」（）:：,，~—–]|\s-\s|\s+_\s+|(?<=\p{L})\.(?=\p{Lu})/u;
/** Where a name goes on to a part of what it began with: "Backrooms - Level 0 : "The Lobby"". */
const SUB_PART = /\s-\s|[:：]/u;
/** A maker's label written after a dot: "Logo.Redmond", "PixelArt.Redmond". */
const LABEL_AFTER_DOT = /(?<=\p{L})\.(?=\p{Lu})/u;
const TRIGGER_SEPARATORS = /[,，|]/;
/** A handle in square brackets that opens a name: "[LuisaP] Humanoid Robots", "[Toru8P] Keke Artstyle". */
const MAKER_HANDLE = /^\s*\[([^\]]*)\]/;
/**
 * One word in brackets that opens a name signs it: "[Y5]Renaissance style", "【Y5】Miko costume", "[Toru8P] Keke
 * Artstyle". Its letters and digits are a maker's handle, no model code (see foreignCodeIn).
 */
const LEADING_HANDLE = /^\s*[[【][\p{L}\p{N}_-]+[\]】]/u;
/** A user handle of letters and digits that opens a name as its owner: "zyd232's Ink Style" is an ink style. */
const POSSESSIVE_HANDLE = /^\s*\p{L}+\d+[\p{L}\d]*['’]s\s+/u;

/** A capital letter that ends a word: "DollZ", "ButterflyX"; not a version ("HomeV1"). */
const TRAILING_CAPITAL = /(?<![\p{L}])(\p{Lu}?\p{Ll}{2,})(\p{Lu})(?![\p{L}\p{N}])/gu;

/**
 * The name with a word and the capital letter that ends it written as one word, where its tags or triggers write them
 * so: "DollZ Style" (tagged "dollz") is a coined name, no doll's style. Elsewhere the letter stays a label
 * ("ButterflyX").
 */
function coinedSpellings(name: string, adapter: Adapter): string {
  if (!TRAILING_CAPITAL.test(name)) return name;
  TRAILING_CAPITAL.lastIndex = 0;
  // A maker's handle that opens the name signs it as written: "[LuisaP] Cyberpunk Portrait" (tagged "luisap").
  const handle = MAKER_HANDLE.exec(name)?.[0] ?? '';
  const written = new Set(
    [...adapter.tags, ...adapter.triggerWords].flatMap((text) => text.toLowerCase().match(/\p{L}+/gu) ?? []),
  );
  const rest = name.slice(handle.length).replace(TRAILING_CAPITAL, (whole, word: string, letter: string) => {
    const coined = `${word}${letter}`.toLowerCase();
    return written.has(coined) ? `${word}${letter.toLowerCase()}` : whole;
  });
  return `${handle}${rest}`;
}

/** A bracketed label before a name: "【Expression】", "[Concept]", "【Costume】【Cosplay】", "[LoRa]". */
const LEADING_LABEL = /^\s*[【[]([^】\]]*)[】\]]/u;

/** Words of a bracketed label that say what kind of adapter it is: the Civitai section it was filed under. */
const LABEL_WORDS = new Set([...KIND_LABELS, 'expression', 'pov', 'realistic', 'anime']);

/**
 * The name without the labels that file it before it ("【Expression】╯∇╰ Smug" is a smug face, for no gloomy
 * expression; "【Concept】【Pov】Push-ups" does push-ups, for no point of view). A bracket naming anything else stays:
 * a maker ("[LuisaP]") or a franchise ("【Persona 5】").
 */
function withoutKindLabels(name: string): string {
  let rest = name;
  for (let label = LEADING_LABEL.exec(rest); label; label = LEADING_LABEL.exec(rest)) {
    const words = (label[1] ?? '').toLowerCase().match(/\p{L}+/gu) ?? [];
    if (words.length === 0 || !words.every((word) => LABEL_WORDS.has(word) || FILE_WORDS.has(word))) break;
    rest = rest.slice(label[0].length);
  }
  return /\p{L}/u.test(rest) ? rest : name;
}

/** Adapter-format names written in mixed case, removed before camelCase splitting would cut them ("Lo RA"). */
const FORMAT_NAMES = /\b(lora|locon|loha|lycoris|lokr|dora)s?\b/gi;

/** The words of an adapter's text as written: a character's run-together name stays one word ("okuzorakohaku"). */
function writtenWords(text: string): string[] {
  return lemmas(joinSyllables(text.replace(FORMAT_NAMES, ' '))).filter(isContentWord);
}

/** Movements named "art" and a word that says little alone: "art deco", "art nouveau" (no "deco" of home decor). */
const ART_MOVEMENTS = new Set(['deco', 'nouveau']);

/**
 * Whether a name's "art" (a word every style says, dropped as such) is part of an art movement's name: "ArtDecoAI"
 * names art deco, for an art deco poster; "deco" alone would be no look, and no "nouveau riche" man is art nouveau.
 */
function namesAnArtMovement(words: readonly string[], index: number): boolean {
  return words[index] === 'art' && ART_MOVEMENTS.has(words[index + 1] ?? '');
}

/** A written word as read: a run-together one apart ("gameiconresearch" -> game icon research). */
const readWord = (word: string) => splitCompound(word)?.filter(isContentWord) ?? [word];

/** The words of an adapter's text as read: run-together words apart ("Gameiconresearch" -> game icon research). */
function contentWords(text: string): string[] {
  return writtenWords(text).flatMap(readWord);
}

/**
 * Tags and trigger words are shared by many records: a few thousand texts over hundreds of thousands of adapters (over
 * 1,000 compositions at 300K adapters, 650K tags of profiles built, 3,400 distinct), and splitting them again for every
 * record was a third of a composition's CPU and most of its garbage. So their words are remembered, a bounded number
 * (names are mostly unique: they are not). The arrays are shared, so nobody may change them.
 */
const sharedWords = new Memo<string, readonly string[]>(8192);
const sharedWrittenWords = new Memo<string, readonly string[]>(4096);
const triggerParts = new Memo<string, readonly string[]>(4096);

function sharedContentWords(text: string): readonly string[] {
  return sharedWords.through(text, contentWords);
}

const sharedPhrases = new Memo<string, readonly string[]>(8192);

/**
 * The words of a trigger or a tag that must all be in a task: its content words, and a short word that says which
 * kind of the one after it ("jk" of "jk suit", a Japanese school uniform, is no suit for a man in a suit and tie).
 */
function sharedPhraseWords(text: string): readonly string[] {
  return sharedPhrases.through(text, () => {
    const words = sharedContentWords(text);
    const written = lemmas(text);
    const qualifier = written.findIndex(
      (word, index) => SHORT_QUALIFIER.test(word) && !isStopword(word) && written[index + 1] === words[0],
    );
    return words.length === 1 && qualifier >= 0 ? [written[qualifier] ?? '', ...words] : words;
  });
}

/** Two letters: an abbreviation that names a kind ("jk", "ww"), too short to be a content word of its own. */
const SHORT_QUALIFIER = /^[a-z]{2}$/;

/** The phrases of one trigger-word entry ("blue hair, twintails" has two), cleaned of prompt syntax. */
function triggerPhrases(entry: string): readonly string[] {
  return triggerParts.through(entry, () =>
    entry
      .replace(/<[^>]*>/g, ' ')
      .replace(/^\s*tags?\s*:/i, ' ')
      .replace(/\\/g, '')
      .split(TRIGGER_SEPARATORS),
  );
}

/**
 * Profiles live as long as their record object: the store's record cache decides how many stay. (A second cache by
 * text was tried: 8,192 profiles were 21 MB of live heap for a third of the rebuilds saved.)
 */
const profiles = new WeakMap<Adapter, AdapterProfile>();

/** The adapter's phrases and name words; cached per record object (stores hand back the same objects). */
export function profileOf(adapter: Adapter): AdapterProfile {
  let profile = profiles.get(adapter);
  if (!profile) {
    profile = buildProfile(adapter);
    profiles.set(adapter, profile);
  }
  return profile;
}

/** Tags and name words of a card that draws a series' cast: "characterpack", "Girlpack", "(style, 90+ characters)". */
const CAST_PACK_TAGS = new Set(['characterpack', 'girlpack', 'boypack', 'character pack', 'girl pack']);
const CAST_PACK_NAME =
  /\b(?:girl\s?pack|boy\s?pack|characters?\s?pack|\d+\+?\s+(?:girls|characters)|(?:supporting|side|main)\s+characters)\b/i;

/** Whether a card draws a series' cast, each called by a trigger, rather than one character. */
export function isCastPack(adapter: Adapter): boolean {
  return adapter.tags.some((tag) => CAST_PACK_TAGS.has(tag.toLowerCase())) || CAST_PACK_NAME.test(adapter.name);
}

/** "from" between a character's name and her series: "Gwen from League of Legends". */
const FROM_SERIES = /\s+from\s+/i;

function buildProfile(adapter: Adapter): AdapterProfile {
  // A character card's "from" parts its name as a dash would: "Gwen from League of Legends" is Gwen, of a series.
  const written = adapter.category === 'character' ? adapter.name.replace(FROM_SERIES, ' | ') : adapter.name;
  const name = coinedSpellings(withoutKindLabels(written.replace(POSSESSIVE_HANDLE, '')), adapter);
  const phrases: Phrase[] = [];
  const add = (text: string, words: readonly string[], kind: Phrase['kind']) => {
    if (words.length > 0 && words.length <= 6) phrases.push({ text: text.trim(), words, kind });
  };
  const nameSegments = joinSyllables(name)
    .split(NAME_SEPARATORS)
    .filter((segment) => segment.trim() !== '');
  // Each part split into words once: splitting is most of a profile's cost, and profiles are built for every candidate.
  const segmentLemmas = nameSegments.map((segment) => lemmas(segment.replace(FORMAT_NAMES, ' ')));
  const segmentWrittenWords = segmentLemmas.map((words) =>
    words.filter((word, index) => isContentWord(word) || namesAnArtMovement(words, index)),
  );
  const segmentWords = segmentWrittenWords.map((words) => words.flatMap(readWord));
  for (const [index, segment] of nameSegments.entries()) add(segment, segmentWords[index] ?? [], 'name');
  const triggers = adapter.triggerWords.flatMap(triggerPhrases);
  for (const trigger of triggers.slice(0, 40)) add(trigger, sharedPhraseWords(trigger), 'trigger');
  for (const tag of adapter.tags) add(tag, sharedPhraseWords(tag), 'tag');

  // Latin-script words only: a Han or kana rendering of the name ("柯基" beside "CORGI") says it again, it is not
  // more of what the name asks for.
  const nameWords = [...new Set(segmentWords.flat())].filter((word) => LATIN_WORD.test(word));
  const writtenNameWords = [...new Set(segmentWrittenWords.flat())].filter((word) => LATIN_WORD.test(word));
  // Each word of a longer name is a phrase of its own too: "statue" of "Stone Statue" (the evidence rules below decide
  // whether one word is enough).
  if (nameWords.length > 1) for (const word of nameWords) phrases.push({ text: word, words: [word], kind: 'name' });
  // The last two words of a longer name say what it draws ("Modern Apartment Building": an apartment building).
  for (const segment of segmentWords) {
    const words = segment.filter((word) => LATIN_WORD.test(word));
    const head = words[words.length - 1] ?? '';
    if (words.length >= 3 && !FRAMING_WORDS.has(head))
      phrases.push({ text: words.slice(-2).join(' '), words: words.slice(-2), kind: 'name' });
  }
  const identityWords = new Set<string>();
  const identityPhrases: (readonly string[])[] = [];
  const isNameLike = (word: string) =>
    word.length >= 3 &&
    !APPEARANCE_WORDS.has(word) &&
    !FRAMING_WORDS.has(word) &&
    !TERMS_NO_NAMES.has(word) &&
    !isDictionaryWord(word);
  const fullNames: (readonly string[])[] = [];
  const castPack = adapter.category === 'character' && isCastPack(adapter);
  // More name-like words than a name has are a title: "Kono Subarashii Sekai ni Bakuen wo!" names KonoSuba's spin-off.
  const isTitle = (words: readonly string[]) => words.filter(isNameLike).length > MAX_NAME_WORDS;
  const titleWords = new Set(segmentWrittenWords.filter(isTitle).flat());
  for (const word of writtenNameWords) if (isNameLike(word)) identityWords.add(word);
  for (const segment of segmentWrittenWords) {
    // A Han or kana rendering beside a Latin name says it again: "Violet Evergarden 薇尔莉特·伊芙加登" is named by "violet
    // evergarden". Not beside Latin words that only say what it is: "Maid Costume 不挠 女仆皮肤" is Indomitable's (不挠)
    // maid costume, named by no "maid costume". A part in Han or kana only is a name of its own.
    const latin = segment.filter((word) => LATIN_WORD.test(word));
    const rendered = latin.length > 0 && latin.length < segment.length;
    const written = rendered && latin.some(isNameLike) ? latin : segment;
    const words = written.filter((word) => !APPEARANCE_WORDS.has(word) && !FRAMING_WORDS.has(word));
    if (words.length >= 2) identityPhrases.push(words);
    // A full name is every word written in that part ("Tokyo Girl" is named by "tokyo girl", not by Tokyo), and it
    // names someone: a name-like word, or two words beyond how someone looks ("glory wall", not "yellow dress").
    if (words.some(isNameLike) || words.length >= 2 || colourAfterNoun(adapter, written)) fullNames.push(written);
  }
  const nameIdentity = [...identityWords, ...identityPhrases.map((phrase) => phrase.join(' '))];
  const nameFullNames = [...fullNames];
  // Triggers are often the character's name ("okuzora kohaku", "wendy marvell"), followed by appearance tags.
  for (const trigger of triggers) {
    const words = sharedWrittenWords.through(trigger, writtenWords);
    // So is a trigger: "kono subarashii sekai ni shukufuku wo!" is KonoSuba, no Megumin.
    if (
      !isTitle(words) &&
      words.some(isNameLike) &&
      words.every((word) => !APPEARANCE_WORDS.has(word) && !TERMS_NO_NAMES.has(word))
    ) {
      for (const word of words) if (isNameLike(word)) identityWords.add(word);
      // A whole name: two name-like words at least ("inaba tewi"); one alone is as often an outfit's ("bowtie"),
      // except in a pack of a series' cast, whose one-word triggers are its cast: "esdeath" of "Akame ga Kill! Ultimate
      // Girl Pack".
      if (words.filter(isNameLike).length >= 2 || (castPack && words.length === 1)) fullNames.push(words);
    }
  }
  // A character's name with a word for a person in it, that her trigger says whole, is how her card calls her:
  // "Wonder Woman" (trigger "wonder woman"), "Crystal Maiden". A "cute girl" no trigger says so names no one.
  const [firstPart] = segmentWrittenWords;
  if (
    adapter.category === 'character' &&
    firstPart !== undefined &&
    firstPart.length >= 2 &&
    firstPart.length <= MAX_NAME_WORDS &&
    !fullNames.some((each) => each.join(' ') === firstPart.join(' ')) &&
    firstPart.some((word) => !APPEARANCE_WORDS.has(word) && !FRAMING_WORDS.has(word)) &&
    triggers.some((trigger) => sharedWrittenWords.through(trigger, writtenWords).join(' ') === firstPart.join(' '))
  ) {
    fullNames.push(firstPart);
    nameFullNames.push(firstPart);
  }
  const segments = segmentWords.filter((words) => words.length > 0);
  // The parts of the name after its first dash or colon: "Level 0", "The Lobby" of "Backrooms - Level 0 : "The Lobby"".
  const firstParts = (joinSyllables(name).split(SUB_PART)[0] ?? '').split(NAME_SEPARATORS).length;
  const subParts = segmentWords.slice(firstParts).filter((words) => words.length > 0);
  const leadWords =
    subParts.length > 0
      ? segmentWords
          .slice(0, firstParts)
          .flat()
          .filter((word) => LATIN_WORD.test(word))
      : [];
  // A stopword that says which kind of the word after it: "still" of "still life" (a genre, no life).
  const qualifiedParts = new Map<readonly string[], readonly string[]>();
  segmentLemmas.forEach((all, index) => {
    const written = all.filter((word) => LATIN_WORD.test(word) && !FILE_WORDS.has(word) && !ARTICLES.has(word));
    const qualifies = written.some(
      (word, at) => isStopword(word) && at + 1 < written.length && isContentWord(written[at + 1] ?? ''),
    );
    const words = segmentWords[index];
    if (qualifies && words) qualifiedParts.set(words, written);
  });
  // A maker's handle in brackets before the name signs it, it brings nothing in: "[LuisaP] Humanoid Robots".
  const makerWords = new Set(contentWords(MAKER_HANDLE.exec(name)?.[1] ?? ''));
  const properWords = nameWords.filter(
    (word) => word.length >= 3 && !isDictionaryWord(word) && /^[a-z]+$/.test(word) && !makerWords.has(word),
  );
  const shortHeads: string[] = [];
  const segmentHeads = segmentLemmas.flatMap((all) => {
    // What follows a preposition says where or which: "Reflections on water" draws reflections.
    const preposition = all.findIndex((word, index) => index > 0 && HEAD_ENDS_BEFORE.has(word));
    const words = (preposition > 0 ? all.slice(0, preposition) : all).filter(
      (word) =>
        LATIN_WORD.test(word) &&
        /^[a-z]{2,}$/.test(word) &&
        !isStopword(word) &&
        !FILE_WORDS.has(word) &&
        !FRAMING_WORDS.has(word),
    );
    const head = words.at(-1);
    if (head === undefined) return [];
    if (!isContentWord(head) && words.some(isContentWord)) shortHeads.push(head);
    const heads = [splitCompound(head)?.at(-1) ?? head];
    // A kind of adapter after the thing says what the thing is drawn as: "Corner store building" draws a store,
    // "School Building Scenery" a school.
    for (let index = words.length - 1; index > 0 && KIND_HEADS.has(words[index] ?? ''); index--) {
      const before = words[index - 1];
      if (before !== undefined) heads.push(before);
    }
    return heads;
  });
  // A look word in a character's series ("Cyberpunk Edgerunners" of "Rebecca / Cyberpunk Edgerunners") is the title's,
  // no look she is drawn in; a part of look words only still is one ("Hatsune Miku (Pixel art)").
  const titled = (words: readonly string[]) =>
    words.some(
      (word) => word.length >= 3 && LATIN_WORD.test(word) && !isDictionaryWord(word) && !NAMED_LOOKS.has(word),
    );
  const lookParts =
    adapter.category === 'character'
      ? segmentLemmas.filter((words, index) => index === 0 || !titled(words))
      : segmentLemmas;
  const looks = looksOfWords(lookParts.flat(), name);
  const firstWords = (segmentLemmas[0] ?? []).filter((word) => !FILE_WORDS.has(word));
  const labels = segmentWords.slice(1);
  const isLabel = (words: readonly string[]) => words.every((word) => properWords.includes(word));
  // A maker's label comes after a dot ("Logo.Redmond"); a part after a dash or a bar is as often who it draws: "Naruto
  // - Samui" is a character of Naruto, no Naruto for anyone who names him.
  const labelledName =
    firstWords.length === 1 && labels.length > 0 && labels.every(isLabel) && LABEL_AFTER_DOT.test(name)
      ? firstWords[0]
      : undefined;
  return {
    phrases,
    nameWords,
    identityWords,
    identityPhrases,
    nameIdentity,
    titleWords,
    fullNames,
    nameFullNames,
    nameSegments: segments,
    subParts,
    leadWords,
    qualifiedParts,
    segmentHeads,
    shortHeads,
    properWords,
    looks,
    labelledName,
    relation: relationOf(segmentLemmas),
    codes: codesOf(name.replace(LEADING_HANDLE, ' ')),
    titleInitials: titleInitialsOf(name),
    transformsSubject: adapter.triggerWords.some(
      (trigger) => trigger.split(/\s+/).length <= MAX_TEMPLATE_WORDS && TRANSFORMS.test(trigger.replace(/_/g, ' ')),
    ),
    triggerOrigins:
      adapter.category === 'character'
        ? []
        : [
            ...new Set(
              triggers
                .flatMap((trigger) => sharedWrittenWords.through(trigger, writtenWords))
                .map(originOf)
                .filter((origin): origin is string => origin !== undefined && !looks.includes(origin)),
            ),
          ],
    styleOf: styleOf(segmentLemmas),
    namedThing: namedThingOf(segmentLemmas),
    productOf: productOf(segmentLemmas),
    interiorOf: segmentLemmas
      .map((words) => words[words.findIndex((word) => NAMED_LOOKS.get(word) === 'interior') - 1])
      .find((word) => word !== undefined && isContentWord(word)),
    artist: segmentWords
      .filter((_, index) => /\b(art)?style\b/i.test(nameSegments[index] ?? ''))
      .flat()
      .find((word) => properWords.includes(word)),
    blendOf: blendOf(nameWords, phrases),
    qualifiers: [...name.matchAll(BRACKETED_WORD)]
      .map((match) => (match[1] ?? '').toLowerCase())
      .filter((word) => nameWords.includes(word) && describes(word)),
    media: [
      ...new Set(
        [...nameWords, ...triggers.flatMap((trigger) => sharedWrittenWords.through(trigger, writtenWords))].filter(
          (word) => MEDIA.has(word),
        ),
      ),
    ],
  };
}

/** Letters a blend shares with the end of the word it is made from, and letters of its own before them. */
const BLEND_ENDING = 4;
const BLEND_START = 3;

/**
 * The word of `phrases` (one word, a dictionary word) that a coined `name` ends in the end of, where that end is no
 * word of its own: "Insanobot" ends in "obot" of "robot". Not a name that ends in the whole word ("Supercutecat": see
 * joinedWith in evidence-kinds.ts), nor a shared word ("Openjourney" of "midjourney").
 */
function blendOf(nameWords: readonly string[], phrases: readonly Phrase[]): string | undefined {
  const [name, other] = nameWords;
  if (name === undefined || other !== undefined || isDictionaryWord(name)) return undefined;
  return phrases.find(({ kind, words: [word, more] }) => {
    if (kind === 'name' || word === undefined || more !== undefined || name.endsWith(word)) return false;
    if (word.length <= BLEND_ENDING || !isDictionaryWord(word)) return false;
    const ending = word.slice(-BLEND_ENDING);
    return name.endsWith(ending) && name.length - ending.length >= BLEND_START && !isDictionaryWord(ending);
  })?.words[0];
}

/** A product of someone's or of one kind: see AdapterProfile.productOf. */
function productOf(segmentLemmas: readonly (readonly string[])[]): readonly string[] {
  return segmentLemmas.flatMap((words) => {
    const at = words.indexOf('product');
    return at > 0
      ? words
          .slice(0, at)
          .filter(
            (word) => LATIN_WORD.test(word) && /^\p{L}{2,}$/u.test(word) && !isStopword(word) && !FILE_WORDS.has(word),
          )
      : [];
  });
}

function namedThingOf(segmentLemmas: readonly (readonly string[])[]): readonly string[] {
  // A part in Han or kana says it again ("girls in glass bottle/瓶中少女").
  const latin = segmentLemmas.filter((words) => words.some((word) => LATIN_WORD.test(word)));
  const [only] = latin;
  if (!only || latin.length !== 1) return [];
  const preposition = only.findIndex((word, index) => index > 0 && HEAD_ENDS_BEFORE.has(word));
  return preposition > 0 ? only.slice(0, preposition).filter(isContentWord).flatMap(readWord) : [];
}

/**
 * Whether a character's name part is a word and a colour after it, as English writes a name and no description ("Lily
 * White", "Snow White"; "yellow dress" puts its colour first).
 */
function colourAfterNoun(adapter: Adapter, written: readonly string[]): boolean {
  const [noun, colour, more] = written;
  return (
    adapter.category === 'character' &&
    more === undefined &&
    noun !== undefined &&
    colour !== undefined &&
    COLOUR_WORDS.has(colour) &&
    !APPEARANCE_WORDS.has(noun)
  );
}

/** How a prompt or a trigger says a subject is made of something or shaped like it. */
export const TRANSFORMS = /\b(made (out )?of|looks? like|shaped like|in the shape of|turned into|formed (of|from))\b/i;

/** A trigger longer than this is a sample prompt, not a template for the subject. */
const MAX_TEMPLATE_WORDS = 8;

/** The most words a person's name has: "nana asta deviluke". */
const MAX_NAME_WORDS = 3;

/** Articles: "The Lobby" says a lobby. */
export const ARTICLES = new Set(['a', 'an', 'the']);

/**
 * The place or time a word says a picture is set in ("medieval", "japan" as "japanese"). Not "futuristic" or
 * "underwater": a cyberpunk scene's "futuristic city" says what a cyberpunk city is, no world of its own.
 */
export function originOf(word: string): string | undefined {
  const origin = NAMED_LOOKS.get(word) ?? word;
  return LOOK_ORIGINS.has(origin) && origin !== 'futuristic' && origin !== 'underwater' ? origin : undefined;
}
