import { afterEach, describe, expect, it } from 'vitest';
import { EMPTY_TALLY, GLOBAL_SCOPE, type Tally } from '../src/community/types.js';
import { ratingForEmoji } from '../src/discord/reactions.js';
import { eventually, postResult, startCommunityBot } from './support/community-helpers.js';
import type { BotHarness } from './support/fake-discord-harness.js';
import { memberPayload } from './support/fake-discord-payloads.js';

const FOX = 'hf:fixtures/red-fox';
const WATERCOLOR = 'hf:fixtures/watercolor';
const ARMOR = 'hf:fixtures/samurai-armor';
const CITY = 'hf:fixtures/cyberpunk-city';

const tallies = (h: BotHarness) => h.bot.context.community.tallies(h.fake.guild.id);
const withUp = (count: number): Tally => ({ ...EMPTY_TALLY, reactionsUp: count });

describe.each([
  ['SQLite', false],
  ['Redis', true],
])('reaction feedback with the real discord.js Client (%s)', (_name, redis) => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it('👍 on a result from before a restart raises exactly its adapters; removing it restores the tallies', async () => {
    const bot = await startCommunityBot({ redis });
    close = bot.close;
    const { h } = bot;
    const requester = h.fake.member({ username: 'requester' });
    // A grid of two images: the message's adapters are the union of both masks.
    const grid = await postResult(
      h,
      [
        [FOX, WATERCOLOR],
        [FOX, ARMOR],
      ],
      requester,
    );
    const other = await postResult(h, [[CITY]], requester);
    const before = await tallies(h);

    await h.restart(); // a new Client: neither message is in its cache
    const member = h.fake.member({ username: 'fan' });
    h.fake.reactionAdd({ member, messageId: grid, emoji: '👍' });
    const during = await eventually(
      () => tallies(h),
      (map) => map.size === 3,
      'the reaction to count',
    );
    expect(during.get(FOX)).toEqual(withUp(1));
    expect(during.get(WATERCOLOR)).toEqual(withUp(1));
    expect(during.get(ARMOR)).toEqual(withUp(1));
    expect(during.get(CITY)).toBeUndefined();
    expect((await h.bot.context.community.tallies(GLOBAL_SCOPE)).get(FOX)).toEqual(withUp(1));

    h.fake.reactionRemove({ member, messageId: grid, emoji: '👍' });
    const after = await eventually(
      () => tallies(h),
      (map) => map.size === 0,
      'the removal to reverse it',
    );
    expect(after).toEqual(before);
    // The other message was never touched.
    h.fake.reactionAdd({ member, messageId: other, emoji: '👎' });
    const city = await eventually(
      () => tallies(h),
      (map) => map.has(CITY),
      'the 👎 on the other message',
    );
    expect(city.get(CITY)).toEqual({ ...EMPTY_TALLY, reactionsDown: 1 });
    expect(city.has(FOX)).toBe(false);
  });

  it("counts a requester's repeated ratings once, ignores the bot's own reactions and other emojis", async () => {
    const bot = await startCommunityBot({ redis });
    close = bot.close;
    const { h } = bot;
    const requester = h.fake.member({ username: 'requester' });
    const first = await postResult(h, [[FOX]], requester);
    const reroll = await postResult(h, [[FOX, WATERCOLOR]], requester);
    const sentinel = await postResult(h, [[CITY]], requester);
    const botMember = { user: h.fake.botUser, permissions: 0n };

    h.fake.reactionAdd({ member: requester, messageId: first, emoji: '👍' });
    h.fake.reactionAdd({ member: requester, messageId: first, emoji: '👍🏽' }); // the same 👍 with a skin tone
    h.fake.reactionAdd({ member: requester, messageId: reroll, emoji: '👍' });
    h.fake.reactionAdd({ member: botMember, messageId: first, emoji: '👍' });
    h.fake.reactionAdd({ member: requester, messageId: first, emoji: '🎉' });
    // Events are handled in gateway order: once the sentinel counts, everything before it has been handled.
    h.fake.reactionAdd({ member: h.fake.member(), messageId: sentinel, emoji: '👍' });
    const counted = await eventually(
      () => tallies(h),
      (map) => map.has(CITY),
      'the sentinel reaction',
    );
    expect(counted.get(FOX)).toEqual(withUp(1));
    expect(counted.get(WATERCOLOR)).toEqual(withUp(1));

    h.fake.reactionAdd({ member: requester, messageId: first, emoji: '⭐' });
    const starred = await eventually(
      () => tallies(h),
      (map) => map.get(FOX)?.stars === 1,
      'the ⭐',
    );
    expect(starred.get(FOX)).toEqual({ ...EMPTY_TALLY, stars: 1 });
    expect(starred.get(WATERCOLOR)).toEqual(withUp(1));
  });

  it('ignores reactions from members who joined less than the minimum age ago', async () => {
    const bot = await startCommunityBot({ redis, env: { COMMUNITY_MIN_MEMBER_AGE_HOURS: '24' } });
    close = bot.close;
    const { h } = bot;
    const requester = h.fake.member({ username: 'requester' });
    const result = await postResult(h, [[FOX]], requester);
    const sentinel = await postResult(h, [[CITY]], requester);
    const newcomer = h.fake.member({ username: 'newcomer' });
    // MESSAGE_REACTION_ADD carries the member, with joined_at: this one joined a minute ago.
    h.fake.dispatch('MESSAGE_REACTION_ADD', {
      user_id: newcomer.user.id,
      channel_id: h.fake.channelId,
      message_id: result,
      guild_id: h.fake.guild.id,
      emoji: { id: null, name: '👍' },
      burst: false,
      type: 0,
      member: { ...memberPayload(newcomer), joined_at: new Date(Date.now() - 60_000).toISOString() },
      message_author_id: h.fake.botUser.id,
    });
    h.fake.reactionAdd({ member: h.fake.member({ username: 'veteran' }), messageId: sentinel, emoji: '👍' });
    const counted = await eventually(
      () => tallies(h),
      (map) => map.has(CITY),
      'the veteran reaction',
    );
    expect(counted.has(FOX)).toBe(false);
  });
});

describe('reaction emojis', () => {
  it('maps 👍 👎 ⭐ (with skin tones and variation selectors) and nothing else', () => {
    expect(ratingForEmoji({ id: null, name: '👍' })).toBe('up');
    expect(ratingForEmoji({ id: null, name: '👍🏿' })).toBe('up');
    expect(ratingForEmoji({ id: null, name: '👎' })).toBe('down');
    expect(ratingForEmoji({ id: null, name: '⭐\uFE0F' })).toBe('star');
    expect(ratingForEmoji({ id: null, name: '❤️' })).toBeUndefined();
    // A server's custom emoji that happens to be named like one.
    expect(ratingForEmoji({ id: '123456789012345678', name: '👍' })).toBeUndefined();
  });
});
