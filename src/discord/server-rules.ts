import type { BaseInteraction } from 'discord.js';
import { explicitTermIn } from '../catalog/classify/safety.js';
import { UserFacingError } from '../errors.js';
import type { EffectiveSettings } from '../state/guild-settings.js';
import type { BotContext } from './context.js';

/** Commands that answer everywhere, so an admin can always read and lift a channel restriction. */
const ANYWHERE = new Set(['help', 'settings']);

/** Refuses a command in a channel the server's settings leave out, naming the channels where the bot answers. */
export function requireAllowedChannel(commandName: string, channelId: string, settings: EffectiveSettings): void {
  if (ANYWHERE.has(commandName) || settings.channels.length === 0 || settings.channels.includes(channelId)) return;
  const list = settings.channels.map((id) => `<#${id}>`).join(', ');
  throw new UserFacingError(`On this server the bot answers only in ${list}.`, 'channel_not_allowed');
}

/** NSFW adapters: never when the server says so, otherwise only in an age-restricted channel. */
export function nsfwAllowed(interaction: BaseInteraction, settings: Pick<EffectiveSettings, 'nsfw'>): boolean {
  const channel = interaction.channel;
  return settings.nsfw !== 'never' && channel !== null && 'nsfw' in channel && channel.nsfw === true;
}

/** nsfwAllowed with this server's settings read first. */
export async function nsfwAllowedHere(interaction: BaseInteraction, context: BotContext): Promise<boolean> {
  return nsfwAllowed(interaction, await context.settings.effective(interaction.guildId, context.services.config));
}

/**
 * Refuses a prompt that asks for explicit content where NSFW is not allowed: no adapter filter keeps the base model
 * from drawing what the prompt itself asks for.
 */
export function requireSfwPrompt(prompt: string, allowNsfw: boolean): void {
  if (allowNsfw) return;
  const term = explicitTermIn(prompt);
  if (term === undefined) return;
  throw new UserFacingError(
    `This prompt asks for explicit content ("${term}"), which this bot draws only in age-restricted channels that the server allows it in.`,
    'explicit_prompt',
  );
}
