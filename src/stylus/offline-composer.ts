import type { Adapter } from '../catalog/adapter.js';
import { distinctTerms } from '../catalog/text.js';
import { enforceCaps, MAX_ADAPTERS_PER_TASK, MAX_STYLE_ADAPTERS, namesCharacter } from './caps.js';
import { segmentPrompt } from './segment.js';
import type { Candidate, ComposedTask } from './types.js';

/**
 * The deterministic composer (no LLM): tasks from `segmentPrompt`, then for each task the candidates that ground
 * in it. Grounding is the paper's filter against adapters that bring in foreign concepts: an adapter qualifies only
 * when most of what its name says is in the task, or one of its trigger phrases is, or a multi-word tag (or two
 * tags) is. Sharing one word of a two-word name ("print" in "Albumen Print") is not enough on its own.
 */

/** Words in adapter names and tags that describe the file, not the concept. */
const GENERIC_TERMS = new Set(
  [
    'style',
    'styles',
    'art',
    'xl',
    'sdxl',
    'sd',
    'model',
    'concept',
    'page',
    'version',
    'detail',
    'detailed',
    'quality',
    'high',
    'best',
    'add',
    'helper',
    'tweaker',
    'slider',
  ].flatMap((word) => distinctTerms(word)),
);

function conceptTerms(text: string): string[] {
  return distinctTerms(text).filter((term) => term.length > 1 && !GENERIC_TERMS.has(term) && !/^\d+$/.test(term));
}

interface AdapterKeys {
  name: string[];
  phrases: { text: string; terms: string[]; kind: 'trigger' | 'tag' }[];
}

/** Keys per adapter object: stores hand back the same cached objects, so repeated compositions reuse them. */
const keysCache = new WeakMap<Adapter, AdapterKeys>();

function keysOf(adapter: Adapter): AdapterKeys {
  let keys = keysCache.get(adapter);
  if (!keys) {
    keys = computeKeys(adapter);
    keysCache.set(adapter, keys);
  }
  return keys;
}

function computeKeys(adapter: Adapter): AdapterKeys {
  const triggers = adapter.triggerWords.flatMap((entry) => entry.split(','));
  return {
    name: conceptTerms(adapter.name),
    phrases: [
      ...triggers.map((text) => ({ text: text.trim(), terms: conceptTerms(text), kind: 'trigger' as const })),
      ...adapter.tags.map((text) => ({ text: text.trim(), terms: conceptTerms(text), kind: 'tag' as const })),
    ].filter((phrase) => phrase.terms.length > 0),
  };
}

export interface Grounding {
  score: number;
  reason: string;
}

/** How well an adapter grounds in a task, or undefined when it does not. */
export function groundIn(taskTerms: ReadonlySet<string>, adapter: Adapter): Grounding | undefined {
  const keys = keysOf(adapter);
  const nameHits = keys.name.filter((term) => taskTerms.has(term));
  const nameCoverage = keys.name.length ? nameHits.length / keys.name.length : 0;
  const matched = keys.phrases.filter((phrase) => phrase.terms.every((term) => taskTerms.has(term)));
  const triggers = matched.filter((phrase) => phrase.kind === 'trigger');
  const tags = matched.filter((phrase) => phrase.kind === 'tag');
  // Most of the name in the task; or half of it, backed by a tag or trigger ("Aether Ghost" + tag "ghost"), but not
  // half alone ("Road Sign" for "neon sign").
  const nameGrounded = nameCoverage > 0.5 || (nameCoverage >= 0.5 && matched.length > 0);
  const grounded = nameGrounded || triggers.length > 0 || tags.some((tag) => tag.terms.length > 1) || tags.length >= 2;
  if (!grounded) return undefined;
  const score = 3 * nameCoverage + 2 * triggers.length + tags.length;
  const evidence = [
    ...(nameGrounded ? [`its name (${adapter.name})`] : []),
    ...(triggers.length ? [`trigger "${triggers[0]?.text}"`] : []),
    ...(tags.length ? [`tag${tags.length > 1 ? 's' : ''} ${tags.map((tag) => `"${tag.text}"`).join(', ')}`] : []),
  ];
  return { score, reason: `matches ${evidence.join(' and ')}` };
}

export function composeOffline(prompt: string, candidates: readonly Candidate[]): ComposedTask[] {
  const tasks = segmentPrompt(prompt);
  // Score every (task, adapter) pair, then hand out the best pairs first so each adapter goes to the task it fits
  // best; ties fall to the better retrieval rank.
  const pairs: { taskIndex: number; candidate: Candidate; grounding: Grounding }[] = [];
  tasks.forEach((task, taskIndex) => {
    const taskTerms = new Set(distinctTerms(task));
    for (const candidate of candidates) {
      const grounding = groundIn(taskTerms, candidate.adapter);
      if (grounding) pairs.push({ taskIndex, candidate, grounding });
    }
  });
  pairs.sort((a, b) => b.grounding.score - a.grounding.score || a.candidate.rank - b.candidate.rank);
  const assigned: ComposedTask[] = tasks.map((task) => ({ task, adapters: [] }));
  const used = new Set<string>();
  let styles = 0;
  for (const pair of pairs) {
    const target = assigned[pair.taskIndex];
    const { adapter } = pair.candidate;
    if (!target || used.has(adapter.id) || target.adapters.length >= MAX_ADAPTERS_PER_TASK) continue;
    // The caps below would drop these anyway; skipping them here lets the next-best adapter take the slot.
    if (adapter.category === 'style' && styles >= MAX_STYLE_ADAPTERS) continue;
    if (adapter.category === 'character' && !namesCharacter(target.task, adapter)) continue;
    if (adapter.category === 'style') styles += 1;
    used.add(adapter.id);
    target.adapters.push({ adapterId: pair.candidate.adapter.id, reason: pair.grounding.reason });
  }
  return enforceCaps(prompt, assigned, candidates).tasks;
}
