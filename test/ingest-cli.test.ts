import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenAiEmbedder } from '../src/catalog/embedder.js';
import { embedCatalog } from '../src/catalog/ingest/embed.js';
import { IngestState } from '../src/catalog/ingest/state.js';
import { SqliteAdapterStore } from '../src/catalog/sqlite-store.js';
import { main } from '../src/cli.js';
import { silentLogger } from '../src/log.js';
import { databasePath, openDatabase } from '../src/storage/sqlite.js';
import { makeAdapter } from './support/adapters.js';
import { civitaiFile, civitaiItem } from './support/civitai-items.js';
import { FakeCivitai } from './support/fake-civitai.js';
import { OpenAiStub } from './support/openai-stub.js';

const root = mkdtempSync(path.join(tmpdir(), 'ingest-cli-'));
let stub: OpenAiStub;
let civitai: FakeCivitai;

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

async function stylus(dataDir: string, argv: string[], extraEnv: Record<string, string> = {}) {
  const stdout = sink();
  const stderr = sink();
  const code = await main(argv, {
    stdout,
    stderr,
    env: {
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      STYLUS_SEED_CATALOG: 'false',
      OPENAI_BASE_URL: stub.url,
      OPENAI_API_KEY: 'test',
      CIVITAI_API_URL: civitai.url,
      ...extraEnv,
    },
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

async function withStore<T>(dataDir: string, read: (store: SqliteAdapterStore, state: IngestState) => Promise<T>) {
  const db = openDatabase(databasePath(dataDir));
  try {
    return await read(new SqliteAdapterStore(db), new IngestState(db));
  } finally {
    db.close();
  }
}

const DUMP_LINES = [
  JSON.stringify(civitaiItem({ id: 1, name: 'Watercolor', baseModel: 'SD 1.5' })),
  '{"id": 2, "name": "Cut off',
  JSON.stringify(civitaiItem({ id: 3, name: 'Mystery Base', baseModel: 'Kolors' })),
  JSON.stringify(civitaiItem({ id: 1, name: 'Watercolor again', baseModel: 'SD 1.5' })),
  JSON.stringify(
    civitaiItem({
      id: 4,
      name: 'No Weights',
      files: [civitaiFile(40, { metadata: { format: 'PickleTensor' }, name: 'a.pt' })],
    }),
  ),
  JSON.stringify(
    civitaiItem({
      id: 5,
      name: 'Script Card',
      description: '<p>Nice &amp; clean</p><script>steal()</script>',
      baseModel: 'SDXL 1.0',
    }),
  ),
  JSON.stringify(civitaiItem({ id: 6, name: 'Detail Slider', baseModel: 'SDXL 1.0' })),
  JSON.stringify({ id: 7, modelVersions: [] }),
];

beforeAll(async () => {
  stub = await OpenAiStub.start();
  civitai = await FakeCivitai.start([
    civitaiItem({ id: 201, name: 'Api One' }),
    civitaiItem({ id: 202, name: 'Api Two' }),
    civitaiItem({ id: 203, name: 'Api Three' }),
  ]);
  writeFileSync(path.join(root, 'dump.jsonl'), `${DUMP_LINES.join('\n')}\n`);
  writeFileSync(path.join(root, 'blacklist.txt'), '# Stylus drops sliders\nname: slider\n');
});

afterAll(async () => {
  await stub.close();
  await civitai.close();
  rmSync(root, { recursive: true, force: true });
});

describe('stylus ingest civitai --dump', () => {
  it('reports every kind of bad input with its record, and keeps going', async () => {
    const dataDir = path.join(root, 'dump-run');
    const run = await stylus(dataDir, [
      'ingest',
      'civitai',
      '--dump',
      path.join(root, 'dump.jsonl'),
      '--blacklist',
      path.join(root, 'blacklist.txt'),
    ]);
    expect(run.stderr).toBe('');
    // Some records failed, others were added: exit status 3 (partial).
    expect(run.code).toBe(3);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('ingest civitai: 8 read, 3 added, 2 skipped, 1 filtered, 2 failed');
    expect(run.stdout).toContain('malformed-json: 1 (dump.jsonl:2)');
    expect(run.stdout).toContain('unknown-base-model: 1 (civitai:3)');
    expect(run.stdout).toContain('duplicate: 1 (civitai:1)');
    expect(run.stdout).toContain('no-safetensors: 1 (civitai:4)');
    expect(run.stdout).toContain('blacklisted: 1 (civitai:6)');
    expect(run.stdout).toContain('missing-field: 1 (civitai:7)');
    await withStore(dataDir, async (store) => {
      expect((await store.list({ limit: 10 })).map((adapter) => adapter.id)).toEqual([
        'civitai:1',
        'civitai:3',
        'civitai:5',
      ]);
      expect((await store.get('civitai:1'))?.name).toBe('Watercolor');
      expect((await store.get('civitai:3'))?.baseFamily).toBe('other');
      expect((await store.get('civitai:5'))?.description).toBe('Nice & clean');
    });
  });

  it('filters a dump by --base and rejects an unknown base with a usage error', async () => {
    const dataDir = path.join(root, 'base-run');
    const run = await stylus(dataDir, ['ingest', 'civitai', '--dump', path.join(root, 'dump.jsonl'), '--base', 'sdxl']);
    expect(run.stdout).toMatch(/^ingest civitai: 8 read, 2 added/);
    expect(run.stdout).toContain('filtered-base: 2 (civitai:1, civitai:3)');
    const bad = await stylus(dataDir, ['ingest', 'civitai', '--base', 'sdxxl']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown base model "sdxxl"/);
  });

  it('loses no finished record when stopped halfway, and the rerun skips what is done', async () => {
    const dataDir = path.join(root, 'resume-run');
    const first = await stylus(dataDir, ['ingest', 'civitai', '--dump', path.join(root, 'dump.jsonl'), '--limit', '1']);
    expect(first.stdout).toMatch(/^ingest civitai: 1 read, 1 added\n/);
    const second = await stylus(dataDir, ['ingest', 'civitai', '--dump', path.join(root, 'dump.jsonl')]);
    expect(second.stdout).toMatch(/^ingest civitai: 8 read, 3 added, 1 unchanged, /);
  });
});

describe('stylus ingest civitai (API) --refine --embed', () => {
  it('ingests from the API, refines each adapter once and embeds them, then a rerun does nothing new', async () => {
    const dataDir = path.join(root, 'api-run');
    stub.requests.length = 0;
    stub.onChat((body) => {
      const text = JSON.stringify(body.messages);
      const name = /Title: ([^\\]+)/.exec(text)?.[1] ?? 'unknown';
      return {
        content: JSON.stringify({
          description: `Refined description of ${name}.`,
          category: 'style',
          recommended_weight: 0.75,
          trigger_words: [],
          depicts_real_person: false,
          nsfw: false,
        }),
      };
    });
    const env = {
      STYLUS_REFINER_MODEL: 'vlm',
      STYLUS_EMBEDDING_MODEL: 'embed-test',
      STYLUS_EMBEDDING_DIMENSIONS: '16',
    };
    const run = await stylus(dataDir, ['ingest', 'civitai', '--limit', '3', '--refine', '--embed'], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('ingest civitai: 3 read, 3 added');
    expect(run.stdout).toContain('refine: 3 refined');
    expect(run.stdout).toContain('embed: 3 embedded');
    expect(civitai.requests[0]?.query.get('limit')).toBe('100');
    expect(stub.chatRequests()).toHaveLength(3);
    expect(stub.embeddingRequests()).toHaveLength(1);
    expect(stub.embeddingRequests()[0]?.body.input).toHaveLength(3);
    await withStore(dataDir, async (store) => {
      const adapter = await store.get('civitai:202');
      expect(adapter).toMatchObject({
        refined: true,
        description: 'Refined description of Api Two.',
        recommendedWeight: 0.75,
      });
      expect(await store.idsWithoutVector('embed-test', 10)).toEqual([]);
    });

    const rerun = await stylus(dataDir, ['ingest', 'civitai', '--refine', '--embed'], env);
    expect(rerun.stdout).toContain('ingest civitai: 3 read, 3 unchanged');
    expect(rerun.stdout).toContain('refine: nothing to do');
    expect(rerun.stdout).toContain('embed: 3 unchanged');
    expect(stub.chatRequests()).toHaveLength(3);
    expect(stub.embeddingRequests()).toHaveLength(1);
  });

  it('says clearly what to configure when refine has no model', async () => {
    const run = await stylus(path.join(root, 'no-model'), ['refine']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/STYLUS_REFINER_MODEL/);
  });
});

describe('embedCatalog', () => {
  it('batches up to 128 texts a request and re-embeds only records whose text changed', async () => {
    const db = openDatabase(path.join(root, 'embed.db'));
    const store = new SqliteAdapterStore(db);
    const state = new IngestState(db);
    await store.upsert(
      Array.from({ length: 300 }, (_, index) =>
        makeAdapter({ id: `hf:test/a${String(index).padStart(3, '0')}`, name: `Adapter ${index}`, tags: ['style'] }),
      ),
    );
    const embedder = new OpenAiEmbedder(
      new OpenAI({ apiKey: 'x', baseURL: stub.url, maxRetries: 0 }),
      'embed-test',
      16,
    );
    stub.requests.length = 0;
    const first = await embedCatalog({ store, state, embedder, log: silentLogger });
    expect(first.get('embedded')).toBe(300);
    expect(stub.embeddingRequests().map((request) => (request.body.input as string[]).length)).toEqual([128, 128, 44]);

    const changed = await store.get('hf:test/a007');
    await store.upsert([{ ...(changed as NonNullable<typeof changed>), description: 'now refined: glowing neon' }]);
    stub.requests.length = 0;
    const second = await embedCatalog({ store, state, embedder, log: silentLogger });
    expect(second.get('embedded')).toBe(1);
    expect(second.get('unchanged')).toBe(299);
    expect(stub.embeddingRequests()[0]?.body.input).toEqual(['Adapter 7\nnow refined: glowing neon\nstyle']);

    stub.embeddingStatus = 500;
    await store.upsert([{ ...(changed as NonNullable<typeof changed>), description: 'changed again' }]);
    const failed = await embedCatalog({ store, state, embedder, log: silentLogger });
    stub.embeddingStatus = undefined;
    expect(failed.problems.get('embed-failed')).toEqual(['hf:test/a007']);
    const retried = await embedCatalog({ store, state, embedder, log: silentLogger });
    expect(retried.get('embedded')).toBe(1);
    db.close();
  });
});
