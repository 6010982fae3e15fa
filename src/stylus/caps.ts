import type { Adapter } from '../catalog/adapter.js';
import { splitWords } from '../catalog/classify/words.js';
import { distinctTerms } from '../catalog/text.js';
import { Memo } from '../util/memo.js';
import { profileOf } from './adapter-profile.js';
import { characterNamedIn, franchiseNames, namesOneCharacter } from './character-names.js';
import { isCompositionTask, withoutCompositionTags } from './composition-tags.js';
import {
  drawsSomeoneUnasked,
  foreignCodeIn,
  foreignLookIn,
  modelCodeWritten,
  NO_RARITY,
  transformsUnasked,
  type WordRarity,
  writesCoinedTrigger,
} from './evidence.js';
import { foreignNameIn } from './evidence-names.js';
import { viewOf } from './evidence-text.js';
import { LOOK_ORIGINS } from './evidence-words.js';
import { materialUnasked, otherMaterialAsked } from './materials.js';
import type { Candidate, ComposedTask } from './types.js';

/**
 * The composition rules the Stylus paper only asked its LLM to follow, enforced in code for every composer:
 * ids come from the candidates, each adapter is used once, at most 3 adapters per task, at most 2 style adapters
 * overall, a character adapter only for a task that names that character (not its franchise), no style (or
 * uncategorised adapter) whose name carries a proper name (an artist, a franchise) the prompt does not hold, and no
 * adapter whose name asks for a look or a format (neon, an illustration, a map) or a model ("FF14", "RX-7") the prompt
 * does not ask for. A rule broken is repaired by dropping the offending pick (later picks go first), never passed
 * through; each repair is reported.
 */
export const MAX_ADAPTERS_PER_TASK = 3;
export const MAX_STYLE_ADAPTERS = 2;
/** Enough for any real prompt, and far below Discord's 25 embed fields. */
export const MAX_TASKS = 12;
export const MAX_REASON_CHARS = 200;
/** Most LoRAs on one image unless STYLUS_MAX_ADAPTERS says otherwise: stacking more breaks images. */
export const DEFAULT_MAX_ADAPTERS = 4;

export interface CapsResult {
  tasks: ComposedTask[];
  /** One sentence per dropped pick or task, for logs and tests. */
  repairs: string[];
}

/** Kinds of adapter a look in the name does not make a style: she is drawn in it, it is worn in it. */
const NEVER_STYLES = new Set<Adapter['category']>(['character', 'clothing']);
/** A name that says it is a look: "pixel ai style", "[LuisaP] Pixel art LORA". */
const CALLED_A_LOOK = /\b(?:style|art)\b/i;

/**
 * Whether an adapter restyles the whole image, as the cap of two styles counts them: a style, or an adapter Civitai
 * files under another kind whose name calls it a look and names one ("pixel ai style", filed as a concept). A people's
 * name is no such look ("Thai Krachao top"), and a character or a garment is never a style.
 */
export function restylesTheImage(adapter: Adapter): boolean {
  if (adapter.category === 'style') return true;
  if (NEVER_STYLES.has(adapter.category)) return false;
  // One Civitai left uncategorised is its look when its name says a medium, called a look or not: "Vivid Watercolors
  // LoRA Extraction" beside "WATERCOLOR" is a second watercolor style.
  const looks = profileOf(adapter).looks.filter((look) => !LOOK_ORIGINS.has(look));
  if (adapter.category === 'other' && looks.some((look) => MEDIUM_LOOKS.has(look))) return true;
  return CALLED_A_LOOK.test(adapter.name) && looks.length > 0;
}

/** Looks that are what a picture is made with: an adapter named for one paints the whole image in it. */
const MEDIUM_LOOKS = new Set(['watercolor', 'paint', 'oil', 'ink', 'pencil', 'charcoal', 'crayon', 'sketch', 'pixel']);

/** Words of a name that say which release it is, not what it draws: "v2", "2.0", "LoRA", "new". */
const RELEASE_WORD = /^(?:v?\d+(?:\.\d+)*[a-z]?|v|ver|version|new|update|updated|final|lora|locon|lycoris|loha)$/u;

const unreleasedNames = new Memo<string, string>(512);

/** A name without its release words, camel case split, lower case: "BiopunkAI 2" is "biopunk ai". */
function nameWithoutRelease(name: string): string {
  return unreleasedNames.through(name, () => readWithoutRelease(name));
}

function readWithoutRelease(name: string): string {
  return splitWords(name)
    .filter((word) => !RELEASE_WORD.test(word))
    .join(' ');
}

/**
 * Whether two adapters are releases of one ("BiopunkAI" and "BiopunkAI 2", "NijiExpressive_v1" and "_v2"): of one
 * kind, their names say the same once versions are left out. Stacked, they draw one look twice as hard, and take a place of the
 * few an image has.
 */
export function otherReleaseOf(adapter: Adapter, other: Adapter): boolean {
  // Of one kind: "snow white" (her dress) is no release of "Snow White" (the character).
  if (adapter.id === other.id || adapter.category !== other.category) return false;
  const name = nameWithoutRelease(adapter.name);
  return name !== '' && name === nameWithoutRelease(other.name);
}

/** A task must come from the prompt: at least one of its terms is in the prompt (stemmed, so "cats" ~ "cat"). */
function groundedInPrompt(task: string, promptTerms: ReadonlySet<string>): boolean {
  return distinctTerms(task).some((term) => promptTerms.has(term));
}

export function enforceCaps(
  prompt: string,
  tasks: readonly ComposedTask[],
  candidates: readonly Candidate[],
  /** `rarity` says which coined triggers are a card's own: one written asks for the card, its artist's name and all. */
  options: { maxAdapters?: number; rarity?: WordRarity } = {},
): CapsResult {
  const maxAdapters = options.maxAdapters ?? DEFAULT_MAX_ADAPTERS;
  const rarity = options.rarity ?? NO_RARITY;
  const byId = new Map(candidates.map((candidate) => [candidate.adapter.id, candidate.adapter]));
  const promptTerms = new Set(distinctTerms(prompt));
  const promptWords = viewOf(prompt).set;
  const franchises = franchiseNames(byId.values());
  const repairs: string[] = [];
  const used = new Set<string>();
  const keptAdapters: Adapter[] = [];
  const characterNames: string[] = [];
  const seenTasks = new Set<string>();
  let styles = 0;
  const out: ComposedTask[] = [];

  // Over the cap on tasks, the tasks that name nothing to pick go first, not the last ones with their picks: "street"
  // of a long tag list keeps its street scene where "no humans" holds none.
  const overCap = new Set(tasksOverCap(tasks));
  for (const [index, task] of tasks.entries()) {
    const text = task.task.trim();
    const key = text.toLowerCase();
    if (overCap.has(index)) {
      repairs.push(`task "${text}" dropped: more than ${MAX_TASKS} tasks`);
      continue;
    }
    if (!text || !groundedInPrompt(text, promptTerms)) {
      repairs.push(`task "${text}" dropped: not in the prompt`);
      continue;
    }
    if (seenTasks.has(key)) {
      repairs.push(`task "${text}" dropped: repeated`);
      continue;
    }
    if (out.length >= MAX_TASKS) {
      repairs.push(`task "${text}" dropped: more than ${MAX_TASKS} tasks`);
      continue;
    }
    seenTasks.add(key);
    const kept: ComposedTask['adapters'] = [];
    for (const pick of task.adapters) {
      const adapter = byId.get(pick.adapterId);
      // Its coined trigger written asks for the card by its name, and one no other card uses for it as it is: its
      // look and all ("genkan" of "Modern Genkan in Japanese Houses").
      const named =
        adapter !== undefined &&
        (writesCoinedTrigger(prompt, adapter, rarity, 2) || modelCodeWritten(adapter, prompt) !== undefined);
      const asked = adapter !== undefined && writesCoinedTrigger(prompt, adapter, rarity, 1);
      const foreign = adapter && !named && foreignNameIn(prompt, adapter);
      const look = adapter && !asked && foreignLookIn(prompt, adapter);
      const code = adapter && !asked && foreignCodeIn(prompt, adapter);
      const material = adapter && !asked && otherMaterialAsked(prompt, adapter);
      const ownMaterial = adapter && !asked && materialUnasked(prompt, adapter);
      const characterName =
        adapter?.category === 'character'
          ? characterNamedIn(withoutCompositionTags(text), adapter, franchises, prompt)
          : undefined;
      const drop = (why: string) => repairs.push(`${pick.adapterId} dropped from "${text}": ${why}`);
      if (!adapter) drop('not a candidate');
      else if (isCompositionTask(text, prompt)) drop(`"${text}" says how the picture is framed, no thing to draw`);
      else if (used.has(adapter.id)) drop('already used by another task');
      else if (keptAdapters.some((other) => otherReleaseOf(adapter, other)))
        drop('another release of an adapter the composition has');
      else if (used.size >= maxAdapters) drop(`more than ${maxAdapters} adapters in the composition`);
      else if (kept.length >= MAX_ADAPTERS_PER_TASK) drop(`more than ${MAX_ADAPTERS_PER_TASK} adapters in the task`);
      else if (restylesTheImage(adapter) && styles >= MAX_STYLE_ADAPTERS)
        drop(`more than ${MAX_STYLE_ADAPTERS} style adapters`);
      else if (adapter.category === 'character' && characterName === undefined)
        drop('the task names no such character');
      else if (
        characterName !== undefined &&
        characterNames.some((other) => namesOneCharacter(characterName, other, franchises))
      )
        drop(`the composition has a LoRA of "${characterName}" already`);
      else if (foreign) drop(`its name brings in "${foreign}", which the prompt does not name`);
      else if (drawsSomeoneUnasked(adapter, promptWords)) drop('it draws someone the prompt does not name');
      else if (look) drop(`its name asks for a ${look} look, which the prompt does not`);
      else if (code) drop(`its name names "${code}", which the prompt does not`);
      else if (!asked && transformsUnasked(prompt, adapter))
        drop('it makes the subject out of something else, which the prompt does not ask for');
      else if (material) drop(`it makes its thing of another material than the prompt's ${material}`);
      else if (ownMaterial) drop(`it makes its thing of ${ownMaterial}, which the prompt does not ask for`);
      else {
        used.add(adapter.id);
        keptAdapters.push(adapter);
        if (characterName !== undefined) characterNames.push(characterName);
        if (restylesTheImage(adapter)) styles += 1;
        kept.push({ adapterId: adapter.id, reason: oneLine(pick.reason) });
      }
    }
    out.push({ task: text, adapters: kept });
  }
  return { tasks: out, repairs };
}

/** The indexes of the tasks beyond MAX_TASKS, those without picks first, then the last ones. */
function tasksOverCap(tasks: readonly ComposedTask[]): number[] {
  const over = tasks.length - MAX_TASKS;
  if (over <= 0) return [];
  const empty = tasks.flatMap((task, index) => (task.adapters.length === 0 ? [index] : []));
  const byPriority = [...empty.reverse(), ...tasks.map((_, index) => tasks.length - 1 - index)];
  return [...new Set(byPriority)].slice(0, over);
}

function oneLine(reason: string): string {
  const line = reason.replace(/\s+/g, ' ').trim();
  return line.length > MAX_REASON_CHARS ? `${line.slice(0, MAX_REASON_CHARS - 1)}…` : line;
}
