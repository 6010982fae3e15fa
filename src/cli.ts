import { type CliCommand, type CliIo, writeLine } from './cli/io.js';
import { ConfigError } from './config.js';
import { errorMessage, isUserFacing } from './errors.js';

/**
 * `stylus <command>`: each command lives in its own module under src/cli/ and is loaded only when used, so
 * `stylus compose` does not pay for discord.js or BullMQ.
 */
const COMMANDS: Record<string, { summary: string; load: () => Promise<CliCommand> }> = {
  bot: {
    summary: 'bot: run the Discord bot (npm start); needs DISCORD_TOKEN',
    load: async () => (await import('./cli/bot.js')).default,
  },
  'deploy-commands': {
    summary: 'deploy-commands: register the slash commands (to DISCORD_DEV_GUILD_ID when set, else globally)',
    load: async () => (await import('./cli/deploy-commands.js')).default,
  },
  worker: {
    summary: 'worker [--concurrency 1]: take render jobs from the Redis queue (one per GPU; SIGTERM stops cleanly)',
    load: async () => (await import('./cli/worker.js')).runWorker,
  },
  compose: {
    summary: 'compose "<prompt>" [--json] [--base sdxl] [--images 4] [--seed N]: pick adapters for a prompt',
    load: async () => (await import('./cli/compose.js')).runCompose,
  },
  catalog: {
    summary: 'catalog load <file> | stats [--json] | migrate --to qdrant: manage the adapter catalog',
    load: async () => (await import('./cli/catalog.js')).runCatalog,
  },
  eval: {
    summary: 'eval <retrieval|topics|judge> [options]: quality benchmarks (see each for its flags)',
    load: async () => (await import('./cli/eval.js')).runEval,
  },
  ingest: {
    summary: 'ingest <civitai|huggingface|local> [--limit N] [--base sdxl,sd1] [--dump path] [--refine] [--embed]',
    load: async () => (await import('./cli/ingest.js')).runIngest,
  },
  refine: {
    summary: 'refine [--limit N] [--concurrency N]: describe adapters with a vision-language model',
    load: async () => (await import('./cli/refine.js')).runRefine,
  },
  embed: {
    summary: 'embed: embed adapters whose vector is missing or stale',
    load: async () => (await import('./cli/embed.js')).runEmbed,
  },
};

function usage(io: CliIo): void {
  writeLine(io.stdout, 'Usage: stylus <command> [options]\n\nCommands:');
  for (const [name, command] of Object.entries(COMMANDS))
    writeLine(io.stdout, `  ${name.padEnd(16)} ${command.summary}`);
}

export async function main(
  argv: string[],
  io: CliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env },
): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    usage(io);
    return name ? 0 : 1;
  }
  const command = COMMANDS[name];
  if (!command) {
    writeLine(io.stderr, `stylus: unknown command "${name}". Run "stylus --help" for the list.`);
    return 2;
  }
  try {
    return await (await command.load())(rest, io);
  } catch (error) {
    if (isUserFacing(error) || error instanceof ConfigError) {
      writeLine(io.stderr, `stylus ${name}: ${isUserFacing(error) ? error.userMessage : error.message}`);
      return isUserFacing(error) && error.code === 'usage' ? 2 : 1;
    }
    writeLine(io.stderr, `stylus ${name}: unexpected error: ${errorMessage(error)}`);
    if (io.env.LOG_LEVEL === 'debug' && error instanceof Error && error.stack) writeLine(io.stderr, error.stack);
    return 1;
  }
}
