/**
 * /imagine against the loopback fake Discord, timed from its log: shared by the interaction-ack and write-stall
 * benchmarks.
 */
import type { Client } from 'discord.js';
import type { FakeDiscord, RecordedDispatch, RecordedRequest } from '../test/support/fake-discord.js';
import type { FakeMember } from '../test/support/fake-discord-payloads.js';

export interface Sent {
  id: string;
  token: string;
}

/** Sends one /imagine as a gateway dispatch. */
export function imagine(fake: FakeDiscord, member: FakeMember, prompt: string): Sent {
  return fake.slashCommand({ member, name: 'imagine', options: [{ type: 3, name: 'prompt', value: prompt }] });
}

/**
 * The request that answers an interaction: the edit of the deferred reply (the composition, or an error), or a
 * follow-up message (a prompt nothing matches, such as "bond", is answered that way).
 */
function answers(sent: Sent, request: RecordedRequest): boolean {
  return (
    request.path.includes(sent.token) &&
    (request.method === 'PATCH' || (request.method === 'POST' && request.path.startsWith('/webhooks/')))
  );
}

/** Waits until the bot has acknowledged the interaction and then answered it. */
export async function answered(fake: FakeDiscord, sent: Sent): Promise<void> {
  await fake.waitForRequest((request) => answers(sent, request), `the reply to ${sent.id}`, 60_000);
}

/**
 * Milliseconds from the INTERACTION_CREATE dispatch to the deferral callback (`ack`) and to the answer (`reply`),
 * read from the fake's log.
 */
export function latencies(fake: FakeDiscord, sent: Sent): { ack: number; reply: number } {
  const dispatch = fake.log.find(
    (entry): entry is RecordedDispatch =>
      entry.kind === 'dispatch' && entry.event === 'INTERACTION_CREATE' && entry.data.id === sent.id,
  );
  const callback = fake.log.find(
    (entry): entry is RecordedRequest =>
      entry.kind === 'rest' &&
      entry.method === 'POST' &&
      entry.path === `/interactions/${sent.id}/${sent.token}/callback`,
  );
  const answer = fake.log.find((entry): entry is RecordedRequest => entry.kind === 'rest' && answers(sent, entry));
  if (!dispatch || !callback || !answer) throw new Error(`interaction ${sent.id} was never acknowledged`);
  if (callback.body.type !== 5) {
    throw new Error(`interaction ${sent.id} was answered with type ${String(callback.body.type)}, not a deferral (5)`);
  }
  return { ack: callback.at - dispatch.at, reply: answer.at - dispatch.at };
}

/**
 * Least time from one /imagine to the next when they are sent one at a time: at most 20 a second, 40 requests (the
 * deferral and the edit), under discord.js's 50 requests/s (see RestWaits). Faster, a one-at-a-time run measures
 * discord.js holding requests for up to a second; no server's members send 25 /imagine a second one after another.
 */
export const ONE_AT_A_TIME_GAP_MS = 50;

/** Waits out what is left of ONE_AT_A_TIME_GAP_MS since `sentAt` (a performance.now() time). */
export async function restOfGap(sentAt: number): Promise<void> {
  const left = sentAt + ONE_AT_A_TIME_GAP_MS - performance.now();
  if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
}

/**
 * discord.js's own waits: its REST client holds every request, interaction callbacks and webhook edits included, to
 * 50 a second (`globalRequestsPerSecond`), although Discord exempts interaction endpoints from that limit. A bot that
 * answers more than about 25 /imagine a second (a deferral and an edit each) waits up to a second here, which the
 * reply latencies then include: counted beside them so that tail is not taken for the bot's own work.
 */
export class RestWaits {
  count = 0;
  totalMs = 0;

  constructor(client: Client) {
    client.rest.on('rateLimited', (info) => {
      this.count++;
      this.totalMs += info.timeToReset;
    });
  }

  /** The waits since the last call, and starts counting afresh. */
  take(): { rest_waits: number; rest_wait_ms: number } {
    const taken = { rest_waits: this.count, rest_wait_ms: Math.round(this.totalMs) };
    this.count = 0;
    this.totalMs = 0;
    return taken;
  }
}
