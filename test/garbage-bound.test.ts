import { setImmediate as nextTurn } from 'node:timers/promises';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { GarbageBound, type HeapAccess, processHeap } from '../src/util/garbage-bound.js';

const MB = 2 ** 20;

/** A heap whose use the test sets, standing in for V8's: it counts the collections asked of it. */
function heapReading(live: number) {
  const heap = {
    used: live,
    live,
    collections: 0,
    usedBytes: () => heap.used,
    collect: () => {
      heap.collections += 1;
      heap.used = heap.live;
    },
  };
  return heap;
}

describe('GarbageBound', () => {
  it('collects once the garbage passes the budget, on the next turn of the event loop', async () => {
    const heap = heapReading(60 * MB);
    const bound = new GarbageBound(heap, 256 * MB);
    // Before its first collection it knows no live set: all of the heap counts as garbage.
    heap.used = 250 * MB;
    bound.afterWork();
    await nextTurn();
    expect(heap.collections).toBe(0);

    heap.used = 257 * MB;
    bound.afterWork();
    expect(heap.collections).toBe(0);
    await nextTurn();
    expect(heap.collections).toBe(1);
    expect(bound.collected).toBe(1);
  });

  it('measures the live heap after its collection and allows the budget over it', async () => {
    const heap = heapReading(120 * MB);
    const bound = new GarbageBound(heap, 100 * MB);
    heap.used = 230 * MB;
    bound.afterWork();
    await nextTurn();
    expect(heap.collections).toBe(1);

    // 120 MB live after it: 200 MB in use is 80 MB of garbage, under the budget.
    heap.used = 200 * MB;
    bound.afterWork();
    await nextTurn();
    expect(heap.collections).toBe(1);
    heap.used = 221 * MB;
    bound.afterWork();
    await nextTurn();
    expect(heap.collections).toBe(2);
  });

  it('asks for one collection however many times work ends before it runs', async () => {
    const heap = heapReading(10 * MB);
    const bound = new GarbageBound(heap, 1 * MB);
    heap.used = 50 * MB;
    for (let index = 0; index < 5; index++) bound.afterWork();
    await nextTurn();
    expect(heap.collections).toBe(1);
  });

  it('tells the log what it found and what was left', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'debug' }, { write: (line: string) => lines.push(line) });
    const heap = heapReading(70 * MB);
    const bound = new GarbageBound(heap, 100 * MB);
    heap.used = 400 * MB;
    bound.afterWork(log);
    await nextTurn();
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({ msg: 'collected garbage over the budget', heapMb: 400, liveMb: 70 }),
    ]);
  });

  it('does nothing where the heap cannot be reached', async () => {
    const bound = new GarbageBound(undefined, 0);
    bound.afterWork();
    await nextTurn();
    expect(bound.collected).toBe(0);
  });
});

describe('processHeap', () => {
  it("reaches V8's own heap: a collection frees garbage the process left", () => {
    const heap: HeapAccess | undefined = processHeap();
    expect(heap).toBeDefined();
    if (!heap) return;
    heap.collect();
    const before = heap.usedBytes();
    let garbage: { index: number; text: string }[] | undefined = [];
    for (let index = 0; index < 300_000; index++) garbage.push({ index, text: `record ${index}` });
    const withGarbage = heap.usedBytes();
    garbage = undefined;
    heap.collect();
    expect(withGarbage - before).toBeGreaterThan(10 * MB);
    expect(heap.usedBytes()).toBeLessThan(before + 5 * MB);
    expect(garbage).toBeUndefined();
  });
});
