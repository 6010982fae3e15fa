import type { Adapter } from '../catalog/adapter.js';
import { memberOldEnough } from '../community/abuse.js';
import type { Tally, VoteValue } from '../community/types.js';
import { UserFacingError } from '../errors.js';
import type { BotContext } from './context.js';
import { inert } from './text.js';

export interface Voter {
  guildId: string | null;
  memberId: string;
  /** When the member joined the server (ms), if Discord said. */
  joinedAt: number | null | undefined;
}

export function votesText(tally: Tally): string {
  const parts = [`👍 ${tally.votesUp + tally.reactionsUp}`, `👎 ${tally.votesDown + tally.reactionsDown}`];
  if (tally.stars > 0) parts.push(`⭐ ${tally.stars}`);
  return parts.join(' · ');
}

export function voteWord(value: VoteValue | undefined): string {
  return value === 1 ? 'up 👍' : value === -1 ? 'down 👎' : 'none';
}

/**
 * One vote, from /adapters vote or a button on /adapters info: the abuse limits first (member age, votes per
 * minute), then the store. Returns the sentence to show the voter, privately. Voting earns nothing.
 */
export async function castVote(
  context: BotContext,
  voter: Voter,
  adapter: Adapter,
  value: VoteValue | null,
): Promise<string> {
  const { config } = context.services;
  if (!voter.guildId) throw new UserFacingError('Votes count per server: vote from a server channel.', 'no_guild');
  if (!memberOldEnough(voter.joinedAt, config.COMMUNITY_MIN_MEMBER_AGE_HOURS)) {
    throw new UserFacingError(
      `Votes count from members who joined this server at least ${config.COMMUNITY_MIN_MEMBER_AGE_HOURS} hours ago. Try again later.`,
      'member_too_new',
    );
  }
  if (!(await context.community.takeVoteSlot(voter.guildId, voter.memberId, config.COMMUNITY_VOTES_PER_MINUTE))) {
    throw new UserFacingError(
      `You can vote ${config.COMMUNITY_VOTES_PER_MINUTE} times a minute. Wait a moment, then vote again.`,
      'vote_rate',
    );
  }
  const { previous, tally } = await context.community.vote({
    guildId: voter.guildId,
    memberId: voter.memberId,
    adapterId: adapter.id,
    value,
  });
  const name = inert(adapter.name, 100);
  context.services.log.info({ guildId: voter.guildId, adapterId: adapter.id, value, previous }, 'adapter vote');
  if (value === null) {
    return previous === undefined
      ? `You had no vote on ${name}.`
      : `Your vote on ${name} is withdrawn. Now ${votesText(tally)}.`;
  }
  const change =
    previous === value
      ? ' (you had already voted this way)'
      : previous !== undefined
        ? ' (it replaces your earlier vote)'
        : '';
  return `Your vote on ${name}: ${voteWord(value)}${change}. Now ${votesText(tally)} in this server.`;
}
