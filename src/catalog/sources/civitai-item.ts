import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import {
  type Adapter,
  AdapterSchema,
  type CommercialUse,
  describeAdapterError,
  normaliseBaseModel,
} from '../adapter.js';
import type { ImageRatings } from '../classify/index.js';
import { htmlToText, truncateText } from '../html.js';

/**
 * One raw Civitai `/api/v1/models` item -> one Adapter record. The same parser reads the live API and offline
 * dumps. Problems come back as `code: detail` strings so an ingestion run can count them by code.
 */
export interface CivitaiParseResult {
  adapter?: Adapter;
  /** Why the item yields no record (`code: detail`). */
  skipped?: string;
  /** What was repaired or dropped on the way (`code: detail`). */
  warnings: string[];
}

/** Model types that load as LoRA-style adapters. */
const ADAPTER_TYPES = new Set(['lora', 'locon', 'dora', 'lycoris']);
const COMMERCIAL_USES: readonly CommercialUse[] = ['Image', 'RentCivit', 'Rent', 'Sell'];
const MAX_EXAMPLES = 10;
const MAX_DESCRIPTION = 4000;
const MAX_ORIGINAL_DESCRIPTION = 20_000;
const MAX_TRIGGER_LENGTH = 200;
const MAX_TAG_LENGTH = 80;
const MAX_PROMPT_LENGTH = 4000;
const MAX_LIST = 100;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function asString(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function asCount(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;
}

function asId(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value > 0) return String(value);
  if (typeof value === 'string' && /^\d+$/.test(value)) return value;
  return undefined;
}

function isHttpUrl(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

/**
 * A file counts when Civitai says it is a SafeTensor model file. `primary` is sometimes absent in older items;
 * then the version's first SafeTensor model file stands in for it.
 */
function primarySafetensorsFile(version: Json): Json | undefined {
  const files = asArray(version.files).filter(isObject);
  const safetensors = files.filter((file) => {
    const format = isObject(file.metadata) ? file.metadata.format : undefined;
    const name = typeof file.name === 'string' ? file.name : '';
    const isModel = file.type === undefined || file.type === 'Model';
    return isModel && (format === 'SafeTensor' || (format === undefined && /\.safetensors$/i.test(name)));
  });
  const primary = files.find((file) => file.primary === true);
  if (primary) return safetensors.includes(primary) ? primary : undefined;
  return safetensors[0];
}

/**
 * Civitai lists versions in the author's order, newest first (the order its UI shows); the first version with a
 * primary SafeTensor file is the one a member would download.
 */
function pickVersion(item: Json): { version: Json; file: Json } | undefined {
  for (const version of asArray(item.modelVersions)) {
    if (!isObject(version)) continue;
    const file = primarySafetensorsFile(version);
    if (file) return { version, file };
  }
  return undefined;
}

/**
 * An image is safe when Civitai rated it so: the old `nsfw` field "None" (or false), or the newer `nsfwLevel` 1 (PG).
 * Any other rating, or none at all, keeps it out.
 */
export function isSafeImage(image: Json): boolean {
  const level = image.nsfwLevel;
  if (typeof level === 'number' && level !== 1) return false;
  const rating = image.nsfw;
  if (rating !== undefined && rating !== 'None' && rating !== false) return false;
  return level === 1 || rating === 'None' || rating === false;
}

/**
 * How Civitai rated a version's sample images: the old `nsfw` field (None / Soft / Mature / X, or a boolean) or the
 * newer `nsfwLevel` bit (1 PG, 2 PG-13, 4 R, 8 X, 16 XXX). An image with no rating is not counted.
 */
export function imageRatingsOf(version: Json): ImageRatings | undefined {
  const ratings: ImageRatings = { none: 0, soft: 0, mature: 0, x: 0 };
  let counted = 0;
  for (const image of asArray(version.images)) {
    if (!isObject(image)) continue;
    const bucket = ratingBucket(image);
    if (!bucket) continue;
    ratings[bucket] += 1;
    counted += 1;
  }
  return counted > 0 ? ratings : undefined;
}

function ratingBucket(image: Json): keyof ImageRatings | undefined {
  const level = image.nsfwLevel;
  if (typeof level === 'number' && level > 0) {
    if (level >= 8) return 'x';
    if (level >= 4) return 'mature';
    return level >= 2 ? 'soft' : 'none';
  }
  switch (image.nsfw) {
    case 'None':
    case false:
      return 'none';
    case 'Soft':
      return 'soft';
    case 'Mature':
      return 'mature';
    case 'X':
    case true:
      return 'x';
    default:
      return undefined;
  }
}

/** `allowCommercialUse` arrives as a list, a single value, or a Postgres array literal such as "{Image,RentCivit}". */
export function normaliseCommercialUse(raw: unknown): { values: CommercialUse[]; unknown: string[] } {
  const parts: string[] = Array.isArray(raw)
    ? raw.filter((value): value is string => typeof value === 'string')
    : typeof raw === 'string'
      ? raw.replace(/^\s*\{|\}\s*$/g, '').split(',')
      : [];
  const values: CommercialUse[] = [];
  const unknown: string[] = [];
  for (const part of parts) {
    const value = part.trim().replace(/^"|"$/g, '');
    if (value === '' || value.toLowerCase() === 'none') continue;
    const known = COMMERCIAL_USES.find((use) => use.toLowerCase() === value.toLowerCase());
    if (known) {
      if (!values.includes(known)) values.push(known);
    } else unknown.push(value);
  }
  return { values, unknown };
}

/** Trims, drops empties and duplicates (case-insensitive, first spelling wins), and caps each entry's length. */
function cleanList(raw: unknown[], maxLength: number, label: string, warnings: string[], dropLong = false): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const entry of raw) {
    const name = isObject(entry) ? entry.name : entry;
    let value = asString(name);
    if (!value) continue;
    if (value.length > maxLength) {
      if (dropLong) {
        warnings.push(`long-${label}: dropped a ${value.length}-character ${label}`);
        continue;
      }
      warnings.push(`long-${label}: cut a ${value.length}-character ${label} to ${maxLength}`);
      value = cutAtComma(value, maxLength);
    }
    const key = value.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(value);
    if (out.length === MAX_LIST) break;
  }
  return out;
}

/** Trigger phrases are often comma lists: cutting after a whole phrase keeps the kept part usable in a prompt. */
function cutAtComma(value: string, max: number): string {
  const cut = value.slice(0, max);
  const comma = cut.lastIndexOf(',');
  return (comma > max / 2 ? cut.slice(0, comma) : cut).trim();
}

function examples(version: Json): { prompts: string[]; imageUrls: string[] } {
  const prompts: string[] = [];
  const imageUrls: string[] = [];
  for (const image of asArray(version.images)) {
    if (!isObject(image) || !isSafeImage(image)) continue;
    if (isHttpUrl(image.url) && imageUrls.length < MAX_EXAMPLES) imageUrls.push(image.url);
    const prompt = isObject(image.meta) ? asString(image.meta.prompt) : undefined;
    if (prompt && prompts.length < MAX_EXAMPLES && !prompts.includes(prompt)) {
      prompts.push(prompt.slice(0, MAX_PROMPT_LENGTH));
    }
  }
  return { prompts, imageUrls };
}

export function parseCivitaiModel(item: unknown): CivitaiParseResult {
  const warnings: string[] = [];
  if (!isObject(item)) return { skipped: 'not-an-object: the item is not a JSON object', warnings };
  const modelId = asId(item.id);
  if (!modelId) return { skipped: 'missing-field: id', warnings };
  const name = asString(item.name);
  if (!name) return { skipped: `missing-field: name (model ${modelId})`, warnings };
  const type = asString(item.type);
  if (type && !ADAPTER_TYPES.has(type.toLowerCase())) {
    return { skipped: `not-an-adapter: type ${type}`, warnings };
  }
  const picked = pickVersion(item);
  if (!picked) return { skipped: 'no-safetensors: no version has a primary SafeTensor file', warnings };
  const { version, file } = picked;

  const rawBase = asString(version.baseModel);
  const baseFamily = normaliseBaseModel(rawBase);
  if (baseFamily === 'other') warnings.push(`unknown-base-model: ${rawBase ?? '(none)'}`);

  const text =
    htmlToText(typeof item.description === 'string' ? item.description : undefined) ||
    htmlToText(typeof version.description === 'string' ? version.description : undefined);

  const hashes = isObject(file.hashes) ? file.hashes : {};
  const sha256 = asString(hashes.SHA256);
  const validSha = sha256 && /^[0-9a-f]{64}$/i.test(sha256) ? sha256 : undefined;
  if (!validSha) warnings.push(`missing-sha256: ${sha256 ? 'malformed' : 'absent'}`);

  const fileName = asString(file.name);
  const validFileName = fileName && /\.safetensors$/i.test(fileName) && fileName.length <= 255 ? fileName : undefined;
  if (!validFileName) warnings.push(`bad-file-name: ${fileName ?? '(none)'}`);

  const downloadUrl = [file.downloadUrl, version.downloadUrl].find(isHttpUrl);
  const sizeKB = typeof file.sizeKB === 'number' && file.sizeKB >= 0 ? file.sizeKB : undefined;

  const licence = normaliseCommercialUse(item.allowCommercialUse);
  if (licence.unknown.length) warnings.push(`unknown-licence: ${licence.unknown.join(',')}`);

  const stats = isObject(item.stats) ? item.stats : {};
  const rating = typeof stats.rating === 'number' && stats.rating > 0 ? Math.min(stats.rating, 5) : undefined;
  const { prompts, imageUrls } = examples(version);
  const bool = (value: unknown) => (typeof value === 'boolean' ? value : undefined);
  const versionId = asId(version.id);
  const imageRatings = imageRatingsOf(version);

  const record = {
    id: `civitai:${modelId}`,
    source: 'civitai',
    sourceIds: { modelId, ...(versionId ? { versionId } : {}) },
    name: name.slice(0, 200),
    description: truncateText(text, MAX_DESCRIPTION),
    originalDescription: truncateText(text, MAX_ORIGINAL_DESCRIPTION),
    refined: false,
    tags: cleanList(asArray(item.tags), MAX_TAG_LENGTH, 'tag', warnings, true),
    triggerWords: cleanList(asArray(version.trainedWords), MAX_TRIGGER_LENGTH, 'trigger', warnings),
    baseFamily,
    ...(rawBase ? { baseModel: rawBase.slice(0, 100) } : {}),
    nsfw: item.nsfw === true,
    ...(item.nsfw === true ? { nsfwReason: 'Civitai marks the model NSFW' } : {}),
    ...(imageRatings ? { imageRatings } : {}),
    realPerson: item.poi === true,
    ...(validFileName ? { fileName: validFileName } : {}),
    ...(sizeKB !== undefined ? { sizeBytes: Math.round(sizeKB * 1024) } : {}),
    ...(validSha ? { sha256: validSha } : {}),
    ...(downloadUrl ? { downloadUrl } : {}),
    pageUrl: `https://civitai.com/models/${modelId}`,
    ...(imageUrls[0] ? { previewImageUrl: imageUrls[0] } : {}),
    license: {
      allowCommercialUse: licence.values,
      allowDerivatives: bool(item.allowDerivatives),
      allowNoCredit: bool(item.allowNoCredit),
      allowDifferentLicense: bool(item.allowDifferentLicense),
    },
    popularity: {
      downloads: asCount(stats.downloadCount),
      likes: asCount(stats.favoriteCount ?? stats.thumbsUpCount),
      ...(rating !== undefined ? { rating } : {}),
    },
    examplePrompts: prompts,
    exampleImageUrls: imageUrls,
  };
  const parsed = AdapterSchema.safeParse(record);
  if (!parsed.success) return { skipped: `invalid-record: ${describeAdapterError(parsed.error)}`, warnings };
  return { adapter: parsed.data, warnings };
}

/** One entry of an offline dump: where it came from, and the parsed item or why it could not be read. */
export type DumpEntry = { file: string; line?: number } & ({ item: unknown } | { error: string });

/**
 * Reads an offline dump: a JSONL file (one API item per line), or a folder of JSON files each holding one item or
 * one API page (`{ items: [...] }`). Unreadable entries come back as errors; the walk goes on.
 */
export async function* readCivitaiDump(dumpPath: string): AsyncGenerator<DumpEntry> {
  const info = await stat(dumpPath);
  if (info.isDirectory()) {
    const names = (await readdir(dumpPath)).filter((name) => name.toLowerCase().endsWith('.json')).sort(byNumericStem);
    for (const name of names) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(await readFile(path.join(dumpPath, name), 'utf8'));
      } catch (error) {
        yield { file: name, error: `malformed-json: ${error instanceof Error ? error.message : String(error)}` };
        continue;
      }
      if (isObject(parsed) && Array.isArray(parsed.items) && !('modelVersions' in parsed)) {
        for (const item of parsed.items) yield { file: name, item };
      } else yield { file: name, item: parsed };
    }
    return;
  }
  const file = path.basename(dumpPath);
  const lines = createInterface({ input: createReadStream(dumpPath, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
  let line = 0;
  for await (const text of lines) {
    line += 1;
    if (text.trim() === '') continue;
    try {
      yield { file, line, item: JSON.parse(text) };
    } catch (error) {
      yield { file, line, error: `malformed-json: ${error instanceof Error ? error.message : String(error)}` };
    }
  }
}

/** `9.json` before `10.json`, so a folder named by model id is read in id order. */
function byNumericStem(a: string, b: string): number {
  return a.localeCompare(b, 'en', { numeric: true });
}
