import { escapeMarkdown } from 'discord.js';

/**
 * Member text made inert for display: markdown escaped, @everyone/@here and <@...> mentions broken with a
 * zero-width space (allowedMentions already stops pings; this also stops them from rendering as mentions), and
 * cut to `max` characters without splitting a surrogate pair or an escape.
 */
export function inert(text: string, max: number): string {
  const neutral = text.replace(/@(everyone|here)/gi, '@\u200b$1').replace(/<([@#])/g, '<\u200b$1');
  return truncate(escapeMarkdown(neutral), max);
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
