import { type Adapter, type AdapterInput, parseAdapter } from '../../src/catalog/adapter.js';
import { composeOffline, type OfflineComposeOptions } from '../../src/stylus/offline-composer.js';
import type { Candidate } from '../../src/stylus/types.js';

/** A valid adapter record for tests; override what the test is about. */
export function makeAdapter(overrides: Partial<AdapterInput> & { id: string }): Adapter {
  const name = overrides.name ?? overrides.id.replace(/^\w+:/, '');
  return parseAdapter({
    source: 'huggingface',
    name,
    description: '',
    baseFamily: 'sdxl',
    fileName: `${name.replace(/[^\w-]+/g, '_')}.safetensors`,
    ...overrides,
  });
}

/** A Civitai character card as ingest stores it: its id, name, trigger words and tags. */
export function characterCard(id: string, name: string, triggerWords: string[], tags: string[]): Adapter {
  return makeAdapter({ id, name, category: 'character', triggerWords, tags, source: 'civitai', baseFamily: 'sd1' });
}

/** Adapters as retrieval candidates, ranked in the order given. */
export function asCandidates(adapters: readonly Adapter[]): Candidate[] {
  return adapters.map((adapter, rank) => ({ adapter, score: 1 / (rank + 1), rank }));
}

/** The ids the offline composer picks for `prompt` from `candidates`, in task order. */
export function offlinePicks(
  prompt: string,
  candidates: readonly Candidate[],
  options: OfflineComposeOptions = {},
): string[] {
  return composeOffline(prompt, candidates, options).flatMap((task) =>
    task.adapters.map((adapter) => adapter.adapterId),
  );
}

/** A function from a prompt to the ids the offline composer picks for it from `catalog` (ranked in the order given). */
export function picksFrom(
  catalog: readonly Adapter[],
  options: OfflineComposeOptions = {},
): (prompt: string) => string[] {
  const candidates = asCandidates(catalog);
  return (prompt) => offlinePicks(prompt, candidates, options);
}
