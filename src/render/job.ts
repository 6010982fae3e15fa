import { z } from 'zod';
import { BASE_FAMILIES, SOURCES } from '../catalog/adapter.js';
import { isSafeLoraPath } from '../catalog/lora-file.js';

/** A LoRA as the worker needs it: where it lives in the backend's folder and how to fetch and verify it. */
export const RenderLoraSchema = z.object({
  adapterId: z.string(),
  /** Path in the backend's LoRA folder (`localLoraName`): `name.safetensors` or `folder/name.safetensors`. */
  fileName: z.string().refine(isSafeLoraPath, 'must be a .safetensors path inside the LoRA folder'),
  weight: z.number().min(-5).max(5),
  source: z.enum(SOURCES),
  downloadUrl: z.string().url().optional(),
  sha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
  sizeBytes: z.number().int().nonnegative().optional(),
});
export type RenderLora = z.infer<typeof RenderLoraSchema>;

export const RenderImageSchema = z.object({
  index: z.number().int().nonnegative(),
  seed: z.number().int().nonnegative(),
  /** Positive prompt without LoRA tags (ComfyUI). */
  positive: z.string(),
  /** Positive prompt with `<lora:name:w>` tags (A1111/Forge). */
  a1111Prompt: z.string(),
  loras: z.array(RenderLoraSchema).max(24),
});
export type RenderImage = z.infer<typeof RenderImageSchema>;

/**
 * One render job: everything a worker on another machine needs, with no access to the bot's state.
 * `id` is the idempotency key: queueing the same id twice renders once.
 */
export const RenderJobSchema = z.object({
  id: z.string().min(1).max(100),
  compositionId: z.string().min(1),
  guildId: z.string().optional(),
  channelId: z.string(),
  requesterId: z.string(),
  /** The bot's status message to edit with queue position and progress, when there is one. */
  statusMessageId: z.string().optional(),
  base: z.enum(BASE_FAMILIES),
  checkpoint: z.string().min(1),
  images: z.array(RenderImageSchema).min(1).max(16),
  negativePrompt: z.string().default(''),
  width: z.number().int().min(64).max(4096),
  height: z.number().int().min(64).max(4096),
  steps: z.number().int().min(1).max(150),
  cfg: z.number().min(0).max(30),
  sampler: z.string().min(1),
  scheduler: z.string().default('normal'),
  /** Discord CDN URLs of the attachments, for image-to-image and inpainting. */
  initImageUrl: z.string().url().optional(),
  maskUrl: z.string().url().optional(),
  denoise: z.number().min(0).max(1).default(1),
  /** The channel's upload limit (the interaction's `attachment_size_limit`); 10 MiB when unknown. */
  uploadLimitBytes: z.number().int().positive().optional(),
  createdAt: z.number().int(),
});
export type RenderJob = z.infer<typeof RenderJobSchema>;
export type RenderJobInput = z.input<typeof RenderJobSchema>;
