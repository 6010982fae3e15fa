import type { Keyv } from 'keyv';
import { z } from 'zod';
import { BASE_FAMILIES, type BaseFamily } from '../catalog/adapter.js';
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { KeyedLock } from '../util/keyed-lock.js';

/** Most images one /imagine may ask for unless a server says otherwise. */
export const DEFAULT_MAX_IMAGES = 4;

export const NSFW_POLICIES = ['channel', 'never'] as const;
export type NsfwPolicy = (typeof NSFW_POLICIES)[number];

/** What an admin may set with /settings; an absent key means "the bot's default". */
export const GuildSettingsSchema = z.object({
  defaultBase: z.enum(BASE_FAMILIES).optional(),
  /** "channel": NSFW adapters only in age-restricted channels; "never": nowhere on this server. */
  nsfw: z.enum(NSFW_POLICIES).optional(),
  maxImages: z.number().int().min(1).max(16).optional(),
  maxAdapters: z.number().int().min(1).max(12).optional(),
  maxQueuedPerUser: z.number().int().min(1).max(1000).optional(),
  /** Channels where the bot answers; empty means every channel. */
  channels: z
    .array(z.string().regex(/^\d{5,25}$/))
    .max(25)
    .optional(),
});
export type GuildSettings = z.infer<typeof GuildSettingsSchema>;
export type GuildSettingKey = keyof GuildSettings;

/** The settings in force in a guild: its own, else the bot's configuration. */
export interface EffectiveSettings {
  defaultBase: BaseFamily;
  nsfw: NsfwPolicy;
  maxImages: number;
  maxAdapters: number;
  maxQueuedPerUser: number;
  channels: string[];
}

export type SettingsDefaults = Pick<
  Config,
  'STYLUS_DEFAULT_BASE' | 'STYLUS_MAX_ADAPTERS' | 'RENDER_MAX_QUEUED_PER_USER'
>;

export function effectiveSettings(settings: GuildSettings, config: SettingsDefaults): EffectiveSettings {
  return {
    defaultBase: settings.defaultBase ?? config.STYLUS_DEFAULT_BASE,
    nsfw: settings.nsfw ?? 'channel',
    maxImages: settings.maxImages ?? DEFAULT_MAX_IMAGES,
    maxAdapters: settings.maxAdapters ?? config.STYLUS_MAX_ADAPTERS,
    maxQueuedPerUser: settings.maxQueuedPerUser ?? config.RENDER_MAX_QUEUED_PER_USER,
    channels: settings.channels ?? [],
  };
}

/**
 * Per-guild settings in the bot's Keyv state (SQLite or Redis), validated on read and write. Every change is
 * logged with who made it, the key, and the old and new values.
 */
export class GuildSettingsStore {
  private readonly lock = new KeyedLock();

  constructor(
    private readonly keyv: Keyv,
    private readonly log: Logger,
  ) {}

  async get(guildId: string): Promise<GuildSettings> {
    const raw: unknown = await this.keyv.get(guildId);
    if (raw === undefined) return {};
    const parsed = GuildSettingsSchema.safeParse(raw);
    if (parsed.success) return parsed.data;
    this.log.error({ guildId, issues: parsed.error.issues.slice(0, 3) }, 'stored guild settings are invalid');
    return {};
  }

  async effective(guildId: string | null, config: SettingsDefaults): Promise<EffectiveSettings> {
    return effectiveSettings(guildId ? await this.get(guildId) : {}, config);
  }

  /** Applies changes (validated as a whole) and logs each key that changed. */
  async set(guildId: string, userId: string, changes: GuildSettings): Promise<GuildSettings> {
    return this.lock.run(guildId, async () => {
      const current = await this.get(guildId);
      const next = GuildSettingsSchema.parse({ ...current, ...changes });
      await this.keyv.set(guildId, next);
      for (const key of Object.keys(changes) as GuildSettingKey[]) {
        if (JSON.stringify(current[key]) === JSON.stringify(next[key])) continue;
        this.log.info(
          { guildId, userId, key, old: current[key] ?? null, new: next[key] ?? null },
          'guild setting changed',
        );
      }
      return next;
    });
  }
}
