import type { SlashCommand } from '../src/discord/context.js';
import { adapters } from './adapters.js';
import { help } from './help.js';
import { imagine } from './imagine.js';
import { settings } from './settings.js';

/** Every slash command the bot answers and deploy-commands registers. */
export const SLASH_COMMANDS: readonly SlashCommand[] = [imagine, adapters, help, settings];
