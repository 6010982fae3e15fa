/**
 * Composition at Civitai scale: catalogs of 5K, 75K and 300K adapters grown from a real dump's records
 * (bench/realistic-catalog.ts), PartiPrompts as the prompts, the offline composer over BM25 (no embedding endpoint,
 * no LLM: the parts this machine can measure). Per size: the first composition after opening the catalog file (wall
 * and CPU, cold), then, once the file is read into memory as the bot does at start (src/app.ts), every prompt once (p50/p95/p99, wall and CPU), the prompts made only of common words, a rare base
 * family, and the process's RSS. Each size runs in a fresh child process so start-up and memory are its own: the
 * catalog file is built (when the indexing code changed) by this parent first, whose garbage would otherwise count.
 * With --soak N, the largest size then runs N more compositions (prompts x base families x NSFW setting, so the
 * composition cache never answers; up to 13,000 differ) and reports RSS along the way (start, max, end, sampled every
 * 500): memory must stay flat.
 * Usage: node --import tsx bench/catalog-scale.ts --dump FILE --prompts FILE [--sizes 5000,75000,300000] [--queries N]
 *   [--soak N]
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { SqliteAdapterStore } from '../src/catalog/sqlite-store.js';
import { loadConfig } from '../src/config.js';
import { silentLogger } from '../src/log.js';
import { warmFile } from '../src/storage/warm-file.js';
import { planComposition } from '../src/stylus/pipeline.js';
import { processGarbageBound } from '../src/util/garbage-bound.js';
import { COMMON_WORD_PROMPTS, catalogFile, readPrompts } from './realistic-catalog.js';
import { report, summarise } from './synthetic.js';

const { values } = parseArgs({
  options: {
    dump: { type: 'string' },
    prompts: { type: 'string' },
    sizes: { type: 'string', default: '5000,75000,300000' },
    queries: { type: 'string', default: '0' },
    /** Compositions run after the measurements at the largest size, to see whether memory stays flat. */
    soak: { type: 'string', default: '0' },
    /** Internal: measure one size in this process. */
    child: { type: 'string' },
    /** Internal: how long the parent took to build the child's catalog file (0 when it was reused). */
    'build-seconds': { type: 'string', default: '0' },
  },
});
if (!values.dump || !values.prompts) throw new Error('bench/catalog-scale: pass --dump FILE and --prompts FILE');
const dump = values.dump;
const promptFile = values.prompts;

/** Targets of issue 13, printed beside each figure. */
const TARGET = { p50: 20, p99: 50, firstQueryMs: 500, rssMb: 600 } as const;

function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

async function measureChild(size: number): Promise<void> {
  const { file } = await catalogFile(dump, size);
  const buildSeconds = Number(values['build-seconds']);
  const all = readPrompts(promptFile);
  const limit = Number(values.queries) || all.length;
  const step = Math.max(1, Math.floor(all.length / limit));
  const prompts = all.filter((_, index) => index % step === 0).slice(0, limit);
  const config = loadConfig({ LOG_LEVEL: 'silent' });

  const openedWall = performance.now();
  const openedCpu = process.cpuUsage();
  const store = new SqliteAdapterStore(file);
  // As the bot does at start (src/app.ts): the file's pages are read into memory in the background.
  const warmed = warmFile(file);
  const services = { config, store, log: silentLogger };
  let seed = 1;
  const compose = (prompt: string, base: 'sd1' | 'sd3' | 'sdxl' = 'sd1') =>
    planComposition(services, { prompt, base, images: 4, seed: seed++ });
  await compose(prompts[0] ?? 'a red fox');
  const first = { wall: performance.now() - openedWall, cpu: cpuMs(openedCpu) };
  // Members compose after the bot has read its file in (about 7 s at 300K, paced): measured from then. The
  // first composition above is not: it runs cold, while the file is read.
  await warmed;

  const run = async (list: readonly string[], base: 'sd1' | 'sd3' | 'sdxl') => {
    const wall: number[] = [];
    const cpu: number[] = [];
    for (const prompt of list) {
      const startedWall = performance.now();
      const startedCpu = process.cpuUsage();
      await compose(prompt, base);
      wall.push(performance.now() - startedWall);
      cpu.push(cpuMs(startedCpu));
      // A bot composes one interaction per turn of the event loop (each arrives as I/O). A loop of awaits that never
      // yields leaves V8 no turn to finish its incremental marking, and the heap filled with garbage up to 1 GB.
      await new Promise((resolve) => setImmediate(resolve));
    }
    return { wall: summarise(wall), cpu: summarise(cpu) };
  };
  const parti = await run(prompts, 'sd1');
  // Every prompt differs from the last run (new seed, and the cache holds 256): these compose again, not from cache.
  const common = await run(COMMON_WORD_PROMPTS, 'sdxl');
  const rare = await run(prompts.slice(0, 200), 'sd3');
  const rssMb = Math.round(process.memoryUsage.rss() / 2 ** 20);
  const loadavg = (await import('node:os')).loadavg()[0]?.toFixed(2);
  report({
    bench: 'composition',
    adapters: size,
    prompts: `parti x${parti.wall.n}`,
    first_query_ms: Math.round(first.wall),
    first_query_cpu_ms: Math.round(first.cpu),
    target_first_query_ms: TARGET.firstQueryMs,
    p50: parti.wall.p50,
    p95: parti.wall.p95,
    p99: parti.wall.p99,
    cpu_p50: parti.cpu.p50,
    cpu_p99: parti.cpu.p99,
    target_p50: TARGET.p50,
    target_p99: TARGET.p99,
    rss_mb: rssMb,
    target_rss_mb: TARGET.rssMb,
    load: loadavg,
    ...(buildSeconds ? { catalog_build_s: Math.round(buildSeconds) } : {}),
  });
  report({
    bench: 'composition',
    adapters: size,
    prompts: `common words x${common.wall.n}`,
    p50: common.wall.p50,
    p95: common.wall.p95,
    p99: common.wall.p99,
    cpu_p50: common.cpu.p50,
    cpu_p99: common.cpu.p99,
    target_p50: TARGET.p50,
    target_p99: TARGET.p99,
  });
  report({
    bench: 'composition',
    adapters: size,
    prompts: `parti, rare base sd3 x${rare.wall.n}`,
    p50: rare.wall.p50,
    p95: rare.wall.p95,
    p99: rare.wall.p99,
    cpu_p50: rare.cpu.p50,
    cpu_p99: rare.cpu.p99,
    target_p50: TARGET.p50,
    target_p99: TARGET.p99,
  });
  const soak = Number(values.soak);
  if (soak > 0 && size === Math.max(...sizes)) {
    const bases = ['sd1', 'sdxl', 'pony', 'flux1'] as const;
    const samples: number[] = [];
    const rssStart = Math.round(process.memoryUsage.rss() / 2 ** 20);
    for (let index = 0; index < soak; index++) {
      const prompt = all[index % all.length] as string;
      const round = Math.floor(index / all.length);
      await planComposition(services, {
        prompt,
        base: bases[round % bases.length] as (typeof bases)[number],
        images: 4,
        seed: index,
        allowNsfw: Math.floor(round / bases.length) % 2 === 1,
      });
      if ((index + 1) % 500 === 0) samples.push(Math.round(process.memoryUsage.rss() / 2 ** 20));
      await new Promise((resolve) => setImmediate(resolve));
    }
    // Where the memory is: V8's heap (live objects and the room it grew into) against the rest (SQLite's page cache,
    // native code, the tsx loader of this bench).
    const heap = process.memoryUsage();
    report({
      bench: 'composition_soak',
      adapters: size,
      compositions: soak,
      rss_start_mb: rssStart,
      rss_max_mb: Math.max(...samples),
      rss_end_mb: samples.at(-1),
      heap_total_end_mb: Math.round(heap.heapTotal / 2 ** 20),
      heap_used_end_mb: Math.round(heap.heapUsed / 2 ** 20),
      // Full collections the garbage bound asked for (src/util/garbage-bound.ts) where V8 let garbage pile up.
      bound_collections: processGarbageBound().collected,
      target_rss_mb: TARGET.rssMb,
      load: (await import('node:os')).loadavg()[0]?.toFixed(2),
    });
  }
  await store.close();
}

const sizes = (values.sizes ?? '').split(',').map(Number);

if (values.child) {
  await measureChild(Number(values.child));
} else {
  for (const size of sizes) {
    const { buildSeconds } = await catalogFile(dump, size);
    const child = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        import.meta.filename,
        '--dump',
        dump,
        '--prompts',
        promptFile,
        '--queries',
        values.queries ?? '0',
        '--soak',
        values.soak ?? '0',
        '--sizes',
        values.sizes ?? '',
        '--child',
        String(size),
        '--build-seconds',
        String(buildSeconds),
      ],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
    if (child.status !== 0) process.exitCode = 1;
  }
}
