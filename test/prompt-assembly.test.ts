import { describe, expect, it } from 'vitest';
import { assembleImagePrompts, formatWeight } from '../src/stylus/prompt-assembly.js';
import type { ImageMask } from '../src/stylus/types.js';
import { makeAdapter } from './support/adapters.js';

const ukiyo = makeAdapter({ id: 'hf:someone/ukiyo-e-art', name: 'Ukiyo-e Art', triggerWords: ['Ukiyo-e Art'] });
const corgi = makeAdapter({ id: 'hf:someone/corgi', name: 'Corgi', triggerWords: ['crg dog, fluffy'] });
const local = makeAdapter({ id: 'local:pixel_v2', source: 'local', name: 'Pixel', fileName: 'pixel_v2.safetensors' });
const adapters = new Map([ukiyo, corgi, local].map((adapter) => [adapter.id, adapter]));

const masks: ImageMask[] = [
  {
    index: 0,
    seed: 100,
    active: [
      { adapterId: ukiyo.id, taskIndex: 1, weight: 0.64 },
      { adapterId: corgi.id, taskIndex: 0, weight: 0.32 },
      { adapterId: local.id, taskIndex: 0, weight: 0.2666666 },
    ],
  },
  { index: 1, seed: 101, active: [{ adapterId: corgi.id, taskIndex: 0, weight: 0.64 }] },
  { index: 2, seed: 102, active: [] },
];
const prompt = 'a corgi astronaut floating in space, ukiyo-e woodblock print style';

describe('assembleImagePrompts', () => {
  it('writes A1111 <lora:file-name:weight> tags and the (adapter, file, weight) list per image', () => {
    const images = assembleImagePrompts({ prompt, masks, adapters, insertTriggers: false });
    expect(images.map((image) => [image.index, image.seed])).toEqual([
      [0, 100],
      [1, 101],
      [2, 102],
    ]);
    const [first, second, third] = images;
    expect(first?.positive).toBe(prompt);
    expect(first?.a1111Prompt).toBe(
      `${prompt} <lora:hf-someone--ukiyo-e-art:0.64> <lora:hf-someone--corgi:0.32> <lora:pixel_v2:0.267>`,
    );
    expect(first?.loras).toEqual([
      { adapterId: ukiyo.id, fileName: 'hf-someone--ukiyo-e-art.safetensors', weight: 0.64 },
      { adapterId: corgi.id, fileName: 'hf-someone--corgi.safetensors', weight: 0.32 },
      { adapterId: local.id, fileName: 'pixel_v2.safetensors', weight: 0.2666666 },
    ]);
    expect(second?.a1111Prompt).toBe(`${prompt} <lora:hf-someone--corgi:0.64>`);
    expect(third).toEqual({ index: 2, seed: 102, positive: prompt, a1111Prompt: prompt, loras: [] });
  });

  it('adds each active adapter’s first trigger phrase only when asked, once, and not when the prompt has it', () => {
    const images = assembleImagePrompts({ prompt, masks, adapters, insertTriggers: true });
    // "Ukiyo-e Art" is not in the prompt as a phrase; "crg dog" is the first phrase of a comma list.
    expect(images[0]?.positive).toBe(`${prompt}, Ukiyo-e Art, crg dog`);
    expect(images[1]?.positive).toBe(`${prompt}, crg dog`);
    expect(images[2]?.positive).toBe(prompt);
    const already = assembleImagePrompts({
      prompt: 'crg dog on a beach',
      masks: [masks[1] as ImageMask],
      adapters,
      insertTriggers: true,
    });
    expect(already[0]?.positive).toBe('crg dog on a beach');
  });

  it('appends a debias suffix after the triggers and before the LoRA tags', () => {
    const images = assembleImagePrompts({
      prompt,
      masks,
      adapters,
      insertTriggers: true,
      debiasSuffix: 'natural colors',
    });
    expect(images[1]?.positive).toBe(`${prompt}, crg dog, natural colors`);
    expect(images[1]?.a1111Prompt).toBe(`${prompt}, crg dog, natural colors <lora:hf-someone--corgi:0.64>`);
  });

  it('refuses an adapter it was not given instead of dropping it silently', () => {
    expect(() =>
      assembleImagePrompts({
        prompt,
        masks: [{ index: 0, seed: 1, active: [{ adapterId: 'hf:missing/x', taskIndex: 0, weight: 1 }] }],
        adapters,
        insertTriggers: false,
      }),
    ).toThrow(/hf:missing\/x/);
  });

  it('formats weights with at most three decimals', () => {
    expect(formatWeight(0.8)).toBe('0.8');
    expect(formatWeight(0.26666)).toBe('0.267');
    expect(formatWeight(1)).toBe('1');
  });
});
