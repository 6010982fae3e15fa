import { describe, expect, it } from 'vitest';
import { CATEGORIES } from '../src/catalog/adapter.js';
import { DenseIndex, type DenseRow, denseEngine, plainScan } from '../src/catalog/dense-index.js';
import type { AdapterFilter } from '../src/catalog/store.js';
import { seededRandom } from '../src/stylus/masks.js';

const DIMS = 96;
const FAMILIES = ['sd1', 'sdxl', 'pony', 'flux1'] as const;

function randomVector(random: () => number, around?: Float32Array): Float32Array {
  const vector = new Float32Array(DIMS);
  for (let d = 0; d < DIMS; d++) vector[d] = (around ? (around[d] as number) : 0) + random() * 2 - 1;
  return vector;
}

/** Rows spread over families, flags and categories, with vectors in clusters (as embeddings of similar cards are). */
function dataset(size: number, seed: number): { row: DenseRow; vector: Float32Array }[] {
  const random = seededRandom(seed);
  const centres = Array.from({ length: 20 }, () => randomVector(random));
  return Array.from({ length: size }, (_, index) => ({
    row: {
      rowid: index + 1,
      id: `civitai:${index + 1}`,
      baseFamily: FAMILIES[index % FAMILIES.length] as DenseRow['baseFamily'],
      category: CATEGORIES[index % CATEGORIES.length] as DenseRow['category'],
      source: 'civitai',
      nsfw: index % 7 === 0,
      realPerson: index % 11 === 0,
    },
    vector: randomVector(random, centres[index % centres.length]),
  }));
}

/** A dataset whose rows all fall in one part of the index: one base family, safe. */
function onePart(size: number, seed: number, baseFamily: 'sd1' | 'sdxl'): { row: DenseRow; vector: Float32Array }[] {
  return dataset(size, seed).map(({ row, vector }) => ({
    row: { ...row, baseFamily, nsfw: false, realPerson: false },
    vector,
  }));
}

const FILTERS: AdapterFilter[] = [
  {},
  { allowNsfw: true, allowRealPerson: true },
  { baseFamilies: ['sdxl'] },
  { baseFamilies: ['pony', 'sdxl'], allowNsfw: true },
  { baseFamilies: ['flux1'], excludeIds: ['civitai:4', 'civitai:8', 'civitai:12', 'civitai:400'] },
  { categories: ['style', 'character'] },
];

describe('dense index', () => {
  it('scores with usearch here, so the comparison below is not the plain scan against itself', () => {
    expect(denseEngine()).toBe('usearch');
  });

  it('exact search returns the plain scan top-k, ids and scores, under every filter', () => {
    const rows = dataset(3000, 1);
    const index = new DenseIndex(DIMS, 'exact');
    for (const { row, vector } of rows) index.set(row, vector);
    const random = seededRandom(2);
    for (let query = 0; query < 20; query++) {
      const vector = randomVector(random);
      for (const filter of FILTERS) {
        const expected = plainScan(rows, vector, 50, filter);
        expect(expected.length).toBeGreaterThan(0);
        const found = index.search(vector, 50, filter);
        expect(found.map((hit) => hit.id)).toEqual(expected.map((hit) => hit.id));
        expect(found.map((hit) => hit.score)).toEqual(expected.map((hit) => hit.score));
      }
    }
  });

  it('stays equal to the plain scan after rows are replaced, moved between filters and removed', () => {
    const rows = dataset(1500, 3);
    const index = new DenseIndex(DIMS, 'exact');
    for (const { row, vector } of rows) index.set(row, vector);
    const random = seededRandom(4);
    for (let step = 0; step < 300; step++) {
      const position = Math.floor(random() * rows.length);
      const entry = rows[position] as { row: DenseRow; vector: Float32Array };
      if (step % 3 === 0) {
        index.remove(entry.row.rowid);
        rows.splice(position, 1);
      } else {
        entry.row = { ...entry.row, baseFamily: FAMILIES[step % FAMILIES.length] as DenseRow['baseFamily'] };
        entry.vector = randomVector(random);
        index.set(entry.row, entry.vector);
      }
    }
    expect(index.size).toBe(rows.length);
    for (let query = 0; query < 10; query++) {
      const vector = randomVector(random);
      for (const filter of FILTERS) {
        expect(index.search(vector, 40, filter)).toEqual(plainScan(rows, vector, 40, filter));
      }
    }
  });

  it('stays equal to the plain scan across blocks of rows, as one part grows and shrinks', () => {
    const rows = onePart(9500, 7, 'sd1');
    const index = new DenseIndex(DIMS, 'exact');
    for (const { row, vector } of rows) index.set(row, vector);
    const random = seededRandom(8);
    const check = () => {
      for (let query = 0; query < 5; query++) {
        const vector = randomVector(random);
        expect(index.search(vector, 150, {})).toEqual(plainScan(rows, vector, 150, {}));
      }
    };
    check();
    // Removing rows moves the last ones into their slots, across blocks, and empties the last block.
    for (let step = 0; step < 1500; step++) {
      const position = Math.floor(random() * rows.length);
      index.remove((rows[position] as { row: DenseRow }).row.rowid);
      rows.splice(position, 1);
    }
    expect(index.size).toBe(rows.length);
    check();
  });

  it("the int8 first pass answers clustered vectors, and its top 150 is the plain scan's, ties included", async () => {
    // One part of 6000 rows; every fifth vector repeats the one before it under another id, so scores tie.
    const rows = onePart(6000, 9, 'sdxl');
    for (let position = 5; position < rows.length; position += 5) {
      (rows[position] as { vector: Float32Array }).vector = (rows[position - 1] as { vector: Float32Array }).vector;
    }
    const index = new DenseIndex(DIMS, 'exact');
    for (const { row, vector } of rows) index.set(row, vector);
    // The first search starts building the int8 copy, and is answered by the f32 scan meanwhile.
    index.search(randomVector(seededRandom(11)), 150, {});
    await index.whenBuilt();
    const random = seededRandom(10);
    const filters: AdapterFilter[] = [{}, { excludeIds: ['civitai:5', 'civitai:6', 'civitai:900'] }];
    let ties = 0;
    for (let query = 0; query < 12; query++) {
      // Queries near stored rows, as a prompt near some adapters' cards.
      const near = (rows[Math.floor(random() * rows.length)] as { vector: Float32Array }).vector;
      const vector = Float32Array.from(near, (value) => value + (random() * 2 - 1) * 0.3);
      for (const filter of filters) {
        const expected = plainScan(rows, vector, 150, filter);
        expect(index.search(vector, 150, filter)).toEqual(expected);
        ties += expected.filter((hit, rank) => rank > 0 && hit.score === expected[rank - 1]?.score).length;
      }
    }
    expect(ties).toBeGreaterThan(0);
    expect(index.stats).toEqual({ quantised: 24, full: 1, unproven: 0 });
  });

  it('scans the f32 vectors when int8 cannot tell the scores apart, with the same results', async () => {
    // Vectors a hair apart around one point: their scores differ by less than the int8 error bounds.
    const random = seededRandom(12);
    const centre = randomVector(random);
    const rows = dataset(5000, 13).map(({ row }) => ({
      row: { ...row, baseFamily: 'sd1' as const, nsfw: false, realPerson: false },
      vector: Float32Array.from(centre, (value) => value + (random() * 2 - 1) * 1e-3),
    }));
    const index = new DenseIndex(DIMS, 'exact');
    for (const { row, vector } of rows) index.set(row, vector);
    index.search(randomVector(random), 150, {});
    await index.whenBuilt();
    for (let query = 0; query < 20; query++) {
      const vector = randomVector(random);
      expect(index.search(vector, 150, {})).toEqual(plainScan(rows, vector, 150, {}));
    }
    // The first search (before the copy), then three failed int8 passes, then one every eighth search (11 and 19).
    expect(index.stats).toEqual({ quantised: 0, full: 21, unproven: 5 });
  });

  it('stays equal to the plain scan when new rows fall outside the int8 range the copy was built with', async () => {
    const rows = onePart(5000, 14, 'sd1');
    const index = new DenseIndex(DIMS, 'exact');
    for (const { row, vector } of rows) index.set(row, vector);
    const random = seededRandom(15);
    const check = (queries: number) => {
      for (let query = 0; query < queries; query++) {
        const vector = randomVector(random);
        expect(index.search(vector, 150, {})).toEqual(plainScan(rows, vector, 150, {}));
      }
    };
    index.search(randomVector(random), 150, {});
    await index.whenBuilt();
    check(4);
    expect(index.stats.quantised).toBeGreaterThan(0);
    // Rows pointing mostly along one axis: far beyond that dimension's int8 range, so they clip.
    for (let step = 0; step < 200; step++) {
      const vector = randomVector(random);
      vector[step % DIMS] = 40;
      const entry = rows[step * 7] as { row: DenseRow; vector: Float32Array };
      entry.vector = vector;
      index.set(entry.row, vector);
    }
    check(4);
    // Quiet since: the next searches start a copy with steps that fit, built between searches, not in one of them.
    check(6);
    let rebuilt = false;
    void index.whenBuilt().then(() => {
      rebuilt = true;
    });
    await Promise.resolve();
    expect(rebuilt).toBe(false);
    await index.whenBuilt();
    check(4);
  });

  it('answers from the f32 vectors while the int8 copy is built between searches, then from the copy', async () => {
    const rows = onePart(6000, 18, 'sdxl');
    const index = new DenseIndex(DIMS, 'exact');
    for (const { row, vector } of rows) index.set(row, vector);
    const random = seededRandom(19);
    const near = () => {
      const stored = (rows[Math.floor(random() * rows.length)] as { vector: Float32Array }).vector;
      return Float32Array.from(stored, (value) => value + (random() * 2 - 1) * 0.3);
    };
    // Two searches in one turn: the first wants a copy, neither waits for it, both are exact.
    for (let query = 0; query < 2; query++) {
      const vector = near();
      expect(index.search(vector, 150, {})).toEqual(plainScan(rows, vector, 150, {}));
    }
    expect(index.stats).toEqual({ quantised: 0, full: 2, unproven: 0 });
    await index.whenBuilt();
    const vector = near();
    expect(index.search(vector, 150, {})).toEqual(plainScan(rows, vector, 150, {}));
    expect(index.stats).toEqual({ quantised: 1, full: 2, unproven: 0 });
  });

  it('an int8 copy built over several turns takes the rows added, replaced and removed meanwhile', async () => {
    // One part of 20K rows: several turns' worth of building at this size.
    const rows: { row: DenseRow; vector: Float32Array }[] = onePart(20_000, 20, 'sd1');
    const index = new DenseIndex(DIMS, 'exact');
    for (const { row, vector } of rows) index.set(row, vector);
    const random = seededRandom(21);
    let built = false;
    index.search(randomVector(random), 150, {});
    void index.whenBuilt().then(() => {
      built = true;
    });
    const changed: Float32Array[] = [];
    let nextRowid = 30_000;
    let turns = 0;
    while (!built) {
      await new Promise((resolve) => setImmediate(resolve));
      turns++;
      // Rows at both ends of the part (passed by the build, or not yet), each given a vector far from its old one.
      for (const position of [3 * turns, rows.length - 1 - 3 * turns]) {
        const entry = rows[position] as { row: DenseRow; vector: Float32Array };
        entry.vector = randomVector(random);
        index.set(entry.row, entry.vector);
        changed.push(entry.vector);
      }
      // Removals move the last row into an early slot, and a late one.
      for (const position of [5 * turns + 1, rows.length - 2]) {
        index.remove((rows[position] as { row: DenseRow }).row.rowid);
        rows.splice(position, 1);
      }
      const added = { row: { ...(rows[0] as { row: DenseRow }).row, rowid: nextRowid, id: `civitai:${nextRowid}` } };
      nextRowid++;
      const entry = { ...added, vector: randomVector(random) };
      index.set(entry.row, entry.vector);
      rows.push(entry);
      changed.push(entry.vector);
    }
    expect(turns).toBeGreaterThan(1);
    const before = index.stats.quantised;
    for (const target of changed) {
      const vector = Float32Array.from(target, (value) => value + (random() * 2 - 1) * 0.05);
      expect(index.search(vector, 150, {})).toEqual(plainScan(rows, vector, 150, {}));
    }
    // Every search answered by the proven int8 pass: the copy holds what the rows hold.
    expect(index.stats.quantised - before).toBe(changed.length);
  });

  it('the HNSW option finds at least 95% of the exact top 150', () => {
    const rows = dataset(4000, 5);
    const exact = new DenseIndex(DIMS, 'exact');
    const approximate = new DenseIndex(DIMS, 'hnsw');
    for (const { row, vector } of rows) {
      exact.set(row, vector);
      approximate.set(row, vector);
    }
    const random = seededRandom(6);
    let found = 0;
    let wanted = 0;
    for (let query = 0; query < 20; query++) {
      const vector = randomVector(random);
      const truth = new Set(exact.search(vector, 150, {}).map((hit) => hit.id));
      found += approximate.search(vector, 150, {}).filter((hit) => truth.has(hit.id)).length;
      wanted += truth.size;
    }
    expect(found / wanted).toBeGreaterThanOrEqual(0.95);
  });

  it('the HNSW graph takes rows added, replaced and removed after it was built', () => {
    const rows = dataset(2000, 16);
    const index = new DenseIndex(DIMS, 'hnsw');
    for (const { row, vector } of rows) index.set(row, vector);
    const random = seededRandom(17);
    const query = randomVector(random);
    index.search(query, 10, {});
    // Both in the part of sdxl rows without flags (about 390 rows): searched on the graph, not row by row.
    const newcomer: DenseRow = { ...(rows[1] as { row: DenseRow }).row, rowid: 5000, id: 'civitai:5000' };
    index.set(newcomer, query);
    const moved = rows[5] as { row: DenseRow; vector: Float32Array };
    index.set(
      moved.row,
      Float32Array.from(query, (value) => value * 2),
    );
    expect(
      index
        .search(query, 2, { allowNsfw: true, allowRealPerson: true })
        .map((hit) => hit.id)
        .sort(),
    ).toEqual(['civitai:5000', 'civitai:6']);
    index.remove(5000);
    const after = index.search(query, 5, { allowNsfw: true, allowRealPerson: true }).map((hit) => hit.id);
    expect(after[0]).toBe('civitai:6');
    expect(after).not.toContain('civitai:5000');
  });
});
