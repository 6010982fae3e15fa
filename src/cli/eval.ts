import { UserFacingError } from '../errors.js';
import type { CliCommand, CliIo } from './io.js';

/**
 * `stylus eval <benchmark>`: one dispatcher for the quality benchmarks; each lives in its own module, loaded only
 * when asked for.
 */
const BENCHMARKS: Record<string, { summary: string; load: () => Promise<CliCommand> }> = {
  topics: {
    summary: 'score offline task segmentation against labelled topics',
    load: async () => (await import('./eval-topics.js')).evalTopics,
  },
  retrieval: {
    summary: 'recall and MRR of the retriever on a Civitai dump and a query file',
    load: async () => (await import('./eval-retrieval.js')).evalRetrieval,
  },
  compose: {
    summary:
      'compose each labelled prompt and measure what a member would see: intrusions, recall of Stylus picks, stacking, SFW',
    load: async () => (await import('./eval-compose.js')).evalCompose,
  },
  judge: {
    summary: 'render with and without the chosen adapters and let a vision-language model pick, in both orders',
    load: async () => (await import('./eval-judge.js')).evalJudge,
  },
};

export async function runEval(args: string[], io: CliIo): Promise<number> {
  const [name, ...rest] = args;
  const benchmark = name ? BENCHMARKS[name] : undefined;
  if (!benchmark) {
    const list = Object.entries(BENCHMARKS)
      .map(([key, entry]) => `${key} (${entry.summary})`)
      .join(', ');
    throw new UserFacingError(
      `${name ? `unknown benchmark "${name}"` : 'which benchmark?'}: stylus eval <${Object.keys(BENCHMARKS).join('|')}>. Available: ${list}.`,
      'usage',
    );
  }
  return (await benchmark.load())(rest, io);
}
