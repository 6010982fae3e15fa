import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, runStylusProcess } from './support/cli.js';
import { FakeDiscord } from './support/fake-discord.js';

const root = mkdtempSync(path.join(tmpdir(), 'stylus-errors-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** One line on stderr, exit 1, and none of the words of a crash. */
function expectOneSentence(run: { code: number; stderr: string }, message: RegExp): void {
  expect(run.code).toBe(1);
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  expect(run.stderr).toMatch(message);
  expect(run.stderr).not.toMatch(/unexpected error|EEXIST|EISDIR|ENOTDIR|fetch failed|\n\s+at /);
}

describe('expected failures are one sentence naming the setting, file or service', () => {
  it('DATA_DIR pointing at a file', async () => {
    const file = path.join(root, 'not-a-folder');
    writeFileSync(file, 'x');
    const run = await runCli(['catalog', 'stats'], { DATA_DIR: file });
    expectOneSentence(
      run,
      /^stylus catalog: DATA_DIR=.*not-a-folder is a file, not a folder: point DATA_DIR at a folder/,
    );
  });

  it('`catalog load` given a folder, or a file that is not there', async () => {
    const folder = path.join(root, 'adapters');
    mkdirSync(folder);
    const dataDir = path.join(root, 'load-data');
    const given = await runCli(['catalog', 'load', folder], { DATA_DIR: dataDir });
    expect(given.code).toBe(2);
    expect(given.stderr).toBe(`stylus catalog: "${folder}" is a folder: give the catalog file itself.\n`);
    const missing = await runCli(['catalog', 'load', path.join(root, 'nope.jsonl')], { DATA_DIR: dataDir });
    expectOneSentence(missing, /There is no catalog file at ".*nope\.jsonl": check the path\./);
  });

  describe('a wrong QDRANT_URL', () => {
    let notQdrant: Server;
    let notQdrantUrl: string;
    beforeAll(async () => {
      // Some other HTTP service on that port: it answers 404 to everything Qdrant's client asks.
      notQdrant = createServer((_req, res) => {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('Not Found');
      });
      await new Promise<void>((resolve) => notQdrant.listen(0, '127.0.0.1', resolve));
      notQdrantUrl = `http://127.0.0.1:${(notQdrant.address() as { port: number }).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => notQdrant.close(() => resolve())));

    it('nothing listening: says Qdrant did not answer at QDRANT_URL', async () => {
      const run = await runCli(['catalog', 'stats'], {
        DATA_DIR: path.join(root, 'q1'),
        QDRANT_URL: 'http://127.0.0.1:9',
      });
      expectOneSentence(
        run,
        /Qdrant did not answer at QDRANT_URL=http:\/\/127\.0\.0\.1:9 \(\w[\w ]*\): start Qdrant or fix QDRANT_URL/,
      );
    });

    it('something else listening: says it is not a Qdrant server', async () => {
      const run = await runCli(['compose', 'a cat'], { DATA_DIR: path.join(root, 'q2'), QDRANT_URL: notQdrantUrl });
      expectOneSentence(
        run,
        new RegExp(`QDRANT_URL=${notQdrantUrl} does not answer like a Qdrant server \\(HTTP 404 .*\\): point it at`),
      );
    });
  });

  describe('Discord refusing the token', () => {
    let discord: FakeDiscord;
    beforeAll(async () => {
      discord = await FakeDiscord.start();
    });
    afterAll(() => discord.close());

    it.each([['bot'], ['deploy-commands']])('`stylus %s` names DISCORD_TOKEN and what to do', async (command) => {
      const run = await runCli([command], {
        DATA_DIR: path.join(root, `discord-${command}`),
        DISCORD_TOKEN: 'MTIz.not-the.token',
        DISCORD_API_URL: discord.apiUrl,
        STYLUS_SEED_CATALOG: 'false',
      });
      expectOneSentence(
        run,
        new RegExp(
          `^stylus ${command}: Discord refused DISCORD_TOKEN \\(401 Unauthorized\\): copy the token again from the Developer Portal`,
        ),
      );
    });
  });

  it('a reader that closes the pipe early (`stylus catalog stats | head -0`) ends quietly', async () => {
    const run = await runStylusProcess(['catalog', 'stats'], {
      env: { DATA_DIR: path.join(root, 'pipe-data') },
      closeStdout: true,
    });
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });
});
