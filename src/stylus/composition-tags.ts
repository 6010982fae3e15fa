import { lemmas } from '../catalog/classify/words.js';
import { isStopword } from '../catalog/text.js';
import { Memo } from '../util/memo.js';

/**
 * Tags that say how a picture is framed, as members paste them from Civitai and Danbooru ("1girl, cowboy shot, depth
 * of field, looking at viewer, scenery"): they name no thing an adapter draws. "cowboy shot" frames from the thighs up, it
 * asks for no cowboy; "full body" for no full-body reference sheet; "depth of field" for no undersea depths.
 */
const COMPOSITION_TAGS = [
  'cowboy shot',
  'full body',
  'fullbody',
  'upper body',
  'lower body',
  'half body',
  'shallow depth of field',
  'depth of field',
  'simple background',
  'plain background',
  'blurry background',
  'white background',
  'grey background',
  'gray background',
  'gradient background',
  'transparent background',
  'scenery',
  'no humans',
  'looking at viewer',
  'looking at the viewer',
  'facing viewer',
  'solo focus',
  'face focus',
  'dutch angle',
  'pov',
  // Danbooru's marks drawn on a face: a blush, no sticker sheet.
  'blush stickers',
  'blush sticker',
  // Quality phrases: what the picture should look like as a whole, no engine's game or a mythology wallpaper.
  'unreal engine',
  'octane render',
  'ray tracing',
  'extremely detailed wallpaper',
  'cg unity 8k wallpaper',
  'unity 8k wallpaper',
  '8k wallpaper',
  // How fine a picture's surfaces are drawn: no tileable texture map ("Diffuse Texture") for a portrait.
  'detailed texture',
  'detailed textures',
  'lively texture',
  'lively textures',
  'realistic texture',
  'realistic textures',
  // Danbooru's mark for a picture made by hand, in any medium: no "blackboard drawing" (its trigger) for a sketch.
  'traditional media',
  // A camera's setting: how a photo is taken, no "I-Balance Pose" (tagged "i balance").
  'white balance',
];

/** The "of" of a tag, with the words on each side of it ("depth of field"): one tag, never two things. */
const OF_IN_TAGS = new Set(
  COMPOSITION_TAGS.flatMap((tag) => {
    const words = tag.split(' ');
    return words.flatMap((word, index) =>
      word === 'of' && index > 0 && index < words.length - 1 ? [`${words[index - 1]} of ${words[index + 1]}`] : [],
    );
  }),
);

/** Whether "of" between `before` and `after` is inside a composition tag: "deep depth of field" is one. */
export function ofInsideTag(before: string, after: string): boolean {
  return OF_IN_TAGS.has(`${before.toLowerCase()} of ${after.toLowerCase()}`);
}

/** Each tag written with spaces, underscores or hyphens between its words ("cowboy_shot"). */
const TAG_PATTERN = new RegExp(
  `(?<![\\p{L}\\p{N}])(?:${COMPOSITION_TAGS.map((tag) => tag.split(' ').join('[\\s_-]+')).join('|')})(?![\\p{L}\\p{N}])`,
  'giu',
);

const contentLemmas = (text: string) => lemmas(text.replace(/_/g, ' ')).filter((word) => !isStopword(word));

const onlyInTags = new Memo<string, ReadonlySet<string>>(64);

/** The words `prompt` writes only inside composition tags: "cowboy" of "1girl, cowboy shot", not of "a cowboy, cowboy shot". */
function wordsOnlyInTags(prompt: string): ReadonlySet<string> {
  return onlyInTags.through(prompt, () => {
    const inTags = (prompt.match(TAG_PATTERN) ?? []).flatMap(contentLemmas);
    if (inTags.length === 0) return new Set();
    const elsewhere = new Set(contentLemmas(prompt.replace(TAG_PATTERN, ' , ')));
    return new Set(inTags.filter((word) => !elsewhere.has(word)));
  });
}

/**
 * Tags that say what the whole picture is only when written alone between commas, as a tag list writes them:
 * "wallpaper" of "masterpiece, best quality, wallpaper, 1girl" (a desktop wallpaper: no "PAseer's mythology
 * wallpaper"), where "a room with floral wallpaper" papers a wall; "octane" and "unreal", render engines named alone
 * ("teal hue, octane, unreal, dimly lit": no "skybox", tagged "unreal").
 */
const LONE_TAG_WORDS = new Set(['wallpaper', 'octane', 'unreal']);

/** Whether `prompt`, a tag list, writes `word` alone between commas. */
const writtenAlone = (prompt: string, word: string) =>
  prompt.includes(',') && new RegExp(`(?:^|[,，])\\s*${word}\\s*(?=[,，]|$)`, 'iu').test(prompt);

/**
 * Whether a task of `prompt` is made only of its composition tags ("cowboy shot", or "depth" and "field" split from
 * "depth of field"): no adapter is evidence for it, a character least of all.
 */
export function isCompositionTask(task: string, prompt: string): boolean {
  const words = contentLemmas(task);
  if (words.length === 0) return false;
  const [word] = words;
  if (words.length === 1 && word !== undefined && LONE_TAG_WORDS.has(word) && writtenAlone(prompt, word)) return true;
  // The task is tags itself ("simple background" beside "white background"), or what a tag was split into.
  if (contentLemmas(task.replace(TAG_PATTERN, ' , ')).length === 0) return true;
  const only = wordsOnlyInTags(prompt);
  return words.every((word) => only.has(word));
}

/** Whether `text` is one composition tag, as a trigger may be ("transparent_background" of "game icon"). */
export function isCompositionTag(text: string): boolean {
  const trimmed = text.trim();
  return trimmed.length > 0 && trimmed.replace(TAG_PATTERN, '').trim().length === 0;
}

/** `text` without its composition tags: a character is never named by one ("fullbody" of a reference sheet's name). */
export function withoutCompositionTags(text: string): string {
  return text.replace(TAG_PATTERN, ' ');
}
