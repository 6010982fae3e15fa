import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyAdapter } from '../src/catalog/classify/index.js';
import { parseCivitaiModel } from '../src/catalog/sources/civitai-item.js';
import { makeAdapter } from './support/adapters.js';
import { runCli } from './support/cli.js';
import { DUMP_FACTS } from './support/dump-facts.js';

/**
 * What a member of a public server sees on a real catalog: the composition of a prompt holds no adapter that is
 * sexual, no character nobody named, and no adapter that only shares one word with the prompt. The catalog is
 * ingested from Civitai items built from real models' facts, through `stylus ingest civitai --dump` as an admin
 * runs it, and composed through `stylus compose --json` as the bot does.
 */
function classified(item: Record<string, unknown>) {
  const parsed = parseCivitaiModel(item);
  if (!parsed.adapter) throw new Error(`fixture did not parse: ${parsed.skipped}`);
  return classifyAdapter(parsed.adapter);
}

describe('SFW gate at ingest', () => {
  it('flags Glory Wall by its sample-image ratings and feet_through_wall by its words, with a reason', () => {
    const glory = classified(DUMP_FACTS.gloryWall);
    expect(glory.adapter.nsfw).toBe(true);
    expect(glory.safety.kind).toBe('images');
    expect(glory.adapter.nsfwReason).toBe('8 of its 8 sample images are rated Mature or X');
    const feet = classified(DUMP_FACTS.feetThroughWall);
    expect(feet.adapter.nsfw).toBe(true);
    expect(feet.safety.kind).toBe('words');
    expect(feet.adapter.nsfwReason).toMatch(/names sexual content/);
  });

  it('flags a suggestive outfit or a fetish pose by its words when its samples are rated no worse than Soft', () => {
    for (const item of [
      DUMP_FACTS.openChestSweater,
      DUMP_FACTS.leMalinBunnysuit,
      DUMP_FACTS.tokiBunny,
      DUMP_FACTS.frenda,
      DUMP_FACTS.haigure,
      DUMP_FACTS.bunnyGirls,
    ]) {
      const { adapter, safety } = classified(item);
      expect(safety.kind, adapter.name).toBe('words');
      expect(adapter.nsfw, adapter.name).toBe(true);
    }
  });

  it('flags an erotic game, a hentai franchise and an outfit tagged as made to reveal, whatever their samples', () => {
    const flagged = (fields: Parameters<typeof makeAdapter>[0]) => classifyAdapter(makeAdapter(fields)).adapter.nsfw;
    expect(
      flagged({
        id: 'civitai:68501',
        name: 'Visual Novel Maker / Eroge - Set 1 -School game',
        category: 'background',
        tags: ['city', 'background', 'game', 'school', 'construction'],
        imageRatings: { none: 10, soft: 0, mature: 0, x: 0 },
      }),
    ).toBe(true);
    expect(
      flagged({
        id: 'civitai:84187',
        name: 'Bible Black Uniform',
        category: 'clothing',
        tags: ['anime', 'clothing', 'uniform', 'cloth', 'bible black'],
        triggerWords: ['bbuniform', 'thighhighs'],
        imageRatings: { none: 7, soft: 0, mature: 0, x: 0 },
      }),
    ).toBe(true);
    expect(
      flagged({
        id: 'civitai:86705',
        name: 'Angel Mort Uniform | Cosplay Outfit',
        category: 'clothing',
        tags: ['anime', 'cosplay', 'clothing', 'revealing clothes'],
        imageRatings: { none: 0, soft: 5, mature: 1, x: 0 },
      }),
    ).toBe(true);
    // A black bible is a book.
    expect(
      flagged({ id: 'hf:example/books', name: 'Old Books', category: 'object', tags: ['black bible', 'book'] }),
    ).toBe(false);
  });

  it('flags an adapter whose samples are rated X in a fifth or more, not one whose one sample in ten is', () => {
    const artist = classified(DUMP_FACTS.satoshiUrushihara);
    expect(artist.adapter.nsfw).toBe(true);
    expect(artist.adapter.nsfwReason).toBe('2 of its 9 sample images are rated X');
    expect(classified(DUMP_FACTS.stoneStatue).adapter.nsfw).toBe(false);
  });

  it('leaves adapters with safe samples and plain words alone', () => {
    for (const item of [DUMP_FACTS.veryNiceForest, DUMP_FACTS.recordingStudio, DUMP_FACTS.edobHorse]) {
      const { adapter, safety } = classified(item);
      expect(safety).toEqual({ nsfw: false });
      expect(adapter.nsfw).toBe(false);
      expect(adapter.nsfwReason).toBeUndefined();
    }
  });

  it('gives every Civitai adapter a category from its own tags, characters first', () => {
    expect(classified(DUMP_FACTS.kiriko).adapter.category).toBe('character');
    expect(classified(DUMP_FACTS.kisaki).adapter.category).toBe('character');
    expect(classified(DUMP_FACTS.veryNiceForest).adapter.category).toBe('background');
    expect(classified(DUMP_FACTS.frazetta).adapter.category).toBe('style');
    expect(classified(DUMP_FACTS.edobHorse).adapter.category).toBe('animal');
    expect(classified(DUMP_FACTS.feetThroughWall).adapter.category).toBe('concept');
  });

  it('takes an uncategorised adapter triggered by "1girl" whose name holds a name for a character', () => {
    const qiqi = classifyAdapter(
      makeAdapter({
        id: 'hf:a/qiqi',
        name: 'qiqi (genshin impact)',
        category: 'other',
        tags: ['anime'],
        triggerWords: ['1girl', 'ofuda'],
      }),
    );
    expect(qiqi.category).toEqual({ category: 'character', reason: 'trigger "1girl" and a name' });
    const fashion = classifyAdapter(
      makeAdapter({
        id: 'hf:a/fashion',
        name: 'Chinese fashion girl',
        category: 'other',
        tags: ['girl'],
        triggerWords: ['1girl', 'solo'],
      }),
    );
    expect(fashion.adapter.category).toBe('other');
  });

  it('takes an uncategorised adapter tagged as a person and called by a name its name holds for a character', () => {
    const category = (fields: Parameters<typeof makeAdapter>[0]) =>
      classifyAdapter(makeAdapter({ ...fields, category: 'other' })).category;
    expect(
      category({
        id: 'civitai:13911',
        name: 'Honkai Star Rail Bronya Silver Wolf/星穹鐵道 布洛妮婭 銀狼',
        tags: ['anime', 'girl', 'silver wolf', 'bronya', 'honkai star rail', 'honkai'],
        triggerWords: ['silver wolf'],
      }),
    ).toEqual({ category: 'character', reason: 'tagged as a person and called "bronya"' });
    expect(
      category({
        id: 'civitai:25397',
        name: 'Seras Victoria - Hellsing',
        tags: ['anime', 'anime girl', 'seras victoria', 'hellsing'],
        triggerWords: ['seras victoria', 'hellsing'],
      }).category,
    ).toBe('character');
    expect(
      category({
        id: 'civitai:7946',
        name: 'Oyama mahiro',
        tags: ['anime', 'girl', '2d', 'girls'],
        triggerWords: ['oyama mahiro'],
      }).category,
    ).toBe('character');
    // A kind of girl, and a family of three: no one's name.
    expect(
      category({
        id: 'civitai:20290',
        name: 'mecha_musume',
        tags: ['girl', 'mecha', 'mecha_musume', 'mechanical_body'],
        triggerWords: ['mecha', 'mecha_musume', 'cyborg'],
      }).category,
    ).toBe('other');
    expect(
      category({
        id: 'civitai:23202',
        name: 'Multi-LORA 多人LORA 家庭',
        tags: [],
        triggerWords: ['1girl,2boys,parents and son|1boy,2girls,parents and daughter'],
      }).category,
    ).toBe('other');
  });

  it('takes an uncategorised adapter whose name says it is a character LoRA for a character', () => {
    const category = (fields: Parameters<typeof makeAdapter>[0]) =>
      classifyAdapter(makeAdapter({ ...fields, category: 'other' })).category;
    expect(
      category({
        id: 'civitai:44628',
        name: 'Kasumi - DOA6 - Character LORA',
        tags: ['doa', 'dead or alive', 'kasumi'],
        triggerWords: ['kasumi \\(doa\\)'],
      }).category,
    ).toBe('character');
    expect(category({ id: 'civitai:37052', name: 'Moana - Character LORA', tags: ['disney', 'moana'] }).category).toBe(
      'character',
    );
  });

  it('takes an uncategorised "Name (Series)" or "Name - Series" called by her name, or by a booru tag of her and her series', () => {
    const category = (fields: Parameters<typeof makeAdapter>[0]) =>
      classifyAdapter(makeAdapter({ ...fields, category: 'other' })).category;
    expect(
      category({
        id: 'civitai:7852',
        name: 'Reisalin Stout (Atelier Ryza3)',
        tags: ['anime'],
        triggerWords: ['reisalin'],
      }),
    ).toEqual({ category: 'character', reason: 'named as someone of a series and called "reisalin"' });
    expect(
      category({ id: 'civitai:39424', name: 'Princess Peach (Mario Movie)', tags: ['super mario', 'princess peach'] })
        .category,
    ).toBe('character');
    expect(
      category({
        id: 'civitai:19848',
        name: 'Hornet(Rance X)',
        tags: ['alicesoft', 'hornet', 'rance'],
        triggerWords: ['hornet_(rance)'],
      }).category,
    ).toBe('character');
    expect(
      category({
        id: 'civitai:14564',
        name: 'Chen Hai(碧蓝航线_镇海_奇奢华苑)',
        tags: ['anime', 'azurlane', 'chenhai'],
        triggerWords: ['chenhai'],
      }).category,
    ).toBe('character');
    // "Name - Series", both tagged: "nurse joy" is no nurse of any prompt.
    expect(
      category({
        id: 'civitai:28596',
        name: 'Momiji - Ninja Gaiden',
        tags: ['doa', 'dead or alive', 'ninja gaiden', 'momiji'],
        triggerWords: ['momiji', 'ninja gaiden'],
      }).category,
    ).toBe('character');
    expect(
      category({
        id: 'civitai:28559',
        name: 'Nurse Joy - Pokemon',
        tags: ['pokemon', 'nurse joy'],
        triggerWords: ['nurse joy', 'pokemon'],
      }).category,
    ).toBe('character');
    // "Series—name", tagged as a person and with both parts, whatever their order and case: Karma of League of
    // Legends is no pick for a "league of legends" task that names Lux.
    const karma = {
      id: 'civitai:34573',
      name: 'League of legends—karma 英雄联盟 卡尔玛',
      tags: ['anime', 'league of legends', 'woman', 'video game', 'karma'],
      triggerWords: ['kaerma'],
    };
    expect(category(karma).category).toBe('character');
    expect(category({ ...karma, tags: karma.tags.filter((tag) => tag !== 'woman') }).category).toBe('other');
    // "Name (Series)", no dictionary word in the name, the series tagged: someone of it, though nothing calls her so.
    expect(
      category({ id: 'civitai:5977', name: 'Shinobu Kochou (Demon Slayer) LoRA', tags: ['anime', 'demon slayer'] })
        .category,
    ).toBe('character');
    expect(category({ id: 'civitai:1', name: 'Golden Hour (Demon Slayer)', tags: ['demon slayer'] }).category).toBe(
      'other',
    );
    // A part that says a kind of card is no one's name.
    expect(
      category({ id: 'civitai:1', name: 'Neon - Glow Concept', tags: ['woman', 'neon', 'glow concept'] }).category,
    ).toBe('other');
    // A kind in brackets, or a list of what it draws: no series, no one.
    expect(
      category({ id: 'civitai:7464', name: 'Bodychain (concept)', tags: ['anime', 'bodychain', 'chain'] }).category,
    ).toBe('other');
    expect(
      category({
        id: 'civitai:26103',
        name: 'Elemental Golems (Fire, Lava, Ice, Stone, Water)',
        tags: ['fantasy', 'elemental'],
        triggerWords: ['golem', 'lava golem'],
      }).category,
    ).toBe('other');
  });

  it('takes an uncategorised adapter named "Name (Series)" and tagged with both for a character', () => {
    const category = (fields: Parameters<typeof makeAdapter>[0]) =>
      classifyAdapter(makeAdapter({ ...fields, category: 'other' })).category;
    // "Rem" is a word of the dictionary (REM sleep), so no rule that reads her name alone takes her for a character.
    expect(
      category({
        id: 'civitai:50290',
        name: 'Rem (Re:0)/蕾姆',
        tags: ['anime', 'cartoon', 'girls', 'rem', 're:0'],
        triggerWords: ['ph_rem', 'remhd', 'blue hair', 'blue eyes', '1girl', 'solo', 'maid'],
      }),
    ).toEqual({ category: 'character', reason: 'named "Rem" of "Re:0", both tagged' });
    expect(
      category({
        id: 'civitai:5986',
        name: 'Cindy Aurum (Final Fantasy XV) LORA',
        tags: ['cindy aurum', 'final fantasy xv', 'video game'],
        triggerWords: ['cindy_aurum', 'cidney_aurum'],
      }).category,
    ).toBe('character');
    // A name in lower case with a kind in brackets names a kind of thing.
    expect(
      category({
        id: 'civitai:34107',
        name: 'small_scene(3D)',
        tags: ['3d', 'scene', 'small world', 'small scene'],
        triggerWords: [],
      }).category,
    ).toBe('other');
  });
});

describe('compositions on a catalog of real Civitai facts', () => {
  let dir = '';
  let env: NodeJS.ProcessEnv = {};

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'stylus-trusted-'));
    const dump = path.join(dir, 'dump.jsonl');
    writeFileSync(
      dump,
      `${Object.values(DUMP_FACTS)
        .map((item) => JSON.stringify(item))
        .join('\n')}\n`,
    );
    env = { DATA_DIR: path.join(dir, 'data'), STYLUS_SEED_CATALOG: 'false' };
    // The admin keeps the flagged adapters (an age-restricted channel may use them): the retrieval filter must hold.
    const ingest = await runCli(['ingest', 'civitai', '--dump', dump, '--allow-nsfw'], env);
    expect(ingest.code).toBe(0);
    expect(ingest.stdout + ingest.stderr).toMatch(/flagged-nsfw-images: 4 \(/);
    expect(ingest.stdout + ingest.stderr).toMatch(/flagged-nsfw-words: 7 \(civitai:87213, civitai:24436, /);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function compose(prompt: string, ...flags: string[]) {
    const result = await runCli(
      ['compose', prompt, '--json', '--base', 'sd1', '--images', '4', '--seed', '7', ...flags],
      env,
    );
    expect(result.code).toBe(0);
    const plan = JSON.parse(result.stdout) as {
      tasks: { task: string; adapters: { id: string; name: string; reason: string }[] }[];
      images: { adapters: { id: string }[] }[];
    };
    const picked = plan.tasks.flatMap((task) => task.adapters.map((adapter) => adapter.id));
    return { plan, picked, tasks: plan.tasks.map((task) => task.task) };
  }

  it('keeps sexual adapters out of a channel that is not age-restricted, and lets an NSFW channel have them', async () => {
    const sfw = await compose('a stone wall covered in ivy, glory wall, feet through wall');
    expect(sfw.picked).not.toContain('civitai:58083');
    expect(sfw.picked).not.toContain('civitai:87213');
    const nsfw = await compose('glory wall', '--allow-nsfw');
    expect(nsfw.picked).toContain('civitai:58083');
    const sweater = 'a woman in an open chest sweater';
    expect((await compose(sweater)).picked).not.toContain('civitai:97258');
    expect((await compose(sweater, '--allow-nsfw')).picked).toContain('civitai:97258');
  });

  it('picks no named character for appearance words, and the forest for the forest', async () => {
    const { plan, picked } = await compose('anime girl with blue hair in a snowy forest');
    for (const id of ['civitai:16576', 'civitai:23156', 'civitai:9465', 'civitai:9714'])
      expect(picked).not.toContain(id);
    const forest = plan.tasks.find((task) => task.task === 'snowy forest');
    expect(forest?.adapters.map((adapter) => adapter.id)).toEqual(['civitai:84918']);
    expect(forest?.adapters[0]?.reason).toMatch(/Very Nice Forest/);
  });

  it('keeps "oil painting" whole and gives the fox no fox-eared character', async () => {
    const { picked, tasks } = await compose('a fox, oil painting');
    expect(tasks).toEqual(['fox', 'oil painting']);
    expect(picked).not.toContain('civitai:9714');
    // Frazetta's tags say "oil painting", but his name is an artist nobody asked for (and his samples are rated).
    expect(picked).not.toContain('civitai:87831');
  });

  it('picks a character when the prompt names it', async () => {
    const { picked } = await compose('Kisaki from Blue Archive drinking tea');
    expect(picked).toContain('civitai:16576');
    const franchiseOnly = await compose('a blue archive of old letters');
    expect(franchiseOnly.picked).not.toContain('civitai:16576');
    // Rem's card files her under no category: ingest takes her for a character, so "rem", a word, names no one alone.
    expect((await compose('a rem sleep diagram')).picked).not.toContain('civitai:50290');
  });

  it('does not treat one shared common or short word as evidence', async () => {
    const studio = await compose('studio photo of a vase');
    expect(studio.picked).not.toContain('civitai:35940'); // Underwater photo
    expect(studio.picked).not.toContain('civitai:18211'); // Recording studio
    expect(studio.picked).toContain('civitai:94526'); // photo studio
    expect((await compose('anime')).picked).not.toContain('civitai:35733'); // Dressed animals: anime is not animals
    // Her swimsuit keeps her out of a channel that is not age-restricted: ask where she is a candidate.
    const daVinci = await compose('da Vinci style portrait of a cat', '--allow-nsfw');
    expect(daVinci.picked).not.toContain('civitai:24436'); // trigger "da"
  });

  it('stacks no more than STYLUS_MAX_ADAPTERS LoRAs on any image, and honours a lower setting', async () => {
    const prompt = 'a horse in a snowy forest, photo studio, Kisaki, glory wall';
    const all = await compose(prompt, '--allow-nsfw');
    expect(all.picked.length).toBeGreaterThan(2);
    for (const image of all.plan.images) expect(image.adapters.length).toBeLessThanOrEqual(4);
    const saved = env;
    env = { ...env, STYLUS_MAX_ADAPTERS: '2' };
    try {
      const capped = await compose(prompt, '--allow-nsfw');
      expect(capped.picked.length).toBe(2);
      for (const image of capped.plan.images) expect(image.adapters.length).toBeLessThanOrEqual(2);
    } finally {
      env = saved;
    }
  });

  it('stylus eval compose counts a prompt the bot would refuse and goes on with the rest', async () => {
    const labels = path.join(dir, 'labels-refused.jsonl');
    const rows = [{ prompt: '<lora:civitai-78241:0.8>, ((()))' }, { prompt: 'a horse in a snowy forest' }];
    writeFileSync(labels, `${rows.map((row) => JSON.stringify(row)).join('\n')}\n`);
    const out = path.join(dir, 'preds-refused.jsonl');
    const result = await runCli(['eval', 'compose', '--labels', labels, '--base', 'sd1', '--out', out, '--json'], env);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    const scores = JSON.parse(lines[lines.length - 1] ?? '{}');
    expect(scores).toMatchObject({ rows: 1, refused: 1 });
    expect(result.stderr).toContain('row 1: The prompt has no words');
    const predictions = (await import('node:fs'))
      .readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(predictions.map((line) => line.prompt)).toEqual(rows.map((row) => row.prompt));
    expect(predictions[0].error).toContain('no words');
    expect(predictions[1].tasks.length).toBeGreaterThan(0);
  });

  it('stylus eval compose scores a labels file and writes one compose --json line per row', async () => {
    const labels = path.join(dir, 'labels.jsonl');
    const rows = [
      {
        prompt: 'a horse in a snowy forest',
        topics: ['horse', 'forest'],
        adapters: { horse: [78241], forest: [84918, 999999] },
      },
      { prompt: 'anime girl with blue hair', topics: ['anime girl'], adapters: { 'anime girl': [16576] } },
      { prompt: 'a quiet pond' },
    ];
    writeFileSync(labels, `${rows.map((row) => JSON.stringify(row)).join('\n')}\n`);
    const out = path.join(dir, 'preds.jsonl');
    const result = await runCli(['eval', 'compose', '--labels', labels, '--base', 'sd1', '--out', out, '--json'], env);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    const scores = JSON.parse(lines[lines.length - 1] ?? '{}');
    expect(scores.rows).toBe(3);
    // 999999 is not in the catalog: only the three in-catalog picks count; the character pick is not ours to make.
    expect(scores.stylus_pick_recall).toEqual({ picks: 3, recalled: 2, recall: 0.667, rows: 2 });
    expect(scores.character_intrusion).toBe(0);
    expect(scores.sfw_count).toBe(0);
    expect(scores.empty_share).toBeCloseTo(2 / 3, 3);
    expect(scores.adapters_on_image_1).toMatchObject({ max: 2, cap: 4, share_above_cap: 0 });
    expect(Object.keys(scores.timings_ms)).toEqual(['p50', 'p95', 'p99']);
    const predictions = (await import('node:fs'))
      .readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(predictions.map((line) => line.prompt)).toEqual(rows.map((row) => row.prompt));
    expect(
      predictions[0].tasks.flatMap((task: { adapters: { id: string }[] }) => task.adapters.map((a) => a.id)).sort(),
    ).toEqual(['civitai:78241', 'civitai:84918']);
  });
});
