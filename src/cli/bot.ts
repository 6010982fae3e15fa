import { getConfig, loadConfig } from '../config.js';
import { startBot } from '../discord/bot.js';
import { createLogger } from '../log.js';
import { openRenderQueue } from '../render/open-queue.js';
import type { RenderConsumer, RenderQueue } from '../render/queue.js';
import { mirrorResults, RenderResults } from '../render/results.js';
import { renderBackendConfigured } from '../render/submit.js';
import { startEmbeddedRenderWorker } from '../render/worker.js';
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
  let worker: RenderConsumer | undefined;
  let stopMirror: (() => Promise<void>) | undefined;
  try {
    queue = renderBackendConfigured(config) ? openRenderQueue(config, services.db, log) : undefined;
    if (queue?.kind === 'embedded') {
      // Embedded mode: one process renders too. A backend that is down at start must not keep the bot offline.
      worker = await startEmbeddedRenderWorker(services, queue).catch((error: unknown) => {
        log.error(
          { err: error },
          'the in-process render worker could not start; compositions still work, renders wait',
        );
        return undefined;
      });
    } else if (queue) {
      // Workers on other machines record results in their own files: mirror them here so reactions find adapters.
      stopMirror = await mirrorResults(queue, new RenderResults(services.db));
    }
    const running = await startBot({ services, token: config.DISCORD_TOKEN, ...(queue ? { renderQueue: queue } : {}) });
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    log.info('shutting down');
    await running.stop();
    return 0;
  } finally {
    await worker?.close();
    await stopMirror?.();
    await queue?.close();
    await services.close();
  }
}
