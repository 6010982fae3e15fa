import { readFileSync } from 'node:fs';
import path from 'node:path';
import { EXIT, EXIT_CODES_HELP } from './cli/exit-codes.js';
import { type CliIo, writeLine } from './cli/io.js';
import { type CommandGroup, groupHelp, HelpRequested, runGroup, UsageError } from './cli/spec.js';
import { ConfigError } from './config.js';
import { errorMessage, isUserFacing } from './errors.js';

/**
 * `stylus <command>`: each command lives in its own module under src/cli/ and is loaded only when used, so
 * `stylus compose` does not pay for discord.js or BullMQ. Each module declares its flags once (src/cli/spec.ts):
 * `--help` and the parsing come from that declaration.
 */
const STYLUS: CommandGroup = {
  command: 'stylus',
  summary:
    'Stylus bot: picks LoRA adapters for a prompt (the Stylus method) and renders on your own GPU. Settings come ' +
    'from the environment or .env (see .env.example).',
  noun: 'command',
  subcommands: {
    bot: {
      summary: 'run the Discord bot (npm start); needs DISCORD_TOKEN',
      load: async () => (await import('./cli/bot.js')).default,
    },
    'deploy-commands': {
      summary: 'register the slash commands (to DISCORD_DEV_GUILD_ID when set, else globally)',
      load: async () => (await import('./cli/deploy-commands.js')).default,
    },
    worker: {
      summary: 'take render jobs from the Redis queue (one per GPU; SIGTERM stops cleanly)',
      load: async () => (await import('./cli/worker.js')).runWorker,
    },
    compose: {
      summary: 'pick adapters for a prompt and print the plan',
      load: async () => (await import('./cli/compose.js')).runCompose,
    },
    catalog: {
      summary: 'load, count or migrate the adapter catalog',
      load: async () => (await import('./cli/catalog.js')).runCatalog,
    },
    ingest: {
      summary: 'build the catalog from Civitai, Hugging Face or a local LoRA folder',
      load: async () => (await import('./cli/ingest.js')).runIngest,
    },
    refine: {
      summary: 'describe adapters with a vision-language model',
      load: async () => (await import('./cli/refine.js')).runRefine,
    },
    embed: {
      summary: 'embed adapters whose vector is missing or stale',
      load: async () => (await import('./cli/embed.js')).runEmbed,
    },
    eval: {
      summary: 'quality benchmarks: retrieval, topics, judge',
      load: async () => (await import('./cli/eval.js')).runEval,
    },
  },
  examples: ['stylus compose "a corgi astronaut floating in space, ukiyo-e woodblock print style"', 'stylus --version'],
  notes: ['Run "stylus --version" for the version.', EXIT_CODES_HELP],
};

/** The version in package.json, found from here in src/ (tsx) or dist/src/ (built). */
export function packageVersion(): string {
  for (let dir = import.meta.dirname; ; dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'stylus-bot' && pkg.version) return pkg.version;
    } catch {
      // Not here: look one folder up.
    }
    if (path.dirname(dir) === dir) return 'unknown';
  }
}

export async function main(
  argv: string[],
  io: CliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env },
): Promise<number> {
  const [name] = argv;
  if (name === '--version' || name === '-V' || name === 'version') {
    writeLine(io.stdout, `stylus ${packageVersion()}`);
    return EXIT.ok;
  }
  if (name === undefined) {
    writeLine(io.stderr, groupHelp(STYLUS));
    return EXIT.usage;
  }
  try {
    return await runGroup(STYLUS, argv, io);
  } catch (error) {
    return reportFailure(error, `stylus ${name}`, io);
  }
}

/** Help on stdout; a wrong command line or an expected failure as one line on stderr; anything else says so. */
function reportFailure(error: unknown, command: string, io: CliIo): number {
  if (error instanceof HelpRequested) {
    writeLine(io.stdout, error.text);
    return EXIT.ok;
  }
  if (error instanceof UsageError) {
    writeLine(io.stderr, `${error.command ?? command}: ${error.userMessage}`);
    if (error.usage) writeLine(io.stderr, error.usage);
    return EXIT.usage;
  }
  if (isUserFacing(error)) {
    writeLine(io.stderr, `${command}: ${error.userMessage}`);
    return error.code === 'usage' ? EXIT.usage : EXIT.failed;
  }
  if (error instanceof ConfigError) {
    writeLine(io.stderr, `${command}: ${error.message}`);
    return EXIT.failed;
  }
  writeLine(io.stderr, `${command}: unexpected error: ${errorMessage(error)}`);
  if (io.env.LOG_LEVEL === 'debug' && error instanceof Error && error.stack) writeLine(io.stderr, error.stack);
  else writeLine(io.stderr, 'This looks like a bug: run again with LOG_LEVEL=debug for the stack trace and report it.');
  return EXIT.failed;
}

/**
 * The `stylus` process (bin/stylus.mjs): runs main on the real streams. A reader that goes away (`stylus catalog
 * stats | head -1`) closes the pipe: that ends the process quietly instead of with an EPIPE stack trace.
 */
export async function runAsProcess(argv: string[] = process.argv.slice(2)): Promise<void> {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok);
      throw error;
    });
  }
  process.exitCode = await main(argv);
}
