import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';
import { loadConfig } from '../src/config.js';
import { startBot } from '../src/discord/bot.js';
import { silentLogger } from '../src/log.js';
import { openServices } from '../src/services.js';
import { FakeDiscord } from './support/fake-discord.js';
import { REDIS_URL } from './support/fake-discord-harness.js';

const openSockets = () => process.getActiveResourcesInfo().filter((kind) => kind === 'TCPSocketWrap').length;

function buffer(): { stream: Writable; text: () => string } {
  const chunks: string[] = [];
  return {
    stream: new Writable({
      write(chunk, _encoding, done) {
        chunks.push(String(chunk));
        done();
      },
    }),
    text: () => chunks.join(''),
  };
}

describe('starting and deploying', () => {
  let fake: FakeDiscord | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  it('npm start without DISCORD_TOKEN prints one clear line and exits non-zero', async () => {
    const stdout = buffer();
    const stderr = buffer();
    const code = await main(['bot'], {
      stdout: stdout.stream,
      stderr: stderr.stream,
      env: { DATA_DIR: '/nonexistent' },
    });
    expect(code).not.toBe(0);
    const lines = stderr.text().trim().split('\n');
    expect(lines).toEqual([expect.stringMatching(/DISCORD_TOKEN is not set/)]);
  });

  it.each([
    ['to the development guild', '123456789012345678'],
    ['globally', undefined],
  ])('deploy-commands registers /imagine, /adapters, /help and /settings %s', async (_name, guildId) => {
    fake = await FakeDiscord.start();
    const stdout = buffer();
    const stderr = buffer();
    const env = {
      DISCORD_TOKEN: fake.token,
      DISCORD_API_URL: fake.apiUrl,
      ...(guildId ? { DISCORD_DEV_GUILD_ID: guildId } : {}),
    };
    const code = await main(['deploy-commands'], { stdout: stdout.stream, stderr: stderr.stream, env });
    expect(stderr.text()).toBe('');
    expect(code).toBe(0);
    const put = fake.requests().find((request) => request.method === 'PUT');
    expect(put?.path).toBe(
      guildId
        ? `/applications/${fake.applicationId}/guilds/${guildId}/commands`
        : `/applications/${fake.applicationId}/commands`,
    );
    const definitions = put?.body as unknown as {
      name: string;
      default_member_permissions?: string | null;
      options?: { name: string; description: string }[];
    }[];
    expect(definitions.map((definition) => definition.name)).toEqual(['imagine', 'adapters', 'help', 'settings']);
    // Manage Guild (1 << 5): Discord shows /settings only to members who have it, unless the server overrides that.
    expect(definitions.find((definition) => definition.name === 'settings')?.default_member_permissions).toBe('32');
    for (const definition of definitions) {
      for (const option of definition.options ?? []) expect(option.description.length).toBeLessThanOrEqual(100);
    }
    expect(stdout.text()).toMatch(/Registered \/imagine, \/adapters, \/help, \/settings/);
  });

  it('a bot that fails to start closes the connections it opened', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'stylus-start-'));
    const config = loadConfig({
      DATA_DIR: dir,
      LOG_LEVEL: 'silent',
      STYLUS_SEED_CATALOG: 'false',
      REDIS_URL,
      REDIS_PREFIX: `t-review-bot:${randomUUID()}`,
      DISCORD_API_URL: 'http://127.0.0.1:9/api',
    });
    const services = await openServices(config, { log: silentLogger, seedCatalog: false });
    try {
      // A damaged catalog: loading adapter names for autocomplete fails before the bot logs in.
      services.db.exec('DROP TABLE catalog_meta');
      await sleep(200); // sockets of the tests before this one finish closing
      const before = openSockets();
      await expect(startBot({ services, token: 'not-used' })).rejects.toThrow(/catalog_meta/);
      // ioredis opens its socket asynchronously: give a leaked connection the time to appear, and a closed one the
      // time to let go of its socket. A leaked one never does.
      await sleep(200);
      for (let turn = 0; turn < 100 && openSockets() > before; turn++) await sleep(20);
      expect(openSockets()).toBeLessThanOrEqual(before);
    } finally {
      await services.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
