import { lemmas } from '../catalog/classify/words.js';

/**
 * How the member wrote the name a character pick was made for. The naming rules (character-names.ts) compare lemmas,
 * so the name they find reads "lux league legend" or "tao hutao"; the embed's reason shows the prompt's own words
 * instead: "lux, league of legends", "hu tao".
 */

/** A written word: letters or digits, with inner apostrophes or hyphens ("o'neil", "spider-man"). */
const WRITTEN_WORD = /[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu;
/** More words than this between a name's first and last word are no one name as written. */
const MAX_SPAN_WORDS = 8;
/** Words a written name may hold beside its own: "of", "the" of "lux, league of legends", "from" of "link from zelda". */
const MAX_OTHER_WORDS = 2;

interface WrittenWord {
  start: number;
  end: number;
  forms: ReadonlySet<string>;
}

function writtenWords(text: string): WrittenWord[] {
  return [...text.matchAll(WRITTEN_WORD)].map((match) => {
    const word = match[0].toLowerCase();
    return {
      start: match.index,
      end: match.index + match[0].length,
      forms: new Set([word, ...lemmas(word), word.replace(/['’-]/g, '')]),
    };
  });
}

/** The first word, or two words run together ("hu tao" for "hutao"), of `words` that say `lemma`: their indexes. */
function findWord(words: readonly WrittenWord[], lemma: string): number[] | undefined {
  for (const [index, word] of words.entries()) {
    if (word.forms.has(lemma)) return [index];
    const next = words[index + 1];
    if (next && [...word.forms].some((form) => [...next.forms].some((other) => form + other === lemma)))
      return [index, index + 1];
  }
  return undefined;
}

function spanIn(text: string, name: string): string | undefined {
  const words = writtenWords(text);
  const found = name.split(' ').map((lemma) => findWord(words, lemma));
  if (found.some((indexes) => indexes === undefined)) return undefined;
  const indexes = found.flatMap((each) => each ?? []);
  const first = Math.min(...indexes);
  const last = Math.max(...indexes);
  const [from, to] = [words[first], words[last]];
  if (!from || !to || last - first >= MAX_SPAN_WORDS) return undefined;
  // A name found in words written apart is quoted by those words only: "2b … nier" of "2b and 9s in a ruined city,
  // nier automata".
  const own = [...new Set(indexes)].sort((a, b) => a - b);
  if (last - first + 1 - own.length > MAX_OTHER_WORDS)
    return own.map((index) => text.slice(words[index]?.start, words[index]?.end)).join(' … ');
  return text.slice(from.start, to.end);
}

/** The words of `task`, else of `prompt`, that wrote `name` (lemmas, space-separated), or `name` itself. */
export function nameAsWritten(name: string, task: string, prompt: string = task): string {
  return spanIn(task, name) ?? spanIn(prompt, name) ?? name;
}

/**
 * `text` without the words that wrote `name` (lemmas, space-separated), each put out as a space: what else the text
 * asks for beside the one it names ("grass wonder in a garden" -> "  in a garden").
 */
export function withoutName(text: string, name: string): string {
  const words = writtenWords(text);
  const found = name.split(' ').map((lemma) => findWord(words, lemma));
  if (found.some((indexes) => indexes === undefined)) return text;
  const spans = [...new Set(found.flatMap((indexes) => indexes ?? []))]
    .map((index) => words[index])
    .filter((word): word is WrittenWord => word !== undefined)
    .sort((a, b) => b.start - a.start);
  let out = text;
  for (const { start, end } of spans) out = `${out.slice(0, start)} ${out.slice(end)}`;
  return out;
}
