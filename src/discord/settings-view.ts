import { BASE_FAMILY_LABELS } from '../catalog/adapter.js';
import type { EffectiveSettings } from '../state/guild-settings.js';

/** This server's settings as lines a member reads (in /help and /settings). */
export function settingsLines(settings: EffectiveSettings): string[] {
  return [
    `Default base model: ${BASE_FAMILY_LABELS[settings.defaultBase]} (${settings.defaultBase})`,
    `NSFW adapters: ${settings.nsfw === 'never' ? 'never' : 'only in age-restricted channels'}`,
    `Images per request: at most ${settings.maxImages}`,
    `Adapters per image: at most ${settings.maxAdapters}`,
    `Renders waiting per member: at most ${settings.maxQueuedPerUser}`,
    `Channels: ${settings.channels.length === 0 ? 'all' : settings.channels.map((id) => `<#${id}>`).join(', ')}`,
  ];
}
