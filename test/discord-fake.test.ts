import { Events } from 'discord.js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDiscordClient } from '../src/discord/client.js';
import { FakeDiscord } from './support/fake-discord.js';

describe('fake Discord with the real discord.js Client', () => {
  let fake: FakeDiscord;
  beforeEach(async () => {
    fake = await FakeDiscord.start();
  });
  afterEach(async () => {
    await fake.close();
  });

  it('logs in over GET /gateway/bot, IDENTIFY, READY and GUILD_CREATE, with the intents the bot needs', async () => {
    const client = createDiscordClient({ apiUrl: fake.apiUrl });
    const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
    await client.login(fake.token);
    await ready;
    try {
      expect(client.user?.id).toBe(fake.applicationId);
      expect(client.guilds.cache.has(fake.guild.id)).toBe(true);
      const gateway = fake.requests().find((request) => request.path === '/gateway/bot');
      expect(gateway?.authorization).toBe(`Bot ${fake.token}`);
      // Guilds (1 << 0) and GuildMessageReactions (1 << 10), nothing privileged.
      expect(fake.identifies[0]?.intents).toBe((1 << 0) | (1 << 10));
    } finally {
      await client.destroy();
    }
  });

  it('delivers reactions on messages the client never saw (partials)', async () => {
    const client = createDiscordClient({ apiUrl: fake.apiUrl });
    const ready = new Promise((resolve) => client.once(Events.ClientReady, resolve));
    await client.login(fake.token);
    await ready;
    try {
      const member = fake.member({ username: 'reactor' });
      const seen = new Promise<{ emoji: string | null; userId: string; partial: boolean }>((resolve) =>
        client.on(Events.MessageReactionAdd, (reaction, user) =>
          resolve({ emoji: reaction.emoji.name, userId: user.id, partial: reaction.message.partial }),
        ),
      );
      const removed = new Promise<string>((resolve) =>
        client.on(Events.MessageReactionRemove, (_reaction, user) => resolve(user.id)),
      );
      fake.reactionAdd({ member, messageId: '1234567890', emoji: '👍' });
      expect(await seen).toEqual({ emoji: '👍', userId: member.user.id, partial: true });
      fake.reactionRemove({ member, messageId: '1234567890', emoji: '👍' });
      expect(await removed).toBe(member.user.id);
    } finally {
      await client.destroy();
    }
  });
});
