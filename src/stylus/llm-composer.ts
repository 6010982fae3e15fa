import OpenAI from 'openai';
import { z } from 'zod';
import type { Adapter } from '../catalog/adapter.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../log.js';
import { enforceCaps, MAX_ADAPTERS_PER_TASK, MAX_STYLE_ADAPTERS } from './caps.js';
import type { WordRarity } from './evidence.js';
import { countChatTokens, countTokens } from './tokens.js';
import type { Candidate, ComposedTask } from './types.js';

/**
 * The LLM composer: one chat call with a strict JSON-schema structured output. Candidates travel as one short line
 * each under a numeric alias (1..K) instead of their long ids, with the description cut to its first words: that
 * keeps the request near 2K tokens for 150 candidates, where the paper sent about 20K.
 */
export interface ComposerLlm {
  client: OpenAI;
  model: string;
}

const DESCRIPTION_CHARS = 48;
/** Line shapes from roomiest to tightest: the first whose lines fit the budget is used. */
const LINE_SHAPES: readonly LineShape[] = [
  { nameChars: 40, triggerChars: 24 },
  { nameChars: 32, triggerChars: 16 },
  { nameChars: 24, triggerChars: 0 },
];
interface LineShape {
  nameChars: number;
  triggerChars: number;
}
/**
 * The whole request's token budget. Every candidate gets its line (alias, name, a trigger); descriptions are then
 * added in rank order while the budget allows, so the best candidates carry the most context.
 */
export const REQUEST_TOKEN_BUDGET = 2_400;

const SYSTEM_PROMPT = [
  'You choose LoRA adapters for a text-to-image prompt.',
  '1. Split the prompt into tasks: short keywords or exact spans of the prompt (subjects, objects, places, styles).',
  `2. For each task pick 0-${MAX_ADAPTERS_PER_TASK} adapters from the list that depict exactly that task, best first; pick none when nothing fits.`,
  'Never pick an adapter that would add something the prompt does not ask for.',
  `Each adapter at most once; at most ${MAX_STYLE_ADAPTERS} style adapters in all; a character adapter only for a task that names that character.`,
  'Give each pick a one-line reason.',
  'Adapters are grouped under [category] headers, one per line as: id|name|trigger words|short description.',
].join('\n');

export const COMPOSER_RESPONSE_SCHEMA = {
  type: 'object',
  properties: {
    tasks: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          task: { type: 'string' },
          adapters: {
            type: 'array',
            items: {
              type: 'object',
              properties: { id: { type: 'integer' }, reason: { type: 'string' } },
              required: ['id', 'reason'],
              additionalProperties: false,
            },
          },
        },
        required: ['task', 'adapters'],
        additionalProperties: false,
      },
    },
  },
  required: ['tasks'],
  additionalProperties: false,
} as const;

const ReplySchema = z.object({
  tasks: z.array(
    z.object({
      task: z.string(),
      adapters: z.array(z.object({ id: z.number().int(), reason: z.string() })),
    }),
  ),
});
type Reply = z.infer<typeof ReplySchema>;

function clip(text: string, max: number): string {
  const flat = text
    .replace(/[|\r\n]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trim()}…`;
}

/**
 * A hub name without what costs tokens and says nothing: bracketed asides, "LoRA", version numbers, and
 * non-Latin duplicates of a Latin name ("墨心 MoXin" -> "MoXin").
 */
export function compactName(name: string, maxChars = 40): string {
  let compact = name
    .replace(/[(（[【{][^)）\]】}]*[)）\]】}]/g, ' ')
    .replace(/\b(?:lora|locon|loha|lycoris)\b/gi, ' ')
    .replace(/\bv?\d+(?:\.\d+)+\b|\bv\d+\b/gi, ' ');
  if (/[A-Za-z]{2}/.test(compact)) compact = compact.replace(/[^\p{Script=Latin}\p{N}\p{P}\s]+/gu, ' ');
  compact = compact.replace(/\s+/g, ' ').replace(/^[\s\p{P}]+|[\s\p{P}]+$/gu, '');
  return clip(compact || name, maxChars);
}

function firstTrigger(adapter: Adapter, maxChars: number): string {
  if (maxChars <= 0) return '';
  const trigger = adapter.triggerWords.flatMap((entry) => entry.split(',')).find((entry) => entry.trim());
  return trigger ? clip(trigger, maxChars) : '';
}

/** One compact line per candidate: alias, name, first trigger phrase, and (when given) a short description. */
export function candidateLine(
  alias: number,
  adapter: Adapter,
  withDescription: boolean,
  shape = LINE_SHAPES[0],
): string {
  const { nameChars, triggerChars } = shape ?? { nameChars: 40, triggerChars: 24 };
  const line = `${alias}|${compactName(adapter.name, nameChars)}|${firstTrigger(adapter, triggerChars)}`;
  if (!withDescription) return line;
  const description = clip(adapter.description || adapter.originalDescription, DESCRIPTION_CHARS);
  return description ? `${line}|${description}` : line;
}

export interface LlmRequest {
  messages: { role: 'system' | 'user'; content: string }[];
  promptTokens: number;
}

function userMessage(
  prompt: string,
  candidates: readonly Candidate[],
  described: ReadonlySet<number>,
  shape: LineShape,
): string {
  const groups = new Map<string, string[]>();
  candidates.forEach((candidate, index) => {
    const lines = groups.get(candidate.adapter.category) ?? [];
    lines.push(candidateLine(index + 1, candidate.adapter, described.has(index), shape));
    groups.set(candidate.adapter.category, lines);
  });
  const body = [...groups].map(([category, lines]) => `[${category}]\n${lines.join('\n')}`).join('\n');
  return `Prompt: ${prompt}\nAdapters:\n${body || '(none)'}`;
}

export function buildComposerRequest(prompt: string, candidates: readonly Candidate[]): LlmRequest {
  const described = new Set<number>();
  const build = (shape: LineShape) => [
    { role: 'system' as const, content: SYSTEM_PROMPT },
    { role: 'user' as const, content: userMessage(prompt, candidates, described, shape) },
  ];
  let shape = LINE_SHAPES[0] as LineShape;
  let used = 0;
  for (const candidateShape of LINE_SHAPES) {
    shape = candidateShape;
    used = countChatTokens(build(shape), COMPOSER_RESPONSE_SCHEMA);
    if (used <= REQUEST_TOKEN_BUDGET) break;
  }
  // Add descriptions best-first, counting each one's own tokens, until the budget is spent.
  for (let index = 0; index < candidates.length; index++) {
    const adapter = candidates[index]?.adapter;
    if (!adapter) continue;
    const description = clip(adapter.description || adapter.originalDescription, DESCRIPTION_CHARS);
    if (!description) continue;
    const cost = countTokens(`|${description}`);
    if (used + cost > REQUEST_TOKEN_BUDGET) break;
    described.add(index);
    used += cost;
  }
  const messages = build(shape);
  return { messages, promptTokens: countChatTokens(messages, COMPOSER_RESPONSE_SCHEMA) };
}

/** Why a reply cannot be used as it stands; undefined when it can (caps are repaired later, not here). */
function replyProblem(
  content: string | null | undefined,
  candidateCount: number,
): { problem: string } | { reply: Reply } {
  if (!content) return { problem: 'the reply was empty' };
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch {
    return { problem: 'the reply was not JSON' };
  }
  const parsed = ReplySchema.safeParse(json);
  if (!parsed.success)
    return { problem: `the reply did not match the schema (${parsed.error.issues[0]?.message ?? 'invalid'})` };
  const ids = parsed.data.tasks.flatMap((task) => task.adapters.map((adapter) => adapter.id));
  // A few stray ids are dropped by the caps; a reply made only of ids we never sent did not use the list at all.
  if (ids.length > 0 && ids.every((id) => id < 1 || id > candidateCount)) {
    return { problem: 'the reply named only adapters that were not candidates' };
  }
  return { reply: parsed.data };
}

const DEADLINE_REASON = 'the LLM did not answer in time';

/**
 * Why the call failed, in words fit for a public embed: the status class, never the server's own text (which can
 * carry account ids or hosts); the full error is logged.
 */
function failureReason(error: unknown, signal: AbortSignal | undefined): string {
  if (signal?.aborted || error instanceof OpenAI.APIConnectionTimeoutError) return DEADLINE_REASON;
  if (error instanceof OpenAI.APIError && error.status === 429) return 'the LLM is rate-limited';
  if (error instanceof OpenAI.APIError && error.status !== undefined)
    return `the LLM request failed (HTTP ${error.status})`;
  return `the LLM request failed: ${errorMessage(error).slice(0, 80)}`;
}

export type LlmComposition =
  | { ok: true; tasks: ComposedTask[]; promptTokens: number; repairs: string[] }
  | { ok: false; reason: string; promptTokens: number };

/** One structured-output call, retried once on an unusable reply; caps enforced on what comes back. */
export async function composeWithLlm(input: {
  prompt: string;
  candidates: readonly Candidate[];
  llm: ComposerLlm;
  log?: Logger;
  /** Most adapters in the composition (STYLUS_MAX_ADAPTERS); enforced on the reply like every other cap. */
  maxAdapters?: number;
  /** The catalog's word counts: a coined trigger the prompt writes asks for its card (see enforceCaps). */
  rarity?: WordRarity;
  /** The member's deadline: when it fires, the call is dropped and the caller composes offline. */
  signal?: AbortSignal;
}): Promise<LlmComposition> {
  const { prompt, candidates, llm, log, signal } = input;
  const request = buildComposerRequest(prompt, candidates);
  const messages: { role: 'system' | 'user' | 'assistant'; content: string }[] = [...request.messages];
  let lastProblem = '';
  for (let attempt = 1; attempt <= 2; attempt++) {
    if (signal?.aborted) return { ok: false, reason: DEADLINE_REASON, promptTokens: request.promptTokens };
    let content: string | null | undefined;
    try {
      const completion = await llm.client.chat.completions.create(
        {
          model: llm.model,
          messages,
          temperature: 0,
          response_format: {
            type: 'json_schema',
            json_schema: { name: 'composition', strict: true, schema: COMPOSER_RESPONSE_SCHEMA },
          },
        },
        // A member is waiting and the offline composer is at hand: no retry, no waiting out a Retry-After.
        { maxRetries: 0, ...(signal ? { signal } : {}) },
      );
      content = completion.choices[0]?.message.content;
    } catch (error) {
      log?.warn({ err: error, model: llm.model, attempt }, 'composer LLM request failed');
      return { ok: false, reason: failureReason(error, signal), promptTokens: request.promptTokens };
    }
    const checked = replyProblem(content, candidates.length);
    if ('reply' in checked) {
      const tasks: ComposedTask[] = checked.reply.tasks.map((task) => ({
        task: task.task,
        adapters: task.adapters.map((pick) => ({
          adapterId: candidates[pick.id - 1]?.adapter.id ?? `unknown:${pick.id}`,
          reason: pick.reason,
        })),
      }));
      const capped = enforceCaps(prompt, tasks, candidates, {
        maxAdapters: input.maxAdapters,
        ...(input.rarity ? { rarity: input.rarity } : {}),
      });
      if (capped.repairs.length) log?.info({ model: llm.model, repairs: capped.repairs }, 'composer reply repaired');
      return { ok: true, tasks: capped.tasks, promptTokens: request.promptTokens, repairs: capped.repairs };
    }
    lastProblem = checked.problem;
    log?.warn({ model: llm.model, attempt, problem: checked.problem }, 'composer reply unusable');
    messages.push(
      { role: 'assistant', content: content ?? '' },
      {
        role: 'user',
        content: `That reply was unusable: ${checked.problem}. Answer again with JSON that matches the schema, using ids from the list.`,
      },
    );
  }
  return { ok: false, reason: `${lastProblem} (after one retry)`, promptTokens: request.promptTokens };
}
