import { describe, expect, it } from 'vitest';
import { type MaskTask, sampleMasks } from '../src/stylus/masks.js';

const tasks: MaskTask[] = [
  { adapters: [{ adapterId: 'a1', recommendedWeight: 0.8 }] },
  {
    adapters: [
      { adapterId: 'b1', recommendedWeight: 1 },
      { adapterId: 'b2', recommendedWeight: 0.6 },
    ],
  },
  {
    adapters: [
      { adapterId: 'c1', recommendedWeight: 0.9 },
      { adapterId: 'c2', recommendedWeight: 0.7 },
      { adapterId: 'c3', recommendedWeight: 0.5 },
    ],
  },
];
const BASE = 0.8;
const recommended = new Map(tasks.flatMap((task) => task.adapters.map((a) => [a.adapterId, a.recommendedWeight])));
const taskOf = new Map(tasks.flatMap((task, index) => task.adapters.map((a) => [a.adapterId, index])));
const ALL = ['a1', 'b1', 'b2', 'c1', 'c2', 'c3'];

describe('sampleMasks', () => {
  const masks = sampleMasks(tasks, { images: 1000, seed: 42, baseWeight: BASE });

  it('gives the first image every chosen adapter at recommended x base / adapters in its task', () => {
    const first = masks[0];
    expect(first?.index).toBe(0);
    expect(first?.seed).toBe(42);
    expect(first?.active.map((a) => a.adapterId)).toEqual(ALL);
    const weights = Object.fromEntries(first?.active.map((a) => [a.adapterId, a.weight]) ?? []);
    expect(weights.a1).toBeCloseTo(0.8 * BASE, 10);
    expect(weights.b1).toBeCloseTo((1 * BASE) / 2, 10);
    expect(weights.b2).toBeCloseTo((0.6 * BASE) / 2, 10);
    expect(weights.c3).toBeCloseTo((0.5 * BASE) / 3, 10);
  });

  it('over 1,000 images shows all 63 allowed on/off combinations and never all tasks off', () => {
    const seen = new Set<string>();
    masks.forEach((mask, index) => {
      expect(mask.index).toBe(index);
      expect(mask.seed).toBe(42 + index);
      expect(mask.active.length).toBeGreaterThan(0);
      const ids = mask.active.map((a) => a.adapterId);
      expect(new Set(ids).size).toBe(ids.length);
      seen.add(ALL.map((id) => (ids.includes(id) ? '1' : '0')).join(''));
    });
    expect(seen.size).toBe(2 ** 6 - 1);
    expect(seen.has('000000')).toBe(false);
  });

  it('splits each weight by the active adapters of its own task in every image', () => {
    for (const mask of masks) {
      const activeInTask = new Map<number, number>();
      for (const active of mask.active)
        activeInTask.set(active.taskIndex, (activeInTask.get(active.taskIndex) ?? 0) + 1);
      for (const active of mask.active) {
        expect(active.taskIndex).toBe(taskOf.get(active.adapterId));
        const expected = ((recommended.get(active.adapterId) ?? 0) * BASE) / (activeInTask.get(active.taskIndex) ?? 1);
        expect(active.weight).toBeCloseTo(expected, 10);
      }
    }
  });

  it('lets a task be off in some images', () => {
    const offCount = [0, 1, 2].map((task) => masks.filter((m) => !m.active.some((a) => a.taskIndex === task)).length);
    for (const count of offCount) expect(count).toBeGreaterThan(0);
  });

  it('reproduces the same masks from the same seed, and others from another seed', () => {
    const again = sampleMasks(tasks, { images: 1000, seed: 42, baseWeight: BASE });
    expect(again).toEqual(masks);
    const other = sampleMasks(tasks, { images: 1000, seed: 43, baseWeight: BASE });
    expect(other.map((m) => m.active.map((a) => a.adapterId))).not.toEqual(
      masks.map((m) => m.active.map((a) => a.adapterId)),
    );
  });

  it('varies a small batch: no repeated mask while unseen combinations remain', () => {
    const batch = sampleMasks(tasks, { images: 8, seed: 7, baseWeight: BASE });
    const keys = batch.map((m) => m.active.map((a) => a.adapterId).join(','));
    expect(new Set(keys).size).toBe(8);
  });

  it('samples lazily: 60 adapters (2^60 combinations) still give masks', () => {
    const wide: MaskTask[] = Array.from({ length: 20 }, (_, t) => ({
      adapters: Array.from({ length: 3 }, (_, a) => ({ adapterId: `t${t}a${a}`, recommendedWeight: 0.8 })),
    }));
    const result = sampleMasks(wide, { images: 4, seed: 1, baseWeight: 1 });
    expect(result).toHaveLength(4);
    expect(result[0]?.active).toHaveLength(60);
    expect(result[1]?.active.length).toBeLessThan(60);
  });

  it('handles a composition without adapters: every image has no LoRA but its own seed', () => {
    const empty = sampleMasks([{ adapters: [] }], { images: 3, seed: 10, baseWeight: BASE });
    expect(empty).toEqual([
      { index: 0, seed: 10, active: [] },
      { index: 1, seed: 11, active: [] },
      { index: 2, seed: 12, active: [] },
    ]);
  });

  it('never switches on more than maxActive adapters in one image, the first tasks first', () => {
    const capped = sampleMasks(tasks, { images: 200, seed: 9, baseWeight: BASE, maxActive: 4 });
    expect(capped[0]?.active.map((a) => a.adapterId)).toEqual(['a1', 'b1', 'b2', 'c1']);
    for (const mask of capped) expect(mask.active.length).toBeLessThanOrEqual(4);
  });

  it('loads an adapter chosen by several tasks once per image, at the weight of its first task', () => {
    const shared: MaskTask[] = [
      { adapters: [{ adapterId: 'x', recommendedWeight: 0.8 }] },
      { adapters: [{ adapterId: 'x', recommendedWeight: 0.8 }] },
      { adapters: [{ adapterId: 'x', recommendedWeight: 0.8 }] },
    ];
    const [first] = sampleMasks(shared, { images: 1, seed: 1, baseWeight: BASE });
    expect(first?.active).toEqual([{ adapterId: 'x', taskIndex: 0, weight: 0.8 * BASE }]);
  });
});
