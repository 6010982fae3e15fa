import { afterEach, describe, expect, it } from 'vitest';
import { compositionAdapterIds, compositionImages, negativePromptFor } from '../src/discord/composition-images.js';
import type { CompositionRecord } from '../src/state/compositions.js';
import { makeAdapter } from './support/adapters.js';
import { BotHarness } from './support/fake-discord-harness.js';
import type { FakeMember } from './support/fake-discord-payloads.js';
import { MEMBER_PERMISSIONS, PERMISSIONS } from './support/fake-discord-payloads.js';

type Json = Record<string, unknown>;

const PROMPT = 'a red fox in samurai armor, watercolor style, cyberpunk city at night';
const NSFW_ADAPTER = 'hf:fixtures/after-dark';

/** The age-restricted channel of the fake guild. */
function afterDarkChannel(h: BotHarness): string {
  const channel = h.fake.guild.channels.find((candidate) => candidate.nsfw);
  if (!channel) throw new Error('the fake guild has no age-restricted channel');
  return channel.id;
}

async function ephemeralText(h: BotHarness, interaction: { id: string; token: string }): Promise<string> {
  return String((await h.ephemeralAnswer(interaction)).data.content);
}

function settingsCommand(h: BotHarness, member: FakeMember, options: Json[]) {
  return h.fake.slashCommand({ member, name: 'settings', options });
}

/** Runs /imagine in a channel and returns the stored composition once the reply shows it. */
async function imagine(
  h: BotHarness,
  member: FakeMember,
  channelId: string,
  prompt = PROMPT,
): Promise<CompositionRecord> {
  const interaction = h.fake.slashCommand({
    member,
    channelId,
    name: 'imagine',
    options: [{ type: 3, name: 'prompt', value: prompt }],
  });
  await h.fake.waitForRequest(
    (request) => request.method === 'PATCH' && request.path.includes(interaction.token),
    'the composition',
  );
  const message = h.fake.originalMessage(interaction);
  const renderId = (message?.components as Json[] | undefined)
    ?.flatMap((row) => (row.components ?? []) as Json[])
    .map((component) => String(component.custom_id))
    .find((id) => id.startsWith('sty:render:'));
  const record = renderId ? await h.bot.context.compositions.get(renderId.split(':')[2] ?? '') : undefined;
  if (!record) throw new Error('no stored composition');
  return record;
}

async function loraCounts(h: BotHarness, record: CompositionRecord): Promise<number[]> {
  const adapters = new Map(
    (await h.services.store.list({ limit: 100, filter: { allowNsfw: true } })).map((adapter) => [adapter.id, adapter]),
  );
  return compositionImages(record, adapters, h.services.config).map((image) => image.loras.length);
}

describe('/settings and /help with the real discord.js Client', () => {
  let h: BotHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('refuses a member without Manage Server and changes nothing', async () => {
    h = await BotHarness.start();
    const member = h.fake.member({ username: 'member' });
    const answer = await ephemeralText(h, settingsCommand(h, member, [{ type: 4, name: 'adapters', value: 2 }]));
    expect(answer).toBe('Only members with the Manage Server permission can change these settings.');
    expect(await h.bot.context.settings.get(h.fake.guild.id)).toEqual({});
  });

  it('refuses an explicit prompt where NSFW is not allowed; renders from plain channels keep nudity out', async () => {
    h = await BotHarness.start();
    const member = h.fake.member({ username: 'member' });
    const general = h.fake.guild.channels.find((channel) => !channel.nsfw)?.id ?? '';
    const explicit = 'a naked woman on a beach, watercolor style';

    const refused = await ephemeralText(
      h,
      h.fake.slashCommand({
        member,
        channelId: general,
        name: 'imagine',
        options: [{ type: 3, name: 'prompt', value: explicit }],
      }),
    );
    expect(refused).toBe(
      'This prompt asks for explicit content ("naked"), which this bot draws only in age-restricted channels that the server allows it in.',
    );

    const plain = await imagine(h, member, general);
    expect(plain.ageRestricted).toBe(false);
    expect(negativePromptFor(plain, h.services.config)).toContain('nsfw, nude, naked');

    const adult = await imagine(h, member, afterDarkChannel(h), explicit);
    expect(adult.ageRestricted).toBe(true);
    expect(negativePromptFor(adult, h.services.config)).toBe(h.services.config.RENDER_NEGATIVE_PROMPT);
  });

  it('adapters per image and NSFW "never" apply to /imagine in an age-restricted channel, and /help shows them', async () => {
    h = await BotHarness.start({ env: { STYLUS_MAX_ADAPTERS: '4' } });
    const member = h.fake.member({ username: 'member' });
    const admin = h.fake.member({ username: 'admin', permissions: MEMBER_PERMISSIONS | PERMISSIONS.manageGuild });
    const nsfwChannel = afterDarkChannel(h);

    // Before: the age-restricted channel may offer the NSFW adapter, and the first image stacks more than two.
    const before = await imagine(h, member, nsfwChannel);
    expect(compositionAdapterIds(before)).toContain(NSFW_ADAPTER);
    expect(Math.max(...(await loraCounts(h, before)))).toBeGreaterThan(2);

    const saved = await ephemeralText(
      h,
      settingsCommand(h, admin, [
        { type: 4, name: 'adapters', value: 2 },
        { type: 3, name: 'nsfw', value: 'never' },
      ]),
    );
    expect(saved).toContain('Settings saved.');
    expect(saved).toContain('Adapters per image: at most 2');
    expect(saved).toContain('NSFW adapters: never');

    const after = await imagine(h, member, nsfwChannel);
    expect(after.maxAdapters).toBe(2);
    expect(compositionAdapterIds(after)).not.toContain(NSFW_ADAPTER);
    const counts = await loraCounts(h, after);
    expect(counts.length).toBeGreaterThan(0);
    expect(Math.max(...counts)).toBeLessThanOrEqual(2);

    const helpAnswer = await h.ephemeralAnswer(h.fake.slashCommand({ member, name: 'help' }));
    expect(helpAnswer.data.allowed_mentions).toEqual({ parse: [] });
    const help = String(helpAnswer.data.content);
    expect(help).toContain('/imagine prompt:');
    expect(help).toContain('/settings');
    expect(help).toContain('Adapters per image: at most 2');
    expect(help).toContain('NSFW adapters: never');
    expect(help).toContain('Channels: all');
  });

  it('the default base must be a family the catalog has, and then /imagine composes for it', async () => {
    h = await BotHarness.start({
      adapters: [
        makeAdapter({ id: 'civitai:1', name: 'Watercolor Dream', baseFamily: 'sd1', triggerWords: ['watercolor'] }),
      ],
    });
    const admin = h.fake.member({ username: 'admin', permissions: MEMBER_PERMISSIONS | PERMISSIONS.manageGuild });
    const refused = settingsCommand(h, admin, [{ type: 3, name: 'default_base', value: 'flux1' }]);
    expect(await ephemeralText(h, refused)).toBe(
      'The catalog has no Flux.1 adapters, so it cannot be the default base.',
    );
    const saved = await ephemeralText(h, settingsCommand(h, admin, [{ type: 3, name: 'default_base', value: 'sd1' }]));
    expect(saved).toContain('Default base model: SD 1.5 (sd1)');
    const interaction = h.fake.slashCommand({
      member: h.fake.member(),
      name: 'imagine',
      options: [{ type: 3, name: 'prompt', value: 'a castle at dusk, watercolor' }],
    });
    await h.fake.waitForRequest(
      (request) => request.method === 'PATCH' && request.path.includes(interaction.token),
      'the composition',
    );
    const embeds = JSON.stringify(h.fake.originalMessage(interaction)?.embeds);
    expect(embeds).toContain('SD 1.5 · seed');
    expect(embeds).toContain('Watercolor Dream');
  });

  it("the server's queue limit refuses a member's second waiting render", async () => {
    const harness = await BotHarness.start({
      renderQueue: true,
      env: { COMFYUI_URL: 'http://127.0.0.1:9', CHECKPOINT_SDXL: 'sd_xl_base_1.0.safetensors' },
    });
    h = harness;
    const admin = h.fake.member({ username: 'admin', permissions: MEMBER_PERMISSIONS | PERMISSIONS.manageGuild });
    await ephemeralText(h, settingsCommand(h, admin, [{ type: 4, name: 'queue_limit', value: 1 }]));
    const member = h.fake.member();
    const autoImagine = (prompt: string) =>
      harness.fake.slashCommand({
        member,
        name: 'imagine',
        options: [
          { type: 3, name: 'prompt', value: prompt },
          { type: 5, name: 'auto', value: true },
        ],
      });
    expect(await ephemeralText(h, autoImagine(PROMPT))).toMatch(/^Render queued/);
    expect(await ephemeralText(h, autoImagine('a red fox, watercolor'))).toBe(
      'You already have 1 render waiting. Wait for one to finish (or cancel one) and try again.',
    );
    expect(await h.queue?.activeCountFor(member.user.id)).toBe(1);
  });

  it('a channel restriction makes /imagine elsewhere answer with the allowed channels', async () => {
    h = await BotHarness.start();
    const member = h.fake.member({ username: 'member' });
    const admin = h.fake.member({ username: 'admin', permissions: MEMBER_PERMISSIONS | PERMISSIONS.manageGuild });
    const allowed = afterDarkChannel(h);
    await ephemeralText(h, settingsCommand(h, admin, [{ type: 3, name: 'channels', value: `<#${allowed}>` }]));
    expect((await h.bot.context.settings.get(h.fake.guild.id)).channels).toEqual([allowed]);

    const refused = h.fake.slashCommand({
      member,
      name: 'imagine',
      options: [{ type: 3, name: 'prompt', value: PROMPT }],
    });
    expect(await ephemeralText(h, refused)).toBe(`On this server the bot answers only in <#${allowed}>.`);
    expect(h.fake.requestsFor(refused).every((request) => !request.path.includes('/messages/@original'))).toBe(true);
  });
});
