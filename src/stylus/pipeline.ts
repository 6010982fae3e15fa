import {
  type Adapter,
  BASE_FAMILIES,
  type BaseFamily,
  CHECKPOINT_FAMILIES,
  compatibleFamilies,
  parseFamilyName,
} from '../catalog/adapter.js';
import { contentTokens } from '../catalog/text.js';
import { UserFacingError } from '../errors.js';
import type { Services } from '../services.js';
import { processGarbageBound } from '../util/garbage-bound.js';
import { requireAdaptersForBase } from './base-availability.js';
import { type ComposerLlm, composeTasks } from './composer.js';
import { sampleMasks } from './masks.js';
import { assembleImagePrompts } from './prompt-assembly.js';
import { neutralisePromptText, validatePrompt } from './prompt-clean.js';
import { wordRarityFor } from './rarity.js';
import { retrieve } from './retriever.js';
import type {
  Candidate,
  ComposedTask,
  ComposeRequest,
  CompositionPlan,
  CompositionResult,
  ImagePrompt,
} from './types.js';

/** Alternatives offered per task: a Discord select holds 25 options, one of them is "none". */
export const MAX_ALTERNATIVES = 24;
const CACHE_SIZE = 256;

export type PipelineServices = Pick<Services, 'config' | 'store' | 'embedder' | 'openai' | 'log'> &
  Partial<Pick<Services, 'blacklist'>>;

/**
 * Parses a member's or the CLI's base option: a family name ("sdxl", "SD 1.5", "other"). `other` (adapters whose
 * hub gave no known base) can be composed and exported, but is refused where a checkpoint must be of the family.
 */
export function parseBase(
  value: string | undefined,
  fallback: BaseFamily = 'sdxl',
  options: { forCheckpoint?: boolean } = {},
): BaseFamily {
  if (value === undefined || value.trim() === '') return fallback;
  const family = parseFamilyName(value);
  const accepted: readonly BaseFamily[] = options.forCheckpoint ? CHECKPOINT_FAMILIES : BASE_FAMILIES;
  if (family && accepted.includes(family)) return family;
  throw new UserFacingError(
    family === 'other'
      ? `"other" is not a kind of checkpoint, so it cannot be rendered here. Use one of: ${accepted.join(', ')}.`
      : `Unknown base model "${value}". Use one of: ${accepted.join(', ')}.`,
    'unknown_base',
  );
}

/**
 * Remembers compositions by (prompt, base, filters, catalog version, composer model): the same prompt on an
 * unchanged catalog is not composed twice, which matters most when an LLM composes.
 */
/**
 * What a composition keeps: the result, the candidates' ids, and the ids of the adapters it shows (chosen and
 * alternatives), in candidate order. No records: at 300K adapters the shown records of 256 entries were ~45 MB of
 * live heap, which V8 grew into ~150 MB of RSS. The key holds the catalog version, so on a hit the store hands back
 * the same records (most still in its record cache).
 */
interface CachedComposition {
  result: CompositionResult;
  candidateIds: string[];
  alternatives: string[][];
  shownIds: string[];
}

class CompositionCache {
  private readonly entries = new Map<string, CachedComposition>();

  get(key: string) {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  set(key: string, value: CachedComposition): void {
    this.entries.set(key, value);
    if (this.entries.size > CACHE_SIZE) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }
}

/** One cache per store: two catalogs can share a version number, never their compositions. */
const caches = new WeakMap<object, CompositionCache>();

function cacheFor(store: object): CompositionCache {
  let cache = caches.get(store);
  if (!cache) {
    cache = new CompositionCache();
    caches.set(store, cache);
  }
  return cache;
}

function composerLlm(services: PipelineServices): ComposerLlm | undefined {
  const model = services.config.STYLUS_COMPOSER_MODEL;
  return services.openai && model ? { client: services.openai, model } : undefined;
}

export interface PlanOptions {
  /** The member's deadline: when it fires, an LLM composition is dropped and the offline composer answers. */
  signal?: AbortSignal;
  /**
   * Runs CPU-bound stages (retrieval, an offline composition) one at a time across callers, so a burst of
   * compositions never holds the event loop in one stretch; waiting on an LLM happens outside it.
   */
  exclusive?: <T>(work: () => Promise<T>) => Promise<T>;
}

/** Retrieve, compose, mask and weight: the whole method for one prompt, free of Discord. */
export async function planComposition(
  services: PipelineServices,
  request: ComposeRequest,
  options: PlanOptions = {},
): Promise<CompositionPlan> {
  const exclusive = options.exclusive ?? (<T>(work: () => Promise<T>) => work());
  const { config } = services;
  const started = performance.now();
  const cleaned = validatePrompt(request.prompt, config.STYLUS_MAX_PROMPT_CHARS);
  if (!Number.isInteger(request.images) || request.images < 1 || request.images > 16) {
    throw new UserFacingError('The number of images must be a whole number from 1 to 16.', 'bad_image_count');
  }
  const filter = {
    baseFamilies: compatibleFamilies(request.base),
    allowNsfw: request.allowNsfw ?? false,
    allowRealPerson: request.allowRealPerson ?? false,
    excludeIds: request.excludeIds,
  };
  const llm = composerLlm(services);
  const maxAdapters = request.maxAdapters ?? config.STYLUS_MAX_ADAPTERS;
  const blacklist = services.blacklist;
  const version = await services.store.version();
  const cacheKey = JSON.stringify([
    cleaned,
    filter,
    version,
    llm?.model ?? 'offline',
    config.STYLUS_CANDIDATES,
    maxAdapters,
    request.communityScores ? [...request.communityScores.entries()].sort() : [],
    blacklist?.fingerprint ?? '',
  ]);
  const cache = cacheFor(services.store);

  let retrieveMs = 0;
  let composeMs = 0;
  let cached = cache.get(cacheKey);
  let adapters: Map<string, Adapter>;
  if (cached) {
    adapters = new Map((await services.store.getMany(cached.shownIds)).map((adapter) => [adapter.id, adapter]));
  } else {
    await requireAdaptersForBase(services.store, version, request.base, filter);
    const retrieved = await exclusive(() =>
      retrieve(services, cleaned, {
        limit: config.STYLUS_CANDIDATES,
        filter,
        communityScores: request.communityScores,
        communityWeight: config.COMMUNITY_BOOST_WEIGHT,
        ...(blacklist ? { exclude: (adapter: Adapter) => blacklist.reason(adapter) !== undefined } : {}),
      }),
    );
    // The embedded stores answer synchronously: give pending I/O (a bot's acknowledgements) a turn between stages.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const afterRetrieve = performance.now();
    retrieveMs = afterRetrieve - started;
    const rarity = await wordRarityFor(services.store, cleaned);
    const compose = () =>
      composeTasks({
        prompt: cleaned,
        candidates: retrieved.candidates,
        llm,
        log: services.log,
        options: { maxAdapters, rarity },
        ...(options.signal ? { signal: options.signal } : {}),
      });
    const result = llm ? await compose() : await exclusive(compose);
    composeMs = performance.now() - afterRetrieve;
    cached = slimComposition(result, retrieved.candidates);
    const shown = new Set(cached.shownIds);
    adapters = new Map(
      retrieved.candidates
        .filter((candidate) => shown.has(candidate.adapter.id))
        .map((candidate) => [candidate.adapter.id, candidate.adapter]),
    );
    // A fallback is a passing condition (a slow or failing LLM): the next member with this prompt asks the LLM again.
    if (!result.fallbackReason) cache.set(cacheKey, cached);
    processGarbageBound().afterWork(services.log);
  }
  const { result, alternatives, candidateIds } = cached;

  const renderPrompt = neutralisePromptText(request.prompt);
  const images = buildImagePrompts({
    prompt: renderPrompt,
    tasks: result.tasks,
    adapters,
    seed: request.seed,
    images: request.images,
    baseWeight: config.STYLUS_BASE_WEIGHT,
    insertTriggers: config.STYLUS_INSERT_TRIGGERS,
    maxAdapters,
  });
  return {
    prompt: renderPrompt,
    base: request.base,
    seed: request.seed,
    tasks: result.tasks,
    alternatives,
    adapters: Object.fromEntries(adapters),
    images,
    composer: result.composer,
    promptTokens: result.promptTokens,
    ...(result.fallbackReason ? { fallbackReason: result.fallbackReason } : {}),
    candidateIds,
    timingsMs: { retrieve: retrieveMs, compose: composeMs, total: performance.now() - started },
  };
}

/** The cache entry of a composition: alternatives worked out once, and which adapters it shows. */
function slimComposition(result: CompositionResult, candidates: readonly Candidate[]): CachedComposition {
  const alternatives = result.tasks.map((task) => alternativesForTask(task, candidates));
  const shownIds = new Set([
    ...result.tasks.flatMap((task) => task.adapters.map((adapter) => adapter.adapterId)),
    ...alternatives.flat(),
  ]);
  return {
    result,
    candidateIds: candidates.map((candidate) => candidate.adapter.id),
    alternatives,
    shownIds: candidates.map((candidate) => candidate.adapter.id).filter((id) => shownIds.has(id)),
  };
}

/**
 * Swap options for a task: candidates that share words with the task first (by retrieval rank), then the rest of
 * the candidates by rank, without the adapters already chosen for it.
 */
export function alternativesForTask(task: ComposedTask, candidates: readonly Candidate[]): string[] {
  const chosen = new Set(task.adapters.map((adapter) => adapter.adapterId));
  const taskTokens = [...contentTokens(task.task)];
  const overlapping: string[] = [];
  const others: string[] = [];
  for (const { adapter } of candidates) {
    if (chosen.has(adapter.id)) continue;
    const tokens = labelTokens(adapter);
    const shares = taskTokens.some((token) => tokens.has(token));
    (shares ? overlapping : others).push(adapter.id);
  }
  return [...overlapping, ...others].slice(0, MAX_ALTERNATIVES);
}

/** Tokens of an adapter's name, tags and trigger words, once per record object: every task of a prompt asks again. */
const labelTokenCache = new WeakMap<Adapter, ReadonlySet<string>>();

function labelTokens(adapter: Adapter): ReadonlySet<string> {
  let tokens = labelTokenCache.get(adapter);
  if (!tokens) {
    tokens = contentTokens([adapter.name, ...adapter.tags, ...adapter.triggerWords].join(' '));
    labelTokenCache.set(adapter, tokens);
  }
  return tokens;
}

export interface BuildImagesInput {
  prompt: string;
  tasks: readonly ComposedTask[];
  adapters: ReadonlyMap<string, Adapter>;
  seed: number;
  images: number;
  baseWeight: number;
  /** A member's weight for an adapter replaces its recommended weight (before the base weight and the split). */
  weightOverrides?: ReadonlyMap<string, number>;
  insertTriggers: boolean;
  debiasSuffix?: string;
  /** Most LoRAs on one image (STYLUS_MAX_ADAPTERS or the server's setting). */
  maxAdapters?: number;
}

/** Masks and prompts for a composition: used at first, and again after a swap, a weight edit or a reroll. */
export function buildImagePrompts(input: BuildImagesInput): ImagePrompt[] {
  const maskTasks = input.tasks.map((task) => ({
    adapters: task.adapters
      .filter((assigned) => input.adapters.has(assigned.adapterId))
      .map((assigned) => ({
        adapterId: assigned.adapterId,
        recommendedWeight:
          input.weightOverrides?.get(assigned.adapterId) ??
          input.adapters.get(assigned.adapterId)?.recommendedWeight ??
          0.8,
      })),
  }));
  const masks = sampleMasks(maskTasks, {
    images: input.images,
    seed: input.seed,
    baseWeight: input.baseWeight,
    ...(input.maxAdapters ? { maxActive: input.maxAdapters } : {}),
  });
  return assembleImagePrompts({
    prompt: input.prompt,
    masks,
    adapters: input.adapters,
    insertTriggers: input.insertTriggers,
    ...(input.debiasSuffix ? { debiasSuffix: input.debiasSuffix } : {}),
  });
}

/** A random 32-bit seed for a composition when the member gives none. */
export function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}
