import {
  type ButtonInteraction,
  type MessageComponentInteraction,
  MessageFlags,
  type ModalSubmitInteraction,
  PermissionFlagsBits,
  type StringSelectMenuInteraction,
} from 'discord.js';
import type { Adapter } from '../catalog/adapter.js';
import { UserFacingError } from '../errors.js';
import { cancelRender } from '../render/submit.js';
import { type CompositionRecord, MAX_WEIGHT, MIN_WEIGHT } from '../state/compositions.js';
import { randomSeed } from '../stylus/pipeline.js';
import { compositionAdapterIds, variationImages } from './composition-images.js';
import {
  compositionView,
  MAX_ADAPTERS_PER_TASK,
  MAX_TASK_SELECTS,
  NONE_VALUE,
  swapChoices,
  weightInputValue,
  weightModalAdapters,
  weightsModal,
} from './composition-view.js';
import type { BotContext } from './context.js';
import { type ComponentId, decodeCustomId } from './custom-id.js';
import { buildExport } from './export.js';
import { noBackendAnswer, queuedAnswer, requestRender } from './render-request.js';
import { inert } from './text.js';

const NO_PINGS = { parse: [] };

/** Controls the worker puts on a result message (see src/render/delivery.ts). */
const RESULT_ACTIONS: ReadonlySet<string> = new Set(['reroll', 'variations', 'export']);

const invalidControl = () =>
  new UserFacingError('That control does not belong to this composition (it may be outdated).', 'bad_custom_id');

/** Only the member who ran /imagine, or a member who may manage messages here, may act on a composition. */
function assertMayAct(interaction: MessageComponentInteraction | ModalSubmitInteraction, record: CompositionRecord) {
  if (interaction.user.id === record.ownerId) return;
  if (interaction.memberPermissions?.has(PermissionFlagsBits.ManageMessages)) return;
  throw new UserFacingError(
    'This composition is not yours: only the member who ran /imagine (or a moderator) can change or render it.',
    'not_owner',
  );
}

async function loadAdapters(context: BotContext, record: CompositionRecord): Promise<Map<string, Adapter>> {
  const adapters = await context.services.store.getMany(compositionAdapterIds(record));
  return new Map(adapters.map((adapter) => [adapter.id, adapter]));
}

/** Every click and modal submit on a composition: decode, load, check ownership, then act. */
export async function handleCompositionInteraction(
  interaction: MessageComponentInteraction | ModalSubmitInteraction,
  context: BotContext,
): Promise<void> {
  const id = decodeCustomId(interaction.customId);
  const record = await context.compositions.get(id.compositionId);
  if (!record) {
    throw new UserFacingError(
      'This composition is no longer available (it expired or was removed). Run /imagine again.',
      'unknown_composition',
    );
  }
  // A genuine control sits on the composition's own message, on an ephemeral helper (Export), or on a result message
  // the bot posted in the composition's channel (Reroll, Variations, Export).
  const onMessage = interaction.message;
  const ephemeralHelper = onMessage ? onMessage.flags.has(MessageFlags.Ephemeral) : false;
  const onResult =
    onMessage !== null &&
    onMessage.id !== record.messageId &&
    RESULT_ACTIONS.has(id.action) &&
    onMessage.author.id === interaction.client.user.id &&
    interaction.channelId === record.channelId;
  if (onMessage && record.messageId && onMessage.id !== record.messageId && !ephemeralHelper && !onResult) {
    throw invalidControl();
  }
  assertMayAct(interaction, record);
  if (record.status === 'cancelled') {
    throw new UserFacingError('This composition was cancelled. Run /imagine again to start over.', 'cancelled');
  }
  const adapters = await loadAdapters(context, record);

  switch (id.action) {
    case 'swap':
      if (!interaction.isStringSelectMenu()) throw invalidControl();
      return swap(interaction, id, context, adapters);
    case 'reroll':
      if (onResult) return renderAgain(interaction, context, record, adapters, 'reroll');
      return updateView(interaction, context, record, adapters, (current) =>
        edited({ ...current, seed: randomSeed() }),
      );
    case 'variations':
      if (!onResult) throw invalidControl();
      return renderAgain(interaction, context, record, adapters, 'variations');
    case 'weights':
      if (!interaction.isButton()) throw invalidControl();
      return openWeights(interaction, record, adapters);
    case 'wsave':
      if (!interaction.isModalSubmit()) throw invalidControl();
      return saveWeights(interaction, id, context, adapters);
    case 'render':
      return render(interaction, context, record, adapters);
    case 'export':
      return exportComposition(interaction, context, record, adapters);
    case 'cancel':
      return cancel(interaction, context, record, adapters);
  }
}

/**
 * A swap, a weight edit or new masks change what would be rendered: a queued composition becomes renderable again
 * (Render is disabled only while nothing changed since the last render was queued; that job keeps its own images).
 */
function edited(record: CompositionRecord): CompositionRecord {
  return record.status === 'queued' ? { ...record, status: 'shown' } : record;
}

async function updateView(
  interaction: MessageComponentInteraction | ModalSubmitInteraction,
  context: BotContext,
  record: CompositionRecord,
  adapters: ReadonlyMap<string, Adapter>,
  change: (record: CompositionRecord) => CompositionRecord,
): Promise<void> {
  const updated = await context.compositions.update(record.id, change);
  if (!updated) throw new UserFacingError('This composition is no longer available.', 'unknown_composition');
  const view = { ...compositionView(updated, adapters), allowedMentions: NO_PINGS };
  if (interaction.isMessageComponent() && !interaction.message.flags.has(MessageFlags.Ephemeral)) {
    await interaction.update(view);
  } else if (interaction.isModalSubmit() && interaction.isFromMessage()) {
    await interaction.update(view);
  } else {
    await interaction.reply({ content: 'Updated.', flags: MessageFlags.Ephemeral, allowedMentions: NO_PINGS });
  }
}

async function swap(
  interaction: StringSelectMenuInteraction,
  id: ComponentId,
  context: BotContext,
  adapters: ReadonlyMap<string, Adapter>,
): Promise<void> {
  const slot = id.slot ?? -1;
  const values = interaction.values;
  const record = await context.compositions.get(id.compositionId);
  if (!record) throw new UserFacingError('This composition is no longer available.', 'unknown_composition');
  await updateView(interaction, context, record, adapters, (current) => {
    const task = current.tasks[slot];
    if (!task || slot >= MAX_TASK_SELECTS) {
      throw new UserFacingError('That menu no longer matches this composition.', 'bad_slot');
    }
    const offered = new Set([...swapChoices(current, slot, adapters), NONE_VALUE]);
    if (values.length === 0 || values.length > MAX_ADAPTERS_PER_TASK || values.some((value) => !offered.has(value))) {
      throw new UserFacingError('That choice is not one of the adapters offered for this part.', 'bad_choice');
    }
    if (values.includes(NONE_VALUE) && values.length > 1) {
      throw new UserFacingError('Pick "none" on its own, or only adapters.', 'bad_choice');
    }
    const reasons = new Map(task.adapters.map((assigned) => [assigned.adapterId, assigned.reason]));
    task.adapters = values
      .filter((value) => value !== NONE_VALUE)
      .map((adapterId) => ({ adapterId, reason: reasons.get(adapterId) ?? 'swapped in by a member' }));
    return edited(current);
  });
}

async function openWeights(
  interaction: ButtonInteraction,
  record: CompositionRecord,
  adapters: ReadonlyMap<string, Adapter>,
): Promise<void> {
  if (weightModalAdapters(record).length === 0) {
    throw new UserFacingError('No adapter is chosen, so there is no weight to edit.', 'no_weights');
  }
  await interaction.showModal(weightsModal(record, adapters));
}

/** Parses a weight a member typed: a number from 0 to 2 (a comma works as the decimal point). */
export function parseWeight(raw: string, adapterName: string): number {
  const text = raw.trim().replace(',', '.');
  const value = /^[+]?\d*\.?\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isFinite(value) || value < MIN_WEIGHT || value > MAX_WEIGHT) {
    throw new UserFacingError(
      `The weight for ${inert(adapterName, 80)} must be a number from ${MIN_WEIGHT} to ${MAX_WEIGHT} (got "${inert(raw, 20)}"). Nothing was changed.`,
      'bad_weight',
    );
  }
  return Math.round(value * 100) / 100;
}

async function saveWeights(
  interaction: ModalSubmitInteraction,
  id: ComponentId,
  context: BotContext,
  adapters: ReadonlyMap<string, Adapter>,
): Promise<void> {
  const record = await context.compositions.get(id.compositionId);
  if (!record) throw new UserFacingError('This composition is no longer available.', 'unknown_composition');
  await updateView(interaction, context, record, adapters, (current) => {
    if (current.revision !== id.slot) {
      throw new UserFacingError(
        'This composition changed while the weights form was open. Press Weights again.',
        'stale_form',
      );
    }
    const weights = { ...current.weights };
    weightModalAdapters(current).forEach((adapterId, index) => {
      const field = interaction.fields.fields.get(`w${index}`);
      const raw = field && 'value' in field && typeof field.value === 'string' ? field.value : undefined;
      if (raw === undefined)
        throw new UserFacingError('The weights form is incomplete. Press Weights again.', 'bad_form');
      const adapter = adapters.get(adapterId);
      // A field left as it was keeps its weight: editing one adapter must not force a value on the others.
      if (raw.trim() === weightInputValue(current, adapter)) return;
      weights[adapterId] = parseWeight(raw, adapter?.name ?? adapterId);
    });
    return edited({ ...current, weights });
  });
}

async function render(
  interaction: MessageComponentInteraction | ModalSubmitInteraction,
  context: BotContext,
  record: CompositionRecord,
  adapters: ReadonlyMap<string, Adapter>,
): Promise<void> {
  // Queueing is idempotent by job id (a hash of the images): the same composition twice is one job, while a reroll
  // (new seed, new masks) is a new one.
  const outcome = await requestRender(record, adapters, interaction.user.id, context);
  if (outcome.kind === 'no_backend') {
    await interaction.reply(noBackendAnswer(record));
    return;
  }
  if (interaction.isMessageComponent() && interaction.message.id === record.messageId) {
    await interaction.update({ ...compositionView(outcome.record, adapters), allowedMentions: NO_PINGS });
    await interaction.followUp(queuedAnswer(outcome.position, outcome.duplicate));
  } else {
    await interaction.reply(queuedAnswer(outcome.position, outcome.duplicate));
  }
}

/**
 * From a result message: Reroll renders again with a new seed and new masks; Variations keeps the adapters of the
 * first image (every chosen adapter) on every image and only changes the seeds.
 */
async function renderAgain(
  interaction: MessageComponentInteraction | ModalSubmitInteraction,
  context: BotContext,
  record: CompositionRecord,
  adapters: ReadonlyMap<string, Adapter>,
  mode: 'reroll' | 'variations',
): Promise<void> {
  const updated = await context.compositions.update(record.id, (current) => ({ ...current, seed: randomSeed() }));
  if (!updated) throw new UserFacingError('This composition is no longer available.', 'unknown_composition');
  const images = mode === 'variations' ? variationImages(updated, adapters, context.services.config) : undefined;
  const outcome = await requestRender(updated, adapters, interaction.user.id, context, images);
  if (outcome.kind === 'no_backend') {
    await interaction.reply(noBackendAnswer(updated));
    return;
  }
  await interaction.reply(queuedAnswer(outcome.position, outcome.duplicate));
}

async function exportComposition(
  interaction: MessageComponentInteraction | ModalSubmitInteraction,
  context: BotContext,
  record: CompositionRecord,
  adapters: ReadonlyMap<string, Adapter>,
): Promise<void> {
  const bundle = buildExport(record, adapters, context.services.config);
  await interaction.reply({
    content: bundle.content,
    files: bundle.files.map((file) => ({ attachment: file.data, name: file.name })),
    flags: MessageFlags.Ephemeral,
    allowedMentions: NO_PINGS,
  });
}

async function cancel(
  interaction: MessageComponentInteraction | ModalSubmitInteraction,
  context: BotContext,
  record: CompositionRecord,
  adapters: ReadonlyMap<string, Adapter>,
): Promise<void> {
  if (record.jobId && context.renderQueue) {
    const outcome = await cancelRender({ queue: context.renderQueue }, record.jobId);
    context.services.log.info({ compositionId: record.id, jobId: record.jobId, outcome }, 'render cancelled');
  }
  await updateView(interaction, context, record, adapters, (current) => ({ ...current, status: 'cancelled' }));
}
