import type { CliIo } from './io.js';
import { type CommandGroup, runGroup } from './spec.js';

/**
 * `stylus eval <benchmark>`: one dispatcher for the quality benchmarks. Each lives in its own module, loaded only
 * when asked for, and declares its own flags (src/cli/spec.ts): a new benchmark is one entry here.
 */
const EVAL: CommandGroup = {
  command: 'stylus eval',
  summary:
    'Quality benchmarks. Each takes its data files as arguments (see the README, "Benchmarks", for where to get them).',
  noun: 'benchmark',
  subcommands: {
    retrieval: {
      summary: 'recall and MRR of the retriever on a Civitai dump and a query file',
      load: async () => (await import('./eval-retrieval.js')).evalRetrieval,
    },
    topics: {
      summary: 'score the task split of prompts against labelled topics',
      load: async () => (await import('./eval-topics.js')).evalTopics,
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
  },
  examples: ['stylus eval topics --labels stylus-labels-parti.jsonl'],
};

export async function runEval(args: string[], io: CliIo): Promise<number> {
  return runGroup(EVAL, args, io);
}
