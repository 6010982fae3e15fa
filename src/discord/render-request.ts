import { ActionRowBuilder, ButtonBuilder } from '@discordjs/builders';
import { ButtonStyle, type MessageComponentInteraction, MessageFlags, type ModalSubmitInteraction } from 'discord.js';
import type { Adapter } from '../catalog/adapter.js';
import { UserFacingError } from '../errors.js';
import { queueLimitMessage } from '../render/queue.js';
import { enqueueRender, renderBackendConfigured, renderJobId } from '../render/submit.js';
import type { CompositionRecord } from '../state/compositions.js';
import type { ImagePrompt } from '../stylus/types.js';
import { compositionImages, negativePromptFor } from './composition-images.js';
import type { BotContext } from './context.js';
import { encodeCustomId } from './custom-id.js';

export const NO_BACKEND_MESSAGE =
  'No render backend is configured on this server (an admin can set COMFYUI_URL or A1111_URL). ' +
  'Use Export to get the A1111 prompts and a ComfyUI workflow you can render in your own UI.';

export type RenderOutcome =
  | { kind: 'queued'; record: CompositionRecord; position: number; duplicate: boolean }
  | { kind: 'no_backend' };

/** Hands a composition to the render queue, or says why it cannot be rendered here. */
export async function requestRender(
  record: CompositionRecord,
  adapters: ReadonlyMap<string, Adapter>,
  requesterId: string,
  context: BotContext,
  /** The images to render; by default the composition's own (masks from its seed). */
  images?: ImagePrompt[],
): Promise<RenderOutcome> {
  const { config, log } = context.services;
  if (!renderBackendConfigured(config)) return { kind: 'no_backend' };
  if (!context.renderQueue) {
    throw new UserFacingError('Rendering is not available in this bot process right now.', 'no_queue');
  }
  // The server's own per-member limit, below the queue's (RENDER_MAX_QUEUED_PER_USER), which still applies on top.
  const { maxQueuedPerUser } = await context.settings.effective(record.guildId ?? null, config);
  if ((await context.renderQueue.activeCountFor(requesterId)) >= maxQueuedPerUser) {
    throw new UserFacingError(queueLimitMessage(maxQueuedPerUser), 'queue_limit');
  }
  const jobImages = images ?? compositionImages(record, adapters, config);
  const jobId = renderJobId(record.id, jobImages);
  // Marked queued before the job exists: a render that fails at once must find the record waiting for it, so that the
  // failure can make it renderable again (render-failures.ts).
  const queued = await context.compositions.update(record.id, (current) => ({ ...current, status: 'queued', jobId }));
  const undo = () =>
    context.compositions.update(record.id, (current) =>
      current.jobId === jobId && current.status === 'queued'
        ? { ...current, status: record.status, ...(record.jobId ? { jobId: record.jobId } : { jobId: undefined }) }
        : current,
    );
  const result = await enqueueRender(
    { config, queue: context.renderQueue, log },
    {
      jobId,
      compositionId: record.id,
      images: jobImages,
      negativePrompt: negativePromptFor(record, config),
      adapters,
      base: record.base,
      channelId: record.channelId,
      ...(record.guildId ? { guildId: record.guildId } : {}),
      requesterId,
      ...(record.messageId ? { statusMessageId: record.messageId } : {}),
      ...(record.initImageUrl ? { initImageUrl: record.initImageUrl } : {}),
      ...(record.maskUrl ? { maskUrl: record.maskUrl } : {}),
    },
  ).catch(async (error: unknown) => {
    await undo();
    throw error;
  });
  return { kind: 'queued', record: queued ?? record, ...result };
}

/** The ephemeral answer when nothing can render here: the reason and an Export button. */
export function noBackendAnswer(record: CompositionRecord) {
  const exportButton = new ButtonBuilder()
    .setCustomId(encodeCustomId({ action: 'export', compositionId: record.id }))
    .setLabel('Export')
    .setStyle(ButtonStyle.Secondary);
  return {
    content: NO_BACKEND_MESSAGE,
    components: [new ActionRowBuilder<ButtonBuilder>().addComponents(exportButton).toJSON()],
    flags: MessageFlags.Ephemeral as const,
    allowedMentions: { parse: [] },
  };
}

export function queuedAnswer(position: number, duplicate: boolean) {
  return {
    content: duplicate
      ? 'This composition is already queued or rendered; nothing new was queued.'
      : `Render queued${position > 0 ? ` (position ${position})` : ''}. The images will be posted in this channel.`,
    flags: MessageFlags.Ephemeral as const,
    allowedMentions: { parse: [] },
  };
}

export type ComponentLike = MessageComponentInteraction | ModalSubmitInteraction;
