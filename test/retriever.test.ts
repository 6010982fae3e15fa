import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OpenAiEmbedder } from '../src/catalog/embedder.js';
import { SqliteAdapterStore } from '../src/catalog/sqlite-store.js';
import { loadConfig } from '../src/config.js';
import { createOpenAiClient } from '../src/openai-client.js';
import {
  applyCommunityPrior,
  fuseRankings,
  keepLexicalHead,
  LEXICAL_HEAD,
  RRF_K,
  retrieve,
} from '../src/stylus/retriever.js';
import { makeAdapter } from './support/adapters.js';
import { OpenAiStub } from './support/openai-stub.js';

describe('fuseRankings', () => {
  it('adds reciprocal ranks so an adapter high in both lists wins', () => {
    const fused = fuseRankings([
      [
        { id: 'a', score: 9 },
        { id: 'b', score: 8 },
        { id: 'c', score: 7 },
      ],
      [
        { id: 'b', score: 0.9 },
        { id: 'c', score: 0.8 },
      ],
    ]);
    expect(fused.map((hit) => hit.id)).toEqual(['b', 'c', 'a']);
    expect(fused[0]?.score).toBeCloseTo(1 / 62 + 1 / 61);
  });
});

describe('applyCommunityPrior', () => {
  const ranked = [
    { id: 'relevant', score: 1 },
    { id: 'tied', score: 0.99 },
    { id: 'weak', score: 0.5 },
  ];

  it('reorders near ties but cannot lift a clearly weaker adapter past a stronger one', () => {
    const priors = new Map([
      ['tied', 1],
      ['weak', 1],
      ['relevant', 0.5],
    ]);
    const boosted = applyCommunityPrior(ranked, priors, 0.3);
    expect(boosted.map((hit) => hit.id)).toEqual(['tied', 'relevant', 'weak']);
    expect(boosted.find((hit) => hit.id === 'weak')?.score).toBeCloseTo(0.575);
  });

  it('leaves the ranking alone with no priors or zero weight', () => {
    expect(applyCommunityPrior(ranked, new Map([['weak', 1]]), 0)).toEqual(ranked);
    expect(applyCommunityPrior(ranked, undefined, 0.3)).toEqual(ranked);
  });
});

describe('retrieve', () => {
  let dir: string;
  let store: SqliteAdapterStore;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'stylus-retrieve-'));
    store = new SqliteAdapterStore(path.join(dir, 'stylus.db'));
    await store.upsert([
      makeAdapter({
        id: 'hf:ukiyo',
        name: 'Ukiyo-e Art',
        description: 'Japanese woodblock prints.',
        category: 'style',
      }),
      makeAdapter({ id: 'hf:pixel', name: 'Pixel Art XL', description: 'Retro pixel sprites.', category: 'style' }),
      makeAdapter({
        id: 'hf:corgi',
        name: 'Corgi',
        description: 'A corgi dog.',
        category: 'animal',
        baseFamily: 'sd1',
      }),
      makeAdapter({
        id: 'hf:space',
        name: 'Astronaut Suit',
        description: 'Space suits and helmets.',
        category: 'clothing',
      }),
    ]);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ranks by BM25 after cleaning the prompt and respects the base-family filter', async () => {
    const result = await retrieve({ store }, '<lora:x:1>, (ukiyo-e:1.3) corgi astronaut, masterpiece', {
      filter: { baseFamilies: ['sdxl'] },
    });
    expect(result.sources).toEqual(['bm25']);
    expect(result.candidates.map((candidate) => candidate.adapter.id).sort()).toEqual(['hf:space', 'hf:ukiyo']);
    expect(result.candidates.map((candidate) => candidate.rank)).toEqual([0, 1]);
  });

  it('fuses dense hits from an OpenAI-compatible embedding endpoint', async () => {
    const stub = await OpenAiStub.start();
    try {
      const config = loadConfig({ OPENAI_BASE_URL: stub.url, STYLUS_EMBEDDING_MODEL: 'embed-stub' });
      const embedder = new OpenAiEmbedder(createOpenAiClient(config), 'embed-stub', 16);
      const docs = await store.list({ limit: 10 });
      const vectors = await embedder.embed(docs.map((adapter) => `${adapter.name} ${adapter.description}`));
      await store.setVectors(
        docs.map((adapter, index) => ({ id: adapter.id, vector: vectors[index] as Float32Array })),
        'embed-stub',
      );
      // "sprites" appears only in a description: BM25 finds it too, dense agrees, so it is first.
      const result = await retrieve({ store, embedder }, 'retro sprites', { filter: { allowNsfw: false } });
      expect(result.sources).toEqual(['bm25', 'dense']);
      expect(result.candidates[0]?.adapter.id).toBe('hf:pixel');
      expect(stub.embeddingRequests().at(-1)?.body).toMatchObject({
        model: 'embed-stub',
        input: ['retro sprites'],
        encoding_format: 'base64',
        dimensions: 16,
      });
    } finally {
      await stub.close();
    }
  });

  it('still answers with BM25 when the embedding endpoint fails', async () => {
    const stub = await OpenAiStub.start();
    stub.embeddingStatus = 400;
    try {
      const config = loadConfig({ OPENAI_BASE_URL: stub.url });
      const embedder = new OpenAiEmbedder(createOpenAiClient(config), 'embed-stub');
      const result = await retrieve({ store, embedder }, 'pixel art');
      expect(result.sources).toEqual(['bm25']);
      expect(result.candidates[0]?.adapter.id).toBe('hf:pixel');
    } finally {
      await stub.close();
    }
  });
});

describe('hybrid fusion keeps the lexical head', () => {
  const text = Array.from({ length: 30 }, (_, index) => ({ id: `t${index}`, score: 30 - index }));
  // A weak embedding model that likes BM25's 6th-10th hits best, then adapters BM25 never found.
  const dense = [
    ...text.slice(5, 10).reverse(),
    ...Array.from({ length: 10 }, (_, index) => ({ id: `d${index}`, score: 1 - index / 100 })),
  ];

  it('never moves BM25 top 10 down, whatever the dense ranking says', () => {
    const fused = keepLexicalHead(text, fuseRankings([text, dense], RRF_K), LEXICAL_HEAD);
    expect(fused.slice(0, LEXICAL_HEAD).map((hit) => hit.id)).toEqual(text.slice(0, LEXICAL_HEAD).map((hit) => hit.id));
    // Plain equal-weight fusion would have let the weak model reorder the head.
    const plain = fuseRankings([text, dense], RRF_K);
    expect(plain.slice(0, LEXICAL_HEAD).map((hit) => hit.id)).not.toEqual(
      text.slice(0, LEXICAL_HEAD).map((hit) => hit.id),
    );
  });

  it('still brings in dense-only hits after the head, and keeps scores decreasing', () => {
    const fused = keepLexicalHead(text, fuseRankings([text, dense], RRF_K), LEXICAL_HEAD);
    expect(fused.map((hit) => hit.id)).toContain('d0');
    for (let index = 1; index < fused.length; index++)
      expect(fused[index - 1]?.score ?? 0).toBeGreaterThanOrEqual(fused[index]?.score ?? 0);
    expect(new Set(fused.map((hit) => hit.id)).size).toBe(fused.length);
  });
});
