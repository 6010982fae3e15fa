import { SlashCommandBuilder } from '@discordjs/builders';
import { type ChatInputCommandInteraction, InteractionContextType, MessageFlags } from 'discord.js';
import type { BotContext, SlashCommand } from '../src/discord/context.js';
import { settingsLines } from '../src/discord/settings-view.js';

const NO_PINGS = { parse: [] };

export const definition = new SlashCommandBuilder()
  .setName('help')
  .setDescription("What the bot does, its commands with examples, and this server's settings")
  .setContexts(InteractionContextType.Guild)
  .toJSON();

const ABOUT =
  "Stylus picks LoRA adapters for your prompt from this server's catalog (the Stylus method), shows the plan so you " +
  "can swap adapters or change weights, then renders it on the server's own GPU.";

const COMMANDS = [
  '`/imagine prompt:a red fox in samurai armor, watercolor` compose a prompt (options: count, seed, base, image, mask, auto)',
  '`/adapters search query:watercolor` find adapters by words',
  '`/adapters info adapter:Watercolor Wash` one adapter, its page and votes',
  '`/adapters top category:style` the adapters this server likes best',
  '`/adapters vote adapter:Watercolor Wash value:up` vote for an adapter',
  '`/adapters hide adapter:…` / `/adapters unhide adapter:…` keep an adapter out of compositions (moderators)',
  "`/settings adapters:2 nsfw:never` show or change this server's settings (Manage Server)",
  '`/help` this message',
];

/** /help: ephemeral, so a member can read it anywhere without filling the channel. */
async function execute(interaction: ChatInputCommandInteraction, context: BotContext): Promise<void> {
  const settings = await context.settings.effective(interaction.guildId, context.services.config);
  await interaction.reply({
    content: [
      ABOUT,
      '',
      '**Commands**',
      ...COMMANDS.map((line) => `- ${line}`),
      '',
      '**This server**',
      ...settingsLines(settings).map((line) => `- ${line}`),
    ].join('\n'),
    flags: MessageFlags.Ephemeral,
    allowedMentions: NO_PINGS,
  });
}

export const help: SlashCommand = { definition, execute };
