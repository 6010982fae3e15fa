/**
 * Catalogs of any size made from a real Civitai dump's records, read at run time (never copied into the repository):
 * real lengths and real vocabulary, with varied names, ids, base families and safety flags, so that retrieval at 300K
 * adapters sees the term statistics a real hub would give it. Record i of a catalog is record (i mod n) of the dump,
 * renamed with a word borrowed from another record's name, on a base family and with flags drawn from a fixed
 * distribution (the dump has only SD 1.5-era, safe-for-work models; a hub today has every family and many NSFW ones).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Adapter, BaseFamily } from '../src/catalog/adapter.js';
import { parseCivitaiModel, readCivitaiDump } from '../src/catalog/sources/civitai-item.js';
import { SqliteAdapterStore } from '../src/catalog/sqlite-store.js';
import { rawTokens } from '../src/catalog/text.js';
import { openDatabase } from '../src/storage/sqlite.js';
import { seededRandom } from '../src/stylus/masks.js';

/** Base families of a hub's LoRAs today, roughly as Civitai lists them. */
const FAMILY_SHARES: readonly [BaseFamily, number][] = [
  ['sd1', 0.36],
  ['sdxl', 0.24],
  ['pony', 0.16],
  ['illustrious', 0.1],
  ['flux1', 0.08],
  ['sd2', 0.01],
  ['sd3', 0.01],
  ['other', 0.04],
];
const NSFW_SHARE = 0.15;
const REAL_PERSON_SHARE = 0.03;

/** The dump's adapters as the Civitai parser reads them. */
export async function dumpAdapters(dump: string): Promise<Adapter[]> {
  const adapters: Adapter[] = [];
  for await (const entry of readCivitaiDump(dump)) {
    if (!('item' in entry)) continue;
    const { adapter } = parseCivitaiModel(entry.item);
    if (adapter) adapters.push(adapter);
  }
  if (adapters.length === 0) throw new Error(`${dump} holds no Civitai model the parser accepts`);
  return adapters;
}

/** PartiPrompts (a TSV with a Prompt column) or a plain file with one prompt per line. */
export function readPrompts(file: string): string[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const header = lines[0]?.split('\t') ?? [];
  const column = header.indexOf('Prompt');
  const rows = column >= 0 ? lines.slice(1).map((line) => line.split('\t')[column] ?? '') : lines;
  return rows.map((row) => row.trim()).filter(Boolean);
}

/** Prompts made only of words most adapters share: the tail of BM25 over a large catalog. */
export const COMMON_WORD_PROMPTS = [
  'a woman with long hair',
  'a girl in a dress',
  'a man in a black suit',
  'a beautiful woman, portrait, detailed face',
  'a cute girl with blue eyes and long hair, smiling',
  'a photo of a woman',
  'an anime girl',
  'masterpiece, best quality, 1girl, solo, long hair, looking at viewer',
];

function pick<T>(shares: readonly [T, number][], roll: number): T {
  let total = 0;
  for (const [value, share] of shares) {
    total += share;
    if (roll < total) return value;
  }
  return (shares.at(-1) as [T, number])[0];
}

/**
 * The i-th adapter of a catalog grown from `base`. Copy 0 of each record keeps its name; later copies borrow a word
 * from another record's name, so names vary the way hubs' names do (many "anime style" LoRAs, each a little different).
 */
export function catalogAdapter(base: readonly Adapter[], index: number): Adapter {
  const source = base[index % base.length] as Adapter;
  const copy = Math.floor(index / base.length);
  const random = seededRandom(index * 7919 + 17);
  const donor = base[Math.floor(random() * base.length)] as Adapter;
  const donorWords = rawTokens(donor.name).filter((word) => word.length > 2);
  const borrowed = donorWords[Math.floor(random() * donorWords.length)] ?? 'style';
  const name = copy === 0 ? source.name : `${source.name} ${borrowed} v${copy}`.slice(0, 200);
  const modelId = String(1_000_000 + index);
  return {
    ...source,
    id: `civitai:${modelId}`,
    sourceIds: { modelId, versionId: String(5_000_000 + index) },
    name,
    baseFamily: pick(FAMILY_SHARES, random()),
    nsfw: random() < NSFW_SHARE,
    realPerson: random() < REAL_PERSON_SHARE,
    fileName: `${name.replaceAll(/[^\p{L}\p{N}]+/gu, '_').slice(0, 80)}_${modelId}.safetensors`,
    sha256: createHash('sha256').update(modelId).digest('hex'),
  };
}

/** Adapters `[start, end)` of the catalog, in batches, so a 300K catalog never sits in memory at once. */
export function* catalogBatches(base: readonly Adapter[], size: number, batch = 2000): Generator<Adapter[]> {
  for (let start = 0; start < size; start += batch) {
    const end = Math.min(size, start + batch);
    yield Array.from({ length: end - start }, (_, offset) => catalogAdapter(base, start + offset));
  }
}

/** What a built catalog file depends on: the dump, the size, and the code that writes and indexes records. */
function catalogKey(dump: string, size: number): string {
  const hash = createHash('sha256');
  const stat = statSync(dump);
  hash.update(`${path.resolve(dump)}:${stat.size}:${stat.mtimeMs}:${size}`);
  const files = ['sqlite-store.ts', 'sqlite-schema.ts', 'fts-query.ts', 'text.ts'].map((name) => `src/catalog/${name}`);
  for (const file of [...files, 'bench/realistic-catalog.ts']) {
    hash.update(readFileSync(path.resolve(import.meta.dirname, '..', file)));
  }
  return hash.digest('hex').slice(0, 16);
}

/**
 * A SQLite catalog file of `size` adapters grown from the dump, built once and kept in the temporary directory
 * (a 300K build takes minutes; the file is rebuilt when the dump or the indexing code changes). Returns its path and
 * how long the build took (0 when it was reused).
 */
export async function catalogFile(
  dump: string,
  size: number,
  options: { base?: readonly Adapter[]; rebuild?: boolean } = {},
): Promise<{ file: string; buildSeconds: number }> {
  const dir = path.join(tmpdir(), 'stylus-bench-catalogs');
  mkdirSync(dir, { recursive: true });
  const key = catalogKey(dump, size);
  const file = path.join(dir, `catalog-${size}-${key}.db`);
  if (existsSync(file) && !options.rebuild) return { file, buildSeconds: 0 };
  // Files of older code or dumps at this size are stale: remove them so the directory does not grow.
  for (const name of readdirSync(dir)) {
    if (name.startsWith(`catalog-${size}-`)) rmSync(path.join(dir, name), { force: true });
  }
  const base = options.base ?? (await dumpAdapters(dump));
  const started = performance.now();
  const building = `${file}.building`;
  rmSync(building, { force: true });
  const db = openDatabase(building);
  // A scratch file: durability does not matter while it is built, speed does.
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  const store = new SqliteAdapterStore(db);
  for (const batch of catalogBatches(base, size, 5000)) store.upsertSync(batch);
  db.pragma('journal_mode = WAL');
  await store.close();
  db.close();
  renameSync(building, file);
  return { file, buildSeconds: (performance.now() - started) / 1000 };
}
