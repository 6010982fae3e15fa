import { readFileSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { contentTokens } from '../catalog/text.js';
import { errorMessage, UserFacingError } from '../errors.js';
import { createOpenAiClient } from '../openai-client.js';
import { type ComposerLlm, composeWithLlm } from '../stylus/llm-composer.js';
import { segmentPrompt } from '../stylus/segment.js';
import { cliConfig } from './context.js';
import { readableFile } from './files.js';
import { type CliIo, writeLine } from './io.js';
import { defineCommand, parseCommand } from './spec.js';

/**
 * `stylus eval topics --labels <file> [--out preds.jsonl] [--llm-out llm.jsonl] [--json]`: how well the offline
 * task segmentation (and the LLM composer's, when STYLUS_COMPOSER_MODEL is set) agrees with the Stylus composer's own keywords.
 * A predicted task matches a gold topic when their token sets (lower-cased alphanumeric, stopwords removed) have
 * Jaccard >= 0.5; matching is one-to-one, greedy by highest Jaccard; precision, recall and F1 are micro-averaged
 * over the rows that have gold topics (rows without any are skipped, as the issue defines it).
 */
export const MATCH_THRESHOLD = 0.5;

const LabelRowSchema = z.object({
  prompt: z.string(),
  topics: z.array(z.string()).default([]),
});
export type LabelRow = z.infer<typeof LabelRowSchema>;

export interface TopicScore {
  rows: number;
  predicted: number;
  gold: number;
  matched: number;
  precision: number;
  recall: number;
  f1: number;
}

export function jaccard(left: ReadonlySet<string>, right: ReadonlySet<string>): number {
  if (left.size === 0 || right.size === 0) return 0;
  let shared = 0;
  for (const token of left) if (right.has(token)) shared += 1;
  return shared / (left.size + right.size - shared);
}

/** One-to-one greedy matching by highest Jaccard (ties: earlier prediction, then earlier gold topic). */
export function countMatches(predicted: readonly string[], gold: readonly string[]): number {
  const predictedTokens = predicted.map(contentTokens);
  const goldTokens = gold.map(contentTokens);
  const pairs: { score: number; p: number; g: number }[] = [];
  predictedTokens.forEach((p, pi) => {
    goldTokens.forEach((g, gi) => {
      const score = jaccard(p, g);
      if (score >= MATCH_THRESHOLD) pairs.push({ score, p: pi, g: gi });
    });
  });
  pairs.sort((a, b) => b.score - a.score || a.p - b.p || a.g - b.g);
  const usedPredicted = new Set<number>();
  const usedGold = new Set<number>();
  for (const pair of pairs) {
    if (usedPredicted.has(pair.p) || usedGold.has(pair.g)) continue;
    usedPredicted.add(pair.p);
    usedGold.add(pair.g);
  }
  return usedPredicted.size;
}

export function scoreTopics(rows: readonly { gold: readonly string[]; predicted: readonly string[] }[]): TopicScore {
  let predicted = 0;
  let gold = 0;
  let matched = 0;
  let scored = 0;
  for (const row of rows) {
    if (row.gold.length === 0) continue;
    scored += 1;
    predicted += row.predicted.length;
    gold += row.gold.length;
    matched += countMatches(row.predicted, row.gold);
  }
  const precision = predicted ? matched / predicted : 0;
  const recall = gold ? matched / gold : 0;
  const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
  return { rows: scored, predicted, gold, matched, precision, recall, f1 };
}

/** Reads a labels file (one JSON object per line); a malformed line is an error naming its number. */
export function readLabels(file: string): LabelRow[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UserFacingError(`cannot read labels file ${file}: ${errorMessage(error)}`, 'usage');
  }
  const rows: LabelRow[] = [];
  text.split('\n').forEach((line, index) => {
    if (!line.trim()) return;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw new UserFacingError(`${file} line ${index + 1}: not valid JSON.`);
    }
    const parsed = LabelRowSchema.safeParse(json);
    if (!parsed.success) {
      throw new UserFacingError(`${file} line ${index + 1}: expected {"prompt": string, "topics": [string]}.`);
    }
    rows.push(parsed.data);
  });
  return rows;
}

function formatScore(label: string, score: TopicScore): string {
  const f = (value: number) => value.toFixed(3);
  return `${label}: rows ${score.rows}, predicted ${score.predicted}, gold ${score.gold}, matched ${score.matched}, P ${f(score.precision)} R ${f(score.recall)} F1 ${f(score.f1)}`;
}

/** Requests in flight at once when an LLM segments: enough to hide latency, few enough for a local server. */
const LLM_CONCURRENCY = 4;

interface LlmSegmentation {
  predicted: string[][];
  fallbacks: number;
}

/** The LLM composer's tasks for each prompt (no candidates: only the split is scored); a failed row counts as offline. */
async function segmentWithLlm(prompts: readonly string[], llm: ComposerLlm): Promise<LlmSegmentation> {
  const predicted: string[][] = new Array(prompts.length);
  let fallbacks = 0;
  let next = 0;
  const worker = async () => {
    while (next < prompts.length) {
      const index = next++;
      const prompt = prompts[index] ?? '';
      const result = await composeWithLlm({ prompt, candidates: [], llm });
      if (result.ok) predicted[index] = result.tasks.map((task) => task.task);
      else {
        fallbacks += 1;
        predicted[index] = segmentPrompt(prompt);
      }
    }
  };
  await Promise.all(Array.from({ length: LLM_CONCURRENCY }, worker));
  return { predicted, fallbacks };
}

function writePredictions(file: string, prompts: readonly string[], predicted: readonly string[][]): void {
  const lines = prompts.map((prompt, index) => JSON.stringify({ prompt, tasks: predicted[index] ?? [] }));
  writeFileSync(file, lines.length ? `${lines.join('\n')}\n` : '');
}

const spec = defineCommand({
  command: 'stylus eval topics',
  summary:
    "How well the offline task split (and the LLM composer's, when STYLUS_COMPOSER_MODEL is set) agrees with the " +
    "Stylus composer's own keywords: precision, recall and F1 of matched topics (Jaccard >= 0.5).",
  flags: {
    labels: {
      type: 'string',
      value: 'file',
      help: 'labelled prompts, one {"prompt", "topics": [...]} per line (required)',
    },
    out: { type: 'string', value: 'file', help: 'write the offline split of each prompt here (JSONL)' },
    'llm-out': { type: 'string', value: 'file', help: "write the LLM composer's split here (JSONL)" },
    json: { type: 'boolean', help: 'print one JSON object' },
  },
  examples: ['stylus eval topics --labels stylus-labels-parti.jsonl'],
  notes: ['The Stylus authors\' labels for PartiPrompts: stylus-labels-parti.jsonl, see the README ("Benchmarks").'],
});

export async function evalTopics(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommand(spec, args);
  if (!values.labels) throw new UserFacingError('--labels <file.jsonl> is required.', 'usage');
  const labels = readLabels(await readableFile(values.labels, 'labels file'));
  const prompts = labels.map((row) => row.prompt);
  const offlinePredicted = prompts.map((prompt) => segmentPrompt(prompt));
  const offline = scoreTopics(
    labels.map((row, index) => ({ gold: row.topics, predicted: offlinePredicted[index] ?? [] })),
  );
  if (values.out) writePredictions(values.out, prompts, offlinePredicted);

  const config = cliConfig(io);
  let llm: (TopicScore & { model: string; fallbacks: number }) | undefined;
  if (config.STYLUS_COMPOSER_MODEL) {
    const model = config.STYLUS_COMPOSER_MODEL;
    const segmentation = await segmentWithLlm(prompts, { client: createOpenAiClient(config), model });
    const score = scoreTopics(
      labels.map((row, index) => ({ gold: row.topics, predicted: segmentation.predicted[index] ?? [] })),
    );
    llm = { ...score, model, fallbacks: segmentation.fallbacks };
    if (values['llm-out']) writePredictions(values['llm-out'], prompts, segmentation.predicted);
  }

  if (values.json) writeLine(io.stdout, JSON.stringify({ labels: values.labels, offline, ...(llm ? { llm } : {}) }));
  else {
    writeLine(io.stdout, formatScore('offline', offline));
    if (llm) writeLine(io.stdout, `${formatScore(`llm (${llm.model})`, llm)}, fallbacks ${llm.fallbacks}`);
  }
  return 0;
}
