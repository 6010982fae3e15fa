import { ActionRowBuilder, ButtonBuilder, EmbedBuilder, SlashCommandBuilder } from '@discordjs/builders';
import {
  type AutocompleteInteraction,
  ButtonStyle,
  type ChatInputCommandInteraction,
  type GuildMember,
  InteractionContextType,
  MessageFlags,
  PermissionFlagsBits,
} from 'discord.js';
import { type Adapter, CATEGORIES, type Category } from '../src/catalog/adapter.js';
import type { AdapterFilter } from '../src/catalog/store.js';
import { loadCommunityView } from '../src/community/prior.js';
import { EMPTY_TALLY, type Tally } from '../src/community/types.js';
import { joinedAtOf } from '../src/discord/community-actions.js';
import { encodeCommunityId } from '../src/discord/community-ids.js';
import { topView } from '../src/discord/community-top.js';
import { castVote, votesText, voteWord } from '../src/discord/community-vote.js';
import type { BotContext, SlashCommand } from '../src/discord/context.js';
import { LIMITS } from '../src/discord/limits.js';
import { nsfwAllowedHere } from '../src/discord/server-rules.js';
import { codeSpan, inert, pageLinkTarget, truncate } from '../src/discord/text.js';
import { UserFacingError } from '../src/errors.js';

const NO_PINGS = { parse: [] };
const SEARCH_RESULTS = 10;
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
      .setDescription('Adapters ranked by member votes and reactions')
      .addStringOption((option) =>
        option
          .setName('category')
          .setDescription('Only this category')
          .addChoices(...CATEGORIES.map((category) => ({ name: category, value: category }))),
      )
      .addStringOption((option) =>
        option
          .setName('scope')
          .setDescription('This server (default) or all servers')
          .addChoices({ name: 'server', value: 'server' }, { name: 'global', value: 'global' }),
      ),
  )
  .addSubcommand((sub) =>
    sub
      .setName('vote')
      .setDescription('Vote an adapter up or down (a new vote replaces your old one); leave out the value to see yours')
      .addStringOption((option) =>
        option.setName('adapter').setDescription('Adapter').setRequired(true).setAutocomplete(true).setMaxLength(100),
      )
      .addStringOption((option) =>
        option
          .setName('value')
          .setDescription('up, down, or clear to withdraw your vote')
          .addChoices({ name: 'up', value: 'up' }, { name: 'down', value: 'down' }, { name: 'clear', value: 'clear' }),
      ),
  )
  .addSubcommand((sub) =>
    sub
      .setName('hide')
      .setDescription('Hide an adapter in this server (Manage Server)')
      .addStringOption((option) =>
        option.setName('adapter').setDescription('Adapter').setRequired(true).setAutocomplete(true).setMaxLength(100),
      ),
  )
  .addSubcommand((sub) =>
    sub
      .setName('unhide')
      .setDescription('Show a hidden adapter in this server again (Manage Server)')
      .addStringOption((option) =>
        option.setName('adapter').setDescription('Adapter').setRequired(true).setAutocomplete(true).setMaxLength(100),
      ),
  )
  .toJSON();

async function hiddenHere(
  interaction: ChatInputCommandInteraction | AutocompleteInteraction,
  context: BotContext,
): Promise<Set<string>> {
  return interaction.guildId ? context.community.hidden(interaction.guildId) : new Set();
}

/** Tallies of this server, for the vote counts shown next to adapters. */
async function serverTallies(
  interaction: ChatInputCommandInteraction,
  context: BotContext,
): Promise<Map<string, Tally>> {
  return interaction.guildId ? context.community.tallies(interaction.guildId) : new Map();
}

/**
 * An adapter a member named: it must exist, be allowed in this channel and not be hidden in this server (unless
 * a moderator names it to unhide it).
 */
async function findAdapter(
  interaction: ChatInputCommandInteraction,
  context: BotContext,
  options: { includeHidden?: boolean } = {},
): Promise<Adapter> {
  const id = interaction.options.getString('adapter', true).trim();
  const adapter = id ? await context.services.store.get(id) : undefined;
  const hidden = options.includeHidden ? new Set<string>() : await hiddenHere(interaction, context);
  if (!adapter || hidden.has(adapter.id) || (adapter.nsfw && !(await nsfwAllowedHere(interaction, context)))) {
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
        .map((word) => codeSpan(word, 60))
        .join(', ')}`
    : 'no trigger words';
  return truncate(
    `${adapter.category} · ${adapter.baseFamily} · ${triggers} · ${votesText(tally)}\n${codeSpan(adapter.id, 100)}`,
    300,
  );
}

async function search(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void> {
  const query = interaction.options.getString('query', true).trim();
  if (query === '') throw new UserFacingError('The search is empty: type a few words.', 'empty_query');
  if (query.length > MAX_QUERY)
    throw new UserFacingError(`Keep the search under ${MAX_QUERY} characters.`, 'long_query');
  const { store } = context.services;
  const filter: AdapterFilter = {
    allowNsfw: await nsfwAllowedHere(interaction, context),
    allowRealPerson: false,
    excludeIds: await hiddenHere(interaction, context),
  };
  const hits = await store.searchText(query, { limit: SEARCH_RESULTS, filter });
  const adapters = await store.getMany(hits.map((hit) => hit.id));
  const tallies = await serverTallies(interaction, context);
  if (adapters.length === 0) {
    throw new UserFacingError(`No adapters match "${inert(query, 100)}". Try other words.`, 'no_adapters');
  }
  const embed = new EmbedBuilder().setTitle(truncate(`Adapters for: ${inert(query, 200)}`, LIMITS.embedTitle));
  for (const adapter of adapters) {
    embed.addFields({
      name: inert(adapter.name, 200),
      value: summaryLine(adapter, tallies.get(adapter.id) ?? EMPTY_TALLY),
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
  const view = await loadCommunityView(context.community, interaction.guildId, context.services.config);
  const tally = (await serverTallies(interaction, context)).get(adapter.id) ?? EMPTY_TALLY;
  const score = view.scores.get(adapter.id);
  const embed = new EmbedBuilder()
    .setTitle(inert(adapter.name, LIMITS.embedTitle))
    .setDescription(inert(adapter.description || adapter.originalDescription || 'No description.', 2000))
    .addFields(
      { name: 'Category', value: adapter.category, inline: true },
      { name: 'Base', value: adapter.baseModel ? inert(adapter.baseModel, 100) : adapter.baseFamily, inline: true },
      { name: 'Recommended weight', value: String(adapter.recommendedWeight), inline: true },
      {
        name: 'Community',
        value: `${votesText(tally)}${score === undefined ? '' : ` · score ${score.toFixed(2)}`}`,
        inline: true,
      },
      {
        name: 'Trigger words',
        value: adapter.triggerWords.length ? inert(adapter.triggerWords.join(', '), 1000) : 'none',
      },
      { name: 'Tags', value: adapter.tags.length ? inert(adapter.tags.join(', '), 1000) : 'none' },
      { name: 'Licence', value: inert(licenceText(adapter), 1000) },
      { name: 'Id', value: codeSpan(adapter.id, 100) },
    )
    .setFooter({ text: `source: ${adapter.source}` });
  const page = pageLinkTarget(adapter.pageUrl);
  if (page) embed.setURL(page);
  if (adapter.previewImageUrl) embed.setImage(adapter.previewImageUrl);
  await interaction.reply({ embeds: [embed.toJSON()], components: voteButtons(adapter), allowedMentions: NO_PINGS });
}

/** Up/down buttons under /adapters info; none when the adapter id is too long for a custom_id. */
function voteButtons(adapter: Adapter) {
  const up = encodeCommunityId({ kind: 'vote', value: 'up', adapterId: adapter.id });
  const down = encodeCommunityId({ kind: 'vote', value: 'down', adapterId: adapter.id });
  if (!up || !down) return [];
  return [
    new ActionRowBuilder<ButtonBuilder>()
      .addComponents(
        new ButtonBuilder()
          .setCustomId(up)
          .setLabel('Vote up')
          .setEmoji({ name: '👍' })
          .setStyle(ButtonStyle.Secondary),
        new ButtonBuilder()
          .setCustomId(down)
          .setLabel('Vote down')
          .setEmoji({ name: '👎' })
          .setStyle(ButtonStyle.Secondary),
      )
      .toJSON(),
  ];
}

async function top(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void> {
  const category = interaction.options.getString('category') as Category | null;
  if (category !== null && !(CATEGORIES as readonly string[]).includes(category)) {
    throw new UserFacingError(`Unknown category. Use one of: ${CATEGORIES.join(', ')}.`, 'bad_category');
  }
  const scope = interaction.options.getString('scope') === 'global' ? 'global' : 'server';
  const view = await topView(context, {
    ownerId: interaction.user.id,
    guildId: interaction.guildId,
    scope,
    category: category ?? undefined,
    page: 0,
    allowNsfw: await nsfwAllowedHere(interaction, context),
  });
  if (!view) {
    await interaction.reply({
      content: `No ${category ? `${category} ` : ''}adapter has ratings ${scope === 'server' ? 'in this server' : 'anywhere'} yet. Vote with /adapters vote, or react 👍 👎 ⭐ to renders.`,
      flags: MessageFlags.Ephemeral,
      allowedMentions: NO_PINGS,
    });
    return;
  }
  await interaction.reply({ ...view, allowedMentions: NO_PINGS });
}

async function vote(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void> {
  const adapter = await findAdapter(interaction, context);
  const raw = interaction.options.getString('value');
  if (raw !== null && raw !== 'up' && raw !== 'down' && raw !== 'clear') {
    throw new UserFacingError('Vote "up" or "down", or "clear" to withdraw your vote.', 'bad_vote');
  }
  let content: string;
  if (raw === null) {
    const current = interaction.guildId
      ? await context.community.memberVote(interaction.guildId, interaction.user.id, adapter.id)
      : undefined;
    content = `Your vote on ${inert(adapter.name, 100)}: ${voteWord(current)}.`;
  } else {
    const voter = {
      guildId: interaction.guildId,
      memberId: interaction.user.id,
      joinedAt: joinedAtOf(interaction.member as GuildMember | { joined_at?: string } | null),
    };
    content = await castVote(context, voter, adapter, raw === 'up' ? 1 : raw === 'down' ? -1 : null);
  }
  await interaction.reply({ content, flags: MessageFlags.Ephemeral, allowedMentions: NO_PINGS });
}

/** Hiding is per server and needs Manage Server; a hidden adapter disappears from everything the bot shows there. */
async function setHidden(interaction: ChatInputCommandInteraction, context: BotContext, hide: boolean): Promise<void> {
  if (!interaction.guildId || !interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) {
    throw new UserFacingError(
      'Only members with the Manage Server permission can hide or unhide adapters.',
      'not_manager',
    );
  }
  const adapter = await findAdapter(interaction, context, { includeHidden: true });
  const name = inert(adapter.name, 100);
  const changed = hide
    ? await context.community.hide(interaction.guildId, adapter.id, interaction.user.id)
    : await context.community.unhide(interaction.guildId, adapter.id);
  context.services.log.info(
    { guildId: interaction.guildId, adapterId: adapter.id, by: interaction.user.id, hide, changed },
    'adapter visibility changed',
  );
  const content = hide
    ? changed
      ? `${name} is hidden in this server: it will not be picked, searched, suggested or ranked here.`
      : `${name} was already hidden in this server.`
    : changed
      ? `${name} is visible in this server again.`
      : `${name} was not hidden in this server.`;
  await interaction.reply({ content, flags: MessageFlags.Ephemeral, allowedMentions: NO_PINGS });
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
    case 'hide':
      return setHidden(interaction, context, true);
    case 'unhide':
      return setHidden(interaction, context, false);
    default:
      throw new UserFacingError('Unknown /adapters subcommand.', 'unknown_subcommand');
  }
}

/** Suggestions come from the in-memory name cache, never from a search per keystroke. */
async function autocomplete(interaction: AutocompleteInteraction, context: BotContext): Promise<void> {
  const focused = interaction.options.getFocused(true);
  const choices =
    focused.name === 'adapter'
      ? await context.adapterNames.suggest(String(focused.value), {
          allowNsfw: await nsfwAllowedHere(interaction, context),
          // Unhide must be able to name a hidden adapter; everywhere else hidden ones are not suggested.
          ...(interaction.options.getSubcommand(false) === 'unhide'
            ? {}
            : { exclude: await hiddenHere(interaction, context) }),
        })
      : [];
  await interaction.respond(choices);
}

export const adapters: SlashCommand = { definition, execute, autocomplete };
