import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CommunityStore, EMPTY_TALLY, GLOBAL_SCOPE, type Tally } from '../../src/community/types.js';

/**
 * What the bot relies on from community storage, run against the SQLite file and the real Redis. `open()` returns
 * a new store over the same storage each time (a new connection): several model concurrent replicas or a restart.
 */
export interface CommunityBackend {
  open(): Promise<CommunityStore>;
  cleanup(): Promise<void>;
}

const GUILD = '100000000000000001';
const OTHER_GUILD = '100000000000000002';
const FOX = 'hf:fixtures/red-fox';
const INK = 'hf:fixtures/ink-wash';
const CITY = 'civitai:123|odd:id/with separators';

function tally(partial: Partial<Tally>): Tally {
  return { ...EMPTY_TALLY, ...partial };
}

export function communityStoreContract(name: string, backend: () => Promise<CommunityBackend>): void {
  describe(`community store contract: ${name}`, () => {
    let storage: CommunityBackend;
    const opened: CommunityStore[] = [];
    const open = async () => {
      const store = await storage.open();
      opened.push(store);
      return store;
    };

    beforeEach(async () => {
      storage = await backend();
    });
    afterEach(async () => {
      for (const store of opened.splice(0)) await store.close();
      await storage.cleanup();
    });

    it('keeps one vote per member per adapter: a new vote replaces the old, null withdraws it', async () => {
      const store = await open();
      expect(await store.vote({ guildId: GUILD, memberId: 'm1', adapterId: FOX, value: 1 })).toEqual({
        previous: undefined,
        tally: tally({ votesUp: 1 }),
      });
      expect(await store.vote({ guildId: GUILD, memberId: 'm1', adapterId: FOX, value: 1 })).toEqual({
        previous: 1,
        tally: tally({ votesUp: 1 }),
      });
      expect(await store.vote({ guildId: GUILD, memberId: 'm1', adapterId: FOX, value: -1 })).toEqual({
        previous: 1,
        tally: tally({ votesDown: 1 }),
      });
      expect(await store.memberVote(GUILD, 'm1', FOX)).toBe(-1);
      await store.vote({ guildId: GUILD, memberId: 'm2', adapterId: FOX, value: 1 });
      expect((await store.tallies(GUILD)).get(FOX)).toEqual(tally({ votesUp: 1, votesDown: 1 }));
      expect(await store.vote({ guildId: GUILD, memberId: 'm1', adapterId: FOX, value: null })).toEqual({
        previous: -1,
        tally: tally({ votesUp: 1 }),
      });
      expect(await store.memberVote(GUILD, 'm1', FOX)).toBeUndefined();
      expect(await store.memberVote(GUILD, 'm2', INK)).toBeUndefined();
    });

    it('tallies per server and globally over all servers', async () => {
      const store = await open();
      await store.vote({ guildId: GUILD, memberId: 'm1', adapterId: FOX, value: 1 });
      await store.vote({ guildId: OTHER_GUILD, memberId: 'm1', adapterId: FOX, value: -1 });
      await store.vote({ guildId: OTHER_GUILD, memberId: 'm2', adapterId: CITY, value: 1 });
      expect((await store.tallies(GUILD)).get(FOX)).toEqual(tally({ votesUp: 1 }));
      expect((await store.tallies(OTHER_GUILD)).get(FOX)).toEqual(tally({ votesDown: 1 }));
      const global = await store.tallies(GLOBAL_SCOPE);
      expect(global.get(FOX)).toEqual(tally({ votesUp: 1, votesDown: 1 }));
      expect(global.get(CITY)).toEqual(tally({ votesUp: 1 }));
      expect([...(await store.tallies(GUILD)).keys()]).toEqual([FOX]);
    });

    it('ends 200 concurrent votes from 200 members, spread over 4 connections, in the exact tally', async () => {
      const stores = await Promise.all([open(), open(), open(), open()]);
      const members = Array.from({ length: 200 }, (_, index) => `member-${index}`);
      await Promise.all(
        members.map((memberId, index) =>
          stores[index % stores.length]?.vote({
            guildId: GUILD,
            memberId,
            adapterId: FOX,
            value: index % 5 === 0 ? -1 : 1,
          }),
        ),
      );
      const expected = tally({ votesUp: 160, votesDown: 40 });
      expect((await stores[0]?.tallies(GUILD))?.get(FOX)).toEqual(expected);
      expect((await stores[1]?.tallies(GLOBAL_SCOPE))?.get(FOX)).toEqual(expected);
    });

    it('counts concurrent vote changes by the same members exactly once each', async () => {
      const stores = await Promise.all([open(), open()]);
      const members = Array.from({ length: 50 }, (_, index) => `member-${index}`);
      // Every member votes up, then down, then up again, all in flight at once; the last write of each wins.
      await Promise.all(
        members.flatMap((memberId, index) =>
          ([1, -1, 1] as const).map((value) =>
            stores[index % 2]?.vote({ guildId: GUILD, memberId, adapterId: INK, value }),
          ),
        ),
      );
      const result = (await stores[0]?.tallies(GUILD))?.get(INK);
      const votes = await Promise.all(members.map((memberId) => stores[0]?.memberVote(GUILD, memberId, INK)));
      const ups = votes.filter((vote) => vote === 1).length;
      expect(result).toEqual(tally({ votesUp: ups, votesDown: 50 - ups }));
    });

    it('counts a reaction for exactly the given adapters, once, and removing it restores the tallies', async () => {
      const store = await open();
      await store.vote({ guildId: GUILD, memberId: 'voter', adapterId: CITY, value: 1 });
      const before = await store.tallies(GUILD);
      const reaction = { guildId: GUILD, messageId: 'msg-1', memberId: 'm1', rating: 'up' as const };
      expect(await store.addReaction({ ...reaction, adapterIds: [FOX, INK, FOX] })).toBe(true);
      expect(await store.addReaction({ ...reaction, adapterIds: [FOX, INK] })).toBe(false);
      const during = await store.tallies(GUILD);
      expect(during.get(FOX)).toEqual(tally({ reactionsUp: 1 }));
      expect(during.get(INK)).toEqual(tally({ reactionsUp: 1 }));
      expect(during.get(CITY)).toEqual(before.get(CITY));
      expect(await store.removeReaction(reaction)).toBe(true);
      expect(await store.removeReaction(reaction)).toBe(false);
      expect(await store.tallies(GUILD)).toEqual(before);
      expect((await store.tallies(GLOBAL_SCOPE)).get(FOX)).toBeUndefined();
    });

    it('counts one member once per adapter however many reactions and renders, strongest first', async () => {
      const store = await open();
      const on = (messageId: string, rating: 'up' | 'down' | 'star') => ({
        guildId: GUILD,
        messageId,
        memberId: 'requester',
        rating,
      });
      await store.addReaction({ ...on('render-1', 'up'), adapterIds: [FOX] });
      await store.addReaction({ ...on('render-2', 'up'), adapterIds: [FOX, INK] });
      expect((await store.tallies(GUILD)).get(FOX)).toEqual(tally({ reactionsUp: 1 }));
      await store.addReaction({ ...on('render-1', 'star'), adapterIds: [FOX] });
      expect((await store.tallies(GUILD)).get(FOX)).toEqual(tally({ stars: 1 }));
      await store.removeReaction(on('render-1', 'star'));
      await store.removeReaction(on('render-1', 'up'));
      expect((await store.tallies(GUILD)).get(FOX)).toEqual(tally({ reactionsUp: 1 }));
      await store.addReaction({ ...on('render-2', 'down'), adapterIds: [FOX, INK] });
      // One 👍 and one 👎 from the same member cancel out.
      expect((await store.tallies(GUILD)).get(FOX)).toBeUndefined();
      await store.removeReaction(on('render-2', 'up'));
      const final = await store.tallies(GUILD);
      expect(final.get(FOX)).toEqual(tally({ reactionsDown: 1 }));
      expect(final.get(INK)).toEqual(tally({ reactionsDown: 1 }));
    });

    it('keeps exact reaction tallies under 100 concurrent reactions and removals', async () => {
      const stores = await Promise.all([open(), open(), open()]);
      const members = Array.from({ length: 100 }, (_, index) => `member-${index}`);
      const react = (memberId: string, index: number) => ({
        guildId: GUILD,
        messageId: 'grid',
        memberId,
        rating: index % 4 === 0 ? ('star' as const) : ('up' as const),
      });
      await Promise.all(
        members.map((memberId, index) =>
          stores[index % 3]?.addReaction({ ...react(memberId, index), adapterIds: [FOX, INK] }),
        ),
      );
      await Promise.all(
        members.slice(0, 30).map((memberId, index) => stores[(index + 1) % 3]?.removeReaction(react(memberId, index))),
      );
      // Of members 30..99: indices divisible by 4 starred (32, 36, ..., 96: 17 of them), the other 53 liked.
      const expected = tally({ reactionsUp: 53, stars: 17 });
      const result = await stores[0]?.tallies(GUILD);
      expect(result?.get(FOX)).toEqual(expected);
      expect(result?.get(INK)).toEqual(expected);
    });

    it('hides an adapter in one server only, and unhides it', async () => {
      const store = await open();
      expect(await store.hide(GUILD, CITY, 'moderator')).toBe(true);
      expect(await store.hide(GUILD, CITY, 'moderator')).toBe(false);
      expect(await store.hidden(GUILD)).toEqual(new Set([CITY]));
      expect(await store.hidden(OTHER_GUILD)).toEqual(new Set());
      expect(await store.unhide(GUILD, CITY)).toBe(true);
      expect(await store.unhide(GUILD, CITY)).toBe(false);
      expect(await store.hidden(GUILD)).toEqual(new Set());
    });

    it('allows a member a fixed number of votes per minute, counted per member', async () => {
      const store = await open();
      const minute = 1_700_000_040_000;
      const results: boolean[] = [];
      for (let attempt = 0; attempt < 4; attempt++)
        results.push(await store.takeVoteSlot(GUILD, 'eager', 3, minute + attempt));
      expect(results).toEqual([true, true, true, false]);
      expect(await store.takeVoteSlot(GUILD, 'calm', 3, minute + 10)).toBe(true);
      expect(await store.takeVoteSlot(GUILD, 'eager', 3, minute + 60_000)).toBe(true);
    });

    it('serves everything a previous instance wrote (a restart)', async () => {
      const first = await open();
      await first.vote({ guildId: GUILD, memberId: 'm1', adapterId: FOX, value: 1 });
      await first.addReaction({ guildId: GUILD, messageId: 'x', memberId: 'm2', rating: 'star', adapterIds: [FOX] });
      await first.hide(GUILD, INK, 'moderator');
      const second = await open();
      expect((await second.tallies(GUILD)).get(FOX)).toEqual(tally({ votesUp: 1, stars: 1 }));
      expect(await second.memberVote(GUILD, 'm1', FOX)).toBe(1);
      expect(await second.hidden(GUILD)).toEqual(new Set([INK]));
      expect(await second.removeReaction({ guildId: GUILD, messageId: 'x', memberId: 'm2', rating: 'star' })).toBe(
        true,
      );
      expect((await second.tallies(GUILD)).get(FOX)).toEqual(tally({ votesUp: 1 }));
    });
  });
}
