/**
 * No stalls on writes: the real bot (startBot, the real discord.js Client against the loopback fake Discord) serves
 * /imagine over a catalog grown from a real dump (bench/realistic-catalog.ts), with dense retrieval on (a loopback
 * OpenAI-compatible embedding stub in its own process), while `stylus ingest` of the dump and then `stylus embed` run
 * in their own processes against the same SQLite file. Per phase (idle, ingest, embed, idle again with every vector):
 * the acknowledgement latency (INTERACTION_CREATE to the deferral) and the reply latency (to the edit that shows the
 * composition), one /imagine at a time (at most 20 a second: see ONE_AT_A_TIME_GAP_MS), the CPU each reply took, the
 * longest event-loop block, the bot's CPU share and the load (a low share under a high load is waiting for a core,
 * not the bot's own work). Targets: acknowledgement p99 <= 300 ms, composition p99 <= 100 ms.
 * Usage: node --import tsx bench/write-stall.ts --dump FILE --prompts FILE [--adapters 75000] [--dims 1024]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { BotHarness } from '../test/support/fake-discord-harness.js';
import { answered, imagine, latencies, RestWaits, restOfGap } from './imagine-latency.js';
import { catalogFile, readPrompts } from './realistic-catalog.js';
import { report, summarise } from './synthetic.js';

const { values } = parseArgs({
  options: {
    dump: { type: 'string' },
    prompts: { type: 'string' },
    adapters: { type: 'string', default: '75000' },
    dims: { type: 'string', default: '1024' },
    idle: { type: 'string', default: '40' },
  },
});
if (!values.dump || !values.prompts) throw new Error('bench/write-stall: pass --dump FILE and --prompts FILE');
const dump = values.dump;
const adapters = Number(values.adapters);
const dims = values.dims ?? '1024';
const ROOT = path.resolve(import.meta.dirname, '..');
const TARGET = { ackP99: 300, replyP99: 100 } as const;

/** The loopback embedding endpoint, in its own process so its work does not share the bot's event loop. */
async function startEmbeddingStub(): Promise<{ url: string; child: ChildProcess }> {
  const script = `
    import { OpenAiStub } from './test/support/openai-stub.ts';
    const stub = await OpenAiStub.start();
    // Forget request bodies: a whole catalog's texts pass through.
    setInterval(() => { stub.requests.length = 0; }, 1000).unref();
    process.stdout.write(stub.url + '\\n');
    process.on('SIGTERM', async () => { await stub.close(); process.exit(0); });`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.once('data', (chunk) => resolve(String(chunk).trim()));
    child.once('exit', (code) => reject(new Error(`embedding stub exited with ${code}`)));
  });
  return { url, child };
}

/** A `stylus` command in its own process, as an admin would run it beside the bot. */
function stylus(args: string[], env: Record<string, string>): Promise<number | null> {
  const script = `import { main } from './src/cli.ts'; process.exitCode = await main(${JSON.stringify(args)});`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return new Promise((resolve) => child.once('exit', resolve));
}

const { file } = await catalogFile(dump, adapters);
const dataDir = mkdtempSync(path.join(tmpdir(), 'stylus-bench-stall-'));
copyFileSync(file, path.join(dataDir, 'stylus.db'));
// Two endpoints, as a real embedding server serves the bot's queries and `stylus embed`'s batches side by side: one
// single-threaded stub would make each query wait behind a batch of 128 texts.
const stub = await startEmbeddingStub();
const embedStub = await startEmbeddingStub();
const env = {
  DATA_DIR: dataDir,
  LOG_LEVEL: 'silent',
  STYLUS_SEED_CATALOG: 'false',
  OPENAI_BASE_URL: stub.url,
  OPENAI_API_KEY: 'bench',
  STYLUS_EMBEDDING_MODEL: 'bench-embed',
  STYLUS_EMBEDDING_DIMENSIONS: dims,
};
const harness = await BotHarness.start({ dataDir, env, adapters: [] });
const restWaits = new RestWaits(harness.bot.client);
const prompts = readPrompts(values.prompts);
let next = 0;
const member = harness.fake.member({ username: 'bench' });

/** One /imagine, answered; its acknowledgement and reply latencies. */
async function imagineOnce(): Promise<{ ack: number; reply: number; cpu: number }> {
  const sentAt = performance.now();
  const cpuAt = process.cpuUsage();
  const sent = imagine(harness.fake, member, prompts[next++ % prompts.length] ?? 'a red fox');
  await answered(harness.fake, sent);
  const used = process.cpuUsage(cpuAt);
  await restOfGap(sentAt);
  return { ...latencies(harness.fake, sent), cpu: (used.user + used.system) / 1000 };
}

/** Sends /imagine one at a time until `done` settles (or `count` are answered, when given). */
async function phase(name: string, done: Promise<unknown> | undefined, count?: number): Promise<void> {
  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  restWaits.take();
  let finished = false;
  void done?.then(() => {
    finished = true;
  });
  const samples: { ack: number; reply: number; cpu: number }[] = [];
  while (count !== undefined ? samples.length < count : !finished) samples.push(await imagineOnce());
  loop.disable();
  const wallMs = performance.now() - wallStart;
  const cpu = process.cpuUsage(cpuStart);
  const acks = summarise(samples.map((sample) => sample.ack));
  const replies = summarise(samples.map((sample) => sample.reply));
  const cpuPerReply = summarise(samples.map((sample) => sample.cpu));
  report({
    bench: 'write_stall',
    phase: name,
    adapters,
    dims: Number(dims),
    interactions: samples.length,
    ack_p50: acks.p50,
    ack_p99: acks.p99,
    target_ack_p99: TARGET.ackP99,
    reply_p50: replies.p50,
    reply_p99: replies.p99,
    target_reply_p99: TARGET.replyP99,
    // CPU this process spent from each /imagine to its reply (the bot's work, the fake's, and whatever else ran then,
    // such as catching up with the writer): unlike the latencies, it does not grow when the machine is busy.
    reply_cpu_p50: cpuPerReply.p50,
    reply_cpu_p99: cpuPerReply.p99,
    loop_blocked_max_ms: Math.round(loop.max / 1e4) / 100,
    // CPU the bot (and the fake Discord in its process) used per wall second, and the machine's load: a low share
    // with a high load says the bot waited for a core (contention), a high share says its own work took the time.
    bot_cpu_share: Math.round(((cpu.user + cpu.system) / 1000 / wallMs) * 100) / 100,
    load_1m: Math.round((loadavg()[0] ?? 0) * 100) / 100,
    ...restWaits.take(),
  });
}

try {
  // Warm-up, then the catalog at rest.
  for (let index = 0; index < 3; index++) await imagineOnce();
  await phase('idle', undefined, Number(values.idle));
  await phase('during stylus ingest (5,054-item dump)', stylus(['ingest', 'civitai', '--dump', dump], env));
  await phase(`during stylus embed (${dims}-d)`, stylus(['embed'], { ...env, OPENAI_BASE_URL: embedStub.url }));
  // At rest again, now with every vector: what dense retrieval over the whole catalog costs, so the embed phase's
  // figures can be told apart into that cost and the writer's.
  await phase('idle after embed', undefined, Number(values.idle));
} finally {
  await harness.close();
  stub.child.kill('SIGTERM');
  embedStub.child.kill('SIGTERM');
}
