/**
 * Dense search at 75K x 1024: the exact search of src/catalog/dense-index.ts (an int8 first pass with usearch's SIMD
 * kernel, proven by error bounds, then f32 re-scoring) against the plain JavaScript scan the store used before, and
 * against the memory-bandwidth bound of this machine: the time to read the f32 matrix once by the fastest means here,
 * memcmp of the matrix with itself (glibc's SIMD loop, one read of each byte), on one core and split over every core
 * in worker threads; the bound is the faster. Checks that both scans return the same top 150, and counts the searches
 * the int8 pass answered (the rest scanned the f32 vectors). Then the HNSW option: its recall@150 against the exact
 * scan, and its query time.
 * Vectors are seeded, never from a model: see bench/dense-vectors.ts (`--vectors`, default clustered).
 * Usage: node --import tsx bench/dense-scan.ts [--rows 75000] [--dims 1024] [--queries 50] [--hnsw-rows 75000]
 *   [--vectors clustered|topics|gaussian]
 */
import { availableParallelism, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { DenseIndex, type DenseRow, denseEngine, dotProduct } from '../src/catalog/dense-index.js';
import type { ScoredId } from '../src/catalog/store.js';
import { VECTOR_KINDS, type VectorKind, vectorSource } from './dense-vectors.js';
import { report, summarise } from './synthetic.js';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '75000' },
    dims: { type: 'string', default: '1024' },
    queries: { type: 'string', default: '50' },
    'hnsw-rows': { type: 'string', default: '75000' },
    vectors: { type: 'string', default: 'clustered' },
  },
});
if (!(VECTOR_KINDS as readonly string[]).includes(values.vectors as string)) {
  throw new Error(`--vectors is one of ${VECTOR_KINDS.join(', ')}`);
}
const vectorKind = values.vectors as VectorKind;
const rows = Number(values.rows);
const dims = Number(values.dims);
const queries = Number(values.queries);
const hnswRows = Number(values['hnsw-rows']);
const K = 150;
const TARGET_RATIO = 1.5;
const TARGET_RECALL = 0.95;

const row = (index: number): DenseRow => ({
  rowid: index + 1,
  id: `civitai:${index + 1}`,
  baseFamily: 'sd1',
  category: 'other',
  source: 'civitai',
  nsfw: false,
  realPerson: false,
});

/** The scan the store ran before: one normalised matrix, a 4-accumulator dot product, a heap of the best k. */
function plainScan(matrix: Float32Array, query: Float32Array, k: number): ScoredId[] {
  const scores: ScoredId[] = [];
  for (let r = 0; r < matrix.length / dims; r++) {
    const score = dotProduct(matrix, r * dims, query);
    if (scores.length < k || score > (scores[scores.length - 1] as ScoredId).score) {
      scores.push({ id: `civitai:${r + 1}`, score });
      scores.sort((x, y) => y.score - x.score);
      if (scores.length > k) scores.pop();
    }
  }
  return scores;
}

/** Reads part `index` of `parts` of the matrix once: memcmp of a region with itself reads each byte once. */
function readOnce(matrix: Float32Array, index: number, parts: number): number {
  const size = Math.ceil(matrix.byteLength / parts);
  const start = Math.min(matrix.byteLength, index * size);
  const length = Math.min(size, matrix.byteLength - start);
  const region = Buffer.from(matrix.buffer, matrix.byteOffset + start, length);
  return region.compare(Buffer.from(matrix.buffer, matrix.byteOffset + start, length));
}

/** p50 of `attempts` reads of the whole matrix, one part per core in worker threads started beforehand. */
async function readOnAllCores(matrix: Float32Array, attempts: number): Promise<number> {
  const parts = availableParallelism();
  const source = `
    const { parentPort, workerData } = require('node:worker_threads');
    const { buffer, start, length } = workerData;
    const region = Buffer.from(buffer, start, length);
    const same = Buffer.from(buffer, start, length);
    parentPort.on('message', () => parentPort.postMessage(region.compare(same)));`;
  const size = Math.ceil(matrix.byteLength / parts);
  const workers = Array.from({ length: parts }, (_, index) => {
    const start = Math.min(matrix.byteLength, index * size);
    const length = Math.min(size, matrix.byteLength - start);
    return new Worker(source, {
      eval: true,
      workerData: { buffer: matrix.buffer, start: matrix.byteOffset + start, length },
    });
  });
  const readAll = () =>
    Promise.all(
      workers.map(
        (worker) =>
          new Promise((resolve) => {
            worker.once('message', resolve);
            worker.postMessage(0);
          }),
      ),
    );
  await readAll();
  const samples: number[] = [];
  for (let attempt = 0; attempt < attempts; attempt++) {
    const started = performance.now();
    await readAll();
    samples.push(performance.now() - started);
  }
  await Promise.all(workers.map((worker) => worker.terminate()));
  return summarise(samples).p50;
}

function cpuMs(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1000;
}

function time<T>(run: () => T): { ms: number; value: T } {
  const started = performance.now();
  const value = run();
  return { ms: performance.now() - started, value };
}

// Shared, so that worker threads can read it for the bandwidth bound.
const vectorNear = vectorSource(vectorKind, dims);
const total = Math.max(rows, hnswRows);
const everything = new Float32Array(new SharedArrayBuffer(total * dims * 4));
for (let index = 0; index < total; index++) everything.set(vectorNear(index), index * dims);
const matrix = everything.subarray(0, rows * dims);
const exact = new DenseIndex(dims, 'exact');
for (let index = 0; index < rows; index++) exact.set(row(index), matrix.subarray(index * dims, (index + 1) * dims));
const queryVectors = Array.from({ length: queries }, (_, index) => vectorNear(index * 7 + 3));

const oneCoreCpuMs: number[] = [];
const boundOneCore = summarise(
  Array.from({ length: 7 }, () => {
    const cpu = process.cpuUsage();
    const { ms } = time(() => readOnce(matrix, 0, 1));
    oneCoreCpuMs.push(cpuMs(process.cpuUsage(cpu)));
    return ms;
  }),
).p50;
const boundAllCores = await readOnAllCores(matrix, 7);
const boundMs = Math.min(boundOneCore, boundAllCores);

// The first search starts building the int8 copy, between searches: it is ready once whenBuilt resolves.
const buildStarted = performance.now();
exact.search(queryVectors[0] as Float32Array, K, {});
await exact.whenBuilt();
const copyBuilt = { ms: performance.now() - buildStarted };
exact.stats.quantised = 0;
exact.stats.full = 0;
exact.stats.unproven = 0;

const usearchMs: number[] = [];
const usearchCpuMs: number[] = [];
const plainMs: number[] = [];
let identical = 0;
for (const query of queryVectors) {
  const cpu = process.cpuUsage();
  const fast = time(() => exact.search(query, K, { allowNsfw: true, allowRealPerson: true }));
  usearchCpuMs.push(cpuMs(process.cpuUsage(cpu)));
  const slow = time(() => plainScan(matrix, query, K));
  usearchMs.push(fast.ms);
  plainMs.push(slow.ms);
  const same = fast.value.map((hit) => hit.id).join() === slow.value.map((hit) => hit.id).join();
  if (same) identical++;
}
const fast = summarise(usearchMs);
const load = loadavg()[0] as number;
report({
  bench: 'dense_exact_scan',
  vectors: vectorKind,
  rows,
  dims,
  engine: denseEngine(),
  p50: fast.p50,
  p95: fast.p95,
  plain_js_p50: summarise(plainMs).p50,
  bandwidth_bound_ms: boundMs,
  read_one_core_ms: boundOneCore,
  read_all_cores_ms: boundAllCores,
  ratio_to_bound: Math.round((fast.p50 / boundMs) * 100) / 100,
  target_ratio: TARGET_RATIO,
  // CPU time: how much of the search is work rather than waiting for a core on a shared machine.
  cpu_p50: summarise(usearchCpuMs).p50,
  read_one_core_cpu_ms: summarise(oneCoreCpuMs).p50,
  ratio_cpu_to_one_core_read: Math.round((summarise(usearchCpuMs).p50 / summarise(oneCoreCpuMs).p50) * 100) / 100,
  int8_copy_build_ms: Math.round(copyBuilt.ms),
  same_top150_as_plain: `${identical}/${queries}`,
  int8_pass_proved: `${exact.stats.quantised}/${exact.stats.quantised + exact.stats.full}`,
  load1: Math.round(load * 100) / 100,
});

const graph = new DenseIndex(dims, 'hnsw');
const built = time(() => {
  for (let index = 0; index < hnswRows; index++)
    graph.set(row(index), everything.subarray(index * dims, (index + 1) * dims));
  // The graph is built on the first search.
  graph.search(queryVectors[0] as Float32Array, K, {});
});
let found = 0;
const hnswMs: number[] = [];
for (const query of queryVectors) {
  const truth = new Set(
    (hnswRows === rows ? exact.search(query, K, {}) : plainScan(everything.subarray(0, hnswRows * dims), query, K)).map(
      (hit) => hit.id,
    ),
  );
  const approximate = time(() => graph.search(query, K, {}));
  hnswMs.push(approximate.ms);
  found += approximate.value.filter((hit) => truth.has(hit.id)).length;
}
report({
  bench: 'dense_hnsw',
  vectors: vectorKind,
  rows: hnswRows,
  dims,
  build_s: Math.round(built.ms / 100) / 10,
  p50: summarise(hnswMs).p50,
  recall_at_150: Math.round((found / (queries * K)) * 1000) / 1000,
  target_recall: TARGET_RECALL,
});
