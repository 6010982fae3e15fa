import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Blacklist } from '../src/catalog/ingest/blacklist.js';
import { ingestRecords } from '../src/catalog/ingest/ingest.js';
import { IngestState } from '../src/catalog/ingest/state.js';
import { CivitaiClient, civitaiRecords } from '../src/catalog/sources/civitai.js';
import { HttpError } from '../src/catalog/sources/http.js';
import { SqliteAdapterStore } from '../src/catalog/sqlite-store.js';
import { silentLogger } from '../src/log.js';
import { openDatabase } from '../src/storage/sqlite.js';
import { civitaiFile, civitaiItem } from './support/civitai-items.js';
import { FakeCivitai } from './support/fake-civitai.js';

const ITEMS = [
  civitaiItem({ id: 101, name: 'Watercolor' }),
  civitaiItem({ id: 102, name: 'Ink Sketch', allowCommercialUse: '{Image,RentCivit}' }),
  civitaiItem({
    id: 103,
    name: 'Pickle Only',
    files: [civitaiFile(1030, { name: 'x.pt', metadata: { format: 'PickleTensor' } })],
  }),
  civitaiItem({ id: 104, name: 'Famous Actor', poi: true }),
  civitaiItem({ id: 105, name: 'Neon City', baseModel: 'SD 1.5' }),
  civitaiItem({ id: 106, name: 'Oil Paint' }),
  civitaiItem({ id: 107, name: 'Risky', nsfw: true }),
  civitaiItem({ id: 108, name: 'Paper Cut' }),
];

let fake: FakeCivitai;
const delays: number[] = [];
const recordSleep = async (ms: number) => {
  delays.push(ms);
};

function client(token?: string) {
  return new CivitaiClient({ apiUrl: fake.url, token, sleep: recordSleep, log: silentLogger });
}

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const value of source) out.push(value);
  return out;
}

beforeAll(async () => {
  fake = await FakeCivitai.start(ITEMS);
});
afterAll(async () => {
  await fake.close();
});
afterEach(() => {
  fake.requests.length = 0;
  delays.length = 0;
});

describe('CivitaiClient', () => {
  it('pages by cursor over three pages with the token header and LoRA filters', async () => {
    const items = await collect(client('secret-token').items({ pageSize: 3, includeNsfw: true }));
    expect(items.map((item) => (item as { id: number }).id)).toEqual([101, 102, 103, 104, 105, 106, 107, 108]);
    expect(fake.requests).toHaveLength(3);
    expect(fake.requests[0]?.query.get('cursor')).toBeNull();
    expect(fake.requests[1]?.query.get('cursor')).toBeTruthy();
    expect(fake.requests[2]?.query.get('cursor')).not.toBe(fake.requests[1]?.query.get('cursor'));
    for (const request of fake.requests) {
      expect(request.path).toBe('/api/v1/models');
      expect(request.authorization).toBe('Bearer secret-token');
      expect(request.query.get('types')).toBe('LORA');
      expect(request.query.get('sort')).toBe('Most Downloaded');
      expect(request.query.get('limit')).toBe('3');
      expect(request.query.has('page')).toBe(false);
    }
  });

  it('sends no authorization header without a token, asks for safe models and base models by default', async () => {
    const items = await collect(client().items({ baseFamilies: ['sd1'] }));
    expect(items.map((item) => (item as { id: number }).id)).toEqual([105]);
    expect(fake.requests[0]?.authorization).toBeUndefined();
    expect(fake.requests[0]?.query.get('nsfw')).toBe('false');
    expect(fake.requests[0]?.query.getAll('baseModels')).toEqual(['SD 1.4', 'SD 1.5']);
  });

  it('stops after --limit items without reading further pages', async () => {
    const items = await collect(client().items({ limit: 2, pageSize: 2 }));
    expect(items).toHaveLength(2);
    expect(fake.requests).toHaveLength(1);
  });

  it('backs off on 429 honouring Retry-After, and doubles from 1 s per attempt on 5xx without it', async () => {
    fake.failNext(
      { status: 429, retryAfter: '3' },
      { status: 503 },
      { status: 502 },
      { status: 429, retryAfter: '600' },
    );
    const items = await collect(client().items({ pageSize: 100 }));
    expect(items).toHaveLength(7);
    // The schedule doubles per attempt (1 s, 2 s, 4 s...); a Retry-After replaces that attempt's wait, capped at 30 s.
    expect(delays).toEqual([3000, 2000, 4000, 30_000]);
    expect(fake.requests).toHaveLength(5);
  });

  it('spaces requests when a rate limit is set', async () => {
    const gentle = new CivitaiClient({
      apiUrl: fake.url,
      sleep: recordSleep,
      requestsPerMinute: 60,
      log: silentLogger,
    });
    const items = await collect(gentle.items({ pageSize: 3 }));
    expect(items).toHaveLength(7);
    // Three pages at 60 a minute get start slots 1 s apart; the fake sleep returns at once, so the third page
    // still has its own slot, a second after the second's, to wait for.
    expect(delays).toHaveLength(2);
    expect(delays[0]).toBeGreaterThan(0);
    expect(delays[0]).toBeLessThanOrEqual(1000);
    expect(delays[1]).toBeGreaterThan(1000);
    expect(delays[1]).toBeLessThanOrEqual(2000);
  });

  it('gives up after the last attempt with an error naming the status', async () => {
    const impatient = new CivitaiClient({
      apiUrl: fake.url,
      sleep: recordSleep,
      retry: { maxAttempts: 3 },
      log: silentLogger,
    });
    fake.failNext({ status: 500 }, { status: 500 }, { status: 500 });
    await expect(collect(impatient.items())).rejects.toThrow(/HTTP 500/);
    expect(delays).toEqual([1000, 2000]);
  });

  it('does not retry a client error', async () => {
    fake.failNext({ status: 401 });
    const error = await collect(client('bad').items()).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(HttpError);
    expect((error as HttpError).status).toBe(401);
    expect(fake.requests).toHaveLength(1);
  });
});

describe('ingesting from the Civitai API', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'civitai-ingest-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('stores LoRAs, skips the one without safetensors, keeps poi and NSFW out unless allowed', async () => {
    const db = openDatabase(path.join(dir, 'a.db'));
    const store = new SqliteAdapterStore(db);
    const state = new IngestState(db);
    const report = await ingestRecords(civitaiRecords(client().items({ pageSize: 3, includeNsfw: true })), {
      store,
      state,
      log: silentLogger,
      rules: { allowNsfw: false, allowRealPerson: false, blacklist: Blacklist.parse('name: paper') },
    });
    expect(report.get('added')).toBe(4);
    expect(report.problems.get('no-safetensors')).toEqual(['civitai:103']);
    expect(report.problems.get('filtered-real-person')).toEqual(['civitai:104']);
    expect(report.problems.get('filtered-nsfw-hub')).toEqual(['civitai:107']);
    expect(report.problems.get('blacklisted')).toEqual(['civitai:108']);
    expect(report.problems.get('unknown-base-model')).toBeUndefined();
    const stored = await store.list({ limit: 100 });
    expect(stored.map((adapter) => adapter.id)).toEqual(['civitai:101', 'civitai:102', 'civitai:105', 'civitai:106']);
    expect((await store.get('civitai:102'))?.license.allowCommercialUse).toEqual(['Image', 'RentCivit']);

    const allowed = await ingestRecords(civitaiRecords(client().items({ includeNsfw: true })), {
      store,
      state,
      log: silentLogger,
      rules: { allowNsfw: true, allowRealPerson: true, blacklist: Blacklist.empty() },
    });
    expect(allowed.get('unchanged')).toBe(4);
    expect(allowed.get('added')).toBe(3);
    expect((await store.get('civitai:104'))?.realPerson).toBe(true);
    expect((await store.get('civitai:107'))?.nsfw).toBe(true);
    db.close();
  });
});
