import { UserFacingError } from '../errors.js';

/**
 * Quality boilerplate that says nothing about content: present in most sample prompts, so it only adds noise to
 * retrieval and task splitting. Matched as whole segments between commas, bars, bullets or line breaks.
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

/**
 * Longest text cleaned for retrieval. Member prompts are refused well before this (STYLUS_MAX_PROMPT_CHARS); the
 * bound keeps any other caller's work fixed.
 */
export const MAX_CLEANED_PROMPT_CHARS = 20_000;

const OPENING = new Set(['(', '[', '{']);
const CLOSING = new Set([')', ']', '}']);
/** A weight right before a closing bracket: `:1.2`, `: -0.5 `. Weights are short, so only a short tail is read. */
const TRAILING_WEIGHT = /:\s*-?\d*\.?\d+\s*$/;
const WEIGHT_TAIL_CHARS = 24;

/**
 * Brackets become spaces, and a weight before a closing bracket goes with it: `((blue dress:1.3):1.1)` ->
 * `blue dress`. One pass with a counter of open brackets, reading at most a short tail per closing bracket, so
 * 20,000 nested brackets cost no more than 20,000 letters.
 */
function stripEmphasis(text: string): string {
  const out: string[] = [];
  let open = 0;
  for (const char of text) {
    if (OPENING.has(char)) {
      open += 1;
      out.push(' ');
    } else if (CLOSING.has(char)) {
      if (open > 0) {
        open -= 1;
        const tail = out.slice(-WEIGHT_TAIL_CHARS).join('');
        const weight = TRAILING_WEIGHT.exec(tail);
        if (weight) out.length -= weight[0].length;
      }
      out.push(' ');
    } else {
      out.push(char);
    }
  }
  return out.join('');
}

/** Strips A1111 syntax (`<lora:x:0.8>`, `(word:1.2)`, emphasis brackets, `BREAK`) and quality boilerplate. */
export function cleanPrompt(text: string): string {
  const unescaped = text
    .slice(0, MAX_CLEANED_PROMPT_CHARS)
    .replace(/<[^<>]*>/g, ' ')
    .replace(/[<>]/g, ' ')
    .replace(/\\([()[\]{}])/g, '$1')
    .replace(/\bBREAK\b/g, ',');
  const segments = stripEmphasis(unescaped)
    .split(/[,\n|•]+/)
    .map((segment) => segment.replace(/\s+/g, ' ').trim())
    .filter((segment) => segment.length > 0 && !BOILERPLATE.has(segment.toLowerCase().replace(/[\s_-]+/g, ' ')));
  return segments.join(', ');
}

/**
 * Extra-network tags as members type them (`<lora:x:1>`, `< LYCO : x >`). The body stops at the next `<` as well
 * as at `>`, so each character is read once whatever the number of unclosed tags.
 */
const EXTRA_NETWORK_TAG = /<\s*(lora|lyco|lycoris|hypernet|embedding)\s*:[^<>]*>/gi;

/**
 * Text that goes into a render prompt beside the bot's own `<lora:NAME:w>` tags: member prompts, catalog trigger
 * words. Extra-network tags are removed (no file is loaded by their text), then every `<` and `>` left: an unclosed
 * `<lora:x` would otherwise swallow the bot's first tag (A1111 reads `<(\w+):([^>]+)>`, a `<` does not end a tag)
 * and every adapter would be silently dropped while the result still credited them.
 */
export function neutralisePromptText(text: string): string {
  return text
    .replace(EXTRA_NETWORK_TAG, ' ')
    .replace(/[<>]/g, ' ')
    .replace(/\s{2,}/g, ' ')
    .trim();
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
    // "masterpiece, best quality" has words, all of them praise of the picture: say so, or the member looks for
    // punctuation that is not there.
    const qualityOnly = /[\p{L}\p{N}]/u.test(
      stripEmphasis(raw.slice(0, MAX_CLEANED_PROMPT_CHARS).replace(/<[^<>]*>/g, ' ')),
    );
    throw new UserFacingError(
      qualityOnly
        ? 'The prompt has only quality tags ("masterpiece", "best quality"...), which say nothing to draw: describe the image in words.'
        : 'The prompt has no words once LoRA tags, weights and punctuation are removed: describe the image in words.',
      'prompt_without_words',
    );
  }
  return cleaned;
}
