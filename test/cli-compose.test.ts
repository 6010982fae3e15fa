import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from './support/cli.js';

describe('stylus compose (offline, seed catalog)', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'stylus-cli-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('maps "ukiyo-e" to a woodblock adapter and nothing to tasks without a grounded adapter', async () => {
    const { code, stdout, stderr } = await runCli(
      ['compose', 'a corgi astronaut floating in space, ukiyo-e woodblock print style', '--json', '--seed', '7'],
      { DATA_DIR: dataDir },
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const plan = JSON.parse(stdout);
    expect(plan).toMatchObject({ base: 'sdxl', composer: 'offline', prompt_tokens: 0 });
    expect(Object.keys(plan.timings_ms).sort()).toEqual(['compose', 'retrieve', 'total']);
    const styleTask = plan.tasks.find((task: { task: string }) => /ukiyo-e/i.test(task.task));
    expect(styleTask?.adapters[0]).toMatchObject({ id: 'hf:KappaNeuro/ukiyo-e-art' });
    expect(styleTask.adapters[0].weight).toBeGreaterThan(0);
    expect(styleTask.adapters[0].reason.length).toBeGreaterThan(0);
    // The seed catalog has no corgi or astronaut adapter: those tasks get nothing rather than a foreign concept.
    for (const task of plan.tasks.filter((entry: { task: string }) => /corgi|astronaut|space/.test(entry.task))) {
      expect(task.adapters).toEqual([]);
    }
    expect(plan.images).toHaveLength(4);
    expect(plan.images[0].seed).toBe(7);
    expect(plan.images[0].prompt).toContain('<lora:hf-KappaNeuro--ukiyo-e-art:');
    expect(plan.images[0].adapters.map((adapter: { id: string }) => adapter.id)).toContain('hf:KappaNeuro/ukiyo-e-art');
  });

  it('never picks a blacklisted adapter, by id or by name', async () => {
    const prompt = 'a corgi astronaut floating in space, ukiyo-e woodblock print style';
    const file = path.join(dataDir, 'blacklist.txt');
    const picked = async () => {
      const { code, stdout, stderr } = await runCli(['compose', prompt, '--json', '--seed', '7'], {
        DATA_DIR: dataDir,
        STYLUS_BLACKLIST_FILE: file,
      });
      expect(stderr).toBe('');
      expect(code).toBe(0);
      const plan = JSON.parse(stdout);
      return plan.tasks.flatMap((task: { adapters: { id: string }[] }) => task.adapters.map((adapter) => adapter.id));
    };
    writeFileSync(file, '# comment\nhf:KappaNeuro/ukiyo-e-art\n');
    expect(await picked()).not.toContain('hf:KappaNeuro/ukiyo-e-art');
    writeFileSync(file, 'name: ukiyo\n');
    expect(await picked()).not.toContain('hf:KappaNeuro/ukiyo-e-art');
    writeFileSync(file, '');
    expect(await picked()).toContain('hf:KappaNeuro/ukiyo-e-art');

    const missing = await runCli(['compose', prompt], {
      DATA_DIR: dataDir,
      STYLUS_BLACKLIST_FILE: path.join(dataDir, 'nope.txt'),
    });
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toMatch(/Cannot read the blacklist file/);
  });

  it('gives the same images for the same seed', async () => {
    const args = ['compose', 'pixel art castle on a hill, watercolor', '--json', '--seed', '42', '--images', '3'];
    const first = JSON.parse((await runCli(args, { DATA_DIR: dataDir })).stdout);
    const second = JSON.parse((await runCli(args, { DATA_DIR: dataDir })).stdout);
    expect(second.images).toEqual(first.images);
  });

  it.each([
    [['compose', '   '], /prompt is empty/],
    [['compose', 'x'.repeat(1501)], /1501 characters long; the limit is 1500/],
    [['compose', '<lora:a:1>, (:1.3), !!!'], /no words/],
    [['compose', 'a cat', '--base', 'sd9'], /Unknown base model "sd9"/],
    [['compose', 'a cat', '--images', '99'], /--images must be a whole number from 1 to 16/],
  ])('refuses %j with one clear line and a non-zero exit', async (args, message) => {
    const { code, stdout, stderr } = await runCli(args, { DATA_DIR: dataDir });
    expect(code).not.toBe(0);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(message);
  });
});

describe('stylus catalog', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'stylus-catalog-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('loads good lines, reports each malformed line by number, and exits non-zero', async () => {
    const file = path.join(dataDir, 'adapters.jsonl');
    const good = (id: string, baseFamily: string, category: string) =>
      JSON.stringify({ id, source: 'local', name: id, baseFamily, category, fileName: `${id}.safetensors` });
    writeFileSync(
      file,
      [
        good('local:a', 'sdxl', 'style'),
        '{ not json',
        JSON.stringify({ id: 'local:b', source: 'local', name: 'b', fileName: 'b.ckpt' }),
        good('local:c', 'sd1', 'object'),
      ].join('\n'),
    );
    const loaded = await runCli(['catalog', 'load', file], { DATA_DIR: dataDir });
    expect(loaded.code).toBe(3); // some lines loaded, some not
    expect(loaded.stdout).toMatch(/Loaded 2 adapters; skipped 2 malformed line\(s\)/);
    expect(loaded.stderr).toMatch(/adapters\.jsonl:2: skipped: not valid JSON/);
    expect(loaded.stderr).toMatch(/adapters\.jsonl:3: skipped: fileName: must be a \.safetensors file/);

    const stats = await runCli(['catalog', 'stats', '--json'], { DATA_DIR: dataDir, STYLUS_SEED_CATALOG: 'false' });
    expect(stats.code).toBe(0);
    expect(JSON.parse(stats.stdout)).toEqual({
      total: 2,
      by_base: { sdxl: 1, sd1: 1 },
      by_source: { local: 2 },
      by_category: { style: 1, object: 1 },
      flagged: { nsfw: 0, nsfw_by_reason: {}, real_person: 0 },
    });
  });

  it('reports the seed catalog in stats on a fresh data dir', async () => {
    const stats = await runCli(['catalog', 'stats', '--json'], { DATA_DIR: dataDir });
    const parsed = JSON.parse(stats.stdout);
    expect(parsed.total).toBeGreaterThan(80);
    expect(parsed.by_source).toEqual({ huggingface: parsed.total });
  });
});
