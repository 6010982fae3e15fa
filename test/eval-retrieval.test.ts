import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { evalRetrieval, scoreRankings } from '../src/cli/eval-retrieval.js';
import type { CliIo } from '../src/cli/io.js';
import { civitaiItem } from './support/civitai-items.js';

function captureIo(): { io: CliIo; stdout: () => string } {
  const stdout = new PassThrough();
  let text = '';
  stdout.on('data', (chunk) => {
    text += String(chunk);
  });
  return { io: { stdout, stderr: new PassThrough(), env: { LOG_LEVEL: 'silent' } }, stdout: () => text };
}

describe('scoreRankings', () => {
  it('computes recall at cutoffs and MRR@50 with one relevant item per query', () => {
    const scores = scoreRankings([
      { relevant: '1', ranked: ['1', '2'] },
      { relevant: '2', ranked: ['9', '8', '7', '6', '5', '2'] },
      { relevant: '3', ranked: ['4'] },
    ]);
    expect(scores.recall).toEqual({ 'R@1': 0.333, 'R@5': 0.333, 'R@10': 0.667, 'R@50': 0.667 });
    expect(scores.mrr50).toBeCloseTo((1 + 1 / 6) / 3, 3);
  });
});

describe('stylus eval retrieval', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'stylus-evalret-'));
    const items = [
      civitaiItem({ id: 101, name: 'Watercolor Wash', trainedWords: ['wtrclr'], tags: ['style', 'watercolor'] }),
      civitaiItem({ id: 102, name: 'Steampunk Gears', trainedWords: ['gearpunk'], tags: ['steampunk'] }),
      civitaiItem({ id: 103, name: 'Neon City', trainedWords: ['neonlights'], tags: ['cyberpunk', 'city'], poi: true }),
    ];
    writeFileSync(path.join(dir, 'dump.jsonl'), `${items.map((item) => JSON.stringify(item)).join('\n')}\n`);
    const queries = [
      {
        qid: 'civitai-101',
        modelId: 101,
        query_with_triggers: 'wtrclr, a watercolor fox',
        query_no_triggers: 'a watercolor fox',
      },
      {
        qid: 'civitai-103',
        modelId: 103,
        query_with_triggers: 'neonlights city at night',
        query_no_triggers: 'a city at night',
      },
    ];
    writeFileSync(path.join(dir, 'queries.jsonl'), `${queries.map((query) => JSON.stringify(query)).join('\n')}\n`);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes one prediction line per query and variant and prints the scores as JSON', async () => {
    const { io, stdout } = captureIo();
    const out = path.join(dir, 'preds.jsonl');
    const code = await evalRetrieval(
      ['--catalog', path.join(dir, 'dump.jsonl'), '--queries', path.join(dir, 'queries.jsonl'), '--out', out, '--json'],
      io,
    );
    expect(code).toBe(0);
    const lines = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(4);
    for (const line of lines) {
      expect(Object.keys(line).sort()).toEqual(['qid', 'ranked', 'variant']);
      expect(['query_with_triggers', 'query_no_triggers']).toContain(line.variant);
      expect(line.ranked.length).toBeLessThanOrEqual(50);
      for (const id of line.ranked) expect(Number.isInteger(id)).toBe(true);
    }
    // Filters are off: the real-person model (poi) is still found.
    expect(lines.find((line) => line.qid === 'civitai-103' && line.variant === 'query_with_triggers')?.ranked[0]).toBe(
      103,
    );
    const report = JSON.parse(stdout());
    expect(report.catalog).toBe(3);
    expect(report.variants.query_with_triggers.recall['R@1']).toBe(1);
    expect(report.variants.query_no_triggers.queries).toBe(2);
  });

  it('refuses a missing file with a clear message', async () => {
    const { io } = captureIo();
    await expect(
      evalRetrieval(['--catalog', path.join(dir, 'nope.jsonl'), '--queries', path.join(dir, 'queries.jsonl')], io),
    ).rejects.toThrow(/There is no Civitai dump at ".*nope\.jsonl": check the path/);
  });
});
