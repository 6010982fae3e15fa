import { startApp } from '../app.js';
import { getConfig, loadConfig } from '../config.js';
import { createLogger } from '../log.js';
import { type CliIo, writeLine } from './io.js';

/** `stylus bot` (`npm start`): logs in with DISCORD_TOKEN and serves until SIGINT/SIGTERM. */
export default async function bot(_args: string[], io: CliIo): Promise<number> {
  const config = io.env === process.env ? getConfig() : loadConfig(io.env);
  const token = config.DISCORD_TOKEN;
  if (!token) {
    writeLine(
      io.stderr,
      'stylus bot: DISCORD_TOKEN is not set. Put the bot token in .env (see README, "Run the bot").',
    );
    return 1;
  }
  const log = createLogger(config.LOG_LEVEL);
  const app = await startApp({ ...config, DISCORD_TOKEN: token }, { log });
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  log.info('shutting down');
  await app.stop();
  return 0;
}
