import type { Adapter } from '../catalog/adapter.js';
import { lemmas, singular } from '../catalog/classify/words.js';
import { isStopword } from '../catalog/text.js';
import { root } from './evidence-text.js';
import { KIND_OF } from './evidence-words.js';
import { SCULPTURES } from './materials.js';

/**
 * A cheap test of whether an adapter's name, tags or triggers share a word with the prompt, in either direction and
 * written together or apart ("pixel" in "PixelArt.Redmond", "hutao" in "hu tao"). Two thirds of the candidates
 * retrieval brings share words with the prompt only in their descriptions: no evidence can be found for them, and
 * building their profiles was a third of a composition on a large catalog. Characters are always read: the names of
 * a franchise's cast say which words are its title (franchiseNames).
 */

/** Letters and digits only, lower case, diacritics folded: "PixelArt.Redmond" -> "pixelartredmond". */
const squeezed = (text: string) =>
  text
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');

interface OwnWords {
  /** Name, tags and triggers squeezed into one run of letters and digits. */
  text: string;
  /** Their words of three letters or more, lower case, and the roots of their singulars. */
  words: readonly string[];
  roots: readonly string[];
}

/** Per record object, as profiles are: a record is asked about once per prompt it is a candidate for. */
const ownWords = new WeakMap<Adapter, OwnWords>();

function ownWordsOf(adapter: Adapter): OwnWords {
  let found = ownWords.get(adapter);
  if (!found) {
    const own = [adapter.name, ...adapter.tags, ...adapter.triggerWords].join(' ');
    const words = own.toLowerCase().match(/[\p{L}\p{N}]{3,}/gu) ?? [];
    found = { text: squeezed(own), words, roots: words.map((word) => root(singular(word))) };
    ownWords.set(adapter, found);
  }
  return found;
}

export function wordSharing(prompt: string): (adapter: Adapter) => boolean {
  const written = lemmas(prompt).filter((word) => word.length >= 3 && !isStopword(word));
  // Words in other forms are one word to the evidence rules ("anger" and "angry", a bust and a statue): their roots;
  // a kind of a thing is the thing too (KIND_OF: a sketch is a drawing).
  const promptWords = [
    ...new Set([...written, ...written.map(root), ...written.flatMap((word) => KIND_OF.get(word) ?? [])]),
  ];
  const sculpture = written.some((word) => SCULPTURES.has(word));
  const joinedPrompt = squeezed(prompt);
  return (adapter) => {
    if (adapter.category === 'character') return true;
    const { text, words, roots } = ownWordsOf(adapter);
    if (promptWords.some((word) => text.includes(word))) return true;
    if (sculpture && words.some((word) => SCULPTURES.has(singular(word)))) return true;
    return words.some((word) => joinedPrompt.includes(word)) || roots.some((word) => joinedPrompt.includes(word));
  };
}
