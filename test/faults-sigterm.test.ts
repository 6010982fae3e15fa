import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeDiscord } from './support/fake-discord.js';
import { spawnStylus } from './support/fault-rig.js';

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
    const bot = spawnStylus(['bot'], {
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
