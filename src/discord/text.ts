import { escapeMarkdown } from 'discord.js';

/**
 * Text the bot did not write (member prompts, LLM reasons, hub names, descriptions, tags, trigger words) is shown
 * as text and nothing else: no formatting, no mention, no link. The only links in what the bot posts are the ones
 * it builds itself to an adapter's own page (`adapterLink`).
 */

/** Zero-width space: breaks a token for Discord's parser and stays invisible to the reader. */
const BREAK = '\u200b';

/**
 * Discord turns `scheme://...` into a link anywhere in text, and `<@...>`, `<#...>`, `</cmd:id>`, `<t:...>` into
 * mentions and widgets; `@everyone`/`@here` render as mentions even when allowedMentions stops the ping.
 */
function breakLinksAndMentions(text: string): string {
  return text
    .replaceAll('://', `:${BREAK}//`)
    .replaceAll('<', `<${BREAK}`)
    .replace(/@(everyone|here)/gi, `@${BREAK}$1`);
}

/**
 * Untrusted text made inert for display: markdown escaped (headings and lists included), masked links `[text](url)`
 * unable to start, bare URLs and mentions broken with a zero-width space, and cut to `max` characters without
 * splitting a surrogate pair or an escape. The input is cut first: the escaping costs grow with its length.
 */
export function inert(text: string, max: number): string {
  const escaped = escapeMarkdown(text.slice(0, max + 1), { heading: true, bulletedList: true, numberedList: true });
  return truncate(breakLinksAndMentions(escaped.replace(/[[\]]/g, '\\$&')), max);
}

/**
 * The label of a masked link. Discord shows backslashes literally inside link text, so nothing is escaped here:
 * the characters that could end the label or start a link inside it are removed instead.
 */
function linkLabel(text: string, max: number): string {
  return truncate(breakLinksAndMentions(text.slice(0, max + 1).replace(/[[\]\\]/g, '')), max).trim();
}

/**
 * An adapter's own page as a link target: http(s) only, and percent-encoded so that no space or bracket in catalog
 * data can end the target early and start a link of its own. Undefined when the address is not one.
 */
export function pageLinkTarget(url: string | undefined): string | undefined {
  if (!url) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
  return parsed.href.replace(/[()<>[\]\s]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `[name](page)` when the adapter has a page, else the name in bold: the one kind of link the bot posts. */
export function adapterLink(name: string, pageUrl: string | undefined, max: number): string {
  const target = pageLinkTarget(pageUrl);
  const label = target ? linkLabel(name, max) : '';
  return target && label ? `[${label}](${target})` : `**${inert(name, max)}**`;
}

/** Text shown in an inline code span: a backtick in it would end the span, so a look-alike stands in. */
export function codeSpan(text: string, max: number): string {
  return `\`${truncate(text.replace(/`/g, 'ˋ'), max)}\``;
}

export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max && text.length <= max) return text;
  let cut = '';
  for (const char of chars) {
    if (cut.length + char.length > max - 1) break;
    cut += char;
  }
  // A trailing backslash would escape the ellipsis.
  return `${cut.replace(/\\+$/, '')}…`;
}
