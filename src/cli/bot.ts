import { startApp } from '../app.js';
import { getConfig, loadConfig } from '../config.js';
import { explainDiscordFailure } from '../discord/login-errors.js';
import { UserFacingError } from '../errors.js';
import { createLogger } from '../log.js';
import type { CliIo } from './io.js';
import { defineCommand, parseCommand } from './spec.js';

const spec = defineCommand({
  command: 'stylus bot',
  summary: 'Run the Discord bot (what `npm start` runs) until Ctrl-C or SIGTERM.',
  flags: {},
  examples: ['npm start'],
  notes: [
    'Needs DISCORD_TOKEN (in .env). Without REDIS_URL it also renders in this process when COMFYUI_URL or ' +
      'A1111_URL is set. Register the slash commands once with `stylus deploy-commands`.',
  ],
});

/** After a clean stop, how long leftover connection retries may keep the process alive. */
const EXIT_GRACE_MS = 1_000;

/** `stylus bot` (`npm start`): logs in with DISCORD_TOKEN and serves until SIGINT/SIGTERM. */
export default async function bot(args: string[], io: CliIo): Promise<number> {
  parseCommand(spec, args);
  const config = io.env === process.env ? getConfig() : loadConfig(io.env);
  const token = config.DISCORD_TOKEN;
  if (!token) {
    throw new UserFacingError(
      'DISCORD_TOKEN is not set. Put the bot token in .env (see README, "Run the bot").',
      'config',
    );
  }
  const log = createLogger(config.LOG_LEVEL);
  const app = await startApp({ ...config, DISCORD_TOKEN: token }, { log }).catch((error: unknown) => {
    throw explainDiscordFailure(error, config.DISCORD_API_URL ?? 'https://discord.com/api') ?? error;
  });
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  log.info('shutting down');
  // A second signal means "now": nothing is saved by waiting longer.
  const now = () => process.exit(1);
  process.once('SIGINT', now);
  process.once('SIGTERM', now);
  await app.stop();
  log.info('bot stopped');
  // The stores are closed. discord.js can keep retrying a gateway it can no longer reach after being destroyed; that
  // loop must not keep the process alive (the timer is unref'd: a process with nothing left exits before it fires).
  setTimeout(() => process.exit(process.exitCode ?? 0), EXIT_GRACE_MS).unref();
  return 0;
}
