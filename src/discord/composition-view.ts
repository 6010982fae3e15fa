import {
  ActionRowBuilder,
  ButtonBuilder,
  EmbedBuilder,
  ModalBuilder,
  StringSelectMenuBuilder,
  StringSelectMenuOptionBuilder,
  TextInputBuilder,
} from '@discordjs/builders';
import {
  type APIActionRowComponent,
  type APIComponentInMessageActionRow,
  type APIEmbed,
  type APIModalInteractionResponseCallbackData,
  ButtonStyle,
  TextInputStyle,
} from 'discord.js';
import type { Adapter } from '../catalog/adapter.js';
import { BASE_FAMILY_LABELS } from '../catalog/adapter.js';
import type { CompositionRecord } from '../state/compositions.js';
import { activeAdapterIds, adapterWeight } from './composition-images.js';
import { encodeCustomId } from './custom-id.js';
import { LIMITS } from './limits.js';
import { adapterLink, inert, truncate } from './text.js';

/** Tasks that get a swap select; the rest are listed in the embed only (4 selects + 1 button row = 5 rows). */
export const MAX_TASK_SELECTS = 4;
/** A task holds at most 3 adapters (the paper's cap). */
export const MAX_ADAPTERS_PER_TASK = 3;
export const NONE_VALUE = 'none';
/** The weights modal has room for five text inputs. */
export const MAX_WEIGHT_INPUTS = 5;

export interface CompositionView {
  embeds: APIEmbed[];
  components: APIActionRowComponent<APIComponentInMessageActionRow>[];
}

/** The adapter ids a task's select offers, current choices first, at most 24 (the 25th option is "none"). */
export function swapChoices(record: CompositionRecord, taskIndex: number, adapters: ReadonlyMap<string, Adapter>) {
  const task = record.tasks[taskIndex];
  if (!task) return [];
  const current = task.adapters.map((assigned) => assigned.adapterId);
  const ids = [...new Set([...current, ...(record.alternatives[taskIndex] ?? [])])].filter((id) => adapters.has(id));
  return ids.slice(0, LIMITS.selectOptions - 1);
}

function adapterLine(record: CompositionRecord, adapter: Adapter | undefined, id: string, reason: string): string {
  const linked = adapter ? adapterLink(adapter.name, adapter.pageUrl, 80) : `**${inert(id, 80)}**`;
  const weight = adapter ? adapterWeight(record, adapter).toFixed(2) : '?';
  const score = record.communityScores[id];
  const community = score === undefined ? '' : ` · community ${score.toFixed(2)}`;
  return `${linked} · weight ${weight}${community}${reason ? ` · ${inert(reason, 160)}` : ''}`;
}

function statusLine(record: CompositionRecord): string {
  switch (record.status) {
    case 'cancelled':
      return 'Cancelled.';
    case 'queued':
      return 'Queued for rendering.';
    default:
      return 'Swap adapters with the menus, adjust weights, then Render (or Export to render it yourself).';
  }
}

/** The embed and controls of a composition. Stays within Discord's limits whatever the prompt and tasks. */
export function compositionView(record: CompositionRecord, adapters: ReadonlyMap<string, Adapter>): CompositionView {
  const footer = [
    BASE_FAMILY_LABELS[record.base],
    `seed ${record.seed}`,
    `composer ${record.composer}${record.fallbackReason ? ` (${truncate(record.fallbackReason, 120)})` : ''}`,
    `${Math.round(record.composeMs)} ms`,
    `${record.images} image${record.images === 1 ? '' : 's'}`,
  ].join(' · ');
  const description = statusLine(record);
  const title = inert(record.prompt, LIMITS.embedTitle);

  const shownTasks = record.tasks.slice(0, LIMITS.embedFields - 1);
  const hiddenTasks = record.tasks.slice(shownTasks.length);
  const fieldCount = shownTasks.length + (hiddenTasks.length > 0 ? 1 : 0);
  // Share what the 6000-character embed total leaves after title, description and footer among the fields.
  const budget = LIMITS.embedTotal - title.length - description.length - footer.length - 50;
  const perField = Math.max(60, Math.min(LIMITS.fieldValue, Math.floor(budget / Math.max(1, fieldCount)) - 40));

  const fields = shownTasks.map((task, index) => {
    const lines = task.adapters.map((assigned) =>
      adapterLine(record, adapters.get(assigned.adapterId), assigned.adapterId, assigned.reason),
    );
    return {
      name: inert(`${index + 1}. ${task.task}`, 36),
      value: truncate(lines.length > 0 ? lines.join('\n') : '*no adapter*', perField),
    };
  });
  if (hiddenTasks.length > 0) {
    fields.push({
      name: `+${hiddenTasks.length} more tasks`,
      value: truncate(hiddenTasks.map((task) => inert(task.task, 40)).join(', '), perField),
    });
  }

  const embed = new EmbedBuilder()
    .setTitle(title)
    .setDescription(description)
    .setFooter({ text: footer })
    .setColor(record.status === 'cancelled' ? 0x99aab5 : 0x5865f2);
  if (fields.length > 0) embed.addFields(fields);
  else embed.addFields({ name: 'Tasks', value: 'No part of the prompt matched an adapter.' });

  const components: CompositionView['components'] = [];
  if (record.status !== 'cancelled') {
    record.tasks.slice(0, MAX_TASK_SELECTS).forEach((task, taskIndex) => {
      components.push(taskSelect(record, taskIndex, task.task, adapters).toJSON());
    });
    components.push(buttons(record).toJSON());
  }
  return { embeds: [embed.toJSON()], components };
}

function taskSelect(
  record: CompositionRecord,
  taskIndex: number,
  taskText: string,
  adapters: ReadonlyMap<string, Adapter>,
): ActionRowBuilder<StringSelectMenuBuilder> {
  const current = new Set(record.tasks[taskIndex]?.adapters.map((assigned) => assigned.adapterId));
  const options = swapChoices(record, taskIndex, adapters).map((id) => {
    const adapter = adapters.get(id);
    return new StringSelectMenuOptionBuilder()
      .setLabel(truncate(adapter?.name ?? id, LIMITS.optionLabel))
      .setValue(id)
      .setDescription(truncate(`${adapter?.category ?? 'adapter'} · ${id}`, LIMITS.optionDescription))
      .setDefault(current.has(id));
  });
  options.push(
    new StringSelectMenuOptionBuilder()
      .setLabel('none')
      .setValue(NONE_VALUE)
      .setDescription('No adapter for this part of the prompt')
      .setDefault(current.size === 0),
  );
  const select = new StringSelectMenuBuilder()
    .setCustomId(encodeCustomId({ action: 'swap', compositionId: record.id, slot: taskIndex }))
    .setPlaceholder(truncate(`${taskIndex + 1}. ${taskText}`, LIMITS.selectPlaceholder))
    .setMinValues(1)
    .setMaxValues(Math.min(MAX_ADAPTERS_PER_TASK, options.length))
    .addOptions(options);
  return new ActionRowBuilder<StringSelectMenuBuilder>().addComponents(select);
}

function buttons(record: CompositionRecord): ActionRowBuilder<ButtonBuilder> {
  const id = (action: 'render' | 'export' | 'reroll' | 'weights' | 'cancel') =>
    encodeCustomId({ action, compositionId: record.id });
  const queued = record.status === 'queued';
  return new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder()
      .setCustomId(id('render'))
      .setLabel(queued ? 'Queued' : 'Render')
      .setStyle(ButtonStyle.Primary)
      .setDisabled(queued),
    new ButtonBuilder().setCustomId(id('export')).setLabel('Export').setStyle(ButtonStyle.Secondary),
    new ButtonBuilder().setCustomId(id('reroll')).setLabel('Reroll masks').setStyle(ButtonStyle.Secondary),
    new ButtonBuilder()
      .setCustomId(id('weights'))
      .setLabel('Weights')
      .setStyle(ButtonStyle.Secondary)
      .setDisabled(activeAdapterIds(record).length === 0),
    new ButtonBuilder().setCustomId(id('cancel')).setLabel('Cancel').setStyle(ButtonStyle.Danger),
  );
}

/**
 * What a weight input starts with: the current weight rounded to two decimals, so a catalog weight such as 1/3 fits
 * the input's 8 characters. A submitted value equal to this is "unchanged" and keeps the current weight, even one
 * outside 0 to 2 (catalog weights range from -5 to 5).
 */
export function weightInputValue(record: CompositionRecord, adapter: Adapter | undefined): string {
  return adapter ? String(Math.round(adapterWeight(record, adapter) * 100) / 100) : '0.8';
}

/** The adapters the weights modal edits, in the order of its inputs `w0`..`w4`. */
export function weightModalAdapters(record: CompositionRecord): string[] {
  return activeAdapterIds(record).slice(0, MAX_WEIGHT_INPUTS);
}

export function weightsModal(
  record: CompositionRecord,
  adapters: ReadonlyMap<string, Adapter>,
): APIModalInteractionResponseCallbackData {
  const rows = weightModalAdapters(record).map((id, index) => {
    const adapter = adapters.get(id);
    const input = new TextInputBuilder()
      .setCustomId(`w${index}`)
      .setLabel(truncate(adapter?.name ?? id, LIMITS.textInputLabel))
      .setStyle(TextInputStyle.Short)
      .setRequired(true)
      .setMaxLength(8)
      .setValue(weightInputValue(record, adapter));
    return new ActionRowBuilder<TextInputBuilder>().addComponents(input);
  });
  return new ModalBuilder()
    .setCustomId(encodeCustomId({ action: 'wsave', compositionId: record.id, slot: record.revision }))
    .setTitle('Adapter weights (0 to 2)')
    .addComponents(rows)
    .toJSON();
}
