import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeDiscord } from './support/fake-discord.js';

const ROOT = path.resolve(import.meta.dirname, '..');

/** `stylus bot` in its own process (TypeScript through tsx), as `npm start` runs it. */
function spawnBot(env: NodeJS.ProcessEnv) {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--input-type=module',
      '-e',
      "import { main } from './src/cli.ts'; process.exitCode = await main(['bot']);",
    ],
    { cwd: ROOT, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    output += String(chunk);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

/** Resolves with the exit code, or with 'still running' when the process outlives `ms`. */
function exitWithin(exited: Promise<number | null>, ms: number): Promise<number | null | 'still running'> {
  return Promise.race([
    exited,
    new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), ms)),
  ]);
}

describe('SIGTERM while Discord is unreachable', { timeout: 90_000 }, () => {
  let dir: string | undefined;
  let kill: (() => void) | undefined;
  afterEach(() => {
    kill?.();
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = kill = undefined;
  });

  it('the bot closes its stores and exits', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'stylus-sigterm-'));
    const discord = await FakeDiscord.start();
    const bot = spawnBot({
      DATA_DIR: dir,
      DISCORD_TOKEN: discord.token,
      DISCORD_API_URL: discord.apiUrl,
      LOG_LEVEL: 'info',
      STYLUS_SEED_CATALOG: 'false',
    });
    kill = () => bot.child.kill('SIGKILL');
    await discord.waitForIdentify(1, 30_000);
    // Discord goes away: the gateway drops and REST stops answering (connection refused).
    await discord.close();
    await new Promise((resolve) => setTimeout(resolve, 500));
    bot.child.kill('SIGTERM');
    // The bot's own shutdown bound is 10 s; twice that is "it never stops".
    expect(await exitWithin(bot.exited, 20_000)).toBe(0);
    expect(bot.output()).toMatch(/shutting down/);
    expect(bot.output()).toMatch(/bot stopped/);
  });
});
