import type { ActiveAdapter, ImageMask } from './types.js';

/**
 * Stylus masking: image 0 uses every chosen adapter; each further image switches each adapter of each task on or
 * off at random, so a task may be off, but never every task at once. Masks are drawn lazily (one coin per
 * adapter, redrawn when all are off), never by enumerating the 2^n combinations, and from a seeded PRNG, so the
 * same seed gives the same masks. While unseen combinations remain, a repeat is redrawn, so a small batch is as
 * varied as it can be. Weight of an active adapter = recommended x base / active adapters in its task.
 */
export interface MaskTask {
  adapters: readonly { adapterId: string; recommendedWeight: number }[];
}

export interface MaskOptions {
  images: number;
  seed: number;
  baseWeight: number;
  /** Most adapters switched on in one image (STYLUS_MAX_ADAPTERS); the rest of image 1 is left off. */
  maxActive?: number;
}

/** Redraws allowed per image when looking for an unseen combination; beyond that a repeat is accepted. */
const MAX_REDRAWS = 64;

/** mulberry32: a small, well-distributed 32-bit PRNG; good enough for masks, and reproducible everywhere. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Switches off what an image may not hold: a second copy of an adapter that several tasks chose (it loads once,
 * in its first task), and adapters past the cap (later tasks' last adapters first).
 */
function limit(tasks: readonly MaskTask[], on: boolean[][], maxActive: number): boolean[][] {
  const seen = new Set<string>();
  let active = 0;
  return tasks.map((task, taskIndex) =>
    task.adapters.map((adapter, slot) => {
      if (!on[taskIndex]?.[slot] || seen.has(adapter.adapterId) || active >= maxActive) return false;
      seen.add(adapter.adapterId);
      active += 1;
      return true;
    }),
  );
}

function weigh(tasks: readonly MaskTask[], on: readonly boolean[][], baseWeight: number): ActiveAdapter[] {
  const active: ActiveAdapter[] = [];
  tasks.forEach((task, taskIndex) => {
    const flags = on[taskIndex] ?? [];
    const count = flags.filter(Boolean).length;
    task.adapters.forEach((adapter, slot) => {
      if (!flags[slot]) return;
      active.push({
        adapterId: adapter.adapterId,
        taskIndex,
        weight: (adapter.recommendedWeight * baseWeight) / count,
      });
    });
  });
  return active;
}

/** How many masks the scheme allows: every on/off choice except all-off, capped to stay a safe integer. */
function allowedCombinations(tasks: readonly MaskTask[]): number {
  const adapters = tasks.reduce((sum, task) => sum + task.adapters.length, 0);
  return adapters >= 52 ? Number.MAX_SAFE_INTEGER : 2 ** adapters - 1;
}

export function sampleMasks(tasks: readonly MaskTask[], options: MaskOptions): ImageMask[] {
  const random = seededRandom(options.seed);
  const total = tasks.reduce((sum, task) => sum + task.adapters.length, 0);
  const allowed = allowedCombinations(tasks);
  const seen = new Set<string>();
  const masks: ImageMask[] = [];
  for (let index = 0; index < options.images; index++) {
    let on = tasks.map((task) => task.adapters.map(() => true));
    if (index > 0 && total > 0) {
      for (let attempt = 0; ; attempt++) {
        on = tasks.map((task) => task.adapters.map(() => random() < 0.5));
        const anyOn = on.some((flags) => flags.some(Boolean));
        if (!anyOn) continue;
        const key = on.map((flags) => flags.map((flag) => (flag ? '1' : '0')).join('')).join('|');
        if (seen.has(key) && seen.size < allowed && attempt < MAX_REDRAWS) continue;
        seen.add(key);
        break;
      }
    } else if (total > 0) {
      seen.add(on.map((flags) => flags.map(() => '1').join('')).join('|'));
    }
    const kept = limit(tasks, on, options.maxActive ?? Number.POSITIVE_INFINITY);
    masks.push({ index, seed: options.seed + index, active: weigh(tasks, kept, options.baseWeight) });
  }
  return masks;
}
