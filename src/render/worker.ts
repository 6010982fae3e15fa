import sharp from 'sharp';
import type { Config } from '../config.js';
import { UserFacingError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Services } from '../services.js';
import { BACKGROUND_WRITE_WAIT_MS, writeWhenFree } from '../storage/busy.js';
import { exceedsPixelLimit, MAX_INPUT_PIXELS, pixelLimitSentence, readImageHeader } from '../util/image-pixels.js';
import { readBodyCapped } from '../util/read-capped.js';
import { publicText } from './backends/http.js';
import { createBackend } from './backends/index.js';
import { checkpointAvailable, type RenderBackend, type RenderedImage } from './backends/types.js';
import type { BullmqConsumeOptions } from './bullmq-queue.js';
import { DiscordDelivery, type ResultDelivery } from './delivery.js';
import { isRetriable, RenderCancelledError, RenderError } from './errors.js';
import type { RenderJob } from './job.js';
import { type LoraCache, loraCacheFromConfig } from './lora-cache.js';
import type {
  RenderConsumer,
  RenderContext,
  RenderFailure,
  RenderHandler,
  RenderOutcome,
  RenderQueue,
} from './queue.js';
import { RenderResults } from './results.js';
import { PositionAnnouncer, progressText, StatusBoard } from './status.js';
import { checkpointKey, configuredCheckpoints } from './submit.js';

/** Largest init image or mask the worker downloads. */
const MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;

export interface WorkerDeps {
  queue: RenderQueue;
  backend: RenderBackend;
  delivery: ResultDelivery;
  results: RenderResults;
  /** Absent when LORA_DIR is not set: LoRAs must then already be on the backend. */
  loras?: LoraCache;
  log: Logger;
  /** Status edits at most this often (2 s). */
  statusIntervalMs?: number;
  /** First wait before posting a result again after Discord failed it (2 s, doubling). */
  deliveryRetryMs?: number;
}

/**
 * Every configured checkpoint must be one the backend can load: checked once at start, so a typo in
 * CHECKPOINT_SDXL fails the worker with its name instead of failing every render.
 */
export async function checkCheckpoints(config: Config, backend: RenderBackend, log: Logger): Promise<void> {
  const configured = configuredCheckpoints(config);
  if (configured.size === 0) {
    throw new UserFacingError(
      'No checkpoint is configured: set at least one CHECKPOINT_<FAMILY> (for example CHECKPOINT_SDXL) to a model file the render backend has.',
      'config',
    );
  }
  const available = await backend.listCheckpoints();
  const missing = [...configured].filter(([, name]) => !checkpointAvailable(available, name));
  if (missing.length > 0) {
    const [family, name] = missing[0] ?? ['sdxl', ''];
    throw new UserFacingError(
      `${checkpointKey(family)}=${name} is not a checkpoint the render backend (${backend.name}) has. ` +
        `It has: ${available.slice(0, 10).join(', ') || 'none'}.`,
      'config',
    );
  }
  log.info({ backend: backend.name, checkpoints: Object.fromEntries(configured) }, 'checkpoints found on the backend');
}

/** Tries of one result post (Discord 5xx, a dropped connection) before the job itself is retried. */
const DELIVERY_TRIES = 5;

/**
 * What the member reads when a job fails for good, whatever failed it (the handler's last try, a crash loop, stalls):
 * the status message says so and a reply in the channel names the reason. Called once per job by the queue's consumer.
 */
export function createFailureAnnouncer(
  deps: Pick<WorkerDeps, 'delivery' | 'log'>,
  status = new StatusBoard(deps.delivery, 2_000, deps.log),
): (job: RenderJob, failure: RenderFailure) => Promise<void> {
  return async (job, failure) => {
    deps.log.info({ jobId: job.id, guildId: job.guildId }, 'render failed for good; telling the member');
    // Members never see an address of ours, whatever a message quotes; the log has the whole error.
    const message = publicText(failure.userMessage);
    status.finish(job, `Render failed: ${message}`);
    await deps.delivery.postFailure(job, message);
  };
}

/**
 * The job handler: LoRAs, backend, delivery, results, status. It never waits on Discord while it holds the GPU:
 * status edits go through the StatusBoard (never awaited), and once the images are rendered the job releases its
 * slot, so the next job renders while this one posts (retrying as Discord allows). Exported for the embedded mode
 * and for tests.
 */
export function createRenderHandler(
  deps: WorkerDeps,
  status = new StatusBoard(deps.delivery, deps.statusIntervalMs ?? 2_000, deps.log),
): RenderHandler & { settle(timeoutMs?: number): Promise<void> } {
  const positions = new PositionAnnouncer(deps.queue, status);
  const announce = () =>
    positions.announce().catch((error: unknown) => deps.log.warn({ err: error }, 'queue positions not announced'));
  const deliveryRetryMs = deps.deliveryRetryMs ?? 2_000;

  /**
   * The error for the queue, as a sentence a member may read. A final failure is told to the member by the queue's
   * consumer (createFailureAnnouncer), which also sees the failures no handler lives to report; here only a retry is.
   */
  const failed = async (job: RenderJob, context: RenderContext, error: unknown, log: Logger): Promise<unknown> => {
    const cause = context.signal.aborted ? context.signal.reason : error;
    if (cause instanceof RenderCancelledError) {
      status.finish(job, 'Render cancelled.');
      return cause;
    }
    const final = !isRetriable(cause) || context.attempt >= context.maxAttempts;
    if (cause instanceof RenderError) log.warn({ code: cause.code, final, err: cause }, 'render failed');
    else log.error({ final, err: cause }, 'render failed unexpectedly');
    if (!final && !context.signal.aborted)
      status.report(job, 'The render hit a problem; trying again shortly…', 'retrying');
    if (context.signal.aborted || cause instanceof RenderError) return cause;
    // Details stay in the log; the queue keeps a sentence the member may read.
    return new RenderError('Something went wrong on the render server.', 'internal', true, { cause });
  };

  const deliver = async (job: RenderJob, rendered: RenderedImage[], log: Logger): Promise<{ messageId: string }> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await deps.delivery.postResult(job, rendered);
      } catch (error) {
        if (!isRetriable(error) || attempt >= DELIVERY_TRIES) throw error;
        const waitMs = deliveryRetryMs * 2 ** (attempt - 1);
        log.warn({ attempt, waitMs, err: error }, 'posting the images failed; trying again');
        await new Promise((resolve) => setTimeout(resolve, waitMs));
      }
    }
  };

  const handle = async (job: RenderJob, context: RenderContext): Promise<RenderOutcome> => {
    const log = deps.log.child({ jobId: job.id, guildId: job.guildId, attempt: context.attempt });
    const delivered = deps.results.deliveredMessageId(job.id);
    if (delivered) {
      // Picked up again after the images went out (a worker died before it could say so): never post twice.
      log.warn({ messageId: delivered }, 'render already delivered; not posting again');
      return {
        messageId: delivered,
        seeds: Object.fromEntries(deps.results.forJob(job.id).map((image) => [String(image.imageIndex), image.seed])),
      };
    }
    const attempt = Math.min(context.attempt, context.maxAttempts);
    status.report(job, attempt > 1 ? `Rendering (try ${attempt} of ${context.maxAttempts})…` : 'Rendering…', 'started');
    void announce();
    let rendered: RenderedImage[];
    try {
      rendered = await renderImages(deps, job, context, status);
    } catch (error) {
      context.releaseSlot();
      void announce();
      throw await failed(job, context, error, log);
    }
    // The GPU is free for the next job from here on: what is left is Discord's pace.
    context.releaseSlot();
    void announce();
    try {
      const { messageId } = await deliver(job, rendered, log);
      const seeds = new Map(job.images.map((image, position) => [image.index, rendered[position]?.seed ?? image.seed]));
      // The record is what stops a second post: an ingest holding the database must delay it, not lose it.
      await writeWhenFree(() => deps.results.record(job, messageId, seeds), BACKGROUND_WRITE_WAIT_MS);
      await context.reportProgress(1).catch(() => undefined);
      status.finish(job, 'Rendered: the images are posted below.');
      log.info({ messageId, images: rendered.length }, 'render finished');
      return { messageId, seeds: Object.fromEntries([...seeds].map(([index, seed]) => [String(index), seed])) };
    } catch (error) {
      throw await failed(job, context, error, log);
    }
  };
  // On shutdown: the last words (Rendered, failed) still waiting for Discord go out before the process exits.
  return Object.assign(handle, { settle: (timeoutMs = 5_000) => status.flush(timeoutMs) });
}

/** Attachments, LoRA files, then each image on the backend (the part of a job that holds the GPU). */
async function renderImages(
  deps: WorkerDeps,
  job: RenderJob,
  context: RenderContext,
  status: StatusBoard,
): Promise<RenderedImage[]> {
  let release = () => {};
  try {
    const [initImage, mask] = await Promise.all([
      job.initImageUrl ? fetchImage(job.initImageUrl, 'image', context.signal) : undefined,
      job.maskUrl ? fetchImage(job.maskUrl, 'mask', context.signal) : undefined,
    ]);
    const allLoras = job.images.flatMap((image) => image.loras);
    if (deps.loras) release = (await deps.loras.ensureAll(allLoras, context.signal)).release;
    await deps.backend.ensureLoras([...new Set(allLoras.map((lora) => lora.fileName))], context.signal);

    const rendered: RenderedImage[] = [];
    let lastProgress = 0;
    for (const [position, image] of job.images.entries()) {
      throwIfAborted(context.signal);
      const result = await deps.backend.renderImage(
        {
          tag: `${job.id}-${image.index}`,
          checkpoint: job.checkpoint,
          positive: image.positive,
          a1111Prompt: image.a1111Prompt,
          negative: job.negativePrompt,
          loras: image.loras,
          seed: image.seed,
          steps: job.steps,
          cfg: job.cfg,
          sampler: job.sampler,
          scheduler: job.scheduler,
          width: job.width,
          height: job.height,
          denoise: job.denoise,
          ...(initImage ? { initImage } : {}),
          ...(mask && initImage ? { mask } : {}),
        },
        {
          signal: context.signal,
          onProgress: (fraction) => {
            status.report(job, progressText(position, job.images.length, fraction), 'progress');
            const overall = (position + fraction) / job.images.length;
            // Queue progress is for dashboards: a few updates per image are plenty.
            if (overall - lastProgress >= 0.1) {
              lastProgress = overall;
              void context.reportProgress(overall).catch(() => undefined);
            }
          },
        },
      );
      rendered.push(result);
    }
    throwIfAborted(context.signal);
    return rendered;
  } finally {
    release();
  }
}

/**
 * Checks checkpoints, then takes jobs until the returned consumer is closed. With a LoRA folder, the worker advertises
 * its files so that the BullMQ queue routes jobs needing them here (the embedded queue has one worker and ignores it).
 */
export async function startRenderWorker(
  config: Config,
  deps: WorkerDeps,
  options: { concurrency?: number; lockDurationMs?: number; stalledIntervalMs?: number } = {},
): Promise<RenderConsumer> {
  await checkCheckpoints(config, deps.backend, deps.log);
  const loras = deps.loras;
  const consumeOptions: BullmqConsumeOptions = loras
    ? { ...options, listLoras: () => loras.listFiles(), onLorasChanged: (listener) => loras.onChange(listener) }
    : options;
  const status = new StatusBoard(deps.delivery, deps.statusIntervalMs ?? 2_000, deps.log);
  const handler = createRenderHandler(deps, status);
  const consumer = await deps.queue.consume(handler, {
    ...consumeOptions,
    onFailed: createFailureAnnouncer(deps, status),
  });
  deps.log.info({ queue: deps.queue.kind, backend: deps.backend.name }, 'render worker started');
  return {
    ...consumer,
    close: async (force) => {
      await consumer.close(force);
      await handler.settle();
    },
  };
}

/**
 * The embedded mode's worker, in the bot's own process: call it after opening the queue when REDIS_URL is not set
 * (with Redis, workers run as `stylus worker`). Returns undefined when there is nothing to do here.
 */
export async function startEmbeddedRenderWorker(
  services: Pick<Services, 'config' | 'db' | 'log'>,
  queue: RenderQueue,
): Promise<RenderConsumer | undefined> {
  if (queue.kind !== 'embedded' || !createBackend(services.config, services.log)) return undefined;
  return startRenderWorker(services.config, workerDepsFromConfig(services, queue));
}

/** The worker's parts from config: backend, LoRA cache, Discord delivery, results (in the shared SQLite file). */
export function workerDepsFromConfig(
  services: Pick<Services, 'config' | 'db' | 'log'>,
  queue: RenderQueue,
): WorkerDeps {
  const { config, db, log } = services;
  const backend = createBackend(config, log);
  if (!backend) {
    throw new UserFacingError('No render backend is configured: set COMFYUI_URL or A1111_URL.', 'config');
  }
  const token = config.DISCORD_TOKEN;
  if (!token) {
    throw new UserFacingError('DISCORD_TOKEN is not set: the worker posts images with the bot token.', 'config');
  }
  const loras = loraCacheFromConfig(config, db, log);
  if (!loras) log.warn('LORA_DIR is not set: adapters are not downloaded, they must already be on the render backend');
  return {
    queue,
    backend,
    delivery: new DiscordDelivery({ token, apiUrl: config.DISCORD_API_URL ?? 'https://discord.com/api', log }),
    results: new RenderResults(db),
    ...(loras ? { loras } : {}),
    log,
  };
}

/** Downloads a Discord attachment and makes sure it is an image; re-encoded as PNG for the backend. */
async function fetchImage(url: string, what: 'image' | 'mask', signal: AbortSignal): Promise<Buffer> {
  const invalid = (detail: string, retriable = false) =>
    new RenderError(
      `The attached ${what} could not be used: ${detail}. Attach a PNG, JPEG or WebP picture.`,
      'init_image_invalid',
      retriable,
    );
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.any([signal, AbortSignal.timeout(60_000)]) });
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    throw new RenderError(`The attached ${what} could not be downloaded from Discord.`, 'init_image_invalid', true, {
      cause: error,
    });
  }
  if (!response.ok) throw invalid(`Discord answered HTTP ${response.status} (the attachment may have expired)`);
  const bytes = await readBodyCapped(response, MAX_ATTACHMENT_BYTES);
  if (!bytes) throw invalid('it is larger than 25 MB');
  const header = await readImageHeader(bytes);
  if (header && exceedsPixelLimit(header)) {
    throw new RenderError(pixelLimitSentence(`attached ${what}`, header), 'init_image_invalid', false);
  }
  try {
    if (!header || !['png', 'jpeg', 'webp', 'gif', 'avif'].includes(header.format)) throw new Error('not a picture');
    return await sharp(bytes, { limitInputPixels: MAX_INPUT_PIXELS }).png().toBuffer();
  } catch {
    throw invalid('it is not an image');
  }
}

function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw signal.reason ?? new RenderCancelledError();
}
