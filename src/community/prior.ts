import type { Config } from '../config.js';
import { type CommunityStore, GLOBAL_SCOPE, type Tally } from './types.js';

/**
 * Pseudo-ratings of the Beta(2, 2) prior behind the global score: an adapter with no ratings scores 0.5, one 👍
 * moves it to 0.6, and only many ratings move it far. This is what keeps a few early votes from deciding a rank.
 */
export const GLOBAL_PRIOR_STRENGTH = 4;
/** Pseudo-ratings with which the global score anchors a server's score: with few local ratings, global decides. */
export const GUILD_PRIOR_STRENGTH = 4;
/** A ⭐ is a strong like: it counts as two positive ratings. */
export const STAR_WEIGHT = 2;

export function positiveWeight(tally: Tally): number {
  return tally.votesUp + tally.reactionsUp + STAR_WEIGHT * tally.stars;
}

export function negativeWeight(tally: Tally): number {
  return tally.votesDown + tally.reactionsDown;
}

/** How many member ratings (votes and reaction ratings) a tally holds. */
export function ratingCount(tally: Tally | undefined): number {
  if (!tally) return 0;
  return tally.votesUp + tally.votesDown + tally.reactionsUp + tally.reactionsDown + tally.stars;
}

/** Posterior mean of the share of positive ratings under a Beta prior centred on `anchor`. */
function shrunkShare(tally: Tally | undefined, anchor: number, strength: number): number {
  const positive = tally ? positiveWeight(tally) : 0;
  const negative = tally ? negativeWeight(tally) : 0;
  return (positive + anchor * strength) / (positive + negative + strength);
}

/** The score over all servers, in [0, 1]; 0.5 when there are no ratings. */
export function globalScore(global: Tally | undefined): number {
  return shrunkShare(global, 0.5, GLOBAL_PRIOR_STRENGTH);
}

/**
 * A server's score, in [0, 1]: its own ratings, pulled toward the global score (the fallback) rather than toward
 * neutral, so a server without ratings sees the global opinion and a server with many sees its own.
 */
export function guildScore(guild: Tally | undefined, global: Tally | undefined): number {
  return shrunkShare(guild, globalScore(global), GUILD_PRIOR_STRENGTH);
}

export type CommunitySettings = Pick<Config, 'COMMUNITY_FLOOR' | 'COMMUNITY_FLOOR_MIN_VOTES'>;

/** What the community says in one server: priors for ranking, and what to leave out. */
export interface CommunityView {
  /** Score per adapter that has ratings in this server or globally (0.5 is neutral). */
  scores: Map<string, number>;
  /** Ratings in this server per adapter. */
  guildRatings: Map<string, number>;
  /** Hidden by the server's moderators: never shown there. */
  hidden: Set<string>;
  /** Scored below the floor with enough ratings in this server: left out of its compositions. */
  belowFloor: Set<string>;
  /** Everything a composition in this server must not use (hidden and below the floor). */
  excludeIds: Set<string>;
}

/** Scores and exclusions for one server; without a server (a DM, the CLI), the global view and nothing hidden. */
export async function loadCommunityView(
  store: CommunityStore,
  guildId: string | undefined | null,
  settings: CommunitySettings,
): Promise<CommunityView> {
  const [global, guild, hidden] = await Promise.all([
    store.tallies(GLOBAL_SCOPE),
    guildId ? store.tallies(guildId) : Promise.resolve(new Map<string, Tally>()),
    guildId ? store.hidden(guildId) : Promise.resolve(new Set<string>()),
  ]);
  const scores = new Map<string, number>();
  const guildRatings = new Map<string, number>();
  const belowFloor = new Set<string>();
  for (const adapterId of new Set([...global.keys(), ...guild.keys()])) {
    const local = guild.get(adapterId);
    const score = guildId ? guildScore(local, global.get(adapterId)) : globalScore(global.get(adapterId));
    scores.set(adapterId, score);
    const count = ratingCount(local);
    if (count > 0) guildRatings.set(adapterId, count);
    if (guildId && count >= settings.COMMUNITY_FLOOR_MIN_VOTES && score < settings.COMMUNITY_FLOOR) {
      belowFloor.add(adapterId);
    }
  }
  return { scores, guildRatings, hidden, belowFloor, excludeIds: new Set([...hidden, ...belowFloor]) };
}

export interface RankedAdapter {
  adapterId: string;
  score: number;
  ratings: number;
  tally: Tally;
}

/**
 * The community ranking of one scope: adapters with ratings there, best score first, then more ratings, then id.
 * `server` ranks by the server's score (global fallback); `global` by the score over all servers.
 */
export async function communityRanking(
  store: CommunityStore,
  scope: { kind: 'server'; guildId: string } | { kind: 'global' },
): Promise<RankedAdapter[]> {
  const global = await store.tallies(GLOBAL_SCOPE);
  const local = scope.kind === 'server' ? await store.tallies(scope.guildId) : global;
  const ranked: RankedAdapter[] = [];
  for (const [adapterId, tally] of local) {
    const ratings = ratingCount(tally);
    if (ratings === 0) continue;
    const score = scope.kind === 'server' ? guildScore(tally, global.get(adapterId)) : globalScore(tally);
    ranked.push({ adapterId, score, ratings, tally });
  }
  return ranked.sort((a, b) => b.score - a.score || b.ratings - a.ratings || a.adapterId.localeCompare(b.adapterId));
}
