import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { markdownToText } from '../src/catalog/markdown.js';
import { HuggingFaceClient, huggingFaceRecords, nextLink } from '../src/catalog/sources/huggingface.js';
import type { SourceRecord } from '../src/catalog/sources/types.js';
import { silentLogger } from '../src/log.js';
import { FakeHuggingFace, type FakeRepo } from './support/fake-huggingface.js';

const SDXL = 'base_model:adapter:stabilityai/stable-diffusion-xl-base-1.0';
const hash = (char: string) => char.repeat(64);

const REPOS: FakeRepo[] = [
  {
    id: 'alice/pixel-art-xl',
    tags: ['diffusers', 'lora', 'text-to-image', 'pixel art', SDXL, 'license:openrail++'],
    downloads: 900,
    likes: 40,
    sha: 'b'.repeat(40),
    cardData: {
      base_model: 'stabilityai/stable-diffusion-xl-base-1.0',
      instance_prompt: 'pixel art',
      license: 'creativeml-openrail-m',
      widget: [
        { text: 'pixel art, a castle on a hill', output: { url: 'images/castle.png' } },
        { text: 'pixel art, a cat' },
      ],
    },
    siblings: [
      { rfilename: 'README.md', size: 900 },
      { rfilename: 'images/castle.png', size: 2000, lfs: { sha256: hash('c'), size: 2000 } },
      { rfilename: 'pixel-art-xl.safetensors', size: 170_000_000, lfs: { sha256: hash('d'), size: 170_000_000 } },
    ],
    readme:
      '---\nlicense: openrail++\n---\n# Pixel Art XL\n\nCrisp **pixel art** sprites. ![demo](images/castle.png) See [the docs](https://x.y).\n',
  },
  {
    id: 'bob/ink-lora',
    tags: ['lora', SDXL, 'not-for-all-audiences'],
    downloads: 500,
    cardData: { base_model: ['stabilityai/stable-diffusion-xl-base-1.0'], instance_prompt: ['in ink style', 'inked'] },
    siblings: [
      { rfilename: 'pytorch_lora_weights.safetensors', lfs: { sha256: hash('e'), size: 23_000_000 } },
      { rfilename: 'other.safetensors', lfs: { sha256: hash('f'), size: 1 } },
    ],
  },
  {
    id: 'carol/pickle-only',
    tags: ['lora', SDXL],
    downloads: 300,
    siblings: [{ rfilename: 'pytorch_lora_weights.bin', size: 10 }],
  },
  { id: 'dave/not-a-lora', tags: ['text-to-image', SDXL], downloads: 5000, siblings: [] },
];

let fake: FakeHuggingFace;
const delays: number[] = [];

beforeAll(async () => {
  fake = await FakeHuggingFace.start(REPOS);
});
afterAll(async () => {
  await fake.close();
});

function client(token?: string) {
  return new HuggingFaceClient({
    endpoint: fake.url,
    token,
    log: silentLogger,
    sleep: async (ms) => {
      delays.push(ms);
    },
  });
}

async function collect(source: AsyncIterable<SourceRecord>): Promise<SourceRecord[]> {
  const out: SourceRecord[] = [];
  for await (const record of source) out.push(record);
  return out;
}

describe('Hugging Face source', () => {
  it('lists LoRAs on the base by both filters, follows the Link header, and reads each card', async () => {
    fake.requests.length = 0;
    const hf = client('hf_secret');
    const listed: string[] = [];
    for await (const repo of hf.listLoraRepos({
      baseRepos: ['stabilityai/stable-diffusion-xl-base-1.0'],
      pageSize: 2,
    })) {
      listed.push(repo);
    }
    expect(listed).toEqual(['alice/pixel-art-xl', 'bob/ink-lora', 'carol/pickle-only']);
    const lists = fake.requests.filter((request) => request.path === '/api/models');
    expect(lists).toHaveLength(2);
    expect(lists[0]?.query.getAll('filter')).toEqual([SDXL, 'lora']);
    expect(lists[0]?.authorization).toBe('Bearer hf_secret');
  });

  it('keeps the token on the configured endpoint when a Link header names another host', async () => {
    // Two loopback hubs: the endpoint pages to the other one. The next page must come from the endpoint itself.
    const seen: { hub: string; url: string; authorization?: string }[] = [];
    const hub = (name: string, link: (self: string) => string | undefined) =>
      createServer((req, res) => {
        seen.push({ hub: name, url: req.url ?? '', authorization: req.headers.authorization });
        const cursor = new URL(req.url ?? '/', 'http://x').searchParams.get('cursor');
        const next = cursor ? undefined : link(name);
        res.writeHead(200, { 'content-type': 'application/json', ...(next ? { link: `<${next}>; rel="next"` } : {}) });
        res.end(JSON.stringify([{ id: `${name}/${cursor ? 'second' : 'first'}` }]));
      });
    const listen = async (server: ReturnType<typeof createServer>) => {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    };
    const elsewhere = hub('elsewhere', () => undefined);
    const elsewhereUrl = await listen(elsewhere);
    const endpoint = hub('endpoint', () => `${elsewhereUrl}/api/models?filter=lora&cursor=2`);
    const endpointUrl = await listen(endpoint);
    try {
      const hf = new HuggingFaceClient({ endpoint: endpointUrl, token: 'hf_secret', log: silentLogger });
      const listed: string[] = [];
      for await (const repo of hf.listLoraRepos({ baseRepos: ['base/model'] })) listed.push(repo);
      expect(listed).toEqual(['endpoint/first', 'endpoint/second']);
      expect(seen.filter((request) => request.hub === 'elsewhere')).toEqual([]);
      expect(seen[1]?.url).toBe('/api/models?filter=lora&cursor=2');
      expect(seen[1]?.authorization).toBe('Bearer hf_secret');
    } finally {
      endpoint.closeAllConnections();
      elsewhere.closeAllConnections();
      await new Promise((resolve) => endpoint.close(resolve));
      await new Promise((resolve) => elsewhere.close(resolve));
    }
  });

  it('turns model info, card data and README into records', async () => {
    const records = await collect(huggingFaceRecords(client(), { baseFamilies: ['sdxl'] }));
    expect(records.map((record) => record.key)).toEqual([
      'hf:alice/pixel-art-xl',
      'hf:bob/ink-lora',
      'hf:carol/pickle-only',
    ]);
    const [pixel, ink, pickle] = records;
    expect(pixel?.adapter).toMatchObject({
      id: 'hf:alice/pixel-art-xl',
      source: 'huggingface',
      name: 'pixel-art-xl',
      description: 'Pixel Art XL\n\nCrisp pixel art sprites. See the docs.',
      baseFamily: 'sdxl',
      triggerWords: ['pixel art'],
      tags: ['pixel art'],
      fileName: 'pixel-art-xl.safetensors',
      sha256: hash('d'),
      sizeBytes: 170_000_000,
      downloadUrl: `${fake.url}/alice/pixel-art-xl/resolve/main/pixel-art-xl.safetensors`,
      pageUrl: `${fake.url}/alice/pixel-art-xl`,
      previewImageUrl: `${fake.url}/alice/pixel-art-xl/resolve/main/images/castle.png`,
      examplePrompts: ['pixel art, a castle on a hill', 'pixel art, a cat'],
      license: { name: 'creativeml-openrail-m', nonCommercial: false },
      popularity: { downloads: 900, likes: 40 },
      sourceIds: { repo: 'alice/pixel-art-xl', path: 'pixel-art-xl.safetensors', versionId: 'b'.repeat(40) },
    });
    expect(pixel?.versionKey).toBe('b'.repeat(40));
    expect(ink?.adapter).toMatchObject({
      fileName: 'pytorch_lora_weights.safetensors',
      sha256: hash('e'),
      triggerWords: ['in ink style', 'inked'],
      nsfw: true,
      description: '',
    });
    expect(pickle?.adapter).toBeUndefined();
    expect(pickle?.skipped).toMatch(/^no-safetensors/);
  });

  it('backs off when model info fails with 5xx, then reads it', async () => {
    delays.length = 0;
    fake.infoFailures.push(503, 500);
    const records = await collect(huggingFaceRecords(client(), { baseFamilies: ['sdxl'], limit: 1 }));
    expect(records[0]?.adapter?.id).toBe('hf:alice/pixel-art-xl');
    expect(delays).toEqual([1000, 2000]);
  });

  it('parses Link headers and markdown cards', () => {
    expect(nextLink('<https://hf.co/api/models?cursor=abc>; rel="next"')).toBe('https://hf.co/api/models?cursor=abc');
    expect(nextLink('<https://x>; rel="prev"')).toBeUndefined();
    expect(markdownToText('---\na: b\n---\n## Usage\n```py\ncode()\n```\nUse *it* <script>x</script>')).toBe(
      'Usage\n\nUse it',
    );
  });
});
