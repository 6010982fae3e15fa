import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageLimitViolations } from '../src/discord/limits.js';
import { BotHarness } from './support/fake-discord-harness.js';
import type { FakeMember } from './support/fake-discord-payloads.js';

type Json = Record<string, unknown>;

describe('/adapters with the real discord.js Client', () => {
  let h: BotHarness;
  let member: FakeMember;

  beforeAll(async () => {
    h = await BotHarness.start();
    member = h.fake.member({ username: 'member' });
  });
  afterAll(async () => {
    await h.close();
  });

  function adapters(subcommand: string, options: Json[], who = member, channelId?: string) {
    return h.fake.slashCommand({
      member: who,
      name: 'adapters',
      options: [{ type: 1, name: subcommand, options }],
      ...(channelId ? { channelId } : {}),
    });
  }

  async function answer(interaction: { id: string }): Promise<Json> {
    const request = await h.fake.waitForRequest((r) => r.path.startsWith(`/interactions/${interaction.id}/`));
    expect(request.body.type).toBe(4);
    const data = request.body.data as Json;
    expect(messageLimitViolations(data)).toEqual([]);
    expect(data.allowed_mentions).toEqual({ parse: [] });
    return data;
  }

  const vote = (adapterId: string, value: 'up' | 'down', who: FakeMember) =>
    answer(
      adapters(
        'vote',
        [
          { type: 3, name: 'adapter', value: adapterId },
          { type: 3, name: 'value', value },
        ],
        who,
      ),
    );

  it('search lists matches with category, base family, trigger words and votes; NSFW only where allowed', async () => {
    const data = await answer(adapters('search', [{ type: 3, name: 'query', value: 'fox' }]));
    const fields = ((data.embeds as Json[])[0]?.fields ?? []) as Json[];
    const names = fields.map((field) => field.name);
    expect(names).toEqual(expect.arrayContaining(['Red Fox', 'Arctic Fox']));
    expect(names).not.toContain('After Dark Fox');
    const red = fields.find((field) => field.name === 'Red Fox');
    expect(String(red?.value)).toMatch(/animal · sdxl · triggers: `red fox` · 👍 \d+ · 👎 \d+/);

    const nsfwChannel = h.fake.guild.channels.find((channel) => channel.nsfw)?.id;
    const adult = await answer(adapters('search', [{ type: 3, name: 'query', value: 'fox' }], member, nsfwChannel));
    expect(JSON.stringify(adult.embeds)).toContain('After Dark Fox');
  });

  it('search with no match is answered ephemerally', async () => {
    const data = await answer(adapters('search', [{ type: 3, name: 'query', value: 'zeppelin' }]));
    expect(data.flags).toBe(64);
    expect(String(data.content)).toMatch(/No adapters match "zeppelin"/);
  });

  it('info autocompletes from the name cache and shows the adapter card', async () => {
    const complete = h.fake.autocomplete({
      member,
      name: 'adapters',
      options: [{ type: 1, name: 'info', options: [{ type: 3, name: 'adapter', value: 'samur', focused: true }] }],
    });
    const suggestion = await h.fake.waitForRequest((r) => r.path.startsWith(`/interactions/${complete.id}/`));
    expect(suggestion.body).toEqual({
      type: 8,
      data: { choices: [{ name: 'Samurai Armor', value: 'hf:fixtures/samurai-armor' }] },
    });

    const data = await answer(adapters('info', [{ type: 3, name: 'adapter', value: 'hf:fixtures/samurai-armor' }]));
    const embed = (data.embeds as Json[])[0] ?? {};
    expect(embed.title).toBe('Samurai Armor');
    expect(embed.url).toBe('https://huggingface.co/fixtures/samurai-armor');
    const fields = Object.fromEntries(((embed.fields ?? []) as Json[]).map((field) => [field.name, field.value]));
    expect(fields).toMatchObject({
      Category: 'clothing',
      'Recommended weight': '0.8',
      'Trigger words': 'samurai armor',
      Tags: 'samurai, armor',
    });
    expect(JSON.stringify(embed.fields)).toMatch(/👍 \d+ · 👎 \d+/);
    expect(fields.Licence).toBeDefined();
  });

  it('info on an unknown or NSFW adapter in a general channel is refused ephemerally', async () => {
    for (const id of ['hf:nope/nothing', 'hf:fixtures/after-dark']) {
      const data = await answer(adapters('info', [{ type: 3, name: 'adapter', value: id }]));
      expect(data.flags).toBe(64);
      expect(String(data.content)).toMatch(/No adapter ".*" here/);
    }
  });

  it('vote: one vote per member per adapter, a new vote replaces the old, tallies kept; top ranks by votes', async () => {
    const alice = h.fake.member({ username: 'alice' });
    const bob = h.fake.member({ username: 'bob' });
    const carol = h.fake.member({ username: 'carol' });
    // The tally in each answer shows one vote per member: repeating a vote changes nothing, a new one replaces it.
    expect(String((await vote('hf:fixtures/ink-wash', 'up', alice)).content)).toMatch(/Now 👍 1 · 👎 0/);
    expect(String((await vote('hf:fixtures/ink-wash', 'up', alice)).content)).toMatch(/Now 👍 1 · 👎 0/);
    expect(String((await vote('hf:fixtures/ink-wash', 'down', alice)).content)).toMatch(/Now 👍 0 · 👎 1/);
    await vote('hf:fixtures/ink-wash', 'up', bob);
    expect(String((await vote('hf:fixtures/ink-wash', 'up', carol)).content)).toMatch(/Now 👍 2 · 👎 1/);
    await vote('hf:fixtures/cyberpunk-city', 'up', alice);
    await vote('hf:fixtures/cyberpunk-city', 'up', carol);
    await vote('hf:fixtures/arctic-fox', 'down', bob);

    const top = await answer(adapters('top', []));
    const names = (((top.embeds as Json[])[0]?.fields ?? []) as Json[]).map((field) => field.name);
    expect(names).toEqual(['1. Cyberpunk City', '2. Ink Wash Painting', '3. Arctic Fox']);
    const styles = await answer(adapters('top', [{ type: 3, name: 'category', value: 'style' }]));
    expect((((styles.embeds as Json[])[0]?.fields ?? []) as Json[]).map((field) => field.name)).toEqual([
      '1. Ink Wash Painting',
    ]);

    // Tallies are stored: a restarted bot still has them (a fourth member's vote counts on top of them).
    await h.restart();
    const dave = h.fake.member({ username: 'dave' });
    expect(String((await vote('hf:fixtures/ink-wash', 'up', dave)).content)).toMatch(/Now 👍 3 · 👎 1/);
  });
});
