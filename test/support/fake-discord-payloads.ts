import { randomBytes } from 'node:crypto';

/**
 * Payload shapes of Discord's API v10 as the fake sends them: users, members, guilds, messages, interactions.
 * Only the fields discord.js reads are filled; each builder follows the documented object.
 */

const DISCORD_EPOCH = 1_420_070_400_000n;
let snowflakeCounter = 0n;

/** A snowflake with a real timestamp part, so discord.js's createdTimestamp is sensible. */
export function snowflake(): string {
  snowflakeCounter = (snowflakeCounter + 1n) % 4096n;
  return (((BigInt(Date.now()) - DISCORD_EPOCH) << 22n) | snowflakeCounter).toString();
}

export function interactionToken(): string {
  return `aW50ZXJhY3Rpb24${randomBytes(24).toString('base64url')}`;
}

/** Permission bits the fake hands out (Discord's documented values). */
export const PERMISSIONS = {
  viewChannel: 1n << 10n,
  sendMessages: 1n << 11n,
  manageMessages: 1n << 13n,
  embedLinks: 1n << 14n,
  attachFiles: 1n << 15n,
  addReactions: 1n << 6n,
  manageGuild: 1n << 5n,
  useApplicationCommands: 1n << 31n,
} as const;

export const MEMBER_PERMISSIONS =
  PERMISSIONS.viewChannel | PERMISSIONS.sendMessages | PERMISSIONS.addReactions | PERMISSIONS.useApplicationCommands;
export const MODERATOR_PERMISSIONS = MEMBER_PERMISSIONS | PERMISSIONS.manageMessages;

export interface FakeUser {
  id: string;
  username: string;
  bot?: boolean;
}

export interface FakeMember {
  user: FakeUser;
  /** Permission bitfield of the member in the channel. */
  permissions: bigint;
}

export function userPayload(user: FakeUser) {
  return {
    id: user.id,
    username: user.username,
    discriminator: '0',
    global_name: user.username,
    avatar: null,
    bot: user.bot ?? false,
    system: false,
    public_flags: 0,
  };
}

export function memberPayload(member: FakeMember) {
  return {
    user: userPayload(member.user),
    roles: [],
    joined_at: new Date(0).toISOString(),
    deaf: false,
    mute: false,
    flags: 0,
    pending: false,
    permissions: member.permissions.toString(),
  };
}

export interface FakeGuild {
  id: string;
  name: string;
  ownerId: string;
  channels: { id: string; name: string; nsfw?: boolean }[];
}

export function channelPayload(guildId: string, channel: FakeGuild['channels'][number]) {
  return {
    id: channel.id,
    type: 0,
    guild_id: guildId,
    name: channel.name,
    position: 0,
    permission_overwrites: [],
    nsfw: channel.nsfw ?? false,
    topic: null,
    last_message_id: null,
    rate_limit_per_user: 0,
    parent_id: null,
    flags: 0,
  };
}

export function guildCreatePayload(guild: FakeGuild) {
  return {
    id: guild.id,
    name: guild.name,
    icon: null,
    splash: null,
    discovery_splash: null,
    owner_id: guild.ownerId,
    afk_channel_id: null,
    afk_timeout: 300,
    verification_level: 0,
    default_message_notifications: 0,
    explicit_content_filter: 0,
    mfa_level: 0,
    nsfw_level: 0,
    premium_tier: 0,
    system_channel_id: null,
    system_channel_flags: 0,
    rules_channel_id: null,
    public_updates_channel_id: null,
    preferred_locale: 'en-US',
    features: [],
    roles: [
      {
        id: guild.id,
        name: '@everyone',
        color: 0,
        hoist: false,
        icon: null,
        unicode_emoji: null,
        position: 0,
        permissions: MEMBER_PERMISSIONS.toString(),
        managed: false,
        mentionable: false,
        flags: 0,
      },
    ],
    emojis: [],
    stickers: [],
    channels: guild.channels.map((channel) => {
      // GUILD_CREATE channels carry no guild_id: the guild is implied.
      const { guild_id: _implied, ...rest } = channelPayload(guild.id, channel);
      return rest;
    }),
    threads: [],
    members: [],
    voice_states: [],
    presences: [],
    stage_instances: [],
    guild_scheduled_events: [],
    soundboard_sounds: [],
    member_count: 2,
    large: false,
    unavailable: false,
    joined_at: new Date(0).toISOString(),
  };
}

export interface FakeAttachment {
  id: string;
  filename: string;
  size: number;
  url: string;
  proxy_url: string;
  content_type?: string;
  width?: number;
  height?: number;
}

/** A stored message as the fake returns it from REST and embeds in component interactions. */
export interface FakeMessage {
  id: string;
  type: number;
  channel_id: string;
  guild_id?: string;
  author: ReturnType<typeof userPayload>;
  content: string;
  embeds: unknown[];
  components: unknown[];
  attachments: FakeAttachment[];
  flags: number;
  timestamp: string;
  edited_timestamp: string | null;
  tts: boolean;
  mention_everyone: boolean;
  mentions: unknown[];
  mention_roles: unknown[];
  pinned: boolean;
  webhook_id?: string;
  application_id?: string;
  allowed_mentions?: unknown;
  interaction_metadata?: {
    id: string;
    type: number;
    user: ReturnType<typeof userPayload>;
    authorizing_integration_owners: Record<string, string>;
  };
}
