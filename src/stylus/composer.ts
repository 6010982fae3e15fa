import type { Logger } from '../log.js';
import type { ComposerLlm } from './llm-composer.js';
import { composeOffline, type OfflineComposeOptions } from './offline-composer.js';
import type { Candidate, CompositionResult } from './types.js';

export type { ComposerLlm } from './llm-composer.js';

/**
 * Compose: split the prompt into tasks and give each task 0-3 of the candidates. With an LLM configured, one
 * structured-output call does it; when that call fails or its reply stays unusable after one retry, the offline
 * composer answers and the result says why. Either way the caps in caps.ts have been enforced.
 */
export async function composeTasks(input: {
  prompt: string;
  candidates: readonly Candidate[];
  llm?: ComposerLlm;
  log?: Logger;
  /** The cap per image and the catalog's word rarity, for both composers. */
  options?: OfflineComposeOptions;
  /** The caller's deadline for the LLM call; the offline composer answers when it fires. */
  signal?: AbortSignal;
}): Promise<CompositionResult> {
  const { prompt, candidates, llm, log, signal } = input;
  const options = input.options ?? {};
  // With no candidates there is nothing to choose, and the offline split needs no network round trip.
  if (llm && candidates.length > 0) {
    // Loaded on first use: its tokeniser costs a process that composes offline (`stylus compose`) a fifth of its start.
    const { composeWithLlm } = await import('./llm-composer.js');
    const result = await composeWithLlm({
      prompt,
      candidates,
      llm,
      ...(log ? { log } : {}),
      ...(options.maxAdapters ? { maxAdapters: options.maxAdapters } : {}),
      ...(options.rarity ? { rarity: options.rarity } : {}),
      ...(signal ? { signal } : {}),
    });
    if (result.ok) return { tasks: result.tasks, composer: 'llm', promptTokens: result.promptTokens };
    log?.warn({ model: llm.model, reason: result.reason }, 'composer fell back to offline');
    return {
      tasks: composeOffline(prompt, candidates, options),
      composer: 'offline',
      promptTokens: result.promptTokens,
      fallbackReason: result.reason,
    };
  }
  return { tasks: composeOffline(prompt, candidates, options), composer: 'offline', promptTokens: 0 };
}
