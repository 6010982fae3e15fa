import { SLASH_COMMANDS } from '../../commands/index.js';
import { getConfig, loadConfig } from '../config.js';
import { deployCommands } from '../discord/deploy.js';
import { explainDiscordFailure } from '../discord/login-errors.js';
import { UserFacingError } from '../errors.js';
import { type CliIo, writeLine } from './io.js';
import { defineCommand, parseCommand } from './spec.js';

const spec = defineCommand({
  command: 'stylus deploy-commands',
  summary: 'Register the slash commands with Discord: once, and again whenever they change.',
  flags: {},
  examples: ['npm run deploy-commands'],
  notes: [
    'To DISCORD_DEV_GUILD_ID when set (they appear at once), else globally (up to an hour). Needs DISCORD_TOKEN.',
  ],
});

/** `stylus deploy-commands`: to DISCORD_DEV_GUILD_ID when set (instant), else globally. */
export default async function deploy(args: string[], io: CliIo): Promise<number> {
  parseCommand(spec, args);
  const config = io.env === process.env ? getConfig() : loadConfig(io.env);
  if (!config.DISCORD_TOKEN) {
    throw new UserFacingError('DISCORD_TOKEN is not set. Put the bot token in .env.', 'config');
  }
  const result = await deployCommands(SLASH_COMMANDS, {
    token: config.DISCORD_TOKEN,
    apiUrl: config.DISCORD_API_URL ?? 'https://discord.com/api',
    ...(config.DISCORD_DEV_GUILD_ID ? { guildId: config.DISCORD_DEV_GUILD_ID } : {}),
  }).catch((error: unknown) => {
    throw explainDiscordFailure(error, config.DISCORD_API_URL ?? 'https://discord.com/api') ?? error;
  });
  writeLine(
    io.stdout,
    `Registered ${result.names.map((name) => `/${name}`).join(', ')} ${
      result.scope === 'guild' ? `in guild ${config.DISCORD_DEV_GUILD_ID}` : 'globally (may take up to an hour to show)'
    }.`,
  );
  return 0;
}
