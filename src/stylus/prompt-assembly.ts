import type { Adapter } from '../catalog/adapter.js';
import { localLoraName, loraTagName } from '../catalog/lora-file.js';
import { neutralisePromptText } from './prompt-clean.js';
import type { ImageMask, ImagePrompt } from './types.js';

/**
 * Per image, what a backend needs: the positive prompt (ComfyUI chains LoraLoader nodes from `loras`) and the
 * same prompt with `<lora:NAME:weight>` tags (AUTOMATIC1111/Forge), NAME being the adapter's file name in the
 * backend's LoRA folder without `.safetensors`. Trigger words are added only when asked (off by default, as in
 * the paper: they can overpower the prompt), and a checkpoint's debias suffix goes last.
 */
export interface AssembleInput {
  prompt: string;
  masks: readonly ImageMask[];
  adapters: ReadonlyMap<string, Adapter>;
  insertTriggers: boolean;
  debiasSuffix?: string;
}

/** Weights as A1111 prints them: at most 3 decimals, no trailing zeros. */
export function formatWeight(weight: number): string {
  return String(Number(weight.toFixed(3)));
}

/**
 * The first trigger phrase of an adapter (a Civitai entry may hold several, comma-separated). Trigger words are
 * catalog text anyone could publish: a `<lora:other:1.5>` among them would load a LoRA nobody chose, so they go
 * into the prompt only as neutralised text.
 */
function firstTrigger(adapter: Adapter): string | undefined {
  for (const entry of adapter.triggerWords) {
    const phrase = neutralisePromptText(entry.split(',')[0] ?? '');
    if (phrase) return phrase;
  }
  return undefined;
}

function withTriggers(prompt: string, adapters: readonly Adapter[]): string {
  const lowered = prompt.toLowerCase();
  const additions: string[] = [];
  for (const adapter of adapters) {
    const trigger = firstTrigger(adapter);
    if (!trigger) continue;
    const key = trigger.toLowerCase();
    if (lowered.includes(key) || additions.some((added) => added.toLowerCase() === key)) continue;
    additions.push(trigger);
  }
  return [prompt, ...additions].join(', ');
}

export function assembleImagePrompts(input: AssembleInput): ImagePrompt[] {
  // Whatever the caller passed (a stored composition, an evaluation), nothing before the tags can open one.
  const base = neutralisePromptText(input.prompt);
  return input.masks.map((mask) => {
    const adapters = mask.active.map((active) => {
      const adapter = input.adapters.get(active.adapterId);
      // The pipeline only masks adapters it holds; a missing one is a bug, not a member's mistake.
      if (!adapter) throw new Error(`prompt assembly: adapter ${active.adapterId} is not in the composition`);
      return adapter;
    });
    let positive = input.insertTriggers ? withTriggers(base, adapters) : base;
    const suffix = input.debiasSuffix ? neutralisePromptText(input.debiasSuffix) : undefined;
    if (suffix) positive = `${positive}, ${suffix}`;
    const loras = mask.active.map((active, slot) => ({
      adapterId: active.adapterId,
      fileName: localLoraName(adapters[slot] as Adapter),
      weight: active.weight,
    }));
    const tags = loras.map((lora) => `<lora:${loraTagName(lora.fileName)}:${formatWeight(lora.weight)}>`);
    return {
      index: mask.index,
      seed: mask.seed,
      positive,
      a1111Prompt: tags.length ? `${positive} ${tags.join(' ')}` : positive,
      loras,
    };
  });
}
