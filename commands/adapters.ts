import { EmbedBuilder, SlashCommandBuilder } from '@discordjs/builders';
import {
  type AutocompleteInteraction,
  type ChatInputCommandInteraction,
  InteractionContextType,
  MessageFlags,
} from 'discord.js';
import { type Adapter, CATEGORIES, type Category } from '../src/catalog/adapter.js';
import type { AdapterFilter } from '../src/catalog/store.js';
import type { BotContext, SlashCommand } from '../src/discord/context.js';
import { LIMITS } from '../src/discord/limits.js';
import { inert, truncate } from '../src/discord/text.js';
import { UserFacingError } from '../src/errors.js';
import type { Tally, VoteValue } from '../src/state/votes.js';

const NO_PINGS = { parse: [] };
const SEARCH_RESULTS = 10;
const TOP_RESULTS = 10;
const MAX_QUERY = 200;

export const definition = new SlashCommandBuilder()
  .setName('adapters')
  .setDescription('Browse and vote on the LoRA adapters the bot can use')
  .setContexts(InteractionContextType.Guild)
  .addSubcommand((sub) =>
    sub
      .setName('search')
      .setDescription('Find adapters by words')
      .addStringOption((option) =>
        option.setName('query').setDescription('Words to look for').setRequired(true).setMaxLength(MAX_QUERY),
      ),
  )
  .addSubcommand((sub) =>
    sub
      .setName('info')
      .setDescription('Everything about one adapter')
      .addStringOption((option) =>
        option.setName('adapter').setDescription('Adapter').setRequired(true).setAutocomplete(true).setMaxLength(100),
      ),
  )
  .addSubcommand((sub) =>
    sub
      .setName('top')
      .setDescription('Adapters ranked by member votes')
      .addStringOption((option) =>
        option
          .setName('category')
          .setDescription('Only this category')
          .addChoices(...CATEGORIES.map((category) => ({ name: category, value: category }))),
      ),
  )
  .addSubcommand((sub) =>
    sub
      .setName('vote')
      .setDescription('Vote an adapter up or down (a new vote replaces your old one)')
      .addStringOption((option) =>
        option.setName('adapter').setDescription('Adapter').setRequired(true).setAutocomplete(true).setMaxLength(100),
      )
      .addStringOption((option) =>
        option
          .setName('value')
          .setDescription('up or down')
          .setRequired(true)
          .addChoices({ name: 'up', value: 'up' }, { name: 'down', value: 'down' }),
      ),
  )
  .toJSON();

function channelAllowsNsfw(interaction: ChatInputCommandInteraction | AutocompleteInteraction): boolean {
  const channel = interaction.channel;
  return channel !== null && 'nsfw' in channel && channel.nsfw === true;
}

function filterFor(interaction: ChatInputCommandInteraction): AdapterFilter {
  return { allowNsfw: channelAllowsNsfw(interaction), allowRealPerson: false };
}

function votesText(tally: Tally): string {
  return `👍 ${tally.up} · 👎 ${tally.down}`;
}

/** An adapter a member named: it must exist and be allowed in this channel. */
async function findAdapter(interaction: ChatInputCommandInteraction, context: BotContext): Promise<Adapter> {
  const id = interaction.options.getString('adapter', true).trim();
  const adapter = id ? await context.services.store.get(id) : undefined;
  if (!adapter || (adapter.nsfw && !channelAllowsNsfw(interaction))) {
    throw new UserFacingError(
      `No adapter "${inert(id, 100)}" here. Pick one from the suggestions, or find one with /adapters search.`,
      'unknown_adapter',
    );
  }
  return adapter;
}

function summaryLine(adapter: Adapter, tally: Tally): string {
  const triggers = adapter.triggerWords.length
    ? `triggers: ${adapter.triggerWords
        .slice(0, 3)
        .map((word) => `\`${word.replace(/`/g, 'ˋ')}\``)
        .join(', ')}`
    : 'no trigger words';
  return truncate(
    `${adapter.category} · ${adapter.baseFamily} · ${triggers} · ${votesText(tally)}\n\`${adapter.id}\``,
    300,
  );
}

async function search(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void> {
  const query = interaction.options.getString('query', true).trim();
  if (query === '') throw new UserFacingError('The search is empty: type a few words.', 'empty_query');
  if (query.length > MAX_QUERY)
    throw new UserFacingError(`Keep the search under ${MAX_QUERY} characters.`, 'long_query');
  const { store } = context.services;
  const hits = await store.searchText(query, { limit: SEARCH_RESULTS, filter: filterFor(interaction) });
  const adapters = await store.getMany(hits.map((hit) => hit.id));
  if (adapters.length === 0) {
    throw new UserFacingError(`No adapters match "${inert(query, 100)}". Try other words.`, 'no_adapters');
  }
  const embed = new EmbedBuilder().setTitle(truncate(`Adapters for: ${inert(query, 200)}`, LIMITS.embedTitle));
  for (const adapter of adapters) {
    embed.addFields({
      name: inert(adapter.name, 200),
      value: summaryLine(adapter, await context.votes.tally(adapter.id)),
    });
  }
  await interaction.reply({ embeds: [embed.toJSON()], allowedMentions: NO_PINGS });
}

function licenceText(adapter: Adapter): string {
  const licence = adapter.license;
  const parts = [
    licence.name,
    licence.allowCommercialUse.length ? `commercial use: ${licence.allowCommercialUse.join(', ')}` : undefined,
    licence.nonCommercial ? 'non-commercial' : undefined,
  ].filter((part): part is string => part !== undefined);
  return parts.length ? parts.join(' · ') : 'not stated';
}

async function info(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void> {
  const adapter = await findAdapter(interaction, context);
  const tally = await context.votes.tally(adapter.id);
  const embed = new EmbedBuilder()
    .setTitle(inert(adapter.name, LIMITS.embedTitle))
    .setDescription(inert(adapter.description || adapter.originalDescription || 'No description.', 2000))
    .addFields(
      { name: 'Category', value: adapter.category, inline: true },
      { name: 'Base', value: adapter.baseModel ? inert(adapter.baseModel, 100) : adapter.baseFamily, inline: true },
      { name: 'Recommended weight', value: String(adapter.recommendedWeight), inline: true },
      { name: 'Votes', value: votesText(tally), inline: true },
      {
        name: 'Trigger words',
        value: adapter.triggerWords.length ? inert(adapter.triggerWords.join(', '), 1000) : 'none',
      },
      { name: 'Tags', value: adapter.tags.length ? inert(adapter.tags.join(', '), 1000) : 'none' },
      { name: 'Licence', value: inert(licenceText(adapter), 1000) },
      { name: 'Id', value: `\`${adapter.id}\`` },
    )
    .setFooter({ text: `source: ${adapter.source}` });
  if (adapter.pageUrl) embed.setURL(adapter.pageUrl);
  if (adapter.previewImageUrl) embed.setImage(adapter.previewImageUrl);
  await interaction.reply({ embeds: [embed.toJSON()], allowedMentions: NO_PINGS });
}

async function top(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void> {
  const category = interaction.options.getString('category') as Category | null;
  if (category !== null && !(CATEGORIES as readonly string[]).includes(category)) {
    throw new UserFacingError(`Unknown category. Use one of: ${CATEGORIES.join(', ')}.`, 'bad_category');
  }
  const { store } = context.services;
  // Rank by votes first, then keep those this channel may show; fetch a few more than shown to fill the list.
  const ranked = await context.votes.top(TOP_RESULTS * 5);
  const adapters = new Map((await store.getMany(ranked.map((entry) => entry.adapterId))).map((a) => [a.id, a]));
  const allowNsfw = channelAllowsNsfw(interaction);
  const rows = ranked
    .map((entry) => ({ entry, adapter: adapters.get(entry.adapterId) }))
    .filter(
      (row): row is { entry: (typeof ranked)[number]; adapter: Adapter } =>
        row.adapter !== undefined &&
        (allowNsfw || !row.adapter.nsfw) &&
        !row.adapter.realPerson &&
        (category === null || row.adapter.category === category),
    )
    .slice(0, TOP_RESULTS);
  if (rows.length === 0) {
    await interaction.reply({
      content: `No ${category ? `${category} ` : ''}adapter has votes yet. Vote with /adapters vote.`,
      flags: MessageFlags.Ephemeral,
      allowedMentions: NO_PINGS,
    });
    return;
  }
  const embed = new EmbedBuilder().setTitle(`Top adapters${category ? `: ${category}` : ''}`);
  rows.forEach(({ entry, adapter }, index) => {
    embed.addFields({ name: `${index + 1}. ${inert(adapter.name, 200)}`, value: summaryLine(adapter, entry) });
  });
  await interaction.reply({ embeds: [embed.toJSON()], allowedMentions: NO_PINGS });
}

async function vote(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void> {
  const adapter = await findAdapter(interaction, context);
  const raw = interaction.options.getString('value', true);
  if (raw !== 'up' && raw !== 'down') throw new UserFacingError('Vote "up" or "down".', 'bad_vote');
  const value: VoteValue = raw === 'up' ? 1 : -1;
  const { tally, previous } = await context.votes.vote(adapter.id, interaction.user.id, value);
  const replaced = previous !== undefined && previous !== value ? ' (it replaces your earlier vote)' : '';
  const same = previous === value ? ' (you had already voted this way)' : '';
  await interaction.reply({
    content: `Your ${raw} vote for ${inert(adapter.name, 100)} is counted${replaced}${same}. Now ${votesText(tally)}.`,
    flags: MessageFlags.Ephemeral,
    allowedMentions: NO_PINGS,
  });
}

async function execute(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void> {
  switch (interaction.options.getSubcommand(true)) {
    case 'search':
      return search(interaction, context);
    case 'info':
      return info(interaction, context);
    case 'top':
      return top(interaction, context);
    case 'vote':
      return vote(interaction, context);
    default:
      throw new UserFacingError('Unknown /adapters subcommand.', 'unknown_subcommand');
  }
}

/** Suggestions come from the in-memory name cache, never from a search per keystroke. */
async function autocomplete(interaction: AutocompleteInteraction, context: BotContext): Promise<void> {
  const focused = interaction.options.getFocused(true);
  const choices =
    focused.name === 'adapter'
      ? await context.adapterNames.suggest(String(focused.value), { allowNsfw: channelAllowsNsfw(interaction) })
      : [];
  await interaction.respond(choices);
}

export const adapters: SlashCommand = { definition, execute, autocomplete };
