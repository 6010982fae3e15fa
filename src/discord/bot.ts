import { type Client, Events } from 'discord.js';
import { SLASH_COMMANDS } from '../../commands/index.js';
import { CachedCommunityStore } from '../community/cached-store.js';
import { openCommunityStore } from '../community/open.js';
import type { RenderQueue } from '../render/queue.js';
import { RenderResults } from '../render/results.js';
import type { Services } from '../services.js';
import { CompositionStore } from '../state/compositions.js';
import { GuildSettingsStore } from '../state/guild-settings.js';
import { openStateKeyv } from '../state/keyv.js';
import { SERVING_BUSY_TIMEOUT_MS } from '../storage/busy.js';
import { warmSegmenter } from '../stylus/segment.js';
import { settledWithin } from '../util/deadline.js';
import { AdapterNameCache } from './adapter-name-cache.js';
import { createDiscordClient } from './client.js';
import type { BotContext } from './context.js';
import { attachReactionFeedback } from './reactions.js';
import { makeFailedRendersRenderable } from './render-failures.js';
import { createInteractionRouter } from './router.js';

const DEFAULT_DISCORD_API = 'https://discord.com/api';
/** How long closing the gateway may take: with Discord unreachable it can wait on a reconnect forever. */
const CLIENT_DESTROY_MS = 5_000;

export interface RunningBot {
  client: Client;
  context: BotContext;
  stop(): Promise<void>;
}

export interface BotOptions {
  services: Pick<Services, 'config' | 'log' | 'db' | 'store' | 'embedder' | 'openai'>;
  token: string;
  renderQueue?: RenderQueue;
}

/**
 * How often a serving bot applies other processes' catalog changes between queries: often enough that a query finds
 * little left to apply (`stylus embed` writes thousands of vectors a second, about 40 us each to apply; at 200 ms a
 * query still paid 50-90 ms), while a turn with nothing to apply is one read of the catalog's version.
 */
const CATALOG_CATCH_UP_MS = 50;

/** Logs in and serves interactions. Registering commands is deploy-commands' job, never a side effect of this. */
export async function startBot(options: BotOptions): Promise<RunningBot> {
  const { services, token } = options;
  const { config, log, db } = services;
  // From here on this process serves members: a statement may hold the event loop only briefly on another process's
  // lock; longer waits happen between statements (storage/busy.ts).
  db.pragma(`busy_timeout = ${SERVING_BUSY_TIMEOUT_MS}`);
  const compositionsKeyv = openStateKeyv({ config, db, namespace: 'compositions', log });
  const settingsKeyv = openStateKeyv({ config, db, namespace: 'guild-settings', log });
  const community = new CachedCommunityStore(openCommunityStore(config, db, log));
  const client = createDiscordClient({ apiUrl: config.DISCORD_API_URL ?? DEFAULT_DISCORD_API });
  let stopFailureListener: (() => Promise<void>) | undefined;
  // Catalog changes of other processes (stylus ingest, stylus embed) are applied as they come, not all at once by
  // the first /imagine after a quiet stretch.
  const stopCatchingUp = services.store.keepCurrent?.(CATALOG_CATCH_UP_MS, (error) =>
    log.warn({ err: error }, 'applying catalog changes failed; the next query tries again'),
  );
  const release = async () => {
    stopCatchingUp?.();
    await stopFailureListener?.();
    if (!(await settledWithin(client.destroy(), CLIENT_DESTROY_MS))) {
      log.warn({ waitedMs: CLIENT_DESTROY_MS }, 'the Discord connection did not close in time; going on without it');
    }
    await compositionsKeyv.keyv.disconnect();
    await settingsKeyv.keyv.disconnect();
    await community.close();
  };
  let context: BotContext;
  try {
    // Anything that fails from here on (a damaged catalog, a refused login) must not leave connections open.
    const adapterNames = new AdapterNameCache(services.store, log);
    await adapterNames.warm();
    warmSegmenter();
    context = {
      services,
      compositions: new CompositionStore(compositionsKeyv.keyv, log),
      settings: new GuildSettingsStore(settingsKeyv.keyv, log),
      community,
      adapterNames,
      ...(options.renderQueue ? { renderQueue: options.renderQueue } : {}),
    };
    if (options.renderQueue) {
      stopFailureListener = await makeFailedRendersRenderable(client, options.renderQueue, context);
    }
    const route = createInteractionRouter(SLASH_COMMANDS, context);
    client.on(Events.InteractionCreate, (interaction) => {
      void route(interaction);
    });
    attachReactionFeedback(client, { community, results: new RenderResults(db), config, log });
    client.on(Events.Error, (error) => log.error({ err: error }, 'discord client error'));
    client.on(Events.ShardDisconnect, (event, shardId) =>
      log.warn({ code: event.code, shardId }, 'gateway disconnected'),
    );
    const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
    await client.login(token);
    await ready;
  } catch (error) {
    await release();
    throw error;
  }
  log.info(
    { user: client.user?.tag, guilds: client.guilds.cache.size, state: compositionsKeyv.kind },
    'bot connected to Discord',
  );
  return {
    client,
    context,
    stop: release,
  };
}
