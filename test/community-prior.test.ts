import { afterEach, describe, expect, it } from 'vitest';
import { memberOldEnough } from '../src/community/abuse.js';
import { communityRanking, globalScore, guildScore, loadCommunityView } from '../src/community/prior.js';
import { SqliteCommunityStore } from '../src/community/sqlite-store.js';
import { EMPTY_TALLY, type Tally } from '../src/community/types.js';
import { decodeCommunityId, encodeCommunityId } from '../src/discord/community-ids.js';
import { openDatabase, type SqliteDatabase } from '../src/storage/sqlite.js';

const tally = (partial: Partial<Tally>): Tally => ({ ...EMPTY_TALLY, ...partial });

describe('community score', () => {
  it('is neutral without ratings and moves toward the share of positive ratings as they accumulate', () => {
    expect(globalScore(undefined)).toBe(0.5);
    const few = globalScore(tally({ votesUp: 1 }));
    const many = globalScore(tally({ votesUp: 100 }));
    expect(few).toBeGreaterThan(0.5);
    expect(few).toBeLessThan(0.7);
    expect(many).toBeGreaterThan(0.95);
    expect(globalScore(tally({ votesUp: 10, votesDown: 10 }))).toBeCloseTo(0.5, 10);
    // ⭐ is a stronger like than 👍.
    expect(globalScore(tally({ stars: 1 }))).toBeGreaterThan(globalScore(tally({ reactionsUp: 1 })));
  });

  it('falls back to the global score in a server without ratings, and follows the server once it has many', () => {
    const global = tally({ votesUp: 40, votesDown: 10 });
    expect(guildScore(undefined, global)).toBeCloseTo(globalScore(global), 10);
    const disliked = guildScore(tally({ votesDown: 50 }), global);
    expect(disliked).toBeLessThan(0.1);
  });
});

describe('community view of a server', () => {
  let db: SqliteDatabase | undefined;
  afterEach(() => db?.close());

  it('scores rated adapters, hides per server, and excludes below-floor adapters only with enough ratings', async () => {
    db = openDatabase(':memory:');
    const store = new SqliteCommunityStore(db);
    const settings = { COMMUNITY_FLOOR: 0.3, COMMUNITY_FLOOR_MIN_VOTES: 5 };
    for (let member = 0; member < 5; member++) {
      await store.vote({ guildId: 'g1', memberId: `m${member}`, adapterId: 'disliked', value: -1 });
      await store.vote({ guildId: 'g2', memberId: `m${member}`, adapterId: 'few', value: member === 0 ? -1 : 1 });
    }
    await store.vote({ guildId: 'g1', memberId: 'm0', adapterId: 'few', value: -1 });
    await store.hide('g1', 'hidden', 'moderator');

    const g1 = await loadCommunityView(store, 'g1', settings);
    expect(g1.excludeIds).toEqual(new Set(['disliked', 'hidden']));
    // One local down-vote, four up-votes elsewhere: the server's score sits between its own view and the global one.
    const few = g1.scores.get('few') ?? Number.NaN;
    expect(few).toBeGreaterThan(guildScore(tally({ votesDown: 1 }), undefined));
    expect(few).toBeLessThan(globalScore(tally({ votesUp: 4, votesDown: 2 })));
    expect(g1.guildRatings.get('disliked')).toBe(5);

    const g2 = await loadCommunityView(store, 'g2', settings);
    // Another server: nothing hidden, and the disliked adapter has no local ratings, so it is only scored low.
    expect(g2.excludeIds).toEqual(new Set());
    expect(g2.scores.get('disliked')).toBeLessThan(0.5);

    const ranking = await communityRanking(store, { kind: 'server', guildId: 'g2' });
    expect(ranking.map((entry) => entry.adapterId)).toEqual(['few']);
  });
});

describe('abuse limits and component ids', () => {
  it('counts members only after the minimum age, and never an unknown join time when an age is set', () => {
    const now = Date.UTC(2026, 0, 2);
    expect(memberOldEnough(now - 25 * 3_600_000, 24, now)).toBe(true);
    expect(memberOldEnough(now - 23 * 3_600_000, 24, now)).toBe(false);
    expect(memberOldEnough(null, 24, now)).toBe(false);
    expect(memberOldEnough(null, 0, now)).toBe(true);
  });

  it('round-trips community custom ids, adapter ids with colons included, and refuses forged ones', () => {
    const vote = { kind: 'vote', value: 'up', adapterId: 'civitai:123:456' } as const;
    expect(decodeCommunityId(encodeCommunityId(vote) ?? '')).toEqual(vote);
    const top = { kind: 'top', ownerId: '123456789012345678', scope: 'global', category: 'style', page: 2 } as const;
    expect(decodeCommunityId(encodeCommunityId(top) ?? '')).toEqual(top);
    expect(encodeCommunityId({ kind: 'vote', value: 'down', adapterId: `hf:${'x'.repeat(100)}` })).toBeUndefined();
    for (const forged of [
      'cmty:top:abc:s:-:0',
      'cmty:vote:sideways:hf:x',
      'cmty:top:123456789012345678:s:-:9999',
      'cmty:drop',
    ]) {
      expect(() => decodeCommunityId(forged)).toThrow(/not valid/);
    }
  });
});
