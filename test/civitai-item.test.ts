import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { htmlToText } from '../src/catalog/html.js';
import {
  type DumpEntry,
  normaliseCommercialUse,
  parseCivitaiModel,
  readCivitaiDump,
} from '../src/catalog/sources/civitai-item.js';
import { civitaiFile, civitaiImage, civitaiItem, sha256Of } from './support/civitai-items.js';

const RAW_SAMPLE = path.resolve(__dirname, '../../shared/data/civitai-raw-sample');

describe('parseCivitaiModel', () => {
  it('maps a typical item onto an adapter record', () => {
    const item = civitaiItem({
      id: 4242,
      name: '  Watercolor Dream ',
      description: '<p>Soft <b>watercolor</b> washes&nbsp;&amp; ink lines.</p><p>Use at 0.7.</p>',
      baseModel: 'SDXL 1.0',
      trainedWords: ['  wtrclr style ', 'wtrclr style', 'ink lines, soft wash', ''],
      tags: ['style', 'watercolor', 'Style'],
      allowCommercialUse: ['Image', 'RentCivit'],
    });
    const { adapter, skipped, warnings } = parseCivitaiModel(item);
    expect(skipped).toBeUndefined();
    expect(warnings).toEqual([]);
    expect(adapter).toMatchObject({
      id: 'civitai:4242',
      source: 'civitai',
      sourceIds: { modelId: '4242', versionId: '42420' },
      name: 'Watercolor Dream',
      description: 'Soft watercolor washes & ink lines.\n\nUse at 0.7.',
      refined: false,
      tags: ['style', 'watercolor'],
      triggerWords: ['wtrclr style', 'ink lines, soft wash'],
      baseFamily: 'sdxl',
      baseModel: 'SDXL 1.0',
      fileName: 'model_42420.safetensors',
      sizeBytes: Math.round(147_568.484375 * 1024),
      sha256: sha256Of(42420).toLowerCase(),
      downloadUrl: 'https://civitai.com/api/download/models/424200',
      pageUrl: 'https://civitai.com/models/4242',
      license: {
        allowCommercialUse: ['Image', 'RentCivit'],
        allowDerivatives: true,
        allowNoCredit: true,
        allowDifferentLicense: false,
      },
      popularity: { downloads: 5242, likes: 50, rating: 4.5 },
      nsfw: false,
      realPerson: false,
    });
    expect(adapter?.originalDescription).toBe(adapter?.description);
  });

  it('takes the newest version that has a primary SafeTensor file', () => {
    const item = civitaiItem({
      id: 7,
      files: [civitaiFile(70, { name: 'model_70.pt', metadata: { format: 'PickleTensor' } })],
      extraVersions: [
        {
          id: 69,
          modelId: 7,
          name: 'v1',
          trainedWords: ['older trigger'],
          baseModel: 'SD 1.5',
          files: [
            civitaiFile(69, { primary: false, type: 'Training Data', name: 'data.zip', metadata: { format: 'Other' } }),
            civitaiFile(69, { name: 'older.safetensors', primary: undefined }),
          ],
          images: [],
        },
      ],
    });
    const { adapter } = parseCivitaiModel(item);
    expect(adapter?.sourceIds.versionId).toBe('69');
    expect(adapter?.fileName).toBe('older.safetensors');
    expect(adapter?.triggerWords).toEqual(['older trigger']);
    expect(adapter?.baseFamily).toBe('sd1');
  });

  it('skips a model with no safetensors file, naming the reason', () => {
    const item = civitaiItem({
      id: 8,
      files: [civitaiFile(80, { name: 'model.ckpt', metadata: { format: 'PickleTensor' } })],
    });
    const result = parseCivitaiModel(item);
    expect(result.adapter).toBeUndefined();
    expect(result.skipped).toMatch(/^no-safetensors:/);
  });

  it('keeps only images rated safe, at most 10, with their prompts', () => {
    const images = [
      civitaiImage(1, { nsfw: 'None' }, 'safe by old rating'),
      civitaiImage(2, { nsfw: 'Soft' }, 'soft rated'),
      civitaiImage(3, { nsfw: false }, 'safe by boolean'),
      civitaiImage(4, { nsfwLevel: 1 }, 'safe by level'),
      civitaiImage(5, { nsfwLevel: 4 }, 'level four'),
      civitaiImage(6, { nsfw: true }, 'boolean true'),
      civitaiImage(7, {}, 'unrated'),
      civitaiImage(8, { nsfw: 'None', nsfwLevel: 8 }, 'contradictory rating'),
      civitaiImage(9, { nsfw: 'None' }),
      ...Array.from({ length: 12 }, (_, index) => civitaiImage(100 + index, { nsfwLevel: 1 }, `extra ${index}`)),
    ];
    const { adapter } = parseCivitaiModel(civitaiItem({ id: 9, images }));
    expect(adapter?.examplePrompts).toEqual([
      'safe by old rating',
      'safe by boolean',
      'safe by level',
      ...Array.from({ length: 7 }, (_, index) => `extra ${index}`),
    ]);
    expect(adapter?.exampleImageUrls).toHaveLength(10);
    expect(adapter?.exampleImageUrls.slice(0, 4).map((url) => url.split('/').pop())).toEqual([
      '1.jpeg',
      '3.jpeg',
      '4.jpeg',
      '9.jpeg',
    ]);
    expect(adapter?.previewImageUrl).toBe(adapter?.exampleImageUrls[0]);
  });

  it('has no preview when no image is rated safe', () => {
    const { adapter } = parseCivitaiModel(civitaiItem({ id: 10, images: [civitaiImage(1, { nsfw: 'X' }, 'x')] }));
    expect(adapter?.previewImageUrl).toBeUndefined();
    expect(adapter?.examplePrompts).toEqual([]);
  });

  it('flags real-person (poi) and NSFW models', () => {
    expect(parseCivitaiModel(civitaiItem({ id: 11, poi: true })).adapter?.realPerson).toBe(true);
    expect(parseCivitaiModel(civitaiItem({ id: 12, nsfw: true })).adapter?.nsfw).toBe(true);
  });

  it('normalises licence strings and lists', () => {
    expect(normaliseCommercialUse('{Image,RentCivit}').values).toEqual(['Image', 'RentCivit']);
    expect(normaliseCommercialUse('Sell').values).toEqual(['Sell']);
    expect(normaliseCommercialUse('None').values).toEqual([]);
    expect(normaliseCommercialUse(['Image', 'Rent', 'Image']).values).toEqual(['Image', 'Rent']);
    expect(normaliseCommercialUse('{Image,Lease}')).toEqual({ values: ['Image'], unknown: ['Lease'] });
    const { adapter, warnings } = parseCivitaiModel(civitaiItem({ id: 13, allowCommercialUse: '{Image,RentCivit}' }));
    expect(adapter?.license.allowCommercialUse).toEqual(['Image', 'RentCivit']);
    expect(warnings).toEqual([]);
  });

  it('keeps an unknown base model as "other" with a warning', () => {
    const { adapter, warnings } = parseCivitaiModel(civitaiItem({ id: 14, baseModel: 'Hunyuan 9' }));
    expect(adapter?.baseFamily).toBe('other');
    expect(adapter?.baseModel).toBe('Hunyuan 9');
    expect(warnings).toEqual(['unknown-base-model: Hunyuan 9']);
  });

  it('strips scripts, styles and tags from an HTML description and decodes entities', () => {
    const description =
      '<style>p{color:red}</style><h2>Tips</h2><script>alert("x")</script><p>Caf&eacute; &bogus; &lt;3 &#8212; ' +
      '&#x2605; &quot;neon&quot;<br>line two</p><!-- hidden --><ul><li>one</li><li>two</li></ul><script>evil(';
    const { adapter } = parseCivitaiModel(civitaiItem({ id: 15, description }));
    expect(adapter?.description).toBe('Tips\n\nCafé &bogus; <3 — ★ "neon"\nline two\n\none\ntwo');
    expect(adapter?.description).not.toMatch(/alert|color:red|evil|hidden/);
  });

  it('keeps a very long description under the schema limits', () => {
    const description = `<p>${'word '.repeat(6000)}</p>`;
    const { adapter } = parseCivitaiModel(civitaiItem({ id: 16, description }));
    expect(adapter?.description.length).toBeLessThanOrEqual(4000);
    expect(adapter?.originalDescription.length).toBeLessThanOrEqual(20_000);
    expect(adapter?.originalDescription.length).toBeGreaterThan(4000);
  });

  it('falls back to the version description when the model has none', () => {
    const item = civitaiItem({ id: 17, description: null });
    const versions = item.modelVersions as Record<string, unknown>[];
    (versions[0] as Record<string, unknown>).description = '<p>Version notes</p>';
    expect(parseCivitaiModel(item).adapter?.description).toBe('Version notes');
  });

  it('cuts an over-long trigger phrase after a whole comma-separated phrase, and drops an absurd tag', () => {
    const long = Array.from({ length: 40 }, (_, index) => `phrase${index}`).join(', ');
    const { adapter, warnings } = parseCivitaiModel(
      civitaiItem({ id: 18, trainedWords: [long], tags: ['style', 'x'.repeat(120)] }),
    );
    const trigger = adapter?.triggerWords[0] ?? '';
    expect(trigger.length).toBeLessThanOrEqual(200);
    expect(trigger).toMatch(/^phrase0, phrase1, .*phrase\d+$/);
    expect(adapter?.tags).toEqual(['style']);
    expect(warnings.map((warning) => warning.split(':')[0])).toEqual(['long-tag', 'long-trigger']);
  });

  it('reads tags given as objects', () => {
    const { adapter } = parseCivitaiModel(civitaiItem({ id: 19, tags: [{ name: 'concept' }, { name: ' car ' }] }));
    expect(adapter?.tags).toEqual(['concept', 'car']);
  });

  it('skips items with missing fields or of the wrong type', () => {
    expect(parseCivitaiModel(null).skipped).toMatch(/^not-an-object/);
    expect(parseCivitaiModel([1, 2]).skipped).toMatch(/^not-an-object/);
    const noId = civitaiItem({ id: 20 });
    delete noId.id;
    expect(parseCivitaiModel(noId).skipped).toBe('missing-field: id');
    expect(parseCivitaiModel({ ...civitaiItem({ id: 21 }), name: '  ' }).skipped).toMatch(/^missing-field: name/);
    expect(parseCivitaiModel({ ...civitaiItem({ id: 22 }), modelVersions: 'nope' }).skipped).toMatch(/^no-safetensors/);
    expect(parseCivitaiModel(civitaiItem({ id: 23, type: 'Checkpoint' })).skipped).toBe(
      'not-an-adapter: type Checkpoint',
    );
    expect(parseCivitaiModel(civitaiItem({ id: 24, type: 'LoCon' })).adapter?.id).toBe('civitai:24');
  });

  it('drops a malformed hash with a warning instead of dropping the model', () => {
    const { adapter, warnings } = parseCivitaiModel(
      civitaiItem({ id: 25, files: [civitaiFile(250, { hashes: { SHA256: 'not-a-hash' } })] }),
    );
    expect(adapter?.sha256).toBeUndefined();
    expect(warnings).toEqual(['missing-sha256: malformed']);
  });
});

describe('htmlToText', () => {
  it('returns an empty string for null and for markup without text', () => {
    expect(htmlToText(null)).toBe('');
    expect(htmlToText('<script>x()</script><br/>')).toBe('');
  });
});

describe('readCivitaiDump', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'civitai-dump-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function collect(dumpPath: string): Promise<DumpEntry[]> {
    const entries: DumpEntry[] = [];
    for await (const entry of readCivitaiDump(dumpPath)) entries.push(entry);
    return entries;
  }

  it('reads a JSONL file line by line, reporting malformed lines by number', async () => {
    const file = path.join(dir, 'dump.jsonl');
    writeFileSync(
      file,
      [JSON.stringify(civitaiItem({ id: 1 })), '', '{"id": 2, "name": ', JSON.stringify(civitaiItem({ id: 3 }))].join(
        '\n',
      ),
    );
    const entries = await collect(file);
    expect(entries.map((entry) => [entry.line, 'error' in entry])).toEqual([
      [1, false],
      [3, true],
      [4, false],
    ]);
    const bad = entries[1];
    expect(bad && 'error' in bad ? bad.error : '').toMatch(/^malformed-json:/);
  });

  it('reads a folder of item files and API pages in numeric order', async () => {
    const folder = path.join(dir, 'items');
    rmSync(folder, { recursive: true, force: true });
    const { mkdirSync } = await import('node:fs');
    mkdirSync(folder);
    writeFileSync(path.join(folder, '10.json'), JSON.stringify(civitaiItem({ id: 10 })));
    writeFileSync(path.join(folder, '9.json'), JSON.stringify(civitaiItem({ id: 9 })));
    writeFileSync(path.join(folder, 'broken.json'), '{not json');
    writeFileSync(
      path.join(folder, 'page.json'),
      JSON.stringify({ items: [civitaiItem({ id: 30 }), civitaiItem({ id: 31 })], metadata: {} }),
    );
    writeFileSync(path.join(folder, 'notes.txt'), 'ignored');
    const entries = await collect(folder);
    expect(entries.map((entry) => ('item' in entry ? (entry.item as { id: number }).id : entry.file))).toEqual([
      9,
      10,
      'broken.json',
      30,
      31,
    ]);
  });
});

describe('development check against real Civitai items', () => {
  it.runIf(existsSync(RAW_SAMPLE))('parses every file in civitai-raw-sample into a valid record', async () => {
    const files = readdirSync(RAW_SAMPLE).filter((name) => name.endsWith('.json'));
    expect(files.length).toBeGreaterThan(0);
    let parsed = 0;
    for await (const entry of readCivitaiDump(RAW_SAMPLE)) {
      expect('item' in entry, `${entry.file} is readable`).toBe(true);
      if (!('item' in entry)) continue;
      const result = parseCivitaiModel(entry.item);
      expect(result.skipped, entry.file).toBeUndefined();
      expect(result.adapter?.id).toBe(`civitai:${path.basename(entry.file, '.json')}`);
      expect(result.adapter?.sha256).toMatch(/^[0-9a-f]{64}$/);
      expect(result.adapter?.description).not.toMatch(/<\/?(p|script|br|a)\b/i);
      parsed += 1;
    }
    expect(parsed).toBe(files.length);
  });
});
