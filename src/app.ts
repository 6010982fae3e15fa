import type { Config } from './config.js';
import { type RunningBot, startBot } from './discord/bot.js';
import { createLogger, type Logger } from './log.js';
import { openRenderQueue } from './render/open-queue.js';
import type { RenderConsumer, RenderQueue } from './render/queue.js';
import { mirrorResults, RenderResults } from './render/results.js';
import { renderBackendConfigured } from './render/submit.js';
import { startEmbeddedRenderWorker } from './render/worker.js';
import { openServices, type ServiceOptions, type Services } from './services.js';
import { databasePath } from './storage/sqlite.js';
import { warmFile } from './storage/warm-file.js';
import { settledWithin } from './util/deadline.js';

/** How long a stop lets the in-process worker finish its render before handing it back to the queue. */
const WORKER_GRACE_MS = 10_000;

/** The bot process as `npm start` runs it: services, render queue, in-process worker (embedded mode), bot. */
export interface RunningApp {
  services: Services;
  bot: RunningBot;
  queue?: RenderQueue;
  /** The in-process render worker, in embedded mode with a backend configured. */
  worker?: RenderConsumer;
  stop(): Promise<void>;
}

export async function startApp(
  config: Config & { DISCORD_TOKEN: string },
  options: ServiceOptions & { log?: Logger } = {},
): Promise<RunningApp> {
  const log = options.log ?? createLogger(config.LOG_LEVEL);
  const services = await openServices(config, { ...options, log });
  let queue: RenderQueue | undefined;
  let worker: RenderConsumer | undefined;
  let stopMirror: (() => Promise<void>) | undefined;
  const close = async () => {
    if (worker && !(await settledWithin(worker.close(), WORKER_GRACE_MS))) {
      log.warn({ waitedMs: WORKER_GRACE_MS }, 'the render in hand did not finish in time; it goes back to the queue');
      await worker.close(true);
    }
    await stopMirror?.();
    await queue?.close();
    await services.close();
  };
  let bot: RunningBot | undefined;
  try {
    queue = renderBackendConfigured(config) ? openRenderQueue(config, services.db, log) : undefined;
    if (queue && queue.kind !== 'embedded') {
      // Workers on other machines record results in their own files: mirror them here so reactions find adapters.
      stopMirror = await mirrorResults(queue, new RenderResults(services.db));
    }
    // The bot listens before the in-process worker takes jobs: a job the worker fails at once (one that crashed the
    // last process) must find the bot there to make its composition renderable again.
    bot = await startBot({ services, token: config.DISCORD_TOKEN, ...(queue ? { renderQueue: queue } : {}) });
    if (queue?.kind === 'embedded') {
      // Embedded mode: this process renders too. A backend that is down at start must not keep the bot offline.
      worker = await startEmbeddedRenderWorker(services, queue).catch((error: unknown) => {
        log.error(
          { err: error },
          'the in-process render worker could not start; compositions still work, renders wait',
        );
        return undefined;
      });
    }
    const running = bot;
    // The catalog file's pages in memory before members compose against it (embedded store only: Qdrant keeps its own).
    const warming = new AbortController();
    const warmed =
      config.QDRANT_URL === undefined
        ? warmCatalogFile(databasePath(config.DATA_DIR), warming.signal, log)
        : Promise.resolve();
    return {
      services,
      bot: running,
      ...(queue ? { queue } : {}),
      ...(worker ? { worker } : {}),
      async stop() {
        warming.abort();
        await warmed;
        await running.stop();
        await close();
      },
    };
  } catch (error) {
    await bot?.stop();
    await close();
    throw error;
  }
}

/** Warms the catalog file in the background; a failure only costs speed, so it is logged, never thrown. */
async function warmCatalogFile(file: string, signal: AbortSignal, log: Logger): Promise<void> {
  const started = performance.now();
  try {
    const bytes = await warmFile(file, signal);
    log.debug(
      { file, mb: Math.round(bytes / 2 ** 20), ms: Math.round(performance.now() - started) },
      'catalog file read into memory',
    );
  } catch (error) {
    log.warn({ err: error, file }, 'could not read the catalog file ahead; compositions read it as they go');
  }
}
