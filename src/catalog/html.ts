import { Parser } from 'htmlparser2';

/**
 * Hub descriptions arrive as HTML written by model authors (Civitai's rich-text editor, pasted markup, sometimes
 * scripts). The catalog keeps plain text only: it is indexed for search and shown in Discord embeds, where markup
 * would be noise at best.
 *
 * Anyone can publish a description, so cleaning must stay cheap whatever the input: the markup is cut to a fixed
 * size first, then read once by htmlparser2's tokenizer (a state machine, linear in its input, entities included).
 * Regular expressions that scan ahead for a closing `>` from every `<` took seconds per record on 100 KB of `<p`.
 */

/** Markup read per field. Descriptions keep at most 20,000 characters of text, so more would only cost time. */
export const MAX_MARKUP_CHARS = 200_000;

/** Elements whose content is never text a reader sees. */
const INVISIBLE = new Set(['script', 'style', 'noscript', 'template', 'iframe', 'object', 'svg', 'head', 'title']);
/** Elements that open or close a paragraph-like block: a blank line in plain text. */
const PARAGRAPH = new Set([
  'p',
  'div',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'ul',
  'ol',
  'table',
  'blockquote',
  'pre',
  'hr',
  'section',
  'article',
]);
/** Elements that start a new line. */
const LINE = new Set(['br', 'li', 'tr', 'dt', 'dd']);
/** Elements that separate words without a line break (table cells, images between words). */
const WORD_BREAK = new Set(['td', 'th', 'img']);

/** Plain text of an HTML fragment: invisible elements dropped, block boundaries kept as line breaks, entities decoded. */
export function htmlToText(html: string | null | undefined): string {
  if (!html) return '';
  const parts: string[] = [];
  let hiddenDepth = 0;
  const parser = new Parser(
    {
      onopentag(name) {
        if (INVISIBLE.has(name)) hiddenDepth += 1;
        else if (PARAGRAPH.has(name)) parts.push('\n\n');
        else if (LINE.has(name)) parts.push('\n');
        else if (WORD_BREAK.has(name)) parts.push(' ');
      },
      onclosetag(name) {
        if (INVISIBLE.has(name)) hiddenDepth = Math.max(0, hiddenDepth - 1);
        else if (PARAGRAPH.has(name)) parts.push('\n\n');
      },
      ontext(text) {
        if (hiddenDepth === 0) parts.push(text);
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  // An unterminated <script> (truncated input) stays hidden to the end rather than leaking code into text, and a
  // tag cut off at the end is dropped: the tokenizer does both.
  parser.end(html.slice(0, MAX_MARKUP_CHARS));
  return normaliseWhitespace(parts.join(''));
}

export function normaliseWhitespace(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/(?!\n)\p{Cc}/gu, ' ')
    .split('\n')
    .map((line) => line.replace(/[ \t\u00a0\u2000-\u200b\u3000]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Cuts text to at most `max` characters, at a word boundary when one is near, marking the cut with an ellipsis. */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  const room = max - 1;
  const cut = text.slice(0, room);
  const boundary = cut.search(/\s\S*$/);
  const end = boundary > room * 0.8 ? boundary : room;
  return `${cut.slice(0, end).trimEnd()}…`;
}
