import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { errorMessage, UserFacingError } from '../errors.js';
import { type CriterionTally, judgeModel, missingForJudge, type PromptJudgement, runJudge } from '../eval/judge.js';
import { PairRenderer } from '../eval/render-pair.js';
import { createOpenAiClient } from '../openai-client.js';
import { createBackend } from '../render/backends/index.js';
import { checkpointFor } from '../render/submit.js';
import { checkCheckpoints } from '../render/worker.js';
import { parseBase } from '../stylus/pipeline.js';
import { cliConfig, cliServices } from './context.js';
import { type CliIo, intFlag, parseCliArgs, writeLine } from './io.js';

/**
 * `stylus eval judge [--prompts parti.tsv] [--n 20] [--base sdxl] [--seed 1] [--json] [--out judge.jsonl]`:
 * renders each prompt with and without its chosen adapters and lets a vision-language model pick, in both orders
 * (see src/eval/judge.ts). Needs a render backend, a checkpoint for the base and a VLM; refuses in one line otherwise.
 */

/** PartiPrompts in the shared data folder next to the checkout (the issue's `../shared/data`). */
const DEFAULT_PROMPTS = path.resolve(import.meta.dirname, '../../../shared/data/parti-prompts.tsv');
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
  const { values } = parseCliArgs(
    args,
    {
      prompts: { type: 'string' },
      n: { type: 'string' },
      base: { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'boolean', default: false },
      out: { type: 'string' },
    },
    false,
  );
  const count = intFlag('n', values.n, 20, 1, 100_000);
  const seed = intFlag('seed', values.seed, 1, 0, 2 ** 31 - 1 - count);
  const base = parseBase(values.base);
  const config = cliConfig(io);
  const missing = missingForJudge(config, base);
  if (missing.length > 0) {
    throw new UserFacingError(`eval judge needs ${missing.join(', ')}.`, 'config');
  }
  const model = judgeModel(config) ?? '';
  const checkpoint = checkpointFor(config, base) ?? '';
  const promptsFile = values.prompts ?? DEFAULT_PROMPTS;
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
