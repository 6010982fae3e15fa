/**
 * Hub descriptions arrive as HTML written by model authors (Civitai's rich-text editor, pasted markup, sometimes
 * scripts). The catalog keeps plain text only: it is indexed for search and shown in Discord embeds, where markup
 * would be noise at best.
 */

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  ensp: ' ',
  emsp: ' ',
  thinsp: ' ',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  lsquo: '‘',
  rsquo: '’',
  ldquo: '“',
  rdquo: '”',
  laquo: '«',
  raquo: '»',
  bull: '•',
  middot: '·',
  copy: '©',
  reg: '®',
  trade: '™',
  deg: '°',
  times: '×',
  divide: '÷',
  plusmn: '±',
  frac12: '½',
  frac14: '¼',
  frac34: '¾',
  larr: '←',
  rarr: '→',
  uarr: '↑',
  darr: '↓',
  hearts: '♥',
  star: '☆',
  sect: '§',
  para: '¶',
  euro: '€',
  pound: '£',
  yen: '¥',
  cent: '¢',
  eacute: 'é',
  egrave: 'è',
  ecirc: 'ê',
  aacute: 'á',
  agrave: 'à',
  acirc: 'â',
  iacute: 'í',
  oacute: 'ó',
  uacute: 'ú',
  auml: 'ä',
  ouml: 'ö',
  uuml: 'ü',
  Auml: 'Ä',
  Ouml: 'Ö',
  Uuml: 'Ü',
  szlig: 'ß',
  ccedil: 'ç',
  ntilde: 'ñ',
};

/** Elements whose content is never text a reader sees. */
const INVISIBLE_ELEMENTS = /<(script|style|noscript|template|iframe|object|svg|head)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
/** Tags that open or close a paragraph-like block: a blank line in plain text. */
const PARAGRAPH_BOUNDARY = /<\s*\/?\s*(p|div|h[1-6]|ul|ol|table|blockquote|pre|hr|section|article)\b[^>]*>/gi;
/** Tags that start a new line: a line break in plain text. */
const LINE_BOUNDARY = /<\s*(br|li|tr|dt|dd)\b[^>]*>/gi;

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z][a-z0-9]*);/gi, (whole, body: string) => {
    if (body[0] === '#') {
      const codePoint =
        body[1] === 'x' || body[1] === 'X' ? Number.parseInt(body.slice(2), 16) : Number.parseInt(body.slice(1), 10);
      // Control characters and out-of-range code points carry nothing readable.
      if (!Number.isFinite(codePoint) || codePoint > 0x10ffff || codePoint < 0x20) return ' ';
      return String.fromCodePoint(codePoint);
    }
    return NAMED_ENTITIES[body] ?? NAMED_ENTITIES[body.toLowerCase()] ?? whole;
  });
}

/** Plain text of an HTML fragment: invisible elements dropped, block boundaries kept as line breaks, entities decoded. */
export function htmlToText(html: string | null | undefined): string {
  if (!html) return '';
  const text = html
    .replace(/<!--[\s\S]*?(-->|$)/g, ' ')
    .replace(INVISIBLE_ELEMENTS, ' ')
    // An unterminated <script> (truncated input) hides everything after it rather than leaking code into text.
    .replace(/<(script|style)\b[\s\S]*$/i, ' ')
    .replace(PARAGRAPH_BOUNDARY, '\n\n')
    .replace(LINE_BOUNDARY, '\n')
    .replace(/<\/?[a-z][^>]*>/gi, ' ')
    .replace(/<\/?[a-z][\s\S]*$/i, ' ');
  return normaliseWhitespace(decodeEntities(text));
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
