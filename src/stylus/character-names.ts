import type { Adapter } from '../catalog/adapter.js';
import { containsPhrase, lemmas, splitWords } from '../catalog/classify/words.js';
import { isStopword, rawTokens } from '../catalog/text.js';
import { Memo } from '../util/memo.js';
import { type AdapterProfile, isCastPack, type Phrase, profileOf } from './adapter-profile.js';
import { isDictionaryWord } from './dictionary.js';
import { clausesOf } from './evidence-kinds.js';
import { describesSomeone, namesSomeone, PEOPLE_WORDS } from './evidence-people.js';
import { STUDIOS, taskWordSet } from './evidence-text.js';
import {
  APPEARANCE_WORDS,
  isContentWord,
  joinSyllables,
  KIND_LABELS,
  LATIN_WORD,
  LOOK_WORDS,
  NAMED_LOOKS,
} from './evidence-words.js';
import { lexiconClass } from './segment.js';

/**
 * Who a task names: the trust rule that a character adapter is picked only for a task naming that character, by one
 * of its full names, never by its franchise's name alone ("a gundam", "genshin impact landscape"), unless the
 * franchise is named after that character ("naruto": see FranchiseNames).
 */

/** A franchise's characters bring at least this many names of their own beside the franchise's. */
const CHARACTERS_OF_A_FRANCHISE = 3;

/**
 * The words and phrases of character names that name a franchise, not a character: each comes with at least three
 * other names, each in at most half of the character adapters among `adapters` that hold it ("genshin" comes with
 * keqing, raiden, lisa...; "street fighter" with ibuki, chun...; "gundam" with sumeragi and the rest of Gundam 00's
 * cast). The adapters of one character share their other words ("Keqing | Genshin Impact" five times, one "Ganqing
 * (Keqing + Ganyu)"), so "keqing" stays a name.
 */
export function franchiseNames(adapters: Iterable<Adapter>): FranchiseNames {
  const holders = new Map<string, AdapterProfile[]>();
  const franchises = new FranchiseNames();
  for (const adapter of adapters) {
    if (adapter.category === 'style') franchises.styles.push(adapter);
    if (adapter.category !== 'character') {
      franchises.others.push(adapter);
      continue;
    }
    const profile = profileOf(adapter);
    franchises.characters.push(profile);
    for (const key of profile.nameIdentity) {
      const list = holders.get(key);
      if (list) list.push(profile);
      else holders.set(key, [profile]);
    }
  }
  for (const [key, list] of holders) {
    if (list.length < 2) continue;
    const inKey = new Set(key.split(' '));
    const counts = new Map<string, number>();
    // Name words only: trigger words are often one adapter's own tokens ("keqingdef", "keqingrnd").
    for (const profile of list)
      for (const word of profile.nameIdentity)
        if (!word.includes(' ') && !inKey.has(word)) counts.set(word, (counts.get(word) ?? 0) + 1);
    const ownNames = [...counts.values()].filter((count) => count <= list.length / 2).length;
    if (ownNames < CHARACTERS_OF_A_FRANCHISE) continue;
    // Its cast are two cards or more, each with a name of its own: "rory mercury" of "Rory Mercury | 2 Outfits" and
    // "Rory Mercury | Gate: Jieitai Kanochi nite, Kaku Tatakaeri" is one character, the second card naming her series.
    const isOwn = (word: string) =>
      !word.includes(' ') && !inKey.has(word) && (counts.get(word) ?? 0) <= list.length / 2;
    if (list.filter((profile) => profile.nameIdentity.some(isOwn)).length < 2) continue;
    // What most of them are triggered by, and nothing more, is her name however many names beside it: "megumin" of
    // "Megumin - Konosuba", "Megumin Bakuen edition" and "Konosuba-Megumin"; "anna yamada" of two cards, one triggered
    // by "Yamada Anna".
    const keyWords = [...inKey];
    if (list.filter((profile) => triggeredByAll(profile, keyWords)).length > list.length / 2) continue;
    // So is a full name most of them share as a trigger: "kamado nezuko" of "Nezuko (Demon Slayer / Kimetsu No Yaiba)",
    // "Esthetic Nezuko Kamado" and "Nezuko | Demon Slayer". A franchise's cast are triggered by names of their own.
    if (sharedTriggerHolding(list, keyWords) > list.length / 2) continue;
    franchises.add(key);
  }
  for (const key of franchises) {
    if (key.includes(' ')) continue;
    const cast = holders.get(key) ?? [];
    for (const profile of cast)
      for (const name of profile.fullNames) {
        const other = name.length === 2 && name.includes(key) ? name.find((word) => word !== key) : undefined;
        // A family name her cast shares ("naruto uzumaki"), or a rank before the franchise's word: "The Legend of
        // Zelda" is named after "Princess Zelda".
        const titled = other !== undefined && RANKS.has(other) && name[1] === key;
        if (other !== undefined && (titled || isFamilyName(other, key, cast)))
          franchises.titleCharacters.add(name.join(' '));
      }
  }
  return franchises;
}

/** How many of `cast` share their most shared trigger of at most three words that holds all of `keyWords`. */
function sharedTriggerHolding(cast: readonly AdapterProfile[], keyWords: readonly string[]): number {
  const counts = new Map<string, number>();
  for (const profile of cast) {
    const holding = new Set(
      profile.phrases
        .filter(
          (phrase) =>
            phrase.kind === 'trigger' &&
            phrase.words.length <= 3 &&
            keyWords.every((word) => phrase.words.includes(word)),
        )
        .map((phrase) => [...phrase.words].sort().join(' ')),
    );
    for (const trigger of holding) counts.set(trigger, (counts.get(trigger) ?? 0) + 1);
  }
  return Math.max(0, ...counts.values());
}

/** Ranks written before a name: "Princess Zelda", "King Dedede", "Captain Falcon". */
const RANKS = new Set(['princess', 'prince', 'queen', 'king', 'lady', 'lord', 'captain', 'emperor', 'empress']);

/**
 * The names of a franchise's characters (see franchiseNames), and of the character the franchise is named after: the
 * franchise's name and a family name its other characters share ("naruto uzumaki", as "kushina uzumaki" and
 * "himawari uzumaki" are). A task that names the franchise names that character: "naruto eating ramen".
 */
export class FranchiseNames extends Set<string> {
  readonly titleCharacters = new Set<string>();
  /** The candidate characters' profiles and the other candidates, read only when a one-word name is asked about. */
  readonly characters: AdapterProfile[] = [];
  readonly others: Adapter[] = [];
  private partnersOf: Map<string, Set<string>> | undefined;
  private worlds: Set<string> | undefined;

  /**
   * For each word of a character's full name, the other words it is written beside in the candidates' names ("raiden":
   * shogun, mei; "goku": son); a name of that word alone counts as a partner of its own ('').
   */
  get partners(): ReadonlyMap<string, ReadonlySet<string>> {
    if (!this.partnersOf) {
      const partners = new Map<string, Set<string>>();
      for (const profile of this.characters)
        for (const name of profile.nameFullNames)
          for (const word of name) {
            const partner = name.length === 1 ? '' : name.filter((other) => other !== word).join(' ');
            const known = partners.get(word);
            if (known) known.add(partner);
            else partners.set(word, new Set([partner]));
          }
      this.partnersOf = partners;
    }
    return this.partnersOf;
  }

  /** The name and tag words of the candidates that are no character: a world, a place, a thing, a look. */
  get worldWords(): ReadonlySet<string> {
    if (!this.worlds) {
      const words = new Set<string>();
      for (const adapter of this.others)
        for (const phrase of profileOf(adapter).phrases)
          if (phrase.kind !== 'trigger') for (const word of phrase.words) words.add(word);
      this.worlds = words;
    }
    return this.worlds;
  }
  /** The candidate styles, whose look names are read only when a one-word name is asked about (rarely). */
  readonly styles: Adapter[] = [];
  private looks: Set<string> | undefined;

  /** Two words a style's tag, trigger or name says together, written as one: see addLookNames. */
  get lookNames(): ReadonlySet<string> {
    if (!this.looks) {
      this.looks = new Set();
      for (const style of this.styles) addLookNames(this.looks, profileOf(style));
    }
    return this.looks;
  }
}

/**
 * The pairs of words a style says together ("ligne claire" of "Ligne Claire Anime Style LoRA", tagged "ligne
 * claire"): a look's name, so a character's name written inside it names no one.
 */
function addLookNames(names: Set<string>, profile: AdapterProfile): void {
  for (const phrase of profile.phrases)
    for (const [index, word] of phrase.words.entries()) {
      const next = phrase.words[index + 1];
      if (next !== undefined) names.add(`${word} ${next}`);
    }
}

/**
 * Whether `word` is a family name among the characters of franchise `key`: another character's two-word full name,
 * without the franchise's, holds it beside a given name ("kushina uzumaki"). A character's own name alone ("Keqing |
 * Genshin Impact") is no family name, so "Genshin Keqing" would be no title character.
 */
function isFamilyName(word: string, key: string, cast: readonly AdapterProfile[]): boolean {
  // A name the adapter is called by, not a trigger ("qingque hsr" is Qingque and her game's initials), and one who is
  // called by it alone has it as her name: "qingque" of "Qingque | Honkai Star Rail" is no family name, so
  // "Qingque_青雀_Honkai: Star Rail" is no title character of Honkai.
  return cast.some(
    (profile) =>
      !profile.fullNames.some((name) => name.length === 1 && name[0] === word) &&
      profile.nameFullNames.some(
        (name) =>
          name.length === 2 &&
          name.includes(word) &&
          !name.includes(key) &&
          name.some((other) => other !== word && profile.identityWords.has(other)),
      ),
  );
}

/**
 * Whether a task names the character an adapter depicts: one of its full names whole (see AdapterProfile.fullNames),
 * not a franchise's (`franchises`: see franchiseNames), or two of its name-like words ("raiden shogun", where each
 * alone is shared by Raiden Shogun and Raiden Mei). "a gundam" names no Gundam character, "Mona Lisa" no Lisa Simpson.
 */
export function taskNamesCharacter(
  task: string,
  adapter: Adapter,
  franchises: ReadonlySet<string> = new Set(),
  /** The whole prompt the task is part of: see plainWordsName. */
  prompt: string = task,
): boolean {
  return characterNamedIn(task, adapter, franchises, prompt) !== undefined;
}

/**
 * Whether a name of two words or more that the card writes as one, in its name or a trigger ("KillJoy", read "kill
 * joy"; "Peni Parker" triggered by "peniparker"), is one word of the task ("killjoy", "peniparker"), as members write
 * it after the card. Not a franchise's ("konosuba" names none of its cast).
 */
function writtenTogether(
  name: readonly string[],
  words: ReadonlySet<string>,
  adapter: Adapter,
  franchises: ReadonlySet<string>,
): boolean {
  if (name.length < 2) return false;
  const joined = name.join('');
  return (
    words.has(joined) &&
    !franchises.has(joined) &&
    [adapter.name, ...adapter.triggerWords].some((text) => rawTokens(text).includes(joined))
  );
}

const joinedTaskWords = new Memo<string, ReadonlySet<string>>(64);

/**
 * The task's words, and each pair of them one of at most two letters written as one: a romanised name is written
 * apart as often as not ("hu tao" is Hu Tao's "hutao", "chun li" Chun-Li's "chunli"), and a word of two letters
 * is no word of the task's own.
 */
function withSyllablesJoined(task: string): ReadonlySet<string> {
  return joinedTaskWords.through(task, () => {
    const words = taskWordSet(task);
    const written = taskLemmas.through(task, lemmas);
    const joined = written.flatMap((word, index) => {
      const next = written[index + 1];
      if (next === undefined || !/^[a-z]+$/.test(word + next) || (word.length > 2 && next.length > 2)) return [];
      return word.length + next.length >= 5 && !isStopword(word) && !isStopword(next) ? [word + next] : [];
    });
    return joined.length === 0 ? words : new Set([...words, ...joined]);
  });
}

/**
 * Whether two names by which a prompt calls characters (characterNamedIn's) are one character: past ranks and the
 * franchise words written beside them, the words of one hold the other's. "zelda" and "princess zelda" are one
 * Princess Zelda, "hu tao" written twice one Hu Tao; "zelda" and "link zelda" (Link, named with his series) are two.
 * Two LoRAs of one character draw her once, worse than one of them.
 */
export function namesOneCharacter(name: string, other: string, franchises: ReadonlySet<string>): boolean {
  const identity = (key: string) => {
    const unranked = key.split(' ').filter((word) => !RANKS.has(word));
    const own = unranked.filter((word) => !franchises.has(word));
    return new Set(own.length > 0 ? own : unranked);
  };
  const mine = identity(name);
  const theirs = identity(other);
  return [...mine].every((word) => theirs.has(word)) || [...theirs].every((word) => mine.has(word));
}

/** The lemmas of the tasks asked about lately: the composer asks for each character candidate. */
const taskLemmas = new Memo<string, string[]>(64);

/** The name (a word or words) by which `task` names the character of `adapter`, if it does: see taskNamesCharacter. */
export function characterNamedIn(
  task: string,
  adapter: Adapter,
  franchises: ReadonlySet<string> = new Set(),
  /** The whole prompt the task is part of: see plainWordsName. */
  prompt: string = task,
): string | undefined {
  const name = nameIn(task, adapter, franchises, prompt);
  if (
    name !== undefined &&
    (onlyAsAPlural(task, name, adapter) || givenAsAName(prompt, name) || ofAnotherSeries(prompt, name, adapter))
  )
    return undefined;
  // A pack of a series' cast is named by one of its cast, never by the series its card is named after: "Mushoku
  // Tensei - Girlpack" for no "mushoku tensei at the beach", still for "kitagawa marin" of "My Dress-Up Darling -
  // Characters - Girlpack" (her trigger).
  if (name === undefined || !isCastPack(adapter)) return name;
  // The series is what the card's name opens with, up to the part that says it is a pack; its cast may follow ("... |
  // 4 girl pack: Chizuru, Mami, Ruka, Sumi", "Love is War: Kaguya-sama wa Kokurasetai | 5 Girl pack: Chika, ...").
  // Or what it is "of": "JUJUTSU SORCERERS | Depository of Jujutsu Kaisen Characters".
  const segments = profileOf(adapter).nameSegments;
  const packAt = segments.findIndex(
    (part) => part.some((word) => PACK_WORDS.has(word)) || (part.length === 1 && PEOPLE_WORDS.has(part[0] ?? '')),
  );
  const opening = segments.slice(0, Math.max(1, packAt));
  const series = new Set([...opening.flat(), ...wordsAfterOf(adapter.name)]);
  return name.split(' ').every((word) => series.has(word)) ? undefined : name;
}

/** Words of a card's name that say it draws a cast: "5 Girl pack", "supporting characters". */
const PACK_WORDS = new Set(['pack', 'girlpack', 'boypack', 'characterpack', 'character']);

/**
 * Whether the prompt gives a one-word name to someone of its own: "a girl named honoka", "a cat called luna" ask for
 * no Honoka of Dead or Alive, no Luna of any card.
 */
function givenAsAName(prompt: string, name: string): boolean {
  if (name.includes(' ')) return false;
  const written = splitWords(prompt);
  return written.some((word, at) => word === name && GIVES_A_NAME.has(written[at - 1] ?? ''));
}

const GIVES_A_NAME = new Set(['named', 'called', 'nicknamed']);

/** Booru's views, written after "from": "asuka from behind" says where we see her from, no series. */
const VIEWS = new Set(['behind', 'above', 'below', 'side', 'front', 'back', 'afar', 'distance', 'outside', 'inside']);
/** How many words of a series after "from" are read: its opening ("street fighter" of "... in a park"). */
const SERIES_OPENING = 2;

/**
 * Whether every time the prompt writes the name it says her series after "from", and her card says no word of it,
 * nor its initials: "ashe from league of legends" is no Ashe of Overwatch, "mika from street fighter" no Mika of Blue
 * Archive. (Brackets are gone by now: members write them for emphasis, see prompt-clean.ts.)
 */
function ofAnotherSeries(prompt: string, name: string, adapter: Adapter): boolean {
  const written = splitWords(prompt);
  const own = new Set(splitWords([adapter.name, ...adapter.tags, ...adapter.triggerWords].join(' ')).flatMap(lemmas));
  const initials = seriesInitialsOf(adapter);
  const nameWords = name.split(' ');
  const saysSeries = (at: number) => {
    let from = at + nameWords.length;
    if (written[from] !== 'from') return false;
    from += written[from + 1] === 'the' ? 2 : 1;
    const series = written
      .slice(from, from + SERIES_OPENING + 1)
      .filter((word) => !isStopword(word))
      .slice(0, SERIES_OPENING);
    if (series.length === 0 || series.some((word) => VIEWS.has(word))) return false;
    return !series.some((word) => own.has(word) || lemmas(word).some((lemma) => own.has(lemma)) || initials.has(word));
  };
  const at = written.flatMap((_, index) =>
    nameWords.every((part, offset) => written[index + offset] === part) ? [index] : [],
  );
  return at.length > 0 && at.every(saysSeries);
}

/**
 * Whether a one-word name is in `task` only as a plural the card never writes: "award winning photo of candices" asks
 * for no Candice, though "candices" folds to her name as "horses" folds to "horse". "thomas" is no plural of
 * "thoma": a card that writes "Thomas" is named by it.
 */
function onlyAsAPlural(task: string, name: string, adapter: Adapter): boolean {
  if (name.includes(' ')) return false;
  const written = splitWords(task);
  if (written.includes(name)) return false;
  const plurals = written.filter((word) => word !== name && lemmas(word)[0] === name);
  if (plurals.length === 0) return false;
  const own = new Set(splitWords([adapter.name, ...adapter.triggerWords].join(' ')));
  return !plurals.some((word) => own.has(word));
}

function nameIn(task: string, adapter: Adapter, franchises: ReadonlySet<string>, prompt: string): string | undefined {
  const words = withSyllablesJoined(task);
  const profile = profileOf(adapter);
  // A name that says a word twice needs it twice: "Hunter X Hunter" is named by no armed hunter warrior. (The task's
  // words are counted only for such a name: this runs for every character candidate.)
  const written = () => taskLemmas.through(task, lemmas);
  const times = (list: readonly string[], word: string) => list.filter((each) => each === word).length;
  const holds = (name: readonly string[]) =>
    name.every((word) => words.has(word) && (times(name, word) === 1 || times(written(), word) >= times(name, word))) ||
    (!isCastPack(adapter) && writtenTogether(name, words, adapter, franchises));
  const titles = franchises instanceof FranchiseNames ? franchises.titleCharacters : undefined;
  const looksOf = () => (franchises instanceof FranchiseNames ? franchises.lookNames : NO_LOOKS);
  // A trigger written whole names her, her series and all: "priestess (goblin slayer!)".
  const bracketed = seriesInBrackets(adapter);
  // Or a booru tag of her, a word of her name with her series, written whole: "index \\(toaru majutsu no index\\)".
  const triggerWhole =
    (bracketed.size > 0 && writesTriggerWhole(task, profile)) || writesTriggerWhole(task, profile, profile.nameWords);
  const series = triggerWhole ? NO_SERIES : bracketed;
  for (const name of profile.fullNames) {
    const key = name.join(' ');
    if (
      !franchises.has(key) &&
      !name.every((word) => series.has(word)) &&
      holds(name) &&
      (triggerWhole || !seriesOf(profile, name)) &&
      !besideOtherName(written(), name, profile, looksOf) &&
      !onlyInCompounds(task, name, adapter.name) &&
      !describesNextNoun(written(), name) &&
      !(name.length === 1 && namesAPlantOrPlace(prompt, name[0] ?? '')) &&
      !writtenAsAManner(task, written(), name, adapter.name) &&
      !(name.length === 1 && isCastPack(adapter) && !namesCastMember(written(), name[0] ?? '', profile, franchises)) &&
      !partOfItsSeries(words, name, profile) &&
      !(name.length === 1 && seriesInitialsOf(adapter).has(name[0] ?? '')) &&
      !plainWordsName(name, prompt, profile)
    )
      // As the member wrote it: "killjoy", not "kill joy".
      return name.every((word) => words.has(word)) ? key : name.join('');
    // The franchise named after its character names that character: "naruto" is Naruto Uzumaki. Not as a look:
    // "in naruto style" asks for the franchise's drawing, no one of its cast; nor a studio's look ("disney").
    const franchise = titles?.has(key) ? name.find((word) => franchises.has(word) && words.has(word)) : undefined;
    if (
      franchise !== undefined &&
      !namedAsALook(task, franchise) &&
      !namedAsASeries(prompt, franchise, franchises) &&
      !namesAThingOf(written(), franchise) &&
      !NAMED_LOOKS.has(franchise) &&
      !besideOtherName(written(), [franchise], profile)
    )
      return franchise;
  }
  // Two words of a three-word name, written together and in its order, name her as members call her: "asuka langley"
  // of "Asuka Langley Souryuu" (a family name the dictionary holds, "langley", beside a given name it lacks).
  // A trigger the card coins as one word, written as it is, names her: "SMPluto", "haibara_ai".
  const coined = coinedTriggerIn(task, profile) ?? nameRunTogetherIn(task, adapter);
  if (coined !== undefined) return coined;
  const pair = pairOfThreeNamed(written(), profile, franchises, wordsAfterOf(adapter.name));
  if (pair !== undefined) return pair;
  // Words of a title name a series, no one of its cast: "kono subarashii sekai" for no "Kono Subarashii Sekai ni Bakuen wo!".
  // Words after "of" say whose the cast is: "Three heroines of Makoto Shinkai disaster movie series" are named by no
  // "by makoto shinkai" (an artist the prompt asks for).
  const whose = wordsAfterOf(adapter.name);
  // Nor the words of a part of her name that is her series: "kimetsu no yaiba" of "Kochou Shinobu | Kimetsu no yaiba".
  const seriesPart = new Set(profile.fullNames.filter((name) => seriesOf(profile, name)).flat());
  const named = profile.nameIdentity.filter(
    (word) =>
      !word.includes(' ') &&
      words.has(word) &&
      !profile.titleWords.has(word) &&
      !whose.has(word) &&
      !series.has(word) &&
      !seriesPart.has(word),
  );
  if (named.length >= 2) return named.join(' ');
  return (
    nameWithItsSeries(words, taskWordSet(prompt), profile, franchises, bracketed) ??
    givenNameAlone(words, written(), profile, franchises) ??
    possessiveName(words, prompt, profile, franchises) ??
    codeNameWithItsSeries(words, taskWordSet(prompt), adapter, profile)
  );
}

/** A name of two or three letters and digits: "2B", "9S" or "A2" of NieR. */
const CODE_NAME = /^(?=[a-z]*\d)(?=\d*[a-z])[a-z\d]{2,3}$/;
/** The name a code name opens: the first word of the adapter's name. */
const FIRST_WORD = /^[\s\p{P}]*([\p{L}\p{N}]+)/u;

/**
 * A code name her card opens with and tags alone ("2B (YoRHa No.2 Type B) / Nier: Automata", tagged "2b") names her
 * beside a name-like word of her card written in the prompt: "2b, nier automata", "2b from nier". Alone it is no one:
 * "a 2b pencil drawing".
 */
function codeNameWithItsSeries(
  words: ReadonlySet<string>,
  promptWords: ReadonlySet<string>,
  adapter: Adapter,
  profile: AdapterProfile,
): string | undefined {
  const code = FIRST_WORD.exec(adapter.name)?.[1]?.toLowerCase();
  if (code === undefined || !CODE_NAME.test(code) || !words.has(code)) return undefined;
  if (!adapter.tags.some((tag) => tag.trim().toLowerCase() === code)) return undefined;
  const series = [...profile.identityWords].find((word) => promptWords.has(word));
  return series === undefined ? undefined : `${code} ${series}`;
}

/**
 * One name-like word of a two-word full name, as members call her ("goku" of "Son Goku", "suisei" of "Hoshimachi
 * Suisei"), when it is hers alone among the candidate characters: "raiden" is Raiden Shogun's and Raiden Mei's, so it
 * names neither (see FranchiseNames.partners). Never a franchise's word, a title's, nor one beside a name her card
 * lacks.
 */
function givenNameAlone(
  words: ReadonlySet<string>,
  written: readonly string[],
  profile: AdapterProfile,
  franchises: ReadonlySet<string>,
): string | undefined {
  if (!(franchises instanceof FranchiseNames)) return undefined;
  for (const name of profile.nameFullNames) {
    if (name.length !== 2 || !name.some((word) => words.has(word)) || seriesOf(profile, name)) continue;
    for (const word of name) {
      if (!words.has(word) || !profile.identityWords.has(word) || profile.titleWords.has(word)) continue;
      if (franchises.has(word) || (franchises.partners.get(word)?.size ?? 0) > 1) continue;
      // Her card calls her by it alone (a tag or a trigger "goku"), and no place, thing or look of the candidates is
      // named for it: "minecraft" of "Cupa Minecraft" is a world that "MC Version 1" is tagged with.
      if (!taggedAs(profile, [word]) && !triggeredAs(profile, word)) continue;
      if (franchises.worldWords.has(word)) continue;
      if (besideOtherName(written, [word], profile) || partOfItsSeries(words, [word], profile)) continue;
      return word;
    }
  }
  return undefined;
}

/**
 * A one-word name her card opens with and tags or triggers alone, written as someone's in a prompt that draws someone:
 * "rem's maid uniform" names Rem, a dictionary word ("rem sleep") otherwise named only beside her series.
 */
function possessiveName(
  words: ReadonlySet<string>,
  prompt: string,
  profile: AdapterProfile,
  franchises: ReadonlySet<string>,
): string | undefined {
  const [first] = profile.nameSegments;
  const word = first?.length === 1 ? first[0] : undefined;
  if (word === undefined || !words.has(word) || franchises.has(word)) return undefined;
  if (!taggedAs(profile, [word]) && !triggeredAs(profile, word)) return undefined;
  // Someone's: the prompt draws a person or how one looks ("maid uniform", "blue hair"), no band's album cover.
  if (!namesSomeone(prompt) && !describesSomeone(prompt)) return undefined;
  return possessiveOf(prompt, word) ? word : undefined;
}

/** Whether `text` writes `word` with a possessive "'s": "rem's", "Rem’s". */
function possessiveOf(text: string, word: string): boolean {
  const lower = text.toLowerCase();
  return [`${word}'s`, `${word}’s`].some((form) => {
    const at = lower.indexOf(form);
    return (
      at >= 0 && !/[\p{L}\p{N}]/u.test(lower[at - 1] ?? ' ') && !/[\p{L}\p{N}]/u.test(lower[at + form.length] ?? ' ')
    );
  });
}

/**
 * Two adjacent words of a character's three-word full name that `written` holds together in the same order, one of
 * them a name-like word of hers, neither a franchise's nor a title's: see characterNamedIn.
 */
function pairOfThreeNamed(
  written: readonly string[],
  profile: AdapterProfile,
  franchises: ReadonlySet<string>,
  /** The words of the card's name after "of": whose cast it is ("Depository of Jujutsu Kaisen Characters"). */
  whose: ReadonlySet<string>,
): string | undefined {
  for (const name of profile.fullNames) {
    if (name.length !== 3 || seriesOf(profile, name)) continue;
    for (const pair of [name.slice(0, 2), name.slice(1)]) {
      if (!pair.some((word) => profile.identityWords.has(word)) || pair.every((word) => whose.has(word))) continue;
      if (pair.some((word) => profile.titleWords.has(word)) || franchises.has(pair.join(' '))) continue;
      // A studio's or a franchise's word and a rank name no one: "disney princess" of "Rapunzel Disney Princess".
      if (pair.every((word) => RANKS.has(word) || franchises.has(word) || STUDIOS.has(word))) continue;
      // A given name many characters share ("asuka") names her beside a proper name the dictionary holds ("langley"),
      // no franchise beside a common word ("honkai star").
      const shared = pair.filter((word) => franchises.has(word));
      if (shared.length === 2 || (shared.length === 1 && !pair.some(isProperName))) continue;
      if (!containsPhrase(written, pair)) continue;
      return pair.join(' ');
    }
  }
  return undefined;
}

/** A word written with hyphens ("sumi-e", "x-ray"), after short syllables are joined ("chun-li" is "chunli"). */
const COMPOUND = /[\p{L}\p{N}]+(?:-[\p{L}\p{N}]+)+/gu;

/** The hyphenated words of `text`, in lower case. */
const compoundsOf = (text: string) => joinSyllables(text).toLowerCase().match(COMPOUND) ?? [];

/**
 * Whether `task` writes a name only inside hyphenated words the card never writes: "sumi" of "sumi-e" (an ink
 * painting) names no Sumi of "Rent a Girlfriend ... | 4 girl pack: Chizuru, Mami, Ruka, Sumi"; a "snow-white beach"
 * is white as snow, no Snow White's.
 */
function onlyInCompounds(task: string, name: readonly string[], cardName: string): boolean {
  if (name.length === 0) return false;
  const compounds = compoundsOf(task).filter((compound) => containsPhrase(lemmas(compound), name));
  if (compounds.length === 0) return false;
  const own = new Set(compoundsOf(cardName));
  return (
    !compounds.some((compound) => own.has(compound)) &&
    !containsPhrase(lemmas(joinSyllables(task).replace(COMPOUND, ' ')), name)
  );
}

/**
 * Whether a full name of plain words only ("Rice Shower", "Twin Turbo", "Terrible Tornado") is written in a prompt that
 * names nobody and says more than that name: the words say what they say ("rice shower at a wedding", "a twin turbo
 * engine"). Written with capitals, beside someone ("rice shower, 1girl"), or with no word her card lacks, they name her.
 */
function plainWordsName(name: readonly string[], prompt: string, profile: AdapterProfile): boolean {
  if (name.length < 2 || !name.every(isDictionaryWord)) return false;
  // A family name makes it a person's, however plain its words: "peni parker" (the lexicon knows Parker as one).
  if (name.some((word) => lexiconClass(word) === 'LastName')) return false;
  // A trigger that says more than the name, written whole, names her as her card does: "florence nightingale \(fate\)"
  // (her series in a booru tag's brackets) is the Fate servant, where "florence nightingale" alone may be the nurse.
  const written = taskLemmas.through(prompt, lemmas);
  if (
    profile.phrases.some(
      (phrase) =>
        phrase.kind === 'trigger' &&
        phrase.words.length > name.length &&
        containsPhrase(phrase.words, name) &&
        containsPhrase(written, phrase.words),
    )
  )
    return false;
  // What its own card says is hers: "gon from hunter x hunter" (tagged "gon") says nothing else.
  const own = (word: string) => name.includes(word) || profile.phrases.some((phrase) => phrase.words.includes(word));
  const rest = lemmas(prompt).filter((word) => word.length > 1 && !isStopword(word) && !own(word));
  return (
    rest.length > 0 &&
    !namesSomeone(prompt) &&
    !COUNTED_PEOPLE.test(prompt) &&
    !(describesSomeone(prompt) && writtenAsATag(prompt, name))
  );
}

/**
 * Whether a tag list writes `name` as a tag of its own, beside tags that describe someone: "solid snake, facial hair,
 * blue bodysuit" is Solid Snake, where "a solid snake sculpture" is none.
 */
const writtenAsATag = (prompt: string, name: readonly string[]) =>
  clausesOf(prompt).some((tag) => tag.join(' ') === name.join(' '));

/** Danbooru's tags that count the people of a picture: "2girls", "multiple boys", "solo". */
const COUNTED_PEOPLE = /\b(?:\d+|multiple\s+)(?:girls?|boys?|others?)\b|\bsolo\b/i;

/**
 * Whether a full name is a part of a longer tag of the card that the task writes whole: the series, cut where the
 * name is ("fate grand" of "Miyamoto Musashi (Fate Grand/Order)", tagged "fate grand order"; "nier" of "2B ... / Nier:
 * Automata", tagged "nier automata"). The task names the series, no one of its cast.
 */
function partOfItsSeries(
  words: ReadonlySet<string>,
  name: readonly string[],
  profile: AdapterProfile,
  /** The name is a word of it and the series beside it ("automata nier"): the tag may say no more than both. */
  withSeries = false,
): boolean {
  // A tag that adds only a short syllable the name lost is the name itself: "ai hayasaka" of "Ai Hayasaka".
  return profile.phrases.some(
    (phrase) =>
      phrase.kind === 'tag' &&
      phrase.words.length >= name.length + (withSeries ? 0 : 1) &&
      name.every((word) => phrase.words.includes(word)) &&
      (withSeries || phrase.words.some((word) => !name.includes(word) && word.length > 2)) &&
      phrase.words.every((word) => words.has(word)),
  );
}

/** The parts of a card's name between brackets, bars, slashes and dashes. */
const NAME_PARTS = /[()（）[\]【】|/]|\s[-–—]\s/;
const seriesInitials = new Memo<string, ReadonlySet<string>>(512);

/**
 * The initials of the titles a card writes out, in its name's parts or its tags ("sao" of "lisbeth (Sword Art Online)
 * 莉兹贝特 刀剑神域 SAO"; "lol" of a "league of legends" tag): a name of her card that is one of them is her series, so
 * "quinella sao" names Quinella of SAO, not Lisbeth.
 */
function seriesInitialsOf(adapter: Adapter): ReadonlySet<string> {
  return seriesInitials.through(`${adapter.name}\n${adapter.tags.join('\n')}`, () => {
    const initials = new Set<string>();
    for (const title of [...adapter.name.split(NAME_PARTS), ...adapter.tags]) {
      const words = splitWords(title).filter((word) => /^[a-z]/.test(word));
      if (words.length < 2) continue;
      // With and without a leading "the": "tloz" and "loz" of "The Legend of Zelda".
      initials.add(words.map((word) => word[0]).join(''));
      if (words[0] === 'the')
        initials.add(
          words
            .slice(1)
            .map((word) => word[0])
            .join(''),
        );
    }
    return initials;
  });
}

/** Nouns after a name that say she is shown as something: "dark sakura cosplay" still names her. */
const SHOWN_AS_HER = new Set(['cosplay', 'costume', 'outfit', 'figure', 'figurine', 'doll', 'portrait', 'fanart']);

/**
 * Whether every time `written` holds a full name that opens with a word that describes ("dark" of "Dark Sakura"), a
 * plain noun follows it: the words describe that noun ("dark sakura trees"), they name no one.
 */
function describesNextNoun(written: readonly string[], name: readonly string[]): boolean {
  const [first] = name;
  if (name.length < 2 || first === undefined || lexiconClass(first) !== 'Adjective') return false;
  const next: (string | undefined)[] = [];
  for (let at = 0; at + name.length <= written.length; at++)
    if (name.every((word, offset) => written[at + offset] === word)) next.push(written[at + name.length]);
  return next.length > 0 && next.every(isPlainNoun);
}

/** A trigger written as one word of letters and digits, in lower case ("smpluto", "haibara_ai"). */
const COINED_TRIGGER = /^[\p{L}\p{N}_]{5,}$/u;

/**
 * The trigger a card coins as one word ("SMPluto": no dictionary word, holding a name-like word of the card)
 * that `task` writes as one word, if any. Copied from the card's page, it asks for her whatever else the prompt says.
 */
function coinedTriggerIn(task: string, profile: AdapterProfile): string | undefined {
  const tokens = task.toLowerCase().match(/[\p{L}\p{N}_]+/gu);
  if (tokens === null) return undefined;
  return profile.phrases
    .find((phrase) => {
      if (phrase.kind !== 'trigger') return false;
      const coined = phrase.text.toLowerCase();
      return (
        COINED_TRIGGER.test(coined) &&
        splitWords(phrase.text).length >= 2 &&
        tokens.includes(coined) &&
        !isDictionaryWord(coined) &&
        phrase.words.some((word) => profile.identityWords.has(word)) &&
        // One a tag of the card says in words is its series: "honkai_star_rail" of "Clara Honkai Star Rail Lora".
        !profile.phrases.some((tag) => tag.kind === 'tag' && tag.words.join(' ') === phrase.words.join(' '))
      );
    })
    ?.text.toLowerCase();
}

/** The part of a card's name before its series: "Ty Lee" of "Ty Lee - Avatar: The Last Airbender - Character LORA". */
const FIRST_NAME_PART = /^([^-|/(（[【]+)/u;
/** Fewest letters of a name run together that name someone alone ("tylee"); "alex" is anyone. */
const MIN_RUN_TOGETHER_NAME = 5;

/**
 * The card's name run together, when a trigger writes it so and the task writes the name: "tylee" of "Ty Lee - Avatar:
 * The Last Airbender", whose two-letter "Ty" no rule that reads her name's words sees.
 */
function nameRunTogetherIn(task: string, adapter: Adapter): string | undefined {
  const first = FIRST_NAME_PART.exec(adapter.name)?.[1] ?? '';
  // A one-word name is read as a word by the rules above ("claire" of "ligne claire" is no Claire).
  if ((first.match(/\p{L}+/gu) ?? []).length < 2) return undefined;
  const runTogether = first.toLowerCase().replace(/[^\p{L}]/gu, '');
  if (runTogether.length < MIN_RUN_TOGETHER_NAME || isDictionaryWord(runTogether)) return undefined;
  if (!adapter.triggerWords.some((trigger) => trigger.trim().toLowerCase() === runTogether)) return undefined;
  // Written as one word or apart, as her name is: "tylee", "ty lee".
  const tokens = task.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [];
  // Apart, a part no dictionary holds makes the words a name: "rice shower" at a wedding is no "riceshower".
  const written = tokens.some((_, at) =>
    [1, 2, 3].some((count) => {
      const parts = tokens.slice(at, at + count);
      return parts.join('') === runTogether && (count === 1 || !parts.every(isDictionaryWord));
    }),
  );
  return written ? runTogether : undefined;
}

/**
 * Whether a one-word trigger of a pack of a series' cast ("esdeath" of "Akame ga Kill! Ultimate Girl Pack"), written in
 * the task, names that one of its cast. Not a given name many people have ("mari", "roxy": the lexicon knows it as
 * one) unless another of the pack's triggers is written beside it ("roxy migurdia"); not a name another candidate card
 * calls someone by ("yui" beside a "Hirasawa Yui" card); not the label of the noun after it ("a moka pot").
 */
function namesCastMember(
  written: readonly string[],
  name: string,
  profile: AdapterProfile,
  franchises: ReadonlySet<string>,
): boolean {
  if (namesTheNextNoun(written, name)) return false;
  if (
    franchises instanceof FranchiseNames &&
    franchises.characters.some((other) => other !== profile && other.nameFullNames.some((each) => each.includes(name)))
  )
    return false;
  if (!/Name/.test(String(lexiconClass(name) ?? ''))) return true;
  return written.some(
    (word, at) =>
      word === name &&
      [written[at - 1], written[at + 1]].some(
        (beside) => beside !== undefined && beside !== name && triggeredAs(profile, beside),
      ),
  );
}

/** Words after a name that say what someone does or how she is, no thing the name is the label of. */
const NOT_A_THING = /Gerund|Adjective|Verb|Participle/;

/**
 * Whether a one-word name of a pack's cast is written only as the label of the plain noun after it: "roxy" of "a roxy
 * music poster" is a band, "moka" of "a moka pot" a coffee maker. "roxy reading a book" and "roxy cosplay" are hers.
 */
function namesTheNextNoun(written: readonly string[], name: string): boolean {
  const next = written.flatMap((word, at) => (word === name ? [written[at + 1]] : []));
  return (
    next.length > 0 && next.every((word) => isPlainNoun(word) && !NOT_A_THING.test(String(lexiconClass(word) ?? '')))
  );
}

/**
 * Parts of a plant and what grows, and places: the word before them says which plant ("momiji leaves", "sakura
 * petals") or which place ("nami island", "asuka temple").
 */
const PLANT_OR_PLACE_WORDS = new Set(
  (
    'leaf tree petal flower blossom bloom branch bush shrub forest grove garden tea fruit seed root vine ' +
    'island lake river mountain bay beach village town city street temple shrine castle station bridge valley'
  ).split(' '),
);

/**
 * Whether a one-word name is written only right before a part of a plant or a place, as the plant or the place it
 * names: "momiji leaves in autumn" are maple leaves, for no Momiji of Dead or Alive; "nami island" is in Korea, for no
 * Nami of One Piece. Read in the prompt's clauses: the segmenter may take "leaves" for a verb.
 */
function namesAPlantOrPlace(prompt: string, name: string): boolean {
  const next = clausesOf(prompt).flatMap((clause) =>
    clause.flatMap((word, at) => (word === name ? [clause[at + 1]] : [])),
  );
  return next.length > 0 && next.every((word) => word !== undefined && PLANT_OR_PLACE_WORDS.has(word));
}

/**
 * Whether a word after a name is a plain noun of the dictionary the name may describe: no look of hers ("hair"), no
 * way she is shown ("cosplay"), no tag ("1girl").
 */
function isPlainNoun(word: string | undefined): word is string {
  return (
    word !== undefined &&
    /^[a-z]{3,}$/.test(word) &&
    isDictionaryWord(word) &&
    !isStopword(word) &&
    !SHOWN_AS_HER.has(word) &&
    !APPEARANCE_WORDS.has(word)
  );
}

/** Whether the lexicon reads a word as a proper name: a place ("langley"), a given name, an organisation. */
const isProperName = (word: string) => /ProperNoun|Place|Name|Organization/.test(String(lexiconClass(word) ?? ''));

const afterOf = new Map<string, ReadonlySet<string>>();

const NO_LOOKS: ReadonlySet<string> = new Set();

/** A card name's part in round brackets, of two words or more, after a part that names someone: "(Mushoku Tensei)". */
const BRACKETED_AFTER_NAME = /^[^(（]*\p{L}{3,}[^(（]*[(（]([^)）]+)[)）]/u;

/** A card name's part after "from", after a part that names someone: "KillJoy From Valorant". */
const SERIES_AFTER_FROM = /^\s*\p{L}[\p{L}\s'-]*\sfrom\s+(.+)$/iu;

const inBrackets = new Memo<string, ReadonlySet<string>>(512);

/**
 * The words of a character card's bracketed part after her name (or its part after "from"), where it has two or more:
 * her series or an outfit, as Civitai names write them ("Kishirika Kishirisu (Mushoku Tensei)", "Makima (Chainsaw
 * Man)", "Natsume Iroha (Blue Archive)"), never another name of hers; one word too where the card tags it alone
 * ("Sage(Valorant)", tagged "valorant"; not "Lightning (Claire)"). Alone they name no one, even when the catalog holds
 * no other card of the series to make it a franchise: "a valorant agent" is no Sage.
 */
function seriesInBrackets(adapter: Adapter): ReadonlySet<string> {
  return inBrackets.through(`${adapter.name}\n${adapter.tags.join('\n')}`, () => {
    const seriesWords = (part: string | undefined) =>
      part === undefined ? [] : lemmas(part).filter((word) => !isStopword(word));
    // "from" says the series, however many words: "KillJoy From Valorant".
    const afterFrom = seriesWords(SERIES_AFTER_FROM.exec(adapter.name)?.[1]);
    if (afterFrom.length > 0) return new Set(afterFrom);
    const words = seriesWords(BRACKETED_AFTER_NAME.exec(adapter.name)?.[1]);
    const [word, ...more] = words;
    const tagged =
      word !== undefined && more.length === 0 && adapter.tags.some((tag) => lemmas(tag).join(' ') === word);
    return new Set(words.length >= 2 || tagged ? words : []);
  });
}

const NO_SERIES: ReadonlySet<string> = new Set();

/** Whether `task` writes a trigger of two words or more of the card whole, in its order. */
function writesTriggerWhole(
  task: string,
  profile: AdapterProfile,
  /** Words one of which the trigger must hold: a word of her name, for a trigger that is her booru tag. */
  holding?: readonly string[],
): boolean {
  const written = taskLemmas.through(task, lemmas);
  // A trigger's words leave out its small words ("no" of "toaru majutsu no index"): so may the task's.
  const content = written.filter(isContentWord);
  return profile.phrases.some(
    (phrase) =>
      phrase.kind === 'trigger' &&
      phrase.words.length >= 2 &&
      (holding === undefined || phrase.words.some((word) => holding.includes(word))) &&
      (containsPhrase(written, phrase.words) || containsPhrase(content, phrase.words)),
  );
}

/** The words a name writes after "of" ("makoto", "shinkai" of "Three heroines of Makoto Shinkai ..."). */
function wordsAfterOf(name: string): ReadonlySet<string> {
  let found = afterOf.get(name);
  if (found === undefined) {
    const words = lemmas(name);
    const at = words.indexOf('of');
    found = new Set(at < 0 ? [] : words.slice(at + 1));
    if (afterOf.size > 10_000) afterOf.clear();
    afterOf.set(name, found);
  }
  return found;
}

/**
 * Whether every time `task` writes a one-word name it writes beside it a name the adapter's card never says: another
 * person of that given name ("yakumo yukari" is Touhou's, no "Yukari (Persona 3)"; "misaki okusawa" no "DOAXVV -
 * Misaki"), or a longer proper name ("ligne claire", a drawing style, no "Claire (the summoning)").
 */
function besideOtherName(
  written: readonly string[],
  name: readonly string[],
  profile: AdapterProfile,
  /** Pairs of words the candidate styles say together (see FranchiseNames.lookNames), read only when needed. */
  looks: () => ReadonlySet<string> = () => NO_LOOKS,
): boolean {
  const [only] = name;
  if (name.length !== 1 || only === undefined) return false;
  const own = new Set([...profile.nameWords, ...profile.identityWords, ...profile.phrases.flatMap((p) => p.words)]);
  const notOwn = (word: string) => !own.has(word) && ![...own].some((mine) => mine.includes(word));
  const otherName = (word: string | undefined) =>
    word !== undefined && /^[a-z]{3,}$/.test(word) && !isStopword(word) && !isDictionaryWord(word) && notOwn(word);
  // A style's name the card does not say: "ligne claire" (a drawing style, "ligne" a dictionary word) names no Claire.
  const lookName = (before: string | undefined, after: string | undefined) =>
    before !== undefined &&
    after !== undefined &&
    looks().has(`${before} ${after}`) &&
    notOwn(before === only ? after : before);
  const at = written.flatMap((word, index) => (word === only ? [index] : []));
  return (
    at.length > 0 &&
    at.every(
      (index) =>
        otherName(written[index - 1]) ||
        otherName(written[index + 1]) ||
        lookName(written[index - 1], only) ||
        lookName(only, written[index + 1]),
    )
  );
}

/**
 * Whether a full name of a character adapter is its series: another part of its name is what its trigger words call
 * it, and no trigger holds a word of this one ("Ushio | Kantai Collection", trigger "ushio": "kantai collection" is the game,
 * whose other characters the catalog may file as "kancolle"; "Ahsoka Tano (Clone Wars) Star Wars", trigger
 * "ahsokatano": "star wars" is hers).
 */
function seriesOf(profile: AdapterProfile, name: readonly string[]): boolean {
  // Asked for the same card and name by every prompt it is a candidate of: remembered with the card's profile.
  let known = seriesAnswers.get(profile);
  if (known === undefined) {
    known = new Map();
    seriesAnswers.set(profile, known);
  }
  const key = name.join(' ');
  let answer = known.get(key);
  if (answer === undefined) {
    answer = isSeriesName(profile, name);
    known.set(key, answer);
  }
  return answer;
}

const seriesAnswers = new WeakMap<AdapterProfile, Map<string, boolean>>();

function isSeriesName(profile: AdapterProfile, name: readonly string[]): boolean {
  const triggers = profile.phrases.filter((phrase) => phrase.kind === 'trigger');
  // Written apart or run together: "Ahsoka Tano" is triggered by "ahsokatano", "Emma Verde" by "emmaverde".
  // A longer trigger her card also tags is a label of it, her series as often as not ("boku no hero academia" of
  // "Mirko [My Hero Academia]"): it makes no part of the name hers.
  const tagged = new Set(profile.phrases.filter((phrase) => phrase.kind === 'tag').map((tag) => tag.words.join(' ')));
  const triggered = (words: readonly string[]) =>
    triggers.some(
      (trigger) =>
        trigger.words.join(' ') === words.join(' ') ||
        trigger.words.includes(words.join('')) ||
        (words.every((word) => trigger.words.includes(word)) && !tagged.has(trigger.words.join(' '))),
    );
  // A trigger may write apart, a short syllable lost from its words, what the name runs together: "hu tao (genshin
  // impact)" is Hu Tao's "hutao".
  // A trigger of what she wears from her series says its name, not hers: "jujutsu_uniform" of "Maki Zenin | Jujutsu
  // Kaisen".
  const worn = (trigger: Phrase, words: readonly string[]) =>
    trigger.words.some((word) => !words.includes(word) && (APPEARANCE_WORDS.has(word) || KIND_LABELS.has(word)));
  // Nor does a booru tag of her with her series in brackets: "ryouko_(tenchi_muyou!)" of "Ryoko - Tenchi Muyo!".
  const sharesTrigger = (words: readonly string[]) =>
    triggers.some(
      (trigger) =>
        (words.some((word) => trigger.words.includes(word) || withSyllablesJoined(trigger.text).has(word)) &&
          !worn(trigger, words) &&
          !inItsBrackets(trigger.text, words)) ||
        trigger.words.includes(words.join('')),
    );
  const key = name.join(' ');
  // A part that calls itself a series is one: "Suzumiya Haruhi Series" of "Nagato Yuki 長門有希 / Suzumiya Haruhi Series".
  if (profile.nameSegments.length >= 2 && name.length >= 2 && SERIES_WORDS.has(name.at(-1) ?? '')) return true;
  // A later part of plain words after a first part that is a name is the title: "Ahsoka Tano / Star Wars".
  const [first = []] = profile.nameSegments;
  const titleAfterName = () =>
    first.join(' ') !== key &&
    !first.every((word) => name.includes(word)) &&
    name.every((word) => isDictionaryWord(word)) &&
    first.some((word) => /^[a-z]{3,}$/.test(word) && !isDictionaryWord(word));
  // A later part her card tags whole, after a first part that names someone else in Latin letters, is her series:
  // "Mikasa Ackerman ミカサ・アッカーマン / Shingeki no Kyojin" (tagged "shingeki no kyojin").
  // Her name may follow her name in another script ("早坂愛 - Ai Hayasaka - Kaguya-Sama:Love is War."), and the tag may
  // run the series together or go on past the part ("kaguyasama", "kaguya-sama:love is war").
  const taggedAfterName = () => {
    const at = profile.nameSegments.findIndex((part) => part.join(' ') === key);
    const opening = profile.nameSegments
      .slice(0, Math.max(0, at))
      .flat()
      .filter((word) => LATIN_WORD.test(word) && !name.includes(word));
    const taggedWhole = [...tagged].some((tag) => tag === key || tag === name.join('') || tag.startsWith(`${key} `));
    return at > 0 && opening.length > 0 && taggedWhole;
  };
  return (
    profile.nameSegments.length >= 2 &&
    !sharesTrigger(name) &&
    (profile.nameSegments.some((part) => part.join(' ') !== key && part.length > 0 && triggered(latinOf(part))) ||
      titleAfterName() ||
      taggedAfterName())
  );
}

/** Whether the one-word part at `index` of a card's name and a word of another part are in one tag of it. */
function pieceOfATaggedTitle(profile: AdapterProfile, word: string, index: number): boolean {
  const others = new Set(profile.nameSegments.filter((_, at) => at !== index).flat());
  return profile.phrases.some(
    (phrase) =>
      phrase.kind === 'tag' &&
      phrase.words.includes(word) &&
      phrase.words.some((other) => other !== word && others.has(other)),
  );
}

/** Words a title of a series ends in. */
const SERIES_WORDS = new Set(['series', 'franchise', 'saga']);

/** Whether a trigger writes all of `words` inside its brackets: her series in a booru tag of her. */
function inItsBrackets(trigger: string, words: readonly string[]): boolean {
  const inside = /[(（]([^)）]*)[)）]/.exec(trigger.replace(/\\/g, ''))?.[1];
  if (inside === undefined) return false;
  const bracketed = new Set(lemmas(inside.replace(/_/g, ' ')));
  return words.every((word) => bracketed.has(word) || [...bracketed].some((each) => each.startsWith(word)));
}

/** A part's words in Latin letters: "kochou shinobu" of "Kochou Shinobu 胡蝶しのぶ", as its trigger writes her. */
const latinOf = (part: readonly string[]) => {
  const latin = part.filter((word) => LATIN_WORD.test(word));
  return latin.length > 0 ? latin : part;
};

/** Whether one of the card's triggers is `words` and nothing more, in any order ("yamada anna" for "anna yamada"). */
const triggeredByAll = (profile: AdapterProfile, words: readonly string[]) =>
  profile.phrases.some(
    (phrase) =>
      phrase.kind === 'trigger' &&
      phrase.words.length === words.length &&
      words.every((word) => phrase.words.includes(word)),
  );

/** Whether one of the card's triggers is `word` alone. */
const triggeredAs = (profile: AdapterProfile, word: string) => triggeredByAll(profile, [word]);

/** Whether one of the card's tags is exactly `words`. */
const taggedAs = (profile: AdapterProfile, words: readonly string[]) =>
  profile.phrases.some(
    (phrase) =>
      phrase.kind === 'tag' &&
      phrase.words.length === words.length &&
      words.every((word, index) => phrase.words[index] === word),
  );

/**
 * Whether `prompt` names the franchise of `word` as a series: whose someone is ("sasuke from naruto", "midna of
 * zelda"), or in its longer name ("link, the legend of zelda").
 */
function namedAsASeries(prompt: string, word: string, franchises: ReadonlySet<string>): boolean {
  const written = lemmas(prompt);
  const promptWords = new Set(written);
  return (
    written.some(
      (each, index) => each === word && WHOSE_SERIES.test(written.slice(Math.max(0, index - 2), index).join(' ')),
    ) ||
    [...franchises].some((key) => {
      const keyWords = key.split(' ');
      return keyWords.length > 1 && keyWords.includes(word) && keyWords.every((each) => promptWords.has(each));
    }) ||
    // Beside someone else of it, named in full or by a name no dictionary holds: "sakura haruno, naruto" is Sakura of
    // Naruto, no Naruto Uzumaki.
    (franchises instanceof FranchiseNames &&
      franchises.characters.some(
        (profile) =>
          profile.nameWords.includes(word) &&
          profile.fullNames.some(
            (name) =>
              (name.length >= 2 || !isDictionaryWord(name[0] ?? '')) &&
              !name.includes(word) &&
              name.every((each) => promptWords.has(each)),
          ),
      ))
  );
}

/** What the lexicon reads a word as, when it is no thing: "eating" of "naruto eating ramen" says what he does. */
const NO_THING = new Set(['Gerund', 'Adjective', 'Verb', 'Actor', 'Conjunction', 'Preposition', 'Adverb']);

/**
 * Whether every time `written` holds a franchise's word a thing follows it, which the word says is of the franchise:
 * "a zelda sword in a stone" names no Zelda, "zelda smiling" or "zelda cosplay" still does. (What she wears is
 * no such thing: "naruto headband" may be Naruto in his.)
 */
function namesAThingOf(written: readonly string[], franchise: string): boolean {
  const next = written.flatMap((word, index) => (word === franchise ? [written[index + 1]] : []));
  return (
    next.length > 0 &&
    next.every((word) => isPlainNoun(word) && !word.endsWith('ing') && !NO_THING.has(String(lexiconClass(word))))
  );
}

/** The words before a series that say someone is of it: "from naruto", "of the legend". */
const WHOSE_SERIES = /\b(?:from|of)(?: the)?$/;

/** A hyphened ending that makes a name a manner: "zelda-like", "ghibli-esque", "zelda-inspired". */
const MANNER_ENDING = /^(?:like|esque|inspired|style|styled|themed|ish|type)$/;

/** Words written after a name that make it a manner, no one: "kafka style", "kafka aesthetic". */
const MANNER_WORDS = new Set(['style', 'styled', 'artstyle', 'aesthetic', 'esque', 'inspired', 'themed']);

/**
 * Whether every time the task writes a character's full name it writes it as a manner: before "style" ("kafka style
 * surreal office" asks for Franz Kafka's manner, no Kafka of Honkai Star Rail) or with a manner ending ("a
 * kafka-inspired corridor"). Not when the card's own name says so: "Final Fantasy VII Remake Style" is its name.
 */
function writtenAsAManner(
  task: string,
  written: readonly string[],
  name: readonly string[],
  cardName: string,
): boolean {
  const last = name[name.length - 1];
  if (last === undefined) return false;
  const wordsAfter = (words: readonly string[]) => {
    const after: (string | undefined)[] = [];
    for (let at = 0; at + name.length <= words.length; at++)
      if (name.every((word, offset) => words[at + offset] === word)) after.push(words[at + name.length]);
    return after;
  };
  const after = wordsAfter(written);
  if (after.length > 0 && after.every((word) => word !== undefined && MANNER_WORDS.has(word)))
    return !wordsAfter(lemmas(cardName)).some((word) => word !== undefined && after.includes(word));
  return onlyWithMannerEnding(task, last);
}

/** Whether `task` writes `word` only in hyphened words that end in a manner ("a zelda-like dungeon"). */
function onlyWithMannerEnding(task: string, word: string): boolean {
  const compounds = compoundsOf(task).filter((compound) => compound.split('-').includes(word));
  return (
    compounds.length > 0 &&
    compounds.every((compound) => MANNER_ENDING.test(compound.split('-').pop() ?? '')) &&
    !lemmas(joinSyllables(task).replace(COMPOUND, ' ')).includes(word)
  );
}

/**
 * Whether `task` writes `word` right before a look ("naruto style", "naruto anime"), or only with a hyphened ending
 * that makes it one ("a zelda-like dungeon"): the series' look, no one of its cast.
 */
function namedAsALook(task: string, word: string): boolean {
  const written = lemmas(task);
  if (written.some((each, index) => each === word && LOOK_WORDS.has(written[index + 1] ?? ''))) return true;
  return onlyWithMannerEnding(task, word);
}

/**
 * A name that is a dictionary word on its own ("Link" of "Link | The Legend of Zelda") names the character when the
 * task writes its series' name beside it ("link from zelda"); alone it is a word ("a chain link fence"). The series
 * is a name-like word of another part of the adapter's name, so "a rose in a garden" names no "Rose (Blue Archive)".
 */
function nameWithItsSeries(
  words: ReadonlySet<string>,
  /** The whole prompt's words: the series may be a part of its own ("lux, league of legends"). */
  promptWords: ReadonlySet<string>,
  profile: AdapterProfile,
  franchises: ReadonlySet<string>,
  /** The words of the series her card's name brackets (see seriesInBrackets): none of them is her name. */
  bracketed: ReadonlySet<string>,
): string | undefined {
  const parts = profile.nameSegments;
  for (const [index, part] of parts.entries()) {
    const [name] = part;
    if (part.length !== 1 || name === undefined || !words.has(name)) continue;
    // A word for a person names no one: "4 girl pack" of "Rent a Girlfriend ... | 4 girl pack: Chizuru, Mami".
    if (APPEARANCE_WORDS.has(name) || franchises.has(name) || lexiconClass(name) === 'Actor') continue;
    // Nor is a word of the series, in brackets or in a tag of it, that its colon cut into parts: "Boruto" of
    // "Himawari Uzumaki (Boruto: Naruto Next Generations)", "Dive" of "Karyl キャル / Princess Connect! Re:Dive"
    // (tagged "princess connect! re:dive").
    if (bracketed.has(name) || (index > 0 && pieceOfATaggedTitle(profile, name, index))) continue;
    // A part that says the name again is no series of it: "Project" beside "Touhou Project" (of "東方Project(Touhou
    // Project)") is the series' own word, no one named beside it.
    const others = parts.filter((other, at) => at !== index && !other.includes(name));
    const series =
      // A franchise's word may be written anywhere in the prompt: "zelda and link in hyrule field".
      others
        .flat()
        .find(
          (word) =>
            (words.has(word) || (promptWords.has(word) && franchises.has(word))) && profile.identityWords.has(word),
        ) ??
      // A series of plain words is one its card tags as such, written whole: "league of legends" of "Lux / League of
      // Legends" (tagged "league of legends").
      others
        .find((other) => other.length >= 2 && other.every((word) => promptWords.has(word)) && taggedAs(profile, other))
        ?.join(' ');
    if (series && !partOfItsSeries(words, [name, series], profile, true)) return `${name} ${series}`;
  }
  return undefined;
}
