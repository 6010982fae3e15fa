import { Client, GatewayIntentBits, Partials } from 'discord.js';

export interface DiscordClientOptions {
  /** REST base, `https://discord.com/api` by default; discord.js appends the version. Tests point it at a fake. */
  apiUrl: string;
}

/**
 * The discord.js Client with only what the bot uses: guilds (slash commands arrive as interactions regardless of
 * intents) and reactions on its messages, with partials so reactions on messages sent before a restart still
 * arrive. No member text is ever allowed to ping: `allowedMentions: { parse: [] }` is the client default, and
 * every reply that echoes user text sets it again explicitly.
 */
export function createDiscordClient(options: DiscordClientOptions): Client {
  return new Client({
    intents: [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessageReactions],
    partials: [Partials.Message, Partials.Channel, Partials.Reaction, Partials.User],
    allowedMentions: { parse: [] },
    rest: { api: options.apiUrl },
  });
}
