import type { Interaction } from 'discord.js';
import { UserFacingError } from '../errors.js';
import { handleCommunityInteraction } from './community-actions.js';
import { isCommunityCustomId } from './community-ids.js';
import { handleCompositionInteraction } from './composition-actions.js';
import type { BotContext, SlashCommand } from './context.js';
import { answerWithError, interactionContext } from './error-reply.js';
import { requireAllowedChannel } from './server-rules.js';

/**
 * Sends each interaction to its handler: slash commands by name, autocomplete to the command's suggester,
 * components and modal submits by their custom_id. Whatever happens, the interaction gets an answer.
 */
export function createInteractionRouter(
  commands: readonly SlashCommand[],
  context: BotContext,
): (interaction: Interaction) => Promise<void> {
  const byName = new Map(commands.map((command) => [command.definition.name, command]));
  const { log } = context.services;

  return async (interaction) => {
    if (interaction.isAutocomplete()) {
      try {
        const command = byName.get(interaction.commandName);
        if (command?.autocomplete) await command.autocomplete(interaction, context);
        else await interaction.respond([]);
      } catch (error) {
        log.error({ ...interactionContext(interaction), err: error }, 'autocomplete failed');
        if (!interaction.responded) await interaction.respond([]).catch(() => undefined);
      }
      return;
    }
    if (!interaction.isRepliable()) return;
    try {
      if (interaction.isChatInputCommand()) {
        const command = byName.get(interaction.commandName);
        if (!command) throw new UserFacingError('This command is not known to the bot any more.', 'unknown_command');
        const settings = await context.settings.effective(interaction.guildId, context.services.config);
        requireAllowedChannel(interaction.commandName, interaction.channelId, settings);
        await command.execute(interaction, context);
      } else if (interaction.isMessageComponent() && isCommunityCustomId(interaction.customId)) {
        await handleCommunityInteraction(interaction, context);
      } else if (interaction.isMessageComponent() || interaction.isModalSubmit()) {
        await handleCompositionInteraction(interaction, context);
      } else {
        throw new UserFacingError('The bot does not handle this kind of interaction.', 'unsupported');
      }
    } catch (error) {
      await answerWithError(interaction, error, log);
    }
  };
}
