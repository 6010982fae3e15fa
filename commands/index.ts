import type { SlashCommand } from '../src/discord/context.js';
import { adapters } from './adapters.js';
import { imagine } from './imagine.js';

/** Every slash command the bot answers and deploy-commands registers. */
export const SLASH_COMMANDS: readonly SlashCommand[] = [imagine, adapters];
