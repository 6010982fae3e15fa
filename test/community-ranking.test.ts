import { afterEach, describe, expect, it } from 'vitest';
import type { Adapter } from '../src/catalog/adapter.js';
import { makeAdapter } from './support/adapters.js';
import { adaptersCommand, fieldsOf, startCommunityBot } from './support/community-helpers.js';
import type { BotHarness } from './support/fake-discord-harness.js';
import { botFixtureAdapters } from './support/fake-discord-harness.js';
import { type FakeMember, type FakeMessage, MEMBER_PERMISSIONS } from './support/fake-discord-payloads.js';

type Json = Record<string, unknown>;
const FOX_A = 'hf:fixtures/fox-portrait-a';
const FOX_B = 'hf:fixtures/fox-portrait-b';
const CITY = 'hf:fixtures/cyberpunk-city';
const RED_FOX = 'hf:fixtures/red-fox';
const MANAGE_GUILD = 1n << 5n;

/** Two adapters that say exactly the same thing: equally relevant to any prompt. */
function twins(): Adapter[] {
  return [FOX_A, FOX_B].map((id) =>
    makeAdapter({
      id,
      name: 'Fox Portrait',
      category: 'animal',
      tags: ['fox portrait'],
      description: 'Portrait of a fox.',
    }),
  );
}

async function imagine(h: BotHarness, member: FakeMember, prompt: string) {
  const interaction = h.fake.slashCommand({
    member,
    name: 'imagine',
    options: [{ type: 3, name: 'prompt', value: prompt }],
  });
  await h.fake.waitForRequest(
    (request) => request.method === 'PATCH' && request.path.includes(interaction.token),
    'the composition',
  );
  const message = h.fake.originalMessage(interaction) as FakeMessage;
  const renderId = (message.components as Json[])
    .flatMap((row) => (row.components ?? []) as Json[])
    .map((component) => String(component.custom_id))
    .find((id) => id.startsWith('sty:render:'));
  const record = await h.bot.context.compositions.get(String(renderId).split(':')[2] ?? '');
  if (!record) throw new Error('no composition stored');
  const chosen = record.tasks.flatMap((task) => task.adapters.map((adapter) => adapter.adapterId));
  return { record, message, chosen, offered: new Set([...chosen, ...record.alternatives.flat()]) };
}

async function voteUp(h: BotHarness, adapterId: string, members: number): Promise<void> {
  for (let index = 0; index < members; index++) {
    await adaptersCommand(h, h.fake.member({ username: `voter${index}` }), 'vote', { adapter: adapterId, value: 'up' });
  }
}

describe('community ranking in compositions', () => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it('puts the up-voted one of two equally relevant adapters first; up-votes do not bring in an irrelevant one', async () => {
    const bot = await startCommunityBot({ redis: false, adapters: [...botFixtureAdapters(), ...twins()] });
    close = bot.close;
    const { h } = bot;
    const owner = h.fake.member({ username: 'owner' });
    const prompt = 'a fox portrait';

    const before = await imagine(h, owner, prompt);
    const twinsBefore = before.chosen.filter((id) => id === FOX_A || id === FOX_B);
    expect(twinsBefore[0]).toBe(FOX_A); // a tie, broken by id

    await voteUp(h, FOX_B, 3);
    await voteUp(h, CITY, 12);
    const after = await imagine(h, owner, prompt);
    expect(after.chosen.filter((id) => id === FOX_A || id === FOX_B)[0]).toBe(FOX_B);
    expect(after.chosen).not.toContain(CITY);
    // The embed shows the score of the voted adapter, and none for the one without ratings.
    const field = String(
      fieldsOf({ embeds: after.message.embeds }).find((f) => String(f.value).includes('Fox'))?.value,
    );
    expect(field).toMatch(/community 0\.\d\d/);
    expect(after.record.communityScores[FOX_B]).toBeGreaterThan(0.5);
    expect(after.record.communityScores[FOX_A]).toBeUndefined();
  });

  it('leaves out adapters below the floor once they have enough ratings in the server', async () => {
    const bot = await startCommunityBot({
      redis: false,
      adapters: [...botFixtureAdapters(), ...twins()],
      env: { COMMUNITY_FLOOR: '0.3', COMMUNITY_FLOOR_MIN_VOTES: '4' },
    });
    close = bot.close;
    const { h } = bot;
    const owner = h.fake.member({ username: 'owner' });
    for (let index = 0; index < 3; index++) {
      await adaptersCommand(h, h.fake.member(), 'vote', { adapter: FOX_A, value: 'down' });
    }
    // Three down-votes: below the floor, but not enough ratings to exclude it.
    expect((await imagine(h, owner, 'a fox portrait')).offered.has(FOX_A)).toBe(true);
    await adaptersCommand(h, h.fake.member(), 'vote', { adapter: FOX_A, value: 'down' });
    const after = await imagine(h, owner, 'a fox portrait');
    expect(after.offered.has(FOX_A)).toBe(false);
    expect(after.chosen).toContain(FOX_B);
  });
});

describe.each([
  ['SQLite', false],
  ['Redis', true],
])('hidden adapters (%s)', (_name, redis) => {
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    close = undefined;
  });

  it('never appear in that server: compositions, search, info, top, autocomplete; Manage Server only', async () => {
    const bot = await startCommunityBot({ redis });
    close = bot.close;
    const { h } = bot;
    const member = h.fake.member({ username: 'member' });
    const manager = h.fake.member({ username: 'manager', permissions: MEMBER_PERMISSIONS | MANAGE_GUILD });
    await voteUp(h, RED_FOX, 2);
    const prompt = 'a red fox in samurai armor';
    expect((await imagine(h, member, prompt)).chosen).toContain(RED_FOX);

    const refused = await adaptersCommand(h, member, 'hide', { adapter: RED_FOX });
    expect(String(refused.data.content)).toMatch(/Manage Server/);
    expect(await h.bot.context.community.hidden(h.fake.guild.id)).toEqual(new Set());
    const hidden = await adaptersCommand(h, manager, 'hide', { adapter: RED_FOX });
    expect(String(hidden.data.content)).toMatch(/is hidden in this server/);

    const composition = await imagine(h, member, `${prompt} again`);
    expect(composition.offered.has(RED_FOX)).toBe(false);
    expect(JSON.stringify(composition.message)).not.toContain('Red Fox');
    const search = await adaptersCommand(h, member, 'search', { query: 'fox' });
    expect(JSON.stringify(search.data)).not.toContain(RED_FOX);
    expect(JSON.stringify(search.data)).toContain('hf:fixtures/arctic-fox');
    expect(String((await adaptersCommand(h, member, 'info', { adapter: RED_FOX })).data.content)).toMatch(/No adapter/);
    const top = await adaptersCommand(h, member, 'top', {});
    expect(JSON.stringify(top.data)).not.toContain('Red Fox');
    const suggestions = h.fake.autocomplete({
      member,
      name: 'adapters',
      options: [{ type: 1, name: 'info', options: [{ type: 3, name: 'adapter', value: 'fox', focused: true }] }],
    });
    const choices = await h.fake.waitForRequest((request) =>
      request.path.startsWith(`/interactions/${suggestions.id}/`),
    );
    const values = ((choices.body.data as Json).choices as Json[]).map((choice) => choice.value);
    expect(values).toContain('hf:fixtures/arctic-fox');
    expect(values).not.toContain(RED_FOX);

    await adaptersCommand(h, manager, 'unhide', { adapter: RED_FOX });
    expect(JSON.stringify((await adaptersCommand(h, member, 'search', { query: 'fox' })).data)).toContain(RED_FOX);
  });
});
