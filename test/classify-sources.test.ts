import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reasonKind } from '../src/catalog/classify/flag-stats.js';
import { buildSafetensors } from '../src/catalog/safetensors.js';
import { SqliteAdapterStore } from '../src/catalog/sqlite-store.js';
import { databasePath, openDatabase } from '../src/storage/sqlite.js';
import { civitaiImage } from './support/civitai-items.js';
import { runCli } from './support/cli.js';
import { FakeHuggingFace } from './support/fake-huggingface.js';

/**
 * Every source gets a category and the SFW gate at ingest, from what it has: a local folder from kohya training
 * captions and Civitai sidecars (with their image ratings), Hugging Face from its repo tags.
 */
const root = mkdtempSync(path.join(tmpdir(), 'classify-sources-'));
const SDXL = 'base_model:adapter:stabilityai/stable-diffusion-xl-base-1.0';

async function records(dataDir: string) {
  const db = openDatabase(databasePath(dataDir));
  const store = new SqliteAdapterStore(db);
  try {
    return new Map(
      (await store.list({ limit: 100, filter: { allowNsfw: true, allowRealPerson: true } })).map((adapter) => [
        adapter.name,
        adapter,
      ]),
    );
  } finally {
    db.close();
  }
}

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('a local LoRA folder', () => {
  const loras = path.join(root, 'loras');
  const dataDir = path.join(root, 'local-data');
  beforeAll(() => {
    mkdirSync(loras, { recursive: true });
    writeFileSync(
      path.join(loras, 'beach_day.safetensors'),
      buildSafetensors({
        ss_output_name: 'beach_day',
        ss_base_model_version: 'sdxl_base_v1-0',
        ss_tag_frequency: JSON.stringify({ '10_beach': { '1girl': 30, nude: 12, beach: 20 } }),
      }),
    );
    writeFileSync(path.join(loras, 'hero.safetensors'), buildSafetensors({ ss_output_name: 'hero' }));
    writeFileSync(
      path.join(loras, 'hero.civitai.info'),
      JSON.stringify({
        id: 777,
        modelId: 77,
        baseModel: 'SDXL 1.0',
        trainedWords: ['h3ro'],
        model: { name: 'Hero Girl', type: 'LORA', nsfw: false, poi: false, tags: ['character', 'anime'] },
        images: [
          civitaiImage(1, { nsfw: 'X' }),
          civitaiImage(2, { nsfw: 'Mature' }),
          civitaiImage(3, { nsfw: 'None' }),
        ],
      }),
    );
    writeFileSync(
      path.join(loras, 'ink.safetensors'),
      buildSafetensors({
        ss_output_name: 'ink_wash',
        ss_base_model_version: 'sdxl_base_v1-0',
        ss_tag_frequency: JSON.stringify({ '10_ink': { 'ink wash': 30, style: 12, mountain: 4 } }),
      }),
    );
  });

  it('flags sexual training captions and rated sidecar images, and takes the category from sidecar tags', async () => {
    const env = { DATA_DIR: dataDir, STYLUS_SEED_CATALOG: 'false' };
    const ingest = await runCli(['ingest', 'local', loras, '--allow-nsfw'], env);
    expect(ingest.code).toBe(0);
    const stored = await records(dataDir);
    const beach = stored.get('beach_day');
    expect(beach?.nsfw).toBe(true);
    expect(beach?.nsfwReason).toMatch(/"nude" names sexual content/);
    const hero = stored.get('Hero Girl');
    expect(hero?.category).toBe('character');
    expect(hero?.imageRatings).toEqual({ none: 1, soft: 0, mature: 1, x: 1 });
    expect(hero?.nsfwReason).toBe('2 of its 3 sample images are rated Mature or X');
    const ink = stored.get('ink_wash');
    expect(ink?.nsfw).toBe(false);
    expect(ink?.category).toBe('style');

    const stats = await runCli(['catalog', 'stats', '--json'], env);
    expect(JSON.parse(stats.stdout).flagged).toEqual({
      nsfw: 2,
      nsfw_by_reason: { 'sexual words in name, tags or triggers': 1, 'sample images rated Mature/X': 1 },
      real_person: 0,
    });
  });

  it('keeps flagged adapters out of the catalog unless the admin allows them', async () => {
    const env = { DATA_DIR: path.join(root, 'local-sfw'), STYLUS_SEED_CATALOG: 'false' };
    const ingest = await runCli(['ingest', 'local', loras], env);
    expect(ingest.stdout + ingest.stderr).toMatch(/filtered-nsfw-words: 1/);
    expect(ingest.stdout + ingest.stderr).toMatch(/filtered-nsfw-images: 1/);
    expect([...(await records(env.DATA_DIR)).keys()]).toEqual(['ink_wash']);
  });
});

describe('a Hugging Face listing', () => {
  let hub: FakeHuggingFace;
  const lfs = (n: number) => ({ sha256: n.toString(16).padStart(64, '0'), size: 1000 });
  beforeAll(async () => {
    hub = await FakeHuggingFace.start([
      {
        id: 'ann/paper-cut-style',
        tags: ['lora', 'text-to-image', 'style', SDXL],
        cardData: { base_model: 'stabilityai/stable-diffusion-xl-base-1.0', tags: ['style', 'paper cut'] },
        siblings: [{ rfilename: 'paper.safetensors', size: 1000, lfs: lfs(1) }],
      },
      {
        id: 'ben/after-dark',
        tags: ['lora', 'not-for-all-audiences', SDXL],
        cardData: { base_model: 'stabilityai/stable-diffusion-xl-base-1.0' },
        siblings: [{ rfilename: 'dark.safetensors', size: 1000, lfs: lfs(2) }],
      },
    ]);
  });
  afterAll(async () => hub.close());

  it('gets its category from repo tags and its flag, with a reason, from not-for-all-audiences', async () => {
    const dataDir = path.join(root, 'hf-data');
    const env = { DATA_DIR: dataDir, STYLUS_SEED_CATALOG: 'false', HF_ENDPOINT: hub.url };
    const ingest = await runCli(['ingest', 'huggingface', '--base', 'sdxl', '--allow-nsfw'], env);
    expect(ingest.code, ingest.stdout + ingest.stderr).toBe(0);
    const stored = await records(dataDir);
    expect([...stored.keys()], ingest.stdout + ingest.stderr).toContain('paper-cut-style');
    expect(stored.get('paper-cut-style')?.category).toBe('style');
    expect(stored.get('paper-cut-style')?.nsfw).toBe(false);
    expect(stored.get('after-dark')?.nsfw).toBe(true);
    expect(stored.get('after-dark')?.nsfwReason).toBe('its Hugging Face card is tagged not-for-all-audiences');
  });
});

describe('catalog stats: the kind of each flag', () => {
  it('tells a description that claims NSFW images from a flag the source set', () => {
    expect(reasonKind('its description says it makes NSFW images ("trained on nsfw images")')).toBe(
      'its description says it makes NSFW images',
    );
    expect(reasonKind('the source marks it NSFW')).toBe('marked by the source');
    expect(reasonKind('2 of its 9 sample images are rated X')).toBe('sample images rated Mature/X');
  });
});
