import { getConfig, loadConfig } from '../config.js';
import { UserFacingError } from '../errors.js';
import { BullmqRenderQueue } from '../render/bullmq-queue.js';
import { queueLimitsFromConfig } from '../render/open-queue.js';
import { startRenderWorker, workerDepsFromConfig } from '../render/worker.js';
import { openServices } from '../services.js';
import { type CliIo, intFlag, parseCliArgs, writeLine } from './io.js';

/**
 * `stylus worker` (`npm run worker`): one render worker process per GPU, taking jobs from the BullMQ queue on
 * REDIS_URL. SIGTERM / SIGINT stop it cleanly: it finishes the job in hand, then exits.
 */
export async function runWorker(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCliArgs(
    args,
    {
      concurrency: { type: 'string' },
      'lock-ms': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    false,
  );
  if (values.help) {
    writeLine(io.stdout, 'Usage: stylus worker [--concurrency 1] [--lock-ms 30000]');
    return 0;
  }
  const concurrency = intFlag('concurrency', values.concurrency, 1, 1, 16);
  const lockDurationMs = intFlag('lock-ms', values['lock-ms'], 30_000, 1_000, 600_000);
  const config = io.env === process.env ? getConfig() : loadConfig(io.env);
  if (!config.REDIS_URL) {
    throw new UserFacingError(
      'The worker runs as its own process only with a shared queue: set REDIS_URL. Without Redis, `stylus bot` renders in its own process.',
      'config',
    );
  }
  const services = await openServices(config, { seedCatalog: false });
  const queue = new BullmqRenderQueue({
    redisUrl: config.REDIS_URL,
    prefix: config.REDIS_PREFIX,
    limits: queueLimitsFromConfig(config),
    log: services.log,
    routingWaitMs: config.RENDER_ROUTING_WAIT_MS,
  });
  let consumer: Awaited<ReturnType<typeof startRenderWorker>> | undefined;
  try {
    consumer = await startRenderWorker(config, workerDepsFromConfig(services, queue), {
      concurrency,
      lockDurationMs,
      stalledIntervalMs: Math.max(1_000, Math.floor(lockDurationMs / 2)),
    });
  } catch (error) {
    await queue.close();
    await services.close();
    throw error;
  }
  writeLine(io.stderr, `stylus worker: taking render jobs (concurrency ${concurrency}). Ctrl-C or SIGTERM to stop.`);

  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      services.log.info({ signal }, 'worker stopping: finishing the job in hand');
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      resolve();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  await consumer.close();
  await queue.close();
  await services.close();
  services.log.info('worker stopped');
  return 0;
}
