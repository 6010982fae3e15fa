import { SlashCommandBuilder } from '@discordjs/builders';
import {
  type ChatInputCommandInteraction,
  InteractionContextType,
  MessageFlags,
  PermissionFlagsBits,
} from 'discord.js';
import { BASE_FAMILY_LABELS, CHECKPOINT_FAMILIES } from '../src/catalog/adapter.js';
import type { BotContext, SlashCommand } from '../src/discord/context.js';
import { settingsLines } from '../src/discord/settings-view.js';
import { UserFacingError } from '../src/errors.js';
import { type GuildSettings, NSFW_POLICIES } from '../src/state/guild-settings.js';
import { parseBase } from '../src/stylus/pipeline.js';

const NO_PINGS = { parse: [] };
const CHANNEL_MENTION = /<#(\d{5,25})>/g;

export const definition = new SlashCommandBuilder()
  .setName('settings')
  .setDescription("Show or change this server's settings for the bot (Manage Server)")
  .setContexts(InteractionContextType.Guild)
  .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
  .addStringOption((option) =>
    option
      .setName('default_base')
      .setDescription('Base model family used when a member gives none')
      .addChoices(CHECKPOINT_FAMILIES.map((family) => ({ name: BASE_FAMILY_LABELS[family], value: family }))),
  )
  .addStringOption((option) =>
    option
      .setName('nsfw')
      .setDescription('NSFW adapters: follow the channel age restriction, or never')
      .addChoices(
        { name: "Follow the channel's age restriction", value: NSFW_POLICIES[0] },
        { name: 'Never', value: NSFW_POLICIES[1] },
      ),
  )
  .addIntegerOption((option) =>
    option.setName('images').setDescription('Most images per request (1 to 16)').setMinValue(1).setMaxValue(16),
  )
  .addIntegerOption((option) =>
    option.setName('adapters').setDescription('Most adapters per image (1 to 12)').setMinValue(1).setMaxValue(12),
  )
  .addIntegerOption((option) =>
    option
      .setName('queue_limit')
      .setDescription('Most renders one member may have waiting (1 to 1000)')
      .setMinValue(1)
      .setMaxValue(1000),
  )
  .addStringOption((option) =>
    option
      .setName('channels')
      .setDescription('Channels where the bot answers: mention them (#art #bots), or "all"')
      .setMaxLength(1000),
  )
  .toJSON();

/** The channels option: "all" (every channel) or the channel mentions in it. */
function parseChannels(value: string): string[] {
  if (value.trim().toLowerCase() === 'all') return [];
  const ids = [...new Set([...value.matchAll(CHANNEL_MENTION)].map((match) => match[1] ?? ''))];
  if (ids.length === 0) {
    throw new UserFacingError('Name the channels by mentioning them (#art #bots), or write "all".', 'bad_channels');
  }
  if (ids.length > 25) throw new UserFacingError('At most 25 channels can be named.', 'bad_channels');
  return ids;
}

/** The changes the options ask for; the default base must be one the catalog has adapters for. */
async function requestedChanges(interaction: ChatInputCommandInteraction, context: BotContext): Promise<GuildSettings> {
  const { options } = interaction;
  const changes: GuildSettings = {};
  const base = options.getString('default_base');
  if (base !== null) {
    const family = parseBase(base, undefined, { forCheckpoint: true });
    const count = await context.services.store.count({
      baseFamilies: [family],
      allowNsfw: true,
      allowRealPerson: true,
    });
    if (count === 0) {
      throw new UserFacingError(
        `The catalog has no ${BASE_FAMILY_LABELS[family]} adapters, so it cannot be the default base.`,
        'base_not_in_catalog',
      );
    }
    changes.defaultBase = family;
  }
  const nsfw = options.getString('nsfw');
  if (nsfw === 'channel' || nsfw === 'never') changes.nsfw = nsfw;
  const images = options.getInteger('images');
  if (images !== null) changes.maxImages = images;
  const adapters = options.getInteger('adapters');
  if (adapters !== null) changes.maxAdapters = adapters;
  const queueLimit = options.getInteger('queue_limit');
  if (queueLimit !== null) changes.maxQueuedPerUser = queueLimit;
  const channels = options.getString('channels');
  if (channels !== null) changes.channels = parseChannels(channels);
  return changes;
}

/** /settings: with no option, shows the server's settings; with options, changes them. Manage Server only. */
async function execute(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void> {
  const { guildId } = interaction;
  if (!guildId) throw new UserFacingError('Settings belong to a server: use /settings in one.', 'no_guild');
  // Discord hides the command from others by default_member_permissions, but a server can override that.
  if (!interaction.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) {
    throw new UserFacingError('Only members with the Manage Server permission can change these settings.', 'forbidden');
  }
  const changes = await requestedChanges(interaction, context);
  const changed = Object.keys(changes).length > 0;
  if (changed) await context.settings.set(guildId, interaction.user.id, changes);
  const settings = await context.settings.effective(guildId, context.services.config);
  await interaction.reply({
    content: [
      changed ? 'Settings saved. This server now has:' : "This server's settings:",
      ...settingsLines(settings).map((line) => `- ${line}`),
    ].join('\n'),
    flags: MessageFlags.Ephemeral,
    allowedMentions: NO_PINGS,
  });
}

export const settings: SlashCommand = { definition, execute };
