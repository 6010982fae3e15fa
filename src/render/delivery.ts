import { createHash } from 'node:crypto';
import { DiscordAPIError, HTTPError, RateLimitError, REST, Routes } from 'discord.js';
import { inert } from '../discord/text.js';
import type { Logger } from '../log.js';
import { silentLogger } from '../log.js';
import type { RenderedImage } from './backends/types.js';
import { RenderError } from './errors.js';
import { type EncodedImage, encodeToFit, makeGrid } from './grid.js';
import type { RenderJob } from './job.js';

export const DEFAULT_UPLOAD_LIMIT = 10 * 1024 * 1024;
const MAX_ATTACHMENTS = 10;
const MAX_CUSTOM_ID = 100;

/** Where results and status go: Discord over REST in production; the same interface in any other front end. */
export interface ResultDelivery {
  postResult(job: RenderJob, images: readonly RenderedImage[]): Promise<{ messageId: string }>;
  /**
   * Best effort: a status edit that fails is logged, never fatal. Rejects with StatusEditDeferred when Discord asks
   * to wait: the caller sends its latest text after that wait instead of queueing behind the limit.
   */
  updateStatus(job: RenderJob, content: string): Promise<void>;
  postFailure(job: RenderJob, userMessage: string): Promise<void>;
}

/** Discord rate-limited a status edit: try again (with the latest text) after `retryAfterMs`. */
export class StatusEditDeferred extends Error {
  constructor(readonly retryAfterMs: number) {
    super(`status edit rate-limited for ${retryAfterMs} ms`);
    this.name = 'StatusEditDeferred';
  }
}

export interface DiscordDeliveryOptions {
  token: string;
  /** DISCORD_API_URL (`https://discord.com/api`); discord.js adds `/v10`. */
  apiUrl: string;
  log?: Logger;
}

/**
 * Posts results with the bot token (an interaction token expires after 15 minutes; a render can wait longer):
 * a grid plus the single images that fit the upload limit, the prompt, seeds, adapters with weights, and the
 * Reroll / Variations / Export buttons. Mentions never ping: user text is echoed.
 */
export class DiscordDelivery implements ResultDelivery {
  /** Uploads and failure notices: they wait out a rate limit (discord.js does), off the render path. */
  private readonly rest: REST;
  /**
   * Status edits, on their own client: a rate-limited edit is handed back at once (rejectOnRateLimit) rather than
   * queued in discord.js, so it never holds an upload that shares its bucket, nor a global wait.
   */
  private readonly statusRest: REST;
  private readonly log: Logger;
  /** Status messages that are gone (deleted, no access): not edited again. */
  private readonly deadStatus = new Set<string>();

  constructor(options: DiscordDeliveryOptions) {
    this.rest = new REST({ version: '10', api: options.apiUrl, retries: 2, timeout: 60_000 }).setToken(options.token);
    this.statusRest = new REST({
      version: '10',
      api: options.apiUrl,
      retries: 1,
      timeout: 15_000,
      rejectOnRateLimit: () => true,
    }).setToken(options.token);
    this.log = options.log ?? silentLogger;
  }

  async postResult(job: RenderJob, images: readonly RenderedImage[]): Promise<{ messageId: string }> {
    let limit = job.uploadLimitBytes ?? DEFAULT_UPLOAD_LIMIT;
    for (let attempt = 1; attempt <= 4; attempt++) {
      const files = await packImages(
        images.map((image) => image.png),
        limit,
      );
      try {
        const message = (await this.rest.post(Routes.channelMessages(job.channelId), {
          body: resultPayload(job, images, files),
          files: files.map((file) => ({ name: file.name, data: file.data, contentType: `image/${file.format}` })),
        })) as { id: string };
        this.log.info({ jobId: job.id, messageId: message.id, bytes: totalBytes(files), attempt }, 'render delivered');
        return { messageId: message.id };
      } catch (error) {
        if (!isTooLarge(error)) throw deliveryError(error);
        // The channel's real limit is lower than we thought (no boosts, a smaller default): shrink and try again.
        this.log.warn({ jobId: job.id, limit, bytes: totalBytes(files) }, 'Discord refused the upload as too large');
        limit = Math.floor(Math.min(limit, totalBytes(files)) / 2);
      }
    }
    throw new RenderError('Discord refused the images as too large, even re-encoded smaller.', 'delivery', false);
  }

  async updateStatus(job: RenderJob, content: string): Promise<void> {
    if (!job.statusMessageId || this.deadStatus.has(job.statusMessageId)) return;
    try {
      await this.statusRest.patch(Routes.channelMessage(job.channelId, job.statusMessageId), {
        body: { content: content.slice(0, 2000), allowed_mentions: { parse: [] } },
      });
    } catch (error) {
      if (error instanceof RateLimitError) throw new StatusEditDeferred(Math.max(error.retryAfter, 250));
      if (error instanceof DiscordAPIError && (error.status === 404 || error.status === 403)) {
        this.deadStatus.add(job.statusMessageId);
      }
      this.log.warn({ jobId: job.id, messageId: job.statusMessageId, err: error }, 'status message edit failed');
    }
  }

  async postFailure(job: RenderJob, userMessage: string): Promise<void> {
    try {
      await this.rest.post(Routes.channelMessages(job.channelId), {
        body: {
          content: `The render for <@${job.requesterId}> failed: ${userMessage}`.slice(0, 2000),
          allowed_mentions: { parse: [] },
          ...(job.statusMessageId
            ? { message_reference: { message_id: job.statusMessageId, fail_if_not_exists: false } }
            : {}),
        },
      });
    } catch (error) {
      this.log.error({ jobId: job.id, err: error }, 'could not tell the channel a render failed');
    }
  }
}

export interface PackedFile extends EncodedImage {
  name: string;
}

/**
 * The attachments of a result: a grid (when more than one image) first, then each image while the total stays under
 * the limit (and under Discord's 10 attachments).
 */
export async function packImages(images: readonly Buffer[], limit: number): Promise<PackedFile[]> {
  const files: PackedFile[] = [];
  if (images.length > 1) {
    const grid = await encodeToFit(await makeGrid(images), limit);
    if (!grid) throw new RenderError('The images could not be made small enough to upload.', 'delivery', false);
    files.push({ ...grid, name: `grid.${extension(grid.format)}` });
  }
  let used = totalBytes(files);
  for (const [index, image] of images.entries()) {
    if (files.length >= MAX_ATTACHMENTS) break;
    const room = limit - used;
    if (room <= 0) break;
    const encoded = await encodeToFit(image, images.length === 1 ? limit : room);
    if (!encoded) {
      if (images.length === 1)
        throw new RenderError('The image could not be made small enough to upload.', 'delivery', false);
      continue;
    }
    files.push({ ...encoded, name: `image-${index + 1}.${extension(encoded.format)}` });
    used += encoded.data.length;
  }
  return files;
}

function resultPayload(job: RenderJob, images: readonly RenderedImage[], files: readonly PackedFile[]) {
  const prompt = job.images[0]?.positive ?? '';
  const fields = job.images.slice(0, 25).map((image, position) => ({
    name: `Image ${image.index + 1} · seed ${images[position]?.seed ?? image.seed}`,
    value:
      truncate(image.loras.map((lora) => `${inert(lora.adapterId, 100)} × ${round(lora.weight)}`).join('\n'), 1000) ||
      'no adapters',
    inline: job.images.length > 1,
  }));
  const cover = files[0];
  const ids = ['reroll', 'variations', 'export'].map((action) => `sty:${action}:${job.compositionId}`);
  const buttons = ids.every((id) => id.length <= MAX_CUSTOM_ID)
    ? [
        {
          type: 1,
          components: [
            { type: 2, style: 1, label: 'Reroll', custom_id: ids[0] },
            { type: 2, style: 2, label: 'Variations', custom_id: ids[1] },
            { type: 2, style: 2, label: 'Export', custom_id: ids[2] },
          ],
        },
      ]
    : [];
  return {
    content: `Render for <@${job.requesterId}>`,
    embeds: [
      {
        title: 'Render',
        description: `**Prompt:** ${inert(prompt, 1780)}`,
        fields,
        ...(cover ? { image: { url: `attachment://${cover.name}` } } : {}),
        footer: { text: truncate(`${job.checkpoint} · ${job.steps} steps · cfg ${job.cfg} · ${job.sampler}`, 200) },
      },
    ],
    components: buttons,
    allowed_mentions: { parse: [] },
    // Discord drops a second message with the same nonce from the same author: a retried job cannot post twice.
    nonce: createHash('sha256').update(job.id).digest('hex').slice(0, 25),
    enforce_nonce: true,
  };
}

function isTooLarge(error: unknown): boolean {
  if (error instanceof DiscordAPIError) return error.status === 413 || error.code === 40005;
  if (error instanceof HTTPError) return error.status === 413;
  return false;
}

function deliveryError(error: unknown): RenderError {
  const status = error instanceof DiscordAPIError || error instanceof HTTPError ? error.status : undefined;
  if (status === 403 || status === 404) {
    return new RenderError(
      'The bot could not post the images in this channel (missing access or Attach Files permission).',
      'delivery',
      false,
      { cause: error },
    );
  }
  return new RenderError('Posting the images to Discord failed.', 'delivery', true, {
    cause: error,
  });
}

function totalBytes(files: readonly { data: Buffer }[]): number {
  return files.reduce((sum, file) => sum + file.data.length, 0);
}

function extension(format: EncodedImage['format']): string {
  return format === 'jpeg' ? 'jpg' : format;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function round(weight: number): number {
  return Math.round(weight * 100) / 100;
}
