import { SLASH_COMMANDS } from '../../commands/index.js';
import { getConfig, loadConfig } from '../config.js';
import { deployCommands } from '../discord/deploy.js';
import { type CliIo, writeLine } from './io.js';

/** `stylus deploy-commands`: to DISCORD_DEV_GUILD_ID when set (instant), else globally. */
export default async function deploy(_args: string[], io: CliIo): Promise<number> {
  const config = io.env === process.env ? getConfig() : loadConfig(io.env);
  if (!config.DISCORD_TOKEN) {
    writeLine(io.stderr, 'stylus deploy-commands: DISCORD_TOKEN is not set. Put the bot token in .env.');
    return 1;
  }
  const result = await deployCommands(SLASH_COMMANDS, {
    token: config.DISCORD_TOKEN,
    apiUrl: config.DISCORD_API_URL ?? 'https://discord.com/api',
    ...(config.DISCORD_DEV_GUILD_ID ? { guildId: config.DISCORD_DEV_GUILD_ID } : {}),
  });
  writeLine(
    io.stdout,
    `Registered ${result.names.map((name) => `/${name}`).join(', ')} ${
      result.scope === 'guild' ? `in guild ${config.DISCORD_DEV_GUILD_ID}` : 'globally (may take up to an hour to show)'
    }.`,
  );
  return 0;
}
