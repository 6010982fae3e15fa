import { usearch } from './usearch-module.js';

/** Rows per block of the int8 copy (64 MB at 1024 dimensions): few usearch calls per search, each over many rows. */
const Q_BLOCK_ROWS = 65536;
const FIRST_BLOCK_ROWS = 64;
/** Candidates asked of each block at least: enough for the bounds to prove the answer on clustered embeddings. */
const MIN_CANDIDATES = 2048;
/** Far above the rounding of the f64 arithmetic here and in the f32 re-scoring, far below any quantisation error. */
const ROUNDING = 1e-7;

/**
 * An int8 copy of a part's (normalised) vectors, for the first pass of the exact search: usearch scans a quarter of the
 * bytes of the f32 vectors. Each dimension has its own quantisation step (its largest magnitude over 127), and each
 * row keeps the norm of its quantisation error, so that every approximate score comes with a proven bound on its
 * distance from the f32 score. From those bounds the first pass proves which rows can still be among the best `wanted`
 * and returns only them for re-scoring; when the bounds cannot prove it (scores closer together than the int8
 * precision can tell apart), it returns nothing and the caller scans the f32 vectors.
 *
 * With x = step * x8 + e (row) and q * step = q8 / s + f (query), q . x = (q8 . x8) / s + f . x8 + q . e, so the
 * approximate score (q8 . x8) / s is within |f| |x8| + |q| |e| of the true one (Cauchy-Schwarz).
 */
export class QuantisedRows {
  private readonly blocks: Int8Array[] = [];
  private readonly step: Float64Array;
  /** 1 / step, or 0 where a dimension was 0 in every row (its values then quantise to 0, all error). */
  private readonly inverse: Float64Array;
  /** |x - step * x8| per slot. */
  private readonly error: number[] = [];
  /** |x8| per slot. */
  private readonly norm: number[] = [];
  /** Largest error and norm of any row quantised so far (never lowered: a bound may only be loose). */
  private maxError = 0;
  private maxNorm = 0;
  /** The largest error when the copy was complete: later rows that clip much more make it stale. */
  private builtError = Number.POSITIVE_INFINITY;

  /**
   * An empty copy whose steps fit values up to `largest` in each dimension; rows are quantised one `set` at a time, so
   * a caller can build the copy in slices. Steps that no longer fit (rows set later, beyond them) clip, and the error
   * bounds include the clipping: the copy stays correct, only looser.
   */
  constructor(
    readonly dims: number,
    largest: Float64Array,
  ) {
    this.step = largest.map((value) => value / 127);
    this.inverse = this.step.map((step) => (step === 0 ? 0 : 1 / step));
  }

  /** Rows quantised, slots 0 to count - 1. */
  get count(): number {
    return this.error.length;
  }

  /** Marks the copy complete: from here on, rows that clip much more than these make it stale. */
  complete(): void {
    this.builtError = this.maxError;
  }

  /**
   * True once rows quantised after the build clip so much (their values beyond the steps' range) that the bounds have
   * become much looser than at the build: the copy should be rebuilt with steps that fit them.
   */
  get stale(): boolean {
    return this.maxError > Math.max(2 * this.builtError, 1e-3);
  }

  set(slot: number, vector: Float32Array): void {
    const dims = this.dims;
    const block = this.room(slot);
    const offset = (slot % Q_BLOCK_ROWS) * dims;
    const step = this.step;
    const inverse = this.inverse;
    let error = 0;
    let norm = 0;
    for (let d = 0; d < dims; d++) {
      const value = vector[d] as number;
      // Nearest level (Math.round is several times slower in V8 here); the error below is exact whichever is chosen.
      let level = Math.floor(value * (inverse[d] as number) + 0.5);
      if (level > 127) level = 127;
      else if (level < -127) level = -127;
      block[offset + d] = level;
      const residue = value - level * (step[d] as number);
      error += residue * residue;
      norm += level * level;
    }
    this.error[slot] = Math.sqrt(error);
    this.norm[slot] = Math.sqrt(norm);
    this.maxError = Math.max(this.maxError, this.error[slot] as number);
    this.maxNorm = Math.max(this.maxNorm, this.norm[slot] as number);
  }

  /** Moves the last row into `slot` and drops the last slot (the part removed the row in `slot`). */
  removeBy(slot: number, last: number): void {
    if (slot !== last) {
      const from = this.blockOf(last);
      const offset = (last % Q_BLOCK_ROWS) * this.dims;
      this.blockOf(slot).set(from.subarray(offset, offset + this.dims), (slot % Q_BLOCK_ROWS) * this.dims);
      this.error[slot] = this.error[last] as number;
      this.norm[slot] = this.norm[last] as number;
    }
    this.error.pop();
    this.norm.pop();
    if (this.blocks.length > Math.ceil(this.error.length / Q_BLOCK_ROWS)) this.blocks.pop();
  }

  /**
   * Slots that include every row among the best `wanted` by the true score (ties included), or undefined when the
   * bounds cannot prove it. `query` is normalised; `score` gives a slot's true score.
   */
  candidates(query: Float32Array, wanted: number, score: (slot: number) => number): number[] | undefined {
    const module = usearch();
    const count = this.error.length;
    if (!module || wanted <= 0 || wanted >= count) return undefined;
    const dims = this.dims;
    const scaled = new Float64Array(dims);
    let largest = 0;
    let queryNorm = 0;
    for (let d = 0; d < dims; d++) {
      const value = query[d] as number;
      scaled[d] = value * (this.step[d] as number);
      largest = Math.max(largest, Math.abs(scaled[d] as number));
      queryNorm += value * value;
    }
    if (largest === 0) return undefined;
    const scale = 127 / largest;
    const query8 = new Int8Array(dims);
    let queryError = 0;
    for (let d = 0; d < dims; d++) {
      const level = Math.floor((scaled[d] as number) * scale + 0.5);
      query8[d] = level;
      const residue = (scaled[d] as number) - level / scale;
      queryError += residue * residue;
    }
    queryError = Math.sqrt(queryError);
    queryNorm = Math.sqrt(queryNorm);
    // usearch reports 1 - (integer dot product) as an f32: exact up to 2^24 (1040 dimensions), rounded past that.
    const reported = ((127 * 127 * dims + 1) * 2 ** -23) / scale + ROUNDING;
    const bound = (slot: number) =>
      queryError * (this.norm[slot] as number) + queryNorm * (this.error[slot] as number) + reported;
    const worstBound = queryError * this.maxNorm + queryNorm * this.maxError + reported;

    const slots: number[] = [];
    const approximate: number[] = [];
    /** Per block that left rows out: the highest score any of them can have. */
    let leftOutCeiling = Number.NEGATIVE_INFINITY;
    const perBlock = Math.max(wanted * 4, MIN_CANDIDATES);
    this.blocks.forEach((block, index) => {
      const used = Math.min(Q_BLOCK_ROWS, count - index * Q_BLOCK_ROWS);
      if (used <= 0) return;
      const asked = Math.min(used, perBlock);
      // One thread: a second one made the pass slower here (7.3 against 6.6 ms at 75K x 1024, load 2 on 2 cores).
      const found = module.exactSearch(block.subarray(0, used * dims), query8, dims, asked, module.MetricKind.IP, 1);
      for (let hit = 0; hit < found.keys.length; hit++) {
        slots.push(index * Q_BLOCK_ROWS + Number(found.keys[hit]));
        approximate.push((1 - (found.distances[hit] as number)) / scale);
      }
      if (asked < used) {
        const lowest = (1 - (found.distances[found.distances.length - 1] as number)) / scale;
        leftOutCeiling = Math.max(leftOutCeiling, lowest + worstBound);
      }
    });
    // The `wanted` best by approximate score, scored exactly: the true best `wanted` all score at least their lowest.
    const order = Uint32Array.from(slots.keys()).sort(
      (a, b) => (approximate[b] as number) - (approximate[a] as number),
    );
    let floor = Number.POSITIVE_INFINITY;
    for (let rank = 0; rank < wanted; rank++) floor = Math.min(floor, score(slots[order[rank] as number] as number));
    if (!(leftOutCeiling < floor)) return undefined;
    return slots.filter((slot, hit) => (approximate[hit] as number) + bound(slot) >= floor);
  }

  private blockOf(slot: number): Int8Array {
    return this.blocks[Math.floor(slot / Q_BLOCK_ROWS)] as Int8Array;
  }

  private room(slot: number): Int8Array {
    const index = Math.floor(slot / Q_BLOCK_ROWS);
    if (index === this.blocks.length) this.blocks.push(new Int8Array(FIRST_BLOCK_ROWS * this.dims));
    const block = this.blocks[index] as Int8Array;
    if ((slot % Q_BLOCK_ROWS) * this.dims + this.dims <= block.length) return block;
    const grown = new Int8Array(Math.min(Q_BLOCK_ROWS * this.dims, block.length * 2));
    grown.set(block);
    this.blocks[index] = grown;
    return grown;
  }
}
