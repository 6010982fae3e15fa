import MarkdownIt from 'markdown-it';
import { htmlToText, MAX_MARKUP_CHARS } from './html.js';

/**
 * Model cards (Hugging Face READMEs) are Markdown with HTML mixed in. markdown-it (CommonMark, linear on the
 * pathological inputs its authors test) renders the card, and the HTML cleaner reads the result, so both kinds of
 * markup meet one set of rules. Only the text a reader sees is kept: code blocks, images and link targets go.
 */
const markdown = new MarkdownIt({ html: true, linkify: false, typographer: false });
// Usage code (diffusers snippets) says nothing about what the adapter draws.
markdown.renderer.rules.fence = () => '';
markdown.renderer.rules.code_block = () => '';
markdown.renderer.rules.image = () => ' ';
// A link keeps its text, never its target: one reference definition used a thousand times would otherwise put its
// URL into the HTML a thousand times.
markdown.renderer.rules.link_open = () => '<a>';

/** A YAML front matter block at the very start (`---` ... `---`), found with one forward scan. */
export function stripFrontMatter(text: string): string {
  const start = /^\uFEFF?---[ \t]*\r?\n/.exec(text);
  if (!start) return text;
  let from = start[0].length;
  for (;;) {
    const fence = text.indexOf('\n---', from - 1);
    // Never closed: not front matter but a rule at the top of the card.
    if (fence < 0) return text;
    const lineEnd = text.indexOf('\n', fence + 4);
    const rest = text.slice(fence + 4, lineEnd < 0 ? text.length : lineEnd);
    if (rest.trim() === '') return lineEnd < 0 ? '' : text.slice(lineEnd + 1);
    from = fence + 4;
  }
}

/** Markdown card -> plain text: front matter, code, images and link targets dropped, paragraphs kept. */
export function markdownToText(card: string): string {
  const body = stripFrontMatter(card.slice(0, MAX_MARKUP_CHARS));
  return htmlToText(markdown.render(body));
}
