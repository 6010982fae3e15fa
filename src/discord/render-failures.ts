import { type Client, Routes } from 'discord.js';
import type { RenderJob } from '../render/job.js';
import type { RenderQueue } from '../render/queue.js';
import { compositionAdapterIds } from './composition-images.js';
import { compositionView } from './composition-view.js';
import type { BotContext } from './context.js';

/**
 * After any render failure the composition is renderable again: its record goes back from "queued" to "shown" and its
 * message gets its controls back (Render enabled). The worker has already told the member why; this edit touches only
 * the embed and the controls, so it never overwrites that text. Returns the function that stops listening.
 */
export async function makeFailedRendersRenderable(
  client: Client,
  queue: RenderQueue,
  context: BotContext,
): Promise<() => Promise<void>> {
  const { log } = context.services;
  return queue.onFailed((job) => {
    void reopen(client, context, job).catch((error: unknown) =>
      log.warn(
        { jobId: job.id, compositionId: job.compositionId, err: error },
        'composition not reopened after a failure',
      ),
    );
  });
}

async function reopen(client: Client, context: BotContext, job: RenderJob): Promise<void> {
  const current = await context.compositions.get(job.compositionId);
  // A newer render of the composition, an edit since, or a cancel: nothing to reopen.
  if (current?.status !== 'queued' || current.jobId !== job.id) return;
  const record = await context.compositions.update(job.compositionId, (latest) =>
    latest.status === 'queued' && latest.jobId === job.id ? { ...latest, status: 'shown' } : latest,
  );
  if (!record?.messageId || record.status !== 'shown') return;
  const adapters = await context.services.store.getMany(compositionAdapterIds(record));
  const view = compositionView(record, new Map(adapters.map((adapter) => [adapter.id, adapter])));
  await client.rest.patch(Routes.channelMessage(record.channelId, record.messageId), {
    body: { ...view, allowed_mentions: { parse: [] } },
  });
}
