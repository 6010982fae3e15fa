import { writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { Adapter } from '../catalog/adapter.js';
import { splitWords } from '../catalog/classify/words.js';
import { contentTokens } from '../catalog/text.js';
import { errorMessage, UserFacingError } from '../errors.js';
import { isDictionaryWord } from '../stylus/dictionary.js';
import { parseBase, planComposition } from '../stylus/pipeline.js';
import type { CompositionPlan } from '../stylus/types.js';
import { BASE_FLAG, cliBaseHint } from './base-flag.js';
import { planToJson } from './compose.js';
import { cliConfig, cliServices } from './context.js';
import { readableFile } from './files.js';
import { type CliIo, writeLine } from './io.js';
import { defineCommand, parseCommand } from './spec.js';

/**
 * `stylus eval compose --labels FILE [--base sd1] [--out preds.jsonl] [--json] [--limit N] [--allow-nsfw]`: composes
 * every row's prompt against the current catalog, as a member of a channel that is not age-restricted would get it,
 * and measures what a member would judge: named characters nobody asked for, Stylus's own in-catalog picks that we
 * also picked, LoRAs stacked on image 1, empty compositions, adapters the SFW gate flags, and time per composition.
 */
const LabelRowSchema = z.object({
  prompt: z.string(),
  topics: z.array(z.string()).optional(),
  /** Stylus's picks: keyword -> Civitai model ids, ranked. */
  adapters: z.record(z.string(), z.array(z.union([z.number(), z.string()]))).optional(),
});
type LabelRow = z.infer<typeof LabelRowSchema>;

export interface ComposeScores {
  rows: number;
  /** Share of compositions holding a character adapter whose character the prompt does not name. */
  character_intrusion: number;
  /** Over the Stylus picks that are in the catalog: the share this composition also picked. */
  stylus_pick_recall: { picks: number; recalled: number; recall: number; rows: number };
  adapters_on_image_1: { mean: number; p95: number; max: number; cap: number; share_above_cap: number };
  empty_share: number;
  /** Compositions holding an adapter the SFW gate flags (must be 0 without --allow-nsfw). */
  sfw_count: number;
  timings_ms: { p50: number; p95: number; p99: number };
}

export interface ComposedRow {
  row: LabelRow;
  plan: CompositionPlan;
  ms: number;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? 0;
}

const round = (value: number, places = 3) => Math.round(value * 10 ** places) / 10 ** places;

/** The Civitai model ids of a row's Stylus picks, as catalog ids. */
function stylusPickIds(row: LabelRow): string[] {
  const ids = Object.values(row.adapters ?? {}).flatMap((list) => list.map((id) => `civitai:${id}`));
  return [...new Set(ids)];
}

/** Name words that say what a character adapter is, not who: they name nobody. */
const NOT_A_NAME = new Set([
  'girl',
  'boy',
  'woman',
  'man',
  'character',
  'anime',
  'style',
  'outfit',
  'costume',
  'cosplay',
  'lora',
  'version',
]);

/**
 * Whether the prompt names the character of an adapter, judged generously and independently of the composer's own
 * rule: one word of three letters or more of the adapter's name, not a generic one, is a word of the prompt. Words
 * written together count apart, as Civitai names and triggers write them ("TogaHimiko", "KafkaV4", "gawr_gura").
 */
export function promptMentionsCharacter(prompt: string, adapter: Adapter): boolean {
  const promptWords = wordsApart(prompt);
  if ([...wordsApart(adapter.name)].some((word) => word.length >= 3 && !NOT_A_NAME.has(word) && promptWords.has(word)))
    return true;
  // Or by a trigger of hers that no dictionary holds, written whole: "yetsan", "hrkzdrm_mgc", "tenjouin asuka". Case
  // aside: camel case splits "NshroFS4" where the card's "nshrofs4" is one word.
  const written = [` ${spaced(prompt)} `, ` ${spaced(prompt.toLowerCase())} `];
  return adapter.triggerWords
    .flatMap((trigger) => trigger.split(','))
    .map((part) => spaced(part.toLowerCase()))
    .some(
      (part) =>
        part.length >= 4 &&
        written.some((text) => text.includes(` ${part} `)) &&
        part.split(' ').some((word) => /^[a-z]{3,}$/.test(word) && !isDictionaryWord(word)),
    );
}

/** A text's words, lower case, camel case and underscores read apart: "Hrkzdrm_mgc," is "hrkzdrm mgc". */
const spaced = (text: string) => splitWords(text).join(' ');

/** A text's content words, and those of its camel-case, digit- and underscore-joined words apart. */
function wordsApart(text: string): Set<string> {
  return new Set([...contentTokens(text), ...contentTokens(spaced(text))]);
}

function pickedAdapters(plan: CompositionPlan): Adapter[] {
  const ids = new Set(plan.tasks.flatMap((task) => task.adapters.map((adapter) => adapter.adapterId)));
  return [...ids].map((id) => plan.adapters[id]).filter((adapter): adapter is Adapter => adapter !== undefined);
}

/** Scores composed rows; `inCatalog` says which Stylus picks the catalog holds (the others are not scored). */
export function scoreCompositions(
  composed: readonly ComposedRow[],
  inCatalog: ReadonlySet<string>,
  cap: number,
): ComposeScores {
  let intrusions = 0;
  let empty = 0;
  let flagged = 0;
  let picks = 0;
  let recalled = 0;
  let recallRows = 0;
  const onImage1: number[] = [];
  const times: number[] = [];
  for (const { row, plan, ms } of composed) {
    const adapters = pickedAdapters(plan);
    if (adapters.some((adapter) => adapter.category === 'character' && !promptMentionsCharacter(row.prompt, adapter)))
      intrusions += 1;
    if (adapters.length === 0) empty += 1;
    if (adapters.some((adapter) => adapter.nsfw)) flagged += 1;
    onImage1.push(plan.images[0]?.loras.length ?? 0);
    times.push(ms);
    const gold = stylusPickIds(row).filter((id) => inCatalog.has(id));
    if (gold.length > 0) {
      recallRows += 1;
      picks += gold.length;
      const ours = new Set(adapters.map((adapter) => adapter.id));
      recalled += gold.filter((id) => ours.has(id)).length;
    }
  }
  const n = composed.length || 1;
  onImage1.sort((a, b) => a - b);
  times.sort((a, b) => a - b);
  return {
    rows: composed.length,
    character_intrusion: round(intrusions / n),
    stylus_pick_recall: { picks, recalled, recall: round(picks ? recalled / picks : 0), rows: recallRows },
    adapters_on_image_1: {
      mean: round(onImage1.reduce((sum, value) => sum + value, 0) / n, 2),
      p95: percentile(onImage1, 95),
      max: onImage1[onImage1.length - 1] ?? 0,
      cap,
      share_above_cap: round(onImage1.filter((value) => value > cap).length / n),
    },
    empty_share: round(empty / n),
    sfw_count: flagged,
    timings_ms: {
      p50: round(percentile(times, 50), 2),
      p95: round(percentile(times, 95), 2),
      p99: round(percentile(times, 99), 2),
    },
  };
}

/** Why `planComposition` refuses a prompt itself (prompt-clean.ts), not the catalog or the run. */
const REFUSED_PROMPTS = new Set(['empty_prompt', 'prompt_too_long', 'prompt_without_words']);

async function readLabelRows(file: string, limit: number): Promise<LabelRow[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UserFacingError(`Cannot read the labels file ${file}: ${errorMessage(error)}.`, 'usage');
  }
  const rows: LabelRow[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    if (!line.trim()) continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw new UserFacingError(`${file} line ${index + 1} is not valid JSON.`, 'usage');
    }
    const parsed = LabelRowSchema.safeParse(json);
    if (!parsed.success)
      throw new UserFacingError(`${file} line ${index + 1}: expected {"prompt": string, ...}.`, 'usage');
    rows.push(parsed.data);
    if (rows.length === limit) break;
  }
  return rows;
}

function formatScores(scores: ComposeScores): string[] {
  const image = scores.adapters_on_image_1;
  const recall = scores.stylus_pick_recall;
  return [
    `compositions: ${scores.rows}`,
    `character intrusion: ${(scores.character_intrusion * 100).toFixed(1)}% (target <= 2%)`,
    `Stylus-pick recall: ${recall.recall.toFixed(3)} (${recall.recalled} of ${recall.picks} in-catalog picks over ${recall.rows} rows; target >= 0.55)`,
    `adapters on image 1: mean ${image.mean}, p95 ${image.p95}, max ${image.max}; above the cap of ${image.cap}: ${(image.share_above_cap * 100).toFixed(1)}%`,
    `empty compositions: ${(scores.empty_share * 100).toFixed(1)}%`,
    `SFW count (compositions holding a flagged adapter): ${scores.sfw_count}`,
    `time per composition: p50 ${scores.timings_ms.p50} ms, p95 ${scores.timings_ms.p95} ms, p99 ${scores.timings_ms.p99} ms`,
  ];
}

const spec = defineCommand({
  command: 'stylus eval compose',
  summary:
    'Compose every labelled prompt against the current catalog, as a member of a channel that is not age-restricted ' +
    'gets it, and measure what a member would judge: characters nobody asked for, recall of the Stylus picks, LoRAs ' +
    'stacked on image 1, empty compositions, adapters the SFW gate flags, time per composition.',
  flags: {
    labels: {
      type: 'string',
      value: 'file',
      help: 'labelled prompts, one {"prompt", "topics", "adapters": {keyword: [Civitai ids]}} per line (required)',
    },
    base: BASE_FLAG,
    limit: { type: 'int', help: 'use only the first n rows', min: 1, max: Number.MAX_SAFE_INTEGER, defaultText: 'all' },
    out: { type: 'string', value: 'file', help: 'write each composition here (JSONL, as compose --json)' },
    json: { type: 'boolean', help: 'print one JSON object (the text summary goes to stderr)' },
    'allow-nsfw': { type: 'boolean', help: 'compose as in an age-restricted channel' },
  },
  examples: ['stylus eval compose --labels stylus-labels-parti.jsonl --base sd1 --limit 200'],
});

export async function evalCompose(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommand(spec, args);
  if (!values.labels) throw new UserFacingError('--labels <file.jsonl> is required.', 'usage');
  const rows = await readLabelRows(
    await readableFile(values.labels, 'labels file'),
    values.limit ?? Number.MAX_SAFE_INTEGER,
  );
  const base = parseBase(values.base, cliConfig(io).STYLUS_DEFAULT_BASE);
  const services = await cliServices(io);
  try {
    const goldIds = [...new Set(rows.flatMap(stylusPickIds))];
    const inCatalog = new Set((await services.store.getMany(goldIds)).map((adapter) => adapter.id));
    const composed: ComposedRow[] = [];
    const outLines: string[] = [];
    const refused: string[] = [];
    for (const [index, row] of rows.entries()) {
      const started = performance.now();
      let plan: CompositionPlan;
      try {
        plan = await cliBaseHint(() =>
          planComposition(services, {
            prompt: row.prompt,
            base,
            images: 1,
            seed: index,
            allowNsfw: values['allow-nsfw'],
          }),
        );
      } catch (error) {
        // A prompt the bot would refuse a member (empty once LoRA tags are removed, too long) is counted and
        // reported, as the member would be told; it does not end the run over a whole labels file.
        if (!(error instanceof UserFacingError) || !REFUSED_PROMPTS.has(error.code)) throw error;
        refused.push(`row ${index + 1}: ${error.userMessage}`);
        outLines.push(JSON.stringify({ prompt: row.prompt, error: error.userMessage }));
        continue;
      }
      composed.push({ row, plan, ms: performance.now() - started });
      outLines.push(JSON.stringify({ ...planToJson(plan), prompt: row.prompt }));
    }
    if (values.out) writeFileSync(values.out, outLines.length ? `${outLines.join('\n')}\n` : '');
    const scores = {
      ...scoreCompositions(composed, inCatalog, services.config.STYLUS_MAX_ADAPTERS),
      refused: refused.length,
    };
    const report = values.json ? io.stderr : io.stdout;
    for (const line of formatScores(scores)) writeLine(report, line);
    if (refused.length > 0) {
      writeLine(report, `refused prompts (as a member would be told; not scored): ${refused.length}`);
      for (const line of refused.slice(0, 5)) writeLine(report, `  ${line}`);
    }
    if (values.json) writeLine(io.stdout, JSON.stringify({ labels: values.labels, base, ...scores }));
    return 0;
  } finally {
    await services.close();
  }
}
