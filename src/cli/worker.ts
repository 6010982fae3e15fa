import { getConfig, loadConfig } from '../config.js';
import { isUserFacing, UserFacingError } from '../errors.js';
import { createLogger } from '../log.js';
import { createBackend } from '../render/backends/index.js';
import { BullmqRenderQueue } from '../render/bullmq-queue.js';
import { queueLimitsFromConfig } from '../render/open-queue.js';
import { startRenderWorker, workerDepsFromConfig } from '../render/worker.js';
import {
  describeBackend,
  NO_BACKEND_REASON,
  readWorkerStatus,
  waitForBackend,
  writeWorkerStatus,
} from '../render/worker-status.js';
import { openServices } from '../services.js';
import { ensureDataDir } from '../storage/data-dir.js';
import { EXIT } from './exit-codes.js';
import { type CliIo, writeLine } from './io.js';
import { defineCommand, parseCommand } from './spec.js';

const spec = defineCommand({
  command: 'stylus worker',
  summary:
    'Take render jobs from the Redis queue (REDIS_URL) and render them on COMFYUI_URL or A1111_URL: one worker per ' +
    'GPU. It waits for a backend that is not up yet; SIGTERM finishes the job in hand, then exits.',
  flags: {
    concurrency: { type: 'int', help: 'jobs rendered at once', min: 1, max: 16, default: 1 },
    'lock-ms': {
      type: 'int',
      help: 'job lock; a job whose worker died is taken again after it',
      min: 1_000,
      max: 600_000,
      default: 30_000,
    },
    health: { type: 'boolean', help: "print the running worker's state; exit 0 only when it takes jobs (healthcheck)" },
  },
  examples: ['npm run worker -- --concurrency 1'],
});

/** Resolves on SIGTERM or SIGINT; the signal is also aborted then, to stop a wait. */
function stopSignal(): { stopped: Promise<NodeJS.Signals>; signal: AbortSignal } {
  const controller = new AbortController();
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      controller.abort();
      resolve(signal);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  return { stopped, signal: controller.signal };
}

/** `stylus worker --health`: the compose healthcheck. Says what the worker does or waits for. */
function workerHealth(dataDir: string, io: CliIo): number {
  const status = readWorkerStatus(dataDir);
  if (!status) {
    writeLine(io.stdout, 'the worker has not started yet (no status file).');
    return EXIT.failed;
  }
  writeLine(io.stdout, `${status.state}: ${status.reason} (since ${status.updatedAt})`);
  return status.state === 'ready' ? EXIT.ok : EXIT.failed;
}

/**
 * `stylus worker` (`npm run worker`): one render worker process per GPU, taking jobs from the BullMQ queue on
 * REDIS_URL. Without a render backend, or with one that is not up yet, it waits (one line, and the healthcheck says
 * why) instead of exiting: under docker compose an exit means a restart loop that fixes nothing.
 * SIGTERM / SIGINT stop it cleanly: it finishes the job in hand, then exits.
 */
export async function runWorker(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommand(spec, args);
  const config = io.env === process.env ? getConfig() : loadConfig(io.env);
  if (values.health) return workerHealth(config.DATA_DIR, io);
  if (!config.REDIS_URL) {
    throw new UserFacingError(
      'The worker runs as its own process only with a shared queue: set REDIS_URL. Without Redis, `stylus bot` renders in its own process.',
      'config',
    );
  }
  ensureDataDir(config.DATA_DIR);
  const log = createLogger(config.LOG_LEVEL);
  const stop = stopSignal();
  const wait = async (reason: string): Promise<number> => {
    writeWorkerStatus(config.DATA_DIR, 'waiting', reason);
    writeLine(io.stderr, `stylus worker: ${reason}. Waiting; Ctrl-C or SIGTERM to stop.`);
    // Nothing else keeps the event loop busy while waiting for a signal: without this, Node would end the process.
    const keepAlive = setInterval(() => undefined, 60_000);
    await stop.stopped;
    clearInterval(keepAlive);
    return EXIT.ok;
  };

  const backend = createBackend(config, log);
  if (!backend) return wait(NO_BACKEND_REASON);
  const where = describeBackend(config, backend);
  const answered = await waitForBackend(backend, {
    signal: stop.signal,
    onWaiting: (reason) => {
      const line = `waiting for ${where} to answer (${reason}); trying again`;
      writeWorkerStatus(config.DATA_DIR, 'waiting', line);
      writeLine(io.stderr, `stylus worker: ${line}.`);
    },
  });
  if (!answered) return EXIT.ok;

  const services = await openServices(config, { seedCatalog: false, log });
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
      concurrency: values.concurrency,
      lockDurationMs: values['lock-ms'],
      stalledIntervalMs: Math.max(1_000, Math.floor(values['lock-ms'] / 2)),
    });
  } catch (error) {
    await queue.close();
    await services.close();
    // A setting the backend refuses (a checkpoint it does not have) will not fix itself: wait, saying which.
    if (isUserFacing(error) && error.code === 'config') return wait(error.userMessage.replace(/\.$/, ''));
    throw error;
  }
  writeWorkerStatus(config.DATA_DIR, 'ready', `taking render jobs from ${where}`);
  writeLine(
    io.stderr,
    `stylus worker: taking render jobs from ${where} (concurrency ${values.concurrency}). Ctrl-C or SIGTERM to stop.`,
  );

  const signal = await stop.stopped;
  services.log.info({ signal }, 'worker stopping: finishing the job in hand');
  writeWorkerStatus(config.DATA_DIR, 'waiting', 'stopping: finishing the job in hand');
  await consumer.close();
  await queue.close();
  await services.close();
  services.log.info('worker stopped');
  return EXIT.ok;
}
