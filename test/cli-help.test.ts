import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runStylusProcess } from './support/cli.js';
import { FakeCivitai } from './support/fake-civitai.js';
import { FakeDiscord } from './support/fake-discord.js';

const root = mkdtempSync(path.join(tmpdir(), 'stylus-help-'));
/** Never created: a help that opened the catalog would create it. */
const dataDir = path.join(root, 'data');
const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;

afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The names listed under a group help's "Commands:" (or "Benchmarks:", "Sources:"...) heading. */
function listedNames(help: string): string[] {
  const lines = help.split('\n');
  const start = lines.findIndex((line) => /^[A-Z]\w+s:$/.test(line) && line !== 'Options:');
  const names: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.trim() === '') break;
    // A long summary wraps onto lines that start deeper: those name nothing.
    const match = /^ {2}([\w-]+)\s{2,}/.exec(line);
    if (match) names.push(match[1] as string);
  }
  return names;
}

describe('stylus as a user runs it (its own process)', () => {
  it('--version prints the version of package.json', async () => {
    const run = await runStylusProcess(['--version']);
    expect(run).toEqual({ code: 0, stdout: `stylus ${version}\n`, stderr: '' });
  });

  it('--help lists every command and the exit statuses', async () => {
    const run = await runStylusProcess(['--help']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    expect(listedNames(run.stdout)).toEqual([
      'bot',
      'deploy-commands',
      'worker',
      'compose',
      'catalog',
      'ingest',
      'refine',
      'embed',
      'eval',
    ]);
    expect(run.stdout.replace(/\s+/g, ' ')).toMatch(
      /Exit status: 0 done; 1 failed .* 2 wrong command line; 3 some records failed; 4 every record failed/,
    );
  });

  it('an unknown flag is one line naming it, then the usage, and exit status 2', async () => {
    const run = await runStylusProcess(['compose', 'a cat', '--colour', 'red'], { env: { DATA_DIR: dataDir } });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toEqual([
      'stylus compose: unknown option --colour',
      'Usage: stylus compose "<prompt>" [options]',
      'Run "stylus compose --help" for the options and an example.',
    ]);
  });

  it('an unknown command, or none, is the same: what is wrong, the usage, exit status 2', async () => {
    const unknown = await runStylusProcess(['imagine']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr.split('\n')[0]).toBe('stylus: unknown command "imagine"');
    expect(unknown.stderr.split('\n')[1]).toMatch(/^Usage: stylus <bot\|deploy-commands\|worker\|compose\|/);

    const benchmark = await runCli(['eval', 'speed'], { DATA_DIR: dataDir });
    expect(benchmark.code).toBe(2);
    expect(benchmark.stderr.split('\n')[0]).toBe('stylus eval: unknown benchmark "speed"');

    const none = await runCli([], {});
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/^Usage: stylus <command> \[options\]/);
  });
});

describe('every command explains itself and starts nothing', () => {
  let discord: FakeDiscord;
  let civitai: FakeCivitai;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    discord = await FakeDiscord.start();
    civitai = await FakeCivitai.start([]);
    // Everything configured: a help that started the bot, a worker or an ingest would reach these.
    env = {
      DATA_DIR: dataDir,
      DISCORD_TOKEN: discord.token,
      DISCORD_API_URL: discord.apiUrl,
      CIVITAI_API_URL: civitai.url,
      REDIS_URL: 'redis://127.0.0.1:9',
      COMFYUI_URL: 'http://127.0.0.1:9',
    };
  });
  afterAll(async () => {
    await discord.close();
    await civitai.close();
  });

  /** Every command line that has its own help: the commands, and the subcommands of the groups. */
  async function everyCommand(): Promise<string[][]> {
    const top = listedNames((await runCli(['--help'], env)).stdout);
    const commands: string[][] = [];
    for (const name of top) {
      const help = (await runCli([name, '--help'], env)).stdout;
      const subcommands = help.startsWith(`Usage: stylus ${name} <`) ? listedNames(help) : [];
      if (subcommands.length === 0) commands.push([name]);
      for (const sub of subcommands) commands.push([name, sub]);
    }
    return commands;
  }

  it('each command and subcommand prints its flags, with defaults, and one example, and exits 0', async () => {
    const commands = await everyCommand();
    expect(commands).toEqual(
      expect.arrayContaining([
        ['bot'],
        ['compose'],
        ['worker'],
        ['eval', 'judge'],
        ['ingest', 'local'],
        ['catalog', 'migrate'],
      ]),
    );
    for (const command of commands) {
      for (const flag of ['--help', '-h']) {
        const run = await runCli([...command, flag], env);
        expect(run.code, command.join(' ')).toBe(0);
        expect(run.stderr).toBe('');
        expect(run.stdout.split('\n')[0]).toMatch(new RegExp(`^Usage: stylus ${command.join(' ')}\\b`));
        expect(run.stdout).toMatch(/\nOptions:\n(.*\n)* {2}-h, --help +show this help\n/);
        expect(run.stdout).toMatch(/\nExamples?:\n {2}\S/);
      }
    }
    const compose = (await runCli(['compose', '--help'], env)).stdout;
    expect(compose).toMatch(/--images <n> +images to plan, 1 to 16; default 4/);
    expect(compose).toMatch(/--base <family> +base model family: .*other; default\s+STYLUS_DEFAULT_BASE, else sdxl/s);
    expect(compose).toMatch(/--seed <n> .*default random/);
  });

  it('`bot --help` and friends contact nothing and create nothing', async () => {
    for (const command of [['bot'], ['deploy-commands'], ['worker'], ['ingest', 'civitai'], ['embed'], ['refine']]) {
      expect((await runCli([...command, '--help'], env)).code).toBe(0);
    }
    expect(discord.requests()).toEqual([]);
    expect(civitai.requests).toEqual([]);
    expect(existsSync(dataDir)).toBe(false);
  });

  it('`--help` after other flags, even wrong ones, still only helps; after `--` it is an argument', async () => {
    const run = await runCli(['compose', 'a cat', '--images', '99', '--nope', '--help'], env);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: stylus compose/);
    const literal = await runCli(['compose', '--json', '--seed', '1', '--', '--help'], { DATA_DIR: root });
    expect(literal.code).toBe(0);
    expect(JSON.parse(literal.stdout).prompt).toBe('--help');
  });
});
