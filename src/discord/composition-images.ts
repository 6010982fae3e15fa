import type { Adapter } from '../catalog/adapter.js';
import type { Config } from '../config.js';
import type { CompositionRecord } from '../state/compositions.js';
import { buildImagePrompts } from '../stylus/pipeline.js';
import type { ImagePrompt } from '../stylus/types.js';

/** The images of a stored composition as they stand now (after swaps, weight edits and rerolls). */
export function compositionImages(
  record: CompositionRecord,
  adapters: ReadonlyMap<string, Adapter>,
  config: Pick<Config, 'STYLUS_BASE_WEIGHT' | 'STYLUS_INSERT_TRIGGERS' | 'STYLUS_MAX_ADAPTERS'>,
): ImagePrompt[] {
  return buildImagePrompts({
    prompt: record.prompt,
    tasks: record.tasks,
    adapters,
    seed: record.seed,
    images: record.images,
    baseWeight: config.STYLUS_BASE_WEIGHT,
    weightOverrides: new Map(Object.entries(record.weights)),
    insertTriggers: config.STYLUS_INSERT_TRIGGERS,
    maxAdapters: record.maxAdapters ?? config.STYLUS_MAX_ADAPTERS,
  });
}

/**
 * Variations: every image uses all chosen adapters (as the first image of any seed does), each with its own seed.
 */
export function variationImages(
  record: CompositionRecord,
  adapters: ReadonlyMap<string, Adapter>,
  config: Pick<Config, 'STYLUS_BASE_WEIGHT' | 'STYLUS_INSERT_TRIGGERS' | 'STYLUS_MAX_ADAPTERS'>,
): ImagePrompt[] {
  return Array.from({ length: record.images }, (_, index) => {
    const [first] = compositionImages({ ...record, seed: record.seed + index, images: 1 }, adapters, config);
    if (!first) throw new Error('a composition always has a first image');
    return { ...first, index };
  });
}

/** Every adapter id a composition shows: chosen ones and the alternatives of each task. */
export function compositionAdapterIds(record: CompositionRecord): string[] {
  return [
    ...new Set([
      ...record.tasks.flatMap((task) => task.adapters.map((a) => a.adapterId)),
      ...record.alternatives.flat(),
    ]),
  ];
}

/** Adapters switched on in some task, in task order, once each: the rows of the weights modal. */
export function activeAdapterIds(record: CompositionRecord): string[] {
  return [...new Set(record.tasks.flatMap((task) => task.adapters.map((a) => a.adapterId)))];
}

export function adapterWeight(record: CompositionRecord, adapter: Adapter): number {
  return record.weights[adapter.id] ?? adapter.recommendedWeight;
}

/**
 * The negative prompt of a composition's renders and exports: the configured one, and where NSFW is not allowed the
 * SFW one too, so the base model keeps nudity out of a plain prompt ("a woman on a beach").
 */
export function negativePromptFor(
  record: Pick<CompositionRecord, 'ageRestricted'>,
  config: Pick<Config, 'RENDER_NEGATIVE_PROMPT' | 'RENDER_SFW_NEGATIVE_PROMPT'>,
): string {
  if (record.ageRestricted) return config.RENDER_NEGATIVE_PROMPT;
  return [config.RENDER_NEGATIVE_PROMPT, config.RENDER_SFW_NEGATIVE_PROMPT].filter(Boolean).join(', ');
}
