import { getConfig, loadConfig } from '../config.js';
import { startBot } from '../discord/bot.js';
import { createLogger } from '../log.js';
import { openRenderQueue } from '../render/open-queue.js';
import type { RenderQueue } from '../render/queue.js';
import { renderBackendConfigured } from '../render/submit.js';
import { openServices } from '../services.js';
import { type CliIo, writeLine } from './io.js';

/** `stylus bot` (`npm start`): logs in with DISCORD_TOKEN and serves until SIGINT/SIGTERM. */
export default async function bot(_args: string[], io: CliIo): Promise<number> {
  const config = io.env === process.env ? getConfig() : loadConfig(io.env);
  if (!config.DISCORD_TOKEN) {
    writeLine(
      io.stderr,
      'stylus bot: DISCORD_TOKEN is not set. Put the bot token in .env (see README, "Run the bot").',
    );
    return 1;
  }
  const log = createLogger(config.LOG_LEVEL);
  const services = await openServices(config, { log });
  let queue: RenderQueue | undefined;
  try {
    queue = renderBackendConfigured(config) ? openRenderQueue(config, services.db, log) : undefined;
    const running = await startBot({ services, token: config.DISCORD_TOKEN, ...(queue ? { renderQueue: queue } : {}) });
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    log.info('shutting down');
    await running.stop();
    return 0;
  } finally {
    await queue?.close();
    await services.close();
  }
}
