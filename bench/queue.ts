/**
 * Render queue overhead: what the queue and the worker's plumbing add to a render, with a no-op backend (an image
 * "renders" instantly) and a no-op delivery. Per job: enqueue -> handler start (queue latency) and the handler's own
 * work around rendering (LoRA checks, backend LoRA check, result record). Measured for 1, 2, 4, 8 images per job on
 * the embedded queue (SQLite) and BullMQ (the Redis on 127.0.0.1:6379); the target is a flat line, the paper's claim
 * for its own overhead. Then throughput: jobs per second through BullMQ with one worker.
 * Usage: node --import tsx bench/queue.ts [--jobs 40] [--throughput 300] [--quick]
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import type { Adapter } from '../src/catalog/adapter.js';
import { parseAdapter } from '../src/catalog/adapter.js';
import { buildSafetensors } from '../src/catalog/safetensors.js';
import { loadConfig } from '../src/config.js';
import { silentLogger } from '../src/log.js';
import type { RenderBackend } from '../src/render/backends/types.js';
import { BullmqRenderQueue } from '../src/render/bullmq-queue.js';
import type { ResultDelivery } from '../src/render/delivery.js';
import { EmbeddedRenderQueue } from '../src/render/embedded-queue.js';
import { LoraCache } from '../src/render/lora-cache.js';
import type { RenderContext, RenderQueue } from '../src/render/queue.js';
import { RenderResults } from '../src/render/results.js';
import { enqueueRender } from '../src/render/submit.js';
import { createRenderHandler } from '../src/render/worker.js';
import { openDatabase } from '../src/storage/sqlite.js';
import type { ImagePrompt } from '../src/stylus/types.js';
import { report, summarise } from './synthetic.js';

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '40' },
    throughput: { type: 'string', default: '300' },
    quick: { type: 'boolean', default: false },
  },
});
const jobsPerSize = values.quick ? 10 : Number(values.jobs);
const throughputJobs = values.quick ? 60 : Number(values.throughput);
const REDIS_URL = 'redis://127.0.0.1:6379';
const IMAGE_COUNTS = [1, 2, 4, 8];

const dir = mkdtempSync(path.join(tmpdir(), 'stylus-bench-queue-'));
const loraDir = path.join(dir, 'loras');
mkdirSync(loraDir);
const adapters: Record<string, Adapter> = {};
for (const name of ['ink', 'snow', 'fox']) {
  writeFileSync(path.join(loraDir, `${name}.safetensors`), buildSafetensors({ ss_output_name: name }));
  adapters[`local:${name}`] = parseAdapter({
    id: `local:${name}`,
    source: 'local',
    name,
    fileName: `${name}.safetensors`,
    baseFamily: 'sdxl',
  });
}
const config = loadConfig({ COMFYUI_URL: 'http://127.0.0.1:9', CHECKPOINT_SDXL: 'base.safetensors', DATA_DIR: dir });
const db = openDatabase(path.join(dir, 'stylus.db'));
const png = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

/** Renders nothing, instantly: what is left of a job's time is overhead. */
const noopBackend: RenderBackend = {
  name: 'comfyui',
  listCheckpoints: async () => ['base.safetensors'],
  listLoras: async () => ['ink.safetensors', 'snow.safetensors', 'fox.safetensors'],
  ensureLoras: async () => {},
  renderImage: async (request) => ({ png, seed: request.seed }),
};
let delivered = 0;
const noopDelivery: ResultDelivery = {
  postResult: async () => ({ messageId: String(++delivered) }),
  updateStatus: async () => {},
  postFailure: async () => {},
};

function images(count: number, seed: number): ImagePrompt[] {
  return Array.from({ length: count }, (_, index) => ({
    index,
    seed: seed + index,
    positive: 'a fox in the snow, ink wash',
    a1111Prompt: 'a fox in the snow, ink wash <lora:ink:0.4> <lora:snow:0.6>',
    loras: [
      { adapterId: 'local:ink', fileName: 'ink.safetensors', weight: 0.4 },
      { adapterId: 'local:snow', fileName: 'snow.safetensors', weight: 0.6 },
      ...(index % 2 ? [{ adapterId: 'local:fox', fileName: 'fox.safetensors', weight: 0.5 }] : []),
    ],
  }));
}

/** Wraps the real handler to time it, and resolves waiters when a job's handler is done. */
function instrumentedHandler(queue: RenderQueue) {
  const handler = createRenderHandler({
    queue,
    backend: noopBackend,
    delivery: noopDelivery,
    results: new RenderResults(db),
    loras: new LoraCache({ dir: loraDir, db, maxBytes: 1e9, maxFileBytes: 1e8 }),
    log: silentLogger,
  });
  const started = new Map<string, number>();
  const handled = new Map<string, number>();
  const waiters = new Map<string, () => void>();
  const run = async (job: Parameters<typeof handler>[0], context: RenderContext) => {
    started.set(job.id, performance.now());
    const before = performance.now();
    await handler(job, context);
    handled.set(job.id, performance.now() - before);
    waiters.get(job.id)?.();
  };
  const done = (jobId: string) =>
    new Promise<void>((resolve) => {
      if (handled.has(jobId)) resolve();
      else waiters.set(jobId, resolve);
    });
  return { run, started, handled, done };
}

async function overhead(name: string, queue: RenderQueue): Promise<void> {
  const probe = instrumentedHandler(queue);
  const consumer = await queue.consume(probe.run);
  let seed = 1;
  for (const count of IMAGE_COUNTS) {
    const latencies: number[] = [];
    const handlerTimes: number[] = [];
    for (let i = 0; i < jobsPerSize + 3; i++) {
      seed += 10;
      const submitted = performance.now();
      const { jobId } = await enqueueRender(
        { config, queue },
        {
          compositionId: `bench-${randomUUID().slice(0, 8)}`,
          images: images(count, seed),
          adapters,
          base: 'sdxl',
          channelId: '1',
          guildId: `g${i}`,
          requesterId: `u${i}`,
        },
      );
      await probe.done(jobId);
      if (i < 3) continue; // warm-up
      latencies.push((probe.started.get(jobId) ?? submitted) - submitted);
      handlerTimes.push(probe.handled.get(jobId) ?? 0);
    }
    const queueMs = summarise(latencies);
    const handlerMs = summarise(handlerTimes);
    report({
      bench: `queue overhead (${name})`,
      images_per_job: count,
      jobs: queueMs.n,
      enqueue_to_start_p50_ms: queueMs.p50,
      enqueue_to_start_p95_ms: queueMs.p95,
      handler_overhead_p50_ms: handlerMs.p50,
      handler_overhead_p95_ms: handlerMs.p95,
      total_p50_ms: Math.round((queueMs.p50 + handlerMs.p50) * 100) / 100,
    });
  }
  await consumer.close();
}

async function throughput(queue: RenderQueue): Promise<void> {
  const probe = instrumentedHandler(queue);
  const consumer = await queue.consume(probe.run);
  const began = performance.now();
  const ids: string[] = [];
  for (let i = 0; i < throughputJobs; i++) {
    const { jobId } = await enqueueRender(
      { config, queue },
      {
        compositionId: `tp-${i}-${randomUUID().slice(0, 6)}`,
        images: images(1, i),
        adapters,
        base: 'sdxl',
        channelId: '1',
        guildId: `g${i}`,
        requesterId: `u${i}`,
      },
    );
    ids.push(jobId);
  }
  await Promise.all(ids.map((id) => probe.done(id)));
  const seconds = (performance.now() - began) / 1000;
  report({
    bench: 'queue throughput (BullMQ, one worker, no-op backend)',
    jobs: ids.length,
    seconds: Math.round(seconds * 100) / 100,
    jobs_per_second: Math.round((ids.length / seconds) * 10) / 10,
  });
  await consumer.close();
}

const limits = { maxQueuedPerUser: 1_000, guildConcurrency: 1 };
try {
  const embedded = new EmbeddedRenderQueue(db, limits);
  await overhead('embedded SQLite', embedded);
  await embedded.close();

  const probe = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  const redisUp = await probe
    .connect()
    .then(() => true)
    .catch(() => false);
  probe.disconnect();
  if (!redisUp) {
    process.stderr.write(`bench/queue: no Redis at ${REDIS_URL}; BullMQ skipped\n`);
  } else {
    const prefix = `t-render-bench-${randomUUID().slice(0, 6)}`;
    const bullmq = new BullmqRenderQueue({ redisUrl: REDIS_URL, prefix, limits });
    try {
      await overhead('BullMQ', bullmq);
      await throughput(bullmq);
    } finally {
      await bullmq.obliterate();
      await bullmq.close();
    }
  }
} finally {
  db.close();
  rmSync(dir, { recursive: true, force: true });
}
