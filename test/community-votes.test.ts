import { afterEach, describe, expect, it } from 'vitest';
import { makeAdapter } from './support/adapters.js';
import { adaptersCommand, customIdsOf, fieldsOf, startCommunityBot } from './support/community-helpers.js';
import { botFixtureAdapters } from './support/fake-discord-harness.js';

type Json = Record<string, unknown>;
const INK = 'hf:fixtures/ink-wash';

describe.each([
  ['SQLite', false],
  ['Redis', true],
])('/adapters votes with the real discord.js Client (%s)', (_name, redis) => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it('ends 200 concurrent votes on one adapter from 200 members in the exact tally', async () => {
    const bot = await startCommunityBot({ redis });
    close = bot.close;
    const { h } = bot;
    const members = Array.from({ length: 200 }, (_, index) => h.fake.member({ username: `member${index}` }));
    // All 200 interactions are dispatched before the bot has answered any of them.
    const answers = await Promise.all(
      members.map((member, index) =>
        adaptersCommand(h, member, 'vote', { adapter: INK, value: index % 4 === 0 ? 'down' : 'up' }),
      ),
    );
    expect(answers.every((answer) => answer.data.flags === 64)).toBe(true);
    expect(answers.every((answer) => /Your vote on Ink Wash Painting/.test(String(answer.data.content)))).toBe(true);
    const tally = (await h.bot.context.community.tallies(h.fake.guild.id)).get(INK);
    expect(tally).toMatchObject({ votesUp: 150, votesDown: 50 });
    const info = await adaptersCommand(h, h.fake.member(), 'info', { adapter: INK });
    const community = fieldsOf(info.data).find((field) => field.name === 'Community');
    expect(String(community?.value)).toContain('👍 150 · 👎 50');
  });

  it('lets a member see and withdraw their vote, vote from the info buttons, and limits votes per minute', async () => {
    const bot = await startCommunityBot({ redis, env: { COMMUNITY_VOTES_PER_MINUTE: '3' } });
    close = bot.close;
    const { h } = bot;
    const alice = h.fake.member({ username: 'alice' });
    expect(String((await adaptersCommand(h, alice, 'vote', { adapter: INK })).data.content)).toMatch(/: none\./);

    const info = await adaptersCommand(h, alice, 'info', { adapter: INK });
    const up = customIdsOf(info.data).find((id) => id.startsWith('cmty:vote:up:'));
    expect(up).toBe(`cmty:vote:up:${INK}`);
    const message = h.fake.originalMessage(info.interaction);
    if (!message) throw new Error('no info message');
    const click = h.fake.button({ member: alice, message, customId: String(up) });
    const clicked = await h.fake.waitForRequest((request) => request.path.startsWith(`/interactions/${click.id}/`));
    expect((clicked.body.data as Json).flags).toBe(64);
    expect(String((clicked.body.data as Json).content)).toMatch(/Your vote on Ink Wash Painting: up/);
    expect(String((await adaptersCommand(h, alice, 'vote', { adapter: INK })).data.content)).toMatch(/: up 👍\./);

    const cleared = await adaptersCommand(h, alice, 'vote', { adapter: INK, value: 'clear' });
    expect(String(cleared.data.content)).toMatch(/withdrawn/);
    expect(await h.bot.context.community.memberVote(h.fake.guild.id, alice.user.id, INK)).toBeUndefined();

    // Three votes a minute (the button and the clear used two): the next one goes through, then one is refused.
    expect(String((await adaptersCommand(h, alice, 'vote', { adapter: INK, value: 'down' })).data.content)).toMatch(
      /down/,
    );
    const refused = await adaptersCommand(h, alice, 'vote', { adapter: INK, value: 'up' });
    expect(String(refused.data.content)).toMatch(/You can vote 3 times a minute/);
    expect(await h.bot.context.community.memberVote(h.fake.guild.id, alice.user.id, INK)).toBe(-1);
    // The limit is per member.
    const bob = h.fake.member({ username: 'bob' });
    expect(String((await adaptersCommand(h, bob, 'vote', { adapter: INK, value: 'up' })).data.content)).toMatch(
      /Now 👍 1 · 👎 1/,
    );
  });
});

describe('/adapters top', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it('pages the server ranking with buttons for its requester only; global scope ranks over all servers', async () => {
    const extra = Array.from({ length: 12 }, (_, index) =>
      makeAdapter({
        id: `hf:fixtures/rank-${String(index).padStart(2, '0')}`,
        name: `Rank ${index}`,
        category: 'style',
      }),
    );
    const bot = await startCommunityBot({ redis: false, adapters: [...botFixtureAdapters(), ...extra] });
    close = bot.close;
    const { h } = bot;
    const { community } = h.bot.context;
    // rank-00 gets 12 up-votes, rank-11 one: the order is known in advance.
    for (const [index, adapter] of extra.entries()) {
      for (let voter = 0; voter < 12 - index; voter++) {
        await community.vote({ guildId: h.fake.guild.id, memberId: `v${voter}`, adapterId: adapter.id, value: 1 });
      }
    }
    // Another server loves ink wash: first over all servers, absent from this server's list.
    for (let voter = 0; voter < 20; voter++) {
      await community.vote({ guildId: 'another-server', memberId: `o${voter}`, adapterId: INK, value: 1 });
    }
    const alice = h.fake.member({ username: 'alice' });
    const first = await adaptersCommand(h, alice, 'top', { category: 'style' });
    expect(fieldsOf(first.data).map((field) => field.name)).toEqual(
      extra.slice(0, 10).map((adapter, index) => `${index + 1}. ${adapter.name}`),
    );
    const next = customIdsOf(first.data).find((id) => id.endsWith(':1'));
    const message = h.fake.originalMessage(first.interaction);
    if (!next || !message) throw new Error('no Next button');

    const bob = h.fake.member({ username: 'bob' });
    const stranger = h.fake.button({ member: bob, message, customId: next });
    const refused = await h.fake.waitForRequest((request) => request.path.startsWith(`/interactions/${stranger.id}/`));
    expect(String((refused.body.data as Json).content)).toMatch(/Only the member who asked/);

    const click = h.fake.button({ member: alice, message, customId: next });
    const paged = await h.fake.waitForRequest((request) => request.path.startsWith(`/interactions/${click.id}/`));
    expect(paged.body.type).toBe(7);
    expect(fieldsOf(paged.body.data as Json).map((field) => field.name)).toEqual(['11. Rank 10', '12. Rank 11']);

    const server = await adaptersCommand(h, alice, 'top', {});
    expect(fieldsOf(server.data)[0]?.name).toBe('1. Rank 0');
    expect(fieldsOf(server.data).some((field) => String(field.name).endsWith('Ink Wash Painting'))).toBe(false);
    const global = await adaptersCommand(h, alice, 'top', { scope: 'global' });
    expect(fieldsOf(global.data)[0]?.name).toBe('1. Ink Wash Painting');
  });
});
