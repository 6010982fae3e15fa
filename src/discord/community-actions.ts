import { type GuildMember, type MessageComponentInteraction, MessageFlags } from 'discord.js';
import { UserFacingError } from '../errors.js';
import { decodeCommunityId } from './community-ids.js';
import { topView } from './community-top.js';
import { castVote } from './community-vote.js';
import type { BotContext } from './context.js';
import { nsfwAllowedHere } from './server-rules.js';

const NO_PINGS = { parse: [] };

/** When a member joined the server, from the interaction's member (a full GuildMember when the guild is cached). */
export function joinedAtOf(member: GuildMember | { joined_at?: string } | null | undefined): number | null {
  if (!member) return null;
  if ('joinedTimestamp' in member) return member.joinedTimestamp;
  const parsed = member.joined_at ? Date.parse(member.joined_at) : Number.NaN;
  return Number.isNaN(parsed) ? null : parsed;
}

/** Clicks on community components: paging a top list (its requester only) and vote buttons (anyone, for themselves). */
export async function handleCommunityInteraction(
  interaction: MessageComponentInteraction,
  context: BotContext,
): Promise<void> {
  const id = decodeCommunityId(interaction.customId);
  if (id.kind === 'top') {
    if (interaction.user.id !== id.ownerId) {
      throw new UserFacingError(
        'Only the member who asked for this list can page it. Run /adapters top for your own.',
        'not_owner',
      );
    }
    const view = await topView(context, {
      ownerId: id.ownerId,
      guildId: interaction.guildId,
      scope: id.scope,
      category: id.category,
      page: id.page,
      allowNsfw: await nsfwAllowedHere(interaction, context),
    });
    if (!view) throw new UserFacingError('No adapter is ranked here any more.', 'empty_top');
    await interaction.update({ ...view, allowedMentions: NO_PINGS });
    return;
  }
  const adapter = await context.services.store.get(id.adapterId);
  const hidden = interaction.guildId ? await context.community.hidden(interaction.guildId) : new Set<string>();
  if (!adapter || hidden.has(adapter.id) || (adapter.nsfw && !(await nsfwAllowedHere(interaction, context)))) {
    throw new UserFacingError('This adapter is not available here any more.', 'unknown_adapter');
  }
  const content = await castVote(
    context,
    {
      guildId: interaction.guildId,
      memberId: interaction.user.id,
      joinedAt: joinedAtOf(interaction.member as GuildMember | { joined_at?: string } | null),
    },
    adapter,
    id.value === 'up' ? 1 : -1,
  );
  await interaction.reply({ content, flags: MessageFlags.Ephemeral, allowedMentions: NO_PINGS });
}
