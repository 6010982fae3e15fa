import {
  type Client,
  Events,
  type MessageReaction,
  type PartialMessageReaction,
  type PartialUser,
  type User,
} from 'discord.js';
import { memberOldEnough } from '../community/abuse.js';
import type { CommunityStore, ReactionRating } from '../community/types.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { RenderResults } from '../render/results.js';

/** Skin-tone modifiers and the emoji variation selector: 👍🏽 is a 👍, ⭐️ is a ⭐. */
const EMOJI_DECORATION = /[\u{1F3FB}-\u{1F3FF}\u{FE0F}]/gu;
const RATINGS: Record<string, ReactionRating> = { '👍': 'up', '👎': 'down', '⭐': 'star', '🌟': 'star' };

/** The rating a reaction emoji gives, or undefined for any other emoji (custom server emojis included). */
export function ratingForEmoji(emoji: { id: string | null; name: string | null }): ReactionRating | undefined {
  if (emoji.id !== null || !emoji.name) return undefined;
  return RATINGS[emoji.name.replace(EMOJI_DECORATION, '')];
}

export interface ReactionFeedbackDeps {
  community: CommunityStore;
  results: Pick<RenderResults, 'forMessage'>;
  config: Pick<Config, 'COMMUNITY_MIN_MEMBER_AGE_HOURS'>;
  log: Logger;
}

/**
 * 👍 👎 ⭐ on a result message become feedback for the adapters of that message's images (the set for a grid),
 * looked up in the render results by message id, so a message from before a restart counts (the client has
 * partials for messages, channels and reactions). Removing the reaction reverses it. The bot's own reactions,
 * other bots and members newer than the configured age are ignored; the store counts a member once per adapter.
 */
export function attachReactionFeedback(client: Client, deps: ReactionFeedbackDeps): void {
  const handle = async (
    reaction: MessageReaction | PartialMessageReaction,
    user: User | PartialUser,
    added: boolean,
  ): Promise<void> => {
    if (user.id === client.user?.id || user.bot) return;
    const rating = ratingForEmoji(reaction.emoji);
    const message = reaction.message;
    const guildId = message.guildId;
    if (!rating || !guildId) return;
    const images = deps.results.forMessage(message.id);
    if (images.length === 0 || images.some((image) => image.guildId !== undefined && image.guildId !== guildId)) return;
    const context = { guildId, messageId: message.id, memberId: user.id, rating };
    // Nothing is awaited before the store call, so an add and a quick removal reach the store in gateway order.
    if (added) {
      const joinedAt = message.guild?.members.cache.get(user.id)?.joinedTimestamp;
      if (!memberOldEnough(joinedAt, deps.config.COMMUNITY_MIN_MEMBER_AGE_HOURS)) {
        deps.log.debug(context, 'reaction from a member newer than the minimum age ignored');
        return;
      }
      const adapterIds = [...new Set(images.flatMap((image) => image.adapters.map((adapter) => adapter.adapterId)))];
      const counted = await deps.community.addReaction({ ...context, adapterIds });
      deps.log.debug({ ...context, adapterIds, counted }, 'reaction feedback');
    } else {
      const reversed = await deps.community.removeReaction(context);
      deps.log.debug({ ...context, reversed }, 'reaction feedback removed');
    }
  };
  const safely = (reaction: MessageReaction | PartialMessageReaction, user: User | PartialUser, added: boolean) => {
    handle(reaction, user, added).catch((error: unknown) =>
      deps.log.error(
        { err: error, messageId: reaction.message.id, guildId: reaction.message.guildId, userId: user.id, added },
        'reaction feedback failed',
      ),
    );
  };
  client.on(Events.MessageReactionAdd, (reaction, user) => safely(reaction, user, true));
  client.on(Events.MessageReactionRemove, (reaction, user) => safely(reaction, user, false));
}
