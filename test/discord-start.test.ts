import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';
import { FakeDiscord } from './support/fake-discord.js';

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
  ])('deploy-commands registers /imagine and /adapters %s', async (_name, guildId) => {
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
    const definitions = put?.body as unknown as { name: string; options: { name: string; description: string }[] }[];
    expect(definitions.map((definition) => definition.name)).toEqual(['imagine', 'adapters']);
    for (const definition of definitions) {
      for (const option of definition.options) expect(option.description.length).toBeLessThanOrEqual(100);
    }
    expect(stdout.text()).toMatch(/Registered \/imagine, \/adapters/);
  });
});
