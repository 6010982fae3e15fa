import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { composeTasks } from '../src/stylus/composer.js';
import { buildComposerRequest, COMPOSER_RESPONSE_SCHEMA } from '../src/stylus/llm-composer.js';
import { countChatTokens } from '../src/stylus/tokens.js';
import type { Candidate } from '../src/stylus/types.js';
import { asCandidates, makeAdapter } from './support/adapters.js';
import { OpenAiStub } from './support/openai-stub.js';

const PROMPT = 'a corgi astronaut floating in space, ukiyo-e woodblock print style';

const catalog = [
  makeAdapter({ id: 'hf:a/ukiyo-e', name: 'Ukiyo-e Art', category: 'style', tags: ['ukiyo-e', 'woodblock print'] }),
  makeAdapter({ id: 'hf:a/woodblock', name: 'Woodblock Print', category: 'style', tags: ['woodblock print'] }),
  makeAdapter({ id: 'hf:a/hokusai', name: 'Hokusai Waves', category: 'style', tags: ['hokusai'] }),
  makeAdapter({ id: 'hf:a/corgi', name: 'Corgi', category: 'animal', tags: ['corgi', 'dog'] }),
  makeAdapter({ id: 'hf:a/astronaut', name: 'Astronaut Suit', category: 'clothing', tags: ['astronaut'] }),
  makeAdapter({ id: 'hf:a/space', name: 'Deep Space', category: 'background', tags: ['space', 'nebula'] }),
  makeAdapter({ id: 'hf:a/stars', name: 'Starfield', category: 'background', tags: ['stars'] }),
  makeAdapter({ id: 'hf:a/miku', name: 'Hatsune Miku', category: 'character', triggerWords: ['hatsune miku'] }),
];
const candidates = asCandidates(catalog);
const alias = (id: string) => catalog.findIndex((adapter) => adapter.id === id) + 1;

let stub: OpenAiStub;
let client: OpenAI;

beforeAll(async () => {
  stub = await OpenAiStub.start();
  // No client-side retries: the composer's own retry-once rule is what is under test.
  client = new OpenAI({ apiKey: 'test-key', baseURL: stub.url, maxRetries: 0, timeout: 5_000 });
});
afterAll(async () => {
  await stub.close();
});
beforeEach(() => {
  stub.requests.length = 0;
});

const reply = (tasks: { task: string; adapters: { id: number; reason: string }[] }[]) => ({
  content: JSON.stringify({ tasks }),
});

describe('composeTasks with an LLM', () => {
  it('sends one strict JSON-schema request with compact aliased candidates and maps the reply back to ids', async () => {
    stub.queueChat(
      reply([
        { task: 'corgi astronaut', adapters: [{ id: alias('hf:a/corgi'), reason: 'a corgi' }] },
        { task: 'space', adapters: [{ id: alias('hf:a/space'), reason: 'outer space backdrop' }] },
        { task: 'ukiyo-e woodblock print style', adapters: [{ id: alias('hf:a/ukiyo-e'), reason: 'ukiyo-e prints' }] },
      ]),
    );
    const result = await composeTasks({ prompt: PROMPT, candidates, llm: { client, model: 'gpt-test' } });

    const requests = stub.chatRequests();
    expect(requests).toHaveLength(1);
    const body = requests[0]?.body as Record<string, unknown>;
    expect(body.model).toBe('gpt-test');
    expect(body.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'composition', strict: true, schema: JSON.parse(JSON.stringify(COMPOSER_RESPONSE_SCHEMA)) },
    });
    const messages = body.messages as { role: string; content: string }[];
    expect(messages.map((m) => m.role)).toEqual(['system', 'user']);
    const user = messages[1]?.content ?? '';
    expect(user).toContain(PROMPT);
    expect(user).toContain(`${alias('hf:a/ukiyo-e')}|Ukiyo-e Art|`);
    expect(user).toContain('[style]');
    expect(user).not.toContain('hf:a/'); // aliases, not long ids

    expect(result.composer).toBe('llm');
    expect(result.fallbackReason).toBeUndefined();
    expect(result.promptTokens).toBe(countChatTokens(messages, COMPOSER_RESPONSE_SCHEMA));
    expect(result.tasks).toEqual([
      { task: 'corgi astronaut', adapters: [{ adapterId: 'hf:a/corgi', reason: 'a corgi' }] },
      { task: 'space', adapters: [{ adapterId: 'hf:a/space', reason: 'outer space backdrop' }] },
      { task: 'ukiyo-e woodblock print style', adapters: [{ adapterId: 'hf:a/ukiyo-e', reason: 'ukiyo-e prints' }] },
    ]);
  });

  it('repairs a reply that breaks every cap instead of passing it through', async () => {
    stub.queueChat(
      reply([
        {
          task: 'ukiyo-e woodblock print style',
          adapters: [
            { id: alias('hf:a/ukiyo-e'), reason: 'ukiyo-e' },
            { id: alias('hf:a/woodblock'), reason: 'woodblock' },
            { id: 999, reason: 'invented id' },
            { id: alias('hf:a/hokusai'), reason: 'third style adapter' },
          ],
        },
        {
          task: 'corgi astronaut',
          adapters: [
            { id: alias('hf:a/corgi'), reason: 'corgi' },
            { id: alias('hf:a/astronaut'), reason: 'suit' },
            { id: alias('hf:a/miku'), reason: 'a character nobody named' },
            { id: alias('hf:a/stars'), reason: 'fourth adapter' },
            { id: alias('hf:a/space'), reason: 'fifth adapter' },
          ],
        },
        {
          task: 'space',
          adapters: [
            { id: alias('hf:a/corgi'), reason: 'used twice' },
            { id: alias('hf:a/space'), reason: 'space' },
          ],
        },
        { task: 'a dragon', adapters: [{ id: alias('hf:a/stars'), reason: 'task not in the prompt' }] },
      ]),
    );
    const result = await composeTasks({ prompt: PROMPT, candidates, llm: { client, model: 'gpt-test' } });
    expect(result.composer).toBe('llm');
    expect(result.tasks).toEqual([
      {
        task: 'ukiyo-e woodblock print style',
        adapters: [
          { adapterId: 'hf:a/ukiyo-e', reason: 'ukiyo-e' },
          { adapterId: 'hf:a/woodblock', reason: 'woodblock' },
        ],
      },
      {
        task: 'corgi astronaut',
        adapters: [
          { adapterId: 'hf:a/corgi', reason: 'corgi' },
          { adapterId: 'hf:a/astronaut', reason: 'suit' },
        ],
      },
      // The composition already holds STYLUS_MAX_ADAPTERS (4): a fifth LoRA would stack past the cap on image 1.
      { task: 'space', adapters: [] },
    ]);
    const all = result.tasks.flatMap((task) => task.adapters.map((a) => a.adapterId));
    expect(new Set(all).size).toBe(all.length);
    for (const task of result.tasks) expect(task.adapters.length).toBeLessThanOrEqual(3);
  });

  it('keeps a character adapter for a task that names the character', async () => {
    stub.queueChat(reply([{ task: 'Hatsune Miku', adapters: [{ id: alias('hf:a/miku'), reason: 'the character' }] }]));
    const result = await composeTasks({
      prompt: 'Hatsune Miku singing on a stage',
      candidates,
      llm: { client, model: 'gpt-test' },
    });
    expect(result.tasks).toEqual([
      { task: 'Hatsune Miku', adapters: [{ adapterId: 'hf:a/miku', reason: 'the character' }] },
    ]);
  });

  it("drops an LLM's style pick whose name brings in an artist the prompt does not name, keeps it when it does", async () => {
    const pick = [
      { task: 'ukiyo-e woodblock print style', adapters: [{ id: alias('hf:a/hokusai'), reason: 'waves' }] },
    ];
    stub.queueChat(reply(pick), reply(pick));
    const foreign = await composeTasks({ prompt: PROMPT, candidates, llm: { client, model: 'gpt-test' } });
    expect(foreign.tasks).toEqual([{ task: 'ukiyo-e woodblock print style', adapters: [] }]);
    const named = await composeTasks({
      prompt: 'a corgi astronaut floating in space, ukiyo-e woodblock print style like Hokusai',
      candidates,
      llm: { client, model: 'gpt-test' },
    });
    expect(named.tasks[0]?.adapters.map((adapter) => adapter.adapterId)).toEqual(['hf:a/hokusai']);
  });

  it("keeps an LLM's pick whose coined trigger the prompt writes, the artist's name its card says and all", async () => {
    const gons = makeAdapter({
      id: 'civitai:17196',
      name: 'Atelier GONS Style',
      category: 'style',
      tags: ['anime', 'girl', 'anime screencap', 'style'],
      triggerWords: ['atgons', 'atelier gons'],
    });
    const all = asCandidates([...catalog, gons]);
    const pick = [{ task: 'atgons', adapters: [{ id: all.length, reason: 'its trigger' }] }];
    stub.queueChat(reply(pick), reply(pick));
    const llm = { client, model: 'gpt-test' };
    // The catalog's counts, as wordRarityFor reads them from the store: "atgons" is this one card's word.
    const rarity = { isCommon: () => false, cardsUsing: (word: string) => (word === 'atgons' ? 1 : 40) };
    const counted = await composeTasks({ prompt: 'atgons, 1girl, smile', candidates: all, llm, options: { rarity } });
    expect(counted.tasks[0]?.adapters.map((adapter) => adapter.adapterId)).toEqual(['civitai:17196']);
    const uncounted = await composeTasks({ prompt: 'atgons, 1girl, smile', candidates: all, llm });
    expect(uncounted.tasks[0]?.adapters).toEqual([]);
  });

  it("holds an LLM's picks to the offline composer's checks: no look the prompt lacks, no character for a franchise", async () => {
    const extra = [
      makeAdapter({ id: 'hf:a/neon-space', name: 'Neon Space Photography', category: 'style', tags: ['space'] }),
      ...['Sumeragi Lee Noriega', 'Lockon Stratos', 'Setsuna F. Seiei', 'Tieria Erde'].map((name, index) =>
        makeAdapter({ id: `hf:g/${index}`, name: `${name} / Gundam 00`, category: 'character', tags: ['gundam'] }),
      ),
    ];
    const all = asCandidates([...catalog, ...extra]);
    const aliasOf = (id: string) => all.findIndex((candidate) => candidate.adapter.id === id) + 1;
    stub.queueChat(
      reply([
        { task: 'floating in space', adapters: [{ id: aliasOf('hf:a/neon-space'), reason: 'space' }] },
        { task: 'gundam', adapters: [{ id: aliasOf('hf:g/0'), reason: 'a Gundam 00 pilot' }] },
      ]),
    );
    const result = await composeTasks({
      prompt: 'a gundam floating in space',
      candidates: all,
      llm: { client, model: 'gpt-test' },
    });
    expect(result.tasks.flatMap((task) => task.adapters)).toEqual([]);
  });

  it('retries once on a reply that is not JSON, then uses the good second reply', async () => {
    stub.queueChat({ content: 'Sure! Here are the tasks: corgi, space' }, reply([{ task: 'space', adapters: [] }]));
    const result = await composeTasks({ prompt: PROMPT, candidates, llm: { client, model: 'gpt-test' } });
    expect(stub.chatRequests()).toHaveLength(2);
    const retry = stub.chatRequests()[1]?.body.messages as { role: string; content: string }[];
    expect(retry.at(-1)?.content).toMatch(/not JSON/);
    expect(result.composer).toBe('llm');
    expect(result.tasks).toEqual([{ task: 'space', adapters: [] }]);
  });

  it.each([
    ['not JSON', [{ content: 'not json' }, { content: '{"tasks": [' }], /not JSON/],
    [
      'a schema mismatch',
      [{ content: '{"tasks":[{"task":"space"}]}' }, { content: '{"keywords":["space"]}' }],
      /did not match the schema/,
    ],
    [
      'only unknown ids',
      [
        reply([{ task: 'space', adapters: [{ id: 404, reason: 'x' }] }]),
        reply([{ task: 'corgi', adapters: [{ id: 0, reason: 'y' }] }]),
      ],
      /not candidates/,
    ],
  ])('falls back to the offline composer after two replies with %s', async (_label, replies, reason) => {
    stub.queueChat(...replies);
    const result = await composeTasks({ prompt: PROMPT, candidates, llm: { client, model: 'gpt-test' } });
    expect(stub.chatRequests()).toHaveLength(2);
    expect(result.composer).toBe('offline');
    expect(result.fallbackReason).toMatch(reason);
    expect(result.promptTokens).toBeGreaterThan(0);
    const ukiyo = result.tasks.find((task) => task.task.includes('ukiyo-e'));
    expect(ukiyo?.adapters[0]?.adapterId).toBe('hf:a/ukiyo-e');
  });

  it('falls back to offline at once when the endpoint answers 500', async () => {
    stub.queueChat({ status: 500, error: 'model overloaded' });
    const result = await composeTasks({ prompt: PROMPT, candidates, llm: { client, model: 'gpt-test' } });
    expect(stub.chatRequests()).toHaveLength(1);
    expect(result.composer).toBe('offline');
    expect(result.fallbackReason).toMatch(/LLM request failed/);
  });

  it('composes offline without calling anything when no LLM is configured', async () => {
    const result = await composeTasks({ prompt: PROMPT, candidates });
    expect(stub.requests).toHaveLength(0);
    expect(result).toMatchObject({ composer: 'offline', promptTokens: 0 });
  });
});

describe('composer request size', () => {
  it('stays under 2,500 tokens for 150 candidates with long names, descriptions and triggers', () => {
    const many: Candidate[] = Array.from({ length: 150 }, (_, index) => ({
      adapter: makeAdapter({
        id: `civitai:${100_000 + index}`,
        name: `Fantasy Landscape Concept Art Style Number ${index} (detailed version) v2.1`,
        category: index % 3 === 0 ? 'style' : 'concept',
        description:
          'A long description that explains in great detail how this adapter was trained, on which images, and with which settings it works best.',
        triggerWords: [`fantasy landscape ${index}, epic vista, matte painting, concept art`],
      }),
      score: 1,
      rank: index,
    }));
    const request = buildComposerRequest('a castle on a cliff above a stormy sea at sunset, oil painting', many);
    expect(request.promptTokens).toBeLessThanOrEqual(2_500);
    expect(request.promptTokens).toBe(countChatTokens(request.messages, COMPOSER_RESPONSE_SCHEMA));
    const user = request.messages[1]?.content ?? '';
    // Every candidate is listed, by alias, even when descriptions had to go.
    for (let alias = 1; alias <= 150; alias++) expect(user).toMatch(new RegExp(`^${alias}\\|`, 'm'));
    expect(user).not.toContain('(detailed version)');
  });
});
