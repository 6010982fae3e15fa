import type { BaseFamily } from '../catalog/adapter.js';
import { type Config, llmConfigured } from '../config.js';
import { errorMessage, isUserFacing, UserFacingError } from '../errors.js';
import { checkpointFor, checkpointKey } from '../render/submit.js';
import { type PipelineServices, planComposition } from '../stylus/pipeline.js';
import type { PairRenderer } from './render-pair.js';
import { type Choice, compareImages, JudgeReplyError, type JudgeVlm, type Outcome, outcomeOf } from './vlm-judge.js';

/**
 * `stylus eval judge`: the paper's GPT-4V protocol. For each prompt, the composition's first image is rendered with
 * its adapters and without them at the same seed; a vision-language model picks the better image for visual quality
 * and for prompt alignment, once with the adapters' image shown first and once shown second. Only agreeing answers
 * count as a win or a loss. Prompts whose composition picks no adapter are counted and skipped.
 */

/** The model that judges: STYLUS_JUDGE_MODEL, else the refiner's vision model. */
export function judgeModel(config: Config): string | undefined {
  return config.STYLUS_JUDGE_MODEL ?? config.STYLUS_REFINER_MODEL;
}

/** What the run needs and the config lacks, each as a phrase naming the keys to set (empty: ready). */
export function missingForJudge(config: Config, base: BaseFamily): string[] {
  const missing: string[] = [];
  if (!config.COMFYUI_URL && !config.A1111_URL) missing.push('a render backend (set COMFYUI_URL or A1111_URL)');
  if (!checkpointFor(config, base)) missing.push(`a checkpoint for ${base} (set ${checkpointKey(base)})`);
  if (!llmConfigured(config, judgeModel(config))) {
    missing.push(
      'a vision-language model (set STYLUS_JUDGE_MODEL or STYLUS_REFINER_MODEL, and OPENAI_BASE_URL or OPENAI_API_KEY)',
    );
  }
  return missing;
}

export interface CriterionResult {
  /** The answer with the adapters' image shown as A, then as B. */
  shownFirst: Choice;
  shownSecond: Choice;
  outcome: Outcome;
}

export interface PromptJudgement {
  prompt: string;
  seed: number;
  status: 'judged' | 'no_adapters' | 'failed';
  adapters: { adapterId: string; weight: number }[];
  visualQuality?: CriterionResult;
  promptAlignment?: CriterionResult;
  error?: string;
}

export interface CriterionTally {
  win: number;
  tie: number;
  loss: number;
  /** Wins over non-tied comparisons; null when every comparison tied. */
  winRate: number | null;
}

export interface JudgeSummary {
  prompts: number;
  judged: number;
  noAdapters: number;
  failed: number;
  visualQuality: CriterionTally;
  promptAlignment: CriterionTally;
}

export interface JudgeRunInput {
  services: PipelineServices;
  renderer: Pick<PairRenderer, 'render'>;
  vlm: JudgeVlm;
  prompts: readonly string[];
  base: BaseFamily;
  /** Prompt i is composed and rendered with seed `seed + i`. */
  seed: number;
  /** Called after each prompt, in order (progress, incremental output). */
  onPrompt?: (judgement: PromptJudgement, index: number) => void;
  signal?: AbortSignal;
}

/** Consecutive failed prompts after which the run stops: the backend or the model is down, not one prompt bad. */
const MAX_CONSECUTIVE_FAILURES = 3;

async function compareWithRetry(vlm: JudgeVlm, prompt: string, a: Buffer, b: Buffer) {
  try {
    return await compareImages(vlm, prompt, a, b);
  } catch (error) {
    // A malformed reply is often a one-off of a sampling model; a failed request was already retried by the client.
    if (!(error instanceof JudgeReplyError)) throw error;
    return compareImages(vlm, prompt, a, b);
  }
}

async function judgeOne(input: JudgeRunInput, prompt: string, index: number): Promise<PromptJudgement> {
  const seed = input.seed + index;
  const judgement: PromptJudgement = { prompt, seed, status: 'failed', adapters: [] };
  try {
    const plan = await planComposition(input.services, { prompt, base: input.base, images: 1, seed });
    judgement.adapters = (plan.images[0]?.loras ?? []).map(({ adapterId, weight }) => ({ adapterId, weight }));
    if (judgement.adapters.length === 0) return { ...judgement, status: 'no_adapters' };
    const signal = input.signal ?? new AbortController().signal;
    const pair = await input.renderer.render(plan, `eval-judge-${index}-${seed}`, signal);
    const first = await compareWithRetry(input.vlm, plan.prompt, pair.withAdapters, pair.withoutAdapters);
    const second = await compareWithRetry(input.vlm, plan.prompt, pair.withoutAdapters, pair.withAdapters);
    const criterion = (key: 'visual_quality' | 'prompt_alignment'): CriterionResult => ({
      shownFirst: first[key],
      shownSecond: second[key],
      outcome: outcomeOf(first[key], second[key]),
    });
    return {
      ...judgement,
      status: 'judged',
      visualQuality: criterion('visual_quality'),
      promptAlignment: criterion('prompt_alignment'),
    };
  } catch (error) {
    if (input.signal?.aborted) throw error;
    const message = isUserFacing(error) ? error.userMessage : errorMessage(error);
    input.services.log.warn({ prompt, seed, err: error }, 'eval judge: prompt failed');
    return { ...judgement, status: 'failed', error: message };
  }
}

function tally(judgements: readonly PromptJudgement[], key: 'visualQuality' | 'promptAlignment'): CriterionTally {
  const counts = { win: 0, tie: 0, loss: 0 };
  for (const judgement of judgements) {
    const result = judgement[key];
    if (judgement.status === 'judged' && result) counts[result.outcome] += 1;
  }
  const decided = counts.win + counts.loss;
  return { ...counts, winRate: decided ? counts.win / decided : null };
}

export function summariseJudgements(judgements: readonly PromptJudgement[]): JudgeSummary {
  const count = (status: PromptJudgement['status']) => judgements.filter((j) => j.status === status).length;
  return {
    prompts: judgements.length,
    judged: count('judged'),
    noAdapters: count('no_adapters'),
    failed: count('failed'),
    visualQuality: tally(judgements, 'visualQuality'),
    promptAlignment: tally(judgements, 'promptAlignment'),
  };
}

/** Judges the prompts one after another (one GPU renders one image at a time anyway). */
export async function runJudge(
  input: JudgeRunInput,
): Promise<{ judgements: PromptJudgement[]; summary: JudgeSummary }> {
  const judgements: PromptJudgement[] = [];
  let consecutiveFailures = 0;
  for (const [index, prompt] of input.prompts.entries()) {
    const judgement = await judgeOne(input, prompt, index);
    judgements.push(judgement);
    input.onPrompt?.(judgement, index);
    consecutiveFailures = judgement.status === 'failed' ? consecutiveFailures + 1 : 0;
    if (consecutiveFailures >= MAX_CONSECUTIVE_FAILURES) {
      throw new UserFacingError(
        `stopped after ${consecutiveFailures} prompts in a row failed; the last: ${judgement.error ?? 'unknown error'}`,
        'judge_failed',
      );
    }
  }
  return { judgements, summary: summariseJudgements(judgements) };
}
