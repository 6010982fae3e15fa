import { UserFacingError } from '../errors.js';

/**
 * Quality boilerplate that says nothing about content: present in most sample prompts, so it only adds noise to
 * retrieval and task splitting. Matched as whole comma-separated segments.
 */
const BOILERPLATE = new Set(
  [
    'masterpiece',
    'best quality',
    'high quality',
    'highest quality',
    'top quality',
    'good quality',
    'normal quality',
    'ultra quality',
    'amazing quality',
    'very aesthetic',
    'aesthetic',
    'absurdres',
    'highres',
    'high res',
    'hires',
    'high resolution',
    'ultra high res',
    'ultra high resolution',
    'ultra detailed',
    'ultra-detailed',
    'extremely detailed',
    'highly detailed',
    'very detailed',
    'intricate details',
    'official art',
    '4k',
    '8k',
    '8k uhd',
    '8k wallpaper',
    'uhd',
    'hdr',
    'extremely detailed cg unity 8k wallpaper',
    'extremely detailed cg',
    'unity 8k wallpaper',
    'score_9',
    'score_8_up',
    'score_7_up',
    'score_6_up',
    'score_5_up',
    'score_4_up',
  ].map((phrase) => phrase.replace(/[\s_-]+/g, ' ')),
);

/** Strips A1111 syntax (`<lora:x:0.8>`, `(word:1.2)`, emphasis brackets, `BREAK`) and quality boilerplate. */
export function cleanPrompt(text: string): string {
  let out = text
    .replace(/<[^<>]*>/g, ' ')
    .replace(/\\([()[\]{}])/g, '$1')
    .replace(/\bBREAK\b/g, ',');
  // `(word:1.2)` and `[word:0.8]`, innermost first, until none are left.
  let previous: string;
  do {
    previous = out;
    out = out.replace(/[([{]([^()[\]{}]*?):\s*-?\d*\.?\d+\s*[)\]}]/g, '$1');
  } while (out !== previous);
  out = out.replace(/[()[\]{}]/g, ' ');
  const segments = out
    .split(/[,\n]+/)
    .map((segment) => segment.replace(/\s+/g, ' ').trim())
    .filter((segment) => segment.length > 0 && !BOILERPLATE.has(segment.toLowerCase().replace(/[\s_-]+/g, ' ')));
  return segments.join(', ');
}

/**
 * Extra-network tags as AUTOMATIC1111 reads them (`<(\w+):([^>]+)>`, so a name may hold a `<`), with the spacing
 * variants members type.
 */
const EXTRA_NETWORK_TAG = /<\s*(lora|lyco|lycoris|hypernet|embedding)\s*:[^>]*>/gi;

/** Removes only LoRA-style extra-network tags: what members typed stays, but no file is loaded by their text. */
export function stripExtraNetworkTags(text: string): string {
  // Repeat until none is left: removing one tag must not join its neighbours into a new one
  // (`<lora:<lora:x:1>name:1>`).
  let out = text;
  let previous: string;
  do {
    previous = out;
    out = out.replace(EXTRA_NETWORK_TAG, ' ');
  } while (out !== previous);
  return out.replace(/\s{2,}/g, ' ').trim();
}

/**
 * Checks a member's prompt before any work and returns the cleaned text. Each failure is one sentence that says
 * what is wrong.
 */
export function validatePrompt(raw: string, maxChars: number): string {
  if (raw.trim() === '') throw new UserFacingError('The prompt is empty: describe the image you want.', 'empty_prompt');
  if (raw.length > maxChars) {
    throw new UserFacingError(
      `The prompt is ${raw.length} characters long; the limit is ${maxChars}. Shorten it and try again.`,
      'prompt_too_long',
    );
  }
  const cleaned = cleanPrompt(raw);
  if (!/[\p{L}\p{N}]/u.test(cleaned)) {
    throw new UserFacingError(
      'The prompt has no words once LoRA tags, weights and punctuation are removed: describe the image in words.',
      'prompt_without_words',
    );
  }
  return cleaned;
}
