import { describe, expect, it } from 'vitest';
import { makeAdapter, picksFrom } from './support/adapters.js';

/**
 * Issue #11: Stylus picks a member would accept that earlier rules left out, each won back by a general rule, with the
 * traps it must not fall into. Fixtures are the facts (id, name, category, tags, trigger words) of items of the 2023-07
 * Civitai dump.
 */

describe("a user handle that owns a name is its maker's", () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:73305',
      name: "zyd232's Ink Style",
      category: 'style',
      tags: ['ink', 'inksplat', 'style', 'ink wash', 'style lora'],
      triggerWords: ['zydink', 'monochrome', 'ink sketch'],
    }),
    makeAdapter({
      id: 'civitai:7709',
      name: "1990's Fantasy Oil Painting Art Style - LoRA 1mb - 9FOPAS - Style training guide included",
      category: 'style',
      tags: ['training', 'oil painting', 'fantasy art', 'style', 'low-file size', 'art style', 'paintings'],
      triggerWords: ['<lora:1990sfantasyoilpaintingartstyle_v1e20:0.7>', 'kpartstyle'],
    }),
  ]);

  it('takes "zyd232\'s Ink Style" for an ink wash: zyd232 is no model code nor franchise', () => {
    expect(picks('Downtown LA at sunrise. detailed ink wash.')).toEqual(['civitai:73305']);
  });

  it("takes no 1990's oil painting for any oil painting: a decade is no handle", () => {
    expect(picks('a fox, oil painting')).toEqual([]);
  });
});

describe('an adjective of a feeling in -gry is its noun in -ger', () => {
  const picks = picksFrom([
    makeAdapter({
      id: 'civitai:57334',
      name: 'angry - trained without data (new: runpod easy animations for ANY lora)',
      category: 'concept',
      tags: ['concept', 'conceptmod'],
      triggerWords: ['angry'],
    }),
  ]);

  it('takes "angry" for anger, and for no hunger', () => {
    expect(picks('anger')).toEqual(['civitai:57334']);
    expect(picks('hunger')).toEqual([]);
    expect(picks('a hungry cat')).toEqual([]);
  });
});
