/**
 * Interaction acknowledgement latency: the real bot (startBot, the real discord.js Client) against the loopback fake
 * Discord, over a synthetic catalog. Per /imagine interaction, the time from the fake sending INTERACTION_CREATE on
 * the gateway to the fake receiving the deferral (POST /interactions/{id}/{token}/callback, type 5). Discord drops an
 * interaction not acknowledged within 3 s; the target is p99 <= 300 ms.
 * Two arrival patterns: one at a time (the next is sent when the previous composition has been shown, at most 20 a
 * second: see ONE_AT_A_TIME_GAP_MS) and bursts of `--burst` at once (a busy server: acknowledgements compete with the
 * compositions of the interactions before them, and a burst's replies wait their turn for the CPU one after another).
 * The fake and the bot share one process and event loop, as they would share a CPU; the numbers include that.
 * The catalog is grown from a real dump's records and the prompts are PartiPrompts (bench/realistic-catalog.ts).
 * `replyP99` is to the edit that shows the composition; `rest_waits`/`rest_wait_ms` count discord.js's own holds at
 * its 50 requests/s limit (see RestWaits), which the bot meets when it answers over ~25 /imagine a second.
 * Usage: node --import tsx bench/interaction-ack.ts --dump FILE --prompts FILE [--count 200] [--burst 20]
 *   [--adapters 10000]
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { BotHarness } from '../test/support/fake-discord-harness.js';
import type { FakeMember } from '../test/support/fake-discord-payloads.js';
import { answered, imagine, latencies, RestWaits, restOfGap } from './imagine-latency.js';
import { catalogBatches, dumpAdapters, readPrompts } from './realistic-catalog.js';
import { report, summarise } from './synthetic.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '200' },
    burst: { type: 'string', default: '20' },
    adapters: { type: 'string', default: '10000' },
    dump: { type: 'string' },
    prompts: { type: 'string' },
  },
});
if (!values.dump || !values.prompts) throw new Error('bench/interaction-ack: pass --dump FILE and --prompts FILE');
const count = Number(values.count);
const burst = Number(values.burst);
const catalogSize = Number(values.adapters);
for (const [name, value] of [
  ['count', count],
  ['burst', burst],
  ['adapters', catalogSize],
] as const) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive whole number`);
}

const WARM_UP = 5;
const TARGET_P99_MS = 300;

/**
 * Longest stretch the event loop was blocked during a run: while the bot composes synchronously, no gateway frame is
 * read and no request is written, so this bounds what the waiting interactions lose.
 */
function blockedMs(histogram: ReturnType<typeof monitorEventLoopDelay>): number {
  return Math.round(histogram.max / 1e4) / 100;
}

function reportRun(
  arrival: string,
  samples: readonly { ack: number; reply: number }[],
  loop: ReturnType<typeof monitorEventLoopDelay>,
): void {
  const acks = samples.map((sample) => sample.ack);
  const reply = summarise(samples.map((sample) => sample.reply));
  report({
    bench: 'interaction-ack',
    arrival,
    adapters: catalogSize,
    ...summarise(acks),
    max: Math.round(Math.max(...acks) * 100) / 100,
    targetP99: TARGET_P99_MS,
    replyP50: reply.p50,
    replyP99: reply.p99,
    loopBlockedMaxMs: blockedMs(loop),
    ...restWaits.take(),
  });
}

const adapters = [...catalogBatches(await dumpAdapters(values.dump), catalogSize)].flat();
const prompts = readPrompts(values.prompts);
const harness = await BotHarness.start({ adapters });
const restWaits = new RestWaits(harness.bot.client);
try {
  const members = Array.from({ length: 8 }, (_, index) => harness.fake.member({ username: `member${index}` }));
  let next = 0;
  const nextPrompt = () => prompts[next++ % prompts.length] ?? 'a red fox';
  const member = (index: number) => members[index % members.length] as FakeMember;

  // Warm-up: the first interactions pay for JIT compilation and statement preparation.
  for (let index = 0; index < WARM_UP; index++)
    await answered(harness.fake, imagine(harness.fake, member(index), nextPrompt()));

  const loop = monitorEventLoopDelay({ resolution: 5 });
  loop.enable();
  restWaits.take();
  const oneAtATime: { ack: number; reply: number }[] = [];
  for (let index = 0; index < count; index++) {
    const sentAt = performance.now();
    const sent = imagine(harness.fake, member(index), nextPrompt());
    await answered(harness.fake, sent);
    oneAtATime.push(latencies(harness.fake, sent));
    await restOfGap(sentAt);
  }
  reportRun('one at a time', oneAtATime, loop);
  loop.reset();

  const bursts: { ack: number; reply: number }[] = [];
  for (let start = 0; start < count; start += burst) {
    const size = Math.min(burst, count - start);
    const sent = Array.from({ length: size }, (_, index) => imagine(harness.fake, member(start + index), nextPrompt()));
    await Promise.all(sent.map((interaction) => answered(harness.fake, interaction)));
    for (const interaction of sent) bursts.push(latencies(harness.fake, interaction));
  }
  reportRun(`bursts of ${burst}`, bursts, loop);
  loop.disable();
} finally {
  await harness.close();
}
