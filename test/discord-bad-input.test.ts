import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotHarness } from './support/fake-discord-harness.js';
import type { FakeAttachment, FakeMember, FakeMessage } from './support/fake-discord-payloads.js';

type Json = Record<string, unknown>;

/**
 * Every bad input of the list, through the real discord.js Client: each gets a clear ephemeral answer,
 * nothing crashes, and no stored composition changes.
 */
describe('bad input', () => {
  let h: BotHarness;
  let owner: FakeMember;
  let message: FakeMessage;
  let compositionId: string;

  const png = (width: number, height: number) =>
    sharp({ create: { width, height, channels: 3, background: '#808080' } })
      .png()
      .toBuffer();

  /** The ephemeral answer to an interaction, which never pings. */
  async function ephemeralAnswer(interaction: {
    id: string;
    token: string;
  }): Promise<{ content: string; via: string }> {
    const { data, via } = await h.ephemeralAnswer(interaction);
    expect(Number(data.flags) & 64).toBe(64);
    expect(data.allowed_mentions).toEqual({ parse: [] });
    return { content: String(data.content), via };
  }

  function imagine(prompt: string, attachments: { image?: FakeAttachment; mask?: FakeAttachment } = {}) {
    const options: Json[] = [{ type: 3, name: 'prompt', value: prompt }];
    if (attachments.image) options.push({ type: 11, name: 'image', value: attachments.image.id });
    if (attachments.mask) options.push({ type: 11, name: 'mask', value: attachments.mask.id });
    return h.fake.slashCommand({
      member: owner,
      name: 'imagine',
      options,
      attachments: [attachments.image, attachments.mask].filter((a): a is FakeAttachment => a !== undefined),
    });
  }

  beforeAll(async () => {
    h = await BotHarness.start();
    owner = h.fake.member({ username: 'owner' });
    const interaction = imagine('a red fox in samurai armor, watercolor style, cyberpunk city');
    await h.fake.waitForRequest((request) => request.method === 'PATCH' && request.path.includes(interaction.token));
    const original = h.fake.originalMessage(interaction);
    if (!original) throw new Error('no composition message');
    message = original;
    const render = JSON.stringify(message.components).match(/sty:render:([\w-]+)/);
    compositionId = render?.[1] ?? '';
  });
  afterAll(async () => {
    await h.close();
  });

  async function expectUnchanged(action: () => Promise<void>): Promise<void> {
    const before = await h.bot.context.compositions.get(compositionId);
    await action();
    expect(await h.bot.context.compositions.get(compositionId)).toEqual(before);
  }

  it('an empty prompt', async () => {
    const answer = await ephemeralAnswer(imagine('   '));
    expect(answer).toEqual({ content: expect.stringMatching(/prompt is empty/), via: 'reply' });
  });

  it("a prompt over Discord's 6000-character option budget", async () => {
    const answer = await ephemeralAnswer(imagine('fox '.repeat(1501)));
    expect(answer.content).toMatch(/6004 characters long; the limit is \d+/);
  });

  it('@everyone, role mentions and markdown are echoed inert', async () => {
    const interaction = imagine('@everyone <@&123456789012345678> **bold** red fox __under__ `code`');
    const edit = await h.fake.waitForRequest(
      (request) => request.method === 'PATCH' && request.path.includes(interaction.token),
    );
    expect(edit.body.allowed_mentions).toEqual({ parse: [] });
    const title = String((edit.body.embeds as Json[])[0]?.title);
    expect(title).not.toMatch(/@everyone/);
    expect(title).not.toContain('<@&');
    expect(title).toContain('\\*\\*bold\\*\\*');
    expect(title).toContain('\\`code\\`');
  });

  it('an attachment that is not PNG, JPEG or WebP', async () => {
    const image = h.fake.attachment(Buffer.from('hello'), 'notes.txt', 'text/plain');
    expect((await ephemeralAnswer(imagine('a red fox', { image }))).content).toMatch(/must be a PNG, JPEG or WebP/);
  });

  it('an attachment over 10 MiB', async () => {
    const image = h.fake.attachment(await png(8, 8), 'huge.png', 'image/png', 11 * 1024 * 1024);
    expect((await ephemeralAnswer(imagine('a red fox', { image }))).content).toMatch(
      /11\.0 MiB; the limit is 10\.0 MiB/,
    );
  });

  it('a corrupt image: the deferred reply is removed and the answer is private', async () => {
    const image = h.fake.attachment(Buffer.from('\x89PNG\r\n\x1a\nnot really'), 'broken.png', 'image/png');
    const interaction = imagine('a red fox', { image });
    const answer = await ephemeralAnswer(interaction);
    expect(answer).toEqual({ content: expect.stringMatching(/not a readable PNG, JPEG or WebP/), via: 'followup' });
    const deleted = h.fake.requestsFor(interaction).find((request) => request.method === 'DELETE');
    expect(deleted?.rawPath).toContain('%40original');
  });

  it('a mask whose size differs from the image', async () => {
    const image = h.fake.attachment(await png(64, 64), 'image.png', 'image/png');
    const mask = h.fake.attachment(await png(32, 64), 'mask.png', 'image/png');
    expect((await ephemeralAnswer(imagine('a red fox', { image, mask }))).content).toMatch(
      /mask is 32×64 but the image is 64×64/,
    );
  });

  it('a mask without an image', async () => {
    const mask = h.fake.attachment(await png(8, 8), 'mask.png', 'image/png');
    expect((await ephemeralAnswer(imagine('a red fox', { mask }))).content).toMatch(/mask needs an image/);
  });

  it('forged or stale custom_ids: bad action, unknown composition, wrong slot', async () => {
    await expectUnchanged(async () => {
      const bad = h.fake.button({ member: owner, message, customId: `sty:explode:${compositionId}` });
      expect((await ephemeralAnswer(bad)).content).toMatch(/control is not valid/);
      const unknown = h.fake.button({ member: owner, message, customId: 'sty:render:nosuchcomposition' });
      expect((await ephemeralAnswer(unknown)).content).toMatch(/no longer available/);
      const slot = h.fake.select({ member: owner, message, customId: `sty:swap:${compositionId}:9`, values: ['none'] });
      expect((await ephemeralAnswer(slot)).content).toMatch(/no longer matches/);
      const garbage = h.fake.button({ member: owner, message, customId: 'sty:render' });
      expect((await ephemeralAnswer(garbage)).content).toMatch(/control is not valid/);
    });
  });

  it('a select value that was not offered', async () => {
    await expectUnchanged(async () => {
      const forged = h.fake.select({
        member: owner,
        message,
        customId: `sty:swap:${compositionId}:0`,
        values: ['hf:fixtures/after-dark'],
      });
      expect((await ephemeralAnswer(forged)).content).toMatch(/not one of the adapters offered/);
      const mixed = h.fake.select({
        member: owner,
        message,
        customId: `sty:swap:${compositionId}:0`,
        values: ['none', 'hf:fixtures/red-fox'],
      });
      expect((await ephemeralAnswer(mixed)).content).toMatch(/"none" on its own/);
    });
  });

  it('a modal weight outside 0-2 or not a number', async () => {
    const record = await h.bot.context.compositions.get(compositionId);
    const customId = `sty:wsave:${compositionId}:${record?.revision}`;
    await expectUnchanged(async () => {
      for (const value of ['3', 'abc', '-1', '']) {
        const submit = h.fake.modalSubmit({ member: owner, message, customId, fields: { w0: value, w1: '1' } });
        expect((await ephemeralAnswer(submit)).content).toMatch(/must be a number from 0 to 2.*Nothing was changed/);
      }
    });
  });

  it('a click by another member', async () => {
    await expectUnchanged(async () => {
      const stranger = h.fake.member({ username: 'stranger' });
      for (const action of ['render', 'export', 'cancel', 'weights']) {
        const click = h.fake.button({ member: stranger, message, customId: `sty:${action}:${compositionId}` });
        expect((await ephemeralAnswer(click)).content).toMatch(/not yours/);
      }
    });
  });

  it('an autocomplete query of 200 characters', async () => {
    const interaction = h.fake.autocomplete({
      member: owner,
      name: 'adapters',
      options: [
        {
          type: 1,
          name: 'info',
          options: [{ type: 3, name: 'adapter', value: 'fox'.repeat(67).slice(0, 200), focused: true }],
        },
      ],
    });
    const answer = await h.fake.waitForRequest((request) =>
      request.path.startsWith(`/interactions/${interaction.id}/`),
    );
    expect(answer.body.type).toBe(8);
    const choices = (answer.body.data as Json).choices as Json[];
    expect(Array.isArray(choices)).toBe(true);
    expect(choices.length).toBeLessThanOrEqual(25);
  });
});
