import type { Adapter } from './adapter.js';
import { QuantisedRows } from './dense-quantised.js';
import type { AdapterFilter, ScoredId } from './store.js';
import { type Usearch, usearch } from './usearch-module.js';

/**
 * The embedded store's vectors in memory, split by (base family, nsfw, real person) so that a filter chooses which
 * parts to scan instead of discarding rows after scoring them, and kept up to date row by row as the catalog changes.
 * `exact` first scans an int8 copy of the chosen parts with usearch's SIMD kernels (a quarter of the bytes of the f32
 * vectors), proves from bounds on the quantisation error which rows can still be among the best, and re-scores only
 * those; where the bounds cannot prove it, it scans the f32 vectors with usearch instead. `hnsw` searches a usearch
 * HNSW graph per part, for catalogs of a million vectors and more, where an exact scan reads too many gigabytes per
 * query. Either way the hits are re-scored here with the same dot product as the plain scan, so exact results are the
 * plain scan's, score for score.
 */
export type DenseIndexKind = 'exact' | 'hnsw';

export interface DenseRow {
  rowid: number;
  id: string;
  baseFamily: Adapter['baseFamily'];
  category: Adapter['category'];
  source: Adapter['source'];
  nsfw: boolean;
  realPerson: boolean;
}

/** Which kernel scores vectors here: usearch's SIMD one, or the plain JavaScript loop where usearch does not load. */
export function denseEngine(): 'usearch' | 'plain' {
  return usearch() ? 'usearch' : 'plain';
}

/**
 * HNSW settings. With 150 neighbours asked, a search breadth of 512 found 0.999 of the exact top 150 among 200K 1024-d
 * vectors with topic structure (bench/dense-vectors.ts `topics`; 0.995 at 256, 0.980 at 150), leaving room for 1M.
 * Isotropic Gaussian vectors defeat any such graph (0.23 at 100K): it relies on the neighbourhoods real embeddings have.
 */
const HNSW = { connectivity: 16, expansionAdd: 128, expansionSearch: 512 } as const;

/**
 * Rows per block of a part's vectors (16 MB at 1024 dimensions). Blocks never move: a part grows by adding one, so a
 * catalog being embedded never makes a reader copy its whole matrix to grow it; only the last block grows, by doubling.
 */
const BLOCK_ROWS = 4096;
const FIRST_BLOCK_ROWS = 64;

/** Parts smaller than this (one block) are scanned in f32 directly: an int8 first pass would save little there. */
const QUANTISE_FROM_ROWS = BLOCK_ROWS;

/**
 * A stale int8 copy (rows clipped by steps that no longer fit) stays correct, only looser (searches it cannot prove
 * fall back to the f32 scan), so it is rebuilt only once the part has been quiet for this many searches: while
 * `stylus embed` writes rows every second, a copy rebuilt at once would go stale again before long, and a rebuild
 * costs about 100 ms of CPU at 30K x 1024.
 */
const QUIET_SEARCHES_BEFORE_REBUILD = 8;

/**
 * Values (rows x dimensions) an int8 copy being built quantises per turn of the event loop: 256 rows at 1024
 * dimensions, about 2 ms (9 us a row: 671 ms for 75K in bench/dense-scan.ts). The copy is built between searches, never
 * in one: built in one stretch by the search that first needed it, it cost that search about 120 ms (4K x 1024 on a
 * loaded machine), and a rebuild at 30K rows takes longer still.
 */
const BUILD_SLICE_VALUES = 256 * 1024;

/** After this many int8 passes in a row that proved nothing, a part tries one only every `RETRY_EVERY` searches. */
const TRIES_BEFORE_BACKOFF = 3;
const RETRY_EVERY = 8;

/**
 * How the exact searches of parts were answered: by the proven int8 first pass, or by scanning the f32 vectors; and
 * how many int8 passes proved nothing (each followed by an f32 scan).
 */
export interface DenseScanStats {
  quantised: number;
  full: number;
  unproven: number;
}

class Part {
  readonly rows: DenseRow[] = [];
  readonly slotOfRowid = new Map<number, number>();
  readonly slotOfId = new Map<string, number>();
  private readonly blocks: Float32Array[] = [];
  private graph: InstanceType<Usearch['Index']> | undefined;
  /** The int8 copy searches use: complete, though maybe stale. */
  private quantised: QuantisedRows | undefined;
  /** A copy being built between searches, and how many of its slots (from 0) are quantised. */
  private building: { copy: QuantisedRows; done: number } | undefined;
  /** Largest magnitude per dimension of any row set (never lowered): the steps of the next int8 copy. */
  private readonly largest: Float64Array;
  /** Searches since the part last changed. */
  private searchesSinceChange = 0;
  /** Int8 passes in a row that proved nothing, and searches since then that skipped it. */
  private unproven = 0;
  private backedOff = 0;

  constructor(
    readonly dims: number,
    private readonly kind: DenseIndexKind,
    private readonly stats: DenseScanStats,
    /** Asks the index to call `buildSome` on a later turn of the event loop. */
    private readonly scheduleBuild: (part: Part) => void,
  ) {
    this.largest = new Float64Array(dims);
  }

  get count(): number {
    return this.rows.length;
  }

  set(row: DenseRow, vector: Float32Array): void {
    let slot = this.slotOfRowid.get(row.rowid);
    if (slot === undefined) {
      slot = this.rows.length;
      this.makeRoom(slot);
      this.rows.push(row);
      this.slotOfRowid.set(row.rowid, slot);
    } else {
      this.slotOfId.delete((this.rows[slot] as DenseRow).id);
      this.rows[slot] = row;
    }
    this.slotOfId.set(row.id, slot);
    this.searchesSinceChange = 0;
    this.blockOf(slot).set(vector, this.offsetOf(slot));
    if (this.kind === 'exact') this.noteMagnitudes(vector);
    this.quantised?.set(slot, vector);
    // A copy being built takes the rows it has passed; it reaches the others (this one, if new) on a later turn.
    if (this.building && slot < this.building.done) this.building.copy.set(slot, vector);
    // Only a graph already built takes rows one by one: the first search builds it from all rows in batches, on every core.
    const graph = this.graph;
    if (graph) {
      const key = BigUint64Array.of(BigInt(row.rowid));
      if (graph.contains(key)) graph.remove(key);
      graph.add(key, vector);
    }
  }

  /** Removes a row by moving the last row into its slot: the blocks stay dense. */
  remove(rowid: number): void {
    const slot = this.slotOfRowid.get(rowid);
    if (slot === undefined) return;
    const last = this.rows.length - 1;
    const removed = this.rows[slot] as DenseRow;
    const moved = this.rows[last] as DenseRow;
    if (slot !== last) {
      this.rows[slot] = moved;
      this.blockOf(slot).set(this.vectorAt(last), this.offsetOf(slot));
      this.slotOfRowid.set(moved.rowid, slot);
      this.slotOfId.set(moved.id, slot);
    }
    this.quantised?.removeBy(slot, last);
    // A copy being built has not reached the last row (it is complete once it does): quantise the moved row where
    // it now is, if the copy has passed that slot.
    if (this.building && slot < this.building.done) this.building.copy.set(slot, this.vectorAt(slot));
    this.searchesSinceChange = 0;
    this.rows.pop();
    if (this.blocks.length > Math.ceil(this.rows.length / BLOCK_ROWS)) this.blocks.pop();
    this.slotOfRowid.delete(rowid);
    this.slotOfId.delete(removed.id);
    this.graph?.remove(BigUint64Array.of(BigInt(rowid)));
    if (this.building && this.building.done === this.rows.length) this.completeBuild();
  }

  /** Best `limit` rows of this part passing `accept`, scored with the plain dot product. */
  search(query: Float32Array, limit: number, accept: (row: DenseRow) => boolean, skipped: number, top: TopK): void {
    const count = this.rows.length;
    if (count === 0) return;
    this.searchesSinceChange++;
    const wanted = Math.min(count, limit + skipped);
    // Asked for every row (a small part, or a filter only a row-by-row check can apply): nothing to choose.
    const slots = wanted < count ? this.candidateSlots(query, wanted) : undefined;
    const score = (slot: number) => dotProduct(this.blockOf(slot), this.offsetOf(slot), query);
    if (!slots) {
      for (let slot = 0; slot < count; slot++) {
        const row = this.rows[slot] as DenseRow;
        if (accept(row)) top.push(row.id, score(slot));
      }
      return;
    }
    for (const slot of slots) {
      const row = this.rows[slot];
      if (row && accept(row)) top.push(row.id, score(slot));
    }
  }

  /**
   * Quantises up to `budget` values' worth of the next rows of the copy being built; once it holds every row it
   * replaces the copy searches use. Returns the values used.
   */
  buildSome(budget: number): number {
    const building = this.building;
    if (!building) return 0;
    const end = Math.min(this.rows.length, building.done + Math.max(1, Math.floor(budget / this.dims)));
    const used = (end - building.done) * this.dims;
    for (let slot = building.done; slot < end; slot++) building.copy.set(slot, this.vectorAt(slot));
    building.done = end;
    if (end === this.rows.length) this.completeBuild();
    return used;
  }

  get buildPending(): boolean {
    return this.building !== undefined;
  }

  /** The copy being built holds every row: searches use it from now on. */
  private completeBuild(): void {
    const building = this.building;
    if (!building) return;
    building.copy.complete();
    this.quantised = building.copy;
    this.building = undefined;
  }

  private noteMagnitudes(vector: Float32Array): void {
    const largest = this.largest;
    for (let d = 0; d < vector.length; d++) {
      const magnitude = Math.abs(vector[d] as number);
      if (magnitude > (largest[d] as number)) largest[d] = magnitude;
    }
  }

  private blockOf(slot: number): Float32Array {
    return this.blocks[Math.floor(slot / BLOCK_ROWS)] as Float32Array;
  }

  private offsetOf(slot: number): number {
    return (slot % BLOCK_ROWS) * this.dims;
  }

  private vectorAt(slot: number): Float32Array {
    const offset = this.offsetOf(slot);
    return this.blockOf(slot).subarray(offset, offset + this.dims);
  }

  /** Rows used in block `index`. */
  private rowsIn(index: number): number {
    return Math.min(BLOCK_ROWS, this.rows.length - index * BLOCK_ROWS);
  }

  private makeRoom(slot: number): void {
    const index = Math.floor(slot / BLOCK_ROWS);
    if (index === this.blocks.length) this.blocks.push(new Float32Array(FIRST_BLOCK_ROWS * this.dims));
    const block = this.blocks[index] as Float32Array;
    if (this.offsetOf(slot) + this.dims > block.length) {
      const grown = new Float32Array(Math.min(BLOCK_ROWS * this.dims, block.length * 2));
      grown.set(block);
      this.blocks[index] = grown;
    }
  }

  /**
   * Slots including the nearest `wanted` rows by usearch: the HNSW graph's hits (hnsw), the rows the int8 first pass
   * proves can be among them, or else the nearest `wanted` of each f32 block (exact); undefined without usearch.
   */
  private candidateSlots(query: Float32Array, wanted: number): number[] | undefined {
    const module = usearch();
    if (!module) return undefined;
    const graph = this.hnswGraph();
    if (graph) {
      const found = graph.search(query, wanted, 0);
      return Array.from(found.keys, (key) => this.slotOfRowid.get(Number(key)) ?? -1);
    }
    const quantised = this.quantisedRows();
    // Where int8 keeps failing to prove (vectors without structure), it is tried only now and then: a failed pass
    // costs a quarter of the f32 scan that follows it.
    if (quantised && (this.unproven < TRIES_BEFORE_BACKOFF || ++this.backedOff % RETRY_EVERY === 0)) {
      const proven = quantised.candidates(query, wanted, (slot) =>
        dotProduct(this.blockOf(slot), this.offsetOf(slot), query),
      );
      if (proven) {
        this.unproven = 0;
        this.stats.quantised++;
        return proven;
      }
      this.unproven++;
      this.stats.unproven++;
    }
    this.stats.full++;
    const slots: number[] = [];
    this.blocks.forEach((block, index) => {
      const used = this.rowsIn(index);
      if (used <= 0) return;
      // One thread, like the int8 pass: with every core (0), eight blocks of 4K x 1024 took 14-16 ms at the median and
      // up to 28 ms, against 12 ms and at most 15 ms on one, at load 2 on 2 cores; and a serving bot's search then
      // waits for a core another process holds.
      const found = module.exactSearch(
        block.subarray(0, used * this.dims),
        query,
        this.dims,
        Math.min(used, wanted),
        module.MetricKind.IP,
        1,
      );
      for (const key of found.keys) slots.push(index * BLOCK_ROWS + Number(key));
    });
    return slots;
  }

  /**
   * The int8 copy of this part for the exact kind's first pass, if one is complete. The first search that wants one
   * (and a quiet search once it is stale) starts building a new one between searches: until it is complete, searches
   * use the copy there is, or scan the f32 vectors, with the same results.
   */
  private quantisedRows(): QuantisedRows | undefined {
    if (this.kind !== 'exact' || this.rows.length < QUANTISE_FROM_ROWS) return undefined;
    const wanted =
      !this.quantised || (this.quantised.stale && this.searchesSinceChange > QUIET_SEARCHES_BEFORE_REBUILD);
    if (wanted && !this.building) {
      this.building = { copy: new QuantisedRows(this.dims, Float64Array.from(this.largest)), done: 0 };
      this.scheduleBuild(this);
    }
    return this.quantised;
  }

  /** The HNSW graph of this part, built on first use from the rows it holds (hnsw kind only). */
  private hnswGraph(): InstanceType<Usearch['Index']> | undefined {
    if (this.kind !== 'hnsw' || this.graph) return this.graph;
    const module = usearch();
    if (!module) return undefined;
    const graph = new module.Index({
      dimensions: this.dims,
      metric: module.MetricKind.IP,
      quantization: module.ScalarKind.F32,
      connectivity: HNSW.connectivity,
      expansion_add: HNSW.expansionAdd,
      expansion_search: HNSW.expansionSearch,
      multi: false,
    });
    this.blocks.forEach((block, index) => {
      const used = this.rowsIn(index);
      if (used <= 0) return;
      const keys = BigUint64Array.from(this.rows.slice(index * BLOCK_ROWS, index * BLOCK_ROWS + used), (row) =>
        BigInt(row.rowid),
      );
      graph.add(keys, block.subarray(0, used * this.dims), 0);
    });
    this.graph = graph;
    return graph;
  }
}

export class DenseIndex {
  readonly stats: DenseScanStats = { quantised: 0, full: 0, unproven: 0 };
  private readonly parts = new Map<string, Part>();
  private readonly partOfRowid = new Map<number, Part>();
  /** Parts whose int8 copy is being built, and the next turn that builds some of it. */
  private readonly building = new Set<Part>();
  private buildTurn: NodeJS.Immediate | undefined;
  private builtWaiters: (() => void)[] = [];

  constructor(
    readonly dims: number,
    private readonly kind: DenseIndexKind = 'exact',
  ) {}

  get size(): number {
    return this.partOfRowid.size;
  }

  /** Adds or replaces a row's vector (normalised here) and attributes. */
  set(row: DenseRow, vector: Float32Array): void {
    if (vector.length !== this.dims) throw new Error(`vector has ${vector.length} dimensions, not ${this.dims}`);
    const key = partKey(row);
    const previous = this.partOfRowid.get(row.rowid);
    let part = this.parts.get(key);
    if (!part) {
      part = new Part(this.dims, this.kind, this.stats, (building) => this.scheduleBuild(building));
      this.parts.set(key, part);
    }
    if (previous && previous !== part) previous.remove(row.rowid);
    part.set(row, normalised(vector));
    this.partOfRowid.set(row.rowid, part);
  }

  remove(rowid: number): void {
    this.partOfRowid.get(rowid)?.remove(rowid);
    this.partOfRowid.delete(rowid);
  }

  /** Best `limit` rows by cosine similarity among those the filter lets through. */
  search(vector: Float32Array, limit: number, filter: AdapterFilter | undefined): ScoredId[] {
    if (limit <= 0) return [];
    const query = normalised(vector);
    const excluded = filter?.excludeIds ? new Set(filter.excludeIds) : undefined;
    const top = new TopK(limit);
    for (const [key, part] of this.parts) {
      if (!partPasses(key, filter)) continue;
      let skipped = 0;
      if (excluded) for (const id of excluded) if (part.slotOfId.has(id)) skipped++;
      const needsRowCheck = skipped > 0 || filter?.categories !== undefined || filter?.sources !== undefined;
      // A category or source filter can reject any number of a part's rows: scan the part row by row then.
      const exhaustive = filter?.categories !== undefined || filter?.sources !== undefined;
      part.search(
        query,
        exhaustive ? Number.POSITIVE_INFINITY : limit,
        needsRowCheck ? (row) => rowPasses(row, filter, excluded) : () => true,
        skipped,
        top,
      );
    }
    return top.sorted();
  }

  /** Resolves once no int8 copy is being built. Searches never wait for one; tests (and benchmarks) do. */
  whenBuilt(): Promise<void> {
    if (this.building.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.builtWaiters.push(resolve));
  }

  /** Stops building: the index is being dropped. */
  close(): void {
    clearImmediate(this.buildTurn);
    this.buildTurn = undefined;
    this.building.clear();
    this.settleWaiters();
  }

  private scheduleBuild(part: Part): void {
    this.building.add(part);
    this.buildTurn ??= setImmediate(() => this.buildTurnRun());
  }

  /** One turn's slice of the copies being built; another turn follows while any is incomplete. */
  private buildTurnRun(): void {
    this.buildTurn = undefined;
    let budget = BUILD_SLICE_VALUES;
    for (const part of this.building) {
      if (budget <= 0) break;
      budget -= part.buildSome(budget);
      if (!part.buildPending) this.building.delete(part);
    }
    if (this.building.size > 0) this.buildTurn = setImmediate(() => this.buildTurnRun());
    else this.settleWaiters();
  }

  private settleWaiters(): void {
    const waiters = this.builtWaiters;
    this.builtWaiters = [];
    for (const resolve of waiters) resolve();
  }
}

/** The reference: every row scored with the plain dot product. Tests hold the index to it. */
export function plainScan(
  rows: readonly { row: DenseRow; vector: Float32Array }[],
  vector: Float32Array,
  limit: number,
  filter: AdapterFilter | undefined,
): ScoredId[] {
  const query = normalised(vector);
  const excluded = filter?.excludeIds ? new Set(filter.excludeIds) : undefined;
  const top = new TopK(limit);
  for (const { row, vector: stored } of rows) {
    if (rowPasses(row, filter, excluded)) top.push(row.id, dotProduct(normalised(stored), 0, query));
  }
  return top.sorted();
}

function partKey(row: Pick<DenseRow, 'baseFamily' | 'nsfw' | 'realPerson'>): string {
  return `${row.baseFamily}|${row.nsfw ? 1 : 0}|${row.realPerson ? 1 : 0}`;
}

function partPasses(key: string, filter: AdapterFilter | undefined): boolean {
  const [family, nsfw, realPerson] = key.split('|');
  if (!filter?.allowNsfw && nsfw === '1') return false;
  if (!filter?.allowRealPerson && realPerson === '1') return false;
  return !filter?.baseFamilies || (filter.baseFamilies as readonly string[]).includes(family ?? '');
}

function rowPasses(row: DenseRow, filter: AdapterFilter | undefined, excluded: ReadonlySet<string> | undefined) {
  if (!filter?.allowNsfw && row.nsfw) return false;
  if (!filter?.allowRealPerson && row.realPerson) return false;
  if (filter?.baseFamilies && !filter.baseFamilies.includes(row.baseFamily)) return false;
  if (filter?.categories && !filter.categories.includes(row.category)) return false;
  if (filter?.sources && !filter.sources.includes(row.source)) return false;
  return !excluded?.has(row.id);
}

/**
 * Dot product of a matrix row with a vector. Four accumulators let the JIT overlap the multiply-adds: the re-scoring
 * of usearch's hits and the plain scan (where usearch does not load) both use it.
 */
export function dotProduct(matrix: Float32Array, offset: number, vector: Float32Array): number {
  const dims = vector.length;
  const tail = dims - (dims % 4);
  let a = 0;
  let b = 0;
  let c = 0;
  let e = 0;
  for (let d = 0; d < tail; d += 4) {
    a += (matrix[offset + d] as number) * (vector[d] as number);
    b += (matrix[offset + d + 1] as number) * (vector[d + 1] as number);
    c += (matrix[offset + d + 2] as number) * (vector[d + 2] as number);
    e += (matrix[offset + d + 3] as number) * (vector[d + 3] as number);
  }
  for (let d = tail; d < dims; d++) a += (matrix[offset + d] as number) * (vector[d] as number);
  return a + b + c + e;
}

export function normalised(vector: Float32Array): Float32Array {
  // An indexed loop: for...of over the typed array took twice as long (about 10 against 5 us at 1024 dimensions), and
  // a bot during `stylus embed` normalises every vector written.
  let norm = 0;
  for (let i = 0; i < vector.length; i++) norm += (vector[i] as number) * (vector[i] as number);
  norm = Math.sqrt(norm);
  if (norm === 0) return new Float32Array(vector.length);
  const out = new Float32Array(vector.length);
  for (let i = 0; i < vector.length; i++) out[i] = (vector[i] as number) / norm;
  return out;
}

/** Keeps the k best (id, score) pairs seen, with a small min-heap. */
class TopK {
  private readonly heap: ScoredId[] = [];
  constructor(private readonly k: number) {}

  push(id: string, score: number): void {
    const heap = this.heap;
    if (heap.length < this.k) {
      heap.push({ id, score });
      this.siftUp(heap.length - 1);
    } else if (worse(heap[0] as ScoredId, { id, score })) {
      heap[0] = { id, score };
      this.siftDown(0);
    }
  }

  sorted(): ScoredId[] {
    return [...this.heap].sort((a, b) => (worse(a, b) ? 1 : worse(b, a) ? -1 : 0));
  }

  private siftUp(index: number): void {
    const heap = this.heap;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!worse(heap[index] as ScoredId, heap[parent] as ScoredId)) break;
      [heap[parent], heap[index]] = [heap[index] as ScoredId, heap[parent] as ScoredId];
      index = parent;
    }
  }

  private siftDown(index: number): void {
    const heap = this.heap;
    for (;;) {
      const left = index * 2 + 1;
      const right = left + 1;
      let smallest = index;
      if (left < heap.length && worse(heap[left] as ScoredId, heap[smallest] as ScoredId)) smallest = left;
      if (right < heap.length && worse(heap[right] as ScoredId, heap[smallest] as ScoredId)) smallest = right;
      if (smallest === index) return;
      [heap[smallest], heap[index]] = [heap[index] as ScoredId, heap[smallest] as ScoredId];
      index = smallest;
    }
  }
}

/** Order of the heap: a lower score is worse; on equal scores the larger id is (results sort by id on ties). */
function worse(a: ScoredId, b: ScoredId): boolean {
  return a.score < b.score || (a.score === b.score && a.id > b.id);
}
