import { type Interaction, MessageFlags, type RepliableInteraction } from 'discord.js';
import { isUserFacing } from '../errors.js';
import type { Logger } from '../log.js';
import { BUSY_MESSAGE, isDatabaseBusy } from '../storage/busy.js';

export const APOLOGY = 'Sorry, something went wrong on our side. It has been logged; please try again in a moment.';

export function interactionContext(interaction: Interaction): Record<string, unknown> {
  return {
    interactionId: interaction.id,
    guildId: interaction.guildId,
    channelId: interaction.channelId,
    userId: interaction.user.id,
    kind: interaction.isChatInputCommand()
      ? `/${interaction.commandName}`
      : interaction.isMessageComponent() || interaction.isModalSubmit()
        ? interaction.customId
        : interaction.type,
  };
}

/**
 * The one place where a failure becomes an answer: expected failures (UserFacingError) as their own sentence,
 * anything else as a short apology plus a structured log line with the error. The answer is always ephemeral
 * and never pings; a deferred /imagine "thinking" message is replaced, never left spinning.
 */
export async function answerWithError(interaction: RepliableInteraction, error: unknown, log: Logger): Promise<void> {
  const context = interactionContext(interaction);
  const expected = isUserFacing(error);
  // Another process holding the database (an ingest) is an expected, passing condition wherever it surfaces.
  const busy = !expected && isDatabaseBusy(error);
  if (expected) log.info({ ...context, code: error.code }, 'interaction refused');
  else if (busy) log.warn({ ...context, err: error }, 'interaction refused: the database is busy');
  else log.error({ ...context, err: error }, 'interaction failed');
  const content = expected ? error.userMessage : busy ? BUSY_MESSAGE : APOLOGY;
  const message = { content, flags: MessageFlags.Ephemeral as const, allowedMentions: { parse: [] } };
  try {
    if (!interaction.deferred && !interaction.replied) {
      await interaction.reply(message);
    } else if (interaction.deferred && interaction.ephemeral) {
      await interaction.editReply({ content, embeds: [], components: [], allowedMentions: { parse: [] } });
    } else if (interaction.deferred && !interaction.replied && interaction.isChatInputCommand()) {
      // The public "thinking…" message cannot turn ephemeral: remove it and answer privately instead.
      await interaction.deleteReply();
      await interaction.followUp(message);
    } else {
      await interaction.followUp(message);
    }
  } catch (replyError) {
    log.error({ ...context, err: replyError }, 'could not send the error answer');
  }
}
