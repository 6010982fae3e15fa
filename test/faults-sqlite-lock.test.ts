import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SqliteAdapterStore } from '../src/catalog/sqlite-store.js';
import { APOLOGY } from '../src/discord/error-reply.js';
import { databasePath } from '../src/storage/sqlite.js';
import { makeAdapter } from './support/adapters.js';
import type { RecordedRequest } from './support/fake-discord.js';
import { BotHarness } from './support/fake-discord-harness.js';
import type { FakeMember, FakeMessage } from './support/fake-discord-payloads.js';
import { recordFault } from './support/fault-record.js';
import { spawnStylus } from './support/fault-rig.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const BUSY = 'The catalog is busy (an ingest is running); try again in a moment.';

type Json = Record<string, unknown>;

/**
 * Another process holding the database's write lock, as `stylus ingest` does while it writes a batch: BEGIN IMMEDIATE,
 * a write, then nothing until `releaseAfterMs` passes or its stdin closes.
 */
async function holdWriteLock(file: string, releaseAfterMs?: number): Promise<ChildProcess> {
  const script = `
    const Database = require('better-sqlite3');
    const db = new Database(${JSON.stringify(file)});
    db.exec('CREATE TABLE IF NOT EXISTS lock_holder (n INTEGER)');
    db.exec('BEGIN IMMEDIATE');
    db.prepare('INSERT INTO lock_holder VALUES (1)').run();
    process.stdout.write('locked\\n');
    const release = () => { db.exec('COMMIT'); db.close(); process.exit(0); };
    process.stdin.on('end', release);
    process.stdin.resume();
    ${releaseAfterMs ? `setTimeout(release, ${releaseAfterMs});` : ''}`;
  const child = spawn(process.execPath, ['-e', script], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk) => String(chunk).includes('locked') && resolve());
    child.once('exit', (code) => reject(new Error(`the lock holder exited (${code}) before locking`)));
  });
  return child;
}

describe('another process holds the SQLite write lock', { timeout: 90_000 }, () => {
  describe('the bot', () => {
    let h: BotHarness;
    let owner: FakeMember;
    let composition: FakeMessage;
    let holder: ChildProcess | undefined;

    beforeAll(async () => {
      h = await BotHarness.start();
      owner = h.fake.member({ username: 'owner' });
      const first = h.fake.slashCommand({
        member: owner,
        name: 'imagine',
        options: [{ type: 3, name: 'prompt', value: 'a red fox in samurai armor, watercolor style' }],
      });
      await h.fake.waitForRequest((request) => request.method === 'PATCH' && request.path.includes(first.token));
      const message = h.fake.originalMessage(first);
      if (!message) throw new Error('no composition message');
      composition = message;
    });
    afterEach(() => {
      holder?.stdin?.end();
      holder = undefined;
    });
    afterAll(async () => {
      await h.close();
    });

    /** What the member finally reads: the reply's or follow-up's content and embeds, or the edited deferral. */
    async function answerTo(interaction: { id: string; token: string }): Promise<string> {
      const mine = (request: RecordedRequest) =>
        (request.method === 'POST' && request.path.startsWith(`/interactions/${interaction.id}/`)) ||
        (request.path.includes(interaction.token) && request.method !== 'DELETE');
      const answer = await h.fake.waitForRequest(
        (request) =>
          mine(request) &&
          !(request.path.includes('/callback') && Number(request.body.type) === 5) &&
          !(request.path.includes('/callback') && Number(request.body.type) === 6),
        'an answer',
        30_000,
      );
      const body = (answer.path.includes('/callback') ? answer.body.data : answer.body) as Json;
      return JSON.stringify({ content: body.content ?? '', embeds: body.embeds ?? [] });
    }

    it('answers /adapters search, /imagine and a button while the lock is held, never with the apology', async (context) => {
      holder = await holdWriteLock(databasePath(h.dataDir));
      const search = h.fake.slashCommand({
        member: owner,
        name: 'adapters',
        options: [{ type: 1, name: 'search', options: [{ type: 3, name: 'query', value: 'fox' }] }],
      });
      const imagine = h.fake.slashCommand({
        member: owner,
        name: 'imagine',
        options: [{ type: 3, name: 'prompt', value: 'a red fox in a cyberpunk city at night' }],
      });
      const rerollId = JSON.stringify(composition.components).match(/sty:reroll:[\w-]+/)?.[0] ?? '';
      const click = h.fake.button({ member: owner, message: composition, customId: rerollId });

      const answers = await Promise.all([answerTo(search), answerTo(imagine), answerTo(click)]);
      // All three were answered with the lock still held: the holder has not been told to let go.
      expect(holder.exitCode).toBeNull();
      for (const answer of answers) expect(answer).not.toContain(APOLOGY);
      expect(answers[0]).toContain('Red Fox');
      for (const answer of answers.slice(1)) expect(answer.includes(BUSY) || answer.includes('sty:')).toBe(true);
      const interactions = [search, imagine, click];
      // Discord takes one callback per interaction: a second one would be an answer given twice.
      const callbacks = interactions.map(
        (interaction) =>
          h.fake.requests().filter((request) => request.path.startsWith(`/interactions/${interaction.id}/`)).length,
      );
      recordFault(context, {
        name: 'another process holds the SQLite write lock',
        load: '3 interactions at once (/adapters search, /imagine, a button)',
        faultsSurvived: holder.exitCode === null ? answers.length : 0,
        membersAnswered: answers.filter((answer) => !answer.includes(APOLOGY)).length,
        members: interactions.length,
        jobsLost: callbacks.filter((count) => count === 0).length,
        duplicated: callbacks.reduce((sum, count) => sum + Math.max(0, count - 1), 0),
      });
    });

    it('works again as soon as the lock is released', async () => {
      holder = await holdWriteLock(databasePath(h.dataDir));
      holder.stdin?.end();
      await new Promise((resolve) => holder?.once('exit', resolve));
      const imagine = h.fake.slashCommand({
        member: owner,
        name: 'imagine',
        options: [{ type: 3, name: 'prompt', value: 'an arctic fox, ink wash painting' }],
      });
      expect(await answerTo(imagine)).toContain('Arctic Fox');
    });
  });

  it('a second CLI writer waits for the lock instead of failing with "database is locked"', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'stylus-lock-cli-'));
    try {
      new SqliteAdapterStore(databasePath(dir)).close();
      const file = path.join(dir, 'adapters.jsonl');
      writeFileSync(file, `${JSON.stringify(makeAdapter({ id: 'hf:fixtures/lock-test', name: 'Lock Test' }))}\n`);
      // Held longer than the old 5 s busy timeout.
      const holder = await holdWriteLock(databasePath(dir), 11_000);
      const load = spawnStylus(['catalog', 'load', file], { DATA_DIR: dir, LOG_LEVEL: 'silent' });
      const code = await load.exited;
      const output = load.output();
      expect(output).not.toMatch(/locked/i);
      expect(code).toBe(0);
      expect(holder.exitCode).toBe(0);
      const store = new SqliteAdapterStore(databasePath(dir));
      expect((await store.get('hf:fixtures/lock-test'))?.name).toBe('Lock Test');
      await store.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
