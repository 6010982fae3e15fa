import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildSafetensors } from '../src/catalog/safetensors.js';
import { kohyaBaseFamily, topTrainingTags } from '../src/catalog/sources/local.js';
import { SqliteAdapterStore } from '../src/catalog/sqlite-store.js';
import { main } from '../src/cli.js';
import { databasePath, openDatabase } from '../src/storage/sqlite.js';

const root = mkdtempSync(path.join(tmpdir(), 'local-source-'));
const loras = path.join(root, 'loras');
const dataDir = path.join(root, 'data');

function sink(): Writable & { text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  }) as Writable & { text: () => string };
  stream.text = () => chunks.join('');
  return stream;
}

async function stylus(...argv: string[]) {
  const stdout = sink();
  const stderr = sink();
  const code = await main(argv, {
    stdout,
    stderr,
    env: { DATA_DIR: dataDir, LOG_LEVEL: 'silent', STYLUS_SEED_CATALOG: 'false' },
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

function sha256(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

async function readStore<T>(read: (store: SqliteAdapterStore) => Promise<T>): Promise<T> {
  const db = openDatabase(databasePath(dataDir));
  const store = new SqliteAdapterStore(db);
  try {
    return await read(store);
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  mkdirSync(path.join(loras, 'styles'), { recursive: true });
  const tagFrequency = JSON.stringify({
    '10_wtrclr': { wtrclr: 40, watercolor: 30, painting: 12 },
    '5_extra': { watercolor: 5, '1girl': 3 },
  });
  writeFileSync(
    path.join(loras, 'styles', 'watercolor.safetensors'),
    buildSafetensors({
      ss_output_name: 'wtrclr_v2',
      ss_base_model_version: 'sdxl_base_v1-0',
      ss_tag_frequency: tagFrequency,
    }),
  );
  writeFileSync(
    path.join(loras, 'styles', 'watercolor.json'),
    JSON.stringify({
      description: 'Soft <b>watercolor</b> washes',
      'activation text': 'wtrclr style',
      'preferred weight': 0.65,
    }),
  );
  await sharp({ create: { width: 8, height: 8, channels: 3, background: '#3366cc' } })
    .png()
    .toFile(path.join(loras, 'styles', 'watercolor.preview.png'));

  writeFileSync(
    path.join(loras, 'neon.safetensors'),
    buildSafetensors({
      'modelspec.architecture': 'stable-diffusion-v1/lora',
      'modelspec.title': 'Neon Glow',
      ss_tag_frequency: JSON.stringify({ img: { 'neon lights': 9, 'night city': 4, glow: 2 } }),
    }),
  );

  writeFileSync(path.join(loras, 'hero.safetensors'), buildSafetensors({ ss_output_name: 'hero' }));
  writeFileSync(
    path.join(loras, 'hero.civitai.info'),
    JSON.stringify({
      id: 555,
      modelId: 55,
      name: 'v1',
      baseModel: 'SD 1.5',
      trainedWords: ['h3ro'],
      description: '<p>A real actor&#39;s likeness</p>',
      model: { name: 'Famous Actor', type: 'LORA', nsfw: false, poi: true },
      images: [
        { url: 'https://image.civitai.com/x/1.jpeg', nsfw: 'None', meta: { prompt: 'h3ro, portrait <lora:hero:0.7>' } },
        { url: 'https://image.civitai.com/x/2.jpeg', nsfw: 'Soft', meta: { prompt: 'not safe' } },
      ],
    }),
  );

  writeFileSync(
    path.join(loras, 'broken-info.safetensors'),
    buildSafetensors({ ss_output_name: 'broken', ss_base_model_version: 'sd_v1' }),
  );
  writeFileSync(path.join(loras, 'broken-info.civitai.info'), '<html>Rate limited</html>');

  const whole = buildSafetensors({ ss_output_name: 'cut' }, { 'lora.down.weight': new Float32Array(64) });
  writeFileSync(path.join(loras, 'truncated.safetensors'), whole.subarray(0, whole.length - 40));

  const huge = Buffer.alloc(64);
  huge.writeBigUInt64LE(2n ** 40n);
  writeFileSync(path.join(loras, 'huge-header.safetensors'), huge);
  writeFileSync(path.join(loras, 'notes.txt'), 'not a lora');
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('kohya metadata', () => {
  it('maps kohya and modelspec base strings to families', () => {
    expect(kohyaBaseFamily({ ss_base_model_version: 'sdxl_base_v1-0' }).family).toBe('sdxl');
    expect(kohyaBaseFamily({ ss_base_model_version: 'sd_v1' }).family).toBe('sd1');
    expect(kohyaBaseFamily({ ss_base_model_version: 'sd_v2_768_v' }).family).toBe('sd2');
    expect(kohyaBaseFamily({ 'modelspec.architecture': 'stable-diffusion-xl-v1-base/lora' }).family).toBe('sdxl');
    expect(kohyaBaseFamily({ 'modelspec.architecture': 'flux-1-dev/lora' }).family).toBe('flux1');
    expect(kohyaBaseFamily({}).family).toBe('other');
  });

  it('ranks training tags by their summed frequency and survives bad JSON', () => {
    expect(topTrainingTags({ ss_tag_frequency: '{"a": {"x": 1, "y": 5}, "b": {"x": 6}}' }, 5)).toEqual(['x', 'y']);
    expect(topTrainingTags({ ss_tag_frequency: '{not json' }, 5)).toEqual([]);
  });
});

describe('stylus ingest local', () => {
  it('reads every safetensors header, its kohya metadata and sidecars, and hashes the file', async () => {
    const run = await stylus('ingest', 'local', loras);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(3); // two files failed, three were added
    expect(run.stdout).toMatch(/ingest local: 6 read, 3 added, 1 filtered, 2 failed/);
    expect(run.stdout).toMatch(/bad-safetensors: 2 \(local:huge-header, local:truncated\)/);
    expect(run.stdout).toMatch(/bad-sidecar: 1 \(local:broken-info\)/);
    expect(run.stdout).toMatch(/filtered-real-person: 1 \(local:hero\)/);

    const [watercolor, neon, broken] = await readStore((store) =>
      store.getMany(['local:styles/watercolor', 'local:neon', 'local:broken-info']),
    );
    const watercolorFile = path.join(loras, 'styles', 'watercolor.safetensors');
    expect(watercolor).toMatchObject({
      source: 'local',
      name: 'wtrclr_v2',
      description: 'Soft watercolor washes',
      baseFamily: 'sdxl',
      baseModel: 'sdxl_base_v1-0',
      triggerWords: ['wtrclr style'],
      tags: ['wtrclr', 'watercolor', 'painting', '1girl'],
      recommendedWeight: 0.65,
      fileName: 'watercolor.safetensors',
      sizeBytes: readFileSync(watercolorFile).length,
      sha256: sha256(watercolorFile),
      sourceIds: { path: path.join('styles', 'watercolor.safetensors') },
    });
    expect(watercolor?.exampleImageUrls).toEqual([
      new URL(`file://${path.join(loras, 'styles', 'watercolor.preview.png')}`).toString(),
    ]);
    expect(watercolor?.previewImageUrl).toBeUndefined();

    expect(neon).toMatchObject({
      name: 'Neon Glow',
      baseFamily: 'sd1',
      triggerWords: ['neon lights', 'night city', 'glow'],
      sha256: sha256(path.join(loras, 'neon.safetensors')),
      recommendedWeight: 0.8,
    });
    expect(broken).toMatchObject({ name: 'broken', baseFamily: 'sd1' });
  });

  it('keeps the real-person adapter, flagged, with --allow-real-person, using its .civitai.info', async () => {
    const run = await stylus('ingest', 'local', loras, '--allow-real-person');
    expect(run.code).toBe(3); // the two broken files still fail
    expect(run.stdout).toMatch(/1 added/);
    expect(run.stdout).toMatch(/3 unchanged/);
    const hero = await readStore((store) => store.get('local:hero'));
    expect(hero).toMatchObject({
      name: 'Famous Actor',
      realPerson: true,
      baseFamily: 'sd1',
      triggerWords: ['h3ro'],
      description: "A real actor's likeness",
      examplePrompts: ['h3ro, portrait <lora:hero:0.7>'],
      exampleImageUrls: ['https://image.civitai.com/x/1.jpeg'],
      sourceIds: { modelId: '55', versionId: '555' },
      pageUrl: 'https://civitai.com/models/55',
    });
  });

  it('rewrites a record whose sidecar changed, and names a missing folder clearly', async () => {
    writeFileSync(
      path.join(loras, 'styles', 'watercolor.json'),
      JSON.stringify({ description: 'Now with ink', 'activation text': 'wtrclr style', 'preferred weight': 0.7 }),
    );
    const run = await stylus('ingest', 'local', loras);
    expect(run.stdout).toMatch(/1 updated/);
    const watercolor = await readStore((store) => store.get('local:styles/watercolor'));
    expect(watercolor?.description).toBe('Now with ink');
    expect(watercolor?.recommendedWeight).toBe(0.7);

    const missing = await stylus('ingest', 'local', path.join(root, 'nope'));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/There is no LoRA folder at ".*nope": check the path\./);
  });
});
