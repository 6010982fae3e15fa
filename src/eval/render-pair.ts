import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { RenderBackend, RenderedImage } from '../render/backends/types.js';
import type { ResultDelivery } from '../render/delivery.js';
import { EmbeddedRenderQueue } from '../render/embedded-queue.js';
import type { RenderJob } from '../render/job.js';
import { loraCacheFromConfig } from '../render/lora-cache.js';
import { RenderResults } from '../render/results.js';
import { buildRenderJob } from '../render/submit.js';
import { createRenderHandler } from '../render/worker.js';
import { openDatabase, type SqliteDatabase } from '../storage/sqlite.js';
import type { CompositionPlan } from '../stylus/types.js';

/**
 * Renders a composition's first image twice at the same seed: with its adapters, and the same prompt without any.
 * The worker's own job handler does the work (LoRA files fetched and verified by the LoRA cache, the backend made to
 * see them, one backend call per image), so the eval renders exactly what members get. Results are captured here
 * instead of being posted to Discord.
 */
export interface RenderedPair {
  withAdapters: Buffer;
  withoutAdapters: Buffer;
}

class CapturedDelivery implements ResultDelivery {
  private readonly results = new Map<string, readonly RenderedImage[]>();

  async postResult(job: RenderJob, images: readonly RenderedImage[]): Promise<{ messageId: string }> {
    this.results.set(job.id, images);
    return { messageId: job.id };
  }

  async updateStatus(): Promise<void> {}

  async postFailure(): Promise<void> {}

  take(jobId: string): readonly RenderedImage[] | undefined {
    const images = this.results.get(jobId);
    this.results.delete(jobId);
    return images;
  }
}

export class PairRenderer {
  private readonly delivery = new CapturedDelivery();
  /** Queue and results of the handler live in a scratch database: eval renders are not member renders. */
  private readonly scratch: SqliteDatabase = openDatabase(':memory:');
  private readonly handle;

  constructor(
    private readonly config: Config,
    private readonly checkpoint: string,
    backend: RenderBackend,
    db: SqliteDatabase,
    log: Logger,
  ) {
    const loras = loraCacheFromConfig(config, db, log);
    this.handle = createRenderHandler({
      // Nothing is ever queued here: the handler only asks it for waiting jobs to announce positions.
      queue: new EmbeddedRenderQueue(this.scratch),
      backend,
      delivery: this.delivery,
      results: new RenderResults(this.scratch),
      ...(loras ? { loras } : {}),
      log,
    });
  }

  /** Renders image 1 of the plan with and without its adapters; throws the worker's RenderError on failure. */
  async render(plan: CompositionPlan, compositionId: string, signal: AbortSignal): Promise<RenderedPair> {
    const image = plan.images[0];
    if (!image) throw new Error('the composition has no image to render');
    const baseline = { ...image, index: image.index + 1, positive: plan.prompt, a1111Prompt: plan.prompt, loras: [] };
    const job = buildRenderJob(
      this.config,
      {
        compositionId,
        images: [image, baseline],
        adapters: plan.adapters,
        base: plan.base,
        channelId: 'eval',
        requesterId: 'eval',
      },
      this.checkpoint,
    );
    await this.handle(job, {
      attempt: 1,
      maxAttempts: 1,
      signal,
      reportProgress: async () => {},
      releaseSlot: () => {},
    });
    const [withAdapters, withoutAdapters] = this.delivery.take(job.id) ?? [];
    if (!withAdapters || !withoutAdapters) throw new Error(`the render of ${compositionId} returned no images`);
    return { withAdapters: withAdapters.png, withoutAdapters: withoutAdapters.png };
  }

  close(): void {
    if (this.scratch.open) this.scratch.close();
  }
}
