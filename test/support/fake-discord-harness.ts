import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient } from '@keyv/redis';
import type { Adapter } from '../../src/catalog/adapter.js';
import { loadConfig } from '../../src/config.js';
import { type RunningBot, startBot } from '../../src/discord/bot.js';
import { silentLogger } from '../../src/log.js';
import { openRenderQueue } from '../../src/render/open-queue.js';
import type { RenderQueue } from '../../src/render/queue.js';
import { openServices, type Services } from '../../src/services.js';
import { makeAdapter } from './adapters.js';
import { FakeDiscord } from './fake-discord.js';
import type { FakeMessage } from './fake-discord-payloads.js';

export const REDIS_URL = 'redis://127.0.0.1:6379';

/** Hand-written catalog for bot tests: enough variety for several tasks with alternatives. */
export function botFixtureAdapters(): Adapter[] {
  const page = (slug: string) => `https://huggingface.co/fixtures/${slug}`;
  return [
    makeAdapter({
      id: 'hf:fixtures/watercolor',
      name: 'Watercolor Wash',
      category: 'style',
      tags: ['watercolor', 'painting'],
      triggerWords: ['watercolor'],
      description: 'Soft watercolor painting style with paper texture.',
      pageUrl: page('watercolor'),
    }),
    makeAdapter({
      id: 'hf:fixtures/ink-wash',
      name: 'Ink Wash Painting',
      category: 'style',
      tags: ['ink', 'painting', 'watercolor'],
      description: 'Sumi-e ink wash painting style.',
      pageUrl: page('ink-wash'),
    }),
    makeAdapter({
      id: 'hf:fixtures/red-fox',
      name: 'Red Fox',
      category: 'animal',
      tags: ['fox', 'animal'],
      triggerWords: ['red fox'],
      description: 'A red fox with detailed fur.',
      pageUrl: page('red-fox'),
      recommendedWeight: 0.7,
    }),
    makeAdapter({
      id: 'hf:fixtures/arctic-fox',
      name: 'Arctic Fox',
      category: 'animal',
      tags: ['fox', 'snow'],
      description: 'A white arctic fox.',
      pageUrl: page('arctic-fox'),
    }),
    makeAdapter({
      id: 'hf:fixtures/samurai-armor',
      name: 'Samurai Armor',
      category: 'clothing',
      tags: ['samurai', 'armor'],
      triggerWords: ['samurai armor'],
      description: 'Ornate samurai armor.',
      pageUrl: page('samurai-armor'),
    }),
    makeAdapter({
      id: 'hf:fixtures/cyberpunk-city',
      name: 'Cyberpunk City',
      category: 'background',
      tags: ['cyberpunk', 'city', 'neon'],
      triggerWords: ['cyberpunk city'],
      description: 'Neon cyberpunk city streets at night.',
      pageUrl: page('cyberpunk-city'),
    }),
    makeAdapter({
      id: 'hf:fixtures/after-dark',
      name: 'After Dark Fox',
      category: 'concept',
      tags: ['fox'],
      nsfw: true,
      description: 'Not for general channels.',
    }),
  ];
}

export interface HarnessOptions {
  env?: Record<string, string>;
  /** Keep state in the real Redis (prefix t-bot) instead of the SQLite file. */
  redis?: boolean;
  adapters?: Adapter[];
  /** Give the bot a render queue (embedded, or BullMQ with `redis`) that no worker consumes: jobs stay queued. */
  renderQueue?: boolean;
  /** Redis key prefix base when `redis` is set (default t-bot); a random suffix is added. */
  redisPrefixBase?: string;
  /** A DATA_DIR that already holds a catalog (benchmarks); removed at close like the temporary one. */
  dataDir?: string;
}

/**
 * A bot against the fake Discord: a temp DATA_DIR (one SQLite file), hand-written adapters, and the real
 * startBot. `restart()` stops the bot and starts a new one over the same file and Redis prefix.
 */
export class BotHarness {
  bot!: RunningBot;
  services!: Services;
  queue: RenderQueue | undefined;
  private constructor(
    readonly fake: FakeDiscord,
    readonly dataDir: string,
    readonly env: Record<string, string>,
    readonly redisPrefix: string | undefined,
    private readonly withQueue = false,
  ) {}

  static async start(options: HarnessOptions = {}): Promise<BotHarness> {
    const fake = await FakeDiscord.start();
    const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'stylus-bot-'));
    const redisPrefix = options.redis ? `${options.redisPrefixBase ?? 't-bot'}:${randomUUID()}` : undefined;
    const env: Record<string, string> = {
      DATA_DIR: dataDir,
      DISCORD_TOKEN: fake.token,
      DISCORD_API_URL: fake.apiUrl,
      LOG_LEVEL: 'silent',
      STYLUS_SEED_CATALOG: 'false',
      ...(redisPrefix ? { REDIS_URL, REDIS_PREFIX: redisPrefix } : {}),
      ...options.env,
    };
    const harness = new BotHarness(fake, dataDir, env, redisPrefix, options.renderQueue ?? false);
    await harness.boot();
    await harness.services.store.upsert(options.adapters ?? botFixtureAdapters());
    await harness.bot.context.adapterNames.warm();
    return harness;
  }

  private async boot(): Promise<void> {
    const config = loadConfig(this.env);
    this.services = await openServices(config, { log: silentLogger, seedCatalog: false });
    this.queue = this.withQueue ? openRenderQueue(config, this.services.db, silentLogger) : undefined;
    this.bot = await startBot({
      services: this.services,
      token: this.fake.token,
      ...(this.queue ? { renderQueue: this.queue } : {}),
    });
  }

  /** A bot restart: new Client, new services over the same SQLite file and Redis prefix. */
  async restart(): Promise<void> {
    await this.bot.stop();
    await this.queue?.close();
    await this.services.close();
    await this.boot();
  }

  /**
   * The ephemeral answer to an interaction: a direct reply (its callback), or a follow-up after a deferred reply
   * (a webhook message). Returns the message data and which way it came.
   */
  async ephemeralAnswer(interaction: { id: string; token: string }): Promise<{
    data: Record<string, unknown>;
    via: 'reply' | 'followup';
  }> {
    const answer = await this.fake.waitForRequest(
      (request) =>
        (request.path.startsWith(`/interactions/${interaction.id}/`) &&
          Number((request.body.data as Record<string, unknown> | undefined)?.flags ?? 0) === 64) ||
        (request.method === 'POST' && request.path === `/webhooks/${this.fake.applicationId}/${interaction.token}`),
      'an ephemeral answer',
    );
    const viaCallback = answer.path.includes('/callback');
    return {
      data: (viaCallback ? answer.body.data : answer.body) as Record<string, unknown>,
      via: viaCallback ? 'reply' : 'followup',
    };
  }

  message(id: string): FakeMessage {
    const message = this.fake.messages.get(id);
    if (!message) throw new Error(`no message ${id}`);
    return message;
  }

  async close(): Promise<void> {
    await this.bot.stop();
    await this.queue?.close();
    await this.services.close();
    await this.fake.close();
    rmSync(this.dataDir, { recursive: true, force: true });
    if (this.redisPrefix) {
      const client = createClient({ url: REDIS_URL });
      await client.connect();
      const keys: string[] = [];
      for await (const batch of client.scanIterator({ MATCH: `${this.redisPrefix}:*`, COUNT: 100 }))
        keys.push(...batch);
      if (keys.length > 0) await client.del(keys);
      await client.quit();
    }
  }
}
