import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { errorMessage, UserFacingError } from '../errors.js';
import { type CriterionTally, judgeModel, missingForJudge, type PromptJudgement, runJudge } from '../eval/judge.js';
import { PairRenderer } from '../eval/render-pair.js';
import { createOpenAiClient } from '../openai-client.js';
import { createBackend } from '../render/backends/index.js';
import { checkpointFor } from '../render/submit.js';
import { checkCheckpoints } from '../render/worker.js';
import { parseBase } from '../stylus/pipeline.js';
import { CHECKPOINT_BASE_FLAG } from './base-flag.js';
import { cliConfig, cliServices } from './context.js';
import { readableFile } from './files.js';
import { type CliIo, writeLine } from './io.js';
import { defineCommand, intFlag, parseCommand, shortUsage, UsageError } from './spec.js';

/**
 * `stylus eval judge --prompts parti.tsv [--n 20] [--base sdxl] [--seed 1] [--json] [--out judge.jsonl]`:
 * renders each prompt with and without its chosen adapters and lets a vision-language model pick, in both orders
 * (see src/eval/judge.ts). Needs a render backend, a checkpoint for the base and a VLM; refuses in one line otherwise.
 */
const spec = defineCommand({
  command: 'stylus eval judge',
  summary:
    "The paper's GPT-4V comparison on your own GPU: each prompt rendered with its chosen adapters and without, at " +
    'the same seed, judged by a vision-language model in both orders (a win counts only when both orders agree).',
  flags: {
    prompts: {
      type: 'string',
      value: 'file',
      help: 'prompts TSV with a header row, prompt in the first column (required)',
    },
    n: { type: 'int', help: 'prompts to judge', min: 1, max: 100_000, default: 20 },
    base: CHECKPOINT_BASE_FLAG,
    seed: { type: 'int', help: 'seed of the first prompt (then +1 each)', min: 0, max: 2 ** 31 - 1, default: 1 },
    out: { type: 'string', value: 'file', help: 'write one JSON line per prompt here' },
    json: { type: 'boolean', help: 'print one JSON object' },
  },
  examples: ['stylus eval judge --prompts PartiPrompts.tsv --n 20 --out judge.jsonl'],
  notes: [
    "Needs COMFYUI_URL or A1111_URL, the base's CHECKPOINT_<FAMILY>, and STYLUS_JUDGE_MODEL (or STYLUS_REFINER_MODEL).",
    'PartiPrompts (PartiPrompts.tsv): see the README, "Benchmarks".',
  ],
});
/** The paper: Stylus won 60% of non-tied visual-quality comparisons judged by GPT-4V. */
const PAPER_VISUAL_WIN_RATE = 0.6;

/** The first column of a TSV with a header row (PartiPrompts: Prompt, Category, Challenge, Note), up to `limit`. */
export function readPromptColumn(file: string, limit: number): string[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UserFacingError(`cannot read prompts file ${file}: ${errorMessage(error)}`, 'usage');
  }
  const prompts = text
    .split(/\r?\n/)
    .slice(1)
    .map((line) => (line.split('\t')[0] ?? '').trim())
    .filter((prompt) => prompt !== '');
  if (prompts.length === 0) throw new UserFacingError(`${file} has no prompts below its header row.`, 'usage');
  return prompts.slice(0, limit);
}

function formatTally(label: string, tally: CriterionTally): string {
  const decided = tally.win + tally.loss;
  const rate =
    tally.winRate === null
      ? 'no non-tied comparison'
      : `win rate ${(tally.winRate * 100).toFixed(1)}% of ${decided} non-tied`;
  return `${label}: win ${tally.win}, tie ${tally.tie}, loss ${tally.loss}; ${rate}`;
}

function progressLine(judgement: PromptJudgement, index: number, total: number): string {
  const head = `[${index + 1}/${total}]`;
  if (judgement.status === 'no_adapters') return `${head} no adapter picked: ${judgement.prompt}`;
  if (judgement.status === 'failed')
    return `${head} failed (${judgement.error ?? 'unknown error'}): ${judgement.prompt}`;
  return `${head} visual ${judgement.visualQuality?.outcome}, prompt ${judgement.promptAlignment?.outcome}: ${judgement.prompt}`;
}

export async function evalJudge(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommand(spec, args);
  if (!values.prompts) {
    throw new UsageError('--prompts <file.tsv> is required (PartiPrompts: see the README, "Benchmarks")', {
      command: spec.command,
      usage: shortUsage(spec),
    });
  }
  const count = values.n;
  const seed = intFlag('seed', String(values.seed), 1, 0, 2 ** 31 - 1 - count, spec.command);
  const config = cliConfig(io);
  const base = parseBase(values.base, config.STYLUS_DEFAULT_BASE, { forCheckpoint: true });
  const missing = missingForJudge(config, base);
  if (missing.length > 0) {
    throw new UserFacingError(`eval judge needs ${missing.join(', ')}.`, 'config');
  }
  const model = judgeModel(config) ?? '';
  const checkpoint = checkpointFor(config, base) ?? '';
  const promptsFile = await readableFile(values.prompts, 'prompts file');
  const prompts = readPromptColumn(promptsFile, count);

  const services = await cliServices(io);
  const backend = createBackend(config, services.log);
  if (!backend) throw new UserFacingError('No render backend is configured: set COMFYUI_URL or A1111_URL.', 'config');
  const renderer = new PairRenderer(config, checkpoint, backend, services.db, services.log);
  try {
    await checkCheckpoints(config, backend, services.log);
    if (values.out) writeFileSync(values.out, '');
    const { summary } = await runJudge({
      services,
      renderer,
      vlm: { client: createOpenAiClient(config), model },
      prompts,
      base,
      seed,
      onPrompt: (judgement, index) => {
        writeLine(io.stderr, progressLine(judgement, index, prompts.length));
        if (values.out) appendFileSync(values.out, `${JSON.stringify(judgement)}\n`);
      },
    });
    if (values.json) {
      writeLine(io.stdout, JSON.stringify({ promptsFile, base, model, backend: backend.name, ...summary }));
    } else {
      writeLine(
        io.stdout,
        `judged ${summary.judged} of ${summary.prompts} prompts (${summary.noAdapters} picked no adapter, ${summary.failed} failed); ${backend.name}, ${base}, judge ${model}`,
      );
      writeLine(io.stdout, formatTally('visual quality', summary.visualQuality));
      writeLine(io.stdout, formatTally('prompt alignment', summary.promptAlignment));
      writeLine(
        io.stdout,
        `paper (GPT-4V): Stylus won ${PAPER_VISUAL_WIN_RATE * 100}% of non-tied visual-quality comparisons`,
      );
    }
    return 0;
  } finally {
    renderer.close();
    await services.close();
  }
}
