/** A member's vote on an adapter: one per member per adapter and server; a new vote replaces the old one. */
export type VoteValue = 1 | -1;

/** What a reaction on a result message says about the adapters used in it. ⭐ is a strong like. */
export type ReactionRating = 'up' | 'down' | 'star';
export const REACTION_RATINGS: readonly ReactionRating[] = ['up', 'down', 'star'];

/** Tallies are kept per server and once more over all servers under this scope name. */
export const GLOBAL_SCOPE = 'global';

/**
 * Counts behind an adapter's community score in one scope. Reaction counts are per member (a member's several
 * reactions on renders with the adapter count once, see `effectiveRating`), so every count is a number of members.
 */
export interface Tally {
  votesUp: number;
  votesDown: number;
  reactionsUp: number;
  reactionsDown: number;
  stars: number;
}

export const EMPTY_TALLY: Readonly<Tally> = { votesUp: 0, votesDown: 0, reactionsUp: 0, reactionsDown: 0, stars: 0 };

export interface VoteInput {
  guildId: string;
  memberId: string;
  adapterId: string;
  /** `null` withdraws the member's vote. */
  value: VoteValue | null;
}

export interface ReactionInput {
  guildId: string;
  messageId: string;
  memberId: string;
  rating: ReactionRating;
}

/**
 * Community signal storage: per-member records (votes, reactions) are the source of truth and the tallies move
 * with them in the same atomic step, so every change is deduplicated, reversible and free of lost updates under
 * concurrent clicks. Two implementations: a SQLite file (embedded) and Redis (scale-out); one contract suite
 * (test/contract/community-store.contract.ts) runs against both.
 */
export interface CommunityStore {
  readonly kind: 'sqlite' | 'redis';
  /** Records, replaces or (value null) withdraws a vote; returns the vote it replaced and the server's tally. */
  vote(input: VoteInput): Promise<{ previous: VoteValue | undefined; tally: Tally }>;
  memberVote(guildId: string, memberId: string, adapterId: string): Promise<VoteValue | undefined>;
  /**
   * Counts a member's reaction on a result message for the given adapters. Returns false (and changes nothing)
   * when that same reaction is already counted, e.g. a gateway event delivered twice.
   */
  addReaction(input: ReactionInput & { adapterIds: readonly string[] }): Promise<boolean>;
  /** Reverses exactly what the matching `addReaction` counted; false when there was nothing to reverse. */
  removeReaction(input: ReactionInput): Promise<boolean>;
  /** Tallies of one scope (a server id or GLOBAL_SCOPE); adapters without any rating are absent. */
  tallies(scope: string): Promise<Map<string, Tally>>;
  /** Hides an adapter in one server; false when it was hidden already. */
  hide(guildId: string, adapterId: string, byMemberId: string): Promise<boolean>;
  unhide(guildId: string, adapterId: string): Promise<boolean>;
  hidden(guildId: string): Promise<Set<string>>;
  /**
   * Takes one vote from the member's budget for the current minute (a fixed window); false when it is spent.
   * Refused attempts count too, so hammering the button does not open the window early.
   */
  takeVoteSlot(guildId: string, memberId: string, perMinute: number, now?: number): Promise<boolean>;
  close(): Promise<void>;
}

/**
 * The one rating a member's active reactions give an adapter: any ⭐ makes it a strong like, otherwise the
 * majority of 👍 and 👎; a tie (or nothing) is no rating. Several reactions by one member, on one message or on
 * several renders with the same adapter, therefore count once, and removing them walks the rating back.
 */
export function effectiveRating(counts: { up: number; down: number; star: number }): ReactionRating | undefined {
  if (counts.star > 0) return 'star';
  if (counts.up > counts.down) return 'up';
  if (counts.down > counts.up) return 'down';
  return undefined;
}

/** The tally field a reaction rating counts in. */
export function tallyField(rating: ReactionRating): keyof Tally {
  return rating === 'up' ? 'reactionsUp' : rating === 'down' ? 'reactionsDown' : 'stars';
}
