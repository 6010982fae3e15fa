import { describe, expect, it } from 'vitest';
import { htmlToText, MAX_MARKUP_CHARS } from '../src/catalog/html.js';
import { markdownToText } from '../src/catalog/markdown.js';
import { nextLink } from '../src/catalog/sources/huggingface.js';
import { cleanPrompt, MAX_CLEANED_PROMPT_CHARS, neutralisePromptText } from '../src/stylus/prompt-clean.js';

/**
 * Hub text is written by anyone: a description of 200 KB of `<p` or a README of `[` took the old regex cleaners
 * seconds to minutes per record (they rescanned the rest of the text from every `<` or `[`). Each cleaner now cuts
 * its input to a fixed size first and then makes one pass, so these inputs come back at once with the right text.
 * No timing is asserted: a quadratic cleaner runs past the test timeout on them (it took 6 to 8 s for 100 KB).
 */
const SIZE = MAX_MARKUP_CHARS;
const fill = (unit: string, size = SIZE) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size);

describe('hub text cleaners on hostile input', () => {
  it.each([
    ['<p', ''],
    ['<br', ''],
    ['<a', ''],
    ['<script', ''],
    ['<style ', ''],
    ['<!--', ''],
  ])('HTML of %j repeated to the cap comes back as %j', (unit, expected) => {
    expect(htmlToText(fill(unit))).toBe(expected);
  });

  it('keeps the text between thousands of unclosed tags and line breaks', () => {
    const text = htmlToText(fill('word<br>', 80_000) + fill('<b>bold ', 80_000));
    expect(text.startsWith('word\nword\n')).toBe(true);
    expect(text.endsWith('bold bold')).toBe(true);
    expect(text).not.toMatch(/[<>]/);
  });

  it('reads at most MAX_MARKUP_CHARS of markup: what lies beyond is never looked at', () => {
    const text = htmlToText(`${fill('a ', SIZE)}<p>beyond the cap</p>`.repeat(5));
    expect(text).not.toContain('beyond');
    expect(text.length).toBeLessThanOrEqual(SIZE);
  });

  it.each([
    ['[', SIZE],
    ['![', SIZE],
    ['[a](', SIZE],
    ['<br', SIZE],
    ['`a', SIZE],
    ['*_', SIZE],
  ])('a Markdown card of %j repeated comes back as its literal text', (unit, size) => {
    const text = markdownToText(fill(unit, size));
    expect(text.length).toBeGreaterThan(0);
    expect(text.length).toBeLessThanOrEqual(size);
  });

  it('a card of link references does not multiply the link target into the text', () => {
    const target = `https://example.com/${'x'.repeat(900)}`;
    const card = `[r]: ${target}\n\n${fill('[a][r] ', SIZE - 1000)}`;
    const text = markdownToText(card);
    expect(text).not.toContain('example.com');
    expect(text.startsWith('a a a')).toBe(true);
    expect(text.length).toBeLessThanOrEqual(SIZE);
  });

  it('reads a card whose front matter is opened and never closed as text', () => {
    const text = markdownToText(`---\n${fill('a: b\n', SIZE)}`);
    expect(text.startsWith('a: b\na: b')).toBe(true);
    expect(text.length).toBeLessThanOrEqual(SIZE);
    expect(markdownToText('---\nlicense: mit\n---\nCard text')).toBe('Card text');
    expect(markdownToText('---\n---\nCard text')).toBe('Card text');
  });

  it('cleans prompts with deep weight nesting and thousands of open tags in one pass', () => {
    const depth = 3000;
    expect(cleanPrompt(`${'('.repeat(depth)}castle${':1.1)'.repeat(depth)}`)).toBe('castle');
    expect(cleanPrompt(`${'['.repeat(MAX_CLEANED_PROMPT_CHARS - 10)}castle`)).toBe('castle');
    expect(neutralisePromptText(fill('<lora:', 100_000))).not.toMatch(/[<>]/);
    const unclosed = neutralisePromptText(`a ${'<lora:x'.repeat(10_000)}> b`);
    expect(unclosed).not.toMatch(/[<>]/);
    expect(unclosed.startsWith('a lora:x')).toBe(true);
  });

  it('reads a Link header of thousands of "<" once', () => {
    expect(nextLink(`${'<'.repeat(60_000)}<https://hub/api/models?cursor=2>; rel="next"`)).toBe(
      'https://hub/api/models?cursor=2',
    );
  });

  it('bounds a prompt before cleaning it', () => {
    const cleaned = cleanPrompt(`${fill('castle ', MAX_CLEANED_PROMPT_CHARS)} never read`);
    expect(cleaned).not.toContain('never');
    expect(cleaned.length).toBeLessThanOrEqual(MAX_CLEANED_PROMPT_CHARS);
  });
});
