import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countMatches, scoreTopics } from '../src/cli/eval-topics.js';
import { main } from '../src/cli.js';
import { OpenAiStub } from './support/openai-stub.js';

const dir = mkdtempSync(path.join(tmpdir(), 'stylus-eval-topics-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function buffer() {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, text: () => text };
}

/** No composer model unless a test sets one, whatever a developer's .env says. */
async function run(args: string[], env: NodeJS.ProcessEnv = { STYLUS_COMPOSER_MODEL: '' }) {
  const stdout = buffer();
  const stderr = buffer();
  const code = await main(args, { stdout: stdout.stream, stderr: stderr.stream, env });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
}

const labels = [
  { prompt: 'an oil painting of a cat playing checkers', topics: ['oil painting', 'cat'] },
  { prompt: 'a tennis court', topics: ['tennis court'] },
  { prompt: 'molecule', topics: [] },
  {
    prompt: 'a hamburger fighting a hot dog in a boxing ring',
    topics: ['fighting', 'boxing ring', 'hamburger and hot dog'],
  },
];

describe('scoring', () => {
  it('matches one-to-one, greedily by the highest Jaccard first', () => {
    // "car" takes the exact match; "red car" (Jaccard 0.5) is left without a partner.
    expect(countMatches(['red car', 'car'], ['car'])).toBe(1);
    expect(countMatches(['red car', 'car'], ['car', 'red vehicle'])).toBe(1);
    expect(countMatches(['The Red Car!'], ['red car'])).toBe(1);
    expect(countMatches(['blue car'], ['red car'])).toBe(0); // Jaccard 1/3
    expect(countMatches(['the'], ['the'])).toBe(0); // no content tokens, no match
  });

  it('micro-averages over rows with gold topics only', () => {
    const score = scoreTopics([
      { gold: ['a b', 'c'], predicted: ['a b', 'x'] },
      { gold: [], predicted: ['ignored', 'entirely'] },
      { gold: ['d'], predicted: [] },
    ]);
    expect(score).toMatchObject({ rows: 2, predicted: 2, gold: 3, matched: 1 });
    expect(score.precision).toBeCloseTo(0.5, 10);
    expect(score.recall).toBeCloseTo(1 / 3, 10);
    expect(score.f1).toBeCloseTo(0.4, 10);
  });
});

describe('stylus eval topics', () => {
  const labelsFile = path.join(dir, 'labels.jsonl');
  writeFileSync(labelsFile, `${labels.map((row) => JSON.stringify(row)).join('\n')}\n`);

  it('writes one {"prompt","tasks"} line per label row and prints the scores', async () => {
    const out = path.join(dir, 'preds.jsonl');
    const result = await run(['eval', 'topics', '--labels', labelsFile, '--out', out, '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = readFileSync(out, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(4);
    for (const [index, line] of lines.entries()) {
      expect(Object.keys(line).sort()).toEqual(['prompt', 'tasks']);
      expect(line.prompt).toBe(labels[index]?.prompt);
      expect(Array.isArray(line.tasks) && line.tasks.every((task: unknown) => typeof task === 'string')).toBe(true);
    }
    expect(lines[0].tasks).toEqual(['oil painting', 'cat', 'playing checkers']);
    expect(lines[3].tasks).toEqual(['hamburger', 'fighting a hot dog', 'boxing ring']);

    const report = JSON.parse(result.stdout);
    // Row 1: 2 of 3 predicted match; row 2: 1 of 1; "molecule" has no gold and is skipped; row 4: "boxing ring" and
    // "fighting a hot dog" ~ "hamburger and hot dog" (Jaccard 2/4): 2 of 3.
    expect(report.offline).toMatchObject({ rows: 3, predicted: 7, gold: 6, matched: 5 });
    expect(report.offline.precision).toBeCloseTo(5 / 7, 10);
    expect(report.offline.recall).toBeCloseTo(5 / 6, 10);
    expect(report.offline.f1).toBeCloseTo(10 / 13, 10);
  });

  it('prints a readable line without --json', async () => {
    const result = await run(['eval', 'topics', '--labels', labelsFile]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^offline: rows 3, predicted 7, gold 6, matched 5, P 0\.714 R 0\.833 F1 0\.769\n$/);
  });

  it('names the line of a malformed labels file, and a missing --labels', async () => {
    const bad = path.join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"prompt":"a cat","topics":["cat"]}\n{"prompt": 3}\n');
    const malformed = await run(['eval', 'topics', '--labels', bad]);
    expect(malformed.code).toBe(1);
    expect(malformed.stderr).toMatch(/bad\.jsonl line 2/);
    const missing = await run(['eval', 'topics']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--labels/);
    const unknown = await run(['eval', 'nonsense']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown benchmark "nonsense"/);
  });
});

describe('stylus eval topics with an LLM composer configured', () => {
  let stub: OpenAiStub;
  beforeAll(async () => {
    stub = await OpenAiStub.start();
    return () => stub.close();
  });

  it('scores the LLM split too, from one structured-output call per prompt, and writes --llm-out', async () => {
    const labelsFile = path.join(dir, 'llm-labels.jsonl');
    writeFileSync(
      labelsFile,
      `${[
        { prompt: 'an oil painting of a cat', topics: ['oil painting', 'cat'] },
        { prompt: 'a tennis court', topics: ['tennis court'] },
      ]
        .map((row) => JSON.stringify(row))
        .join('\n')}\n`,
    );
    stub.onChat((body) => {
      const user = (body.messages as { content: string }[])[1]?.content ?? '';
      // The model answers with the prompt's words as tasks; "a dragon" is not in the prompt and must be dropped.
      const tasks = user.includes('oil painting') ? ['oil painting of a cat', 'a dragon'] : ['tennis', 'court'];
      return { content: JSON.stringify({ tasks: tasks.map((task) => ({ task, adapters: [] })) }) };
    });
    const llmOut = path.join(dir, 'llm-preds.jsonl');
    const result = await run(['eval', 'topics', '--labels', labelsFile, '--llm-out', llmOut, '--json'], {
      OPENAI_BASE_URL: stub.url,
      OPENAI_API_KEY: 'test-key',
      STYLUS_COMPOSER_MODEL: 'gpt-test',
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(stub.chatRequests()).toHaveLength(2);
    for (const request of stub.chatRequests()) {
      expect((request.body.response_format as { type: string }).type).toBe('json_schema');
    }
    const report = JSON.parse(result.stdout);
    expect(report.offline).toMatchObject({ rows: 2, matched: 3 });
    // Row 1: "oil painting of a cat" ~ "oil painting" (Jaccard 2/3), row 2: "tennis" and "court" each 1/2 with
    // "tennis court", one-to-one, so 1.
    expect(report.llm).toMatchObject({ model: 'gpt-test', fallbacks: 0, rows: 2, predicted: 3, gold: 3, matched: 2 });
    const lines = readFileSync(llmOut, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toEqual([
      { prompt: 'an oil painting of a cat', tasks: ['oil painting of a cat'] },
      { prompt: 'a tennis court', tasks: ['tennis', 'court'] },
    ]);
  });
});
