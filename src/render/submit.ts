import { createHash } from 'node:crypto';
import type { Adapter, BaseFamily } from '../catalog/adapter.js';
import { BASE_FAMILY_LABELS } from '../catalog/adapter.js';
import { localLoraName } from '../catalog/lora-file.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { ImagePrompt } from '../stylus/types.js';
import { RenderError } from './errors.js';
import { type RenderJob, RenderJobSchema, type RenderLora } from './job.js';
import type { CancelOutcome, RenderQueue } from './queue.js';

export interface RenderDeps {
  config: Config;
  queue: RenderQueue;
  log?: Logger;
}

export interface EnqueueRenderInput {
  compositionId: string;
  /** The composition's images (masks applied): per-image prompt, seed and LoRAs with weights. */
  images: readonly ImagePrompt[];
  /** The adapters the images use, for download URL, SHA-256 and size. */
  adapters: ReadonlyMap<string, Adapter> | Readonly<Record<string, Adapter>>;
  base: BaseFamily;
  channelId: string;
  guildId?: string;
  requesterId: string;
  /** The bot's message to edit with queue position and progress. */
  statusMessageId?: string;
  /** Discord CDN URLs of the attachments (image-to-image, inpainting). */
  initImageUrl?: string;
  maskUrl?: string;
  negativePrompt?: string;
  width?: number;
  height?: number;
  steps?: number;
  cfg?: number;
  sampler?: string;
  denoise?: number;
  /** The channel's upload limit (the interaction's `attachment_size_limit`); 10 MiB when not given. */
  uploadLimitBytes?: number;
  /** Defaults to a hash of the composition and its images: clicking Render twice queues one job. */
  jobId?: string;
}

/** Config key of the checkpoint for a base family (`CHECKPOINT_SDXL`...). */
export function checkpointKey(family: BaseFamily): string {
  return `CHECKPOINT_${family.toUpperCase()}`;
}

export function checkpointFor(config: Config, family: BaseFamily): string | undefined {
  const value = (config as Record<string, unknown>)[checkpointKey(family)];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Every configured checkpoint, by family. */
export function configuredCheckpoints(config: Config): Map<BaseFamily, string> {
  const found = new Map<BaseFamily, string>();
  for (const family of ['sd1', 'sd2', 'sdxl', 'pony', 'illustrious', 'flux1', 'sd3'] as const) {
    const checkpoint = checkpointFor(config, family);
    if (checkpoint) found.set(family, checkpoint);
  }
  return found;
}

export function renderBackendConfigured(config: Config): boolean {
  return config.COMFYUI_URL !== undefined || config.A1111_URL !== undefined;
}

/**
 * Turns a composition into a render job and queues it. Refuses, before anything is queued, a family with no
 * checkpoint, a server with no render backend and a member past the per-user limit (RenderError, user-facing).
 */
export async function enqueueRender(
  deps: RenderDeps,
  input: EnqueueRenderInput,
): Promise<{ jobId: string; position: number; duplicate: boolean }> {
  const { config } = deps;
  if (!renderBackendConfigured(config)) {
    throw new RenderError(
      'No render backend is configured on this server (COMFYUI_URL or A1111_URL). Use Export to render it yourself.',
      'no_backend',
      false,
    );
  }
  const checkpoint = checkpointFor(config, input.base);
  if (!checkpoint) {
    throw new RenderError(
      `This server has no checkpoint for ${input.base === 'other' ? 'this kind of' : BASE_FAMILY_LABELS[input.base]} models, so it cannot render this composition.` +
        (input.base === 'other' ? '' : ` An admin can set ${checkpointKey(input.base)}.`),
      'no_checkpoint',
      false,
    );
  }
  if (input.maskUrl && !input.initImageUrl) {
    throw new RenderError('A mask needs an image to paint into: attach the image too.', 'bad_job', false);
  }
  if (input.images.length === 0) throw new RenderError('There is nothing to render.', 'bad_job', false);

  const job = buildRenderJob(config, input, checkpoint);
  // The queue enforces the per-user limit atomically with the insert (RenderError 'queue_limit').
  const result = await deps.queue.enqueue(job);
  deps.log?.info(
    { jobId: result.jobId, compositionId: input.compositionId, guildId: input.guildId, position: result.position },
    result.duplicate ? 'render already queued' : 'render submitted',
  );
  return result;
}

/** Cancels a queued or running render. The caller has checked that the clicker owns it. */
export async function cancelRender(deps: Pick<RenderDeps, 'queue'>, jobId: string): Promise<CancelOutcome> {
  return deps.queue.cancel(jobId);
}

export function buildRenderJob(config: Config, input: EnqueueRenderInput, checkpoint: string): RenderJob {
  const adapterOf = (id: string): Adapter | undefined =>
    input.adapters instanceof Map ? input.adapters.get(id) : (input.adapters as Record<string, Adapter>)[id];
  const images = input.images.map((image) => ({
    index: image.index,
    seed: image.seed,
    positive: image.positive,
    a1111Prompt: image.a1111Prompt,
    loras: image.loras.map((lora): RenderLora => {
      const adapter = adapterOf(lora.adapterId);
      if (!adapter) throw new RenderError(`Adapter ${lora.adapterId} is no longer in the catalog.`, 'bad_job', false);
      return {
        adapterId: adapter.id,
        fileName: lora.fileName || localLoraName(adapter),
        weight: lora.weight,
        source: adapter.source,
        downloadUrl: adapter.downloadUrl,
        sha256: adapter.sha256,
        sizeBytes: adapter.sizeBytes,
      };
    }),
  }));
  return RenderJobSchema.parse({
    id: input.jobId ?? renderJobId(input.compositionId, input.images),
    compositionId: input.compositionId,
    guildId: input.guildId,
    channelId: input.channelId,
    requesterId: input.requesterId,
    statusMessageId: input.statusMessageId,
    base: input.base,
    checkpoint,
    images,
    negativePrompt: input.negativePrompt ?? config.RENDER_NEGATIVE_PROMPT,
    width: input.width ?? config.RENDER_WIDTH,
    height: input.height ?? config.RENDER_HEIGHT,
    steps: input.steps ?? config.RENDER_STEPS,
    cfg: input.cfg ?? config.RENDER_CFG,
    sampler: input.sampler ?? config.RENDER_SAMPLER,
    initImageUrl: input.initImageUrl,
    maskUrl: input.maskUrl,
    denoise: input.denoise ?? (input.initImageUrl ? 0.75 : 1),
    uploadLimitBytes: input.uploadLimitBytes,
    createdAt: Date.now(),
  });
}

/** Same composition and same images (seeds, prompts, weights) = same job: a double click renders once. */
export function renderJobId(compositionId: string, images: readonly ImagePrompt[]): string {
  const digest = createHash('sha256')
    .update(compositionId)
    .update(JSON.stringify(images.map((image) => [image.index, image.seed, image.positive, image.loras])))
    .digest('hex')
    .slice(0, 24);
  // BullMQ refuses ':' in custom ids.
  return `r-${digest}`;
}
