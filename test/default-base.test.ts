import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Adapter } from '../src/catalog/adapter.js';
import { SqliteAdapterStore } from '../src/catalog/sqlite-store.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { silentLogger } from '../src/log.js';
import { NoAdaptersForBase } from '../src/stylus/base-availability.js';
import { planComposition } from '../src/stylus/pipeline.js';
import { makeAdapter } from './support/adapters.js';
import { runCli } from './support/cli.js';
import { BotHarness } from './support/fake-discord-harness.js';

type Json = Record<string, unknown>;

/** A catalog like the SD 1.5 Civitai dump: SD 1.5 adapters, some whose hub named no known base, no SDXL. */
function sd15Catalog(): Adapter[] {
  return [
    makeAdapter({ id: 'civitai:1', name: 'Watercolor Dream', baseFamily: 'sd1', triggerWords: ['watercolor'] }),
    makeAdapter({ id: 'civitai:2', name: 'Castle Keep', baseFamily: 'sd1', tags: ['castle'] }),
    makeAdapter({ id: 'civitai:3', name: 'Pixel Knight', baseFamily: 'sd1', tags: ['pixel art'] }),
    makeAdapter({ id: 'civitai:4', name: 'Old Castle Ruins', baseFamily: 'other', tags: ['castle', 'ruins'] }),
  ];
}

const root = mkdtempSync(path.join(tmpdir(), 'stylus-base-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('STYLUS_DEFAULT_BASE', () => {
  it('is sdxl unless set; takes a family as people write it; refuses "other", which no checkpoint is', () => {
    expect(loadConfig({}).STYLUS_DEFAULT_BASE).toBe('sdxl');
    expect(loadConfig({ STYLUS_DEFAULT_BASE: 'SD 1.5' }).STYLUS_DEFAULT_BASE).toBe('sd1');
    expect(() => loadConfig({ STYLUS_DEFAULT_BASE: 'other' })).toThrow(ConfigError);
    expect(() => loadConfig({ STYLUS_DEFAULT_BASE: 'sd9' })).toThrow(
      /^Invalid configuration: STYLUS_DEFAULT_BASE: expected one of sd1, sd2, sdxl/,
    );
  });
});

describe('the command line, on a catalog without SDXL adapters', () => {
  const dataDir = path.join(root, 'cli');
  beforeAll(async () => {
    const file = path.join(root, 'sd15.jsonl');
    writeFileSync(
      file,
      sd15Catalog()
        .map((adapter) => JSON.stringify(adapter))
        .join('\n'),
    );
    expect((await runCli(['catalog', 'load', file], { DATA_DIR: dataDir })).code).toBe(0);
  });
  const env = (extra: NodeJS.ProcessEnv = {}) => ({ DATA_DIR: dataDir, STYLUS_SEED_CATALOG: 'false', ...extra });

  it('the default base names the base that has adapters, and the flag to reach it', async () => {
    const run = await runCli(['compose', 'a castle, watercolor'], env());
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      'stylus compose: No SDXL adapters in the catalog; 3 SD 1.5 adapters are: try --base sd1.\n',
    );
    const sd1 = await runCli(['compose', 'a castle, watercolor', '--base', 'sd1', '--json'], env());
    expect(sd1.code).toBe(0);
    expect(JSON.parse(sd1.stdout).base).toBe('sd1');
  });

  it('STYLUS_DEFAULT_BASE makes that base the default', async () => {
    const run = await runCli(['compose', 'a castle, watercolor', '--json'], env({ STYLUS_DEFAULT_BASE: 'sd1' }));
    expect(run.code).toBe(0);
    const plan = JSON.parse(run.stdout);
    expect(plan.base).toBe('sd1');
    expect(plan.images[0].adapters.map((adapter: { id: string }) => adapter.id)).toContain('civitai:1');
  });

  it('adapters of base "other" are reachable with --base other, but no checkpoint is of that kind', async () => {
    const run = await runCli(['compose', 'old castle ruins', '--base', 'other', '--json'], env());
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).images[0].adapters).toEqual([{ id: 'civitai:4', weight: expect.any(Number) }]);

    const prompts = path.join(root, 'prompts.tsv');
    writeFileSync(prompts, 'Prompt\tCategory\na castle\tBuildings\n');
    const judge = await runCli(['eval', 'judge', '--prompts', prompts, '--base', 'other'], env());
    expect(judge.code).not.toBe(0);
    expect(judge.stderr).toMatch(/"other" is not a kind of checkpoint, so it cannot be rendered here/);
  });
});

describe('no adapters for the base: an answer before retrieval', () => {
  it('asks the store for a count, never for a text search, and names the base that has the most', async () => {
    const store = new SqliteAdapterStore(path.join(root, 'direct.db'));
    try {
      await store.upsert(sd15Catalog());
      const searchText = vi.spyOn(store, 'searchText');
      const services = { config: loadConfig({ LOG_LEVEL: 'silent' }), store, log: silentLogger };
      const request = { prompt: 'a castle at dusk, watercolor', base: 'sdxl' as const, images: 1, seed: 1 };
      const failure = await planComposition(services, request).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(NoAdaptersForBase);
      expect((failure as NoAdaptersForBase).alternative).toEqual({ family: 'sd1', count: 3 });
      expect(searchText).not.toHaveBeenCalled();

      // With only "other" adapters left, it names "other".
      await store.delete(['civitai:1', 'civitai:2', 'civitai:3']);
      const onlyOther = await planComposition(services, request).catch((error: unknown) => error);
      expect((onlyOther as NoAdaptersForBase).userMessage).toBe(
        'No SDXL adapters in the catalog; 1 adapters of base "other" are: try base:other.',
      );
      expect(searchText).not.toHaveBeenCalled();
      await planComposition(services, { ...request, base: 'other' });
      expect(searchText).toHaveBeenCalledTimes(1);
    } finally {
      await store.close();
    }
  });
});

describe('/imagine on a catalog without SDXL adapters (real discord.js Client)', () => {
  let h: BotHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  const ephemeralAnswer = async (harness: BotHarness, interaction: { id: string; token: string }) =>
    String((await harness.ephemeralAnswer(interaction)).data.content);

  const imagine = (harness: BotHarness, options: Json[]) =>
    harness.fake.slashCommand({
      member: harness.fake.member({ username: 'member' }),
      name: 'imagine',
      options: [{ type: 3, name: 'prompt', value: 'a castle at dusk, watercolor' }, ...options],
    });

  it('says which base has adapters, as the base option is written', async () => {
    h = await BotHarness.start({ adapters: sd15Catalog() });
    expect(await ephemeralAnswer(h, imagine(h, []))).toBe(
      'No SDXL adapters in the catalog; 3 SD 1.5 adapters are: try base:sd1.',
    );
  });

  it('composes for STYLUS_DEFAULT_BASE when the member gives no base', async () => {
    h = await BotHarness.start({ adapters: sd15Catalog(), env: { STYLUS_DEFAULT_BASE: 'sd1' } });
    const interaction = imagine(h, []);
    await h.fake.waitForRequest(
      (request) => request.method === 'PATCH' && request.path.includes(interaction.token),
      'the composition',
    );
    const embed = (h.fake.originalMessage(interaction)?.embeds[0] ?? {}) as Json;
    expect(JSON.stringify(embed)).toContain('SD 1.5');
    expect(JSON.stringify(embed)).toContain('Watercolor Dream');
  });
});
