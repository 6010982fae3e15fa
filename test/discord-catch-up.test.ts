import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteAdapterStore } from '../src/catalog/sqlite-store.js';
import type { AdapterFilter } from '../src/catalog/store.js';
import { BotHarness, botFixtureAdapters } from './support/fake-discord-harness.js';

const SAFE: AdapterFilter = { allowNsfw: false };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('/imagine and the catalog catch-up of a serving bot', () => {
  let h: BotHarness | undefined;
  let writer: SqliteAdapterStore | undefined;
  afterEach(async () => {
    await writer?.close();
    await h?.close();
  });

  it("holds back other processes' new vectors while a reply is worked out, and applies them once it is out", async () => {
    h = await BotHarness.start();
    const [first, second] = botFixtureAdapters();
    if (!first || !second) throw new Error('the fixture catalog has two adapters at least');
    // `stylus embed` in another process: another connection to the bot's catalog file.
    writer = new SqliteAdapterStore(path.join(h.dataDir, 'stylus.db'));
    await writer.setVectors([{ id: first.id, vector: Float32Array.of(1, 0, 0) }], 'test-embed');
    const query = Float32Array.of(1, 0.2, 0);
    const found = async () =>
      (await h?.services.store.searchVector(query, { limit: 5, filter: SAFE }))?.map((hit) => hit.id);
    expect(await found()).toEqual([first.id]);

    // Discord answers the deferral with 429 until released: the reply stays in progress meanwhile.
    const callbackOf = (id: string) => (request: { method: string; path: string }) =>
      request.method === 'POST' && request.path.startsWith(`/interactions/${id}/`);
    const member = h.fake.member();
    let interactionId = '';
    const releaseLimit = h.fake.rateLimit({ match: (request) => callbackOf(interactionId)(request), retryAfter: 1 });
    const interaction = h.fake.slashCommand({
      member,
      name: 'imagine',
      options: [{ type: 3, name: 'prompt', value: 'a red fox in a snowy forest' }],
    });
    interactionId = interaction.id;
    await h.fake.waitForRequest(callbackOf(interaction.id), 'the deferral');

    await writer.setVectors([{ id: second.id, vector: Float32Array.of(1, 0.5, 0) }], 'test-embed');
    // Two turns of the bot's catch-up timer (every 50 ms): neither may apply the new vector while the reply is out.
    await sleep(110);
    expect(await found()).toEqual([first.id]);

    releaseLimit();
    await h.fake.waitForRequest(
      (request) => request.method === 'PATCH' && request.path.includes(interaction.token),
      'the edited reply',
    );
    for (let waited = 0; ((await found()) ?? []).length < 2 && waited < 5000; waited += 10) await sleep(10);
    expect(await found()).toEqual([first.id, second.id]);
  });
});
