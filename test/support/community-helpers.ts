import { randomUUID } from 'node:crypto';
import { Routes } from 'discord.js';
import { Redis } from 'ioredis';
import type { Adapter } from '../../src/catalog/adapter.js';
import { RenderJobSchema } from '../../src/render/job.js';
import { RenderResults } from '../../src/render/results.js';
import type { RecordedRequest } from './fake-discord.js';
import { BotHarness, REDIS_URL } from './fake-discord-harness.js';
import type { FakeMember } from './fake-discord-payloads.js';

type Json = Record<string, unknown>;

/**
 * Bot harness for community tests: state in the SQLite file, or in the real Redis under a `t-community:` prefix
 * of its own (removed on close, with everything the bot wrote there).
 */
export async function startCommunityBot(options: {
  redis: boolean;
  env?: Record<string, string>;
  adapters?: Adapter[];
}): Promise<{ h: BotHarness; close(): Promise<void> }> {
  const prefix = `t-community:${randomUUID()}`;
  const h = await BotHarness.start({
    env: { ...(options.redis ? { REDIS_URL, REDIS_PREFIX: prefix } : {}), ...options.env },
    ...(options.adapters ? { adapters: options.adapters } : {}),
  });
  return {
    h,
    async close() {
      await h.close();
      if (!options.redis) return;
      const redis = new Redis(REDIS_URL);
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== '0');
      await redis.quit();
    },
  };
}

/**
 * A result message as the worker leaves it: posted in the channel by the bot over REST, then recorded with the
 * adapters of each image (what a reaction on it is about).
 */
export async function postResult(h: BotHarness, imageAdapters: string[][], requester: FakeMember): Promise<string> {
  const posted = (await h.bot.client.rest.post(Routes.channelMessages(h.fake.channelId), {
    body: { content: 'Rendered', allowed_mentions: { parse: [] } },
  })) as { id: string };
  const job = RenderJobSchema.parse({
    id: `job-${randomUUID()}`,
    compositionId: `comp-${randomUUID().slice(0, 8)}`,
    guildId: h.fake.guild.id,
    channelId: h.fake.channelId,
    requesterId: requester.user.id,
    base: 'sdxl',
    checkpoint: 'sdxl-base.safetensors',
    images: imageAdapters.map((adapterIds, index) => ({
      index,
      seed: 1000 + index,
      positive: 'a red fox',
      a1111Prompt: 'a red fox',
      loras: adapterIds.map((adapterId) => ({
        adapterId,
        fileName: `${adapterId.replace(/[^\w-]+/g, '_')}.safetensors`,
        weight: 0.8,
        source: 'huggingface',
      })),
    })),
    width: 1024,
    height: 1024,
    steps: 20,
    cfg: 6,
    sampler: 'euler',
    createdAt: Date.now(),
  });
  new RenderResults(h.services.db).record(job, posted.id);
  return posted.id;
}

/** Polls until `check` holds (the bot handles gateway events asynchronously); fails with `what` after 10 s. */
export async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const value = await read();
    if (check(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Runs `/adapters <sub>` and returns the interaction's callback (the bot's answer). */
export async function adaptersCommand(
  h: BotHarness,
  member: FakeMember,
  sub: string,
  options: Record<string, string> = {},
  channelId?: string,
): Promise<{ body: Json; data: Json; interaction: { id: string; token: string } }> {
  const interaction = h.fake.slashCommand({
    member,
    name: 'adapters',
    ...(channelId ? { channelId } : {}),
    options: [
      {
        type: 1,
        name: sub,
        options: Object.entries(options).map(([name, value]) => ({ type: 3, name, value })),
      },
    ],
  });
  const answer = await h.fake.waitForRequest(
    (request: RecordedRequest) =>
      request.method === 'POST' && request.path.startsWith(`/interactions/${interaction.id}/`),
    `the answer to /adapters ${sub}`,
  );
  return { body: answer.body, data: (answer.body.data ?? {}) as Json, interaction };
}

export function fieldsOf(data: Json): Json[] {
  return ((data.embeds as Json[] | undefined)?.[0]?.fields ?? []) as Json[];
}

export function customIdsOf(data: Json): string[] {
  return ((data.components ?? []) as Json[]).flatMap((row) =>
    ((row.components ?? []) as Json[]).map((component) => String(component.custom_id)),
  );
}
