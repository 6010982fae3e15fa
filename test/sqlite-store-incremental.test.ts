import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CATCH_UP_SLICE, SqliteAdapterStore } from '../src/catalog/sqlite-store.js';
import type { AdapterFilter, ScoredId } from '../src/catalog/store.js';
import { retrieve } from '../src/stylus/retriever.js';
import { makeAdapter } from './support/adapters.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const SAFE: AdapterFilter = { baseFamilies: ['sdxl'] };

/** The bot's store and the one `stylus ingest` or `stylus embed` would open: two connections to one file. */
let dir: string;
let file: string;
let reader: SqliteAdapterStore;
let writer: SqliteAdapterStore;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'stylus-incremental-'));
  file = path.join(dir, 'stylus.db');
  writer = new SqliteAdapterStore(file);
  reader = new SqliteAdapterStore(file);
});

afterEach(async () => {
  await reader.close();
  await writer.close();
  rmSync(dir, { recursive: true, force: true });
});

const ids = (hits: readonly ScoredId[]) => hits.map((hit) => hit.id);
/** Ids in a stable order, for hits that tie on score. */
const idSet = (hits: readonly ScoredId[]) => ids(hits).sort();

/** The real store, counting its catch-ups and recording what each timer slice answered (true: more remained). */
class CountingStore extends SqliteAdapterStore {
  catchUps = 0;
  readonly slices: boolean[] = [];
  protected override catchUp(limit?: number): boolean {
    this.catchUps++;
    const more = super.catchUp(limit);
    if (limit !== undefined) this.slices.push(more);
    return more;
  }
}

describe('SQLite store: catalog changes reach a running reader', () => {
  it('keeps a parsed record across another connection embedding it, and drops it when the record changes', async () => {
    await writer.upsert([makeAdapter({ id: 'hf:a/lantern', name: 'paper lantern' })]);
    const before = await reader.get('hf:a/lantern');
    await writer.setVectors([{ id: 'hf:a/lantern', vector: Float32Array.of(1, 0, 0, 0) }], 'test-model');
    // The same object: the composer's profile of it (a WeakMap by record) is not built again for every query.
    expect(await reader.get('hf:a/lantern')).toBe(before);
    expect((await reader.getVectors(['hf:a/lantern']))[0]?.vector).toEqual(Float32Array.of(1, 0, 0, 0));
    await writer.upsert([makeAdapter({ id: 'hf:a/lantern', name: 'paper lantern, red' })]);
    const after = await reader.get('hf:a/lantern');
    expect(after).not.toBe(before);
    expect(after?.name).toBe('paper lantern, red');
  });

  it('sees every insert, edit and delete of another connection at its next query', async () => {
    await writer.upsert([
      makeAdapter({ id: 'hf:a/lantern', name: 'paper lantern' }),
      makeAdapter({ id: 'hf:a/kite', name: 'paper kite' }),
    ]);
    expect(idSet(await reader.searchText('paper', { limit: 10, filter: SAFE }))).toEqual(['hf:a/kite', 'hf:a/lantern']);
    expect((await reader.get('hf:a/kite'))?.name).toBe('paper kite');

    await writer.upsert([makeAdapter({ id: 'hf:a/boat', name: 'paper boat' })]);
    expect(ids(await reader.searchText('boat', { limit: 10, filter: SAFE }))).toEqual(['hf:a/boat']);

    // An edit that changes the text, and one that changes what the filter sees.
    await writer.upsert([
      makeAdapter({ id: 'hf:a/kite', name: 'silk kite' }),
      makeAdapter({ id: 'hf:a/lantern', name: 'paper lantern', nsfw: true }),
    ]);
    expect(ids(await reader.searchText('paper', { limit: 10, filter: SAFE }))).toEqual(['hf:a/boat']);
    expect(idSet(await reader.searchText('paper', { limit: 10, filter: { ...SAFE, allowNsfw: true } }))).toEqual([
      'hf:a/boat',
      'hf:a/lantern',
    ]);
    expect((await reader.get('hf:a/kite'))?.name).toBe('silk kite');

    await writer.delete(['hf:a/boat']);
    expect(await reader.searchText('boat', { limit: 10, filter: SAFE })).toEqual([]);
    expect(await reader.get('hf:a/boat')).toBeUndefined();
  });

  it('keeps its loaded vectors current: new, moved to another filter, re-embedded and deleted rows', async () => {
    await writer.upsert([makeAdapter({ id: 'hf:a/x' }), makeAdapter({ id: 'hf:a/y' }), makeAdapter({ id: 'hf:a/z' })]);
    await writer.setVectors(
      [
        { id: 'hf:a/x', vector: Float32Array.from([1, 0, 0]) },
        { id: 'hf:a/y', vector: Float32Array.from([0, 1, 0]) },
      ],
      'm',
    );
    const query = Float32Array.from([1, 0.2, 0]);
    expect(ids(await reader.searchVector(query, { limit: 5, filter: SAFE }))).toEqual(['hf:a/x', 'hf:a/y']);

    await writer.setVectors([{ id: 'hf:a/z', vector: Float32Array.from([1, 0.1, 0]) }], 'm');
    expect(ids(await reader.searchVector(query, { limit: 5, filter: SAFE }))).toEqual(['hf:a/z', 'hf:a/x', 'hf:a/y']);

    await writer.upsert([makeAdapter({ id: 'hf:a/z', baseFamily: 'sd1' })]);
    expect(ids(await reader.searchVector(query, { limit: 5, filter: SAFE }))).toEqual(['hf:a/x', 'hf:a/y']);
    expect(ids(await reader.searchVector(query, { limit: 5, filter: { baseFamilies: ['sd1'] } }))).toEqual(['hf:a/z']);

    await writer.setVectors([{ id: 'hf:a/y', vector: Float32Array.from([1, 0.3, 0]) }], 'm');
    expect(ids(await reader.searchVector(query, { limit: 5, filter: SAFE }))).toEqual(['hf:a/y', 'hf:a/x']);

    await writer.delete(['hf:a/y']);
    expect(ids(await reader.searchVector(query, { limit: 5, filter: SAFE }))).toEqual(['hf:a/x']);
    expect(ids(await reader.searchVector(query, { limit: 5, filter: { ...SAFE, excludeIds: ['hf:a/x'] } }))).toEqual(
      [],
    );
  });

  it('bumps the version only when a write changed something', async () => {
    const adapter = makeAdapter({ id: 'hf:a/same', name: 'same' });
    await writer.upsert([adapter]);
    const before = await reader.version();
    await writer.upsert([adapter]);
    expect(await reader.version()).toBe(before);
    await writer.upsert([{ ...adapter, name: 'changed' }]);
    expect(await reader.version()).not.toBe(before);
  });

  it('applies a large backlog on its timer in slices, and a query still sees every change', async () => {
    const kept = new CountingStore(file);
    const errors: unknown[] = [];
    try {
      const lanterns = Array.from({ length: 700 }, (_, index) =>
        makeAdapter({ id: `hf:a/lantern-${index}`, name: `paper lantern ${index}` }),
      );
      await writer.upsert(lanterns);
      const stop = kept.keepCurrent(5, (error) => errors.push(error));
      for (let waited = 0; !kept.slices.includes(false) && waited < 5000; waited += 10) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      stop();
      // 700 inserts in slices: every slice but the last left more for the next.
      const slices = Math.ceil(700 / CATCH_UP_SLICE);
      expect(slices).toBeGreaterThan(1);
      expect(kept.slices.slice(0, slices)).toEqual([...Array.from({ length: slices - 1 }, () => true), false]);
      await writer.upsert([makeAdapter({ id: 'hf:a/kite', name: 'paper kite' })]);
      const hits = await kept.searchText('paper', { limit: 1000, filter: SAFE });
      expect(hits).toHaveLength(701);
      expect(errors).toEqual([]);
    } finally {
      await kept.close();
    }
  });

  it('kept current by a timer, a query applies record changes at once and leaves new vectors to the timer', async () => {
    const kept = new SqliteAdapterStore(file);
    const errors: unknown[] = [];
    try {
      await writer.upsert([
        makeAdapter({ id: 'hf:a/x' }),
        makeAdapter({ id: 'hf:a/y' }),
        makeAdapter({ id: 'hf:a/z' }),
      ]);
      await writer.setVectors(
        [
          { id: 'hf:a/x', vector: Float32Array.from([1, 0, 0]) },
          { id: 'hf:a/z', vector: Float32Array.from([0, 0, 1]) },
        ],
        'm',
      );
      const query = Float32Array.from([1, 0.2, 0]);
      // A period no test waits for: only queries apply changes until the timer is restarted below.
      let stop = kept.keepCurrent(60_000, (error) => errors.push(error));
      expect(ids(await kept.searchVector(query, { limit: 5, filter: SAFE }))).toEqual(['hf:a/x', 'hf:a/z']);

      // A new vector for a record that did not change: left to the timer.
      await writer.setVectors([{ id: 'hf:a/y', vector: Float32Array.from([1, 0.5, 0]) }], 'm');
      expect(ids(await kept.searchVector(query, { limit: 5, filter: SAFE }))).toEqual(['hf:a/x', 'hf:a/z']);
      // Changes to records reach the next query, dense search included: an edit that moves x out of the filter, a
      // delete, and a re-embedded record whose text changed too.
      await writer.upsert([makeAdapter({ id: 'hf:a/x', nsfw: true })]);
      await writer.delete(['hf:a/z']);
      expect(ids(await kept.searchVector(query, { limit: 5, filter: SAFE }))).toEqual([]);
      expect((await kept.get('hf:a/x'))?.nsfw).toBe(true);
      expect(await kept.get('hf:a/z')).toBeUndefined();
      await writer.setVectors([{ id: 'hf:a/y', vector: Float32Array.from([0, 1, 0]) }], 'm');
      await writer.upsert([makeAdapter({ id: 'hf:a/y', name: 'renamed' })]);
      expect(ids(await kept.searchVector(query, { limit: 5, filter: SAFE }))).toEqual(['hf:a/y']);

      // The timer applies a vector left to it.
      await writer.setVectors([{ id: 'hf:a/y', vector: Float32Array.from([-1, 0, 0]) }], 'm');
      const score = async () => (await kept.searchVector(query, { limit: 5, filter: SAFE }))[0]?.score;
      expect(await score()).toBeGreaterThan(0);
      stop();
      stop = kept.keepCurrent(5, (error) => errors.push(error));
      for (let waited = 0; ((await score()) ?? 0) > 0 && waited < 5000; waited += 10) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(await score()).toBeLessThan(0);

      // Without a timer, a query applies every change, new vectors included.
      stop();
      await writer.setVectors([{ id: 'hf:a/y', vector: Float32Array.from([1, 0, 0]) }], 'm');
      expect(await score()).toBeGreaterThan(0);
      expect(errors).toEqual([]);
    } finally {
      await kept.close();
    }
  });

  it('holds its background catch-up back while a reply is worked out, and goes on when it is out', async () => {
    const kept = new CountingStore(file);
    const errors: unknown[] = [];
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    try {
      await writer.upsert([makeAdapter({ id: 'hf:a/x' }), makeAdapter({ id: 'hf:a/y' })]);
      await writer.setVectors([{ id: 'hf:a/x', vector: Float32Array.from([1, 0, 0]) }], 'm');
      const query = Float32Array.from([1, 0.2, 0]);
      const found = async () => ids(await kept.searchVector(query, { limit: 5, filter: SAFE }));
      const scoreOfY = async () =>
        (await kept.searchVector(query, { limit: 5, filter: SAFE })).find((hit) => hit.id === 'hf:a/y')?.score;
      // No longest wait here: only a release lets the timer go on.
      const stop = kept.keepCurrent(5, (error) => errors.push(error), { maxDeferralMs: 600_000 });
      expect(await found()).toEqual(['hf:a/x']);

      const release = kept.deferCatchUp();
      const before = kept.slices.length;
      await writer.setVectors([{ id: 'hf:a/y', vector: Float32Array.from([1, 0.5, 0]) }], 'm');
      // Time for several ticks of the timer, none of which may apply anything.
      await sleep(60);
      expect(kept.slices.length).toBe(before);
      expect(await found()).toEqual(['hf:a/x']);
      release();
      for (let waited = 0; (await found()).length < 2 && waited < 5000; waited += 10) await sleep(10);
      expect(await found()).toEqual(['hf:a/x', 'hf:a/y']);
      stop();

      // A hold never released holds the catch-up back for the longest wait only.
      kept.keepCurrent(5, (error) => errors.push(error), { maxDeferralMs: 20 });
      kept.deferCatchUp();
      await writer.setVectors([{ id: 'hf:a/y', vector: Float32Array.from([-1, 0, 0]) }], 'm');
      for (let waited = 0; ((await scoreOfY()) ?? 0) > 0 && waited < 5000; waited += 10) await sleep(10);
      expect(await scoreOfY()).toBeLessThan(0);
      expect(errors).toEqual([]);
    } finally {
      await kept.close();
    }
  });

  it('applies changes in the background when asked to keep current, and stops when told or closed', async () => {
    // Only the timer can catch up here, as no query is made.
    const kept = new CountingStore(file);
    const errors: unknown[] = [];
    try {
      await writer.upsert([makeAdapter({ id: 'hf:a/quiet', name: 'quiet lantern' })]);
      const stop = kept.keepCurrent(5, (error) => errors.push(error));
      for (let waited = 0; kept.catchUps < 3 && waited < 5000; waited += 10) {
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(kept.catchUps).toBeGreaterThanOrEqual(3);
      stop();
      const stopped = kept.catchUps;
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(kept.catchUps).toBe(stopped);
      kept.keepCurrent(5, (error) => errors.push(error));
    } finally {
      await kept.close();
    }
    // Closed with the timer running: it stops with the store, never touching the closed database.
    const closed = kept.catchUps;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(kept.catchUps).toBe(closed);
    expect(errors).toEqual([]);
  });

  it('writes heavy records in smaller transactions, so a bot never waits long behind one, and loses none', async () => {
    // Records with long descriptions take milliseconds each to index: 32 of them in one transaction would hold the
    // write lock far past the few milliseconds a paced write aims for.
    const words = (count: number) => Array.from({ length: count }, (_, index) => `word${index % 997}`).join(' ');
    const heavy = Array.from({ length: 64 }, (_, index) =>
      makeAdapter({
        id: `hf:a/heavy${index}`,
        name: `heavy lantern ${index}`,
        description: words(450).slice(0, 4000),
        originalDescription: words(2200).slice(0, 20_000),
        refined: true,
      }),
    );
    const before = Number(await reader.version());
    await writer.upsert(heavy);
    // One version per transaction: two chunks of 32 would have made two.
    expect(Number(await reader.version()) - before).toBeGreaterThan(2);
    expect(await reader.count()).toBe(64);
    expect(idSet(await reader.searchText('lantern', { limit: 100 }))).toEqual(heavy.map((item) => item.id).sort());
  });
});

describe('SQLite store: a write during a query', () => {
  /** A store whose text search lets another connection write right after it answered, before the records are read. */
  class WriteAfterSearch extends SqliteAdapterStore {
    write: (() => Promise<void>) | undefined;
    override async searchText(query: string, options: { limit: number; filter?: AdapterFilter }) {
      const hits = await super.searchText(query, options);
      const write = this.write;
      this.write = undefined;
      await write?.();
      return hits;
    }
  }

  it('never returns a record the filter would now reject, nor one deleted meanwhile', async () => {
    const interleaved = new WriteAfterSearch(file);
    try {
      await writer.upsert([
        makeAdapter({ id: 'hf:a/one', name: 'red lantern one' }),
        makeAdapter({ id: 'hf:a/two', name: 'red lantern two' }),
        makeAdapter({ id: 'hf:a/three', name: 'red lantern three' }),
      ]);
      interleaved.write = async () => {
        await writer.upsert([makeAdapter({ id: 'hf:a/one', name: 'red lantern one', nsfw: true })]);
        await writer.delete(['hf:a/two']);
      };
      const result = await retrieve({ store: interleaved }, 'red lantern', { filter: SAFE });
      expect(result.candidates.map((candidate) => candidate.adapter.id)).toEqual(['hf:a/three']);
      expect(result.candidates.every((candidate) => !candidate.adapter.nsfw)).toBe(true);
    } finally {
      await interleaved.close();
    }
  });

  it('stays consistent while another process rewrites the catalog', async () => {
    const count = 40;
    const safe = (index: number) => makeAdapter({ id: `hf:a/item${index}`, name: `harbor lantern ${index}` });
    await writer.upsert(Array.from({ length: count }, (_, index) => safe(index)));
    // The other process flips records between a safe "harbor lantern" and an NSFW "forbidden lantern", 300 times.
    const script = `
      import { SqliteAdapterStore } from './src/catalog/sqlite-store.ts';
      import { makeAdapter } from './test/support/adapters.ts';
      const store = new SqliteAdapterStore(${JSON.stringify(file)});
      for (let round = 0; round < 300; round++) {
        const index = round % ${count};
        const flipped = round % 2 === 0;
        await store.upsert([makeAdapter({ id: 'hf:a/item' + index, name: (flipped ? 'forbidden' : 'harbor') + ' lantern ' + index, nsfw: flipped })]);
      }
      await store.close();`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let errors = '';
    child.stderr.on('data', (chunk) => {
      errors += String(chunk);
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    let running = true;
    void exited.then(() => {
      running = false;
    });
    let queries = 0;
    while (running || queries < 20) {
      const lanterns = await retrieve({ store: reader }, 'lantern', { filter: SAFE, limit: count });
      for (const { adapter } of lanterns.candidates) {
        expect(adapter.nsfw).toBe(false);
        expect(adapter.name).toMatch(/^harbor lantern/);
      }
      const forbidden = await retrieve({ store: reader }, 'forbidden', { filter: SAFE, limit: count });
      expect(forbidden.candidates).toEqual([]);
      queries++;
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(await exited, errors).toBe(0);
    // After the last write, the reader's view is the file's: the items last flipped to NSFW stay out.
    const finalHits = await reader.searchText('lantern', { limit: count, filter: SAFE });
    const expected = await writer.count({ baseFamilies: ['sdxl'] });
    expect(finalHits).toHaveLength(expected);
  });
});
