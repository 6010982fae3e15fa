import type { Adapter } from '../catalog/adapter.js';
import { lemmas } from '../catalog/classify/words.js';
import { isStopword } from '../catalog/text.js';
import { Memo } from '../util/memo.js';
import { profileOf } from './adapter-profile.js';

/**
 * What things are made of: the material a style makes everything of ("Made of Ice", "kFelted"), and the material a
 * prompt makes one of its things of ("an ice sculpture", "a box made of felt"). A LoRA acts on the whole image, so a
 * material style fits only a thing the prompt makes of that material.
 */

/** What a thing can be made of, each with its kind: marble is a stone, bronze a metal. */
export const MATERIALS: ReadonlyMap<string, string> = new Map(
  (
    'stone:stone marble:stone granite:stone concrete:stone wood:wood wooden:wood metal:metal iron:metal steel:metal ' +
    'bronze:metal copper:metal brass:metal metallic:metal glass:glass crystal:glass ice:ice clay:clay ' +
    'porcelain:ceramic ceramic:ceramic paper:paper cardboard:paper plastic:plastic jade:jade sand:sand snow:snow ' +
    'fabric:fabric felt:fabric wool:fabric yarn:fabric leather:leather gold:metal golden:metal silver:metal ' +
    'chocolate:chocolate pearl:pearl fire:fire flame:fire'
  )
    .split(' ')
    .map((entry) => entry.split(':') as [string, string]),
);

/** A prompt's lemmas where it names a material, else none. */
const promptMaterials = new Memo<string, readonly string[]>(64);

/** The words between "made" and its material: "made out of a", "made of the". */
const MADE_OF_FILLER = new Set(['out', 'of', 'a', 'an', 'the', 'entirely', 'completely', 'all']);

/** Words for a figure carved or cast of a material: "an ice sculpture", "a stone bust" are made of it. */
export const SCULPTURES = new Set(['sculpture', 'statue', 'bust', 'figurine', 'carving']);

/** The material a word says, as written or as its participle: "ice", "felted" (of felt), "wooden". */
function materialWord(word: string): string | undefined {
  if (MATERIALS.has(word)) return word;
  const stem = /^([a-z]{3,})ed$/.exec(word)?.[1];
  return stem !== undefined && MATERIALS.has(stem) ? stem : undefined;
}

const madeOf = new Memo<string, ReadonlySet<string>>(64);

/**
 * The materials `text` makes a thing of: after "made (out) of" ("a box made of felt"), or before a word for a
 * sculpture ("an ice sculpture"). Not a material that only describes ("a metal chair", "a glass of water").
 */
export function materialsMadeIn(text: string): ReadonlySet<string> {
  return madeOf.through(text, () => {
    const words = lemmas(text);
    const found = new Set<string>();
    words.forEach((word, index) => {
      const next = words[index + 1];
      if (next !== undefined && SCULPTURES.has(next)) found.add(materialWord(word) ?? '');
      if (word !== 'made') return;
      const after = words.slice(index + 1).filter((other) => !MADE_OF_FILLER.has(other));
      if (words[index + 1] === 'of' || (words[index + 1] === 'out' && words[index + 2] === 'of'))
        found.add(materialWord(after[0] ?? '') ?? '');
    });
    found.delete('');
    return found;
  });
}

/**
 * The materials a style's name says it makes everything of, when that is all its name says: "ice" of "Made of Ice",
 * "felt" of "kFelted", "wood" and "iron" of "WoodIronAI". None for a name that says a thing too ("Stone Statue").
 */
export function materialsOfName(adapter: Adapter): readonly string[] {
  const words = profileOf(adapter).nameWords.filter((word) => word !== 'made');
  const materials = words.map(materialWord);
  return materials.length > 0 && materials.every((material) => material !== undefined) ? (materials as string[]) : [];
}

/** The materials a trigger makes the subject of: "ice" of "made_of_ice". */
export function materialsOfTriggers(adapter: Adapter): ReadonlySet<string> {
  return new Set(adapter.triggerWords.flatMap((trigger) => [...materialsMadeIn(trigger.replace(/_/g, ' '))]));
}

/**
 * The kinds of material a name says its things are made of, beside what it draws: "stone" of "Stone Statue LoRA",
 * "metal" of "Bronze Statue LoRA". One thing is made of one of them.
 */
export function materialKindsOfName(adapter: Adapter): ReadonlySet<string> {
  const kinds = new Set<string>();
  for (const word of profileOf(adapter).nameWords) {
    const material = materialWord(word);
    const kind = material === undefined ? undefined : MATERIALS.get(material);
    if (kind !== undefined) kinds.add(kind);
  }
  return kinds;
}

/**
 * The material `prompt` makes an adapter's thing of when the adapter makes it of another ("gold" of "a statue made of
 * gold" for "Stone Statue LoRA", or for "Statues Collection", whose trigger is "made_of_ice"; "fire" of "a creature
 * made of fire" for "pearl creature"), if any: a LoRA makes its thing of its own material, whatever the prompt says.
 * The thing is a word of its name besides its materials, written right after the prompt's material or before its
 * "made of". Checked against the whole prompt, for any composer's picks.
 */
export function otherMaterialAsked(prompt: string, adapter: Adapter): string | undefined {
  // Asked of every candidate: most prompts name no material at all.
  const words = promptMaterials.through(prompt, () => {
    const all = lemmas(prompt);
    return all.some((word) => materialWord(word) !== undefined) ? all : [];
  });
  if (words.length === 0) return undefined;
  const own = new Set(materialKindsOfName(adapter));
  for (const material of materialsOfTriggers(adapter)) own.add(MATERIALS.get(material) ?? material);
  if (own.size === 0) return undefined;
  const things = new Set(profileOf(adapter).nameWords.filter((word) => materialWord(word) === undefined));
  for (const [index, word] of words.entries()) {
    if (!things.has(word)) continue;
    const before = materialWord(words[index - 1] ?? '');
    const after =
      words[index + 1] === 'made'
        ? materialWord(words.slice(index + 2).find((w) => !MADE_OF_FILLER.has(w)) ?? '')
        : undefined;
    const asked = before ?? after;
    if (asked !== undefined && !own.has(MATERIALS.get(asked) ?? asked)) return asked;
  }
  return undefined;
}

/**
 * Kinds of material a thing is seldom made of unless someone asks: a pearl creature, glass hair, an ice dragon. What
 * things are made of every day (metal, wood, stone, leather, fabric, plastic) says no more than the thing: "Steel
 * Swords" are swords.
 */
const UNUSUAL_MATERIALS = new Set([
  ...['glass', 'ice', 'clay', 'ceramic', 'paper', 'jade', 'sand', 'snow', 'chocolate', 'pearl', 'fire'],
  // Materials of ornaments, no everyday thing: a marble sword, a golden dragon.
  ...['marble', 'gold', 'golden', 'silver'],
]);

/**
 * The material an adapter's name makes its thing of when the prompt names no material of that kind at all ("pearl" of
 * "pearl creature" for "a sea creature", "glass" of "Glass Hair" for long hair), if any: it would make the thing of
 * something nobody asked for. A sculpture is made of some material whatever the prompt says, and a prompt of the
 * thing alone takes it as the card draws it ("a sword" for "Diffusion Marble (Swords)"). A name of materials alone is a
 * style of them (see materialsOfName). Checked against the whole prompt, for any composer's picks.
 */
export function materialUnasked(prompt: string, adapter: Adapter): string | undefined {
  // A style's material is its look, which the look rules hold it to ("ClayAnimationRedmond" for a claymation dog).
  if (adapter.category === 'character' || adapter.category === 'style') return undefined;
  const { nameWords } = profileOf(adapter);
  // As its name writes it: "Métal Hurlant" (a French magazine) says no metal.
  const written = adapter.name.toLowerCase();
  const materials = nameWords.filter((word) => {
    const material = materialWord(word);
    return (
      material !== undefined &&
      written.includes(word) &&
      (UNUSUAL_MATERIALS.has(material) || UNUSUAL_MATERIALS.has(kindOf(word)))
    );
  });
  if (materials.length === 0) return undefined;
  const things = nameWords.filter((word) => materialWord(word) === undefined && word !== 'made');
  if (things.length === 0 || things.some((word) => SCULPTURES.has(word))) return undefined;
  // A prompt of that thing alone asks for it as the card draws it: "a sword" for "Diffusion Marble (Swords)".
  const promptWords = lemmas(prompt).filter((word) => !isStopword(word));
  if (promptWords.every((word) => things.includes(word))) return undefined;
  const asked = new Set(promptWords.filter((word) => materialWord(word) !== undefined).map(kindOf));
  // One of its materials asked is enough: "Elemental Golems (Fire, Lava, Ice, Stone, Water)" for "a stone golem".
  return materials.some((word) => asked.has(kindOf(word))) ? undefined : materials[0];
}

/** The kind of material a word says: "marble" is stone, "golden" metal; a word of no material is its own. */
function kindOf(word: string): string {
  const material = materialWord(word) ?? word;
  return MATERIALS.get(material) ?? material;
}
