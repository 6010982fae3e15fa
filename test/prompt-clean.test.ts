import { describe, expect, it } from 'vitest';
import { UserFacingError } from '../src/errors.js';
import { cleanPrompt, neutralisePromptText, validatePrompt } from '../src/stylus/prompt-clean.js';

describe('cleanPrompt', () => {
  it('strips LoRA tags, attention weights, emphasis brackets, BREAK and quality boilerplate', () => {
    expect(
      cleanPrompt('masterpiece, best quality, (red fox:1.2), [[snow]], <lora:foxy:0.8> forest BREAK ((moonlight)), 8k'),
    ).toBe('red fox, snow, forest, moonlight');
  });

  it('unescapes literal brackets and handles nested weights', () => {
    expect(cleanPrompt('\\(cosplay\\), ((blue dress:1.3):1.1), {knight:0.9}')).toBe('cosplay, blue dress, knight');
  });

  it('reads a bar or a bullet as a comma: boilerplate between them goes too', () => {
    expect(cleanPrompt('a cat | masterpiece | best quality • a dog')).toBe('a cat, a dog');
  });

  it('keeps content words that merely contain a boilerplate word', () => {
    expect(cleanPrompt('highly detailed armor, ultra detailed')).toBe('highly detailed armor');
  });
});

describe('validatePrompt', () => {
  const code = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      return error instanceof UserFacingError ? error.code : 'other';
    }
    return 'none';
  };

  it('refuses empty, too long and word-less prompts with a clear reason', () => {
    expect(code(() => validatePrompt('   ', 1500))).toBe('empty_prompt');
    expect(code(() => validatePrompt('a'.repeat(1501), 1500))).toBe('prompt_too_long');
    expect(code(() => validatePrompt('<lora:x:1>, (:1.2), !!!, ...', 1500))).toBe('prompt_without_words');
    expect(validatePrompt('a cat, <lora:cat:1>', 1500)).toBe('a cat');
  });

  it('tells a member whose prompt is only quality tags that they say nothing to draw', () => {
    const message = (raw: string) => {
      try {
        validatePrompt(raw, 1500);
      } catch (error) {
        return error instanceof UserFacingError ? error.message : 'other';
      }
      return 'none';
    };
    expect(message('masterpiece, best quality, (highres:1.2), <lora:x:1>')).toMatch(/only quality tags/);
    expect(message('<lora:x:1>, (:1.2), !!!')).toMatch(/no words once LoRA tags/);
  });
});

describe('neutralisePromptText', () => {
  it('removes only extra-network tags so member text cannot load files', () => {
    expect(neutralisePromptText('a cat <lora:../../etc:1> <LYCO:x:1> (fluffy:1.2)')).toBe('a cat (fluffy:1.2)');
  });

  it('leaves no tag AUTOMATIC1111 would read, even when removing one would join the text around it into another', () => {
    // A1111 matches <(\w+):([^>]+)>: a "<" inside the name does not end the tag for it.
    const a1111Tag = /<(\w+):([^>]+)>/;
    for (const prompt of [
      'a cat <lora:<lora:x:1>evil:1>',
      'a cat <lora:evil<x:1>',
      'a cat <lora:<hypernet:x>evil:1>',
    ]) {
      const stripped = neutralisePromptText(prompt);
      expect(stripped).toMatch(/^a cat/);
      expect(stripped).not.toMatch(a1111Tag);
    }
  });
});
