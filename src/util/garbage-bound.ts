import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Logger } from 'pino';

/**
 * Keeps the garbage a long-running process carries under a budget. V8 sizes its next collection from how fast it
 * measured the last ones against how fast the process allocates; at 300K adapters each composition parses and profiles
 * about a hundred records that live in the record cache for a while, and now and then (under CPU contention, once in a
 * 10,000-composition soak) V8 let the heap reach 1 GB of garbage over a live set of 60-100 MB. A hard
 * `--max-old-space-size` would bound it too, but stops the process when a large catalog's live heap outgrows it; this
 * collects instead, on the next turn of the event loop, and only when the garbage passed the budget.
 */
export interface HeapAccess {
  /** Bytes of the V8 heap in use, live objects and garbage not yet collected. */
  usedBytes(): number;
  /** A full, synchronous collection. */
  collect(): void;
}

const MB = 2 ** 20;

/** Garbage allowed over the live heap: well above a bot's normal swing (up to about 190 MB at 300K adapters). */
export const GARBAGE_BUDGET_BYTES = 256 * MB;

export class GarbageBound {
  /** The heap in use right after the last collection this made: the live set, as far as it knows. */
  private liveBytes = 0;
  private scheduled = false;
  private collections = 0;

  constructor(
    private readonly heap: HeapAccess | undefined,
    private readonly budgetBytes: number = GARBAGE_BUDGET_BYTES,
  ) {}

  /**
   * Call after work that allocated: collects on the next turn of the event loop when the budget is passed, and tells
   * `log` (at debug level) what it found and freed.
   */
  afterWork(log?: Logger): void {
    const heap = this.heap;
    if (!heap || this.scheduled || heap.usedBytes() - this.liveBytes <= this.budgetBytes) return;
    this.scheduled = true;
    // The reply the work was for goes out first; the pause (tens of milliseconds at 300K) comes after it.
    setImmediate(() => {
      this.scheduled = false;
      const before = heap.usedBytes();
      const started = performance.now();
      heap.collect();
      this.collections += 1;
      this.liveBytes = heap.usedBytes();
      log?.debug(
        {
          heapMb: Math.round(before / MB),
          liveMb: Math.round(this.liveBytes / MB),
          pauseMs: Math.round(performance.now() - started),
        },
        'collected garbage over the budget',
      );
    }).unref();
  }

  /** How many collections this made: for benchmarks and logs. */
  get collected(): number {
    return this.collections;
  }
}

/**
 * The process's own heap, with V8's `gc` exposed at run time (`--expose-gc` adds it to contexts created after it is
 * set); undefined where V8 refuses it, and the process then keeps V8's own schedule.
 */
export function processHeap(): HeapAccess | undefined {
  try {
    v8.setFlagsFromString('--expose-gc');
    const collect: unknown = runInNewContext('gc');
    if (typeof collect !== 'function') return undefined;
    return {
      usedBytes: () => v8.getHeapStatistics().used_heap_size,
      collect: () => collect(),
    };
  } catch {
    return undefined;
  }
}

let shared: GarbageBound | undefined;

/** One bound per process: the heap is the process's. */
export function processGarbageBound(): GarbageBound {
  shared ??= new GarbageBound(processHeap());
  return shared;
}
